// core_pattern: see core_pattern.h.
#include "core/proc/core_pattern.h"

#include "core/lib/string.h"
#include "core/sync/spinlock.h"

namespace tine {

namespace {
// Nothing nests inside it: a copy in or out.
SpinLock g_pattern_lock("core_pattern", LockRank::Unranked);
char g_pattern[kCorePatternMax] GUARDED_BY(g_pattern_lock) = "core";

// Appends s (len bytes) at out[*at]; false when it would not leave room
// for the NUL.
bool put(char* out, size_t n, size_t* at, const char* s, size_t len) {
  if (*at + len >= n) return false;
  memcpy(out + *at, s, len);
  *at += len;
  return true;
}

bool put_num(char* out, size_t n, size_t* at, u64 v) {
  char buf[24];
  size_t i = sizeof buf;
  do {
    buf[--i] = char('0' + v % 10);
    v /= 10;
  } while (v);
  return put(out, n, at, buf + i, sizeof buf - i);
}
}  // namespace

void core_pattern_get(char* out) {
  SpinGuard g(g_pattern_lock);
  memcpy(out, g_pattern, kCorePatternMax);
}

Result<void> core_pattern_set(const char* text, size_t len) {
  size_t n = 0;
  while (n < len && text[n] != '\n' && text[n] != '\0') n++;
  if (n >= kCorePatternMax) return Error::Inval;
  SpinGuard g(g_pattern_lock);
  memcpy(g_pattern, text, n);
  g_pattern[n] = '\0';
  return ok();
}

bool core_name(const char* pattern, const CoreNameArgs& a, char* out, size_t n) {
  if (n == 0 || pattern[0] == '|') return false;
  size_t at = 0;
  for (const char* s = pattern; *s; s++) {
    bool fits = true;
    if (*s != '%') {
      fits = put(out, n, &at, s, 1);
    } else {
      switch (*++s) {
        case '\0': s--; break;  // a lone '%' at the end gives nothing
        case '%': fits = put(out, n, &at, "%", 1); break;
        case 'p': fits = put_num(out, n, &at, u64(a.pid)); break;
        case 's': fits = put_num(out, n, &at, u64(a.sig)); break;
        case 'u': fits = put_num(out, n, &at, a.uid); break;
        case 'g': fits = put_num(out, n, &at, a.gid); break;
        case 'e':
          for (const char* c = a.comm; *c && fits; c++)
            fits = put(out, n, &at, *c == '/' ? "!" : c, 1);
          break;
        default: break;
      }
    }
    if (!fits) return false;
  }
  out[at] = '\0';
  return at > 0;
}

}  // namespace tine
