// Bind groups cached by the identity of the buffers they bind (and their byte ranges), per pipeline:
// a training iteration binds the same few buffers every time (the target image changes per view, so
// one entry per view), and creating bind groups each iteration is a fixed CPU cost per pass.
// Entries hold their buffers weakly: a destroyed and dropped buffer takes its bind groups with it.

/** A whole buffer, or a byte range of one. */
export type Binding = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

type Node = { groups?: Map<string, GPUBindGroup>; next: WeakMap<GPUBuffer, Node> };

export class BindGroupCache {
  private readonly roots = new WeakMap<GPUComputePipeline, Node>();

  constructor(private readonly device: GPUDevice) {}

  get(pipeline: GPUComputePipeline, bindings: readonly Binding[], label?: string): GPUBindGroup {
    let node: Node | undefined = this.roots.get(pipeline);
    if (!node) {
      node = { next: new WeakMap() };
      this.roots.set(pipeline, node);
    }
    let ranges = '';
    for (const b of bindings) {
      const buffer = 'buffer' in b ? b.buffer : b;
      if ('buffer' in b) ranges += `${b.offset}:${b.size},`;
      else ranges += '-,';
      let next: Node | undefined = node.next.get(buffer);
      if (!next) {
        next = { next: new WeakMap() };
        node.next.set(buffer, next);
      }
      node = next;
    }
    const key = ranges;
    node.groups ??= new Map();
    let group = node.groups.get(key);
    if (!group) {
      group = this.device.createBindGroup({
        label,
        layout: pipeline.getBindGroupLayout(0),
        entries: bindings.map((resource, binding) => ({
          binding,
          resource: 'buffer' in resource ? resource : { buffer: resource },
        })),
      });
      node.groups.set(key, group);
    }
    return group;
  }
}
