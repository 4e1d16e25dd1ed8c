// Host stand-ins for copyin/copyout/copyinstr (test/host/fake_uaccess.cpp):
// a "user address" is a host pointer. Addresses below kFakeUserFloor fault,
// as does a range the test poisons, so EFAULT paths can be driven: poison
// the second page of a two-page buffer to fault part way through a copy.
#pragma once

#include <atomic>

#include "core/lib/types.h"

namespace tine::test {

inline constexpr uptr kFakeUserFloor = 0x10000;

// Makes [lo, hi) fault too (one range at a time; lo == hi clears it).
void fake_uaccess_poison(uptr lo, uptr hi);

// The next n copyin_nosleep calls fail as if the page had to be faulted in
// (the caller then retries with copyin); 0 stops it.
void fake_uaccess_fail_nosleep(int n);
extern std::atomic<int> g_nosleep_failures;

}  // namespace tine::test
