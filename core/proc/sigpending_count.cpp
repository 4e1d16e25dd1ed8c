#include "core/proc/sigpending_count.h"

#include "core/sync/spinlock.h"

namespace tine {

namespace {
struct UserSigCount {
  Uid uid;
  u64 count;  // 0: the slot is free
};
// Ranked with the per-uid process counts: a leaf under p_lock.
SpinLock g_lock("sigpending", LockRank::UidCount);
UserSigCount g_counts[kSigpendingUids] GUARDED_BY(g_lock);

UserSigCount* find_locked(Uid uid) REQUIRES(g_lock) {
  for (UserSigCount& c : g_counts)
    if (c.count && c.uid == uid) return &c;
  return nullptr;
}
}  // namespace

bool sigpending_charge(Uid uid, u64 limit, bool override_limit) {
  IrqSpinGuard g(g_lock);
  UserSigCount* c = find_locked(uid);
  const u64 now = c ? c->count : 0;
  if (!override_limit && now + 1 > limit) return false;
  if (!c) {
    for (UserSigCount& s : g_counts)
      if (!s.count) {
        c = &s;
        break;
      }
    if (!c) return false;
    c->uid = uid;
  }
  c->count++;
  return true;
}

void sigpending_discharge(Uid uid) {
  IrqSpinGuard g(g_lock);
  UserSigCount* c = find_locked(uid);
  KASSERT(c);  // each charge is given back once (sigqueue.cpp)
  c->count--;
}

u64 sigpending_count(Uid uid) {
  IrqSpinGuard g(g_lock);
  const UserSigCount* c = find_locked(uid);
  return c ? c->count : 0;
}

}  // namespace tine
