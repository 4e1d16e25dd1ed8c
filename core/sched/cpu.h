// Generic per-hart state, indexed by hal::cpu_index(). Fields are touched
// only by their own hart with interrupts off, unless marked otherwise.
#pragma once

#include "core/sched/callout.h"
#include "core/sync/lockdebug.h"
#include "core/sched/runqueue.h"
#include "core/lib/types.h"
#include "hal/hal.h"

namespace tine {

struct Lwp;

struct SmpCall {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  u32 pending = 0;  // set by the caller, cleared by the target when fn ran
};

struct alignas(64) Cpu {
  unsigned index = 0;
  u64 ticks = 0;              // scheduler ticks taken (read racily by tests)
  u64 timer_irqs = 0;         // timer interrupts taken: ticks and callouts
  u64 next_tick_ns = 0;       // when the next scheduler tick is due
  u64 timer_deadline_ns = hal::kTimerNever;  // what the timer is programmed for
  bool tickless = false;      // idle in wfi, no tick armed (others read it)
  u64 ipis = 0;               // IPIs taken
  u64 switches = 0;           // context switches done here
  u64 steals = 0;             // threads taken from other harts' queues
  u32 intr_depth = 0;         // inside an interrupt handler
  LockSet intr_locks;         // locks taken by interrupt handlers
  bool need_resched = false;  // set by tick, wakeup or IPI; read at trap exit
  bool sched_running = false; // this hart's scheduler is initialised
  Lwp* current = nullptr;     // the thread running here
  Lwp* idle = nullptr;        // runs when the queue is empty
  Lwp* switching_from = nullptr;  // the thread being switched out (switch_finish)
  // A thread this hart woke for itself and has not queued (sched.cpp's
  // direct switch): runnable, runs at this hart's next switch if nothing
  // queued is higher; the tick queues it. Atomic for racy readers.
  Lwp* handoff = nullptr;
  RunQueue rq;                // other harts lock it to enqueue or steal
  CalloutList callouts;       // this hart's timers
  SmpCall call;               // core/sched/smp_call.cpp
};

extern Cpu g_cpus[hal::kMaxCpus];

// Only meaningful while the caller cannot migrate (interrupts or preemption
// off); otherwise the answer may be stale by the time it is used.
inline Cpu& this_cpu() { return g_cpus[hal::cpu_index()]; }

// Sets need_resched on c, the calling hart's own (interrupts off), and the
// work bit of the thread running there, which its fast syscall path reads.
void cpu_need_resched(Cpu& c);

}  // namespace tine
