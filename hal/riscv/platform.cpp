#include "hal/riscv/platform.h"

#include "hal/hal.h"

namespace tine::hal::riscv {

namespace {
// "sifive,test0": a 32-bit register; 0x3333 | status << 16 ends QEMU with
// that status, 0x5555 with 0.
constexpr u32 kFinisherFail = 0x3333;
volatile u32* g_finisher = nullptr;
}  // namespace

void platform_init(const fdt::BootInfo& info) {
  if (info.test_device.size != 0)
    g_finisher = static_cast<volatile u32*>(phys_to_virt(info.test_device.base));
}

void platform_finish_failure(int status) {
  if (!g_finisher) return;
  *g_finisher = kFinisherFail | (u32(status & 0xffff) << 16);
}

}  // namespace tine::hal::riscv
