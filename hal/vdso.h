// The machine's vDSO (Linux's "virtual dynamic shared object"): a small ELF
// shared object that the kernel maps into every user process and names in
// the auxv (AT_SYSINFO_EHDR). It holds the signal-return trampoline and the
// clock calls that need no trap. The code is machine-specific
// (hal/riscv/vdso/); mapping it is not (core/proc/vdso.cpp).
//
// Layout the generic side relies on: one data page that the image's code
// reads at (image base - kPageSize), then the image itself, page-aligned,
// linked at address 0 as one PT_LOAD (so no relocation is needed).
#pragma once

#include "core/lib/types.h"

namespace tine::hal {

struct VdsoImage {
  const u8* data = nullptr;  // the ELF file, as linked
  size_t size = 0;           // 0: this machine has no vDSO
};
VdsoImage vdso_image();

// Fills the data page (kPageSize bytes, zeroed by the caller) once at boot,
// before any process maps it. The HAL keeps the pointer for later updates;
// user mode sees the page read-only.
void vdso_data_init(void* page);

}  // namespace tine::hal
