#include "hal/riscv/user_trap.h"

#include "core/assert.h"
#include "hal/riscv/trap.h"

namespace tine::hal::riscv {

// No process runs in U-mode before the fork core lands; a trap from U-mode
// here is a kernel bug.
void user_exception(TrapFrame& f) {
  dump_frame(f);
  unimplemented();
}

}  // namespace tine::hal::riscv
