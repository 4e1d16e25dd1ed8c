#include "core/sync/mutex.h"

#include "core/sched/cpu.h"
#include "core/sched/sched.h"

namespace tine {

bool Mutex::try_take(Lwp* me) {
  Lwp* expected = nullptr;
  return __atomic_compare_exchange_n(&owner_, &expected, me, false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void Mutex::took(SrcLoc where) {
  where_ = where;
  lockdebug_acquired(this, name_, rank_, where, false);
}

void Mutex::lock(const char* file, int line) {
  Lwp* me = curlwp();
  KASSERT(me);
  if (owner() == me)
    panic("mutex %s: recursive lock at %s:%d, already held since %s:%d",
          name_, file, line, where_.file, where_.line);
  lockdebug_check_can_sleep(nullptr, {file, line});
  if (kLockDebug == false && this_cpu().preempt_off != 0)
    panic("mutex %s: locked at %s:%d while holding a spin lock", name_, file, line);
  lockdebug_check_order(this, name_, rank_, {file, line});

  for (;;) {
    // Adaptive: the holder is likely running on another hart and about to
    // let go, so spin a little before paying for a sleep and a wakeup.
    for (unsigned spin = 0; spin < kSpinTries; spin++) {
      if (try_take(me)) {
        took({file, line});
        return;
      }
      hal::cpu_relax();
    }
    hal::IrqState s = hal::irq_save();
    waiters_.lock().lock(file, line);
    // Checked under the queue lock: unlock() clears owner_ before it looks
    // for waiters under the same lock, so either we see it free here or it
    // sees us queued.
    if (try_take(me)) {
      waiters_.lock().unlock();
      hal::irq_restore(s);
      took({file, line});
      return;
    }
    waiters_.block_locked(0, {file, line});
    // Woken: the next unlock may wake another waiter again.
    waiters_.lock().lock(file, line);
    wake_pending_ = false;
    waiters_.lock().unlock();
    hal::irq_restore(s);
  }
}

bool Mutex::try_lock(const char* file, int line) {
  if (!try_take(curlwp())) return false;
  took({file, line});
  return true;
}

void Mutex::unlock(const char* file, int line) {
  Lwp* me = curlwp();
  Lwp* owner = this->owner();
  if (owner != me)
    panic("mutex %s: unlocked at %s:%d by %s, but owned by %s (locked at "
          "%s:%d)",
          name_, file, line, me ? me->name : "?",
          owner ? owner->name : "nobody", where_.file, where_.line);
  lockdebug_released(this);
  __atomic_store_n(&owner_, static_cast<Lwp*>(nullptr), __ATOMIC_RELEASE);
  // The woken waiter competes for the mutex again (no handoff: handing it
  // over forces a switch per contended unlock, a convoy).
  IrqSpinGuard guard(waiters_.lock(), file, line);
  // One woken waiter at a time: while it has not run yet, waking more would
  // only send IPIs to threads that lose the race again.
  if (!wake_pending_ && waiters_.wake_one_locked()) wake_pending_ = true;
}

bool Mutex::held_by_me() const { return owner() == curlwp(); }

void Mutex::assert_held() const { KASSERT(held_by_me()); }

}  // namespace tine
