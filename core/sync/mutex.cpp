#include "core/sync/mutex.h"

#include "core/sched/cpu.h"
#include "core/sched/sched.h"

namespace tine {

bool Mutex::try_take(Lwp* me) {
  Lwp* expected = nullptr;
  return __atomic_compare_exchange_n(&owner_, &expected, me, false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void Mutex::took(const char* file, int line) {
  // Field by field: a SrcLoc copied whole went out as byte stores.
  where_.file = file;
  where_.line = line;
  lockdebug_acquired(this, name_, rank_, {file, line}, false);
}

void Mutex::lock(const char* file, int line) {
  Lwp* me = curlwp();
  // Uncontended: one CAS. The checks run in lock_slow, and first in builds
  // that have the lock checks.
  if (kLockDebug || !me || hal::preempt_count() != 0 || !try_take(me)) [[unlikely]]
    return lock_slow(me, file, line);
  took(file, line);
}

void Mutex::lock_slow(Lwp* me, const char* file, int line) {
  KASSERT(me);
  if (kLockDebug == false && hal::preempt_count() != 0)
    panic("mutex %s: locked at %s:%d while holding a spin lock", name_, file, line);
  if (owner() == me)
    panic("mutex %s: recursive lock at %s:%d, already held since %s:%d",
          name_, file, line, where_.file, where_.line);
  lockdebug_check_can_sleep(nullptr, {file, line});
  lockdebug_check_order(this, name_, rank_, {file, line});

  for (;;) {
    // Adaptive: the holder is likely running on another hart and about to
    // let go, so spin a little before paying for a sleep and a wakeup.
    for (unsigned spin = 0; spin < kSpinTries; spin++) {
      if (try_take(me)) {
        took(file, line);
        return;
      }
      hal::cpu_relax();
    }
    hal::IrqState s = hal::irq_save();
    waiters_.lock().lock(file, line);
    // Counted before the last try, with a full fence between: unlock()
    // frees owner_, fences, then reads sleepers_. Either that read sees
    // us counted (and unlock wakes under the queue lock, which we hold
    // until we are queued), or our try below sees the mutex free.
    __atomic_store_n(&sleepers_, sleepers_ + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (try_take(me)) {
      __atomic_store_n(&sleepers_, sleepers_ - 1, __ATOMIC_RELAXED);
      waiters_.lock().unlock();
      hal::irq_restore(s);
      took(file, line);
      return;
    }
    waiters_.block_locked(0, {file, line});
    // Woken: the next unlock may wake another waiter again. The waker
    // dequeued us; we stop counting ourselves here.
    waiters_.lock().lock(file, line);
    wake_pending_ = false;
    __atomic_store_n(&sleepers_, sleepers_ - 1, __ATOMIC_RELAXED);
    waiters_.lock().unlock();
    hal::irq_restore(s);
  }
}

bool Mutex::try_lock(const char* file, int line) {
  if (!try_take(curlwp())) return false;
  took(file, line);
  return true;
}

void Mutex::unlock(const char* file, int line) {
  if (__atomic_load_n(&owner_, __ATOMIC_RELAXED) != curlwp()) [[unlikely]] not_owner(file, line);
  lockdebug_released(this);
  __atomic_store_n(&owner_, static_cast<Lwp*>(nullptr), __ATOMIC_RELEASE);
  // Pairs with the fence in lock(): nobody counted means nobody asleep or
  // about to sleep who has not yet seen the mutex free.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(&sleepers_, __ATOMIC_RELAXED) != 0) [[unlikely]] wake_waiter(file, line);
}

void Mutex::wake_waiter(const char* file, int line) {
  // The woken waiter competes for the mutex again (no handoff: handing it
  // over forces a switch per contended unlock, a convoy).
  IrqSpinGuard guard(waiters_.lock(), file, line);
  // One woken waiter at a time: while it has not run yet, waking more would
  // only send IPIs to threads that lose the race again.
  if (!wake_pending_ && waiters_.wake_one_locked()) wake_pending_ = true;
}

void Mutex::not_owner(const char* file, int line) {
  Lwp* me = curlwp();
  Lwp* owner = this->owner();
  panic("mutex %s: unlocked at %s:%d by %s, but owned by %s (locked at "
        "%s:%d)",
        name_, file, line, me ? me->name : "?",
        owner ? owner->name : "nobody", where_.file, where_.line);
}

bool Mutex::held_by_me() const { return owner() == curlwp(); }

void Mutex::assert_held() const { KASSERT(held_by_me()); }

}  // namespace tine
