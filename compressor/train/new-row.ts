// Row-gather sentinel shared by the CPU editors (densify.ts) and the GPU gathers (gather-rows.wgsl):
// a new row with no source gets zero optimizer moments and gradient.
export const NEW_ROW = 0xffffffff;
