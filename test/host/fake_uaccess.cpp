// copyin/copyout/copyinstr for host test binaries: user memory is host
// memory, with the faults described in fake_uaccess.h. The definitions are
// weak so that a real host implementation, should one appear in the HAL,
// takes over without a duplicate-symbol error.
#include "test/host/fake_uaccess.h"

#include <atomic>
#include <cstring>

#include "core/vm/uaccess.h"

namespace tine::test {

namespace {
std::atomic<uptr> g_poison_lo{0}, g_poison_hi{0};

bool faults(uptr a, size_t n) {
  if (n == 0) return false;
  if (a < kFakeUserFloor || a + n < a) return true;
  uptr lo = g_poison_lo.load(), hi = g_poison_hi.load();
  return a < hi && a + n > lo;
}
}  // namespace

std::atomic<int> g_nosleep_failures{0};

void fake_uaccess_fail_nosleep(int n) { g_nosleep_failures.store(n); }

void fake_uaccess_poison(uptr lo, uptr hi) {
  g_poison_lo.store(lo);
  g_poison_hi.store(hi);
}

}  // namespace tine::test

namespace tine {

[[gnu::weak]] Result<void> copyin(void* kdst, uptr usrc, size_t n) {
  if (test::faults(usrc, n)) return Error::Fault;
  std::memcpy(kdst, reinterpret_cast<const void*>(usrc), n);
  return ok();
}

[[gnu::weak]] Result<void> copyout(uptr udst, const void* ksrc, size_t n) {
  if (test::faults(udst, n)) return Error::Fault;
  std::memcpy(reinterpret_cast<void*>(udst), ksrc, n);
  return ok();
}

[[gnu::weak]] Result<size_t> copyinstr(char* kdst, uptr usrc, size_t max) {
  for (size_t i = 0; i < max; i++) {
    if (test::faults(usrc + i, 1)) return Error::Fault;
    kdst[i] = reinterpret_cast<const char*>(usrc)[i];
    if (kdst[i] == '\0') return i;
  }
  return Error::NameTooLong;
}

// Under a spin lock: host memory never needs faulting in. The test may
// make the first N calls fail as a busy space lock would
// (fake_uaccess_fail_nosleep), to drive the drop-the-lock-and-retry path.
[[gnu::weak]] bool copyin_nosleep(void* kdst, uptr usrc, size_t n) {
  if (test::faults(usrc, n)) return false;
  if (test::g_nosleep_failures.load() > 0 && test::g_nosleep_failures.fetch_sub(1) > 0)
    return false;
  std::memcpy(kdst, reinterpret_cast<const void*>(usrc), n);
  return true;
}

[[gnu::weak]] Result<u32> user_amo32(uptr uaddr, UserAmo op, u32 arg) {
  if (uaddr % 4 != 0 || test::faults(uaddr, 4)) return Error::Fault;
  u32* w = reinterpret_cast<u32*>(uaddr);
  switch (op) {
    case UserAmo::Swap: return __atomic_exchange_n(w, arg, __ATOMIC_SEQ_CST);
    case UserAmo::Add: return __atomic_fetch_add(w, arg, __ATOMIC_SEQ_CST);
    case UserAmo::Or: return __atomic_fetch_or(w, arg, __ATOMIC_SEQ_CST);
    case UserAmo::And: return __atomic_fetch_and(w, arg, __ATOMIC_SEQ_CST);
    case UserAmo::Xor: return __atomic_fetch_xor(w, arg, __ATOMIC_SEQ_CST);
  }
  return Error::Inval;
}

[[gnu::weak]] Result<u32> user_cmpxchg32(uptr uaddr, u32 expected, u32 desired) {
  if (uaddr % 4 != 0 || test::faults(uaddr, 4)) return Error::Fault;
  __atomic_compare_exchange_n(reinterpret_cast<u32*>(uaddr), &expected, desired, false,
                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return expected;
}

}  // namespace tine
