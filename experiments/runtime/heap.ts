// Zero-copy access to tensor memory on the backends that keep tensors in this
// process's memory: wasm (the tfjs WebAssembly heap) and cpu (JS typed arrays).
// The fused mask kernels read and write tensors through this, in place.
//
// Hazard: tfjs-wasm caches the packed form of a matMul's *second* operand by
// tensor id (XNNPACK fully-connected operators). A tensor modified in place must
// therefore never be used as the second operand of tf.matMul. The models' products
// now run in models/kernels/plain-matmul.as.ts, which caches nothing, but keep the
// weights as the first operand (feature-major layout): the rule still holds for
// anything that calls tf.matMul, and the tf fallback of the kernel is one.
import * as tf from '@tensorflow/tfjs-core';

export interface HeapMemory {
  readonly backend: 'wasm' | 'cpu';
  /** A fresh float32 tensor that this process may write into (contents undefined). */
  alloc(shape: number[]): tf.Tensor;
  /** A live float32 view of the tensor's storage. Re-take it after allocations (the wasm heap can grow). */
  view(t: tf.TensorInfo): Float32Array;
  /** Byte address of the tensor's storage on the wasm heap (wasm only). */
  address(t: tf.TensorInfo): number;
}

interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } };
  wasm: { asm: { memory: WebAssembly.Memory } };
}

interface CpuBackendInternals {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
  data: { get(id: tf.DataId): { values: Float32Array } };
}

export function wasmMemoryOf(backend: tf.KernelBackend): WebAssembly.Memory {
  return (backend as unknown as WasmBackendInternals).wasm.asm.memory;
}

export function heapMemory(): HeapMemory | null {
  const name = tf.getBackend();
  const backend = tf.backend();
  if (name === 'wasm') {
    const be = backend as unknown as WasmBackendInternals;
    return {
      backend: 'wasm',
      alloc: (shape) => tf.engine().makeTensorFromTensorInfo(be.makeOutput(shape, 'float32')),
      view: (t) => be.typedArrayFromHeap(t),
      address: (t) => be.dataIdMap.get(t.dataId).memoryOffset,
    };
  }
  if (name === 'cpu') {
    const be = backend as unknown as CpuBackendInternals;
    return {
      backend: 'cpu',
      alloc: (shape) => {
        const size = shape.reduce((a, b) => a * b, 1);
        return tf.engine().makeTensorFromTensorInfo(be.makeTensorInfo(shape, 'float32', new Float32Array(size)));
      },
      view: (t) => be.data.get(t.dataId).values,
      address: () => {
        throw new Error('cpu backend tensors have no wasm address');
      },
    };
  }
  return null;
}
