// Robust futexes: the list of locks a thread holds, which the kernel
// releases for it when it dies (Linux's exit_robust_list, kernel/futex/
// core.c; the list lives in user memory, registered by set_robust_list).
#pragma once

#include "core/lib/types.h"

namespace tine {

class VmSpace;

inline constexpr u32 kFutexWaiters = 0x80000000u;    // FUTEX_WAITERS
inline constexpr u32 kFutexOwnerDied = 0x40000000u;  // FUTEX_OWNER_DIED
inline constexpr u32 kFutexTidMask = 0x3fffffffu;    // FUTEX_TID_MASK
inline constexpr unsigned kRobustListLimit = 2048;   // ROBUST_LIST_LIMIT
// sizeof(struct robust_list_head) on a 64-bit ABI: next, futex_offset,
// list_op_pending.
inline constexpr u64 kRobustListHeadSize = 24;

// Walks the robust list at `head` in vs (the current space) for the dying
// thread `tid`: every lock word it still owns gets FUTEX_OWNER_DIED (its
// FUTEX_WAITERS bit kept) and, if it had waiters, one of them is woken; the
// pending entry (list_op_pending) is handled last, and a pending lock with
// no owner yet only has a waiter woken. At most kRobustListLimit entries
// (a circular list ends there); a fault ends the walk. Faults and bad
// entries are the program's problem and never an error here.
void futex_exit_robust_list(VmSpace* vs, uptr head, i32 tid);

}  // namespace tine
