// Bit scans of one word: the index of the lowest or the highest set bit
// (ctz, and 63 - clz). Written out as a binary search rather than
// __builtin_ctzll/__builtin_clzll: without Zbb (the kernel is built
// rv64imac) GCC makes those calls to libgcc's __ctzdi2/__clzdi2, and the
// kernel links no libgcc. Six steps, no loop over the bits.
#pragma once

#include "core/lib/types.h"

namespace tine {

// Index (0-63) of the lowest set bit of v, which must not be 0.
constexpr unsigned lowest_set_bit(u64 v) {
  unsigned n = 0;
  if (!(v & 0xffffffffu)) { v >>= 32; n += 32; }
  if (!(v & 0xffffu)) { v >>= 16; n += 16; }
  if (!(v & 0xffu)) { v >>= 8; n += 8; }
  if (!(v & 0xfu)) { v >>= 4; n += 4; }
  if (!(v & 0x3u)) { v >>= 2; n += 2; }
  if (!(v & 0x1u)) n += 1;
  return n;
}

// Index (0-63) of the highest set bit of v, which must not be 0.
constexpr unsigned highest_set_bit(u64 v) {
  unsigned n = 0;
  if (v >> 32) { v >>= 32; n += 32; }
  if (v >> 16) { v >>= 16; n += 16; }
  if (v >> 8) { v >>= 8; n += 8; }
  if (v >> 4) { v >>= 4; n += 4; }
  if (v >> 2) { v >>= 2; n += 2; }
  if (v >> 1) n += 1;
  return n;
}

static_assert(lowest_set_bit(1) == 0 && lowest_set_bit(u64{1} << 63) == 63 &&
              lowest_set_bit(0xf0) == 4 && lowest_set_bit(~u64{0}) == 0);
static_assert(highest_set_bit(1) == 0 && highest_set_bit(~u64{0}) == 63 &&
              highest_set_bit(0xf0) == 7 && highest_set_bit(u64{1} << 40 | 1) == 40);

}  // namespace tine
