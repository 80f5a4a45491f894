// Per-output-token removal (docs/method.md §5.5): for each output token, of the
// base mask's weights into that token, the share that another mask drops.
// Our output projection is W [hidden, tokens] (rows = hidden units), so a
// token is a column here (a row of PyTorch's [tokens, hidden] weight).
import type { TokenRemovalRow } from '../artifacts/schema.ts';
import type { BinaryMask } from '../masking/binary-mask.ts';

export function tokenRemovalRows(
  seed: number,
  base: string,
  mask: string,
  tokens: readonly string[],
  hidden: number,
  baseMask: BinaryMask,
  otherMask: BinaryMask,
): TokenRemovalRow[] {
  const V = tokens.length;
  if (baseMask.length !== hidden * V || otherMask.length !== hidden * V) throw new Error(`output masks must be ${hidden}×${V}`);
  return tokens.map((token, r) => {
    let baseKept = 0,
      removed = 0;
    for (let h = 0; h < hidden; h++) {
      const i = h * V + r;
      if (baseMask[i]) {
        baseKept++;
        if (!otherMask[i]) removed++;
      }
    }
    return { seed, base, mask, token, baseKept, removed, share: baseKept === 0 ? 0 : removed / baseKept };
  });
}
