#include "core/vfs/lockf.h"

#include "core/lib/new.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

struct Lock {
  const void* key;
  const void* owner;
  LockRange r;
  Lock* next;
};

// An F_SETLKW caller asleep: who it is and whose lock it waits for, for
// the deadlock check (Linux's blocked_hash and posix_locks_deadlock).
struct Waiter {
  const void* owner;
  const void* blocker;
  Waiter* next;
};

Mutex g_lock("record locks", LockRank::RecordLocks);
CondVar g_cv("record locks");
Lock* g_locks GUARDED_BY(g_lock) = nullptr;
Waiter* g_waiters GUARDED_BY(g_lock) = nullptr;
// Locks held in the system (atomic): close looks only when there are any.
u64 g_count = 0;

// Linux follows at most this many waiters (MAX_DEADLK_ITERATIONS).
constexpr int kDeadlockSteps = 10;

bool overlap(const LockRange& a, const LockRange& b) { return a.start <= b.end && b.start <= a.end; }

bool conflicts(const Lock& l, const void* key, const void* owner, const LockRange& want) {
  return l.key == key && l.owner != owner && overlap(l.r, want) &&
         (l.r.type == kFWrLck || want.type == kFWrLck);
}

Lock* find_conflict(const void* key, const void* owner, const LockRange& want) REQUIRES(g_lock) {
  for (Lock* l = g_locks; l; l = l->next)
    if (conflicts(*l, key, owner, want)) return l;
  return nullptr;
}

// Would waiting for `blocker` close a cycle back to `owner`?
bool deadlock(const void* owner, const void* blocker) REQUIRES(g_lock) {
  for (int step = 0; step < kDeadlockSteps; step++) {
    if (blocker == owner) return true;
    const Waiter* w = g_waiters;
    while (w && w->owner != blocker) w = w->next;
    if (!w) return false;
    blocker = w->blocker;
  }
  return false;
}

Lock* new_lock(const void* key, const void* owner, const LockRange& r) {
  void* m = kmalloc(sizeof(Lock));
  if (!m) return nullptr;
  __atomic_add_fetch(&g_count, 1, __ATOMIC_RELAXED);
  return new (m) Lock{key, owner, r, nullptr};
}

void free_lock(Lock* l) {
  __atomic_sub_fetch(&g_count, 1, __ATOMIC_RELAXED);
  kfree(l);
}

// Takes the owner's locks off [r.start, r.end]: trimmed, split (into
// `spare`, which it then uses up) or removed.
void carve(const void* key, const void* owner, const LockRange& r, Lock** spare) REQUIRES(g_lock) {
  for (Lock** pp = &g_locks; *pp;) {
    Lock* l = *pp;
    if (l->key != key || l->owner != owner || !overlap(l->r, r)) {
      pp = &l->next;
      continue;
    }
    const bool before = l->r.start < r.start, after = l->r.end > r.end;
    if (before && after) {
      Lock* tail = *spare;
      *spare = nullptr;
      *tail = Lock{key, owner, l->r, l->next};
      tail->r.start = r.end + 1;
      l->r.end = r.start - 1;
      l->next = tail;
      pp = &tail->next;
    } else if (before) {
      l->r.end = r.start - 1;
      pp = &l->next;
    } else if (after) {
      l->r.start = r.end + 1;
      pp = &l->next;
    } else {
      *pp = l->next;
      free_lock(l);
    }
  }
}

// Puts `n` in, merged with the owner's locks of its type that touch it.
void insert_merged(Lock* n) REQUIRES(g_lock) {
  for (Lock** pp = &g_locks; *pp;) {
    Lock* l = *pp;
    const bool touches = l->key == n->key && l->owner == n->owner && l->r.type == n->r.type &&
                         (l->r.end == n->r.start - 1 || (n->r.end != kLockToEof &&
                                                        l->r.start == n->r.end + 1));
    if (!touches) {
      pp = &l->next;
      continue;
    }
    n->r.start = min(n->r.start, l->r.start);
    n->r.end = max(n->r.end, l->r.end);
    *pp = l->next;
    free_lock(l);
  }
  n->next = g_locks;
  g_locks = n;
}

}  // namespace

void lockf_test(const void* key, const void* owner, LockRange* want) {
  MutexGuard g(g_lock);
  if (const Lock* l = find_conflict(key, owner, *want)) {
    *want = l->r;
  } else {
    want->type = kFUnLck;
  }
}

Result<void> lockf_set(const void* key, const void* owner, const LockRange& want, bool wait) {
  // Allocated first: the new lock, and the tail a split leaves. Freed at
  // the end where unused.
  Lock* n = want.type == kFUnLck ? nullptr : new_lock(key, owner, want);
  Lock* spare = new_lock(key, owner, want);
  struct Unused {
    Lock*& n;
    Lock*& spare;
    ~Unused() {
      if (n) free_lock(n);
      if (spare) free_lock(spare);
    }
  } unused{n, spare};
  if ((want.type != kFUnLck && !n) || !spare) return Error::NoLck;

  MutexGuard g(g_lock);
  if (want.type != kFUnLck) {
    Waiter me{owner, nullptr, nullptr};
    bool queued = false;
    Result<void> slept = ok();
    for (;;) {
      const Lock* in_way = find_conflict(key, owner, want);
      if (!in_way) break;
      if (!wait) {
        slept = Error::Again;
        break;
      }
      if (deadlock(owner, in_way->owner)) {
        slept = Error::Deadlk;
        break;
      }
      me.blocker = in_way->owner;
      if (!queued) {
        me.next = g_waiters;
        g_waiters = &me;
        queued = true;
      }
      // Until a lock goes (any: the conflict is looked for again), or a
      // signal (Intr: restarted under SA_RESTART, as Linux's ERESTARTSYS).
      slept = sleep_intr_nap(SleepOn{.cv = &g_cv, .m = &g_lock});
      if (!slept.ok()) break;
    }
    if (queued) {
      Waiter** pp = &g_waiters;
      while (*pp != &me) pp = &(*pp)->next;
      *pp = me.next;
    }
    TRY(slept);
  }
  carve(key, owner, want, &spare);
  if (n) {
    insert_merged(n);
    n = nullptr;
  }
  g_cv.broadcast();  // a range may have gone: waiters look again
  return ok();
}

void lockf_release(const void* key, const void* owner) {
  if (__atomic_load_n(&g_count, __ATOMIC_RELAXED) == 0) return;
  MutexGuard g(g_lock);
  bool any = false;
  for (Lock** pp = &g_locks; *pp;) {
    Lock* l = *pp;
    if (l->key == key && l->owner == owner) {
      *pp = l->next;
      free_lock(l);
      any = true;
    } else {
      pp = &l->next;
    }
  }
  if (any) g_cv.broadcast();
}

}  // namespace tine
