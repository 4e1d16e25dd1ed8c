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

// Called after a lock is acquired (the order check runs before spinning, in
// lockdebug_check_order, so a would-be deadlock reports instead of hanging).
void lockdebug_check_order(const void* lock, const char* name, LockRank rank,
                           SrcLoc where);
void lockdebug_acquired(const void* lock, const char* name, LockRank rank,
                        SrcLoc where, bool spin);
void lockdebug_released(const void* lock);
// Panics if the current thread holds a spin lock other than `allowed`.
void lockdebug_check_can_sleep(const void* allowed, SrcLoc where);

}  // namespace tine
