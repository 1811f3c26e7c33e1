// `readScene(path)`: loads any supported Gaussian scene file into the shared GaussianScene. The format is
// found from the file's first bytes where it has a magic number, else from its extension:
//   "ply"        INRIA float PLY, or PlayCanvas compressed PLY (told apart by the header's elements)
//   "NGSP"/gzip  Niantic SPZ (v2/v3 gzip, v4 raw header + zstd)
//   "PK\3\4"     PlayCanvas SOG bundle (.sog); a SOG meta.json with its textures beside it also works
//   "\x89GSZ"    our own .gsz (decoded by shared/format on several threads, GszFormatError -> SceneReadError)
//   .splat       antimatter15 splat (no magic)
// Every bad input ends in a one-line SceneReadError naming the file.
import { extname, basename } from 'node:path';
import { GszFormatError } from '../../shared/format/gsz-decoder.ts';
import { GSZ_MAGIC } from '../../shared/format/gsz-layout.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { openOrThrow, readWholeFile } from './file-read.ts';
import { decodeGszParallel } from './gsz-parallel-decode.ts';
import { readPly } from './read-ply.ts';
import { decodeSogBundle, readSogFolder } from './read-sog.ts';
import { decodeSplat } from './read-splat.ts';
import { decodeSpz } from './read-spz.ts';
import { SceneReadError } from './scene-read-error.ts';

export type SceneFormat = 'ply' | 'spz' | 'sog' | 'sog-folder' | 'splat' | 'gsz';

export const SUPPORTED_FORMATS =
  '.ply (INRIA float or PlayCanvas compressed), .spz, .sog (or SOG meta.json), .splat, .gsz';

export async function detectSceneFormat(path: string): Promise<SceneFormat> {
  const handle = await openOrThrow(path);
  const head = new Uint8Array(4);
  let length: number;
  try {
    ({ bytesRead: length } = await handle.read(head, 0, 4, 0));
  } catch (error) {
    throw new SceneReadError(
      path,
      `cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  } finally {
    await handle.close();
  }
  const text = String.fromCharCode(...head.subarray(0, length));
  if (text.startsWith('ply')) return 'ply';
  if (text === 'NGSP' || (head[0] === 0x1f && head[1] === 0x8b)) return 'spz';
  if (text === 'PK\x03\x04') return 'sog';
  if (length === 4 && GSZ_MAGIC.every((b, i) => head[i] === b)) return 'gsz';
  const extension = extname(path).toLowerCase();
  if (extension === '.splat') return 'splat';
  if (basename(path).toLowerCase() === 'meta.json') return 'sog-folder';
  if (extension === '.gsz') throw new SceneReadError(path, 'not a .gsz file (bad magic)');
  throw new SceneReadError(path, `unknown scene format (supported: ${SUPPORTED_FORMATS})`);
}

export async function readScene(path: string): Promise<GaussianScene> {
  switch (await detectSceneFormat(path)) {
    case 'ply':
      return readPly(path);
    case 'spz':
      return decodeSpz(path, await readWholeFile(path));
    case 'sog':
      return decodeSogBundle(path, await readWholeFile(path));
    case 'sog-folder':
      return readSogFolder(path);
    case 'splat':
      return decodeSplat(path, await readWholeFile(path));
    case 'gsz': {
      const bytes = await readWholeFile(path);
      try {
        return await decodeGszParallel(bytes);
      } catch (error) {
        if (error instanceof GszFormatError) throw new SceneReadError(path, error.message);
        throw error;
      }
    }
  }
}
