// Access to the result artifacts of the shown profile (the `results` content
// collection) and to the URLs of their raw files.
import { getCollection, getEntry } from 'astro:content';
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { navLabel } from './artifact-lookup.ts';
import { siteConfig } from './site-config.ts';
import { siteUrl } from './urls.ts';
import { PAPER_ORDER } from '../../experiments/tasks/names.ts';

/** The paper's order; experiments not listed here follow alphabetically. */
const paperOrder: readonly string[] = PAPER_ORDER;

function rank(id: string): number {
  const i = paperOrder.indexOf(id);
  return i < 0 ? paperOrder.length : i;
}

/** Every artifact of the shown profile with its folder name (`id`), in the paper's order. */
export async function listArtifacts(): Promise<Array<{ id: string; artifact: ResultArtifact }>> {
  const entries = await getCollection('results');
  return entries.map((e) => ({ id: e.id, artifact: e.data })).sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** Every artifact of the shown profile with its short name (navigation, links), in the paper's order. */
export async function listExperiments(): Promise<Array<{ id: string; artifact: ResultArtifact; label: string }>> {
  const writeupTitles = new Map((await getCollection('writeups')).map((w) => [w.id, (w.data as { title?: unknown }).title]));
  return (await listArtifacts()).map((e) => ({ ...e, label: navLabel(e.artifact.title, writeupTitles.get(e.id)) }));
}

/** The artifact of an experiment (by folder name), or undefined when this profile lacks it. */
export async function getArtifact(experiment: string): Promise<ResultArtifact | undefined> {
  return (await getEntry('results', experiment))?.data;
}

/** The companion profile's artifact of an experiment (quick's: long), or undefined. */
export async function getCompanionArtifact(experiment: string): Promise<ResultArtifact | undefined> {
  return (await getEntry('companionResults', experiment))?.data;
}

/** An artifact of the shown profile, or of its companion. */
export async function artifactOf(experiment: string, source: ArtifactSource = 'main'): Promise<ResultArtifact | undefined> {
  return source === 'companion' ? getCompanionArtifact(experiment) : getArtifact(experiment);
}

export type ArtifactSource = 'main' | 'companion';

/** URL of a raw file of an artifact, as served by src/pages/results/[...path].ts. */
export function rawFileUrl(experiment: string, file: string, profile: string = siteConfig.profile): string {
  return siteUrl(`results/${profile}/${experiment}/${file}`);
}

export function experimentUrl(experiment: string): string {
  return siteUrl(`experiments/${experiment}/`);
}
