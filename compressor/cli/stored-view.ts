// The view fields a .gsz header stores (up, background, default camera, robust extent), read from the
// file's first bytes only; other formats store none. Used by `render` and `compress` (mode c).
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  decodeGszHeader,
  GszFormatError,
  gszHeaderLength,
  gszPreambleLength,
  type GszHeader,
} from '../../shared/format/gsz-decoder.ts';
import { CliError } from './command.ts';

export type StoredView = Partial<Pick<GszHeader, 'up' | 'background' | 'camera' | 'focus'>>;

/** The view fields of a .gsz header (up, background, default camera, robust extent); {} for other formats. */
export async function storedView(path: string): Promise<StoredView> {
  if (extname(path).toLowerCase() !== '.gsz') return {};
  try {
    const prefix = await readPrefix(path, gszPreambleLength());
    const header = decodeGszHeader(await readPrefix(path, gszHeaderLength(prefix)));
    return { up: header.up, background: header.background, camera: header.camera, focus: header.focus };
  } catch (error) {
    if (error instanceof GszFormatError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

async function readPrefix(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const out = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(out, 0, bytes, 0);
    return out.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
