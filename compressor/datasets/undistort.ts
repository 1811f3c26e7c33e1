// Lens undistortion for COLMAP cameras and NeRF transforms (k1 k2 k3 p1 p2): remaps an image taken through
// SIMPLE_RADIAL / RADIAL / OPENCV distortion to the ideal pinhole camera with the same fx, fy, cx, cy, by
// bilinear sampling.
// For each output pixel centre (u, v) (pixel centres at integer + 0.5, as COLMAP): normalised
// (x, y) = ((u − cx)/fx, (v − cy)/fy), apply the forward distortion, sample the input there.
// Samples outside the input clamp to the edge (COLMAP's undistorter instead crops to valid pixels).

export type DistortionModel = 'SIMPLE_RADIAL' | 'RADIAL' | 'OPENCV';

export interface Distortion {
  model: DistortionModel;
  k1: number;
  k2: number;
  p1: number;
  p2: number;
  /** Sixth-order radial term (OpenCV's k3; NeRF transforms may give it); absent: 0. */
  k3?: number;
}

/** Forward distortion of normalised coordinates (COLMAP's camera_models.h formulas). */
export function distort(d: Distortion, x: number, y: number): [number, number] {
  const r2 = x * x + y * y;
  const radial = d.k1 * r2 + d.k2 * r2 * r2 + (d.k3 ?? 0) * r2 * r2 * r2;
  let dx = x * radial;
  let dy = y * radial;
  if (d.model === 'OPENCV') {
    dx += 2 * d.p1 * x * y + d.p2 * (r2 + 2 * x * x);
    dy += 2 * d.p2 * x * y + d.p1 * (r2 + 2 * y * y);
  }
  return [x + dx, y + dy];
}

export interface Pinhole {
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

/** Undistorts [H, W, channels] `src` (distorted, camera `k`) to the pinhole camera `k`. */
export function undistortImage(src: Float32Array, k: Pinhole, d: Distortion, channels = 3): Float32Array {
  const { width: w, height: h } = k;
  const out = new Float32Array(w * h * channels);
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      const [xd, yd] = distort(d, (px + 0.5 - k.cx) / k.fx, (py + 0.5 - k.cy) / k.fy);
      // continuous pixel-index coordinates of the sample (centre of pixel i at i)
      const sx = Math.min(w - 1, Math.max(0, k.fx * xd + k.cx - 0.5));
      const sy = Math.min(h - 1, Math.max(0, k.fy * yd + k.cy - 0.5));
      const x0 = Math.floor(sx),
        y0 = Math.floor(sy);
      const x1 = Math.min(w - 1, x0 + 1),
        y1 = Math.min(h - 1, y0 + 1);
      const fx = sx - x0,
        fy = sy - y0;
      for (let c = 0; c < channels; c++) {
        const a = src[(y0 * w + x0) * channels + c],
          b = src[(y0 * w + x1) * channels + c];
        const e = src[(y1 * w + x0) * channels + c],
          f = src[(y1 * w + x1) * channels + c];
        out[(py * w + px) * channels + c] = (a * (1 - fx) + b * fx) * (1 - fy) + (e * (1 - fx) + f * fx) * fy;
      }
    }
  }
  return out;
}

/** Largest displacement (pixels) the distortion causes at the image's corners and edge midpoints. */
export function distortionShift(k: Pinhole, d: Distortion): number {
  let max = 0;
  for (const [u, v] of [
    [0, 0],
    [k.width, 0],
    [0, k.height],
    [k.width, k.height],
    [k.width / 2, 0],
    [0, k.height / 2],
    [k.width, k.height / 2],
    [k.width / 2, k.height],
  ]) {
    const [x, y] = distort(d, (u - k.cx) / k.fx, (v - k.cy) / k.fy);
    max = Math.max(max, Math.hypot(x * k.fx + k.cx - u, y * k.fy + k.cy - v));
  }
  return max;
}
