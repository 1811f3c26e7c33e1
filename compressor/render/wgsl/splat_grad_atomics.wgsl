// Float accumulation of per-Gaussian screen-space gradients (`#import splat_grad_atomics`), used by
// every backward rasterizer variant. The importing kernel declares the binding
//   var<storage, read_write> splat_grads: array<atomic<u32>>; // [N, SPLAT_GRAD_STRIDE]
// WGSL has no float atomics, so a sum is a compare-and-swap loop on the f32 bits in an atomic<u32>.
// (A subgroupAdd pre-reduction gave wrong sums on SwiftShader, and subgroups are not available
// everywhere.) Sums land in an unspecified order: gradients are deterministic only up to rounding.
#import raster_blend

fn atomic_add_f32(index: u32, value: f32) {
  if (value == 0.0) {
    return;
  }
  var old = atomicLoad(&splat_grads[index]);
  loop {
    let r = atomicCompareExchangeWeak(&splat_grads[index], old, bitcast<u32>(bitcast<f32>(old) + value));
    if (r.exchanged) {
      break;
    }
    old = r.old_value;
  }
}

// Adds `sum` to Gaussian `gaussian`'s entry (12 atomics, zeros skipped).
fn accumulate_splat_grad(gaussian: u32, sum: SplatGradSum) {
  let base = gaussian * SPLAT_GRAD_STRIDE;
  atomic_add_f32(base + GRAD_MEAN2D, sum.v_mean2d.x);
  atomic_add_f32(base + GRAD_MEAN2D + 1u, sum.v_mean2d.y);
  atomic_add_f32(base + GRAD_CONIC, sum.v_conic.x);
  atomic_add_f32(base + GRAD_CONIC + 1u, sum.v_conic.y);
  atomic_add_f32(base + GRAD_CONIC + 2u, sum.v_conic.z);
  atomic_add_f32(base + GRAD_COLOR, sum.v_color.x);
  atomic_add_f32(base + GRAD_COLOR + 1u, sum.v_color.y);
  atomic_add_f32(base + GRAD_COLOR + 2u, sum.v_color.z);
  atomic_add_f32(base + GRAD_OPACITY, sum.v_opacity);
  atomic_add_f32(base + GRAD_ABS_MEAN2D, sum.abs_mean2d.x);
  atomic_add_f32(base + GRAD_ABS_MEAN2D + 1u, sum.abs_mean2d.y);
  atomic_add_f32(base + GRAD_WEIGHT, sum.weight);
}
