// Generic kernel start, entered by the HAL once the machine is up: memory
// managed, the kernel map on, traps and timers running, other harts started.
#pragma once

#include "core/boot/fdt.h"

namespace tine {

[[noreturn]] void kmain(const fdt::BootInfo& info);
[[noreturn]] void kmain_secondary();

}  // namespace tine
