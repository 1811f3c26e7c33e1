// Small file-handle helpers shared by the streaming readers: open with a SceneReadError, read exactly N bytes.
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { SceneReadError } from './scene-read-error.ts';

export async function openOrThrow(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SceneReadError(path, `cannot open (${code})`);
  }
}

/** Fills `buffer[0, length)` from `position`, looping over short reads. */
export async function readFully(
  path: string,
  handle: FileHandle,
  buffer: Uint8Array,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new SceneReadError(path, `unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}

/** Whole-file read for the compact formats (SPZ, SOG, .splat), with a SceneReadError when it cannot be opened. */
export async function readWholeFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SceneReadError(path, `cannot read (${code})`);
  }
}
