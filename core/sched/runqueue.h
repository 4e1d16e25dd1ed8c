// One hart's run queue: priority levels, round robin inside a level.
//
// Priorities run 0 .. kNumPriorities-1, higher runs first (as NetBSD). Kernel
// threads default to kPriKernel, user threads to kPriUser; the idle thread is
// never queued. A bitmap of non-empty levels makes picking O(1).
//
// Real-time user threads (SCHED_FIFO, SCHED_RR; core/sched/sched.h) sit
// above every other level: real-time priority p (1..99) is level
// kPriRtBase + p, as NetBSD puts PRI_USER_RT above PRI_KERNEL and Linux's
// rt class runs before its fair one (kernel threads included).
#pragma once

#include "core/lib/list.h"
#include "core/sync/spinlock.h"
#include "core/sync/thread_safety.h"
#include "core/lib/types.h"

namespace tine {

struct Lwp;
struct RunQueueTag {};

inline constexpr unsigned kNumPriorities = 128;
inline constexpr unsigned kPriUser = 8;
inline constexpr unsigned kPriKernel = 16;
inline constexpr unsigned kRtPrioMax = 99;  // Linux's MAX_RT_PRIO - 1
inline constexpr unsigned kPriRtBase = kNumPriorities - 1 - kRtPrioMax;
static_assert(kPriRtBase > kPriKernel);

class RunQueue {
 public:
  mutable SpinLock lock{"runqueue", LockRank::RunQueue};

  // Appends l at the tail of its priority level.
  void enqueue(Lwp* l) REQUIRES(lock);
  // Puts l at the head of its level: a real-time thread preempted by a
  // higher one runs first again among its equals (POSIX; Linux keeps a
  // preempted rt task at the head of its list).
  void enqueue_head(Lwp* l) REQUIRES(lock);
  // Removes and returns the head of the highest non-empty level, or nullptr.
  Lwp* dequeue_best() REQUIRES(lock);
  // For a thief on hart `thief`: removes the highest-priority thread that
  // may run there (not pinned elsewhere) and has left its hart (on_cpu 0),
  // or returns nullptr. A thread still switching out stays for its own
  // hart: two harts that each stole the other's outgoing thread would each
  // wait in sched_switch for the other to finish switching, for ever.
  // (Two wait4 callers woken by one exit's broadcast as each was going to
  // sleep did exactly that: linuxdiff-smp4's intermittent hang.)
  Lwp* steal_for(unsigned thief) REQUIRES(lock);
  void remove(Lwp* l) REQUIRES(lock);
  // Racy reads for placement and stealing decisions.
  unsigned count() const { return __atomic_load_n(&count_, __ATOMIC_RELAXED); }
  int best_priority() const;

 private:
  static constexpr unsigned kWords = kNumPriorities / 64;
  static_assert(kNumPriorities % 64 == 0);
  void mark(unsigned pri) REQUIRES(lock);
  List<Lwp, RunQueueTag> levels_[kNumPriorities] GUARDED_BY(lock);
  u64 bitmap_[kWords] GUARDED_BY(lock) = {};
  unsigned count_ = 0;
};

// Stealing policy: an idle hart takes work from the hart with the most
// queued threads, provided it has at least one waiting (the running thread
// is never on its queue). Ties go to the lowest index. Returns -1 if there is
// nothing to steal. `counts` holds each hart's queue length.
int choose_steal_victim(const unsigned* counts, unsigned ncpus, unsigned self);

}  // namespace tine
