// hal.h's per-hart primitives on RISC-V: interrupts, cpu index, power.
#include "core/lib/console.h"
#include "hal/hal.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/platform.h"
#include "hal/riscv/sbi.h"

namespace tine::hal {

using namespace riscv;

// irq_save, irq_restore, irq_enabled, cpu_index, current_thread and
// cpu_relax are inline: hal_inline.h.

void set_current_thread(void* t) { this_hart().current_thread = t; }

void power_off(int exit_status) {
  // A failure goes to QEMU's test finisher first, which makes the emulator
  // exit with that status. Then SRST shutdown; where that is not supported
  // (sifive_u), a cold reboot, which QEMU run with -no-reboot turns into an
  // exit. Never the legacy call: it hangs without a reset device.
  if (exit_status != 0) platform_finish_failure(exit_status);
  const auto reason = exit_status != 0 ? sbi::ResetReason::SystemFailure
                                       : sbi::ResetReason::None;
  sbi::system_reset(sbi::ResetType::Shutdown, reason);
  sbi::system_reset(sbi::ResetType::ColdReboot, reason);
  console_write_unlocked("tine: power-off failed, halting\n", 32);
  halt();
}

void halt() {
  clear_sstatus(kSstatusSIE);
  for (;;) wfi();
}

}  // namespace tine::hal
