// Depth sort of the visible splats: the shared portable GPU radix sort (shared/gpu/radix-sort.ts), with
// the count read on the GPU from the pre-pass's counter (indirect dispatch, no CPU readback).
import { RadixSort } from '../../../shared/gpu/radix-sort.ts';

export interface DepthSorter {
  encode(
    encoder: GPUCommandEncoder,
    keys: GPUBuffer,
    values: GPUBuffer,
    count: { buffer: GPUBuffer; offset: number },
    keyBits: number,
  ): void;
  destroy(): void;
}

export function createDepthSorter(device: GPUDevice, maxCount: number): DepthSorter {
  return new RadixSort(device, { maxCount, label: 'gs-scene.depthSort' });
}
