#include "hal/riscv/platform.h"

namespace tine::hal::riscv {

void platform_init(const fdt::BootInfo&) {}

}  // namespace tine::hal::riscv
