// One-off: moves the published artifacts from schema 1 (code-text cache key,
// findings without kind or date) to schema 2, without retraining. For each
// artifact it checks the record content/results/key-migration.json (taken on a
// commit where the artifact was fresh under its old key: the numerics
// fingerprint of the code that produced it), keeps every computed part as it is
// (tables, masks.bin, provenance except the key), and assembles the derived
// parts again with the current code. It refuses when the record does not match
// the artifact, when the stored config differs from the current profile, or
// when re-assembly would change any table or mask byte.
//
//   npx tsx scripts/migrate-artifacts-v2.ts [RESULTS_DIR]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { assembleArtifact } from '../experiments/artifacts/assemble.ts';
import { reconstructOutputs, type ComputedParts } from '../experiments/artifacts/reconstruct.ts';
import type { Provenance } from '../experiments/artifacts/schema.ts';
import { writeArtifact } from '../experiments/artifacts/store.ts';
import { cacheKeyOf, configHash } from '../experiments/runtime/cache-key.ts';
import { gitInfo } from '../experiments/runtime/git-info.ts';
import { EXPERIMENTS } from '../experiments/tasks/registry.ts';

const ROOT = resolve(import.meta.dirname, '..');
const resultsDir = resolve(process.argv[2] ?? join(ROOT, 'content/results'));
const record = JSON.parse(readFileSync(join(ROOT, 'content/results/key-migration.json'), 'utf8')) as {
  commit: string;
  artifacts: Record<string, { oldKey: string; fingerprint: string; data: string; environment: string }>;
};
const git = gitInfo(ROOT);
for (const e of EXPERIMENTS) {
  const dir = join(resultsDir, 'quick', e.id);
  const raw = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ComputedParts & {
    schemaVersion: number;
    provenance: Provenance & { cache: { key: string; code: string } };
  };
  if (raw.schemaVersion !== 1) throw new Error(`quick/${e.id}: schema ${raw.schemaVersion}, not 1`);
  const rec = record.artifacts[`quick/${e.id}`];
  if (!rec || rec.oldKey !== raw.provenance.cache.key) throw new Error(`quick/${e.id}: its key is not the one the migration record was taken for`);
  const config = configHash(e.id, 'quick', raw.provenance.config);
  if (config !== configHash(e.id, 'quick', e.profiles.quick)) throw new Error(`quick/${e.id}: the stored config differs from the current quick profile`);
  const masksBin = new Uint8Array(readFileSync(join(dir, raw.maskFile.file)));
  const provenance: Provenance = {
    ...raw.provenance,
    cache: {
      ...cacheKeyOf({ config, numerics: rec.fingerprint, data: rec.data, environment: rec.environment, code: raw.provenance.cache.code }),
      migratedFrom: { oldKey: rec.oldKey, recordCommit: record.commit },
    },
    derivation: { commit: git.commit, dirty: git.dirty, at: new Date().toISOString() },
  };
  const assembled = await assembleArtifact(e, e.profiles.quick, reconstructOutputs(raw, masksBin), provenance);
  if (!isDeepStrictEqual(assembled.artifact.tables, raw.tables)) throw new Error(`quick/${e.id}: re-assembly would change the tables`);
  if (Buffer.compare(Buffer.from(assembled.files.get(raw.maskFile.file)!), Buffer.from(masksBin)) !== 0)
    throw new Error(`quick/${e.id}: re-assembly would change masks.bin`);
  writeArtifact(resultsDir, 'quick', assembled);
  const f = assembled.artifact.findings;
  console.log(
    `quick/${e.id}: migrated; ${f.filter((x) => x.kind === 'claim' && x.verdict === 'holds').length}/${f.filter((x) => x.kind === 'claim').length} claims, ${f.filter((x) => x.kind === 'check' && x.verdict === 'holds').length}/${f.filter((x) => x.kind === 'check').length} checks hold`,
  );
}
