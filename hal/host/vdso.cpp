// The host HAL's vDSO (hal/vdso.h): the riscv image itself, as bytes, so
// that the host tests map and inspect the same ELF the kernel maps. Its
// code never runs here; the data page stays as the caller zeroed it.
#include "hal/vdso.h"

extern "C" const tine::u8 tine_vdso_image_start[], tine_vdso_image_end[];

namespace tine::hal {

VdsoImage vdso_image() {
  return {tine_vdso_image_start, size_t(tine_vdso_image_end - tine_vdso_image_start)};
}

void vdso_data_init(void*) {}

}  // namespace tine::hal
