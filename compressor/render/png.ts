// Image buffers ([H, W, 3] float RGB in [0, 1], linear-as-trained) to 8-bit PNG bytes via pngjs.
import { PNG } from 'pngjs';

export function encodePng(image: ArrayLike<number>, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height, colorType: 2 });
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++)
      png.data[p * 4 + c] = Math.round(Math.min(1, Math.max(0, image[p * 3 + c])) * 255);
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}
