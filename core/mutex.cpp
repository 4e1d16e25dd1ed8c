#include "core/mutex.h"

#include "core/cpu.h"
#include "core/sched.h"

namespace tine {

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

  Lwp* expected = nullptr;
  if (__atomic_compare_exchange_n(&owner_, &expected, me, false,
                                  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
    took({file, line});
    return;
  }
  hal::IrqState s = hal::irq_save();
  waiters_.lock().lock(file, line);
  expected = nullptr;
  if (__atomic_compare_exchange_n(&owner_, &expected, me, false,
                                  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
    waiters_.lock().unlock();
  } else {
    // unlock() hands ownership to us before waking us.
    waiters_.block_locked(0, {file, line});
    KASSERT(owner() == me);
  }
  hal::irq_restore(s);
  took({file, line});
}

bool Mutex::try_lock(const char* file, int line) {
  Lwp* me = curlwp();
  Lwp* expected = nullptr;
  if (!__atomic_compare_exchange_n(&owner_, &expected, me, false,
                                   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
    return false;
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
  IrqSpinGuard guard(waiters_.lock(), file, line);
  if (Lwp* next = waiters_.first_locked()) {
    // Handoff: the waiter owns the mutex before it runs.
    __atomic_store_n(&owner_, next, __ATOMIC_RELEASE);
    waiters_.wake_one_locked();
  } else {
    __atomic_store_n(&owner_, static_cast<Lwp*>(nullptr), __ATOMIC_RELEASE);
  }
}

bool Mutex::held_by_me() const { return owner() == curlwp(); }

void Mutex::assert_held() const { KASSERT(held_by_me()); }

}  // namespace tine
