// Board devices outside the console: where QEMU's test finisher is.
#pragma once

#include "core/fdt.h"

namespace tine::hal::riscv {

void platform_init(const fdt::BootInfo& info);

}  // namespace tine::hal::riscv
