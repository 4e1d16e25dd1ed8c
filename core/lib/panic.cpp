// panic(): print why, where and how we got here, then stop the machine.
// Under QEMU the power-off ends the run with a failure status, so a test
// harness never waits on a dead kernel.
#include <stdarg.h>

#include "core/lib/assert.h"
#include "core/lib/console.h"
#include "core/lib/format.h"
#include "hal/hal.h"

namespace tine {

namespace {
u32 g_panicking = 0;
// QEMU's exit status after a panic (where the board can report one).
constexpr int kPanicExitStatus = 99;
}

void panic(const char* fmt, ...) {
  (void)hal::irq_save();
  if (__atomic_exchange_n(&g_panicking, 1u, __ATOMIC_ACQ_REL) != 0) {
    // Another hart is already reporting; stay out of its way.
    hal::halt();
  }
  char buf[384];
  size_t n = format(buf, sizeof buf, "\npanic on cpu %u: ", hal::cpu_index());
  console_write_unlocked(buf, min(n, sizeof buf - 1));
  va_list ap;
  va_start(ap, fmt);
  n = format(buf, sizeof buf, fmt, ap);
  va_end(ap);
  console_write_unlocked(buf, min(n, sizeof buf - 1));
  console_write_unlocked("\n", 1);
  hal::print_backtrace();
  hal::power_off(kPanicExitStatus);
}

}  // namespace tine
