// Two collections: the result artifacts of the shown profile (written by the
// experiments, validated with the very schema object they were written with) and
// the authored MDX write-ups.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { resultArtifactSchema } from '../experiments/artifacts/schema.ts';
import { siteConfig } from './lib/site-config.ts';

// Entry id = the experiment's folder name (<profile>/<experiment>/result.json),
// so pages and components look an artifact up by experiment id.
const results = defineCollection({
  loader: glob({
    pattern: '*/result.json',
    base: siteConfig.profileDirRelative,
    generateId: ({ entry }) => entry.split('/')[0],
  }),
  // The project's zod and astro's are the same 3.25.76 install (npm dedupes
  // them), so the writer's schema object is used as is.
  schema: resultArtifactSchema,
});

const writeups = defineCollection({
  loader: glob({ pattern: '*.mdx', base: 'content/writeups' }),
});

export const collections = { results, writeups };
