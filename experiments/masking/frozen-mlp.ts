// Uploads a pre-trained MLP as the frozen network that mask stages train on.
import type { Kernels } from './kernels/index.ts';
import { layerShapes, type MlpHostParams } from '../models/mlp.ts';
import type { FrozenMlp } from './train-mask-stage.ts';

export function uploadFrozen(kernels: Kernels, params: MlpHostParams): FrozenMlp {
  const shapes = layerShapes(params.sizes);
  return {
    inputSize: params.sizes[0],
    W: shapes.map(([i, o], l) => kernels.fromHost(params.W[l], [i, o])),
    b: shapes.map(([, o], l) => kernels.fromHost(params.b[l], [o, 1])),
  };
}

export function disposeFrozen(net: FrozenMlp): void {
  for (const t of [...net.W, ...net.b]) t.dispose();
}
