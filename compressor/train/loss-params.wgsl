// The uniform every loss stage reads; one layout, written by ImageLoss (loss.ts).
struct Params {
  width: u32,
  height: u32,
  channels: u32,
  axis: u32, // blur stage: 0 along x, 1 along y
  ssim_weight: f32,
  inv_count: f32, // 1 / (H·W·3)
  _pad0: f32,
  _pad1: f32,
}
