// The kernel's final Sv39 map, built from the FDT once the page allocator
// runs: every RAM range in the direct map (large pages where aligned), the
// console UART and the PLIC, the image W^X, a hole under every boot stack.
#pragma once

#include "core/boot/fdt.h"
#include "core/vm/page_alloc.h"
#include "core/vm/pagetable.h"
#include "hal/riscv/sv39.h"

namespace tine::hal::riscv {

// Table pages for kernel-owned tables come from the page allocator.
struct KernelTablePages {
  Result<paddr_t> alloc_table() { return page_allocator().alloc_zeroed(0); }
  void free_table(paddr_t pa) { page_allocator().free(pa, 0); }
};

using KernelPageTable = PageTable<Sv39, KernelTablePages>;

// Builds the map; the caller switches to it with kernel_map_activate().
Result<void> kernel_map_build(const fdt::BootInfo& info);
// Loads the kernel map into satp on the calling hart.
void kernel_map_activate();
u64 kernel_satp();
KernelPageTable& kernel_page_table();

}  // namespace tine::hal::riscv
