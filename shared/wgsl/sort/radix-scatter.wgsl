// RadixSort.scatter: stable scatter of one tile for one pass. The tile is staged in workgroup memory; each
// thread takes a contiguous run of PER_THREAD elements, so "thread order, then run order" IS input order and
// ranking by (digits before, same digit in earlier threads, same digit earlier in my run) is stable. Per-thread
// digit counts are packed 16 digits x 16 bits into 8 words and scanned across threads in one go (fields
// never exceed TILE <= 65535, so no carry crosses fields). Elements are then reordered by digit inside the
// tile so that neighbouring threads write neighbouring global addresses.
// With DIRECT_SCATTER (CPU adapters, where coalescing buys nothing and every workgroup-memory access is an
// emulated gather) there is no staging: threads read their runs from global memory and write each element
// straight to its destination, about half the memory operations.
#import sort_dispatch
#import radix_params

const WG: u32 = ${WG}u;
const PER_THREAD: u32 = ${PER_THREAD}u;
const TILE: u32 = WG * PER_THREAD;
const WORDS: u32 = 8u; // RADIX / 2 packed 16-bit counters
const CHUNK: u32 = WORDS; // scan entries per thread: WORDS * WG entries over WG threads
const CHUNKS: u32 = WG / CHUNK; // chunks per word

@group(0) @binding(0) var<uniform> params: SortParams;
@group(0) @binding(1) var<uniform> pass_params: PassParams;
@group(0) @binding(2) var<storage, read> keys_in: array<u32>;
@group(0) @binding(3) var<storage, read> values_in: array<u32>;
@group(0) @binding(4) var<storage, read_write> keys_out: array<u32>;
@group(0) @binding(5) var<storage, read_write> values_out: array<u32>;
/// Exclusive scan of the digit-major histogram: first output index of each (digit, tile).
@group(0) @binding(6) var<storage, read> offsets: array<u32>;

/// Staging (keys at [0, TILE), values at [TILE, 2 TILE)), reused for the packed scan (WORDS x WG); only the
/// scan with DIRECT_SCATTER.
var<workgroup> smem: array<u32, ${SMEM}>;
var<workgroup> digit_base: array<u32, RADIX>;
var<workgroup> chunk_offsets: array<u32, WG>; // WORDS * CHUNKS chunk totals, then their exclusive scan
var<workgroup> word_totals: array<u32, WORDS>;

fn packed_field(word: u32, digit: u32) -> u32 {
  return (word >> ((digit & 1u) << 4u)) & 0xffffu;
}

fn packed_one(digit: u32) -> u32 {
  return 1u << ((digit & 1u) << 4u);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) workgroup: vec3<u32>,
  @builtin(local_invocation_index) tid: u32,
) {
  let tile = flat_workgroup(workgroup, params.tiles);
  if (tile >= params.tiles) {
    return;
  }
  let tile_base = tile * TILE;
  let valid = min(TILE, params.n - tile_base);
  if (tid < RADIX) {
    digit_base[tid] = offsets[tid * params.tiles + tile];
  }
  let first = tid * PER_THREAD;
  // Explicit zeroing throughout: SwiftShader was seen NOT re-zeroing a loop-scoped `var` array.
  var counts: array<u32, WORDS>;
  for (var w = 0u; w < WORDS; w++) {
    counts[w] = 0u;
  }
#ifdef DIRECT_SCATTER
  for (var j = 0u; j < PER_THREAD; j++) {
    if (first + j < valid) {
      let digit = (keys_in[tile_base + first + j] >> pass_params.shift) & pass_params.mask;
      counts[digit >> 1u] += packed_one(digit);
    }
  }
#else
  for (var r = 0u; r < PER_THREAD; r++) {
    let s = r * WG + tid;
    if (s < valid) {
      smem[s] = keys_in[tile_base + s];
      smem[TILE + s] = values_in[tile_base + s];
    }
  }
  workgroupBarrier();
  var keys: array<u32, PER_THREAD>;
  var values: array<u32, PER_THREAD>;
  for (var j = 0u; j < PER_THREAD; j++) {
    if (first + j < valid) {
      keys[j] = smem[first + j];
      values[j] = smem[TILE + first + j];
      let digit = (keys[j] >> pass_params.shift) & pass_params.mask;
      counts[digit >> 1u] += packed_one(digit);
    }
  }
  workgroupBarrier();
#endif

  // Exclusive scan across threads of the packed counts, raking (3 barriers instead of Hillis-Steele's
  // 2 log2(WG): barriers dominate on CPU implementations such as SwiftShader). Word w of thread t sits at
  // smem[w * WG + t]; each thread serially scans one chunk of CHUNK consecutive entries of one word, WORDS
  // threads scan the chunk totals, and a thread's exclusive prefix is its entry plus its chunk's offset.
  for (var w = 0u; w < WORDS; w++) {
    smem[w * WG + tid] = counts[w];
  }
  workgroupBarrier();
  {
    let word = tid / CHUNKS;
    let chunk = tid % CHUNKS;
    let base = word * WG + chunk * CHUNK;
    var sum = 0u;
    for (var i = 0u; i < CHUNK; i++) {
      let value = smem[base + i];
      smem[base + i] = sum;
      sum += value;
    }
    chunk_offsets[tid] = sum;
  }
  workgroupBarrier();
  if (tid < WORDS) {
    var sum = 0u;
    for (var c = 0u; c < CHUNKS; c++) {
      let value = chunk_offsets[tid * CHUNKS + c];
      chunk_offsets[tid * CHUNKS + c] = sum;
      sum += value;
    }
    word_totals[tid] = sum;
  }
  workgroupBarrier();
  var rank: array<u32, WORDS>;
  var totals: array<u32, WORDS>;
  for (var w = 0u; w < WORDS; w++) {
    rank[w] = smem[w * WG + tid] + chunk_offsets[w * CHUNKS + tid / CHUNK];
    totals[w] = word_totals[w];
  }
#ifndef DIRECT_SCATTER
  workgroupBarrier();
#endif

#ifdef DIRECT_SCATTER
  for (var j = 0u; j < PER_THREAD; j++) {
    if (first + j < valid) {
      let key = keys_in[tile_base + first + j];
      let digit = (key >> pass_params.shift) & pass_params.mask;
      let destination = digit_base[digit] + packed_field(rank[digit >> 1u], digit);
      rank[digit >> 1u] += packed_one(digit);
      keys_out[destination] = key;
      values_out[destination] = values_in[tile_base + first + j];
    }
  }
#else
  // Tile-local start of each digit, then each element's tile-sorted slot.
  var start: array<u32, RADIX>;
  var acc = 0u;
  for (var d = 0u; d < RADIX; d++) {
    start[d] = acc;
    acc += packed_field(totals[d >> 1u], d);
  }
  for (var j = 0u; j < PER_THREAD; j++) {
    if (first + j < valid) {
      let digit = (keys[j] >> pass_params.shift) & pass_params.mask;
      let slot = start[digit] + packed_field(rank[digit >> 1u], digit);
      rank[digit >> 1u] += packed_one(digit);
      smem[slot] = keys[j];
      smem[TILE + slot] = values[j];
    }
  }
  workgroupBarrier();

  for (var r = 0u; r < PER_THREAD; r++) {
    let s = r * WG + tid;
    if (s < valid) {
      let key = smem[s];
      let digit = (key >> pass_params.shift) & pass_params.mask;
      let destination = digit_base[digit] + s - start[digit];
      keys_out[destination] = key;
      values_out[destination] = smem[TILE + s];
    }
  }
#endif
}
