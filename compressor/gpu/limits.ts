// The buffer-size limits the compressor plans its GPU arrays by: the device's maxBufferSize and
// maxStorageBufferBindingSize (requested at the adapter's values in device.ts), optionally capped lower.
// The cap exists because WebGPU raises any requested limit below its defaults (128 MiB binding, 256 MiB
// buffer) back up to them: tests and benchmarks that need phone-class or smaller limits set a cap, and
// every allocation planned here then stays under it (tests check that no created buffer exceeds it).

export interface BufferLimits {
  /** Largest storage binding (and so the largest array one kernel reads), bytes. */
  maxBindingBytes: number;
  /** Largest single buffer, bytes. */
  maxBufferBytes: number;
  /** Storage binding offsets must be multiples of this, bytes. */
  offsetAlignment: number;
}

export class GpuLimitError extends Error {
  override name = 'GpuLimitError';
}

const caps = new WeakMap<GPUDevice, Partial<BufferLimits>>();

/** Environment variable that caps the storage-binding size of the CLI's device (e.g. 128M, as phones). */
export const BINDING_CAP_ENV = 'GS_GPU_MAX_BINDING';

/** Parses a byte count with an optional binary K/M/G suffix ("128M" = 128 MiB); undefined if invalid. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) return undefined;
  const scale = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  const bytes = Math.floor(Number(m[1]) * scale);
  return bytes >= 1024 ? bytes : undefined;
}

/** Plans every later allocation on `device` as if its limits were at most `cap` (tests, benchmarks). */
export function capBufferLimits(
  device: GPUDevice,
  cap: Partial<Omit<BufferLimits, 'offsetAlignment'>>,
): void {
  caps.set(device, cap);
}

export function bufferLimits(device: GPUDevice): BufferLimits {
  const cap = caps.get(device) ?? {};
  const buffer = Math.min(device.limits.maxBufferSize, cap.maxBufferBytes ?? Number.POSITIVE_INFINITY);
  const binding = Math.min(
    device.limits.maxStorageBufferBindingSize,
    buffer,
    cap.maxBindingBytes ?? Number.POSITIVE_INFINITY,
  );
  return {
    maxBindingBytes: binding,
    maxBufferBytes: buffer,
    offsetAlignment: device.limits.minStorageBufferOffsetAlignment,
  };
}

/** Human-readable byte count (MiB/GiB, binary), for limit messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(2)} MiB`;
  if (bytes >= 2 ** 10) return `${+(bytes / 2 ** 10).toFixed(2)} KiB`;
  return `${bytes} B`;
}

/**
 * Throws one GpuLimitError line when `count` items of `bytesPerItem` do not fit one storage binding:
 * which array, which limit, and how many items fit. `what` names the job and the array
 * ("render: projected splats").
 */
export function assertFitsBinding(
  device: GPUDevice,
  what: string,
  count: number,
  bytesPerItem: number,
  unit = 'Gaussians',
): void {
  const limits = bufferLimits(device);
  if (count * bytesPerItem <= limits.maxBindingBytes) return;
  const fit = Math.floor(limits.maxBindingBytes / bytesPerItem);
  throw new GpuLimitError(
    `${what}: ${count.toLocaleString('en-US')} ${unit} need ${formatBytes(count * bytesPerItem)} ` +
      `(${bytesPerItem} B each) in one buffer, over this device's storage-binding limit ` +
      `(maxStorageBufferBindingSize/maxBufferSize) of ${formatBytes(limits.maxBindingBytes)}: ` +
      `at most ${fit.toLocaleString('en-US')} ${unit} fit`,
  );
}

/**
 * Rows per page when an array of `bytesPerRow` rows is split into bindings under the limit: a multiple
 * of `rowMultiple` (so every page starts at an aligned byte offset) and at least `rowMultiple`.
 */
export function rowsPerBinding(device: GPUDevice, bytesPerRow: number, rowMultiple = 256): number {
  const rows = Math.floor(bufferLimits(device).maxBindingBytes / bytesPerRow);
  const paged = Math.floor(rows / rowMultiple) * rowMultiple;
  if (paged < rowMultiple) {
    throw new GpuLimitError(
      `a ${bytesPerRow}-byte row does not fit ${rowMultiple} times in this device's storage-binding ` +
        `limit of ${formatBytes(bufferLimits(device).maxBindingBytes)}`,
    );
  }
  return paged;
}
