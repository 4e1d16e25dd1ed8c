// Sleeping mutexes with an owner, adaptive as NetBSD's: a contended locker
// spins briefly, then sleeps; unlock frees the mutex and wakes the longest
// waiter, which competes for it again. No wakeup is lost (see lock()). An
// unlock with nobody asleep takes no spin lock: it reads sleepers_ after
// freeing the mutex (see unlock()). Unlock by a thread that does not own
// it, recursive locking, and locking while holding a spin lock panic,
// naming both places.
#pragma once

#include "core/sync/lock_order.h"
#include "core/sync/sleepq.h"
#include "core/lib/srcloc.h"
#include "core/sync/thread_safety.h"

namespace tine {

class CAPABILITY("mutex") Mutex {
 public:
  explicit Mutex(const char* name, LockRank rank = LockRank::Unranked)
      : name_(name), rank_(rank), waiters_(name, LockRank::MutexQueue) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock(TINE_HERE_PARAMS) ACQUIRE();
  void unlock(TINE_HERE_PARAMS) RELEASE();
  bool try_lock(TINE_HERE_PARAMS) TRY_ACQUIRE(true);
  bool held_by_me() const;
  void assert_held() const ASSERT_CAPABILITY(this);
  const char* name() const { return name_; }
  Lwp* owner() const { return __atomic_load_n(&owner_, __ATOMIC_ACQUIRE); }

 private:
  friend class CondVar;
  static constexpr unsigned kSpinTries = 200;
  bool try_take(Lwp* me);
  void took(const char* file, int line);
  // Spins, then sleeps, until the mutex is ours; the checks a contended or
  // debug-build lock makes.
  [[gnu::noinline]] void lock_slow(Lwp* me, const char* file, int line);
  // unlock()'s rare paths, out of line so that it needs no frame.
  [[gnu::noinline]] void wake_waiter(const char* file, int line);
  [[gnu::noinline, gnu::cold, noreturn]] void not_owner(const char* file, int line);

  const char* name_;
  LockRank rank_;
  Lwp* owner_ = nullptr;  // set by CAS; cleared by unlock before waking
  SrcLoc where_;          // where the owner locked it
  SleepQueue waiters_;
  // A waiter was woken and has not retried yet (guarded by waiters_' lock).
  bool wake_pending_ = false;
  // Threads asleep in waiters_ or about to be: written under waiters_'
  // lock, read without it by unlock().
  u32 sleepers_ = 0;
};

class SCOPED_CAPABILITY MutexGuard {
 public:
  explicit MutexGuard(Mutex& m, TINE_HERE_PARAMS) ACQUIRE(m) : m_(m) {
    m_.lock(file, line);
  }
  ~MutexGuard() RELEASE() { m_.unlock(); }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;

 private:
  Mutex& m_;
};

}  // namespace tine
