// A job's output travels from the worker to the main process as a JSON file in
// the job cache (so a killed build can reuse finished seeds). Masks are packed
// bits, written as base64.
import type { SeedOutput } from '../tasks/experiment.ts';

export function encodeSeedOutput(out: SeedOutput): string {
  return JSON.stringify({ ...out, masks: out.masks.map((m) => ({ ...m, packed: Buffer.from(m.packed).toString('base64') })) });
}

type EncodedSeedOutput = Omit<SeedOutput, 'masks'> & { masks: (Omit<SeedOutput['masks'][number], 'packed'> & { packed: string })[] };

export function decodeSeedOutput(text: string): SeedOutput {
  return decodeParsedSeedOutput(JSON.parse(text) as EncodedSeedOutput);
}

/** The same, from an already parsed object (the job cache file wraps the output). */
export function decodeParsedSeedOutput(raw: EncodedSeedOutput): SeedOutput {
  return { ...raw, masks: raw.masks.map((m) => ({ ...m, packed: new Uint8Array(Buffer.from(m.packed, 'base64')) })) };
}
