// Spin locks. A hart never spins on a lock it holds: that is a deadlock and
// panics with the lock's name. Guards say whether they disable interrupts:
// IrqSpinGuard for any lock also taken from interrupt context, SpinGuard only
// where interrupts are already off or the lock is never taken in a trap.
#pragma once

#include "core/assert.h"
#include "core/thread_safety.h"
#include "core/types.h"
#include "hal/hal.h"

namespace tine {

class CAPABILITY("spinlock") SpinLock {
 public:
  explicit constexpr SpinLock(const char* name) : name_(name) {}
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  void lock() ACQUIRE();
  void unlock() RELEASE();
  bool try_lock() TRY_ACQUIRE(true);
  bool held_by_me() const;
  const char* name() const { return name_; }

 private:
  const char* name_;
  u32 locked_ = 0;
  i32 owner_ = -1;  // cpu_index() of the holder, for the self-deadlock check
};

class SCOPED_CAPABILITY SpinGuard {
 public:
  explicit SpinGuard(SpinLock& l) ACQUIRE(l) : lock_(l) { lock_.lock(); }
  ~SpinGuard() RELEASE() { lock_.unlock(); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;

 private:
  SpinLock& lock_;
};

class SCOPED_CAPABILITY IrqSpinGuard {
 public:
  explicit IrqSpinGuard(SpinLock& l) ACQUIRE(l)
      : lock_(l), saved_(hal::irq_save()) {
    lock_.lock();
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

}  // namespace tine
