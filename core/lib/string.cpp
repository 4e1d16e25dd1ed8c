// Kernel memory and string routines. Word-at-a-time: page copies and zeroing
// are on fork's hot path, the initrd's copy on boot's.
#include "core/lib/string.h"

#include "core/lib/types.h"

// Keep GCC from turning these loops back into calls to themselves.
#if defined(__clang__)
#define NO_LIBCALL
#else
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

using tine::u64;
using tine::u8;
using tine::uptr;

extern "C" {

NO_LIBCALL void* memcpy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<u8*>(dst);
  auto* s = static_cast<const u8*>(src);
  if (n >= 16) {
    while (uptr(d) & 7) {
      *d++ = *s++;
      n--;
    }
    const unsigned k = uptr(s) & 7;
    auto* dw = reinterpret_cast<u64*>(d);
    if (k == 0) {
      auto* sw = reinterpret_cast<const u64*>(s);
      for (; n >= 64; n -= 64, dw += 8, sw += 8) {
        u64 a = sw[0], b = sw[1], c = sw[2], e = sw[3];
        u64 f = sw[4], g = sw[5], h = sw[6], i = sw[7];
        dw[0] = a; dw[1] = b; dw[2] = c; dw[3] = e;
        dw[4] = f; dw[5] = g; dw[6] = h; dw[7] = i;
      }
      for (; n >= 8; n -= 8) *dw++ = *sw++;
      s = reinterpret_cast<const u8*>(sw);
    } else {
      // The source is k bytes off: aligned loads, each stored word made of
      // two (little-endian). A cpio archive's file data is only 4-byte
      // aligned, and copying the initrd byte by byte took two thirds of
      // the boot. Every word loaded holds a byte that is copied, so no load
      // leaves the pages the source lies in.
      auto* sw = reinterpret_cast<const u64*>(s - k);
      const unsigned lo = 8 * k, hi = 64 - lo;
      u64 cur = *sw++;
      for (; n >= 8; n -= 8, s += 8) {
        const u64 next = *sw++;
        *dw++ = (cur >> lo) | (next << hi);
        cur = next;
      }
    }
    d = reinterpret_cast<u8*>(dw);
  }
  while (n--) *d++ = *s++;
  return dst;
}

NO_LIBCALL void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<u8*>(dst);
  auto* s = static_cast<const u8*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  while (n--) d[n] = s[n];
  return dst;
}

NO_LIBCALL void* memset(void* dst, int c, size_t n) {
  auto* d = static_cast<u8*>(dst);
  if ((uptr(d) & 7) == 0) {
    u64 w = u8(c) * 0x0101010101010101ull;
    for (; n >= 64; n -= 64, d += 64) {
      auto* dw = reinterpret_cast<u64*>(d);
      dw[0] = w; dw[1] = w; dw[2] = w; dw[3] = w;
      dw[4] = w; dw[5] = w; dw[6] = w; dw[7] = w;
    }
    for (; n >= 8; n -= 8, d += 8) *reinterpret_cast<u64*>(d) = w;
  }
  while (n--) *d++ = u8(c);
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  auto* x = static_cast<const u8*>(a);
  auto* y = static_cast<const u8*>(b);
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

NO_LIBCALL size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

size_t strnlen(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) a++, b++;
  return u8(*a) - u8(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
  for (; n; n--, a++, b++) {
    if (*a != *b) return u8(*a) - u8(*b);
    if (!*a) return 0;
  }
  return 0;
}

char* strchr(const char* s, int c) {
  for (;; s++) {
    if (*s == char(c)) return const_cast<char*>(s);
    if (!*s) return nullptr;
  }
}

}  // extern "C"
