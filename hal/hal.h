// The narrow contract between machine-independent code (core/, fork/) and
// the machine. hal/riscv/ implements it for the kernel, hal/host/ for the
// Catch2 host tests. Generic code includes only this header from hal/.
#pragma once

#include "core/types.h"

namespace tine::hal {

// Interrupt state of the calling hart, as returned by irq_save().
using IrqState = unsigned long;

IrqState irq_save();            // disable interrupts, return the previous state
void irq_restore(IrqState s);   // put back what irq_save() returned
bool irq_enabled();

// Dense index of the calling hart (0 .. kMaxCpus-1), not the hart id: hart ids
// are sparse on some boards (hart 0 of the FU540 never runs the kernel).
unsigned cpu_index();
inline constexpr unsigned kMaxCpus = 16;

void cpu_relax();  // polite pause inside a spin loop

// The direct map: every RAM byte has one kernel virtual address.
void* phys_to_virt(paddr_t pa);
paddr_t virt_to_phys(const void* va);

// Raw console output, usable from any context including panic.
void console_write(const char* s, size_t n);

// Monotonic time since boot, in nanoseconds.
u64 time_ns();

// Ends the machine (QEMU exits); `failure` selects the SRST reason.
[[noreturn]] void power_off(bool failure);

// Stops this hart for good after a panic.
[[noreturn]] void halt();

}  // namespace tine::hal

namespace tine::hal {

// Prints the caller's frame-pointer backtrace to the console (unlocked).
void print_backtrace();

// Number of harts running the kernel; cpu indices are 0 .. online_cpus()-1.
unsigned online_cpus();

// Interrupts another hart; it runs ipi_interrupt() (core/interrupts.h).
void send_ipi(unsigned cpu);

// Sleeps the calling hart until an interrupt arrives.
void wait_for_interrupt();

}  // namespace tine::hal
