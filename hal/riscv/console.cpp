// hal::console_write: the UART from the FDT once it is known; before that
// SBI DBCN where the firmware has it, else the legacy SBI putchar.
#include "core/lib/types.h"
#include "hal/hal.h"
#include "hal/riscv/console.h"
#include "hal/riscv/sbi.h"
#include "hal/riscv/uart.h"

namespace tine::hal::riscv {
namespace {
bool g_has_dbcn = false;
}

void console_early_init() { g_has_dbcn = sbi::probe(sbi::Ext::Dbcn); }

}  // namespace tine::hal::riscv

namespace tine::hal {

void console_write(const char* s, size_t n) {
  using namespace riscv;
  if (uart_ready()) {
    for (size_t i = 0; i < n; i++) {
      if (s[i] == '\n') uart_putc('\r');
      uart_putc(s[i]);
    }
    return;
  }
  if (g_has_dbcn) {
    // DBCN takes a physical address; write what it accepts until done.
    while (n > 0) {
      sbi::Ret r = sbi::debug_console_write(virt_to_phys(s), n);
      if (!r.ok() || r.value <= 0) break;
      s += r.value;
      n -= size_t(r.value);
    }
    return;
  }
  for (size_t i = 0; i < n; i++) sbi::legacy_putchar(s[i]);
}

void console_write_raw(const char* s, size_t n) {
  using namespace riscv;
  if (!uart_ready()) {
    // The firmware's console adds its own "\r" before "\n": nothing to skip.
    console_write(s, n);
    return;
  }
  for (size_t i = 0; i < n; i++) uart_putc(s[i]);
}

}  // namespace tine::hal
