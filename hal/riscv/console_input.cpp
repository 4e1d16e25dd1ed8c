// hal::console_getc: polled console input from the same device the output
// goes to. The UART from the FDT once it is known; before that (or on a
// board without a supported UART) SBI DBCN's read where the firmware has it,
// else the legacy SBI getchar (EID 0x02), which Debian's OpenSBI 1.1 still
// provides.
#include "core/lib/types.h"
#include "hal/hal.h"
#include "core/sched/interrupts.h"
#include "hal/riscv/console.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/plic.h"
#include "hal/riscv/sbi.h"
#include "hal/riscv/uart.h"

namespace tine::hal::riscv {
namespace {

constexpr auto kLegacyGetchar = static_cast<sbi::Ext>(0x02);
constexpr long kDbcnReadFid = 1;  // (num_bytes, base_lo, base_hi)

enum class Source : int { Unknown = 0, Dbcn, Legacy };
Source g_source = Source::Unknown;  // atomic: probed once, lazily
u8 g_dbcn_byte;  // DBCN writes into physical memory; callers serialise
bool g_input_irq = false;  // set once at boot, before interrupts are on

void uart_interrupt() { tine::console_input_interrupt(); }

Source source() {
  Source s = __atomic_load_n(&g_source, __ATOMIC_RELAXED);
  if (s == Source::Unknown) {
    s = sbi::probe(sbi::Ext::Dbcn) ? Source::Dbcn : Source::Legacy;
    __atomic_store_n(&g_source, s, __ATOMIC_RELAXED);
  }
  return s;
}

}  // namespace

void console_input_init(const fdt::BootInfo& info, unsigned hartid) {
  if (!uart_ready() || info.uart.irq == 0 || !plic_init(info, hartid)) return;
  if (!plic_attach(info.uart.irq, uart_interrupt)) return;
  if (!uart_enable_rx_interrupt()) return;
  g_input_irq = true;
  set_sie(kIntExternal);
}

}  // namespace tine::hal::riscv

namespace tine::hal {

bool console_input_interrupts() { return riscv::g_input_irq; }

int console_getc() {
  using namespace riscv;
  if (uart_ready()) return uart_getc();
  if (source() == Source::Dbcn) {
    sbi::Ret r = sbi::call(sbi::Ext::Dbcn, kDbcnReadFid, 1,
                           static_cast<long>(virt_to_phys(&g_dbcn_byte)), 0);
    if (!r.ok() || r.value <= 0) return -1;
    return __atomic_load_n(&g_dbcn_byte, __ATOMIC_RELAXED);
  }
  // The legacy call returns the byte, or -1 when nothing is waiting, in a0.
  long c = sbi::call(kLegacyGetchar, 0).error;
  return c < 0 ? -1 : static_cast<int>(c & 0xff);
}

}  // namespace tine::hal
