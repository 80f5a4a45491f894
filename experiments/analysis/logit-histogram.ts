// Histogram of σ(logit) of a mask (docs/method.md §2.4, plot_mask_histogram.py):
// shows whether the trained masks end up nearly deterministic (mass at 0 and 1).

export function sigmoidHistogram(logits: Float32Array[], bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const layer of logits) {
    for (let i = 0; i < layer.length; i++) {
      const p = 1 / (1 + Math.exp(-layer[i]));
      counts[Math.min(bins - 1, Math.floor(p * bins))]++;
    }
  }
  return counts;
}
