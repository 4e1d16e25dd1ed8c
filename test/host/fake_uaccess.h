// Host stand-ins for copyin/copyout/copyinstr (test/host/fake_uaccess.cpp):
// a "user address" is a host pointer. Addresses below kFakeUserFloor fault,
// as does a range the test poisons, so EFAULT paths can be driven: poison
// the second page of a two-page buffer to fault part way through a copy.
#pragma once

#include "core/lib/types.h"

namespace tine::test {

inline constexpr uptr kFakeUserFloor = 0x10000;

// Makes [lo, hi) fault too (one range at a time; lo == hi clears it).
void fake_uaccess_poison(uptr lo, uptr hi);

}  // namespace tine::test
