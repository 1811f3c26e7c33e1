// Real processes: a writer killed with SIGKILL mid-write leaves a temporary file that the next write into
// that folder removes (SIGTERM removes its own at once), and 1 GiB decompression bombs (SPZ gzip, an unused
// SOG zip member) are refused within bounded memory (peak RSS of the CLI process, measured).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeflateRaw } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { buildPly, withTempDir } from '../io/test-helpers.ts';
import { plyColumns, sogParts, spzBomb } from './hostile-inputs.ts';
import { runCli } from './run-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const register = join(root, 'scripts/register.mjs');

/** Starts `node -e script` (TypeScript imports registered) in the repo root. */
function node(script: string) {
  return spawn(process.execPath, ['--import', register, '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const waitFor = (child: ReturnType<typeof node>, text: string) =>
  new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    child.on('exit', () => reject(new Error(`child exited before '${text}': ${seen}`)));
  });

const exited = (child: ReturnType<typeof node>) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );

/** A child that starts an atomic write of `target`, writes 1 MiB, says so, and hangs. */
function hangingWriter(target: string) {
  return node(`
    const { writeAtomic } = await import('./compressor/io/atomic-write.ts');
    setInterval(() => {}, 1000);
    await writeAtomic(${JSON.stringify(target)}, async (handle) => {
      await handle.write(new Uint8Array(1 << 20));
      console.log('writing');
      await new Promise(() => {});
    });
  `);
}

test('SIGKILL mid-write leaves a temp file that the next write removes; SIGTERM cleans up at once', async () => {
  await withTempDir(async (dir) => {
    const target = join(dir, 'out.ply');
    const killed = hangingWriter(target);
    await waitFor(killed, 'writing');
    const temps = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    assert.equal(temps.length, 1, 'the write is in progress in a temporary file');
    killed.kill('SIGKILL');
    assert.equal((await exited(killed)).signal, 'SIGKILL');
    assert.deepEqual(await readdir(dir), temps, 'SIGKILL cannot clean up: the temp file stays, no target');

    await writeFile(join(dir, 'in.ply'), buildPly(plyColumns(20, 0)));
    assert.equal((await runCli(['convert', join(dir, 'in.ply'), '-o', target])).code, 0);
    assert.deepEqual((await readdir(dir)).sort(), ['in.ply', 'out.ply'], 'the dead process temp is gone');

    const terminated = hangingWriter(join(dir, 'other.ply'));
    await waitFor(terminated, 'writing');
    terminated.kill('SIGTERM');
    assert.equal((await exited(terminated)).signal, 'SIGTERM');
    assert.deepEqual((await readdir(dir)).sort(), ['in.ply', 'out.ply'], 'SIGTERM removed its temp file');
  });
});

/** Runs the CLI in a child and returns its exit code, stderr and peak RSS in MiB. */
async function cliPeak(argv: string[]): Promise<{ code: number; stderr: string; peakMiB: number }> {
  const child = node(`
    const { main } = await import('./compressor/cli/main.ts');
    const code = await main(${JSON.stringify(argv)});
    console.log('PEAK ' + Math.round(process.resourceUsage().maxRSS / 1024));
    process.exit(code);
  `);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const { code } = await exited(child);
  const peak = /PEAK (\d+)/.exec(stdout);
  assert.ok(peak, `peak reported: ${stdout} ${stderr}`);
  return { code: code ?? -1, stderr: stderr.trim(), peakMiB: Number(peak[1]) };
}

/** Raw deflate of `bytes` zeros, streamed. */
async function deflatedZeros(bytes: number): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const zeros = Buffer.alloc(16 << 20);
  for (let left = bytes; left > 0; left -= zeros.length)
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await done;
  return new Uint8Array(Buffer.concat(parts));
}

/** A stored zip entry rewritten as deflated `data` claiming `size` bytes (fflate writes the real sizes). */
function zipWithDeflated(files: Record<string, Uint8Array>, name: string, data: Uint8Array, size: number) {
  const zip = zipSync({ ...files, [name]: [new Uint8Array(0), { level: 0 }] });
  // Local header of `name`: method 8, compressed size, uncompressed size; the data follows the name.
  const view = new DataView(zip.buffer);
  const bytes = new TextEncoder().encode(name);
  for (let i = 0; i + 30 < zip.length; i++) {
    if (view.getUint32(i, true) !== 0x04034b50 || view.getUint16(i + 26, true) !== bytes.length) continue;
    if (!bytes.every((c, k) => zip[i + 30 + k] === c)) continue;
    const end = i + 30 + bytes.length + view.getUint16(i + 28, true);
    const out = new Uint8Array(zip.length + data.length);
    out.set(zip.subarray(0, end));
    out.set(data, end);
    out.set(zip.subarray(end), end + data.length);
    const v = new DataView(out.buffer);
    v.setUint16(i + 8, 8, true);
    v.setUint32(i + 18, data.length, true);
    v.setUint32(i + 22, size, true);
    // Central directory entry (after the inserted data) and its offset in the end record.
    for (let j = end + data.length; j + 22 <= out.length; j++) {
      if (
        j + 46 < out.length &&
        v.getUint32(j, true) === 0x02014b50 &&
        v.getUint16(j + 28, true) === bytes.length
      ) {
        if (!bytes.every((c, k) => out[j + 46 + k] === c)) continue;
        v.setUint16(j + 10, 8, true);
        v.setUint32(j + 20, data.length, true);
        v.setUint32(j + 24, size, true);
      }
      if (v.getUint32(j, true) === 0x06054b50)
        v.setUint32(j + 16, v.getUint32(j + 16, true) + data.length, true);
    }
    return out;
  }
  throw new Error(`${name} not found in the zip`);
}

test('1 GiB decompression bombs are refused (SPZ) or never inflated (unused SOG member), memory bounded', async (t) => {
  await withTempDir(async (dir) => {
    const spz = join(dir, 'bomb.spz');
    await writeFile(spz, await spzBomb(1 << 30));
    const spzRun = await cliPeak(['convert', spz, '-o', join(dir, 'out.ply')]);
    assert.equal(spzRun.code, 1, spzRun.stderr);
    assert.match(spzRun.stderr, /bomb\.spz: SPZ gzip stream inflates beyond the 206 bytes its header/);
    assert.ok(spzRun.peakMiB < 400, `peak RSS ${spzRun.peakMiB} MiB`);
    t.diagnostic(`SPZ bomb (${(await stat(spz)).size} bytes): peak RSS ${spzRun.peakMiB} MiB`);

    const parts = await sogParts();
    const files = { 'meta.json': strToU8(JSON.stringify(parts.meta)), ...parts.files };
    const sog = join(dir, 'bomb.sog');
    await writeFile(sog, zipWithDeflated(files, 'unused.bin', await deflatedZeros(1 << 30), 2 ** 30));
    const sogRun = await cliPeak(['convert', sog, '-o', join(dir, 'sog.ply')]);
    assert.equal(sogRun.code, 0, sogRun.stderr);
    assert.ok(sogRun.peakMiB < 400, `peak RSS ${sogRun.peakMiB} MiB`);
    t.diagnostic(
      `SOG with a 1 GiB unused member (${(await stat(sog)).size} bytes): peak RSS ${sogRun.peakMiB} MiB`,
    );
    assert.deepEqual((await readdir(dir)).sort(), ['bomb.sog', 'bomb.spz', 'sog.ply']);
  });
});
