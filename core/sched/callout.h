// Callouts: one-shot timers, kept per hart and run from that hart's timer
// interrupt (with interrupts off) once their deadline has passed. Arming
// one moves the hart's timer earlier if need be (core/sched/clock.h), so
// it runs at its deadline, not at the next tick.
#pragma once

#include "core/lib/list.h"
#include "core/sync/spinlock.h"
#include "core/lib/types.h"

namespace tine {

struct CalloutTag {};

struct Callout : ListLink<CalloutTag> {
  u64 deadline_ns = 0;
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  int cpu = -1;      // whose list it is on, -1 if none
  u32 running = 0;   // fn is executing right now (callout_stop waits)
};

struct CalloutList {
  SpinLock lock{"callouts", LockRank::Callout};
  List<Callout, CalloutTag> pending GUARDED_BY(lock);  // by deadline
};

// Arms c on the calling hart to run fn(arg) `delay_ns` from now.
// Contract: c is not pending.
void callout_schedule(Callout& c, u64 delay_ns, void (*fn)(void*), void* arg);
// The same at an absolute guest time (hal::time_ns); a time already passed
// runs at once (on the way out of the timer interrupt it raises). For periodic timers, which reload from their last
// deadline, not from "now", so they do not drift.
void callout_schedule_at(Callout& c, u64 deadline_ns, void (*fn)(void*), void* arg);
// Disarms c. Returns true if it was still pending; if its function is
// running on some hart, waits until it has returned. Never call it from c's
// own function.
bool callout_stop(Callout& c);
// Runs the calling hart's expired callouts (from the timer interrupt).
void callout_run_expired();
// The calling hart's earliest pending deadline, hal::kTimerNever if none.
// Interrupts off.
u64 callout_next_deadline();

}  // namespace tine
