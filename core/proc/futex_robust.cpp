// futex_exit_robust_list (futex_robust.h), as Linux's exit_robust_list and
// handle_futex_death. The list (uapi/linux/futex.h):
//   struct robust_list { struct robust_list* next; };
//   struct robust_list_head { struct robust_list list; long futex_offset;
//                             struct robust_list* list_op_pending; };
// Each entry's lock word is at entry + futex_offset; bit 0 of a pointer
// marks a PI futex.
#include "core/proc/futex_robust.h"

#include "core/proc/futex.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

// One list pointer: the entry and its PI bit. False on a fault.
bool fetch_entry(uptr from, uptr* entry, bool* pi) {
  u64 v;
  if (!copyin(&v, from, sizeof v).ok()) return false;
  *entry = uptr(v & ~u64(1));
  *pi = v & 1;
  return true;
}

// Linux's handle_futex_death. False when the walk must stop (a bad word).
bool futex_death(VmSpace* vs, uptr uaddr, i32 tid, bool pi, bool pending) {
  if (uaddr % sizeof(u32) != 0) return false;
  for (;;) {
    u32 uval;
    if (!copyin(&uval, uaddr, sizeof uval).ok()) return false;
    const u32 owner = uval & kFutexTidMask;
    // A pending lock nobody owns yet: its unlock (or a woken waiter) died
    // between the word and the wake; wake a waiter and leave the word,
    // which is consistent.
    if (pending && !pi && owner == 0) {
      (void)futex_wake(vs, uaddr, true, 1, kFutexBitsetAny);
      return true;
    }
    if (owner != u32(tid)) return true;
    const u32 mval = (uval & kFutexWaiters) | kFutexOwnerDied;
    Result<u32> r = user_cmpxchg32(uaddr, uval, mval);
    if (!r.ok()) return false;
    if (r.value() != uval) continue;  // changed under us: look again
    // A PI futex's waiters would be woken by the PI state's cleanup;
    // Tine has no PI futexes (FUTEX_LOCK_PI is ENOSYS), so nobody waits.
    if (!pi && (mval & kFutexWaiters)) (void)futex_wake(vs, uaddr, true, 1, kFutexBitsetAny);
    return true;
  }
}

}  // namespace

void futex_exit_robust_list(VmSpace* vs, uptr head, i32 tid) {
  if (!head || !vs) return;
  uptr entry, pending;
  bool pi, pending_pi;
  i64 offset;
  if (!fetch_entry(head, &entry, &pi)) return;
  if (!copyin(&offset, head + 8, sizeof offset).ok()) return;
  if (!fetch_entry(head + 16, &pending, &pending_pi)) return;
  unsigned limit = kRobustListLimit;
  while (entry != head) {
    // The next entry first: the lock's owner may be woken and free it.
    uptr next = 0;
    bool next_pi = false;
    const bool fetched = fetch_entry(entry, &next, &next_pi);
    // A pending lock may be on the list already: once is enough.
    if (entry != pending && !futex_death(vs, entry + uptr(offset), tid, pi, false)) return;
    if (!fetched) return;
    entry = next;
    pi = next_pi;
    if (!--limit) break;
  }
  if (pending) (void)futex_death(vs, pending + uptr(offset), tid, pending_pi, true);
}

}  // namespace tine
