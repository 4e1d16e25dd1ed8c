// Per-process timers that post a signal when they expire: ITIMER_REAL
// (setitimer/getitimer, and so alarm) and POSIX timers (timer_create &c.),
// all on the one guest clock (every clock Tine has reads hal::time_ns).
//
// Lifetimes, as Linux: fork does not inherit any (the child's Proc starts
// without timers), exec keeps ITIMER_REAL (POSIX: "alarm ... preserved
// across exec") and deletes the POSIX timers, exit deletes all.
//
// ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time instead
// (core/proc/cputimer.h); exec keeps them too, fork does not inherit them.
//
// Any LWP of the process may create, arm and delete its timers: the table
// and the timers in it are used under one lock (itimer.cpp), and what an
// expiry touches is under one spin lock.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Proc;
struct Lwp;

// A timer's setting in guest ns: the next expiry (remaining, relative) and
// the reload interval; value 0 = disarmed.
struct TimerSetting {
  u64 value_ns = 0;
  u64 interval_ns = 0;
};

inline constexpr int kItimerReal = 0, kItimerVirtual = 1, kItimerProf = 2;

// setitimer/getitimer: EINVAL for a `which` other than ITIMER_REAL,
// ITIMER_VIRTUAL, ITIMER_PROF. Expiry posts SIGALRM (SIGVTALRM, SIGPROF);
// a nonzero interval reloads the timer.
Result<TimerSetting> itimer_set(Proc* p, int which, const TimerSetting& nv);
Result<TimerSetting> itimer_get(Proc* p, int which);

// POSIX timers. sig 0 = SIGEV_NONE (no signal). Ids are small integers per
// process; EAGAIN past kMaxPosixTimers; EINVAL for an id not in use.
inline constexpr int kMaxPosixTimers = 32;
// What a POSIX timer counts: the guest clock, its process's CPU time (user
// + system, CLOCK_PROCESS_CPUTIME_ID) or one of its LWPs' (`tid`,
// CLOCK_THREAD_CPUTIME_ID). A CPU-time timer's expiry is seen at a return
// to user mode (core/proc/cputimer.h); one on a thread that has gone never
// fires, and settime on it is ESRCH (Linux).
inline constexpr u8 kPtimerReal = 0, kPtimerProcessCpu = 1, kPtimerThreadCpu = 2;
struct PtimerClock {
  u8 kind = kPtimerReal;
  i32 tid = 0;
};
// `tid`: the LWP the signal goes to (SIGEV_THREAD_ID; dropped if it has
// exited, as Linux), 0 for the process.
Result<int> ptimer_create(Proc* p, int sig, u64 sigval, i32 tid = 0, PtimerClock clock = {});
void ptimer_set_sigval(Proc* p, int id, u64 sigval);  // a timer just created
// Arms (value != 0) or disarms; `absolute`: value is a deadline in guest
// time. Returns the old setting. Resets the overrun count.
Result<TimerSetting> ptimer_settime(Proc* p, int id, bool absolute, const TimerSetting& nv);
Result<TimerSetting> ptimer_gettime(Proc* p, int id);
// Expirations that came while the previous signal was still waiting to be
// posted, counted for the last signal posted.
Result<int> ptimer_getoverrun(Proc* p, int id);
Result<void> ptimer_delete(Proc* p, int id);
// cputimer.cpp, at l's return to user mode: a deadline of its process's
// CPU timers or of its own thread CPU timers may have come.
void ptimer_cpu_expire(Lwp* l);

// exec: deletes the POSIX timers. exit: deletes all and frees the table.
// Called by the process's own LWP.
void timers_exec(Proc* p);
void timers_exit(Proc* p);

}  // namespace tine
