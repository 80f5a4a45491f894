// The floor every mask kernel applies to a logit before σ: below about −87,
// σ(L) is a float32 denormal, and arithmetic on denormals slowed the long
// stages about 11× once their pruned logits got there. A weight at −80 has
// σ ≈ 1.8e-35: never sampled as kept, its gradient negligible. The WebAssembly
// kernel (mask-kernels.as.ts) has the same constant; a test reads it from there.
export const LOGIT_FLOOR = -80;
