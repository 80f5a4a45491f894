// Two collections: the result artifacts of the shown profile (written by the
// experiments, validated with the very schema object they were written with,
// and checked against their content manifests) and the authored MDX write-ups.
import { defineCollection } from 'astro:content';
import type { Loader } from 'astro/loaders';
import { glob } from 'astro/loaders';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { resultArtifactSchema, type ResultArtifact } from '../experiments/artifacts/schema.ts';
import { artifactIntegrityError } from './lib/artifact-integrity.ts';
import { siteConfig } from './lib/site-config.ts';

/**
 * The glob loader, then the manifest check of every loaded artifact's folder:
 * an edited number, mask or picture fails the build with one line naming the
 * artifact (files beside result.json are read afresh on every build, cached or not).
 */
function checkedResults(inner: Loader, dir: string): Loader {
  return {
    name: 'results-with-manifest-check',
    load: async (context) => {
      await inner.load(context);
      for (const entry of context.store.values()) {
        const error = artifactIntegrityError(path.join(dir, entry.id), entry.data as unknown as ResultArtifact);
        if (error) throw new Error(error);
      }
    },
  };
}

// Entry id = the experiment's folder name (<profile>/<experiment>/result.json),
// so pages and components look an artifact up by experiment id.
const resultsIn = (dir: string, relative: string) =>
  defineCollection({
    loader: checkedResults(
      glob({
        pattern: '*/result.json',
        base: relative,
        generateId: ({ entry }) => entry.split('/')[0],
      }),
      dir,
    ),
    // The project's zod and astro's are the same 3.25.76 install (npm dedupes
    // them), so the writer's schema object is used as is.
    schema: resultArtifactSchema,
  });

const results = resultsIn(siteConfig.profileDir, siteConfig.profileDirRelative);
// The companion profile's artifacts (quick's: long), shown beside the main ones where they exist.
const companionResults =
  siteConfig.companion && existsSync(siteConfig.companion.dir)
    ? resultsIn(siteConfig.companion.dir, siteConfig.companion.dirRelative)
    : defineCollection({ loader: () => [], schema: resultArtifactSchema });

const writeups = defineCollection({
  loader: glob({ pattern: '*.mdx', base: 'content/writeups' }),
});

export const collections = { results, companionResults, writeups };
