// Spin locks. Holding one disables preemption on the hart (a thread that
// holds a spin lock never sleeps or switches). A hart never spins on a lock
// it holds: that is a deadlock and panics naming the lock and where it was
// taken. Guards say whether they disable interrupts: IrqSpinGuard for any
// lock also taken from interrupt context, SpinGuard only where interrupts are
// already off or the lock is never taken in a trap.
//
// The all-zero state is a valid unlocked, unnamed, unranked lock, so arrays
// of locks in .bss work before constructors run.
#pragma once

#include "core/lib/assert.h"
#include "core/sync/lock_order.h"
#include "core/lib/srcloc.h"
#include "core/sync/thread_safety.h"
#include "core/lib/types.h"
#include "hal/hal.h"

namespace tine {

class CAPABILITY("spinlock") SpinLock {
 public:
  constexpr SpinLock() = default;
  explicit constexpr SpinLock(const char* name,
                              LockRank rank = LockRank::Unranked)
      : name_(name), rank_(rank) {}
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  void lock(TINE_HERE_PARAMS) ACQUIRE();
  void unlock() RELEASE();
  bool try_lock(TINE_HERE_PARAMS) TRY_ACQUIRE(true);
  bool held_by_me() const;
  const char* name() const { return name_ ? name_ : "(unnamed)"; }
  LockRank rank() const { return rank_; }
  // Tells the thread-safety analysis the caller holds this lock.
  void assert_held() const ASSERT_CAPABILITY(this) { KASSERT(held_by_me()); }

 private:
  // Waits until the lock is free and takes it (and makes the debug
  // build's checks). Out of line, so that lock() stays a leaf function
  // without a frame when the lock is free.
  [[gnu::noinline, gnu::cold]] void lock_slow(u32 me, const char* file, int line);
  [[gnu::noinline, gnu::cold, noreturn]] void self_deadlock(const char* file, int line);
  [[gnu::noinline, gnu::cold, noreturn]] void not_owner();
  void took(u32 me, const char* file, int line);

  const char* name_ = nullptr;
  LockRank rank_ = LockRank::Unranked;
  u32 locked_ = 0;
  u32 owner_ = 0;  // cpu_index() + 1 of the holder, 0 when free
  SrcLoc where_;   // where the holder took it (for reports)
};

class SCOPED_CAPABILITY SpinGuard {
 public:
  explicit SpinGuard(SpinLock& l, TINE_HERE_PARAMS) ACQUIRE(l) : lock_(l) {
    lock_.lock(file, line);
  }
  ~SpinGuard() RELEASE() { lock_.unlock(); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;

 private:
  SpinLock& lock_;
};

class SCOPED_CAPABILITY IrqSpinGuard {
 public:
  explicit IrqSpinGuard(SpinLock& l, TINE_HERE_PARAMS) ACQUIRE(l)
      : lock_(l), saved_(hal::irq_save()) {
    lock_.lock(file, line);
  }
  ~IrqSpinGuard() RELEASE() {
    lock_.unlock();
    hal::irq_restore(saved_);
  }
  IrqSpinGuard(const IrqSpinGuard&) = delete;
  IrqSpinGuard& operator=(const IrqSpinGuard&) = delete;

 private:
  SpinLock& lock_;
  hal::IrqState saved_;
};

// Preemption control, counted per hart (hal::preempt_count); spin locks use
// it. While the count is non-zero the timer does not switch threads on this
// hart.
inline void preempt_disable() { hal::preempt_inc(); }
inline void preempt_enable() {
  KASSERT(hal::preempt_count() > 0);
  hal::preempt_dec();
}

}  // namespace tine
