// npm run bench [-- --json] [--quick]
// Measures the speed of the hot loops and compares them with what the machine
// can do:
//   - mask-training steps/s and achieved GFLOP/s of the add/mul FNN at 256×4 and
//     at the paper's 2000×4 (B = 128, K = 4), and at the quick profile's 384×4;
//   - the pre-training step of the quick network;
//   - SCAN (bench-seq2seq.ts): one masked LSTM layer at the issue's reference
//     size, and the quick SCAN network's pre-training and mask steps;
//   - images (bench-images.ts): the CIFAR-10 CNN's pre-training and mask steps
//     (quick network; the paper's network in the full run) and the
//     permuted-MNIST step (weights and masks trained together);
//   - the ceiling: a large 2-D tfjs-wasm matMul on one core, and (when python3
//     with numpy is present) the machine's BLAS throughput on all cores;
//   - the speed-up of running independent jobs in 2 processes (tfjs-wasm uses
//     one core in Node);
//   - the wall time of each experiment's last `quick` run (from its artifact).
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { readArtifact } from '../artifacts/store.ts';
import { addMulBatch, ADD_MUL_INPUTS, ADD_MUL_OUTPUTS, OPS } from '../data/add-mul-data.ts';
import { uploadFrozen } from '../masking/frozen-mlp.ts';
import { MaskTrainer } from '../masking/train-mask-stage.ts';
import { initMlp } from '../models/mlp.ts';
import { initBackend, type ActiveBackend, type BackendChoice } from '../runtime/backend.ts';
import { parseFlags, runCli } from '../runtime/cli-args.ts';
import { Rng } from '../runtime/rng.ts';
import { pretrainMlp } from '../train/pretrain-mlp.ts';
import { cifar10 } from '../tasks/cifar10.ts';
import { EXPERIMENTS } from '../tasks/registry.ts';
import { benchLstmLayer, benchScanMask, benchScanPretrain, timeSteps } from './seq2seq.ts';
import { benchCnnMask, benchCnnPretrain, benchPermutedMnistStep } from './images.ts';
import { mlpStepFlops } from '../models/flops.ts';

interface BenchResult {
  case: string;
  stepsPerSec: number;
  gflops: number;
  backend: string;
  kernels?: string;
  /** Achieved / ceiling, when a ceiling was measured. */
  shareOfCore?: number;
  shareOfMachine?: number;
  [extra: string]: unknown;
}

function benchMaskStep(active: ActiveBackend, hidden: number, steps: number): BenchResult {
  const sizes = [ADD_MUL_INPUTS, hidden, hidden, hidden, hidden, ADD_MUL_OUTPUTS];
  const net = uploadFrozen(active.kernels, initMlp(sizes, new Rng(1, 'init')));
  const cfg = { steps, batchSize: 128, samples: 4, lr: 1e-2, beta: 1e-4, logitInit: 2, gradClip: 1 };
  const trainer = new MaskTrainer(active.kernels, net, cfg, 1);
  const rng = new Rng(1, 'data');
  const before = tf.memory().numTensors;
  const stepsPerSec = timeSteps(steps, Math.min(3, steps), () => trainer.step(addMulBatch(rng, 128, OPS)));
  const leaked = tf.memory().numTensors - before;
  trainer.dispose();
  net.dispose();
  return {
    case: `mask-step/fnn-${hidden}x4`,
    stepsPerSec,
    gflops: (stepsPerSec * mlpStepFlops(sizes, 128)) / 1e9,
    backend: active.info.name,
    kernels: active.kernels.name,
    batch: 128,
    maskSamples: 4,
    leakedTensors: leaked,
  };
}

function benchPretrainStep(active: ActiveBackend, hidden: number, steps: number): BenchResult {
  const sizes = [ADD_MUL_INPUTS, hidden, hidden, hidden, hidden, ADD_MUL_OUTPUTS];
  const rng = new Rng(1, 'data');
  const start = performance.now();
  pretrainMlp(
    active.kernels,
    initMlp(sizes, new Rng(1, 'init')),
    { steps, batchSize: 128, lr: 1e-3, gradClip: 1, finalLrFactor: 1 },
    (n) => addMulBatch(rng, n, OPS),
    () => {},
  );
  const stepsPerSec = steps / ((performance.now() - start) / 1000);
  return {
    case: `pretrain-step/fnn-${hidden}x4`,
    stepsPerSec,
    gflops: (stepsPerSec * mlpStepFlops(sizes, 128)) / 1e9,
    backend: active.info.name,
    kernels: active.kernels.name,
  };
}

/** The ceiling of one core: a large plain 2-D matMul (the op our steps are made of). */
function matMulCeiling(active: ActiveBackend): BenchResult {
  const n = 1024;
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  const perSec = timeSteps(5, 2, () => tf.matMul(a, b).dataSync());
  tf.dispose([a, b]);
  return { case: 'ceiling/matmul-1024', stepsPerSec: perSec, gflops: (perSec * 2 * n ** 3) / 1e9, backend: active.info.name };
}

/** The machine's BLAS throughput (all cores), when numpy is available: the reference for "share of the machine". */
function blasCeiling(): BenchResult | null {
  try {
    const out = execFileSync(
      'python3',
      [
        '-c',
        [
          'import numpy as np, time',
          'a = np.random.rand(1024, 1024).astype(np.float32); b = a.copy(); a @ b',
          't = time.perf_counter()',
          'for _ in range(20): a @ b',
          'print(20 / (time.perf_counter() - t))',
        ].join('\n'),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
    ).toString();
    const perSec = Number(out.trim());
    return { case: 'ceiling/numpy-blas-1024', stepsPerSec: perSec, gflops: (perSec * 2 * 1024 ** 3) / 1e9, backend: 'numpy (all cores)' };
  } catch {
    return null;
  }
}

/** Runs `--child CASE` in `count` processes at once; returns each one's result. */
function runChildren(count: number, caseArg: string, backend: string): Promise<BenchResult[]> {
  const script = fileURLToPath(import.meta.url);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<BenchResult>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script, '--child', caseArg, '--backend', backend], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`bench child exited ${code}`))));
        }),
    ),
  );
}

function quickWallTimes(): BenchResult[] {
  return EXPERIMENTS.flatMap((e) => {
    const a = readArtifact('content/results', 'quick', e.id);
    if (!a) return [];
    const stages = a.provenance.wallSeconds.stages;
    const computeSeconds = stages.reduce((s, x) => s + x.seconds, 0);
    const steps = stages.reduce((s, x) => s + x.steps, 0);
    return [
      {
        // No FLOP count here: the stages mix pre-training and mask steps of different sizes.
        case: `experiment/${e.id}/quick`,
        stepsPerSec: steps / computeSeconds,
        gflops: NaN,
        backend: a.provenance.backend.name,
        wallSeconds: a.provenance.wallSeconds.total,
        computeSeconds,
        workers: a.provenance.machine.workers,
        seeds: a.provenance.seeds.length,
      },
    ];
  });
}

async function main(): Promise<number> {
  const { values } = parseFlags(process.argv.slice(2), {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    child: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write('usage: npm run bench [-- --json] [--quick] [--backend NAME]\n  --quick  skip the 2000×4 case and the process speed-up\n');
    return 0;
  }
  const active = await initBackend((values.backend ?? 'auto') as BackendChoice);
  if (values.child) {
    process.stdout.write(`${JSON.stringify(benchMaskStep(active, Number(values.child), 150))}\n`);
    return 0;
  }
  const emit = (r: BenchResult) => {
    if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else
      process.stdout.write(
        `${r.case.padEnd(28)} ${r.stepsPerSec.toFixed(2).padStart(9)} steps/s ${Number.isFinite(r.gflops) ? `${r.gflops.toFixed(2).padStart(7)} GFLOP/s` : ''}${describe(r)}\n`,
      );
  };
  const core = matMulCeiling(active);
  const blas = blasCeiling();
  const machineGflops = blas?.gflops ?? core.gflops * cpus().length;
  emit(core);
  if (blas) emit(blas);
  const withShares = (r: BenchResult, cores = 1): BenchResult => ({
    ...r,
    shareOfCore: r.gflops / (cores * core.gflops),
    shareOfMachine: r.gflops / machineGflops,
  });
  emit(withShares(benchMaskStep(active, 256, 200)));
  emit(withShares(benchMaskStep(active, 384, 100)));
  emit(withShares(benchPretrainStep(active, 384, 100)));
  const scanSteps = values.quick ? 10 : 40;
  emit(withShares({ ...benchLstmLayer(active, scanSteps), backend: active.info.name }));
  emit(withShares({ ...benchScanPretrain(active, scanSteps), backend: active.info.name }));
  emit(withShares({ ...benchScanMask(active, scanSteps), backend: active.info.name }));
  const imageSteps = values.quick ? 5 : 20;
  // The quick profile's network and batches, read from the experiment so the bench follows it.
  const cifarQuick = cifar10.profiles.quick;
  emit(withShares({ ...benchCnnPretrain(active, cifarQuick.channels, cifarQuick.pretrain.batchSize, imageSteps), backend: active.info.name }));
  emit(withShares({ ...benchCnnMask(active, cifarQuick.channels, cifarQuick.mask.batchSize, imageSteps), backend: active.info.name }));
  emit(withShares({ ...benchPermutedMnistStep(active, 4 * imageSteps), backend: active.info.name }));
  if (!values.quick) emit(withShares({ ...benchCnnMask(active, [3, 32, 64, 128, 256], 128, 5), backend: active.info.name }));
  if (!values.quick) {
    emit(withShares(benchMaskStep(active, 2000, 3)));
    const single = (await runChildren(1, '256', active.info.name))[0];
    const pair = await runChildren(2, '256', active.info.name);
    const total = pair.reduce((s, r) => s + r.stepsPerSec, 0);
    // Two processes use two cores: their core ceiling is twice one core's.
    emit(
      withShares(
        {
          case: 'parallel/mask-step-256x4-2proc',
          stepsPerSec: total,
          gflops: pair.reduce((s, r) => s + r.gflops, 0),
          backend: active.info.name,
          processes: 2,
          singleProcessStepsPerSec: single.stepsPerSec,
          speedup: total / single.stepsPerSec,
        },
        2,
      ),
    );
  }
  for (const r of quickWallTimes()) emit(r);
  return 0;
}

function describe(r: BenchResult): string {
  const parts: string[] = [];
  if (r.shareOfCore !== undefined) parts.push(`${(100 * r.shareOfCore).toFixed(0)}% of the tfjs-wasm matMul ceiling of the cores used`);
  if (r.shareOfMachine !== undefined) parts.push(`${(100 * r.shareOfMachine).toFixed(1)}% of the machine`);
  if (r.msPerStep !== undefined) parts.push(`${(r.msPerStep as number).toFixed(0)} ms per step`);
  if (r.speedup !== undefined) parts.push(`speed-up ×${(r.speedup as number).toFixed(2)} over 1 process`);
  if (r.wallSeconds !== undefined)
    parts.push(
      `wall ${(r.wallSeconds as number).toFixed(0)} s, compute ${(r.computeSeconds as number).toFixed(0)} s on ${r.workers} workers, ${r.seeds} seeds`,
    );
  return parts.length ? `  (${parts.join('; ')})` : '';
}

runCli(main);
