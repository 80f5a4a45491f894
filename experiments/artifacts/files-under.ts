// Every regular file under a path (the path itself when it is a file), sorted,
// so digests over them do not depend on readdir order.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(path, e.name)) : e.isFile() || e.isSymbolicLink() ? [join(path, e.name)] : []));
}
