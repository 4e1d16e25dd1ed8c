// Bringing the other harts up through SBI HSM.
#pragma once

#include "core/boot/fdt.h"

namespace tine::hal::riscv {

// Starts every hart the FDT lists as okay with an MMU (but the boot hart),
// each at boot/entry.S's secondary_start with the kernel map, and waits for
// it to check in. Harts that fail to start are reported and left alone.
void smp_start_harts(const fdt::BootInfo& info, unsigned boot_hartid);

}  // namespace tine::hal::riscv
