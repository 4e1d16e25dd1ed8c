#include "core/sync/spinlock.h"

#include "core/sched/cpu.h"
#include "core/sync/lockdebug.h"
#include "core/sync/spin_wait.h"

namespace tine {

// A fork takes some 200 spin locks and a pipe round trip a dozen: the free
// path masks no interrupts (the hart's preemption count is a load, add and
// store through tp, hal.h), keeps the lock word and its owner apart from
// the checks and needs no frame; the wait, the self-deadlock panic and the
// lock checks of debug builds are out of line.
void SpinLock::lock(const char* file, int line) {
  hal::preempt_inc();
  // Preemption is off: the hart stays the same until unlock.
  const u32 me = hal::cpu_index() + 1;
  if (__atomic_load_n(&owner_, __ATOMIC_RELAXED) == me) [[unlikely]]
    return self_deadlock(file, line);
  if (kLockDebug || __atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0) [[unlikely]]
    return lock_slow(me, file, line);
  __atomic_store_n(&owner_, me, __ATOMIC_RELAXED);
  where_.file = file;
  where_.line = line;
}

void SpinLock::self_deadlock(const char* file, int line) {
  panic("spinlock %s: cpu %u spins on a lock it holds (taken at %s:%d, "
        "again at %s:%d)",
        name(), hal::cpu_index(), where_.file, where_.line, file, line);
}

void SpinLock::lock_slow(u32 me, const char* file, int line) {
  if constexpr (kLockDebug) {
    lockdebug_check_order(this, name(), rank_, {file, line});
    if (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) == 0) return took(me, file, line);
  }
  SpinWait w;
  do {
    while (__atomic_load_n(&locked_, __ATOMIC_RELAXED) != 0) w.pause();
  } while (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0);
  took(me, file, line);
}

void SpinLock::took(u32 me, const char* file, int line) {
  __atomic_store_n(&owner_, me, __ATOMIC_RELAXED);
  where_.file = file;
  where_.line = line;
  if constexpr (kLockDebug) lockdebug_acquired(this, name(), rank_, {file, line}, true);
}

bool SpinLock::try_lock(const char* file, int line) {
  hal::preempt_inc();
  if (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0) {
    hal::preempt_dec();
    return false;
  }
  took(hal::cpu_index() + 1, file, line);
  return true;
}

void SpinLock::unlock() {
  // Preemption is off while the lock is held: this hart is the holder's.
  // owner_ is 0 whenever the lock is free, so this also catches that.
  if (__atomic_load_n(&owner_, __ATOMIC_RELAXED) != hal::cpu_index() + 1) [[unlikely]]
    return not_owner();
  if constexpr (kLockDebug) lockdebug_released(this);
  __atomic_store_n(&owner_, 0u, __ATOMIC_RELAXED);
  __atomic_store_n(&locked_, 0u, __ATOMIC_RELEASE);
  hal::preempt_dec();
}

void SpinLock::not_owner() {
  panic("spinlock %s: released by cpu %u, which does not hold it", name(), hal::cpu_index());
}

bool SpinLock::held_by_me() const {
  return __atomic_load_n(&locked_, __ATOMIC_RELAXED) != 0 &&
         __atomic_load_n(&owner_, __ATOMIC_RELAXED) == hal::cpu_index() + 1;
}

}  // namespace tine
