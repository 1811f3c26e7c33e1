// Output files: checked before any work (checkOutput), then written to a temporary file beside the target,
// verified, and renamed into place (writeFileAtomic), so a failure never leaves a half-written or replaced
// file. Rules, each a documented choice:
// - a symlink target is resolved: the file it points to is replaced, the link stays a link;
// - devices, FIFOs and sockets are refused (a rename would replace the node with a regular file);
// - an existing file's permission bits are kept (new files get 0666 minus the umask);
// - temporary files `.NAME.PID.MS.tmp` left by a process that no longer runs (SIGKILL, power loss) are
//   removed from the target's folder before writing;
// - every error names the target as the user typed it, never the temporary file.
import { constants, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { access, chmod, lstat, open, readdir, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';

/** An output that cannot be written: the message names the target as given. `usage`: a wrong name. */
export class OutputError extends Error {
  override name = 'OutputError';
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

export interface OutputTarget {
  /** The path as given (for messages). */
  shown: string;
  /** The file actually replaced: `shown` resolved, symlinks followed. */
  real: string;
  /** Permission bits to give the new file (the existing file's), or undefined for a new file. */
  mode: number | undefined;
}

/** `.NAME.PID.MS.tmp` as written below: NAME one of the CLI's outputs, MS a 13-digit Date.now(). */
const TEMP_PATTERN = /^\.(.+\.(?:gsz|ply|png|json|spz|splat|glb))\.(\d+)\.(\d{13})\.tmp$/i;
/** Symlink hops followed before giving up (the kernel's own limit is 40). */
const MAX_LINKS = 40;

const reason = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** `path` with its symlinks followed (a dangling link resolves to where it points). */
async function followLinks(shown: string, path: string): Promise<string> {
  let current = path;
  for (let hop = 0; hop < MAX_LINKS; hop++) {
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw new OutputError(`${shown}: cannot write (${reason(error)})`);
    }
    if (!info.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new OutputError(`${shown}: cannot write (too many levels of symbolic links)`);
}

/**
 * Checks that `path` can be written before any work starts: it is not a directory, device, FIFO or socket
 * (exit 1), its extension is one of `extensions` (lower case, with the dot: the ones the command writes;
 * any other is a usage error), and its folder exists and is writable. Throws OutputError naming `path`.
 */
export async function checkOutput(
  path: string,
  extensions?: string[],
  what = 'this command',
  hint = '',
): Promise<OutputTarget> {
  const real = await followLinks(path, resolve(path));
  let mode: number | undefined;
  try {
    const info = await stat(real);
    if (info.isDirectory()) throw new OutputError(`${path}: is a directory, not a file`);
    if (!info.isFile()) {
      const kind = info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device';
      throw new OutputError(`${path}: is ${kind}; gs-compress writes regular files only`);
    }
    mode = info.mode & 0o7777;
  } catch (error) {
    if (error instanceof OutputError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new OutputError(`${path}: cannot write (${reason(error)})`);
  }
  if (extensions && !extensions.includes(extname(path).toLowerCase())) {
    throw new OutputError(
      `-o ${path}: ${what} writes ${extensions.join(' or ')} files; give a name ending in ${extensions[0]}${hint ? ` (${hint})` : ''}`,
      true,
    );
  }
  const folder = dirname(real);
  try {
    if (!(await stat(folder)).isDirectory()) throw new OutputError(`${path}: ${folder} is not a folder`);
    await access(folder, constants.W_OK);
  } catch (error) {
    if (error instanceof OutputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OutputError(`${path}: folder ${dirname(path) || '.'} does not exist`);
    throw new OutputError(`${path}: folder ${dirname(path) || '.'} is not writable (${reason(error)})`);
  }
  return { shown: path, real, mode };
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes `.NAME.PID.MS.tmp` files in `folder` whose process is gone. Never throws. */
export async function removeStaleTemps(folder: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isRunning(pid)) continue;
    try {
      await rm(join(folder, name), { force: true });
      removed.push(name);
    } catch {
      /* someone else's file we may not remove: leave it */
    }
  }
  return removed;
}

/** Temporary files of this process, removed if it exits (or is interrupted) mid-write. */
const pending = new Set<string>();
let handlersInstalled = false;
function installExitCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanup = () => {
    for (const file of pending) rmSync(file, { force: true });
    pending.clear();
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.kill(process.pid, signal);
    });
  }
}

export interface WriteOptions {
  /** Checks the bytes as read back from the temporary file; throw to refuse them (nothing is renamed). */
  verify?: (written: Uint8Array) => void;
}

/** Writes `data` atomically (see writeAtomic). */
export function writeFileAtomic(
  path: string | OutputTarget,
  data: Uint8Array | string,
  options: WriteOptions = {},
): Promise<void> {
  return writeAtomic(path, (handle) => handle.writeFile(data), options);
}

/**
 * Writes `path` (or an OutputTarget from checkOutput) atomically: `fill` writes the temporary file, which
 * is synced, optionally verified, and renamed over the target. Errors are OutputErrors naming the target;
 * a `verify` or `fill` failure of its own is rethrown unchanged after the temporary file is removed.
 */
export async function writeAtomic(
  path: string | OutputTarget,
  fill: (handle: FileHandle) => Promise<void>,
  options: WriteOptions = {},
): Promise<void> {
  const target = typeof path === 'string' ? await checkOutput(path) : await checkOutput(path.shown);
  const folder = dirname(target.real);
  await removeStaleTemps(folder);
  const temp = join(folder, `.${basename(target.real)}.${process.pid}.${Date.now()}.tmp`);
  installExitCleanup();
  pending.add(temp);
  try {
    const handle = await open(temp, 'wx', target.mode ?? 0o666);
    try {
      await fill(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (target.mode !== undefined) await chmod(temp, target.mode);
    if (options.verify) options.verify(new Uint8Array(await readFile(temp)));
    await rename(temp, target.real);
    pending.delete(temp);
  } catch (error) {
    await rm(temp, { force: true });
    pending.delete(temp);
    // System errors (ENOSPC, EACCES...) name the target; OutputErrors and verify's own errors pass through.
    if (error instanceof OutputError || typeof (error as NodeJS.ErrnoException).syscall !== 'string')
      throw error;
    throw new OutputError(`${target.shown}: cannot write (${reason(error)})`);
  }
}
