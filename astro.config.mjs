// Static site over the experiments' result artifacts.
//
// Everything that changes between builds comes from the environment, so the
// same config builds the published site, a CI preview and the test build:
//   SITE_BASE      base path when served below a domain root (default "/")
//   SITE_PROFILE   which profile's artifacts to show: ci | quick | paper (default "quick")
//   RESULTS_DIR    root of the artifacts, relative to the repo root (default "content/results")
//   SITE_OUT_DIR   output folder (default "dist"; `astro build --outDir` works too)
//   SITE_CACHE_DIR Astro's cache (holds the content-layer data store); the test
//                  build points it to a temp folder so it never mixes with a real build.
// src/lib/site-config.ts reads the same variables for the pages.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { rehypeHeadingIds } from '@astrojs/markdown-remark';
import { rehypeHeadingLinks } from './src/lib/rehype-heading-links.ts';
import { exitOnSiteEnvProblem } from './src/lib/site-env.ts';

const env = process.env;
// A bad value (SITE_PROFILE=bogus) is one line and exit 2, before Astro prints its error overlay.
exitOnSiteEnvProblem(env);

export default defineConfig({
  output: 'static',
  base: env.SITE_BASE || '/',
  outDir: env.SITE_OUT_DIR || './dist',
  cacheDir: env.SITE_CACHE_DIR || './node_modules/.astro',
  // Pages are folders with index.html, so the browser check can find them by walking dist/.
  build: { format: 'directory' },
  // No client-side JS anywhere: nothing to prefetch, no dev toolbar in screenshots.
  prefetch: false,
  devToolbar: { enabled: false },
  // Heading ids first (Astro adds them after user plugins otherwise), then a permalink on each section heading.
  integrations: [mdx({ rehypePlugins: [rehypeHeadingIds, rehypeHeadingLinks] })],
});
