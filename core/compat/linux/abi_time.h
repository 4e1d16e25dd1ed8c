// Linux's struct timespec and struct sigevent as the riscv64 ABI lays them
// out, for every syscall that reads or writes them.
#pragma once

#include "core/lib/types.h"

namespace tine {

struct LinuxTimespec {
  i64 sec, nsec;
};

// struct sigevent: 64 bytes (the union pads it).
struct LinuxSigevent {
  u64 value;
  i32 signo;
  i32 notify;
  u8 rest[48];
};
static_assert(sizeof(LinuxSigevent) == 64);

}  // namespace tine
