// An atomic reference count for shared kernel objects (credentials, limits,
// signal actions, cwd, file tables, address spaces).
#pragma once

#include "core/lib/assert.h"
#include "core/lib/types.h"

namespace tine {

class RefCount {
 public:
  explicit constexpr RefCount(u32 initial = 1) : count_(initial) {}
  void hold() {
    u32 old = __atomic_fetch_add(&count_, 1u, __ATOMIC_RELAXED);
    KASSERT(old > 0);
  }
  // True when this was the last reference.
  [[nodiscard]] bool release() {
    u32 old = __atomic_fetch_sub(&count_, 1u, __ATOMIC_ACQ_REL);
    KASSERT(old > 0);
    return old == 1;
  }
  u32 count() const { return __atomic_load_n(&count_, __ATOMIC_RELAXED); }

 private:
  u32 count_;
};

}  // namespace tine
