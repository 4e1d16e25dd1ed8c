// A sleep queue: threads waiting for an event, under one spin lock. The
// primitive under condition variables, mutexes, join and sleep(). A waiter
// enqueues itself under the lock before it drops its interlock, and a waker
// takes the same lock, so no wakeup is lost, whichever hart either runs on.
#pragma once

#include "core/lib/list.h"
#include "core/sched/lwp.h"
#include "core/sync/spinlock.h"

namespace tine {

// How an interruptible block ended.
enum class SleepEnd : u8 {
  Woken,        // by the queue's owner (signal/broadcast)
  TimedOut,     // its timeout passed
  Interrupted,  // a signal's waker flagged it (sleepq_interrupt)
};

class SleepQueue {
 public:
  constexpr explicit SleepQueue(const char* name,
                                LockRank rank = LockRank::SleepQueue)
      : lock_(name, rank) {}

  SpinLock& lock() RETURN_CAPABILITY(lock_) { return lock_; }

  // The calling thread sleeps here. Caller holds lock() with interrupts off
  // and no other spin lock; lock() is released before switching away and is
  // not held on return; interrupts stay off. timeout_ns 0 = no timeout.
  // Returns true if the timeout ended the sleep.
  bool block_locked(u64 timeout_ns, SrcLoc where) RELEASE(lock_);
  // The same for an interruptible sleep the caller registered on this
  // queue (sleepq_intr_begin): returns Interrupted at once, without
  // sleeping, if a waker has flagged the thread since it registered.
  SleepEnd block_intr_locked(u64 timeout_ns, SrcLoc where) RELEASE(lock_);
  // Wakes the longest waiter; returns it, or nullptr if none.
  Lwp* wake_one_locked() REQUIRES(lock_);
  // Wakes every waiter; returns how many.
  unsigned wake_all_locked() REQUIRES(lock_);
  bool empty_locked() const REQUIRES(lock_) { return waiters_.empty(); }
  Lwp* first_locked() const REQUIRES(lock_) { return waiters_.front(); }

 private:
  friend bool sleepq_interrupt(Lwp* l);
  static void on_timeout(void* lwp);
  void wake_locked(Lwp* l) REQUIRES(lock_);

  SpinLock lock_;
  List<Lwp, SleepQueueTag> waiters_ GUARDED_BY(lock_);
};

// Sleeps the calling thread for at least `ns` of guest time.
void sleep_ns(u64 ns);

// Interruptible sleeps: how a signal posted on one hart ends a sleep on
// another without the sleeper polling (NetBSD: sleepq_block with PCATCH
// and sleepq_abort; core/sched/sleep_intr.cpp drives these). The sleeper:
//   1. sleepq_intr_begin(q): records q as the queue of its interruptible
//      sleep and clears its flag;
//   2. looks for pending signals itself (and does not sleep if one is);
//   3. q.block_intr_locked(): enqueued under q's lock, it sleeps unless the
//      flag is set;
//   4. sleepq_intr_end().
// The waker posts the signal first, then calls sleepq_interrupt(l): it
// counts itself in l->l_intr_wakers, fences, reads l's registered queue,
// and if there is one sets the flag, then under q's lock wakes l if l
// sleeps there. On any number of harts one of these holds: the waker read
// the queue before 1 stored it (then 2 sees the signal: both sides fence
// between their store and their load), or its q-lock section came before
// 3's (3 sees the flag), or after it (l is asleep on q and is woken).
// Between 1 and 4 q stays alive for the waker: 4 clears the registration,
// fences and waits until no waker is counted, and a waker that counted
// itself after that fence reads no queue. So a queue on the sleeper's stack
// is fine, and neither side takes a lock but q's.
void sleepq_intr_begin(SleepQueue& q);
void sleepq_intr_end();
// Ends l's interruptible sleep, or flags the one it is entering. Returns
// whether l was registered. Never from an interrupt handler.
bool sleepq_interrupt(Lwp* l);

}  // namespace tine
