// Timers on a process's CPU time (cputimer.h).
//
// Each LWP remembers how much of its own CPU time it has handed to its
// process (Lwp::l_cpt_seen_ns, written by itself only); at each return to
// user mode it hands over the rest. While no timer is armed the hand-over
// is dropped, so the samples are set again when one is armed: to the gone
// LWPs' time plus what each living LWP has handed over so far (then no
// LWP's next hand-over counts twice). The deadlines are on these samples.
#include "core/proc/cputimer.h"

#include "core/proc/cputimer_userret.h"
#include "core/proc/exit.h"
#include "core/proc/itimer.h"
#include "core/proc/proc.h"
#include "core/sched/cputime.h"
#include "core/sched/sched.h"
#include "core/sync/spinlock.h"

namespace tine {

namespace {

constexpr int kSigXcpu = 24, kSigVtalrm = 26, kSigProf = 27;  // Linux's numbers
constexpr u64 kNsPerSec = 1000000000u;

// Arming, reloading and disarming: rare, so one lock for all processes.
// Unranked: taken under itimer.cpp's g_timer_lock, nests no other lock.
SpinLock g_cpu_lock("cputimers", LockRank::Unranked);

u64 load(const u64& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }

u64 saturating_add(u64 a, u64 b) { return a + b < a ? ~u64(0) : a + b; }

// l's CPU time not yet handed to its process, user and system; marks it
// handed. Returns l's own user + system time. Only l itself calls this.
u64 take_new(Lwp* l, u64& du, u64& ds) {
  const u64 u = lwp_utime_ns(l), s = lwp_stime_ns(l);
  du = u - l->l_cpt_seen_ns[0];
  ds = s - l->l_cpt_seen_ns[1];
  __atomic_store_n(&l->l_cpt_seen_ns[0], u, __ATOMIC_RELAXED);
  __atomic_store_n(&l->l_cpt_seen_ns[1], s, __ATOMIC_RELAXED);
  return u + s;
}

// Adds an LWP's new time to its process's samples: true if a deadline
// has come.
bool hand_over(Proc* p, u64 du, u64 ds) {
  ProcCpuTimers& t = p->p_cputimers;
  if (!__atomic_load_n(&t.armed, __ATOMIC_ACQUIRE)) return false;
  const u64 user = __atomic_add_fetch(&t.sample_ns[kCpuSampleUser], du, __ATOMIC_RELAXED);
  const u64 prof = __atomic_add_fetch(&t.sample_ns[kCpuSampleProf], du + ds, __ATOMIC_RELAXED);
  return user >= load(t.next_ns[kCpuSampleUser]) || prof >= load(t.next_ns[kCpuSampleProf]);
}

bool account(Lwp* l) {
  cputime_sync_self(l);  // l is the caller
  u64 du, ds;
  (void)take_new(l, du, ds);
  return hand_over(l->proc, du, ds);
}

// The samples a newly armed process starts from (see the top).
void base_samples_locked(Proc* p, u64 out[kCpuSamples]) REQUIRES(p->p_lockobj->mutex) {
  u64 user = __atomic_load_n(&p->p_stats.user_ns, __ATOMIC_RELAXED);
  u64 sys = __atomic_load_n(&p->p_stats.sys_ns, __ATOMIC_RELAXED);
  for (const Lwp* l : p->p_lwps) {
    user += __atomic_load_n(&l->l_cpt_seen_ns[0], __ATOMIC_RELAXED);
    sys += __atomic_load_n(&l->l_cpt_seen_ns[1], __ATOMIC_RELAXED);
  }
  out[kCpuSampleUser] = user;
  out[kCpuSampleProf] = user + sys;
}

void base_samples(Proc* p, u64 out[kCpuSamples]) {
  MutexGuard g(p->p_lock());
  base_samples_locked(p, out);
}

// Sets the samples from `base` if no timer was armed (they were still).
void rebase_locked(ProcCpuTimers& t, const u64 base[kCpuSamples]) REQUIRES(g_cpu_lock) {
  if (t.armed) return;
  for (int c = 0; c < kCpuSamples; c++) __atomic_store_n(&t.sample_ns[c], base[c], __ATOMIC_RELAXED);
}

u64 secs_ns(u64 s) { return s >= ~u64(0) / kNsPerSec ? ~u64(0) : s * kNsPerSec; }

// RLIMIT_CPU's next event: the soft limit, or the hard one if lower. None
// while the soft limit is infinite (Linux then checks neither).
u64 rlimit_next(const Rlimit& r) {
  if (r.cur == kRlimInfinity) return ~u64(0);
  const u64 soft = secs_ns(r.cur);
  const u64 hard = r.max == kRlimInfinity ? ~u64(0) : secs_ns(r.max);
  return soft < hard ? soft : hard;
}

// The earliest deadlines and the armed flag, after a change.
void update_locked(ProcCpuTimers& t) REQUIRES(g_cpu_lock) {
  u32 armed = t.rlimit_ns != ~u64(0);
  for (int c = 0; c < kCpuSamples; c++) {
    u64 next = t.itimer[c].deadline_ns ? t.itimer[c].deadline_ns : ~u64(0);
    if (c == kCpuSampleProf && t.rlimit_ns < next) next = t.rlimit_ns;
    if (c == kCpuSampleProf && t.posix_ns < next) next = t.posix_ns;
    __atomic_store_n(&t.next_ns[c], next, __ATOMIC_RELAXED);
    if (next != ~u64(0)) armed = 1;
  }
  __atomic_store_n(&t.armed, armed, __ATOMIC_RELEASE);
}

TimerSetting setting_locked(const ProcCpuTimers& t, int clock) REQUIRES(g_cpu_lock) {
  const CpuItimer& it = t.itimer[clock];
  TimerSetting s;
  s.interval_ns = it.interval_ns;
  if (it.deadline_ns) {
    const u64 now = load(t.sample_ns[clock]);
    s.value_ns = it.deadline_ns > now ? it.deadline_ns - now : 1;  // due: not 0
  }
  return s;
}

// RLIMIT_CPU's event has come (Linux's check_process_timers): SIGKILL at
// the hard limit, else SIGXCPU and the soft limit a second higher.
void rlimit_expire(Proc* p) {
  int sig = 0;
  {
    MutexGuard g(p->p_lock());
    Rlimit r = p->p_limit->limits[kRlimitCpu];
    const u64 prof = load(p->p_cputimers.sample_ns[kCpuSampleProf]);
    if (r.cur != kRlimInfinity) {
      if (r.max != kRlimInfinity && prof >= secs_ns(r.max)) {
        sig = kSigKill;
      } else if (prof >= secs_ns(r.cur)) {
        sig = kSigXcpu;
        r.cur++;
        // Out of memory for a private copy: the limit stays, the next
        // signal still comes a second later.
        if (lim_privatize(&p->p_limit).ok()) p->p_limit->limits[kRlimitCpu].cur = r.cur;
      }
    }
    IrqSpinGuard s(g_cpu_lock);
    p->p_cputimers.rlimit_ns = sig == kSigKill ? ~u64(0) : rlimit_next(r);
    update_locked(p->p_cputimers);
  }
  if (sig) psignal(p, sig);
}

// Reloads or disarms the itimers whose deadline has come and posts their
// signals. A reload that is behind skips the periods already past, as
// their signals would merge with this one. True: a POSIX CPU timer's
// deadline has come (itimer.cpp's to handle).
bool expire(Proc* p) {
  int sigs[kCpuSamples];
  int n = 0;
  bool rlimit, posix;
  {
    IrqSpinGuard g(g_cpu_lock);
    ProcCpuTimers& t = p->p_cputimers;
    for (int c = 0; c < kCpuSamples; c++) {
      CpuItimer& it = t.itimer[c];
      const u64 now = load(t.sample_ns[c]);
      if (!it.deadline_ns || now < it.deadline_ns) continue;
      if (it.interval_ns) {
        const u64 periods = (now - it.deadline_ns) / it.interval_ns + 1;
        it.deadline_ns = saturating_add(it.deadline_ns, periods * it.interval_ns);
      } else {
        it.deadline_ns = 0;
      }
      sigs[n++] = c == kCpuSampleUser ? kSigVtalrm : kSigProf;
    }
    rlimit = load(t.sample_ns[kCpuSampleProf]) >= t.rlimit_ns;
    posix = load(t.sample_ns[kCpuSampleProf]) >= t.posix_ns;
    update_locked(t);
  }
  for (int i = 0; i < n; i++) psignal(p, sigs[i]);
  if (rlimit) rlimit_expire(p);
  return posix;
}

}  // namespace

void cputimer_userret_slow(Lwp* l, u64 du, u64 ds, u64 own) {
  bool posix = own >= __atomic_load_n(&l->l_cpt_next_ns, __ATOMIC_RELAXED);
  if (hand_over(l->proc, du, ds) && expire(l->proc)) posix = true;
  if (posix) ptimer_cpu_expire(l);
}

void cputimer_userret(Lwp* l) { cputimer_userret_fast(l); }

TimerSetting cputimer_itimer_set(Proc* p, int clock, const TimerSetting& nv) {
  // The caller's time so far counts for the timers already armed only.
  (void)account(curlwp());
  u64 base[kCpuSamples];
  base_samples(p, base);
  IrqSpinGuard g(g_cpu_lock);
  ProcCpuTimers& t = p->p_cputimers;
  rebase_locked(t, base);
  const TimerSetting old = setting_locked(t, clock);
  CpuItimer& it = t.itimer[clock];
  it.deadline_ns = nv.value_ns ? saturating_add(load(t.sample_ns[clock]), nv.value_ns) : 0;
  it.interval_ns = nv.value_ns ? nv.interval_ns : 0;
  update_locked(t);
  return old;
}

TimerSetting cputimer_itimer_get(Proc* p, int clock) {
  (void)account(curlwp());
  IrqSpinGuard g(g_cpu_lock);
  return setting_locked(p->p_cputimers, clock);
}

void cputimer_rlimit_changed(Proc* p) {
  Lwp* self = curlwp();
  if (self->proc == p) (void)account(self);
  u64 base[kCpuSamples];
  MutexGuard g(p->p_lock());
  base_samples_locked(p, base);
  IrqSpinGuard s(g_cpu_lock);
  ProcCpuTimers& t = p->p_cputimers;
  rebase_locked(t, base);
  t.rlimit_ns = rlimit_next(p->p_limit->limits[kRlimitCpu]);
  update_locked(t);
}

void cputimer_fork_child(Proc* p) NO_THREAD_SAFETY_ANALYSIS {
  ProcCpuTimers& t = p->p_cputimers;
  KASSERT(!t.armed);
  t.rlimit_ns = rlimit_next(p->p_limit->limits[kRlimitCpu]);
  // No limit (the usual case): the fresh timers are disarmed as they are.
  if (t.rlimit_ns != ~u64(0)) update_locked(t);
}

u64 cputimer_posix_sample(Proc* p) {
  Lwp* self = curlwp();
  if (self->proc == p) (void)account(self);
  u64 base[kCpuSamples];
  base_samples(p, base);
  IrqSpinGuard g(g_cpu_lock);
  rebase_locked(p->p_cputimers, base);
  return load(p->p_cputimers.sample_ns[kCpuSampleProf]);
}

u64 cputimer_prof_sample(const Proc* p) { return load(p->p_cputimers.sample_ns[kCpuSampleProf]); }

void cputimer_posix_next(Proc* p, u64 next_ns) {
  IrqSpinGuard g(g_cpu_lock);
  p->p_cputimers.posix_ns = next_ns;
  update_locked(p->p_cputimers);
}

}  // namespace tine
