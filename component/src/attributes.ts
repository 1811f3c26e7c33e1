// Parsing of the element's attribute strings (lenient: a bad value falls back to the default).
type Vec3 = [number, number, number];

/** "x y z" or "x, y, z" -> [x, y, z]; undefined when absent or malformed. */
export function parseVec3(value: string | null | undefined): Vec3 | undefined {
  if (!value) return undefined;
  const parts = value
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  return parts.length === 3 && parts.every(Number.isFinite) ? (parts as Vec3) : undefined;
}

export function parseNumber(
  value: string | number | null | undefined,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  const n = typeof value === 'number' ? value : value == null || value === '' ? NaN : Number(value);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

let colourContext: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null | undefined;

/** Any CSS colour -> straight (not premultiplied) RGBA in [0, 1]; transparent when unparseable. */
export function parseColour(value: string | null | undefined): GPUColorDict {
  const transparent = { r: 0, g: 0, b: 0, a: 0 };
  if (!value || value === 'transparent') return transparent;
  colourContext ??=
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true })
      : document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  const ctx = colourContext;
  if (!ctx) return transparent;
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = '#0000';
  ctx.fillStyle = value;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
  return { r: r / 255, g: g / 255, b: b / 255, a: a / 255 };
}

/**
 * The `reveal` attribute -> the share of the scene's Gaussians to wait for before showing it (0: the
 * first chunk at once). "auto" or absent: 0; "N%" (0-100): N / 100; anything else: 0.
 */
export function parseReveal(value: string | null | undefined): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value ?? '');
  return match ? Math.min(1, Number(match[1]) / 100) : 0;
}
