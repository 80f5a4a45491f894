// A tiny local HTTP server for the downloader's tests: serves fixed bytes at
// any path, honours "Range: bytes=N-" (unless told not to), and can cut the
// connection or stall after some bytes, so resume and failure paths run
// without the network.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServerBehaviour {
  /** Bytes served at each path (the path without query); a missing path is a 404. */
  files: Record<string, Uint8Array>;
  ignoreRange?: boolean;
  /** On the first request only: send this many body bytes, then drop the connection. */
  cutFirstAfter?: number;
  /** On the first request only: send this many body bytes, then stop sending (the socket stays open). */
  stallFirstAfter?: number;
}

export interface LocalServer {
  url: string;
  requests: { path: string; range: string | undefined; status: number }[];
  close: () => Promise<void>;
}

export async function startServer(b: ServerBehaviour): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const body = b.files[path];
    const first = requests.length === 0;
    const record = (status: number) => requests.push({ path, range: req.headers.range, status });
    if (!body) {
      record(404);
      res.writeHead(404).end('not found');
      return;
    }
    const range = b.ignoreRange ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (range) {
      start = Number(range[1]);
      if (start >= body.length) {
        record(416);
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      record(206);
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`, 'Content-Length': body.length - start });
    } else {
      record(200);
      res.writeHead(200, { 'Content-Length': body.length });
    }
    const rest = body.subarray(start);
    if (first && b.cutFirstAfter !== undefined) {
      // Cut only after the client has had time to read what was sent: closing at
      // once can make the client see the error before any byte (seen under load).
      res.write(rest.subarray(0, b.cutFirstAfter), () => setTimeout(() => res.socket?.destroy(), 200));
    } else if (first && b.stallFirstAfter !== undefined) {
      res.write(rest.subarray(0, b.stallFirstAfter));
    } else {
      res.end(rest);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
