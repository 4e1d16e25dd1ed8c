// The per-hart scheduler. Each hart has its own run queue and lock; there
// is no global scheduler lock.
//
// Decisions, where they live:
//  - Priorities: core/sched/runqueue.h (higher first, round robin within a level).
//  - Time slice: kSliceTicks timer ticks (20 ms at 100 Hz); when it runs out
//    the tick sets need_resched and the trap exit switches, also in kernel
//    code, unless the thread holds a spin lock (preempt_off).
//  - Placement: a new thread goes to the next hart round robin (or its
//    pinned hart); a woken thread goes back to the hart it last ran on. A
//    remote enqueue sends that hart an IPI.
//  - Stealing: a hart with nothing to run takes the best thread from the
//    busiest queue (choose_steal_victim), when it goes idle and on every tick
//    while idle.
#pragma once

#include "core/sched/lwp.h"

namespace tine {

inline constexpr int kSliceTicks = 2;

// The calling hart's current thread (stable for the caller: a thread is
// always current on the hart it runs on).
Lwp* curlwp();

// Turns the calling context into this hart's first thread (`boot`, static
// storage) and creates the hart's idle thread. With boot_is_idle the boot
// context itself is the idle thread (secondary harts).
void sched_init_cpu(Lwp* boot, bool boot_is_idle);

// Makes a sleeping or new thread runnable on a suitable hart.
void sched_setrunnable(Lwp* l);

// Gives up the hart: the current thread goes to the tail of its level.
void yield();

// Switches to the next thread. The caller has set curlwp()->state (LSSLEEP,
// LSZOMB) or left it LSONPROC to be requeued. Interrupts off, no spin lock.
void sched_switch();

// Timer tick on this hart (interrupts off): slices, callouts, idle stealing.
void sched_tick();

// Called by the HAL on the way out of a trap with interrupts off: switches
// if a reschedule is pending and the interrupted code allows it.
void sched_trap_exit(bool interrupted_with_irqs_on);

// The idle loop: never returns.
[[noreturn]] void sched_idle_loop();

// Where every new thread starts (hal::context_init's entry): finishes the
// switch, enables interrupts, runs l->entry(l->arg), exits.
[[noreturn]] void sched_thread_start(void* lwp);

// Completes a switch on the new thread's stack (called by the trampoline).
void sched_switch_finish();

}  // namespace tine
