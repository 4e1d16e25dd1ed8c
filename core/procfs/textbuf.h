// A kernel text buffer that procfs renders a file into (Linux's seq_file,
// without the iteration): the caller owns the storage, the renderer appends,
// and what does not fit is counted but not written, so the caller can see
// how much room the whole text needs and render again into a bigger
// buffer, as seq_file retries with a doubled one.
#pragma once

#include <stdarg.h>

#include "core/lib/types.h"

namespace tine {

class TextBuf {
 public:
  // `cap` bytes at `buf`; the text is never NUL-terminated (cmdline holds
  // NULs of its own) and may use all of them.
  TextBuf(char* buf, size_t cap) : buf_(buf), cap_(cap) {}

  void put(const char* s, size_t n);
  void put(const char* s);
  void putc(char c);
  // printf-style (core/lib/format.h). Whatever does not fit is counted in
  // needed(); once overflowed() the text is incomplete: render again into
  // a buffer of needed() bytes.
  [[gnu::format(printf, 2, 3)]] void printf(const char* fmt, ...);
  // An unsigned decimal right-aligned in `width` columns (Linux's
  // seq_put_decimal_ull_width).
  void put_u64(u64 v, unsigned width = 0);
  void put_i64(i64 v);

  const char* data() const { return buf_; }
  size_t len() const { return len_; }         // bytes written, <= cap
  size_t needed() const { return needed_; }   // bytes the whole text takes
  bool overflowed() const { return needed_ > cap_; }

 private:
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
  size_t needed_ = 0;
};

}  // namespace tine
