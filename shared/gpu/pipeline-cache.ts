// Device-bound objects built once per GPUDevice (and per variant key): pipelines above all, and the few
// per-device singletons. The cache is a WeakMap on the device, so a lost device's entries go with it and
// a replacement device builds its own. Browser-safe: the compressor and the viewer both use it.

/** A cache of values per device and key: `get(device, key, build)` builds on the first call for a pair.
 *  Keys compare as Map keys (by value for strings and numbers). */
export function deviceCache<K, T>(): (device: GPUDevice, key: K, build: () => T) => T {
  const cache = new WeakMap<GPUDevice, Map<K, T>>();
  return (device, key, build) => {
    let variants = cache.get(device);
    if (!variants) {
      variants = new Map();
      cache.set(device, variants);
    }
    let value = variants.get(key);
    if (value === undefined) {
      value = build();
      variants.set(key, value);
    }
    return value;
  };
}

/** Memoises `build(device, key)` per device and key, so each variant is built once per device. */
export function perDevice<K, T>(build: (device: GPUDevice, key: K) => T): (device: GPUDevice, key: K) => T {
  const get = deviceCache<K, T>();
  return (device, key) => get(device, key, () => build(device, key));
}

/** Memoises `build(device)` per device. */
export function oncePerDevice<T>(build: (device: GPUDevice) => T): (device: GPUDevice) => T {
  const get = perDevice((device, _: null) => build(device));
  return (device) => get(device, null);
}

/** A compute pipeline of `code` (entry point `main`, automatic layout); module and pipeline share `label`. */
export function computePipeline(device: GPUDevice, label: string, code: string): GPUComputePipeline {
  const module = device.createShaderModule({ label, code });
  return device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
}
