// The CNN pieces (im2col convolution, 2×2 max pool, global average pool) with
// their hand-written backward passes: forward against a plain-loop 3×3
// convolution, and the gradients of a small conv → ReLU → pool → conv → ReLU →
// global-pool network against central finite differences.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  col2im,
  conv3x3Backward,
  conv3x3Forward,
  globalAvgPoolBackward,
  globalAvgPoolForward,
  im2col,
  maxPool2Backward,
  maxPool2Forward,
  type Grid,
} from '../../experiments/models/conv2d.ts';
import { convMoves, jsConvMoves } from '../../experiments/models/kernels/conv-moves.ts';
import { Rng } from '../../experiments/runtime/rng.ts';
import { useBackend } from '../helpers/backend.ts';

const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());

/** Plain-loop 3×3 convolution, padding 1, on [C, N, H, W] data; W[(k·C_in + c), o] with k = dy·3 + dx. */
function refConv(x: Float32Array, cIn: number, g: Grid, W: Float32Array, b: Float32Array, cOut: number): Float64Array {
  const out = new Float64Array(cOut * g.n * g.h * g.w);
  for (let o = 0; o < cOut; o++)
    for (let e = 0; e < g.n; e++)
      for (let y = 0; y < g.h; y++)
        for (let xx = 0; xx < g.w; xx++) {
          let s = b[o];
          for (let dy = 0; dy < 3; dy++)
            for (let dx = 0; dx < 3; dx++) {
              const sy = y + dy - 1,
                sx = xx + dx - 1;
              if (sy < 0 || sy >= g.h || sx < 0 || sx >= g.w) continue;
              for (let c = 0; c < cIn; c++) s += x[((c * g.n + e) * g.h + sy) * g.w + sx] * W[((dy * 3 + dx) * cIn + c) * cOut + o];
            }
          out[((o * g.n + e) * g.h + y) * g.w + xx] = s;
        }
  return out;
}

describe.each(['wasm', 'cpu'] as const)('CNN pieces on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('im2col convolution equals a plain-loop 3×3 convolution with zero padding', () => {
    const g = { n: 2, h: 4, w: 6 },
      cIn = 3,
      cOut = 5;
    const rng = new Rng(1, 'conv');
    const x = rng.fillUniform(new Float32Array(cIn * g.n * g.h * g.w), -1, 1);
    const W = rng.fillUniform(new Float32Array(9 * cIn * cOut), -1, 1);
    const b = rng.fillUniform(new Float32Array(cOut), -1, 1);
    const got = tf.tidy(() => {
      const Wt = tf.tensor(W, [9 * cIn, cOut]);
      return read(conv3x3Forward(tf.tensor(x, [cIn, g.n * g.h * g.w]), g, { W: Wt, WT: tf.transpose(Wt), b: tf.tensor(b, [cOut, 1]) }).z);
    });
    const want = refConv(x, cIn, g, W, b, cOut);
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  });

  it('col2im is the adjoint of im2col: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩', () => {
    const g = { n: 2, h: 3, w: 5 },
      c = 2;
    const rng = new Rng(2, 'adjoint');
    const x = rng.fillUniform(new Float32Array(c * g.n * g.h * g.w), -1, 1);
    const y = rng.fillUniform(new Float32Array(9 * c * g.n * g.h * g.w), -1, 1);
    const [lhs, rhs] = tf.tidy(() => [
      tf.sum(tf.mul(im2col(tf.tensor(x, [c, g.n * g.h * g.w]), g), tf.tensor(y, [9 * c, g.n * g.h * g.w]))).dataSync()[0],
      tf.sum(tf.mul(tf.tensor(x, [c, g.n * g.h * g.w]), col2im(tf.tensor(y, [9 * c, g.n * g.h * g.w]), g))).dataSync()[0],
    ]);
    expect(lhs).toBeCloseTo(rhs, 4);
  });

  it('gradients of conv → ReLU → max pool → conv → ReLU → global average pool match finite differences', () => {
    const g1 = { n: 2, h: 4, w: 4 },
      g2 = { n: 2, h: 2, w: 2 };
    const [c0, c1, c2] = [2, 3, 4];
    const rng = new Rng(3, 'net');
    const x = rng.fillUniform(new Float32Array(c0 * 32), -1, 1);
    const params = {
      W1: rng.fillUniform(new Float32Array(9 * c0 * c1), -0.5, 0.5),
      b1: rng.fillUniform(new Float32Array(c1), -0.1, 0.1),
      W2: rng.fillUniform(new Float32Array(9 * c1 * c2), -0.5, 0.5),
      b2: rng.fillUniform(new Float32Array(c2), -0.1, 0.1),
    };
    const target = rng.fillUniform(new Float32Array(c2 * g1.n), -1, 1);
    const weights = (W: Float32Array, b: Float32Array, cin: number, cout: number) => {
      const Wt = tf.tensor(W, [9 * cin, cout]);
      return { W: Wt, WT: tf.transpose(Wt), b: tf.tensor(b, [cout, 1]) };
    };
    // Loss = ½ Σ (out − target)².
    type Grads = { W1: Float32Array; b1: Float32Array; W2: Float32Array; b2: Float32Array };
    const run = (withGrads: boolean) => {
      const result: { loss: number; grads: Grads | null } = { loss: 0, grads: null };
      tf.tidy(() => {
        const w1 = weights(params.W1, params.b1, c0, c1),
          w2 = weights(params.W2, params.b2, c1, c2);
        const c1f = conv3x3Forward(tf.tensor(x, [c0, 32]), g1, w1);
        const a1 = tf.relu(c1f.z);
        const p1 = maxPool2Forward(a1, g1);
        const c2f = conv3x3Forward(p1.y, g2, w2);
        const a2 = tf.relu(c2f.z);
        const out = globalAvgPoolForward(a2, g2);
        const diff = tf.sub(out, tf.tensor(target, [c2, g1.n]));
        const loss = 0.5 * tf.sum(tf.square(diff)).dataSync()[0];
        result.loss = loss;
        if (!withGrads) return;
        const dz2 = tf.mul(globalAvgPoolBackward(diff, g2), tf.step(c2f.z));
        const b2 = conv3x3Backward(dz2, c2f.cols, g2, w2, true);
        const dz1 = tf.mul(maxPool2Backward(b2.dx!, p1.argmax, g1), tf.step(c1f.z));
        const b1 = conv3x3Backward(dz1, c1f.cols, g1, w1, false);
        result.grads = { W1: read(b1.dW), b1: read(b1.db), W2: read(b2.dW), b2: read(b2.db) };
      });
      return result;
    };
    const { grads } = run(true);
    const h = 1e-2;
    let checked = 0;
    for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
      const arr = params[key];
      for (let i = 0; i < arr.length; i++) {
        const keep = arr[i];
        arr[i] = keep + h;
        const up = run(false).loss;
        arr[i] = keep - h;
        const down = run(false).loss;
        arr[i] = keep;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(grads![key][i] - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
        checked++;
      }
    }
    expect(checked).toBe(9 * c0 * c1 + c1 + 9 * c1 * c2 + c2);
  });
});

// The heap kernel (conv-moves.as.ts) against the JS reference loops: the same
// bits, for grids of the CIFAR network's sizes and odd ones, with ties and
// negative zeros in the pooled inputs.
describe('CNN data movement: the wasm heap kernel = the JS reference, bit for bit', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  const grids: [number, Grid][] = [
    [3, { n: 2, h: 32, w: 32 }],
    [5, { n: 3, h: 8, w: 6 }],
    [1, { n: 1, h: 2, w: 2 }],
    [7, { n: 4, h: 4, w: 10 }],
  ];
  const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

  it.each(grids)('%i channels, grid %o', (c, g) => {
    const wasm = convMoves();
    expect(wasm.name).toBe('wasm');
    const rng = new Rng(c * 100 + g.w, 'moves');
    const size = c * g.n * g.h * g.w;
    // Rounded values give ties in the pooling blocks; -0 and 0 tie too.
    const x = tf.tensor(
      Float32Array.from({ length: size }, () => (rng.uniform() < 0.2 ? (rng.uniform() < 0.5 ? -0 : 0) : Math.round(rng.normal() * 4) / 4)),
      [c, size / c],
    );
    const cols = tf.tensor(rng.fillUniform(new Float32Array(9 * size), -1, 1), [9 * c, size / c]);
    expect(bits(wasm.im2col(x, g))).toEqual(bits(jsConvMoves.im2col(x, g)));
    expect(bits(wasm.col2im(cols, g))).toEqual(bits(jsConvMoves.col2im(cols, g)));
    const pw = wasm.maxPoolForward(x, g);
    const pj = jsConvMoves.maxPoolForward(x, g);
    expect(bits(pw.y)).toEqual(bits(pj.y));
    const dy = tf.tensor(rng.fillUniform(new Float32Array(size / 4), -1, 1), [c, size / 4 / c]);
    expect(bits(wasm.maxPoolBackward(dy, pw.argmax, g))).toEqual(bits(jsConvMoves.maxPoolBackward(dy, pj.argmax, g)));
    // The JS loop reads the heap kernel's winners too.
    expect(bits(jsConvMoves.maxPoolBackward(dy, pw.argmax, g))).toEqual(bits(jsConvMoves.maxPoolBackward(dy, pj.argmax, g)));
    const dAvg = tf.tensor(rng.fillUniform(new Float32Array(c * g.n), -3, 3), [c, g.n]);
    expect(bits(wasm.avgPoolBackward(dAvg, g))).toEqual(bits(jsConvMoves.avgPoolBackward(dAvg, g)));
  });

  // The fused ReLU + pooling against the composition it replaces (tf.relu, the
  // pool, tf.step, tf.mul): grids with the vector path (w/2 a multiple of 4)
  // and the scalar one, pre-activations with ties, signed zeros and negatives.
  it.each([...grids, [4, { n: 2, h: 16, w: 16 }] as [number, Grid], [2, { n: 1, h: 4, w: 8 }] as [number, Grid]])(
    'fused ReLU + max pool, %i channels, grid %o: the bits of relu, pool, step and mul',
    (c, g) => {
      const rng = new Rng(c * 7 + g.h, 'fused');
      const size = c * g.n * g.h * g.w;
      const z = tf.tensor(
        Float32Array.from({ length: size }, () => (rng.uniform() < 0.2 ? (rng.uniform() < 0.5 ? -0 : 0) : Math.round(rng.normal() * 4) / 4)),
        [c, size / c],
      );
      const dy = tf.tensor(rng.fillUniform(new Float32Array(size / 4), -1, 1), [c, size / 4 / c]);
      for (const moves of [convMoves(), jsConvMoves]) {
        const fused = moves.reluMaxPoolForward(z, g);
        const plain = jsConvMoves.maxPoolForward(tf.relu(z), g);
        expect(bits(fused.y)).toEqual(bits(plain.y));
        const back = moves.maxPoolReluBackward(dy, fused.argmax, fused.y, g);
        expect(bits(back)).toEqual(bits(tf.mul(jsConvMoves.maxPoolBackward(dy, plain.argmax, g), tf.step(z))));
        const d = tf.tensor(rng.fillUniform(new Float32Array(size), -1, 1), [c, size / c]);
        expect(bits(moves.reluBackward(d, tf.relu(z)))).toEqual(bits(tf.mul(d, tf.step(z))));
      }
    },
  );

  it('frees what it allocates: tensor count flat under tidy', () => {
    const g: Grid = { n: 2, h: 8, w: 8 };
    const x = tf.randomNormal([4, 2 * 64]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const p = convMoves().maxPoolForward(convMoves().col2im(convMoves().im2col(x, g), g), g);
      convMoves().avgPoolBackward(tf.ones([4, 2]), g);
      return convMoves().maxPoolBackward(p.y, p.argmax, g);
    }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
