// Serves the shown profile's (and its companion's) raw artifact files (result.json, masks.bin,
// images/*.png) at /results/<profile>/<experiment>/<file>, in dev and in dist/.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import { listRawFiles, servedTypes } from '../../lib/raw-files.ts';
import { siteConfig } from '../../lib/site-config.ts';

export const getStaticPaths: GetStaticPaths = async () => {
  const profiles = [
    { profile: siteConfig.profile, dir: siteConfig.profileDir },
    ...(siteConfig.companion && existsSync(siteConfig.companion.dir) ? [siteConfig.companion] : []),
  ];
  const all = await Promise.all(
    profiles.map(async ({ profile, dir }) => (await listRawFiles(dir)).map((file) => ({ params: { path: `${profile}/${file}` }, props: { dir, file } }))),
  );
  return all.flat();
};

export const GET: APIRoute = async ({ props }) => {
  const file = props.file as string;
  const body = await readFile(path.join(props.dir as string, file));
  return new Response(body, { headers: { 'Content-Type': servedTypes[path.extname(file)] } });
};
