// A tiny static file server for a built site, so the browser check sees the
// pages exactly as a host would serve dist/ (no dev server, no build step).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** Origin plus base path, ending in "/": where the site's home page is. */
  url: string;
  close(): Promise<void>;
}

/** Serves `root` under the URL prefix `base` (the site's SITE_BASE) on a free localhost port. */
export async function serveStatic(root: string, base = '/'): Promise<StaticServer> {
  const prefix = `/${base.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
  const server = http.createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = pathname.startsWith(prefix) ? await resolveFile(root, pathname.slice(prefix.length)) : undefined;
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** The file for a URL path inside root (directories -> index.html), or undefined. */
async function resolveFile(root: string, relative: string): Promise<string | undefined> {
  const full = path.resolve(root, relative);
  if (full !== path.resolve(root) && !full.startsWith(path.resolve(root) + path.sep)) return undefined;
  for (const candidate of [full, path.join(full, 'index.html')]) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) return candidate;
  }
  return undefined;
}
