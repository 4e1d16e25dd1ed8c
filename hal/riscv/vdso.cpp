// The riscv vDSO (hal/vdso.h): the image built in hal/riscv/vdso/ and its
// data page (hal/riscv/vdso/vdso_data.h).
#include "hal/vdso.h"

#include "hal/riscv/timer.h"
#include "hal/riscv/vdso/vdso_data.h"

extern "C" const tine::u8 tine_vdso_image_start[], tine_vdso_image_end[];

namespace tine::hal {

VdsoImage vdso_image() {
  return {tine_vdso_image_start, size_t(tine_vdso_image_end - tine_vdso_image_start)};
}

void vdso_data_init(void* page) {
  static_assert(sizeof(tine_vdso_data) <= kPageSize);
  auto* d = static_cast<tine_vdso_data*>(page);
  d->version = TINE_VDSO_DATA_VERSION;
  d->timebase_hz = riscv::timebase_hz();
  // No RTC yet: the realtime clock starts at the epoch with the boot, as
  // the clock_gettime syscall says (core/compat/linux/system.cpp).
  d->realtime_offset_ns = 0;
  d->rdtime_ok = riscv::user_time_ok() ? 1 : 0;
  riscv::timer_set_vdso_data(&d->rdtime_ok);
  __atomic_store_n(&d->seq, 0u, __ATOMIC_RELEASE);
}

}  // namespace tine::hal
