// Sorts the visible splats' (depth key, slot) pairs on the GPU, with the count read from a GPU buffer.
export interface DepthSorter {
  encode(encoder: GPUCommandEncoder, keys: GPUBuffer, values: GPUBuffer, count: { buffer: GPUBuffer; offset: number }, keyBits: number): void;
  destroy(): void;
}

/** INTERIM until shared/gpu/radix-sort.ts lands: draws in pre-pass order (wrong blending order). */
export function createDepthSorter(_device: GPUDevice, _maxCount: number): DepthSorter {
  return { encode() {}, destroy() {} };
}

/** Compiles the sort's pipelines early (slow on software GPUs), overlapping the download. */
export function warmUpDepthSort(_device: GPUDevice): void {}
