// The site's environment checked before Astro starts (astro.config.mjs), so a
// bad value is one line and exit 2, not Astro's multi-line error overlay.
// Kept apart from site-config.ts, which reads the environment when imported.
import { profileNameSchema } from '../../experiments/artifacts/schema.ts';

/** What is wrong with the site's environment variables, in one line, or null. */
export function siteEnvProblem(env: Record<string, string | undefined>): string | null {
  const profile = env.SITE_PROFILE;
  if (profile && !profileNameSchema.safeParse(profile).success) {
    return `SITE_PROFILE: "${profile}" is not a profile (expected ${profileNameSchema.options.join(', ')})`;
  }
  return null;
}

/** For astro.config.mjs: print the problem as one line and exit 2. */
export function exitOnSiteEnvProblem(env: Record<string, string | undefined> = process.env): void {
  const problem = siteEnvProblem(env);
  if (problem) {
    process.stderr.write(`error: ${problem}\n`);
    process.exit(2);
  }
}
