// Futex waiters and wakers (contract in futex.h).
//
// Each waiter is a FutexWaiter on its own kernel stack, on the chain of the
// bucket its key hashes to, with a sleep queue of its own: a waker picks
// waiters by key and bitset, which a shared sleep queue could not, and the
// waiter's interruptible sleep (sleepq_intr_begin) is registered on that
// queue, so a signal ends it as it ends any other sleep.
//
// The waiter owns its FutexWaiter; others touch it only under the lock of
// the bucket it is on. A waker unlinks it (queued = false) and wakes its
// queue under that lock; the waiter always takes the bucket lock once more
// before it returns (to see whether it was woken, or to unlink itself after
// a timeout or a signal), so no waker can still be at work on it by then.
// Requeue moves a waiter to another bucket under both locks; the waiter
// finds its current bucket through lock_bucket_of().
//
// Order: a chain is kept by priority, then arrival, as Linux's plist of
// futex_q (prio = min(normal_prio, MAX_RT_PRIO)): real-time waiters first,
// the higher first, every time-sharing one alike behind them. A wake takes
// the first matches, so sem_post wakes the highest-priority waiter.
#include "core/proc/futex.h"

#include "core/lib/list.h"
#include "core/lib/new.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/sleepq.h"
#include "core/sync/spin_wait.h"
#include "core/sync/spinlock.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "hal/hal.h"
#include "hal/pmap.h"

namespace tine {

namespace {

struct Bucket;

struct FutexWaiter : ListLink<> {
  FutexKey key;          // under the bucket lock (requeue changes it)
  u32 bitset = 0;
  u8 rtprio = 0;         // the waiter's real-time priority (0: none)
  bool queued = false;   // on bucket's chain; under the bucket lock
  Bucket* bucket = nullptr;  // atomic; changed under both buckets' locks
  SleepQueue q{"futex"};
  // The queue a waker wakes: q, or the one queue a futex_waitv sleeps on
  // for all its words. Set before the waiter is queued.
  SleepQueue* wq = &q;
};

struct Bucket {
  SpinLock lock{"futex bucket", LockRank::Futex};
  List<FutexWaiter> chain GUARDED_BY(lock);
};

constexpr unsigned kBuckets = 128;
Bucket g_buckets[kBuckets];

// Links w behind every waiter of its priority or above.
void chain_insert_locked(Bucket* b, FutexWaiter* w) REQUIRES(b->lock) {
  FutexWaiter* after = nullptr;
  for (FutexWaiter* o : b->chain) {
    if (o->rtprio < w->rtprio) break;
    after = o;
  }
  if (after)
    b->chain.insert_after(after, w);
  else
    b->chain.push_front(w);
}

Bucket* bucket_of(const FutexKey& k) {
  u64 h = reinterpret_cast<uptr>(k.space) ^ (k.addr >> 2);
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return &g_buckets[h % kBuckets];
}

// Locks the bucket w is on now; a requeue may move w between the load and
// the lock, so look again under the lock.
Bucket* lock_bucket_of(FutexWaiter& w) NO_THREAD_SAFETY_ANALYSIS {
  for (;;) {
    Bucket* b = __atomic_load_n(&w.bucket, __ATOMIC_ACQUIRE);
    b->lock.lock();
    if (__atomic_load_n(&w.bucket, __ATOMIC_RELAXED) == b) return b;
    b->lock.unlock();
  }
}

// Both buckets locked, in address order (one lock when they are the same),
// as Linux's double_lock_hb. The second is taken by try_lock: the rank
// check cannot tell two buckets apart, and the address order is what
// keeps two harts locking the same pair from deadlocking.
void lock_two(Bucket* a, Bucket* b) NO_THREAD_SAFETY_ANALYSIS {
  if (a == b) {
    a->lock.lock();
    return;
  }
  Bucket* first = a < b ? a : b;
  Bucket* second = a < b ? b : a;
  first->lock.lock();
  SpinWait w;
  while (!second->lock.try_lock()) w.pause();
}

void unlock_two(Bucket* a, Bucket* b) NO_THREAD_SAFETY_ANALYSIS {
  a->lock.unlock();
  if (a != b) b->lock.unlock();
}

// Takes w off b's chain and wakes it if it sleeps.
void wake_waiter_locked(Bucket* b, FutexWaiter* w) REQUIRES(b->lock) {
  b->chain.remove(w);
  w->queued = false;
  hal::IrqState s = hal::irq_save();
  w->wq->lock().lock();
  (void)w->wq->wake_one_locked();
  w->wq->lock().unlock();
  hal::irq_restore(s);
}

// Wakes up to nr waiters with key k on b (at least one, as Linux's
// "if (++ret >= nr_wake) break").
int wake_keyed_locked(Bucket* b, const FutexKey& k, int nr, u32 bitset) REQUIRES(b->lock) {
  int n = 0;
  for (auto it = b->chain.begin(); it != b->chain.end();) {
    FutexWaiter* w = *it;
    ++it;
    if (!(w->key == k) || !(w->bitset & bitset)) continue;
    wake_waiter_locked(b, w);
    if (++n >= nr) break;
  }
  return n;
}

enum class Enqueue : u8 { Queued, Differs, Fault };

// Under b's lock: reads the word without sleeping and enqueues w if it
// still holds val (Linux's futex_wait_setup).
Enqueue enqueue_if_equal(Bucket* b, FutexWaiter& w, uptr uaddr, u32 val) {
  SpinGuard g(b->lock);
  u32 cur = 0;
  if (!copyin_nosleep(&cur, uaddr, sizeof cur)) return Enqueue::Fault;
  if (cur != val) return Enqueue::Differs;
  w.queued = true;
  __atomic_store_n(&w.bucket, b, __ATOMIC_RELEASE);
  chain_insert_locked(b, &w);
  return Enqueue::Queued;
}

// How one pass of the sleep loop ended.
enum class Pass : u8 { Slept, Woken, TimedOut, Interrupted };

// One nap of a queued waiter: checks, under its bucket's lock, whether it
// was woken, is past its deadline or has a signal to act on (the last two
// unlink it), else sleeps on its queue until a waker, the deadline or a
// signal ends the nap.
Pass nap(FutexWaiter& w, u64 deadline_ns) NO_THREAD_SAFETY_ANALYSIS {
  sleepq_intr_begin(w.q);
  // Asked after registering: a signal posted from here on wakes the nap.
  const bool signal = sleep_intr_pending();
  const u64 now = hal::time_ns();
  const bool late = deadline_ns != kFutexForever && now >= deadline_ns;
  Pass pass = Pass::Slept;
  Bucket* b = lock_bucket_of(w);
  if (!w.queued) {
    pass = Pass::Woken;
  } else if (late || signal) {
    b->chain.remove(&w);
    w.queued = false;
    pass = late ? Pass::TimedOut : Pass::Interrupted;
  }
  if (pass != Pass::Slept) {
    b->lock.unlock();
    sleepq_intr_end();
    return pass;
  }
  // A deadline centuries away is none: the alarm's sum must not overflow.
  constexpr u64 kLongestNap = u64(1) << 62;
  const u64 ns = deadline_ns - now > kLongestNap ? 0 : deadline_ns - now;
  hal::IrqState s = hal::irq_save();
  w.q.lock().lock();
  b->lock.unlock();
  // A waker now waits for w.q's lock, which block_intr_locked lets go only
  // once we are asleep on w.q.
  (void)w.q.block_intr_locked(ns, {__FILE__, __LINE__});
  hal::irq_restore(s);
  sleepq_intr_end();
  return Pass::Slept;
}

bool user_word_ok(uptr uaddr) { return hal::user_va_range(uaddr, sizeof(u32)); }

}  // namespace

Result<FutexKey> futex_key(VmSpace* vs, uptr uaddr, bool shared) {
  if (uaddr % sizeof(u32) != 0) return Error::Inval;
  if (!user_word_ok(uaddr) || !vs) return Error::Fault;
  if (shared) {
    const paddr_t pa = TRY(vm_shared_frame(vs, uaddr));
    if (pa) return FutexKey{nullptr, u64(pa)};
  }
  return FutexKey{vs, u64(uaddr)};
}

Result<void> futex_wait(VmSpace* vs, uptr uaddr, bool shared, u32 val, u32 bitset,
                        u64 deadline_ns) {
  if (!bitset) return Error::Inval;
  FutexWaiter w;
  w.bitset = bitset;
  w.rtprio = __atomic_load_n(&curlwp()->l_rtprio, __ATOMIC_RELAXED);
  for (;;) {
    w.key = TRY(futex_key(vs, uaddr, shared));
    const Enqueue e = enqueue_if_equal(bucket_of(w.key), w, uaddr, val);
    if (e == Enqueue::Queued) break;
    if (e == Enqueue::Differs) return Error::Again;
    // The word's page was not there: fault it in without the lock (or
    // learn that the pointer is bad), then look again. The key is looked
    // up again too: a shared page may have been filled only now.
    u32 cur;
    TRY(copyin(&cur, uaddr, sizeof cur));
  }
  for (;;) {
    switch (nap(w, deadline_ns)) {
      case Pass::Slept: continue;
      case Pass::Woken: return ok();
      case Pass::TimedOut: return Error::TimedOut;
      case Pass::Interrupted: return Error::Intr;
    }
  }
}

Result<int> futex_wake(VmSpace* vs, uptr uaddr, bool shared, int nr, u32 bitset) {
  if (!bitset) return Error::Inval;
  const FutexKey k = TRY(futex_key(vs, uaddr, shared));
  Bucket* b = bucket_of(k);
  SpinGuard g(b->lock);
  return wake_keyed_locked(b, k, nr, bitset);
}

Result<int> futex_requeue(VmSpace* vs, uptr uaddr, uptr uaddr2, bool shared, int nr_wake,
                          int nr_requeue, const u32* cmpval) {
  if (nr_wake < 0 || nr_requeue < 0) return Error::Inval;
  for (;;) {
    const FutexKey k1 = TRY(futex_key(vs, uaddr, shared));
    const FutexKey k2 = TRY(futex_key(vs, uaddr2, shared));
    Bucket* b1 = bucket_of(k1);
    Bucket* b2 = bucket_of(k2);
    lock_two(b1, b2);
    if (cmpval) {
      u32 cur = 0;
      if (!copyin_nosleep(&cur, uaddr, sizeof cur)) {
        unlock_two(b1, b2);
        TRY(copyin(&cur, uaddr, sizeof cur));
        continue;
      }
      if (cur != *cmpval) {
        unlock_two(b1, b2);
        return Error::Again;
      }
    }
    // As Linux's loop: the first nr_wake matches are woken, the next
    // nr_requeue moved, in queue order.
    int count = 0;
    [&]() NO_THREAD_SAFETY_ANALYSIS {
      for (auto it = b1->chain.begin(); it != b1->chain.end();) {
        if (count - nr_wake >= nr_requeue) break;
        FutexWaiter* w = *it;
        ++it;
        if (!(w->key == k1)) continue;
        if (++count <= nr_wake) {
          wake_waiter_locked(b1, w);
          continue;
        }
        if (b1 != b2) {
          b1->chain.remove(w);
          chain_insert_locked(b2, w);
          __atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
        }
        w->key = k2;
      }
    }();
    unlock_two(b1, b2);
    return count;
  }
}

namespace {
// FUTEX_WAKE_OP's encoding (uapi/linux/futex.h): op in bits 28-30 with
// bit 31 "oparg is a shift", cmp in 24-27, oparg 12-23, cmparg 0-11 (both
// signed 12-bit).
constexpr u32 kOpOpargShift = 8;
enum : u32 { kOpSet = 0, kOpAdd, kOpOr, kOpAndn, kOpXor };
enum : u32 { kCmpEq = 0, kCmpNe, kCmpLt, kCmpLe, kCmpGt, kCmpGe };

i32 sign_extend12(u32 v) { return i32(v << 20) >> 20; }

// Applies the operation to uaddr2; returns whether the comparison holds.
Result<bool> wake_op_apply(uptr uaddr2, u32 encoded) {
  const u32 op = (encoded >> 28) & 0xf;
  const u32 cmp = (encoded >> 24) & 0xf;
  i32 oparg = sign_extend12(encoded >> 12);
  const i32 cmparg = sign_extend12(encoded);
  if (op & kOpOpargShift) {
    // Linux masks a shift out of range (and logs it) rather than fail.
    oparg = i32(1u << (u32(oparg) & 31));
  }
  UserAmo amo;
  u32 arg = u32(oparg);
  switch (op & ~kOpOpargShift) {
    case kOpSet: amo = UserAmo::Swap; break;
    case kOpAdd: amo = UserAmo::Add; break;
    case kOpOr: amo = UserAmo::Or; break;
    case kOpAndn: amo = UserAmo::And; arg = ~arg; break;
    case kOpXor: amo = UserAmo::Xor; break;
    default: return Error::NoSys;
  }
  const i32 old = i32(TRY(user_amo32(uaddr2, amo, arg)));
  switch (cmp) {
    case kCmpEq: return old == cmparg;
    case kCmpNe: return old != cmparg;
    case kCmpLt: return old < cmparg;
    case kCmpLe: return old <= cmparg;
    case kCmpGt: return old > cmparg;
    case kCmpGe: return old >= cmparg;
    default: return Error::NoSys;
  }
}
}  // namespace

Result<int> futex_wake_op(VmSpace* vs, uptr uaddr, uptr uaddr2, bool shared, int nr, int nr2,
                          u32 encoded_op) {
  const FutexKey k1 = TRY(futex_key(vs, uaddr, shared));
  const FutexKey k2 = TRY(futex_key(vs, uaddr2, shared));
  // Linux applies the operation with both buckets locked; done before
  // locking, it is the same as the program's own atomic store followed by
  // the wakes: a waiter that checked before it is queued and woken, one
  // that checks after it sees the new value. The word may fault here,
  // where faulting in is free to sleep.
  const bool wake2 = TRY(wake_op_apply(uaddr2, encoded_op));
  Bucket* b1 = bucket_of(k1);
  Bucket* b2 = bucket_of(k2);
  lock_two(b1, b2);
  int n = [&]() NO_THREAD_SAFETY_ANALYSIS { return wake_keyed_locked(b1, k1, nr, kFutexBitsetAny); }();
  if (wake2)
    n += [&]() NO_THREAD_SAFETY_ANALYSIS { return wake_keyed_locked(b2, k2, nr2, kFutexBitsetAny); }();
  unlock_two(b1, b2);
  return n;
}

namespace {

// Takes the first n of ws off their buckets; returns the index of the last
// one a waker had taken off already, or -1 (Linux's
// futex_unqueue_multiple). Once it returns no waker touches ws any more.
int unqueue_multiple(FutexWaiter* ws, unsigned n) NO_THREAD_SAFETY_ANALYSIS {
  int woken = -1;
  for (unsigned i = 0; i < n; ++i) {
    Bucket* b = lock_bucket_of(ws[i]);
    if (ws[i].queued) {
      b->chain.remove(&ws[i]);
      ws[i].queued = false;
    } else {
      woken = int(i);
    }
    b->lock.unlock();
  }
  return woken;
}

// One nap of a futex_waitv whose n waiters are all queued and share the
// queue q: sleeps on q unless one was woken, the deadline passed or a
// signal is there. A waker clears `queued` under its bucket's lock and
// then takes q's lock, so a flag read under q's lock after the waker let
// it go is seen cleared, and a waker that comes later waits for q's lock
// until we sleep on q (the single nap's argument, with q for the bucket).
Pass nap_multiple(FutexWaiter* ws, unsigned n, SleepQueue& q, u64 deadline_ns) {
  sleepq_intr_begin(q);
  const bool signal = sleep_intr_pending();
  const u64 now = hal::time_ns();
  const bool late = deadline_ns != kFutexForever && now >= deadline_ns;
  hal::IrqState s = hal::irq_save();
  q.lock().lock();
  bool woken = false;
  for (unsigned i = 0; i < n && !woken; ++i) woken = !__atomic_load_n(&ws[i].queued, __ATOMIC_RELAXED);
  if (woken || late || signal) {
    q.lock().unlock();
    hal::irq_restore(s);
    sleepq_intr_end();
    return woken ? Pass::Woken : late ? Pass::TimedOut : Pass::Interrupted;
  }
  constexpr u64 kLongestNap = u64(1) << 62;
  const u64 ns = deadline_ns - now > kLongestNap ? 0 : deadline_ns - now;
  (void)q.block_intr_locked(ns, {__FILE__, __LINE__});
  hal::irq_restore(s);
  sleepq_intr_end();
  return Pass::Slept;
}

// futex_waitv's body over the caller's array of n waiters.
Result<int> waitv_on(VmSpace* vs, const FutexWaitvWord* words, FutexWaiter* ws,
                             unsigned n, SleepQueue& q, u64 deadline_ns) {
  for (;;) {
    // Every key first: futex_key may fault pages in, which it must not
    // do with words queued (a wake then could be lost in the sleep).
    for (unsigned i = 0; i < n; ++i) ws[i].key = TRY(futex_key(vs, words[i].uaddr, words[i].shared));
    unsigned i = 0;
    Enqueue e = Enqueue::Queued;
    for (; i < n; ++i) {
      e = enqueue_if_equal(bucket_of(ws[i].key), ws[i], words[i].uaddr, words[i].val);
      if (e != Enqueue::Queued) break;
    }
    if (i == n) break;
    // As Linux: a word woken meanwhile wins over the one that differs.
    if (const int woken = unqueue_multiple(ws, i); woken >= 0) return woken;
    if (e == Enqueue::Differs) return Error::Again;
    u32 cur;
    TRY(copyin(&cur, words[i].uaddr, sizeof cur));
  }
  for (;;) {
    const Pass p = nap_multiple(ws, n, q, deadline_ns);
    if (p == Pass::Slept) continue;
    if (const int woken = unqueue_multiple(ws, n); woken >= 0) return woken;
    if (p == Pass::TimedOut) return Error::TimedOut;
    if (p == Pass::Interrupted) return Error::Intr;
    // Woken is seen again by unqueue_multiple: not reached.
  }
}

}  // namespace

Result<int> futex_waitv(VmSpace* vs, const FutexWaitvWord* words, unsigned n, u64 deadline_ns) {
  if (n == 0 || n > kFutexWaitvMax) return Error::Inval;
  // Up to 128 waiters: too many for the kernel stack.
  void* mem = kmalloc(sizeof(FutexWaiter) * n);
  if (!mem) return Error::NoMem;
  FutexWaiter* ws = static_cast<FutexWaiter*>(mem);
  SleepQueue q{"futex_waitv"};
  for (unsigned i = 0; i < n; ++i) {
    new (&ws[i]) FutexWaiter;
    ws[i].bitset = kFutexBitsetAny;
    ws[i].rtprio = __atomic_load_n(&curlwp()->l_rtprio, __ATOMIC_RELAXED);
    ws[i].wq = &q;
  }
  const Result<int> r = waitv_on(vs, words, ws, n, q, deadline_ns);
  for (unsigned i = 0; i < n; ++i) ws[i].~FutexWaiter();
  kfree(mem);
  return r;
}

unsigned futex_waiters_count() {
  unsigned n = 0;
  for (Bucket& b : g_buckets) {
    SpinGuard g(b.lock);
    n += unsigned(b.chain.count());
  }
  return n;
}

}  // namespace tine
