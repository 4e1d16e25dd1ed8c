#include "core/fs/file_timerfd.h"

#include "core/fs/poll.h"
#include "core/lib/new.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {

struct TimerFd {
  Mutex lock{"timerfd", LockRank::TimerFd};
  CondVar changed{"timerfd"};  // settime: sleepers look again
  u64 deadline GUARDED_BY(lock) = 0;  // next expiry, guest ns; 0 = disarmed
  u64 interval GUARDED_BY(lock) = 0;
  u64 ticks GUARDED_BY(lock) = 0;     // expirations not yet read
  // Readiness changes (atomic), for epoll's edge-triggered mode: bumped
  // by settime and by the first look that finds an expiry.
  u32 seq = 0;
};

TimerFd& tfd_of(File& f) { return *static_cast<TimerFd*>(f.data); }

u64 saturating_add(u64 a, u64 b) { return a + b < a ? ~u64(0) : a + b; }

// Counts the expirations that have passed by `now` and moves the deadline
// past it (or disarms a one-shot timer), as Linux's hrtimer_forward.
void catch_up_locked(TimerFd& t, u64 now) REQUIRES(t.lock) {
  if (!t.deadline || now < t.deadline) return;
  u64 n = 1;
  if (t.interval) {
    const u64 more = (now - t.deadline) / t.interval;
    n += more;
    t.deadline = saturating_add(t.deadline, (more + 1) * t.interval);
  } else {
    t.deadline = 0;
  }
  t.ticks = saturating_add(t.ticks, n);
  __atomic_add_fetch(&t.seq, 1, __ATOMIC_RELAXED);
}

TimerFdSetting setting_locked(TimerFd& t, u64 now) REQUIRES(t.lock) {
  TimerFdSetting s;
  s.interval_ns = t.interval;
  if (t.deadline) s.value_ns = t.deadline - now;  // > 0 after catch_up_locked
  return s;
}

Result<size_t> tfd_read(File& f, uptr user_buf, size_t n) {
  if (n < sizeof(u64)) return Error::Inval;
  TimerFd& t = tfd_of(f);
  u64 ticks;
  {
    MutexGuard g(t.lock);
    for (;;) {
      catch_up_locked(t, hal::time_ns());
      if (t.ticks) break;
      if (f.nonblocking()) return Error::Again;
      // Until the deadline (the nap's callout), a settime, or a signal.
      TRY(sleep_intr_nap(SleepOn{.cv = &t.changed, .m = &t.lock, .until_ns = t.deadline}));
    }
    ticks = t.ticks;
    t.ticks = 0;
  }
  TRY(copyout(user_buf, &ticks, sizeof ticks));
  return sizeof ticks;
}

// Linux's timerfd has no write: vfs_write says EINVAL.
Result<size_t> tfd_write(File&, uptr, size_t) { return Error::Inval; }

void tfd_close(File& f) {
  TimerFd* t = &tfd_of(f);
  t->~TimerFd();
  kfree(t);
}

i16 tfd_poll(File& f) {
  TimerFd& t = tfd_of(f);
  MutexGuard g(t.lock);
  catch_up_locked(t, hal::time_ns());
  return t.ticks ? i16(kPollIn | kPollRdNorm) : i16(0);
}

u64 tfd_poll_deadline(File& f) {
  TimerFd& t = tfd_of(f);
  MutexGuard g(t.lock);
  return t.ticks ? 0 : t.deadline;
}

u32 tfd_poll_seq(File& f) { return __atomic_load_n(&tfd_of(f).seq, __ATOMIC_RELAXED); }

const FileOps kTimerFdOps = {
    .name = "timerfd",
    .read = tfd_read,
    .write = tfd_write,
    .close = tfd_close,
    .stat = anon_inode_stat,
    .seekable = false,
    .poll = tfd_poll,
    .zero_len_io = true,
    .poll_deadline = tfd_poll_deadline,
    .poll_seq = tfd_poll_seq,
};

}  // namespace

Result<File*> timerfd_create(int clockid, int flags) {
  if (flags & ~(kTfdNonBlock | kTfdCloExec)) return Error::Inval;
  if (clockid != kClockRealtime && clockid != kClockMonotonic && clockid != kClockBoottime &&
      clockid != kClockRealtimeAlarm && clockid != kClockBoottimeAlarm)
    return Error::Inval;
  void* mem = kmalloc(sizeof(TimerFd));
  if (!mem) return Error::NoMem;
  TimerFd* t = new (mem) TimerFd;
  Result<File*> f = file_create(&kTimerFdOps, kORdWr | (flags & kONonBlock), t);
  if (!f.ok()) {
    t->~TimerFd();
    kfree(t);
  }
  return f;
}

Result<TimerFdSetting> timerfd_settime(File& f, int flags, u64 value_ns, u64 interval_ns) {
  if (flags & ~(kTfdTimerAbstime | kTfdTimerCancelOnSet)) return Error::Inval;
  if (f.ops != &kTimerFdOps) return Error::Inval;
  TimerFd& t = tfd_of(f);
  TimerFdSetting old;
  {
    MutexGuard g(t.lock);
    const u64 now = hal::time_ns();
    catch_up_locked(t, now);
    old = setting_locked(t, now);
    t.ticks = 0;
    t.interval = value_ns ? interval_ns : 0;
    if (!value_ns)
      t.deadline = 0;
    else if (flags & kTfdTimerAbstime)
      t.deadline = value_ns;  // in the past: expires at the next look
    else
      t.deadline = saturating_add(now, value_ns);
    __atomic_add_fetch(&t.seq, 1, __ATOMIC_RELAXED);
    t.changed.broadcast();
  }
  poll_wakeup();
  return old;
}

Result<TimerFdSetting> timerfd_gettime(File& f) {
  if (f.ops != &kTimerFdOps) return Error::Inval;
  TimerFd& t = tfd_of(f);
  MutexGuard g(t.lock);
  const u64 now = hal::time_ns();
  catch_up_locked(t, now);
  return setting_locked(t, now);
}

}  // namespace tine
