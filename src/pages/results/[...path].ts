// Serves the shown profile's raw artifact files (result.json, masks.bin,
// images/*.png) at /results/<profile>/<experiment>/<file>, in dev and in dist/.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import { listRawFiles, servedTypes } from '../../lib/raw-files.ts';
import { siteConfig } from '../../lib/site-config.ts';

export const getStaticPaths: GetStaticPaths = async () => {
  const files = await listRawFiles(siteConfig.profileDir);
  return files.map((file) => ({ params: { path: `${siteConfig.profile}/${file}` }, props: { file } }));
};

export const GET: APIRoute = async ({ props }) => {
  const file = props.file as string;
  const body = await readFile(path.join(siteConfig.profileDir, file));
  return new Response(body, { headers: { 'Content-Type': servedTypes[path.extname(file)] } });
};
