// A job's output travels from the worker to the main process as a JSON file in
// the job cache (so a killed build can reuse finished seeds). Masks are packed
// bits, written as base64.
import { z } from 'zod';
import type { SeedOutput } from '../tasks/experiment.ts';
import {
  accuracyRowSchema,
  confusionRowSchema,
  curveRowSchema,
  overlapRowSchema,
  pretrainRowSchema,
  tokenRemovalRowSchema,
  weightsKeptRowSchema,
} from './schema.ts';

/** The shape of an encoded seed output, checked before a job-cache entry is reused. */
export const encodedSeedOutputSchema = z
  .object({
    seed: z.number().int(),
    pretrain: z.array(pretrainRowSchema),
    accuracy: z.array(accuracyRowSchema),
    weightsKept: z.array(weightsKeptRowSchema),
    overlap: z.array(overlapRowSchema),
    confusion: z.array(confusionRowSchema),
    histograms: z.array(z.object({ mask: z.string(), counts: z.array(z.number().int().nonnegative()) })),
    masks: z.array(
      z.object({
        variant: z.string(),
        mask: z.string(),
        layer: z.string(),
        shape: z.array(z.number().int().positive()),
        packed: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
        kept: z.number().int().nonnegative(),
      }),
    ),
    tokenRemoval: z.array(tokenRemovalRowSchema).optional(),
    curve: z.array(curveRowSchema).optional(),
    stages: z.array(z.object({ stage: z.string(), seconds: z.number().finite(), steps: z.number().int() })),
  })
  .strict();

export function encodeSeedOutput(out: SeedOutput): string {
  return JSON.stringify({ ...out, masks: out.masks.map((m) => ({ ...m, packed: Buffer.from(m.packed).toString('base64') })) });
}

export type EncodedSeedOutput = Omit<SeedOutput, 'masks'> & { masks: (Omit<SeedOutput['masks'][number], 'packed'> & { packed: string })[] };

export function decodeSeedOutput(text: string): SeedOutput {
  return decodeParsedSeedOutput(JSON.parse(text) as EncodedSeedOutput);
}

/** The same, from an already parsed object (the job cache file wraps the output). */
export function decodeParsedSeedOutput(raw: EncodedSeedOutput): SeedOutput {
  return { ...raw, masks: raw.masks.map((m) => ({ ...m, packed: new Uint8Array(Buffer.from(m.packed, 'base64')) })) };
}
