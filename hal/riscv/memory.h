// Where the image sits physically and the direct map.
#pragma once

#include "core/lib/types.h"

namespace tine::hal::riscv {

void memory_set_load_address(paddr_t load_pa);
paddr_t image_phys_start();
paddr_t image_phys_end();
uptr image_virt_start();

}  // namespace tine::hal::riscv

// Symbols from boot/linker.ld and boot/entry.S.
extern "C" char _start_image[], _etext[], _erodata[], _einitrd[], _edata[], _end[];
extern "C" char __bss_start[], __bss_end[], boot_stacks[];
extern "C" char secondary_start[];
