// Hostile input files against the CLI readers, one generator per class: values the format cannot hold
// (NaN in every property of every reader, 1e30, ±3e38), absurd counts in every header, decompression bombs,
// damaged gzip trailers, zip traversal names, SOG folder escapes, zero-byte files, directories and FIFOs
// as files, PLY header surgery, truncated and padded .gsz. Each case: exit 1, one line naming the file and
// the problem, nothing written beside it (compressor/hostile/run-cli.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { withTempDir } from '../io/test-helpers.ts';
import {
  compressedPly,
  editGszHeader,
  gszFile,
  plyColumns,
  plyText,
  plyWithValue,
  sogParts,
  spzBomb,
  spzFile,
  spzPayload,
} from './hostile-inputs.ts';
import { expectFailure, runCli } from './run-cli.ts';
import { buildPly } from '../io/test-helpers.ts';

type Case = [name: string, file: string, bytes: () => Uint8Array | Promise<Uint8Array>, problem: RegExp];

/** Writes the case's file, runs `convert FILE -o out.ply` and `pack FILE -o out.gsz`, expects clean failures. */
async function failsToRead(file: string, bytes: Uint8Array, problem: RegExp): Promise<void> {
  await withTempDir(async (dir) => {
    const input = join(dir, file);
    await writeFile(input, bytes);
    await expectFailure(dir, ['convert', input, '-o', join(dir, 'out.ply')], {
      exit: 1,
      names: input,
      problem,
    });
    await expectFailure(dir, ['pack', input, '-o', join(dir, 'out.gsz')], { exit: 1, names: input, problem });
  });
}

const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const PLY_PROPERTIES = plyColumns(8, 1).map((c) => c.name);

test('PLY: NaN and ±Infinity in every property are refused naming the vertex and property', async () => {
  for (const name of PLY_PROPERTIES) {
    for (const value of NON_FINITE) {
      // ±Infinity opacity logits are opacities of exactly 1 or 0 (clamped, as 8-bit alpha writers mean).
      if (name === 'opacity' && !Number.isNaN(value)) continue;
      await failsToRead(
        'nan.ply',
        plyWithValue(name, 5, value, 1),
        new RegExp(`vertex 5 has ${name} = ${String(value)}`),
      );
    }
  }
});

test('PLY: finite values the .gsz format cannot hold (1e30, ±3e38) are refused naming the Gaussian', async () => {
  const cases: [string, number, RegExp][] = [
    ['x', 1e30, /Gaussian 3 has position x = 1\.00\d*e\+30/],
    ['y', 3e38, /Gaussian 3 has position y/],
    ['z', -3e38, /Gaussian 3 has position z/],
    ['scale_1', 1e30, /Gaussian 3 has log-scale \[1\]/],
    ['f_dc_2', 1e30, /Gaussian 3 has f_dc \[2\]/],
    ['f_rest_4', -1e30, /Gaussian 3 has SH rest/],
    ['rot_0', 3e38, /Gaussian 3 has rotation \[0\]/],
  ];
  for (const [name, value, problem] of cases)
    await failsToRead('big.ply', plyWithValue(name, 3, value, 1), problem);
  // A zero quaternion has no orientation (the reference renderer's normalisation gives NaN).
  const zero = plyColumns(4).map((c) => (c.name.startsWith('rot_') ? { ...c, values: [1, 0, 0, 0] } : c));
  await failsToRead('zero-rotation.ply', buildPly(zero), /Gaussian 1 has rotation = 0,0,0,0/);
});

const inputCases: Case[] = [
  // ---- PLY headers ----
  [
    'ASCII PLY claiming 2^31 vertices',
    'huge.ply',
    () => plyText(['format ascii 1.0', 'element vertex 2147483648', 'property float x'], '1\n'),
    /promises .* ASCII values but the body has only/,
  ],
  [
    'binary PLY claiming 2^40 vertices',
    'huge.ply',
    () =>
      plyText(
        ['format binary_little_endian 1.0', 'element vertex 1099511627776', 'property float x'],
        'abcd',
      ),
    /truncated: the header promises/,
  ],
  [
    'negative element count',
    'neg.ply',
    () => plyText(['format binary_little_endian 1.0', 'element vertex -5', 'property float x']),
    /bad PLY element line/,
  ],
  [
    'count written as a float',
    'exp.ply',
    () => plyText(['format binary_little_endian 1.0', 'element vertex 1e3', 'property float x']),
    /bad PLY element line/,
  ],
  [
    'duplicate property',
    'dup.ply',
    () =>
      plyText([
        'format binary_little_endian 1.0',
        'element vertex 1',
        'property float x',
        'property float x',
      ]),
    /duplicate PLY property "x"/,
  ],
  [
    'duplicate element',
    'dup-element.ply',
    () =>
      plyText([
        'format binary_little_endian 1.0',
        'element vertex 1',
        'property float x',
        'element vertex 1',
        'property float y',
      ]),
    /duplicate PLY element "vertex"/,
  ],
  [
    'missing required properties',
    'missing.ply',
    () => buildPly(plyColumns().filter((c) => c.name !== 'opacity' && c.name !== 'rot_2')),
    /lacks required properties: opacity rot_2/,
  ],
  [
    'list property',
    'list.ply',
    () => plyText(['format binary_little_endian 1.0', 'element vertex 1', 'property list uchar int idx']),
    /list property/,
  ],
  [
    'huge header line (2 MiB, no end_header)',
    'long.ply',
    () => new TextEncoder().encode(`ply\nformat ascii 1.0\ncomment ${'x'.repeat(2 << 20)}\n`),
    /no end_header line in its first 1048576 bytes/,
  ],
  [
    'truncated binary body',
    'short.ply',
    () => buildPly(plyColumns()).slice(0, -7),
    /truncated: the header promises/,
  ],
  [
    'trailing data after the body',
    'long-body.ply',
    () => new Uint8Array([...buildPly(plyColumns()), 1, 2, 3]),
    /3 bytes after the last element/,
  ],
  [
    'f_rest count of no SH degree',
    'rest.ply',
    () => buildPly([...plyColumns(), { name: 'f_rest_0', type: 'float32', values: new Array(8).fill(0) }]),
    /not an SH degree 0-3 layout/,
  ],
  ['zero-byte file', 'empty.ply', () => new Uint8Array(0), /is empty \(0 bytes\)/],
  // ---- SPZ ----
  [
    'SPZ header claiming 2^32-1 splats',
    'count.spz',
    () => gzipSync(spzPayload(10, 0xffffffff)),
    /SPZ splat count 4294967295 exceeds the limit/,
  ],
  [
    'SPZ header claiming more than the gzip bytes can hold',
    'count.spz',
    () => gzipSync(spzPayload(10, 60_000_000)),
    /more than \d+ gzip bytes can inflate to/,
  ],
  [
    'SPZ gzip bomb (10 splats, 64 MiB of zeros)',
    'bomb.spz',
    () => spzBomb(64 << 20),
    /inflates beyond the 206 bytes its header \(10 splats\) justifies/,
  ],
  [
    'SPZ gzip CRC-32 damaged',
    'crc.spz',
    () => {
      const f = spzFile();
      f[f.length - 6] ^= 1;
      return f;
    },
    /gzip stream is corrupt \(incorrect data check\)/,
  ],
  [
    'SPZ gzip ISIZE damaged',
    'isize.spz',
    () => {
      const f = spzFile();
      f[f.length - 3] ^= 1;
      return f;
    },
    /gzip stream is corrupt \(incorrect length check\)/,
  ],
  [
    'SPZ trailing garbage after the gzip member',
    'trail.spz',
    () => new Uint8Array([...spzFile(), 0x41, 0x42, 0x43, 0x44]),
    /gzip stream is corrupt/,
  ],
  [
    'SPZ second gzip member appended',
    'two.spz',
    () => new Uint8Array([...spzFile(), ...spzFile()]),
    /inflates beyond/,
  ],
  [
    'SPZ truncated gzip',
    'cut.spz',
    () => spzFile().slice(0, 30),
    /gzip stream is corrupt|too short|truncated/,
  ],
  [
    'SPZ SH degree 7',
    'deg.spz',
    () => {
      const p = spzPayload(10);
      p[12] = 7;
      return gzipSync(p);
    },
    /SH degree 7 is not supported/,
  ],
  [
    'SPZ version 9',
    'ver.spz',
    () => {
      const p = spzPayload(10);
      p[4] = 9;
      return gzipSync(p);
    },
    /version 9 is not supported/,
  ],
  // ---- .splat ----
  [
    '.splat NaN position',
    'nan.splat',
    () => {
      const b = new Uint8Array(64);
      new DataView(b.buffer).setFloat32(32 + 4, Number.NaN, true);
      return b;
    },
    /splat 1 has position NaN/,
  ],
  [
    '.splat negative scale',
    'neg.splat',
    () => {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setFloat32(16, -1, true);
      return b;
    },
    /scale -1/,
  ],
  [
    '.splat 1e30 position',
    'far.splat',
    () => {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setFloat32(0, 1e30, true);
      b[28] = 255;
      return b;
    },
    /Gaussian 0 has position x/,
  ],
  ['.splat size not a multiple of 32', 'odd.splat', () => new Uint8Array(33), /not a multiple of 32/],
  // ---- PlayCanvas compressed PLY ----
  [
    'compressed PLY: NaN chunk bound',
    'nan.compressed.ply',
    () => compressedPly(2, 1, [Number.NaN, 0, 0, 1, 1, 1, -5, -5, -5, -1, -1, -1]),
    /chunk 0 has min_x = NaN/,
  ],
  [
    'compressed PLY: ±1e30 chunk bounds',
    'far.compressed.ply',
    () => compressedPly(2, 1, [-1e30, 0, 0, 1e30, 1, 1, -5, -5, -5, -1, -1, -1]),
    /Gaussian 0 has position x/,
  ],
  [
    'compressed PLY: log-scale bound 1e30',
    'big.compressed.ply',
    () => compressedPly(2, 1, [0, 0, 0, 1, 1, 1, -5, -5, -5, 1e30, -1, -1]),
    /Gaussian 0 has log-scale \[0\]/,
  ],
  [
    'compressed PLY: chunk count that cannot hold the splats',
    'count.compressed.ply',
    () => compressedPly(300, 1, [0, 0, 0, 1, 1, 1, -5, -5, -5, -1, -1, -1]),
    /1 chunks cannot hold 300 splats/,
  ],
  // ---- .gsz as input ----
  ['.gsz garbage', 'junk.gsz', () => new Uint8Array(100).fill(7), /not a .gsz file/],
  ['.gsz truncated', 'cut.gsz', async () => (await gszFile()).slice(0, -10), /\.gsz truncated/],
  [
    '.gsz chunk count one short (header adjusted)',
    'short.gsz',
    async () =>
      editGszHeader(await gszFile(), (h) => {
        const chunks = h.chunks as number[][];
        chunks[0][3] -= 1;
        h.count = (h.count as number) - 1;
      }),
    /left over after the chunk's Gaussians/,
  ],
  [
    '.gsz absurd count',
    'count.gsz',
    async () =>
      editGszHeader(await gszFile(), (h) => {
        h.count = 2 ** 40;
      }),
    /count = 1099511627776 outside/,
  ],
];

const ASCII_HEADER = [
  'format ascii 1.0',
  'element vertex 1',
  ...plyColumns(1).map((c) => `property float ${c.name}`),
];
const ASCII_ROW = '0 0 0 0.5 0.5 0.5 0 -3 -3 -3 1 0 0 0';
inputCases.push(
  [
    'ASCII PLY with values after the last element',
    'extra.ply',
    () => plyText(ASCII_HEADER, `${ASCII_ROW}\n7 8 9\n`),
    /3 values after the last element/,
  ],
  [
    'ASCII PLY with "nan" as a value',
    'nan-ascii.ply',
    () => plyText(ASCII_HEADER, `${ASCII_ROW.replace('0.5', 'nan')}\n`),
    /vertex 0 has f_dc_0 = "nan" \(not a number\)/,
  ],
  [
    'ASCII PLY with 1e999 as a value',
    'inf-ascii.ply',
    () => plyText(ASCII_HEADER, `${ASCII_ROW.replace('-3', '1e999')}\n`),
    /vertex 0 has scale_0 = Infinity/,
  ],
);
for (const extension of ['spz', 'sog', 'splat', 'gsz', 'compressed.ply']) {
  inputCases.push([
    `zero-byte .${extension}`,
    `empty.${extension}`,
    () => new Uint8Array(0),
    /is empty \(0 bytes\)/,
  ]);
}
inputCases.push(
  [
    '.gsz negative count',
    'neg.gsz',
    async () =>
      editGszHeader(await gszFile(), (h) => {
        h.count = -1;
      }),
    /count = -1 outside/,
  ],
  [
    '.gsz chunk claiming 2^31 Gaussians',
    'chunk.gsz',
    async () =>
      editGszHeader(await gszFile(), (h) => {
        (h.chunks as number[][])[0][3] = 2 ** 31;
      }),
    /chunk 0 count = 2147483648 outside/,
  ],
);

for (const [name, file, bytes, problem] of inputCases) {
  test(`hostile input: ${name}`, async () => failsToRead(file, await bytes(), problem));
}

test('info exits 1 on truncated, damaged or short-counted .gsz files', async () => {
  await withTempDir(async (dir) => {
    const good = await gszFile();
    const cases: [string, Uint8Array, RegExp][] = [
      ['cut.gsz', good.slice(0, -1), /\.gsz truncated: chunk 0 ends at byte/],
      ['flip.gsz', good.map((b, i) => (i === good.length - 5 ? b ^ 1 : b)), /chunk 0: checksum mismatch/],
      ['header.gsz', good.slice(0, 20), /truncated/],
    ];
    for (const [file, bytes, problem] of cases) {
      await writeFile(join(dir, file), bytes);
      await expectFailure(dir, ['info', join(dir, file)], { exit: 1, names: join(dir, file), problem });
    }
    await writeFile(join(dir, 'good.gsz'), good);
    assert.equal((await runCli(['info', join(dir, 'good.gsz')])).code, 0);
  });
});

// ---- SOG ----
test('SOG bundles: absurd counts, traversal names, infinite means, oversized members and textures fail', async () => {
  const parts = await sogParts();
  const bundle = (meta: Record<string, unknown>, files = parts.files) =>
    zipSync({ 'meta.json': strToU8(JSON.stringify(meta)), ...files });
  const withMeta = (edit: (m: Record<string, unknown>) => void) => {
    const meta = structuredClone(parts.meta);
    edit(meta);
    return bundle(meta);
  };
  const cases: [string, Uint8Array, RegExp][] = [
    [
      'count.sog',
      withMeta((m) => {
        m.count = 2 ** 40;
      }),
      /SOG meta count 1099511627776 exceeds the limit/,
    ],
    [
      'negative.sog',
      withMeta((m) => {
        m.count = -1;
      }),
      /SOG meta count -1 is invalid/,
    ],
    [
      'traversal.sog',
      withMeta((m) => {
        (m.quats as { files: string[] }).files = ['../../etc/passwd'];
      }),
      /names "..\/..\/etc\/passwd", not a plain file name/,
    ],
    [
      'absolute.sog',
      withMeta((m) => {
        (m.sh0 as { files: string[] }).files = ['/etc/hostname'];
      }),
      /not a plain file name/,
    ],
    [
      'infinite.sog',
      withMeta((m) => {
        (m.means as { mins: number[]; maxs: number[] }).mins = [-1e308, -1e308, -1e308];
        (m.means as { maxs: number[] }).maxs = [1e308, 1e308, 1e308];
      }),
      /Gaussian \d+ has position [xyz] = -?Infinity \(not a finite number\)/,
    ],
    ['null.sog', bundle(null as unknown as Record<string, unknown>), /not a JSON object/],
    [
      'codebook.sog',
      withMeta((m) => {
        (m.scales as { codebook: unknown[] }).codebook = ['NaN'];
      }),
      /scales codebook must be 256 finite numbers/,
    ],
    [
      'max-count.sog',
      withMeta((m) => {
        m.count = 2 ** 26;
      }),
      /has 2x2 texels for 67108864 splats/,
    ],
    [
      'more-splats.sog',
      withMeta((m) => {
        m.count = 5;
      }),
      /has 2x2 texels for 5 splats/,
    ],
    [
      'texture-dims.sog',
      bundle(parts.meta, { ...parts.files, 'quats.webp': hugeWebpHeader() }),
      /quats.webp is 16384x16384, more than 4 splats need/,
    ],
    ['corrupt.sog', new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]), /SOG zip is corrupt|lacks meta.json/],
  ];
  await withTempDir(async (dir) => {
    for (const [file, bytes, problem] of cases) {
      await writeFile(join(dir, file), bytes);
      await expectFailure(dir, ['convert', join(dir, file), '-o', join(dir, 'out.ply')], {
        exit: 1,
        names: join(dir, file),
        problem,
      });
    }
    // A member that meta.json asks for but whose zip header claims 2 GiB is refused before inflating.
    const lying = bundle(parts.meta);
    claimSize(lying, 'scales.webp', 2 ** 31);
    await writeFile(join(dir, 'lying.sog'), lying);
    await expectFailure(dir, ['convert', join(dir, 'lying.sog'), '-o', join(dir, 'out.ply')], {
      exit: 1,
      names: join(dir, 'lying.sog'),
      problem: /SOG member scales.webp inflates to 2147483648 bytes \(limit/,
    });
    // A member whose zip header understates its size (fflate would silently truncate it) or whose bytes
    // were damaged fails its CRC-32.
    const short = bundle(parts.meta);
    claimSize(short, 'quats.webp', 20);
    await writeFile(join(dir, 'short.sog'), short);
    await expectFailure(dir, ['convert', join(dir, 'short.sog'), '-o', join(dir, 'out.ply')], {
      exit: 1,
      names: join(dir, 'short.sog'),
      problem: /SOG member quats.webp is corrupt \(CRC-32 mismatch/,
    });
    const twice = zipSync({
      'meta.json': strToU8(JSON.stringify(parts.meta)),
      ...parts.files,
      'copy/quats.webp': parts.files['quats.webp'],
    });
    await writeFile(join(dir, 'twice.sog'), twice);
    await expectFailure(dir, ['convert', join(dir, 'twice.sog'), '-o', join(dir, 'out.ply')], {
      exit: 1,
      names: join(dir, 'twice.sog'),
      problem: /two members named quats.webp/,
    });
    // An unused member is never inflated, whatever it claims; a zip-slip name is only ever a lookup key.
    const extra = zipSync({
      'meta.json': strToU8(JSON.stringify(parts.meta)),
      ...parts.files,
      '../../outside/unused.bin': new Uint8Array(1 << 16),
    });
    claimSize(extra, '../../outside/unused.bin', 2 ** 31);
    await writeFile(join(dir, 'extra.sog'), extra);
    const run = await runCli(['convert', join(dir, 'extra.sog'), '-o', join(dir, 'extra.ply')]);
    assert.equal(run.code, 0, run.stderr.join('\n'));
  });
});

test('SOG folders: meta.json may only name plain files inside its folder', async () => {
  const parts = await sogParts();
  await withTempDir(async (dir) => {
    const sog = join(dir, 'scene');
    await mkdir(sog);
    for (const [name, data] of Object.entries(parts.files)) await writeFile(join(sog, name), data);
    await writeFile(join(dir, 'secret.webp'), parts.files['quats.webp']);
    await symlink(join(dir, 'secret.webp'), join(sog, 'link.webp'));
    execFileSync('mkfifo', [join(sog, 'fifo.webp')]);
    const cases: [string, string, RegExp][] = [
      ['quats', '../../../../etc/hostname', /not a plain file name/],
      ['quats', '../secret.webp', /not a plain file name/],
      ['quats', 'link.webp', /SOG file link.webp links outside the folder/],
      ['quats', 'fifo.webp', /SOG file fifo.webp is not a regular file/],
      ['quats', 'absent.webp', /SOG file absent.webp cannot be read beside meta.json/],
    ];
    const metaPath = join(sog, 'meta.json');
    for (const [key, name, problem] of cases) {
      const meta = structuredClone(parts.meta);
      (meta[key] as { files: string[] }).files = [name];
      await writeFile(metaPath, JSON.stringify(meta));
      await expectFailure(dir, ['convert', metaPath, '-o', join(dir, 'out.ply')], {
        exit: 1,
        names: metaPath,
        problem,
      });
    }
    await writeFile(metaPath, JSON.stringify(parts.meta));
    assert.equal((await runCli(['convert', metaPath, '-o', join(dir, 'ok.ply')])).code, 0);
  });
});

test('inputs that are not regular files: a directory, a FIFO (never opened: it would block), /dev/zero', async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, 'folder.ply'));
    execFileSync('mkfifo', [join(dir, 'pipe.ply')]);
    const cases: [string, RegExp][] = [
      [join(dir, 'folder.ply'), /is a directory, not a scene file/],
      [join(dir, 'pipe.ply'), /is a FIFO, not a regular file/],
      ['/dev/zero', /is a device, not a regular file/],
      [join(dir, 'absent.ply'), /cannot open \(ENOENT\)|does not exist/],
    ];
    for (const [input, problem] of cases) {
      await expectFailure(dir, ['convert', input, '-o', join(dir, 'out.ply')], {
        exit: 1,
        names: input,
        problem,
      });
      await expectFailure(dir, ['pack', input, '-o', join(dir, 'out.gsz')], {
        exit: 1,
        names: input,
        problem,
      });
      // info and export read whole files: they must not block on a FIFO or read /dev/zero forever.
      await expectFailure(dir, ['info', input], { exit: 1, names: input, problem });
      await expectFailure(dir, ['export', input, '-o', join(dir, 'out.ply')], {
        exit: 1,
        names: input,
        problem,
      });
    }
  });
});

test('a file name with a newline is reported on one line', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'evil\nname.ply');
    await writeFile(input, plyText(['format ascii 1.0']));
    const line = await expectFailure(dir, ['convert', input, '-o', join(dir, 'out.ply')], {
      exit: 1,
      names: 'evil\\x0aname.ply',
      problem: /no "vertex" element/,
    });
    assert.ok(!line.includes('\n'));
  });
});

/** A WebP whose VP8L header declares 16384 x 16384 (no pixel data: it must never reach the decoder). */
function hugeWebpHeader(): Uint8Array {
  const b = new Uint8Array(40);
  b.set(strToU8('RIFF'), 0);
  new DataView(b.buffer).setUint32(4, 32, true);
  b.set(strToU8('WEBPVP8L'), 8);
  new DataView(b.buffer).setUint32(16, 20, true);
  b[20] = 0x2f;
  const bits = 16383 | (16383 << 14);
  new DataView(b.buffer).setUint32(21, bits, true);
  return b;
}

/** Rewrites the uncompressed size of zip member `name` in its local and central headers. */
function claimSize(zip: Uint8Array, name: string, size: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const target = new TextEncoder().encode(name);
  const nameAt = (at: number) => target.every((c, i) => zip[at + i] === c);
  for (let i = 0; i + 46 < zip.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50 && view.getUint16(i + 26, true) === target.length && nameAt(i + 30))
      view.setUint32(i + 22, size, true);
    if (sig === 0x02014b50 && view.getUint16(i + 28, true) === target.length && nameAt(i + 46))
      view.setUint32(i + 24, size, true);
  }
}
