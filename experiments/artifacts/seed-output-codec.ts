// A job's output travels from the worker to the main process as a JSON file in
// the job cache (so a killed build can reuse finished seeds). Masks are packed
// bits, written as base64.
import type { SeedOutput } from '../tasks/experiment.ts';

export function encodeSeedOutput(out: SeedOutput): string {
  return JSON.stringify({ ...out, masks: out.masks.map((m) => ({ ...m, packed: Buffer.from(m.packed).toString('base64') })) });
}

export function decodeSeedOutput(text: string): SeedOutput {
  const raw = JSON.parse(text) as Omit<SeedOutput, 'masks'> & { masks: (Omit<SeedOutput['masks'][number], 'packed'> & { packed: string })[] };
  return { ...raw, masks: raw.masks.map((m) => ({ ...m, packed: new Uint8Array(Buffer.from(m.packed, 'base64')) })) };
}
