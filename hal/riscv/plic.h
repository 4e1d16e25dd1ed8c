// The platform-level interrupt controller (RISC-V PLIC spec 1.0.0): routes
// device interrupts to harts. Tine takes one source today, the console
// UART's, on the boot hart's S-mode context; the context comes from the
// PLIC's interrupts-extended in the FDT (DESIGN.md "Boards"), never from a
// formula.
#pragma once

#include "core/boot/fdt.h"
#include "core/lib/types.h"

namespace tine::hal::riscv {

// Finds the PLIC and the S-mode context of hart `hartid` in `info`; masks
// every source for that context (threshold 0, enables cleared). False when
// the board has no PLIC or no S context for the hart: then nothing is
// routed and callers fall back to polling.
bool plic_init(const fdt::BootInfo& info, unsigned hartid);
// Source `irq` (1 .. ndev-1) at priority 1, enabled for the context.
// False if out of range or the PLIC is absent.
bool plic_enable(u32 irq);
// The highest-priority pending source, which the PLIC masks until
// plic_complete(irq); 0 if none is pending.
u32 plic_claim();
void plic_complete(u32 irq);

// The external-interrupt handler (trap.cpp): claims every pending source,
// runs its handler and completes it. A source with no handler is completed
// and left enabled no longer (disabled), so it cannot storm.
void plic_handle_interrupt();

// What a source runs in its interrupt (interrupts off, on the boot hart).
using IrqHandler = void (*)();
// Registers fn for `irq` and enables the source; false as plic_enable.
bool plic_attach(u32 irq, IrqHandler fn);

}  // namespace tine::hal::riscv
