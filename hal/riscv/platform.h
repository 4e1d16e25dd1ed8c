// Board devices outside the console: QEMU's test finisher, if present.
#pragma once

#include "core/boot/fdt.h"

namespace tine::hal::riscv {

void platform_init(const fdt::BootInfo& info);

// Ends the emulator with `status` through the test finisher; returns only
// when the board has none.
void platform_finish_failure(int status);

}  // namespace tine::hal::riscv
