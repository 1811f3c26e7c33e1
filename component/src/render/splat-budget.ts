// How many Gaussians a scene may keep on this device: the file's count, capped by `max-splats` (or, when
// it is not set, by a default GPU memory budget that keeps phones alive), and never beyond what the
// device's buffer limits hold. Files are importance-ordered, so the kept Gaussians are the best prefix.
import { gpuBytesPerSplat, ORDER_WORDS, SPLAT_WORDS, shRestWords } from './splat-layout.ts';

/** The device limits that bound one buffer (WebGPU's defaults: 256 MiB buffer, 128 MiB binding). */
export interface BufferLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

const MiB = 1024 * 1024;
/** Adapters whose buffers are capped at WebGPU's default binding size or less are treated as phones. */
export const PHONE_CLASS_BINDING_BYTES = 128 * MiB;
/** Default GPU memory for one scene's splats (all per-splat buffers together) on phone-class devices:
 *  ~1.05M Gaussians drawn at SH degree 3, ~2.4M at degree 0 (gpuBytesPerSplat: 64 and 28 B) — what
 *  mid-range phones draw interactively. */
export const PHONE_MEMORY_BUDGET_BYTES = 64 * MiB;
/** The same on other devices: 16.8M Gaussians at SH degree 3. */
export const DESKTOP_MEMORY_BUDGET_BYTES = 1024 * MiB;

/** Why fewer Gaussians are kept than the file holds. */
export type BudgetReason = 'max-splats' | 'memory-budget' | 'device-limit';

export interface SplatBudget {
  /** Gaussians in the file. */
  splatsTotal: number;
  /** Gaussians loaded and drawn (the file's first ones: the most important). */
  splatsKept: number;
  /** Why fewer are kept; undefined when all are. */
  reason: BudgetReason | undefined;
  /** One line saying what limited the count (empty when nothing did). */
  message: string;
  /** GPU bytes per kept Gaussian (packed record, SH rest for the drawn degree, draw order). */
  bytesPerSplat: number;
}

/** Largest number of Gaussians whose biggest per-splat buffer fits both buffer limits. */
export function splatsWithinLimits(limits: BufferLimits, shDegree: number): number {
  const largestStride = 4 * Math.max(SPLAT_WORDS, shRestWords(shDegree), ORDER_WORDS);
  const bytes = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  return Math.floor(bytes / largestStride);
}

/**
 * The budget for a file of `splatsTotal` Gaussians drawn at `shDegree` (the allocated degree).
 * `maxSplats`: the element's attribute (undefined or not finite: the default memory budget applies).
 */
export function splatBudget(
  splatsTotal: number,
  shDegree: number,
  limits: BufferLimits,
  maxSplats?: number,
): SplatBudget {
  const bytesPerSplat = gpuBytesPerSplat(shDegree);
  const deviceMax = splatsWithinLimits(limits, shDegree);
  const explicit =
    maxSplats !== undefined && Number.isFinite(maxSplats) ? Math.max(0, Math.floor(maxSplats)) : undefined;
  const phone = limits.maxStorageBufferBindingSize <= PHONE_CLASS_BINDING_BYTES;
  const memoryBytes = phone ? PHONE_MEMORY_BUDGET_BYTES : DESKTOP_MEMORY_BUDGET_BYTES;
  const memoryMax = Math.floor(memoryBytes / bytesPerSplat);
  const wanted = explicit ?? memoryMax;
  const splatsKept = Math.min(splatsTotal, wanted, deviceMax);
  let reason: BudgetReason | undefined;
  let message = '';
  const mib = (b: number) => `${Math.round(b / MiB)} MiB`;
  if (splatsKept < splatsTotal) {
    if (deviceMax < wanted) {
      reason = 'device-limit';
      message = `${splatsKept} of ${splatsTotal} Gaussians fit this GPU's buffer limits (maxBufferSize ${mib(limits.maxBufferSize)}, maxStorageBufferBindingSize ${mib(limits.maxStorageBufferBindingSize)})`;
    } else if (explicit !== undefined) {
      reason = 'max-splats';
      message = `max-splats keeps ${splatsKept} of ${splatsTotal} Gaussians`;
    } else {
      reason = 'memory-budget';
      message = `${splatsKept} of ${splatsTotal} Gaussians fit the default GPU memory budget of ${mib(memoryBytes)} (${bytesPerSplat} B each${phone ? ', phone-class device' : ''}); set max-splats to change it`;
    }
  }
  return { splatsTotal, splatsKept, reason, message, bytesPerSplat };
}
