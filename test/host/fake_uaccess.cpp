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

}  // namespace tine
