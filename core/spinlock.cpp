#include "core/spinlock.h"

namespace tine {

void SpinLock::lock() {
  const i32 me = static_cast<i32>(hal::cpu_index());
  if (__atomic_load_n(&owner_, __ATOMIC_RELAXED) == me)
    panic("spinlock %s: hart %d spins on a lock it holds", name_, me);
  while (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0) {
    while (__atomic_load_n(&locked_, __ATOMIC_RELAXED) != 0) hal::cpu_relax();
  }
  __atomic_store_n(&owner_, me, __ATOMIC_RELAXED);
}

bool SpinLock::try_lock() {
  if (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0) return false;
  __atomic_store_n(&owner_, static_cast<i32>(hal::cpu_index()), __ATOMIC_RELAXED);
  return true;
}

void SpinLock::unlock() {
  KASSERT(held_by_me());
  __atomic_store_n(&owner_, -1, __ATOMIC_RELAXED);
  __atomic_store_n(&locked_, 0u, __ATOMIC_RELEASE);
}

bool SpinLock::held_by_me() const {
  return __atomic_load_n(&locked_, __ATOMIC_RELAXED) != 0 &&
         __atomic_load_n(&owner_, __ATOMIC_RELAXED) ==
             static_cast<i32>(hal::cpu_index());
}

}  // namespace tine
