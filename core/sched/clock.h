// Each hart's one timer, programmed for whichever comes first: its next
// callout or, while it runs a thread, its next scheduler tick (every
// hal::tick_period_ns(); slices, CPU-time timers). An idle hart takes no
// tick: it sleeps until its next callout or an IPI, as Linux's NOHZ idle
// and its hrtimers, so a callout runs at its deadline, not on a 10 ms
// boundary.
#pragma once

#include "core/lib/types.h"

namespace tine {

// Scheduler ticks taken by one hart so far: ticks come only while it runs
// a thread (read racily; good for tests and stats).
u64 cpu_ticks(unsigned cpu);
// Timer interrupts taken by one hart: ticks and callout deadlines.
u64 cpu_timer_irqs(unsigned cpu);

// A callout was armed on the calling hart for deadline_ns: make sure its
// timer fires by then. Interrupts off (core/sched/callout.cpp).
void clock_callout_armed(u64 deadline_ns);

// The idle thread brackets its wfi with these, interrupts off: the first
// stops the tick (leaving only the next callout's deadline) and lets busy
// harts kick this one with an IPI when they have work queued; the second
// starts the tick again, for whatever thread the hart runs next.
void clock_idle_enter();
void clock_idle_exit();

}  // namespace tine
