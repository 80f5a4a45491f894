// Backend set-up for tests: every test file runs in its own process (vitest
// forks pool), so each picks its backend once.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type ActiveBackend } from '../../experiments/runtime/backend.ts';

export async function useBackend(name: 'wasm' | 'cpu'): Promise<ActiveBackend> {
  tf.env().set('IS_TEST', true); // Silences the "install tfjs-node" banner of the cpu backend.
  return initBackend(name);
}
