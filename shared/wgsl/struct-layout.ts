// Byte layout of a WGSL struct read from its source, by WGSL's alignment rules (host-shareable types:
// scalars, vectors, square matrices of f32/u32/i32). Tests hold the TS packers of uniforms against it,
// so a field moved or retyped in the WGSL fails a test instead of shifting every field after it.

export interface WgslField {
  name: string;
  type: string;
  offset: number;
  size: number;
}

export interface WgslStructLayout {
  fields: WgslField[];
  /** The struct's size (rounded up to its alignment). */
  size: number;
}

/** Alignment and size of a scalar, vector or matrix type (WGSL spec, "Alignment and Size"). */
function typeLayout(type: string): { align: number; size: number } {
  if (/^(f32|u32|i32)$/.test(type)) return { align: 4, size: 4 };
  const vector = /^vec([234])(?:<(f32|u32|i32)>|([fui]))$/.exec(type);
  if (vector) {
    const n = Number(vector[1]);
    return { align: n === 2 ? 8 : 16, size: 4 * n };
  }
  const matrix = /^mat([234])x([234])(?:<f32>|f)$/.exec(type);
  if (matrix) {
    const [columns, rows] = [Number(matrix[1]), Number(matrix[2])];
    const column = typeLayout(`vec${rows}f`);
    return { align: column.align, size: columns * Math.max(column.size, column.align) };
  }
  throw new RangeError(`struct-layout: unsupported WGSL type '${type}'`);
}

const roundUp = (value: number, align: number) => Math.ceil(value / align) * align;

/** The layout of `struct name { ... }` in `source`. */
export function wgslStructLayout(source: string, name: string): WgslStructLayout {
  const body = new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`).exec(source)?.[1];
  if (body === undefined) throw new RangeError(`struct-layout: no struct ${name}`);
  const fields: WgslField[] = [];
  let offset = 0;
  let align = 1;
  for (const m of body.replace(/\/\/.*$/gm, '').matchAll(/(\w+)\s*:\s*([\w<>]+)/g)) {
    const layout = typeLayout(m[2]);
    offset = roundUp(offset, layout.align);
    fields.push({ name: m[1], type: m[2], offset, size: layout.size });
    offset += layout.size;
    align = Math.max(align, layout.align);
  }
  return { fields, size: roundUp(offset, align) };
}
