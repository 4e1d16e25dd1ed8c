// Timers that post signals (itimer.h). An expiry runs as a callout in a
// hart's timer interrupt, where psignal (which takes p_lock, a sleeping
// mutex) cannot run: the callout reloads the timer and queues it, and one
// kernel thread, "timers", posts the queued timers' signals (NetBSD: the
// itimer callout schedules a soft interrupt, kern_time.c itimer_fire).
//
// Teardown: a timer is disarmed (its deadline cleared under g_timer_lock,
// then callout_stop waits out a running expiry), taken off the queue, and
// waited for while the thread is posting its signal; only then freed. So
// the thread never posts for a process that has finished exiting.
#include "core/proc/itimer.h"

#include "core/lib/list.h"
#include "core/proc/cputimer.h"
#include "core/lib/new.h"
#include "core/proc/exit.h"
#include "core/proc/lwp_user.h"
#include "core/proc/rusage.h"
#include "core/sched/cputime.h"
#include "core/proc/signal.h"
#include "core/sched/callout.h"
#include "core/sched/sched.h"
#include "core/sync/condvar.h"
#include "core/vm/heap.h"
#include "hal/hal.h"

namespace tine {

namespace {

struct FiredTag {};

struct Timer : ListLink<FiredTag> {
  Callout co;
  Proc* p = nullptr;
  int sig = 0;      // 0: SIGEV_NONE
  int id = -1;      // POSIX timer id; -1: ITIMER_REAL
  u64 sigval = 0;   // siginfo's si_value
  i32 tid = 0;      // SIGEV_THREAD_ID's LWP, or 0: the process
  PtimerClock clock;  // a CPU clock's timer has no callout (cputimer.h)
  // Under g_timer_lock:
  u64 deadline_ns = 0;  // next expiry, guest time; 0 = disarmed
  u64 interval_ns = 0;
  u32 overrun = 0;       // expirations folded into the queued signal
  u32 last_overrun = 0;  // overrun of the last signal posted
  bool queued = false;   // on g_fired, its signal not yet posted
};

}  // namespace

struct ProcTimers {
  Timer real;  // ITIMER_REAL
  Timer* posix[kMaxPosixTimers] = {};
};

namespace {

SpinLock g_timer_lock("timers", LockRank::Timers);
List<Timer, FiredTag> g_fired GUARDED_BY(g_timer_lock);
Timer* g_posting GUARDED_BY(g_timer_lock) = nullptr;  // the thread's current one
CondVar g_fired_cv("timers fired");
CondVar g_posted_cv("timers posted");

// The processes' timer tables: a slot is filled, emptied and its timer
// used by the syscalls (which may come from several LWPs at once) under
// this lock; a CPU-time expiry reads the slots under g_timer_lock, which a
// timer's teardown takes before it frees it (quiesce).
Mutex g_table_lock("timer tables", LockRank::TimerTable);

Mutex g_thread_lock("timers thread", LockRank::PLock);
bool g_thread_started GUARDED_BY(g_thread_lock) = false;

// An expiry at `now` on t's clock: reload from the last deadline
// (catching up, counting what was missed as overruns) or disarm, and queue
// the timer unless it already waits. True: the thread has work.
bool fire_locked(Timer* t, u64 now) REQUIRES(g_timer_lock) {
  u32 missed = 0;
  if (t->interval_ns) {
    t->deadline_ns += t->interval_ns;
    if (t->deadline_ns <= now) {
      const u64 behind = (now - t->deadline_ns) / t->interval_ns + 1;
      missed = behind > 0x7fffffff ? 0x7fffffff : u32(behind);
      t->deadline_ns += behind * t->interval_ns;
    }
  } else {
    t->deadline_ns = 0;
  }
  if (t->sig == 0) return false;  // SIGEV_NONE
  u64 over = u64(t->overrun) + missed + (t->queued ? 1 : 0);
  t->overrun = over > 0x7fffffff ? 0x7fffffff : u32(over);  // DELAYTIMER_MAX
  if (t->queued) return false;
  t->queued = true;
  g_fired.push_back(t);
  return true;
}

// The callout of a timer on the guest clock.
void on_expire(void* arg) {
  Timer* t = static_cast<Timer*>(arg);
  bool wake = false;
  {
    SpinGuard g(g_timer_lock);  // interrupts are off in the handler
    if (t->deadline_ns == 0) return;  // disarmed meanwhile
    wake = fire_locked(t, hal::time_ns());
    if (t->deadline_ns) callout_schedule_at(t->co, t->deadline_ns, on_expire, t);
  }
  if (wake) g_fired_cv.signal();
}

// A queued timer's signal, taken off the queue to be posted.
struct Posting {
  Proc* p = nullptr;
  int sig = 0;
  i32 tid = 0;
  SigInfo info;
};

Posting take_locked(Timer* t) REQUIRES(g_timer_lock) {
  t->queued = false;
  t->last_overrun = t->overrun;
  t->overrun = 0;
  Posting post{t->p, t->sig, t->tid, SigInfo{}};
  if (t->id >= 0) {
    // Linux's _timer: si_tid, si_overrun, si_sigval, where kill keeps
    // pid, uid and value.
    post.info = siginfo_kernel(t->sig, kSiTimer);
    post.info.kill.pid = t->id;
    post.info.kill.uid = t->last_overrun;
    post.info.kill.value = t->sigval;
  }
  return post;
}

void post_signal(const Posting& post) {
  if (!post.sig || !post.p) return;
  if (post.tid)
    (void)psignal_info_tid(post.p, post.info, post.tid);
  else if (post.info.si_signo)
    (void)psignal_info(post.p, post.info, false);
  else
    psignal(post.p, post.sig);  // ITIMER_REAL: SIGALRM from the kernel (SI_KERNEL), as Linux
}

[[noreturn]] void timers_thread(void*) {
  for (;;) {
    Posting post;
    {
      IrqSpinGuard g(g_timer_lock);
      Timer* t;
      while (!(t = g_fired.pop_front())) g_fired_cv.wait(g_timer_lock);
      post = take_locked(t);
      g_posting = t;
    }
    post_signal(post);
    {
      IrqSpinGuard g(g_timer_lock);
      g_posting = nullptr;
    }
    g_posted_cv.broadcast();
  }
}

// A timer is set anew or disarmed (it can fire no more on its old
// setting): the signal of an expiry still queued is posted now, by the
// caller, and one the thread is posting is waited for. Linux posts at the
// expiry itself, so when timer_settime or setitimer returns, no signal of
// the old setting is still to come.
void post_queued(Timer& t) {
  Posting post;
  {
    IrqSpinGuard g(g_timer_lock);
    while (g_posting == &t) g_posted_cv.wait(g_timer_lock);
    if (!t.queued) return;
    g_fired.remove(&t);
    post = take_locked(&t);
  }
  post_signal(post);
}

Result<void> start_thread() {
  MutexGuard g(g_thread_lock);
  if (g_thread_started) return ok();
  LwpOptions o;
  o.name = "timers";
  Result<Lwp*> l = lwp_create(timers_thread, nullptr, o);
  if (!l.ok()) return Error::Again;
  g_thread_started = true;
  return ok();
}

void disarm(Timer& t) {
  {
    IrqSpinGuard g(g_timer_lock);
    t.deadline_ns = 0;
    t.interval_ns = 0;
  }
  // Waits out an expiry running now; removes one it re-armed before it saw
  // the deadline cleared.
  (void)callout_stop(t.co);
}

TimerSetting setting_locked(const Timer& t, u64 now) REQUIRES(g_timer_lock) {
  TimerSetting s;
  s.interval_ns = t.interval_ns;
  if (t.deadline_ns) s.value_ns = t.deadline_ns > now ? t.deadline_ns - now : 1;  // due: not 0
  return s;
}

TimerSetting setting_of(const Timer& t) {
  IrqSpinGuard g(g_timer_lock);
  return setting_locked(t, hal::time_ns());
}

// Arms t to expire at `deadline` (guest time) and every `interval` after;
// returns the setting it replaces.
Result<TimerSetting> rearm(Timer& t, u64 deadline, u64 interval) {
  if (deadline) TRY(start_thread());
  TimerSetting old = setting_of(t);
  disarm(t);
  post_queued(t);
  IrqSpinGuard g(g_timer_lock);
  t.overrun = 0;
  if (deadline) {
    t.deadline_ns = deadline;
    t.interval_ns = interval;
    callout_schedule_at(t.co, deadline, on_expire, &t);
  }
  return old;
}

// Disarmed, not queued, not being posted: safe to free or reuse.
void quiesce(Timer& t) {
  disarm(t);
  IrqSpinGuard g(g_timer_lock);
  if (t.queued) {
    g_fired.remove(&t);
    t.queued = false;
  }
  while (g_posting == &t) g_posted_cv.wait(g_timer_lock);
}

u64 saturating_add(u64 a, u64 b) { return a + b < a ? ~u64(0) : a + b; }

Result<ProcTimers*> timers_of(Proc* p) {
  if (p->p_timers) return p->p_timers;
  void* m = kmalloc(sizeof(ProcTimers));
  if (!m) return Error::Again;
  ProcTimers* pt = new (m) ProcTimers;
  pt->real.p = p;
  pt->real.sig = kSigAlrm;
  __atomic_store_n(&p->p_timers, pt, __ATOMIC_RELEASE);  // ptimer_cpu_expire reads it
  return pt;
}

Result<Timer*> posix_timer(Proc* p, int id) {
  if (!p->p_timers || id < 0 || id >= kMaxPosixTimers || !p->p_timers->posix[id])
    return Error::Inval;
  return p->p_timers->posix[id];
}

void free_timer(Timer* t) {
  quiesce(*t);
  t->~Timer();
  kfree(t);
}

// CPU-time timers (cputimer.h: their expiries are seen at a return to
// user mode). A process CPU timer's deadline is on the process's user +
// system sample, a thread's on that LWP's own user + system time.

u64 min_u64(u64 a, u64 b) { return a < b ? a : b; }

// The earliest deadline of p's process CPU timers, ~0: none.
u64 process_next_locked(Proc* p) REQUIRES(g_timer_lock) {
  u64 next = ~u64(0);
  if (!p->p_timers) return next;
  for (const Timer* t : p->p_timers->posix)
    if (t && t->clock.kind == kPtimerProcessCpu && t->deadline_ns) next = min_u64(next, t->deadline_ns);
  return next;
}

// The earliest deadline of p's timers on LWP tid's CPU clock, ~0: none.
u64 thread_next_locked(Proc* p, i32 tid) REQUIRES(g_timer_lock) {
  u64 next = ~u64(0);
  if (!p->p_timers) return next;
  for (const Timer* t : p->p_timers->posix)
    if (t && t->clock.kind == kPtimerThreadCpu && t->clock.tid == tid && t->deadline_ns)
      next = min_u64(next, t->deadline_ns);
  return next;
}

// Arms or disarms t at `deadline` on its clock, whose value is `now`;
// returns the old setting.
TimerSetting cpu_rearm_locked(Timer* t, u64 now, u64 deadline, const TimerSetting& nv)
    REQUIRES(g_timer_lock) {
  const TimerSetting old = setting_locked(*t, now);
  t->overrun = 0;
  t->deadline_ns = deadline;
  t->interval_ns = deadline ? nv.interval_ns : 0;
  return old;
}

Result<TimerSetting> cpu_settime_process(Proc* p, Timer* t, bool absolute, const TimerSetting& nv) {
  if (nv.value_ns) TRY(start_thread());
  const u64 now = cputimer_posix_sample(p);
  u64 deadline = 0;
  if (nv.value_ns && absolute) {
    // An absolute time on the clock clock_gettime reads; the sample may
    // lag it a little (what the LWPs have not handed over yet).
    const CpuTimes c = proc_cputime(p);
    const u64 clock = c.user_ns + c.sys_ns;
    deadline = nv.value_ns > clock ? saturating_add(now, nv.value_ns - clock) : now;
  } else if (nv.value_ns) {
    deadline = saturating_add(now, nv.value_ns);
  }
  if (nv.value_ns && deadline == 0) deadline = 1;
  IrqSpinGuard g(g_timer_lock);
  const TimerSetting old = cpu_rearm_locked(t, now, deadline, nv);
  cputimer_posix_next(p, process_next_locked(p));
  return old;
}

Result<TimerSetting> cpu_settime_thread(Proc* p, Timer* t, bool absolute, const TimerSetting& nv) {
  if (nv.value_ns) TRY(start_thread());
  MutexGuard pl(p->p_lock());
  Lwp* l = lwp_find_locked(p, t->clock.tid);
  if (!l) return Error::Srch;  // its thread has gone (Linux: ESRCH)
  const u64 now = lwp_utime_ns(l) + lwp_stime_ns(l);
  u64 deadline = 0;
  if (nv.value_ns) deadline = absolute ? nv.value_ns : saturating_add(now, nv.value_ns);
  IrqSpinGuard g(g_timer_lock);
  const TimerSetting old = cpu_rearm_locked(t, now, deadline, nv);
  __atomic_store_n(&l->l_cpt_next_ns, thread_next_locked(p, t->clock.tid), __ATOMIC_RELAXED);
  return old;
}

}  // namespace

namespace {
// ITIMER_VIRTUAL and ITIMER_PROF count CPU time (cputimer.h).
int cpu_clock_of(int which) { return which == kItimerVirtual ? kCpuSampleUser : kCpuSampleProf; }
}  // namespace

Result<TimerSetting> itimer_set(Proc* p, int which, const TimerSetting& nv) {
  if (which == kItimerVirtual || which == kItimerProf)
    return cputimer_itimer_set(p, cpu_clock_of(which), nv);
  if (which != kItimerReal) return Error::Inval;
  MutexGuard g(g_table_lock);
  ProcTimers* pt = TRY(timers_of(p));
  const u64 deadline = nv.value_ns ? saturating_add(hal::time_ns(), nv.value_ns) : 0;
  return rearm(pt->real, deadline, nv.value_ns ? nv.interval_ns : 0);
}

Result<TimerSetting> itimer_get(Proc* p, int which) {
  if (which == kItimerVirtual || which == kItimerProf)
    return cputimer_itimer_get(p, cpu_clock_of(which));
  if (which != kItimerReal) return Error::Inval;
  MutexGuard g(g_table_lock);
  if (!p->p_timers) return TimerSetting{};
  return setting_of(p->p_timers->real);
}

Result<int> ptimer_create(Proc* p, int sig, u64 sigval, i32 tid, PtimerClock clock) {
  MutexGuard g(g_table_lock);
  ProcTimers* pt = TRY(timers_of(p));
  int id = 0;
  while (id < kMaxPosixTimers && pt->posix[id]) id++;
  if (id == kMaxPosixTimers) return Error::Again;
  void* m = kmalloc(sizeof(Timer));
  if (!m) return Error::Again;
  Timer* t = new (m) Timer;
  t->p = p;
  t->sig = sig;
  t->id = id;
  t->sigval = sigval;
  t->tid = tid;
  t->clock = clock;
  __atomic_store_n(&pt->posix[id], t, __ATOMIC_RELEASE);  // built: ptimer_cpu_expire may read it
  return id;
}

void ptimer_set_sigval(Proc* p, int id, u64 sigval) {
  MutexGuard g(g_table_lock);
  Result<Timer*> t = posix_timer(p, id);
  if (t.ok()) t.value()->sigval = sigval;
}

Result<TimerSetting> ptimer_settime(Proc* p, int id, bool absolute, const TimerSetting& nv) {
  MutexGuard g(g_table_lock);
  Timer* t = TRY(posix_timer(p, id));
  if (t->clock.kind == kPtimerProcessCpu || t->clock.kind == kPtimerThreadCpu) {
    const Result<TimerSetting> old = t->clock.kind == kPtimerProcessCpu
                                         ? cpu_settime_process(p, t, absolute, nv)
                                         : cpu_settime_thread(p, t, absolute, nv);
    post_queued(*t);  // no lock held: posting takes p_lock
    return old;
  }
  u64 deadline = 0;
  if (nv.value_ns) {
    // An absolute time already passed fires at once (at the next tick).
    deadline = absolute ? nv.value_ns : saturating_add(hal::time_ns(), nv.value_ns);
  }
  return rearm(*t, deadline, nv.value_ns ? nv.interval_ns : 0);
}

Result<TimerSetting> ptimer_gettime(Proc* p, int id) {
  MutexGuard tg(g_table_lock);
  Timer* t = TRY(posix_timer(p, id));
  if (t->clock.kind == kPtimerProcessCpu) {
    const u64 now = cputimer_posix_sample(p);
    IrqSpinGuard g(g_timer_lock);
    return setting_locked(*t, now);
  }
  if (t->clock.kind == kPtimerThreadCpu) {
    MutexGuard pl(p->p_lock());
    const Lwp* l = lwp_find_locked(p, t->clock.tid);
    IrqSpinGuard g(g_timer_lock);
    if (!l) return TimerSetting{0, t->interval_ns};  // its thread has gone (Linux: 0)
    return setting_locked(*t, lwp_utime_ns(l) + lwp_stime_ns(l));
  }
  return setting_of(*t);
}

Result<int> ptimer_getoverrun(Proc* p, int id) {
  MutexGuard tg(g_table_lock);
  Timer* t = TRY(posix_timer(p, id));
  IrqSpinGuard g(g_timer_lock);
  return int(t->last_overrun);
}

Result<void> ptimer_delete(Proc* p, int id) {
  MutexGuard tg(g_table_lock);
  Timer* t = TRY(posix_timer(p, id));
  __atomic_store_n(&p->p_timers->posix[id], nullptr, __ATOMIC_RELAXED);
  // An expiry before the delete keeps its signal, as on Linux 6.12.
  disarm(*t);
  post_queued(*t);
  const bool process_cpu = t->clock.kind == kPtimerProcessCpu;
  free_timer(t);
  if (process_cpu) {
    IrqSpinGuard g(g_timer_lock);
    cputimer_posix_next(p, process_next_locked(p));  // the samples may stop
  }
  return ok();
}

void ptimer_cpu_expire(Lwp* l) {
  Proc* p = l->proc;
  const u64 own = lwp_utime_ns(l) + lwp_stime_ns(l);
  const u64 sample = cputimer_prof_sample(p);
  bool wake = false;
  {
    IrqSpinGuard g(g_timer_lock);
    if (ProcTimers* pt = __atomic_load_n(&p->p_timers, __ATOMIC_ACQUIRE)) {
      for (Timer*& slot : pt->posix) {
        Timer* t = __atomic_load_n(&slot, __ATOMIC_RELAXED);
        if (!t || !t->deadline_ns) continue;
        u64 now;
        if (t->clock.kind == kPtimerProcessCpu)
          now = sample;
        else if (t->clock.kind == kPtimerThreadCpu && t->clock.tid == l->l_lid)
          now = own;
        else
          continue;
        if (now >= t->deadline_ns && fire_locked(t, now)) wake = true;
      }
    }
    cputimer_posix_next(p, process_next_locked(p));
    __atomic_store_n(&l->l_cpt_next_ns, thread_next_locked(p, l->l_lid), __ATOMIC_RELAXED);
  }
  if (wake) g_fired_cv.signal();
}

void timers_exec(Proc* p) {
  MutexGuard g(g_table_lock);
  if (!p->p_timers) return;
  for (Timer*& t : p->p_timers->posix) {
    if (!t) continue;
    free_timer(t);
    t = nullptr;
  }
  cputimer_posix_next(p, ~u64(0));
}

void timers_exit(Proc* p) {
  ProcTimers* pt = p->p_timers;
  if (!pt) return;
  timers_exec(p);
  MutexGuard g(g_table_lock);
  quiesce(pt->real);
  p->p_timers = nullptr;
  pt->~ProcTimers();
  kfree(pt);
}

}  // namespace tine
