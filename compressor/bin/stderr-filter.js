// Drops Dawn's known benign adapter-probing warnings from the CLI's stderr, passing everything else through
// unchanged. Dawn (the `webgpu` package) prints them from native code straight to file descriptor 2 when it
// probes a Vulkan driver it then rejects (lavapipe on a machine where SwiftShader is used), e.g.
//   Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.
//    - While initializing adapter (backend=BackendType::Vulkan)
//       at InitializeImpl (.../PhysicalDeviceVk.cpp:257)
// Only a "Warning:" block whose context line is "While initializing adapter" is dropped: errors, device
// and validation messages always reach the user. Plain JavaScript: it runs in the launcher process before
// TypeScript is registered.

/** True for the context line that marks a warning block as adapter probing. */
const PROBE_CONTEXT = /^\s+- While initializing adapter \(backend=/;
const CONTINUATION = /^\s+(- While |at )/;

/**
 * A line filter: push() chunks of text, get back what to print. A "Warning:" line is held until the next
 * line shows whether it is an adapter-probing block; end() returns whatever is still held.
 */
export class DawnNoiseFilter {
  constructor() {
    /** @type {string} */
    this.partial = '';
    /** @type {string[]} */
    this.held = [];
    this.dropping = false;
    this.passthrough = false;
  }

  /** @param {string} text @returns {string} */
  push(text) {
    let out = '';
    let rest = text;
    if (this.passthrough) {
      // The rest of a line already started on screen (a progress bar redrawn with \r) goes straight out.
      const newline = rest.indexOf('\n');
      if (newline < 0) return rest;
      out += rest.slice(0, newline + 1);
      rest = rest.slice(newline + 1);
      this.passthrough = false;
    }
    const lines = (this.partial + rest).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) out += this.line(line);
    const mayBeWarning = this.partial.startsWith('Warning: ') || 'Warning: '.startsWith(this.partial);
    if (this.partial && this.held.length === 0 && !this.dropping && !mayBeWarning) {
      out += this.partial;
      this.partial = '';
      this.passthrough = true;
    }
    return out;
  }

  /** @returns {string} */
  end() {
    const last = this.partial;
    this.partial = '';
    if (last === '') {
      const out = this.held.map((l) => `${l}\n`).join('');
      this.held = [];
      return out;
    }
    // The final line has no newline: print it without one (or drop it with its block).
    const printed = this.line(last);
    const out = this.held.length > 0 ? printed + this.held.join('\n') : printed.replace(/\n$/, '');
    this.held = [];
    return out;
  }

  /** @param {string} line @returns {string} */
  line(line) {
    if (this.dropping) {
      if (CONTINUATION.test(line)) return '';
      this.dropping = false;
    }
    if (this.held.length > 0) {
      if (PROBE_CONTEXT.test(line)) {
        this.held = [];
        this.dropping = true;
        return '';
      }
      const flushed = this.held.map((l) => `${l}\n`).join('');
      this.held = [];
      return flushed + this.line(line);
    }
    if (line.startsWith('Warning: ')) {
      this.held.push(line);
      return '';
    }
    return `${line}\n`;
  }
}
