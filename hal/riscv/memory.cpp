#include "hal/riscv/memory.h"

#include "hal/hal.h"
#include "hal/riscv/memlayout.h"

namespace tine::hal::riscv {

namespace {
paddr_t g_load_pa = 0;
}

void memory_set_load_address(paddr_t load_pa) { g_load_pa = load_pa; }
paddr_t image_phys_start() { return g_load_pa; }
paddr_t image_phys_end() {
  return g_load_pa + (reinterpret_cast<uptr>(_end) - image_virt_start());
}
uptr image_virt_start() { return reinterpret_cast<uptr>(_start_image); }

}  // namespace tine::hal::riscv

namespace tine::hal {

// phys_to_virt and the direct map's virt_to_phys are inline (hal_inline.h).
paddr_t riscv::virt_to_phys_image(const void* va) {
  uptr v = reinterpret_cast<uptr>(va);
  if (v >= riscv::image_virt_start())
    return v - riscv::image_virt_start() + riscv::g_load_pa;
  return v - KERNEL_DIRECT_MAP_BASE;
}

}  // namespace tine::hal
