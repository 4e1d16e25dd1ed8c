#include "core/lib/cmdline.h"

#include "core/lib/string.h"

namespace tine {

namespace {
// Finds word `key` (followed by end, space or '='); returns what follows
// the key, or nullptr.
const char* find_key(const char* text, const char* key) {
  size_t klen = strlen(key);
  const char* p = text;
  while (*p) {
    while (*p == ' ') p++;
    const char* word = p;
    while (*p && *p != ' ') p++;
    if (size_t(p - word) >= klen && strncmp(word, key, klen) == 0 &&
        (word[klen] == '\0' || word[klen] == ' ' || word[klen] == '='))
      return word + klen;
  }
  return nullptr;
}
}  // namespace

void Cmdline::set(const char* text) {
  size_t n = strnlen(text, sizeof text_ - 1);
  truncated_ = text[n] != '\0';
  memcpy(text_, text, n);
  text_[n] = '\0';
}

bool Cmdline::has(const char* key) const { return find_key(text_, key); }

bool Cmdline::value(const char* key, char* buf, size_t size) const {
  const char* rest = find_key(text_, key);
  if (!rest || *rest != '=' || size == 0) return false;
  rest++;
  size_t n = 0;
  while (rest[n] && rest[n] != ' ' && n + 1 < size) {
    buf[n] = rest[n];
    n++;
  }
  buf[n] = '\0';
  return true;
}

Cmdline& kernel_cmdline() {
  static Cmdline cmdline;
  return cmdline;
}

}  // namespace tine
