// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_ semantics):
// scale every gradient by max_norm / (norm + 1e-6) when the norm exceeds max_norm.
export function clipScale(sumOfSquares: number, maxNorm: number): number {
  const norm = Math.sqrt(sumOfSquares);
  return norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}
