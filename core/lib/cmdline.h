// The kernel command line (/chosen/bootargs): space-separated `key` or
// `key=value` words.
#pragma once

#include "core/lib/types.h"

namespace tine {

class Cmdline {
 public:
  void set(const char* text);
  const char* text() const { return text_; }
  // True if `key` or `key=...` is present.
  bool has(const char* key) const;
  // Copies the value of `key=value` into buf; false if absent or no value.
  bool value(const char* key, char* buf, size_t size) const;
  // Whether set() had to cut the text (kMax - 1 characters are kept).
  bool truncated() const { return truncated_; }
  static constexpr size_t kMax = 1024;  // Linux's riscv COMMAND_LINE_SIZE

 private:
  char text_[kMax] = {};
  bool truncated_ = false;
};

Cmdline& kernel_cmdline();

}  // namespace tine
