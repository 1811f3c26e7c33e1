// Decodes PlayCanvas SOG version 2: a zip (or a folder) of meta.json plus lossless WebP textures, one texel a
// splat in row-major order. Layout as written by PlayCanvas splat-transform; this is our own decoder of it.
// - means_l / means_u: low / high bytes of 16-bit x, y, z quantized between meta.means.mins/maxs in the
//   log domain v = sign(x) * ln(1 + |x|), so position = sign(v) * (exp(|v|) - 1).
// - quats: smallest-three, RGB = the three smaller components mapped [-1/sqrt2, 1/sqrt2] -> [0, 255],
//   A = 252 + index of the largest one in w, x, y, z order.
// - scales: RGB index a 256-entry codebook of log-scales. sh0: RGB index a codebook of DC coefficients,
//   A = opacity * 255. shN (optional): 16-bit labels (RG) pick a palette row in `centroids`, whose texels
//   index meta.shN.codebook per coefficient and channel.
// Axes are the source PLY's (splat-transform writes SOG in PLY axes), so no conversion.
//
// Hostile input: a bundle's members are inflated only when meta.json names them, each up to
// SOG_MEMBER_LIMIT; a folder's files must be plain names inside the folder (no paths, no links out, regular
// files); every texture's size is read from its header and checked against the count before decoding.
import { realpath, readFile, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { unzipSync } from 'fflate';
import {
  createScene,
  shRestCount,
  OPACITY_LOGIT_LIMIT,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import { crc32 } from '../../shared/format/crc32.ts';
import { checkGaussianCount } from './scene-limits.ts';
import { SceneReadError } from './scene-read-error.ts';
import { decodeWebp, webpDimensions, type RgbaImage } from './webp-decode.ts';
import { zipMemberCrcs } from './zip-directory.ts';

/** Largest meta.json (bytes): real ones are a few KiB. */
const SOG_META_LIMIT = 1 << 20;
/** Largest texture file (bytes): a 16384 x 16384 lossless WebP of noise is about this big. */
const SOG_MEMBER_LIMIT = 1 << 30;

interface SogMeta {
  version: number;
  count: number;
  means: { mins: number[]; maxs: number[]; files: string[] };
  scales: { codebook: number[]; files: string[] };
  quats: { files: string[] };
  sh0: { codebook: number[]; files: string[] };
  shN?: { count: number; bands: number; codebook: number[]; files: string[] };
}

type FileSource = (name: string) => Promise<Uint8Array>;

/** A name meta.json may give a file: one plain path segment, no folders, no `..`. */
function checkMemberName(path: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name))
    throw new SceneReadError(path, `SOG meta.json names ${JSON.stringify(name)}, not a plain file name`);
  return name;
}

/** Reads a `.sog` zip bundle: only the members meta.json names are inflated, each within a size cap. */
export async function decodeSogBundle(path: string, zip: Uint8Array): Promise<GaussianScene> {
  // Bundles may put their files in a folder: look names up by their last path segment.
  const crcs = zipMemberCrcs(zip);
  const unzipOnly = (wanted: (name: string) => boolean, limit: number): Map<string, Uint8Array> => {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(zip, {
        filter: (f) => {
          if (!wanted(f.name.split('/').at(-1)!)) return false;
          if (f.originalSize > limit)
            throw new SceneReadError(
              path,
              `SOG member ${f.name} inflates to ${f.originalSize} bytes (limit ${limit})`,
            );
          return true;
        },
      });
    } catch (error) {
      if (error instanceof SceneReadError) throw error;
      throw new SceneReadError(path, `SOG zip is corrupt (${(error as Error).message})`);
    }
    const byName = new Map<string, Uint8Array>();
    for (const [name, data] of Object.entries(entries)) {
      const short = name.split('/').at(-1)!;
      if (byName.has(short)) throw new SceneReadError(path, `SOG bundle has two members named ${short}`);
      const crc = crcs.get(name);
      if (crc === undefined || crc32(data) !== crc)
        throw new SceneReadError(path, `SOG member ${name} is corrupt (CRC-32 mismatch or size field wrong)`);
      byName.set(short, data);
    }
    return byName;
  };
  const meta = unzipOnly((name) => name === 'meta.json', SOG_META_LIMIT);
  let wanted: Set<string> | undefined;
  let members: Map<string, Uint8Array> | undefined;
  return decodeSog(
    path,
    async (name) => {
      if (name === 'meta.json') {
        const data = meta.get(name);
        if (!data) throw new SceneReadError(path, 'SOG bundle lacks meta.json');
        return data;
      }
      if (!wanted || !members) throw new Error('SOG textures requested before meta.json');
      const data = members.get(name);
      if (!data) throw new SceneReadError(path, `SOG bundle lacks ${name}`);
      return data;
    },
    (names) => {
      wanted = new Set(names);
      members = unzipOnly((name) => wanted!.has(name), SOG_MEMBER_LIMIT);
    },
  );
}

/** Reads an unbundled SOG: `path` is its meta.json, the textures lie beside it (and only there). */
export async function readSogFolder(path: string): Promise<GaussianScene> {
  const dir = dirname(path);
  let realDir: string;
  try {
    realDir = await realpath(dir);
  } catch {
    throw new SceneReadError(path, `SOG folder ${dir} cannot be read`);
  }
  const readMember = async (name: string, limit: number): Promise<Uint8Array> => {
    const file = name === 'meta.json' ? path : join(dir, name);
    let real: string;
    let size: number;
    try {
      real = await realpath(file);
      const info = await stat(real);
      if (!info.isFile()) throw new SceneReadError(path, `SOG file ${name} is not a regular file`);
      size = info.size;
    } catch (error) {
      if (error instanceof SceneReadError) throw error;
      throw new SceneReadError(path, `SOG file ${name} cannot be read beside meta.json`);
    }
    if (name !== 'meta.json' && dirname(real) !== realDir && !dirname(real).startsWith(realDir + sep))
      throw new SceneReadError(path, `SOG file ${name} links outside the folder ${dir}`);
    if (size > limit) throw new SceneReadError(path, `SOG file ${name} has ${size} bytes (limit ${limit})`);
    try {
      return await readFile(real);
    } catch {
      throw new SceneReadError(path, `SOG file ${name} cannot be read beside meta.json`);
    }
  };
  return decodeSog(path, (name) =>
    readMember(name, name === 'meta.json' ? SOG_META_LIMIT : SOG_MEMBER_LIMIT),
  );
}

/** Every texture file meta.json names, checked to be plain names. */
function textureNames(path: string, meta: SogMeta): string[] {
  const lists = [
    meta.means.files,
    meta.scales.files,
    meta.quats.files,
    meta.sh0.files,
    meta.shN?.files ?? [],
  ];
  for (const list of lists)
    if (!Array.isArray(list))
      throw new SceneReadError(path, 'SOG meta.json has a files entry that is not a list');
  return lists.flat().map((name) => checkMemberName(path, name));
}

async function decodeSog(
  path: string,
  source: FileSource,
  onMeta?: (textureNames: string[]) => void,
): Promise<GaussianScene> {
  const meta = parseMeta(path, await source('meta.json'));
  const names = textureNames(path, meta);
  const count = meta.count;
  // Each texture holds one texel a splat; splat-transform sizes them about sqrt(count) square.
  checkGaussianCount(path, count, 'SOG meta', Infinity, 0);
  onMeta?.(names);
  const maxTexels = count + 2 * Math.ceil(Math.sqrt(count)) + 4096;
  const image = async (name: string | undefined, what: string): Promise<RgbaImage> => {
    if (!name) throw new SceneReadError(path, `SOG meta.json names no ${what} texture`);
    let decoded: RgbaImage;
    try {
      const bytes = await source(name);
      const size = webpDimensions(bytes);
      if (!size)
        throw new SceneReadError(path, `SOG texture ${name} is not a decodable WebP (no RIFF/WEBP header)`);
      const limit =
        what === 'shN centroids' ? 64 * 15 * (Math.ceil((meta.shN?.count ?? 0) / 64) + 1) : maxTexels;
      if (size.width * size.height > limit)
        throw new SceneReadError(
          path,
          `SOG texture ${name} is ${size.width}x${size.height}, more than ${count} splats need`,
        );
      decoded = await decodeWebp(bytes);
    } catch (error) {
      if (error instanceof SceneReadError) throw error;
      throw new SceneReadError(
        path,
        `SOG texture ${name} is not a decodable WebP (${(error as Error).message})`,
      );
    }
    if (decoded.width * decoded.height < count && what !== 'shN centroids') {
      throw new SceneReadError(
        path,
        `SOG texture ${name} has ${decoded.width}x${decoded.height} texels for ${count} splats`,
      );
    }
    return decoded;
  };

  const shDegree = (meta.shN ? meta.shN.bands : 0) as ShDegree;
  if (![0, 1, 2, 3].includes(shDegree))
    throw new SceneReadError(path, `SOG shN.bands ${shDegree} is not 0-3`);
  // Every per-splat texture is decoded (and checked to hold `count` texels) before the scene is allocated.
  const low = (await image(meta.means.files[0], 'means_l')).data;
  const high = (await image(meta.means.files[1], 'means_u')).data;
  const quats = (await image(meta.quats.files[0], 'quats')).data;
  const scales = (await image(meta.scales.files[0], 'scales')).data;
  const sh0 = (await image(meta.sh0.files[0], 'sh0')).data;
  const scene = createScene(count, shDegree);

  for (let a = 0; a < 3; a++) {
    const min = meta.means.mins[a];
    const range = meta.means.maxs[a] - min;
    for (let i = 0; i < count; i++) {
      const q = low[i * 4 + a] | (high[i * 4 + a] << 8);
      const v = min + range * (q / 65535);
      scene.positions[i * 3 + a] = Math.sign(v) * (Math.exp(Math.abs(v)) - 1);
    }
  }

  const others = [
    [1, 2, 3],
    [0, 2, 3],
    [0, 1, 3],
    [0, 1, 2],
  ];
  for (let i = 0; i < count; i++) {
    const tag = quats[i * 4 + 3];
    if (tag < 252) throw new SceneReadError(path, `SOG quats texel ${i} has tag ${tag}, not 252-255`);
    const largest = tag - 252;
    let sumSquares = 0;
    for (let k = 0; k < 3; k++) {
      const v = ((quats[i * 4 + k] / 255) * 2 - 1) * Math.SQRT1_2;
      scene.rotations[i * 4 + others[largest][k]] = v;
      sumSquares += v * v;
    }
    scene.rotations[i * 4 + largest] = Math.sqrt(Math.max(0, 1 - sumSquares));
  }

  const scaleBook = codebook(path, meta.scales.codebook, 'scales');
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) scene.logScales[i * 3 + a] = scaleBook[scales[i * 4 + a]];
  }

  const dcBook = codebook(path, meta.sh0.codebook, 'sh0');
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) scene.shDC[i * 3 + c] = dcBook[sh0[i * 4 + c]];
    const alpha = sh0[i * 4 + 3] / 255;
    scene.opacityLogits[i] = Math.min(
      OPACITY_LOGIT_LIMIT,
      Math.max(-OPACITY_LOGIT_LIMIT, Math.log(alpha / (1 - alpha))),
    );
  }

  if (meta.shN && shDegree > 0) {
    const k = shRestCount(shDegree);
    const book = codebook(path, meta.shN.codebook, 'shN');
    const centroids = await image(meta.shN.files[0], 'shN centroids');
    const labels = (await image(meta.shN.files[1], 'shN labels')).data;
    if (centroids.width !== 64 * k)
      throw new SceneReadError(
        path,
        `SOG shN centroids are ${centroids.width} wide, ${64 * k} expected for ${shDegree} bands`,
      );
    for (let i = 0; i < count; i++) {
      const label = labels[i * 4] | (labels[i * 4 + 1] << 8);
      if (label >= meta.shN.count)
        throw new SceneReadError(
          path,
          `SOG shN label ${label} of splat ${i} is past the palette (${meta.shN.count})`,
        );
      const row = Math.floor(label / 64);
      if (row >= centroids.height)
        throw new SceneReadError(path, `SOG shN label ${label} is past the centroids texture`);
      for (let j = 0; j < k; j++) {
        const texel = (row * centroids.width + (label % 64) * k + j) * 4;
        for (let c = 0; c < 3; c++) scene.shRest[(i * k + j) * 3 + c] = book[centroids.data[texel + c]];
      }
    }
  }
  return scene;
}

function parseMeta(path: string, bytes: Uint8Array): SogMeta {
  let meta: SogMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes)) as SogMeta;
  } catch {
    throw new SceneReadError(path, 'SOG meta.json is not valid JSON');
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw new SceneReadError(path, 'SOG meta.json is not a JSON object');
  if (meta.version !== 2)
    throw new SceneReadError(path, `SOG meta version ${String(meta.version)} is not supported (2 is)`);
  if (!Number.isSafeInteger(meta.count) || meta.count < 0)
    throw new SceneReadError(path, `SOG meta count ${String(meta.count)} is invalid`);
  const ok =
    meta.means?.mins?.length === 3 &&
    meta.means?.maxs?.length === 3 &&
    meta.means.files?.length === 2 &&
    meta.scales?.files?.length >= 1 &&
    meta.quats?.files?.length >= 1 &&
    meta.sh0?.files?.length >= 1;
  if (!ok) throw new SceneReadError(path, 'SOG meta.json lacks means/scales/quats/sh0 entries');
  return meta;
}

function codebook(path: string, values: number[] | undefined, what: string): Float32Array {
  if (!Array.isArray(values) || values.length !== 256 || !values.every(Number.isFinite)) {
    throw new SceneReadError(path, `SOG ${what} codebook must be 256 finite numbers`);
  }
  return Float32Array.from(values);
}
