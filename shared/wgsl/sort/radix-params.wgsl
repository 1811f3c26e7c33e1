// Uniform structs shared by the radix sort kernels (module `radix_params`).

/// Written by RadixSort.args from the count on the GPU; read as a uniform by every pass.
struct SortParams {
  n: u32,          // elements to sort (count clamped to max_count)
  tiles: u32,      // ceil(n / TILE): workgroups of the histogram, scatter and copy kernels
  scan_count: u32, // RADIX * tiles: length of the digit-major histogram that PrefixSum scans
  count: u32,      // raw count, copied here from the caller's number or buffer
  max_count: u32,  // the RadixSort's capacity
  pad0: u32,       // padding to a 16-byte multiple (uniform layout)
  pad1: u32,
  pad2: u32,
}

/// One radix pass: digit = (key >> shift) & mask (mask < 15 on a last, partial pass).
struct PassParams {
  shift: u32,
  mask: u32,
}

const RADIX: u32 = 16u;
