// Frame-pointer backtrace. With -fno-omit-frame-pointer each frame stores
// the return address at fp-8 and the caller's fp at fp-16.
#include "core/lib/console.h"
#include "core/lib/format.h"
#include "hal/hal.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/memlayout.h"

namespace tine::hal {

void print_backtrace() {
  uptr fp = riscv::read_fp();
  char line[64];
  console_write_unlocked("backtrace:\n", 11);
  for (int depth = 0; depth < 24; depth++) {
    // Kernel frames live in the image (boot stacks) or the kernel stack
    // area; anything else ends the walk instead of faulting.
    if (fp < KERNEL_DIRECT_MAP_BASE || (fp & 7) != 0) break;
    uptr ra = reinterpret_cast<const uptr*>(fp)[-1];
    uptr prev = reinterpret_cast<const uptr*>(fp)[-2];
    if (ra == 0) break;
    size_t n = format(line, sizeof line, "  #%d %#lx\n", depth,
                      (unsigned long)ra);
    console_write_unlocked(line, n);
    if (prev <= fp) break;  // stacks grow down: callers are above
    fp = prev;
  }
}

}  // namespace tine::hal
