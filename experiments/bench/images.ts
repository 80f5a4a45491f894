// The image cases of `npm run bench`: the CIFAR-10 CNN's pre-training and
// mask-training steps (the quick profile's network and batch, and the paper's
// network at batch 128), and the permuted-MNIST step, where weights and masks
// are trained together. Synthetic inputs: the speed does not depend on the
// pixels, and the bench must run without the datasets.
import * as tf from '@tensorflow/tfjs-core';
import { uploadFrozenCnn, type ImageBatch } from '../masking/frozen-cnn.ts';
import { uploadFrozen } from '../masking/frozen-mlp.ts';
import { MaskTrainer } from '../masking/train-mask-stage.ts';
import { initCnn, type CnnSizes } from '../models/cnn.ts';
import { layerShapes } from '../models/mlp.ts';
import type { ActiveBackend } from '../runtime/backend.ts';
import { Rng } from '../runtime/rng.ts';
import { timeSteps, type TimedCase } from './seq2seq.ts';
import { cnnStepFlops, mlpStepFlops } from '../models/flops.ts';
import { pretrainCnn } from '../train/pretrain-cnn.ts';
import type { Pass } from '../train/passes.ts';

function randomImages(s: CnnSizes, n: number, rng: Rng): ImageBatch {
  return {
    x: Float32Array.from({ length: n * s.channels[0] * s.side * s.side }, () => rng.normal()),
    labels: Uint8Array.from({ length: n }, () => rng.int(s.classes)),
    n,
  };
}

const sizesOf = (channels: number[]): CnnSizes => ({ channels, classes: 10, side: 32 });

export function benchCnnPretrain(active: ActiveBackend, channels: number[], batch: number, steps: number): TimedCase {
  const s = sizesOf(channels);
  const rng = new Rng(1, 'bench-images');
  const images = randomImages(s, batch, rng);
  // pretrainCnn runs its own loop: time it whole, after one warm-up step.
  pretrainCnn(
    active.kernels,
    initCnn(s, rng),
    { steps: 1, batchSize: batch, lr: 1e-3, gradClip: 1, finalLrFactor: 1 },
    () => images,
    () => {},
  );
  const start = performance.now();
  pretrainCnn(
    active.kernels,
    initCnn(s, rng),
    { steps, batchSize: batch, lr: 1e-3, gradClip: 1, finalLrFactor: 1 },
    () => images,
    () => {},
  );
  const stepsPerSec = steps / ((performance.now() - start) / 1000);
  return {
    case: `pretrain-step/cnn-${channels.slice(1).join('-')}-b${batch}`,
    stepsPerSec,
    gflops: (stepsPerSec * cnnStepFlops(s, batch)) / 1e9,
    msPerStep: 1000 / stepsPerSec,
  };
}

export function benchCnnMask(active: ActiveBackend, channels: number[], batch: number, steps: number): TimedCase {
  const s = sizesOf(channels);
  const rng = new Rng(1, 'bench-images');
  const net = uploadFrozenCnn(active.kernels, initCnn(s, rng));
  const trainer = new MaskTrainer(active.kernels, net, { steps, batchSize: batch, samples: 4, lr: 1e-2, beta: 1.5e-4, logitInit: 2, gradClip: 1 }, 1);
  const images = randomImages(s, batch, rng);
  const before = tf.memory().numTensors;
  const stepsPerSec = timeSteps(steps, 1, () => trainer.step([images]));
  const leaked = tf.memory().numTensors - before;
  trainer.dispose();
  net.dispose();
  return {
    case: `mask-step/cnn-${channels.slice(1).join('-')}-b${batch}`,
    stepsPerSec,
    gflops: (stepsPerSec * cnnStepFlops(s, batch)) / 1e9,
    msPerStep: 1000 / stepsPerSec,
    maskSamples: 4,
    leakedTensors: leaked,
  };
}

/** One task step of permuted MNIST at the quick size: weights and masks (biases too) trained together, K = 8. */
export function benchPermutedMnistStep(active: ActiveBackend, steps: number): TimedCase {
  const sizes = [784, 200, 200, 64, 10];
  const batch = 128;
  const rng = new Rng(1, 'bench-images');
  const shapes = layerShapes(sizes).flatMap(([i, o]) => [i * o, o]);
  const init = {
    values: shapes.map((n) => Float32Array.from({ length: n }, () => 0.05 * rng.normal())),
    logits: shapes.map((n) => new Float32Array(n).fill(2)),
    // Half of every tensor frozen, as after a few tasks.
    frozen: shapes.map((n) => Uint8Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0))),
  };
  const model = uploadFrozen(active.kernels, { sizes, W: init.values.filter((_, j) => j % 2 === 0), b: init.values.filter((_, j) => j % 2 === 1) }, 'masked');
  const trainer = new MaskTrainer(active.kernels, model, { steps, batchSize: batch, samples: 8, lr: 1e-2, beta: 0.00128, logitInit: 2, gradClip: 1 }, 1, {
    trainValues: { frozen: init.frozen },
    initialLogits: init.logits,
  });
  const pass: Pass = {
    x: Float32Array.from({ length: batch * 784 }, () => rng.normal()),
    targets: Uint8Array.from({ length: batch }, () => rng.int(10)),
    n: batch,
    rowOffset: 0,
    digits: 1,
  };
  const before = tf.memory().numTensors;
  const stepsPerSec = timeSteps(steps, 2, () => trainer.step([pass]));
  const leaked = tf.memory().numTensors - before;
  trainer.dispose();
  model.dispose();
  return {
    case: 'joint-step/permuted-mnist-784-200-200-64-10',
    stepsPerSec,
    gflops: (stepsPerSec * mlpStepFlops(sizes, batch)) / 1e9,
    msPerStep: 1000 / stepsPerSec,
    maskSamples: 8,
    leakedTensors: leaked,
  };
}
