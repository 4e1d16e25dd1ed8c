// Page copy and clear (page_data.h).
#include "core/vm/page_data.h"

#include "core/lib/types.h"

// Keep GCC from turning these loops into calls to memcpy and memset.
#if defined(__clang__)
#define NO_LIBCALL
#else
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

namespace tine {

namespace {
constexpr size_t kWords = kPageSize / sizeof(u64);
constexpr size_t kRound = 64;  // words a loop round: offsets fit an immediate
constexpr size_t kBurst = 16;  // words loaded before they are stored
static_assert(kWords % kRound == 0 && kRound % kBurst == 0);
}  // namespace

NO_LIBCALL void page_copy(void* dst, const void* src) {
  u64* d = static_cast<u64*>(dst);
  const u64* s = static_cast<const u64*>(src);
  for (const u64* end = s + kWords; s != end; s += kRound, d += kRound) {
#pragma GCC unroll 4
    for (size_t b = 0; b < kRound; b += kBurst) {
      u64 w[kBurst];
#pragma GCC unroll 16
      for (size_t i = 0; i < kBurst; ++i) w[i] = s[b + i];
#pragma GCC unroll 16
      for (size_t i = 0; i < kBurst; ++i) d[b + i] = w[i];
    }
  }
}

NO_LIBCALL void page_zero(void* dst) {
  u64* d = static_cast<u64*>(dst);
  for (u64* end = d + kWords; d != end; d += kRound) {
#pragma GCC unroll 64
    for (size_t i = 0; i < kRound; ++i) d[i] = 0;
  }
}

}  // namespace tine
