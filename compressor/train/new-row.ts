// Row-gather sentinels shared by the CPU editors (densify.ts) and the GPU gathers (gather-rows.wgsl).
/** A new row with no source: it gets zero optimizer moments and gradient. */
export const NEW_ROW = 0xffffffff;
/** Leave the destination row as it is (a gather from one part of a scene held in parts: other rows come from other parts). */
export const KEEP_ROW = 0xfffffffe;
