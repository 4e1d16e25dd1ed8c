#include "core/procfs/textbuf.h"

#include "core/lib/format.h"
#include "core/lib/string.h"

namespace tine {

void TextBuf::put(const char* s, size_t n) {
  const size_t room = cap_ - len_;
  const size_t k = min(n, room);
  memcpy(buf_ + len_, s, k);
  len_ += k;
  needed_ += n;
}

void TextBuf::put(const char* s) { put(s, strlen(s)); }

void TextBuf::putc(char c) { put(&c, 1); }

void TextBuf::printf(const char* fmt, ...) {
  // Formatted on the stack first: format() always ends with a NUL, which
  // must not land past cap_, and procfs lines are short. A longer piece is
  // formatted again straight into the rest of the buffer.
  char line[160];
  va_list ap;
  va_start(ap, fmt);
  const size_t n = format(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < sizeof line) {
    put(line, n);
    return;
  }
  // Formatted in place when it fits with format's NUL; otherwise only
  // counted: the text is incomplete now, and the caller renders again.
  const size_t room = cap_ - len_;
  if (room > n) {
    va_start(ap, fmt);
    format(buf_ + len_, room, fmt, ap);
    va_end(ap);
    len_ += n;
  } else {
    len_ = cap_;
  }
  needed_ += n;
}

void TextBuf::put_u64(u64 v, unsigned width) {
  char digits[20];
  unsigned n = 0;
  do {
    digits[n++] = char('0' + v % 10);
    v /= 10;
  } while (v);
  for (unsigned i = n; i < width; i++) putc(' ');
  while (n) putc(digits[--n]);
}

void TextBuf::put_i64(i64 v) {
  if (v < 0) {
    putc('-');
    put_u64(u64(0) - u64(v));
    return;
  }
  put_u64(u64(v));
}

}  // namespace tine
