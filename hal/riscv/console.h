#pragma once

#include "core/boot/fdt.h"

namespace tine::hal::riscv {

// Probes SBI DBCN; until uart_configure(), output goes through SBI.
void console_early_init();

// Console input by interrupt where the board allows: the UART's source on
// the PLIC, routed to hart `hartid`'s S-mode context. Afterwards
// hal::console_input_interrupts() says whether it worked; if not (no PLIC,
// no UART, no interrupt number), input stays polled.
void console_input_init(const fdt::BootInfo& info, unsigned hartid);

}  // namespace tine::hal::riscv
