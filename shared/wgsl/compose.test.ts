import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeWgsl, WgslComposeError } from './compose.ts';

test('imports are expanded once, recursively, in order', () => {
  const modules = { a: 'fn a() {}', b: '#import a\nfn b() {}' };
  const out = composeWgsl('#import b\n#import a\nfn main() {}', modules);
  assert.equal(out, 'fn a() {}\nfn b() {}\nfn main() {}');
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: ${N} is compose.ts's own placeholder syntax
test('ifdef/else/endif select lines and ${N} substitutes numbers', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${N} is compose.ts's own placeholder syntax
  const src = '#ifdef AA\nlet aa = true;\n#else\nlet aa = false;\n#endif\n@workgroup_size(${WG})';
  assert.equal(composeWgsl(src, {}, { AA: true, WG: 64 }), 'let aa = true;\n@workgroup_size(64)');
  assert.equal(composeWgsl(src, {}, { AA: false, WG: 8 }), 'let aa = false;\n@workgroup_size(8)');
});

test('cycles emit each module once', () => {
  assert.equal(
    composeWgsl('#import a', { a: '#import b\nfn a() {}', b: '#import a\nfn b() {}' }),
    'fn b() {}\nfn a() {}',
  );
});

test('missing modules, unbalanced blocks and unknown directives are errors', () => {
  assert.throws(() => composeWgsl('#import nope'), WgslComposeError);
  assert.throws(() => composeWgsl('#ifdef X\n'), /without #endif/);
  assert.throws(() => composeWgsl('#endif'), /without #ifdef/);
  assert.throws(() => composeWgsl('#pragma x'), /unknown directive/);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${N} is compose.ts's own placeholder syntax
  assert.throws(() => composeWgsl('${N}'), /no numeric define/);
});
