// Chooses the tfjs backend: the best one that loads, in the order
// node-gpu (CUDA) → node (native TensorFlow) → wasm → cpu, unless forced.
// tfjs-node(-gpu) are optional dependencies: their install downloads
// libtensorflow, which fails on machines without internet, and npm then skips
// them. The choice, and why better ones were skipped, is recorded in every
// artifact.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo } from '../artifacts/schema.ts';
import { createKernels, type Kernels } from '../masking/kernels/index.ts';
import { UserError } from './errors.ts';

export const BACKEND_CHOICES = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface ActiveBackend {
  info: BackendInfo;
  kernels: Kernels;
}

const PACKAGES: Record<Exclude<BackendChoice, 'auto'>, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The one line for a backend that was asked for by name and cannot be used. */
export function backendProblemLine(choice: Exclude<BackendChoice, 'auto'>, problem: string): string {
  const pkg = PACKAGES[choice];
  if (problem === 'not installed') {
    const why = choice === 'node' || choice === 'node-gpu' ? 'its install downloads libtensorflow; see README "Backends and GPUs"' : 'run npm ci';
    return `--backend ${choice}: ${pkg} is not installed (${why})`;
  }
  return `--backend ${choice}: ${pkg} did not load (${problem})`;
}

/** Whether the package behind a backend is installed, without loading it (that takes seconds for tfjs-node). */
export function backendInstalled(choice: BackendChoice, resolve: (pkg: string) => string = createRequire(import.meta.url).resolve): boolean {
  if (choice === 'auto') return true;
  try {
    resolve(PACKAGES[choice]);
    return true;
  } catch {
    return false;
  }
}

async function tryNative(pkg: string): Promise<string | null> {
  try {
    await import(pkg);
    if (await tf.setBackend('tensorflow')) return null;
    return 'loaded but the tensorflow backend did not initialise';
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return /Cannot find (module|package)/.test(msg) ? 'not installed' : msg.slice(0, 160);
  }
}

async function trySet(name: 'wasm' | 'cpu'): Promise<string | null> {
  try {
    return (await tf.setBackend(name)) ? null : 'failed to initialise';
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

/** Initialises the backend (once per process) and the matching mask kernels. */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<ActiveBackend> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new UserError(`unknown backend "${choice}" (expected one of ${BACKEND_CHOICES.join(', ')})`);
  }
  const order: Exclude<BackendChoice, 'auto'>[] = choice === 'auto' ? ['node-gpu', 'node', 'wasm', 'cpu'] : [choice];
  const skipped: string[] = [];
  for (const candidate of order) {
    const problem = candidate === 'node-gpu' || candidate === 'node' ? await tryNative(PACKAGES[candidate]) : await trySet(candidate);
    if (problem === null) {
      await tf.ready();
      const kernels = createKernels();
      const simd = tf.getBackend() === 'wasm' ? (tf.env().getBool('WASM_HAS_SIMD_SUPPORT') as boolean) : undefined;
      return {
        info: { name: tf.getBackend(), package: PACKAGES[candidate], kernels: kernels.name, simd, skipped },
        kernels,
      };
    }
    if (choice !== 'auto') throw new UserError(backendProblemLine(choice, problem));
    skipped.push(`${candidate}: ${problem}`);
  }
  throw new UserError(`no usable tfjs backend (${skipped.join('; ')})`);
}
