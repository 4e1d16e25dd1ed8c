#include "core/fs/poll.h"

#include "core/fs/file.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"
#include "hal/hal.h"

namespace tine {

namespace {
// The wait channel. A poller counts itself in g_pollers before it scans; a
// waker changes its state before it reads g_pollers (both sequentially
// consistent), so either the scan sees the change or the waker sees the
// poller and bumps g_generation under g_lock, which the poller rechecks
// under g_lock before each sleep: no wakeup is lost.
u32 g_pollers = 0;
Mutex g_lock("poll", LockRank::Poll);
CondVar g_cv("poll");
u64 g_generation GUARDED_BY(g_lock) = 0;

// A console without input interrupts is looked at this often by a poller
// that waits for its input (a device poll; signals wake pollers at once).
constexpr u64 kDevicePollNs = 10'000'000;

i16 poll_one(FileTable* t, const PollFd& p, PollReport report, bool* device_polled,
             u64* deadline) {
  if (p.fd < 0) return 0;
  const bool select = report == PollReport::Select;
  Result<File*> got = fd_get(t, p.fd);
  if (!got.ok()) return select ? 0 : kPollNval;
  File* f = got.value();
  i16 ready = f->ops->poll ? f->ops->poll(*f) : i16(kPollIn | kPollRdNorm | kPollOut | kPollWrNorm);
  if (f->ops->polled_device && (p.events & (kPollIn | kPollRdNorm))) *device_polled = true;
  poll_note_deadline(*f, deadline);
  file_release(f);
  return ready & (select ? p.events : i16(p.events | kPollErr | kPollHup));
}

u64 scan(FileTable* t, PollFd* fds, u64 nfds, PollReport report, bool* device_polled,
         u64* deadline) {
  u64 n = 0;
  for (u64 i = 0; i < nfds; i++) {
    fds[i].revents = poll_one(t, fds[i], report, device_polled, deadline);
    if (fds[i].revents) n++;
  }
  return n;
}
}  // namespace

void poll_note_deadline(File& f, u64* deadline) {
  if (!f.ops->poll_deadline) return;
  const u64 d = f.ops->poll_deadline(f);
  if (d && (!*deadline || d < *deadline)) *deadline = d;
}

void poll_wakeup() {
  if (__atomic_load_n(&g_pollers, __ATOMIC_SEQ_CST) == 0) return;
  MutexGuard g(g_lock);
  g_generation++;
  g_cv.broadcast();
}

Result<u64> poll_wait(u64 until_ns, PollLook look, void* ctx) {
  bool device = false;
  u64 deadline = 0;
  if (until_ns == kPollNoWait) return look(ctx, &device, &deadline);
  __atomic_fetch_add(&g_pollers, 1u, __ATOMIC_SEQ_CST);
  Result<u64> result = u64(0);
  for (;;) {
    u64 seen;
    {
      MutexGuard g(g_lock);
      seen = g_generation;
    }
    device = false;
    deadline = 0;
    const u64 n = look(ctx, &device, &deadline);
    if (n > 0 || (until_ns && hal::time_ns() >= until_ns)) {
      result = n;
      break;
    }
    MutexGuard g(g_lock);
    // Until a wakeup, the deadline, a device look, a File's own deadline
    // (a timer), or a signal.
    u64 wake_at = until_ns;
    const u64 sooner[2] = {device ? hal::time_ns() + kDevicePollNs : 0, deadline};
    for (u64 d : sooner)
      if (d && (!wake_at || d < wake_at)) wake_at = d;
    Result<void> slept = sleep_until(SleepOn{.cv = &g_cv, .m = &g_lock, .until_ns = wake_at}, [&] {
      sleep_until_holds(g_lock);
      return g_generation != seen || (wake_at && hal::time_ns() >= wake_at);
    });
    if (!slept.ok()) {
      result = slept.error();
      break;
    }
  }
  __atomic_fetch_sub(&g_pollers, 1u, __ATOMIC_SEQ_CST);
  return result;
}

Result<u64> sys_poll(FileTable* t, PollFd* fds, u64 nfds, u64 until_ns, PollReport report) {
  struct Ctx {
    FileTable* t;
    PollFd* fds;
    u64 nfds;
    PollReport report;
  } ctx{t, fds, nfds, report};
  return poll_wait(
      until_ns,
      [](void* c, bool* device, u64* deadline) -> u64 {
        Ctx& x = *static_cast<Ctx*>(c);
        return scan(x.t, x.fds, x.nfds, x.report, device, deadline);
      },
      &ctx);
}

}  // namespace tine
