// epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2
// (core/fs/file_epoll.h), in Linux's order of checks. A wait is never
// restarted: a signal ends it with EINTR, SA_RESTART or not (signal(7)),
// and a temporary mask then goes back after the handler.
#include "core/compat/linux/linux.h"
#include "core/compat/linux/sigwait.h"

#include "core/fs/file_epoll.h"
#include "core/fs/filedesc.h"
#include "core/fs/poll.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {

// Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event).
constexpr i64 kMaxEvents = 0x7fffffff / i64(sizeof(EpollEvent));
// Events gathered per look; more ready entries wait for the next call.
constexpr u64 kBatch = 64;

// The wait proper: EINVAL, EBADF, EINVAL for a File that is no epoll,
// then up to maxevents events copied out (EFAULT).
i64 wait_events(int epfd, uptr uevents, i64 maxevents, u64 until) {
  if (maxevents <= 0 || maxevents > kMaxEvents) return errno_of(Error::Inval);
  Result<File*> got = fd_get(curfd(), epfd);
  if (!got.ok()) return errno_of(got.error());
  File* f = got.value();
  if (!file_is_epoll(*f)) {
    file_release(f);
    return errno_of(Error::Inval);
  }
  struct Ctx {
    File* f;
    EpollEvent buf[kBatch];
    u64 max;
  };
  Ctx* ctx = static_cast<Ctx*>(kmalloc(sizeof(Ctx)));
  if (!ctx) {
    file_release(f);
    return errno_of(Error::NoMem);
  }
  ctx->f = f;
  ctx->max = min(u64(maxevents), kBatch);
  Result<u64> n = poll_wait(
      until,
      [](void* c, bool* device, u64* deadline) -> u64 {
        Ctx& x = *static_cast<Ctx*>(c);
        return epoll_collect(*x.f, x.buf, x.max, deadline, device);
      },
      ctx);
  i64 ret;
  if (!n.ok()) {
    ret = errno_of(Error::Intr);
  } else {
    ret = i64(n.value());
    if (ret > 0) {
      Result<void> c = copyout(uevents, ctx->buf, u64(ret) * sizeof(EpollEvent));
      if (!c.ok()) ret = errno_of(c.error());
    }
  }
  kfree(ctx);
  file_release(f);
  return ret;
}

// The temporary mask, wait, and mask back (Linux's do_epoll_pwait): a
// mask of another size is EINVAL, an unreadable one EFAULT.
i64 pwait(const SyscallArgs& a, u64 until) {
  Lwp* l = curlwp();
  bool masked = false;
  if (a.a[4]) {
    if (a.a[5] != kLinuxSigsetSize) return errno_of(Error::Inval);
    u64 mask;
    if (Result<void> c = copyin(&mask, a.a[4], sizeof mask); !c.ok()) return errno_of(c.error());
    set_temporary_mask(l, mask);
    masked = true;
  }
  const i64 r = wait_events(int(a.a[0]), a.a[1], i64(int(a.a[2])), until);
  if (r == errno_of(Error::Intr)) {
    l->l_sysrestart = kRestartNever;  // EINTR, never restarted
    return r;  // a temporary mask goes back after the handler
  }
  if (masked) restore_temporary_mask(l);
  return r;
}

}  // namespace

i64 linux_sys_epoll_create1(const SyscallArgs& a) {
  const int flags = int(a.a[0]);
  Result<File*> f = epoll_create(flags);
  if (!f.ok()) return errno_of(f.error());
  Result<int> fd = fd_install(curfd(), f.value(), (flags & kEpollCloExec) != 0);
  file_release(f.value());  // the slot holds its own
  return syscall_result(fd);
}

// epoll_ctl(epfd, op, fd, event): the event is read first unless op is
// DEL (EFAULT), then both descriptors (EBADF), then file_epoll's checks.
i64 linux_sys_epoll_ctl(const SyscallArgs& a) {
  const int op = int(a.a[1]);
  EpollEvent ev{0, 0};
  if (op != kEpollCtlDel) {
    if (Result<void> c = copyin(&ev, a.a[3], sizeof ev); !c.ok()) return errno_of(c.error());
  }
  FileTable* t = curfd();
  Result<File*> ep = fd_get(t, int(a.a[0]));
  if (!ep.ok()) return errno_of(ep.error());
  Result<File*> target = fd_get(t, int(a.a[2]));
  if (!target.ok()) {
    file_release(ep.value());
    return errno_of(target.error());
  }
  Result<void> r = epoll_ctl(*ep.value(), op, *target.value(), int(a.a[2]), ev);
  file_release(target.value());
  file_release(ep.value());
  return syscall_result(r);
}

// epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize):
// a negative timeout waits for ever, 0 not at all.
i64 linux_sys_epoll_pwait(const SyscallArgs& a) {
  const int ms = int(a.a[3]);
  u64 until = 0;
  if (ms == 0)
    until = kPollNoWait;
  else if (ms > 0)
    until = hal::time_ns() + u64(ms) * 1000000u;
  return pwait(a, until);
}

// epoll_pwait2(epfd, events, maxevents, timeout, sigmask, sigsetsize): the
// timeout a timespec (NULL: for ever), read first (EFAULT, EINVAL).
i64 linux_sys_epoll_pwait2(const SyscallArgs& a) {
  u64 until = 0;
  if (a.a[3]) {
    bool zero;
    Result<u64> u = read_timeout(a.a[3], &zero);
    if (!u.ok()) return errno_of(u.error());
    until = zero ? kPollNoWait : u.value();
  }
  return pwait(a, until);
}

}  // namespace tine
