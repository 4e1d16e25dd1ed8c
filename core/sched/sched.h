// The per-hart scheduler. Each hart has its own run queue and lock; there
// is no global scheduler lock.
//
// Decisions, where they live:
//  - Priorities: core/sched/runqueue.h (higher first, round robin within a level).
//  - Real-time classes (SchedClass, core/sched/lwp.h; Linux's SCHED_FIFO and
//    SCHED_RR, kernel/sched/rt.c): levels above every time-sharing one. A
//    FIFO thread has no slice: it runs until it blocks, yields or a higher
//    one comes; RR rotates among its equals every kRrSliceTicks. A
//    real-time thread preempted by a higher one goes back to the head of
//    its level, one that yields or used up its RR slice to the tail. No
//    throttling: a real-time thread that never blocks keeps its hart from
//    every lower thread (Linux with sched_rt_runtime_us = -1); idle harts
//    still steal what waits there.
//  - Time slice: kSliceTicks timer ticks (20 ms at 100 Hz); when it runs out
//    the tick sets need_resched and the trap exit switches, also in kernel
//    code, unless the thread holds a spin lock (preempt_off).
//  - Placement: a new thread goes to the next hart round robin (or its
//    pinned hart); a woken thread goes back to the hart it last ran on. A
//    remote enqueue sends that hart an IPI.
//  - Stealing: a hart with nothing to run takes the best thread from the
//    busiest queue (choose_steal_victim) when it goes idle, and when a busy
//    hart with threads queued kicks it on its tick (core/sched/clock.cpp).
#pragma once

#include "core/sched/lwp.h"

namespace tine {

inline constexpr int kSliceTicks = 2;
inline constexpr u64 kSliceNs = 20'000'000;  // kSliceTicks at 100 Hz
// SCHED_RR's quantum: Linux's RR_TIMESLICE, 100 ms (10 ticks at 100 Hz),
// which sched_rr_get_interval reports.
inline constexpr int kRrSliceTicks = 10;
inline constexpr u64 kRrIntervalNs = 100'000'000;

// The calling hart's current thread (stable for the caller: a thread is
// always current on the hart it runs on). Inline: every syscall asks.
inline Lwp* curlwp() { return static_cast<Lwp*>(hal::current_thread()); }

// Turns the calling context into this hart's first thread (`boot`, static
// storage) and creates the hart's idle thread. With boot_is_idle the boot
// context itself is the idle thread (secondary harts).
void sched_init_cpu(Lwp* boot, bool boot_is_idle);

// Makes a sleeping or new thread runnable on a suitable hart.
void sched_setrunnable(Lwp* l);

// Gives up the hart: the current thread goes to the tail of its level.
// Only threads of its level or above run before it comes back: a
// real-time thread that waits for a lower one must sleep instead.
void yield();

// Sets l's class and real-time priority (1..kRtPrioMax for Fifo and Rr, 0
// for Other) and its level (Other: kPriUser when it leaves a real-time
// class, else the level it has, a kernel thread's included). A
// queued l moves to its new level: to the tail, or to the head when its
// priority went down (Linux's __sched_setscheduler). The hart it runs or
// waits on reschedules. Any thread, any context but interrupts.
void sched_set_class(Lwp* l, SchedClass cls, unsigned rtprio);

// A new user thread or fork child l2 (not yet runnable) takes l1's class
// and priority (NetBSD: fork1 passes l1->l_class to lwp_create, which
// copies l_priority; sched_lwp_fork).
void sched_lwp_fork(Lwp* l2, const Lwp* l1);

// l's class, read without a lock (another thread may change it).
inline SchedClass sched_class_of(const Lwp* l) {
  return static_cast<SchedClass>(
      __atomic_load_n(reinterpret_cast<const u8*>(&l->l_class), __ATOMIC_RELAXED));
}
inline bool sched_is_rt(const Lwp* l) { return sched_class_of(l) != SchedClass::Other; }

// Switches to the next thread. The caller has set curlwp()->state (LSSLEEP,
// LSZOMB) or left it LSONPROC to be requeued. Interrupts off, no spin lock.
void sched_switch();

// Scheduler tick on this hart (interrupts off): slices, idle stealing.
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
