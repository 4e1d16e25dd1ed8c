// core/lib/bits.h against the compiler's own ctz/clz (the host has them
// without libgcc trouble): every single bit, and words with bits below and
// above it.
#include <catch2/catch.hpp>

#include "core/lib/bits.h"

using namespace tine;

TEST_CASE("bit scans agree with __builtin_ctzll/clzll", "[lib]") {
  u64 x = 0x9e3779b97f4a7c15ull;  // a fixed xorshift stream of test words
  for (unsigned b = 0; b < 64; ++b) {
    const u64 one = u64{1} << b;
    REQUIRE(lowest_set_bit(one) == b);
    REQUIRE(highest_set_bit(one) == b);
    for (int i = 0; i < 200; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const u64 above = one | (x & ~(one - 1));  // lowest set bit is b
      const u64 below = one | (x & (one - 1));   // highest set bit is b
      REQUIRE(lowest_set_bit(above) == unsigned(__builtin_ctzll(above)));
      REQUIRE(lowest_set_bit(above) == b);
      REQUIRE(highest_set_bit(below) == unsigned(63 - __builtin_clzll(below)));
      REQUIRE(highest_set_bit(below) == b);
      REQUIRE(lowest_set_bit(x | 1) == 0);
    }
  }
}
