#include "core/sync/spinlock.h"

#include "core/sched/cpu.h"
#include "core/sync/lockdebug.h"
#include "core/sync/spin_wait.h"

namespace tine {

void preempt_disable() {
  hal::IrqState s = hal::irq_save();
  this_cpu().preempt_off++;
  hal::irq_restore(s);
}

void preempt_enable() {
  hal::IrqState s = hal::irq_save();
  Cpu& c = this_cpu();
  KASSERT(c.preempt_off > 0);
  c.preempt_off--;
  hal::irq_restore(s);
}

// A fork takes some 200 spin locks: lock and unlock each mask interrupts
// once and find the hart once (preempt_disable/enable inline), and call the
// lock checks only in builds that have them.
void SpinLock::lock(const char* file, int line) {
  const hal::IrqState s = hal::irq_save();
  const unsigned index = hal::cpu_index();
  g_cpus[index].preempt_off++;
  hal::irq_restore(s);
  // Preemption is off: the hart stays the same until unlock.
  const u32 me = index + 1;
  if (__atomic_load_n(&owner_, __ATOMIC_RELAXED) == me)
    panic("spinlock %s: cpu %u spins on a lock it holds (taken at %s:%d, "
          "again at %s:%d)",
          name(), me - 1, where_.file, where_.line, file, line);
  if constexpr (kLockDebug) lockdebug_check_order(this, name(), rank_, {file, line});
  if (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0) lock_contended();
  __atomic_store_n(&owner_, me, __ATOMIC_RELAXED);
  where_.file = file;
  where_.line = line;
  if constexpr (kLockDebug) lockdebug_acquired(this, name(), rank_, {file, line}, true);
}

void SpinLock::lock_contended() {
  SpinWait w;
  do {
    while (__atomic_load_n(&locked_, __ATOMIC_RELAXED) != 0) w.pause();
  } while (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0);
}

bool SpinLock::try_lock(const char* file, int line) {
  preempt_disable();
  if (__atomic_exchange_n(&locked_, 1u, __ATOMIC_ACQUIRE) != 0) {
    preempt_enable();
    return false;
  }
  __atomic_store_n(&owner_, hal::cpu_index() + 1, __ATOMIC_RELAXED);
  where_ = {file, line};
  lockdebug_acquired(this, name(), rank_, {file, line}, true);
  return true;
}

void SpinLock::unlock() {
  // Preemption is off while the lock is held: this hart is the holder's.
  const unsigned index = hal::cpu_index();
  Cpu& c = g_cpus[index];
  if (__atomic_load_n(&locked_, __ATOMIC_RELAXED) == 0 ||
      __atomic_load_n(&owner_, __ATOMIC_RELAXED) != index + 1)
    panic("spinlock %s: released by cpu %u, which does not hold it",
          name(), index);
  if constexpr (kLockDebug) lockdebug_released(this);
  __atomic_store_n(&owner_, 0u, __ATOMIC_RELAXED);
  __atomic_store_n(&locked_, 0u, __ATOMIC_RELEASE);
  const hal::IrqState s = hal::irq_save();
  KASSERT(c.preempt_off > 0);
  c.preempt_off--;
  hal::irq_restore(s);
}

bool SpinLock::held_by_me() const {
  return __atomic_load_n(&locked_, __ATOMIC_RELAXED) != 0 &&
         __atomic_load_n(&owner_, __ATOMIC_RELAXED) == hal::cpu_index() + 1;
}

}  // namespace tine
