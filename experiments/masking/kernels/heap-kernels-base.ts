// What the two in-memory kernel implementations (wasm-simd, js) share: tensors
// allocated on the backend's own memory, written and read in place.
import type * as tf from '@tensorflow/tfjs-core';
import type { HeapMemory } from '../../runtime/heap.ts';

export abstract class HeapKernelsBase {
  constructor(protected readonly mem: HeapMemory) {}

  zeros(shape: number[]): tf.Tensor {
    const t = this.mem.alloc(shape);
    this.mem.view(t).fill(0);
    return t;
  }

  fromHost(values: Float32Array, shape: number[]): tf.Tensor {
    const t = this.mem.alloc(shape);
    this.mem.view(t).set(values);
    return t;
  }

  read(t: tf.Tensor): Float32Array {
    return this.mem.view(t);
  }
}
