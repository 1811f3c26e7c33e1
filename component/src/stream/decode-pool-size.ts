// How many Workers decode one load: the main thread starts them (stream-controller.ts), so this lives apart
// from decode-pool.ts, whose decoder imports would otherwise pull the whole .gsz decoder into the page's bundle.

/** Most decoding Workers per load: past 4, the main thread's uploads and the network bound the load. */
export const MAX_DECODE_WORKERS = 4;

/**
 * Decoding Workers for one load, the loading Worker included: one per logical core (the main thread mostly
 * waits on the GPU while a scene loads), at most MAX_DECODE_WORKERS; 2 where the browser does not say.
 */
export function decodePoolSize(hardwareConcurrency: number | undefined): number {
  const cores =
    Number.isFinite(hardwareConcurrency) && (hardwareConcurrency ?? 0) >= 1
      ? Math.floor(hardwareConcurrency as number)
      : 2;
  return Math.min(MAX_DECODE_WORKERS, cores);
}
