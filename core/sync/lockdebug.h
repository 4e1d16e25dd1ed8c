// Debug-build lock tracking: each LWP records the locks it holds, with where
// it took them. Taking a lock out of the order of core/sync/lock_order.h, or
// sleeping while a spin lock is held, panics naming both locks and both
// places.
#pragma once

#include "core/sync/lock_order.h"
#include "core/lib/srcloc.h"
#include "core/lib/types.h"

namespace tine {

struct HeldLock {
  const void* lock;
  const char* name;
  LockRank rank;
  SrcLoc where;
  bool spin;
};

struct LockSet {
  static constexpr unsigned kMax = 16;
  HeldLock held[kMax];
  unsigned count = 0;
};

#if defined(TINE_DEBUG)
inline constexpr bool kLockDebug = true;
#else
inline constexpr bool kLockDebug = false;
#endif

// The checks, out of line; the inline wrappers below call them only in
// builds that have them, so a release build's lock pays no call.
void lockdebug_check_order_checked(const void* lock, const char* name,
                                   LockRank rank, SrcLoc where);
void lockdebug_acquired_checked(const void* lock, const char* name,
                                LockRank rank, SrcLoc where, bool spin);
void lockdebug_released_checked(const void* lock);
void lockdebug_check_can_sleep_checked(const void* allowed, SrcLoc where);

// Called before spinning or sleeping for a lock, so a would-be deadlock
// reports instead of hanging.
inline void lockdebug_check_order(const void* lock, const char* name,
                                  LockRank rank, SrcLoc where) {
  if constexpr (kLockDebug) lockdebug_check_order_checked(lock, name, rank, where);
}
// Called after a lock is acquired.
inline void lockdebug_acquired(const void* lock, const char* name, LockRank rank,
                               SrcLoc where, bool spin) {
  if constexpr (kLockDebug) lockdebug_acquired_checked(lock, name, rank, where, spin);
}
inline void lockdebug_released(const void* lock) {
  if constexpr (kLockDebug) lockdebug_released_checked(lock);
}
// Panics if the current thread holds a spin lock other than `allowed`.
inline void lockdebug_check_can_sleep(const void* allowed, SrcLoc where) {
  if constexpr (kLockDebug) lockdebug_check_can_sleep_checked(allowed, where);
}

}  // namespace tine
