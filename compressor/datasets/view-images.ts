// Turns a list of image files into the DatasetImages of a dataset: decode, check the size, composite
// on the background, undistort (COLMAP), downscale. Eager (all now) or lazy (on each get).
import type { Camera } from '../../shared/math/camera.ts';
import type { DatasetImages, DatasetOptions, Rgb } from './dataset.ts';
import { DatasetError } from './dataset-error.ts';
import { compositeRgb, decodeImageFile, resizeArea, scaledSize } from './images.ts';

export interface ViewSource {
  path: string;
  /** Size the camera model expects (full resolution). */
  width: number;
  height: number;
  /** Remaps a full-resolution composited image to the pinhole camera (COLMAP distortion). */
  undistort?: (rgb: Float32Array) => Float32Array;
}

/** Scales a camera's intrinsics from its full size to the downscaled size. */
export function scaleCamera(camera: Camera, width: number, height: number): Camera {
  const sx = width / camera.width;
  const sy = height / camera.height;
  return {
    ...camera,
    width,
    height,
    fx: camera.fx * sx,
    fy: camera.fy * sy,
    cx: camera.cx * sx,
    cy: camera.cy * sy,
  };
}

export function targetSize(
  view: { width: number; height: number },
  options: DatasetOptions,
): { width: number; height: number } {
  return scaledSize(view.width, view.height, options);
}

export function makeImages(views: ViewSource[], background: Rgb, options: DatasetOptions): DatasetImages {
  let opaque = true;
  const load = (i: number): Float32Array => {
    const view = views[i];
    const decoded = decodeImageFile(view.path);
    for (let p = 3; opaque && p < decoded.data.length; p += 4) if (decoded.data[p] < 255) opaque = false;
    if (decoded.width !== view.width || decoded.height !== view.height) {
      throw new DatasetError(
        view.path,
        `image is ${decoded.width}x${decoded.height} but its camera expects ${view.width}x${view.height}`,
      );
    }
    let rgb = compositeRgb(decoded, background);
    if (view.undistort) rgb = view.undistort(rgb);
    const size = targetSize(view, options);
    return resizeArea(rgb, view.width, view.height, size.width, size.height);
  };
  if ((options.imageLoading ?? 'eager') === 'lazy') {
    if (views.length > 0) load(0);
    return {
      count: views.length,
      opaque,
      get(index: number) {
        if (!(index >= 0 && index < views.length))
          throw new RangeError(`image index ${index} outside 0..${views.length - 1}`);
        return load(index);
      },
    };
  }
  const all = views.map((_, i) => load(i));
  return {
    count: all.length,
    opaque,
    get(index: number) {
      const image = all[index];
      if (!image) throw new RangeError(`image index ${index} outside 0..${all.length - 1}`);
      return image;
    },
  };
}
