// Bringing the other harts up through SBI HSM.
#pragma once

#include "core/boot/fdt.h"
#include "hal/riscv/hart.h"

namespace tine::hal::riscv {

// Starts every hart the FDT lists as okay with an MMU (but the boot hart),
// each at boot/entry.S's secondary_start with the kernel map, and waits for
// it to check in. Harts that fail to start are reported and left alone.
void smp_start_harts(const fdt::BootInfo& info, unsigned boot_hartid);

// A started hart, on its way to the idle loop: marks it online and wakes
// the boot hart waiting for it.
void smp_check_in(HartLocal& self);

}  // namespace tine::hal::riscv
