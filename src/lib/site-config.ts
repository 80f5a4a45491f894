// Which artifacts the site shows, read once from the environment.
// The same variables are documented in astro.config.mjs. Relative paths are
// resolved against the working directory, which is the repo root for
// `npx astro build` and for the tests.
import path from 'node:path';
import { profileNameSchema, type ProfileName } from '../../experiments/artifacts/schema.ts';
import { siteEnvProblem } from './site-env.ts';

export interface SiteConfig {
  profile: ProfileName;
  /** Absolute path of RESULTS_DIR. */
  resultsRoot: string;
  /** Absolute path of the folder holding the shown profile's experiments. */
  profileDir: string;
  /** RESULTS_DIR/profile as given (relative), for the content loader. */
  profileDirRelative: string;
  /**
   * The profile shown beside the main one where it has an artifact (quick: long,
   * the same experiments with the paper's stage lengths), or null.
   */
  companion: { profile: ProfileName; dir: string; dirRelative: string } | null;
}

export function readSiteConfig(env: Record<string, string | undefined> = process.env): SiteConfig {
  const problem = siteEnvProblem(env);
  if (problem) throw new Error(problem);
  const profile = profileNameSchema.parse(env.SITE_PROFILE || 'quick');
  const resultsDir = env.RESULTS_DIR || 'content/results';
  const resultsRoot = path.resolve(resultsDir);
  const companion = profile === 'quick' ? 'long' : null;
  return {
    profile,
    resultsRoot,
    profileDir: path.join(resultsRoot, profile),
    profileDirRelative: path.join(resultsDir, profile),
    companion: companion && { profile: companion, dir: path.join(resultsRoot, companion), dirRelative: path.join(resultsDir, companion) },
  };
}

export const siteConfig = readSiteConfig();
