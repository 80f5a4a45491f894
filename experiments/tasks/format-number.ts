// Numbers in run notes: 3 significant digits at most, no float noise
// (1e-3 · 0.3 prints 0.0003, not 0.00030000000000000003).
export function formatNumber(x: number): string {
  return String(+x.toPrecision(3));
}
