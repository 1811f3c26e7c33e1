// `gs-compress info`: what a .gsz holds — counts, SH degree, quantization, bytes per attribute, chunk table.
// Reads only the header and the section lengths it lists (no decoding), and validates like the viewer does.
import { decodeGszHeader, GszFormatError, type GszHeader } from '../../../shared/format/gsz-decoder.ts';
import { GSZ_COLUMNS } from '../../../shared/format/gsz-layout.ts';
import type { CliCommand } from '../command.ts';
import { parseCommandArgs, readInputFile } from '../args.ts';
import { CliError, EXIT } from '../command.ts';

const HELP = `Usage: gs-compress info FILE.gsz [--json]

Prints a .gsz file's header: Gaussian count, SH degree, bounds, view (up axis, background, default
camera), quantization, stored bytes per attribute
(and per Gaussian), the SH codebook, and the chunk table (offset, bytes, Gaussians, level).

Options:
      --json    machine-readable output (the full header plus per-attribute byte totals)
  -h, --help

Examples:
  gs-compress info scene.gsz
  gs-compress info scene.gsz --json | jq '.attributes'`;

export interface GszInfo {
  file: string;
  fileBytes: number;
  header: GszHeader;
  /** Stored bytes per column summed over chunks, plus the codebook and header. */
  attributes: Record<string, number>;
}

export function gszInfo(file: string, bytes: Uint8Array): GszInfo {
  const header = decodeGszHeader(bytes);
  const attributes: Record<string, number> = { header: header.headerEnd };
  GSZ_COLUMNS.forEach((name, k) => {
    if (k < (header.chunks[0]?.columnLengths.length ?? 0))
      attributes[name] = header.chunks.reduce((s, c) => s + c.columnLengths[k], 0);
  });
  if (header.codebook) attributes.shCodebook = header.codebook.length;
  return { file, fileBytes: bytes.length, header, attributes };
}

function text(info: GszInfo): string {
  const { header: h, attributes } = info;
  const n = Math.max(1, h.count);
  const f = (v: number) => Number(v.toPrecision(6));
  const lines = [
    `${info.file}: .gsz v${h.version}, ${info.fileBytes} bytes, ${h.count} Gaussians (${(info.fileBytes / n).toFixed(2)} B/Gaussian)`,
    `SH degree ${h.shDegree}, antialiased ${h.antialiased}`,
    `bounds min [${h.bounds.min.map(f).join(', ')}] max [${h.bounds.max.map(f).join(', ')}]`,
    `view: up [${h.up.map(f).join(', ')}], background ${h.background ? `[${h.background.map(f).join(', ')}]` : 'none (transparent)'}, ` +
      `default camera ${h.camera ? `eye [${h.camera.eye.map(f).join(', ')}] target [${h.camera.target.map(f).join(', ')}] fov ${f(h.camera.fovY)} deg` : 'none (framed from the extent)'}` +
      (h.focus
        ? `, extent (1st-99th percentile) [${h.focus.min.map(f).join(', ')}]..[${h.focus.max.map(f).join(', ')}]`
        : ''),
    `quantization: position step [${h.quant.position.step.map(f).join(', ')}] (${h.quant.position.bits.join('/')} bits), ` +
      `log-scale step ${f(h.quant.logScale.step)}, rotation ${h.quant.rotation.levels} levels, opacity ${h.quant.opacity.bits} bits, DC step ${f(h.quant.shDC.step)}` +
      (h.quant.shResidual ? `, SH residual step ${f(h.quant.shResidual.step)}` : '') +
      (h.quant.shResidual?.basis
        ? ` in colour basis [${h.quant.shResidual.basis.map((x) => x.toFixed(3)).join(' ')}]`
        : ''),
  ];
  if (h.codebook)
    lines.push(
      `SH codebook: ${h.codebook.centroids} centroids x ${h.codebook.dims} fp16, ${h.codebook.length} bytes at ${h.codebook.offset}`,
    );
  lines.push('bytes per attribute:');
  for (const [name, bytes] of Object.entries(attributes))
    lines.push(`  ${name.padEnd(12)} ${String(bytes).padStart(10)}  ${(bytes / n).toFixed(3)} B/Gaussian`);
  lines.push(`chunks: ${h.chunks.length}`);
  lines.push('  #    offset      bytes  Gaussians  level');
  const show = h.chunks.length <= 12 ? h.chunks : [...h.chunks.slice(0, 6), undefined, ...h.chunks.slice(-4)];
  show.forEach((c) => {
    if (!c) lines.push('  ...');
    else
      lines.push(
        `  ${String(h.chunks.indexOf(c)).padStart(3)} ${String(c.offset).padStart(9)} ${String(c.length).padStart(10)} ${String(c.count).padStart(10)} ${String(c.level).padStart(6)}`,
      );
  });
  return lines.join('\n');
}

export const command: CliCommand = {
  name: 'info',
  summary: "Show a .gsz file's header, bytes per attribute and chunk table",
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      args,
      { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      HELP,
      { positional: 'FILE.gsz' },
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    const file = positionals[0];
    const bytes = await readInputFile(file);
    let info: GszInfo;
    try {
      info = gszInfo(file, bytes);
    } catch (error) {
      if (error instanceof GszFormatError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    console.log(values.json ? JSON.stringify(info, null, 2) : text(info));
    return EXIT.ok;
  },
};
