// Traps taken from U-mode: syscalls, faults.
#pragma once

#include "hal/riscv/trap_frame.h"

namespace tine::hal::riscv {

void user_exception(TrapFrame& f);

}  // namespace tine::hal::riscv
