// One hart's run queue: priority levels, round robin inside a level.
//
// Priorities run 0 .. kNumPriorities-1, higher runs first (as NetBSD). Kernel
// threads default to kPriKernel, user threads to kPriUser; the idle thread is
// never queued. A bitmap of non-empty levels makes picking O(1).
#pragma once

#include "core/lib/list.h"
#include "core/sync/spinlock.h"
#include "core/sync/thread_safety.h"
#include "core/lib/types.h"

namespace tine {

struct Lwp;
struct RunQueueTag {};

inline constexpr unsigned kNumPriorities = 32;
inline constexpr unsigned kPriUser = 8;
inline constexpr unsigned kPriKernel = 16;

class RunQueue {
 public:
  mutable SpinLock lock{"runqueue", LockRank::RunQueue};

  // Appends l at the tail of its priority level.
  void enqueue(Lwp* l) REQUIRES(lock);
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
  List<Lwp, RunQueueTag> levels_[kNumPriorities] GUARDED_BY(lock);
  u32 bitmap_ GUARDED_BY(lock) = 0;
  unsigned count_ = 0;
};

// Stealing policy: an idle hart takes work from the hart with the most
// queued threads, provided it has at least one waiting (the running thread
// is never on its queue). Ties go to the lowest index. Returns -1 if there is
// nothing to steal. `counts` holds each hart's queue length.
int choose_steal_victim(const unsigned* counts, unsigned ncpus, unsigned self);

}  // namespace tine
