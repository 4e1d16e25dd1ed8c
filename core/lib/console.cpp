#include "core/lib/console.h"

#include "core/lib/format.h"
#include "core/sync/spinlock.h"
#include "hal/hal.h"

namespace tine {

namespace {
// Lock order: console_lock is a leaf; nothing is taken while holding it.
SpinLock console_lock("console", LockRank::Console);

size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}
}  // namespace

void kvprintf(const char* fmt, va_list ap) {
  char buf[512];
  size_t n = format(buf, sizeof buf, fmt, ap);
  if (n >= sizeof buf) n = sizeof buf - 1;
  IrqSpinGuard guard(console_lock);
  hal::console_write(buf, n);
}

void kprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
}

void console_puts(const char* s) {
  IrqSpinGuard guard(console_lock);
  hal::console_write(s, length(s));
}

void console_write(const char* s, size_t n) {
  IrqSpinGuard guard(console_lock);
  hal::console_write(s, n);
}

void console_write_raw(const char* s, size_t n) {
  IrqSpinGuard guard(console_lock);
  hal::console_write_raw(s, n);
}

void console_write_unlocked(const char* s, size_t n) {
  hal::console_write(s, n);
}

}  // namespace tine
