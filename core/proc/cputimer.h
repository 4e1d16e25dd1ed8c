// Timers on a process's CPU time (Linux's kernel/time/posix-cpu-timers.c,
// its process-wide half): ITIMER_VIRTUAL counts user time and posts
// SIGVTALRM, ITIMER_PROF counts user + system time and posts SIGPROF; both
// reload from their interval.
//
// The clocks: core/sched/cputime.h charges each LWP precisely at the
// user/kernel edges (a tick while an LWP runs user code is such an edge).
// At every return to user mode the LWP adds what it was charged since its
// last return to its process's two samples (user, user + system), but only
// while a timer is armed (Linux's thread_group_cputimer, running only
// while needed), and compares them with the earliest deadline. So an expiry
// is seen at the charging LWP's next return to user mode, within a tick of
// CPU time of the deadline, as Linux's tick-driven check; the signal goes to
// the process (any LWP not blocking it).
//
// POSIX timers on the process CPU clock count on the same user + system
// sample; those on a thread's CPU clock on that LWP's own time, checked at
// that LWP's return to user mode (itimer.h).
//
// RLIMIT_CPU is checked on the same sample, as Linux's check_process_timers:
// at the soft limit SIGXCPU, and again each second past it (the soft limit
// rises by a second each time, as Linux shows it); at the hard limit
// SIGKILL.
//
// Lifetimes, as Linux: a fork child starts with no timer (Proc is built
// zeroed) but with its parent's limits, exec keeps both, exit ends them
// with the process.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Proc;
struct Lwp;
struct TimerSetting;

inline constexpr int kCpuSampleUser = 0, kCpuSampleProf = 1, kCpuSamples = 2;

struct CpuItimer {
  u64 deadline_ns = 0;  // on its clock; 0 = disarmed
  u64 interval_ns = 0;
};

// Proc::p_cputimers. The samples and the earliest deadlines are atomics
// (the return to user reads them without a lock); the rest is under the
// one spin lock of cputimer.cpp.
struct ProcCpuTimers {
  u32 armed = 0;                            // any timer armed: samples advance
  u64 sample_ns[kCpuSamples] = {};           // user, user + system
  u64 next_ns[kCpuSamples] = {~u64(0), ~u64(0)};  // earliest deadline, ~0: none
  CpuItimer itimer[kCpuSamples];             // ITIMER_VIRTUAL, ITIMER_PROF
  u64 rlimit_ns = ~u64(0);  // RLIMIT_CPU's next event on user + system, ~0: none
  u64 posix_ns = ~u64(0);   // the POSIX process CPU timers' earliest deadline
};

// The return to user mode of l (a user LWP): adds l's new CPU time to its
// process's samples while a timer is armed, and posts the signals of the
// timers that expired. Called before the pending signals are acted on.
void cputimer_userret(Lwp* l);

// setitimer/getitimer for ITIMER_VIRTUAL (kCpuSampleUser) and ITIMER_PROF
// (kCpuSampleProf), by p's own LWP: the setting replaced, or the remaining
// CPU time and the interval.
TimerSetting cputimer_itimer_set(Proc* p, int clock, const TimerSetting& nv);
TimerSetting cputimer_itimer_get(Proc* p, int clock);

// RLIMIT_CPU of p (its p_limit) has changed (setrlimit, by p's own LWP,
// not holding p_lock).
void cputimer_rlimit_changed(Proc* p);
// p is fork1's child, not yet published, with its p_limit (RLIMIT_CPU
// inherited) and fresh timers: arms RLIMIT_CPU on the child's own time
// from zero. No lock: no other thread can reach p or its timers.
void cputimer_fork_child(Proc* p);

// For the POSIX timers on CPU clocks (itimer.cpp; their table is there, the
// thread ones' earliest deadline in Lwp::l_cpt_next_ns): the user + system
// sample now, counting the caller's time and set going if no timer was
// armed; the sample as it stands; and the earliest deadline on it (~0:
// none), set under the timers' lock.
u64 cputimer_posix_sample(Proc* p);
u64 cputimer_prof_sample(const Proc* p);
void cputimer_posix_next(Proc* p, u64 next_ns);

}  // namespace tine
