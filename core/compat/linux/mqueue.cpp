// Linux's POSIX message queue calls (ipc/mqueue.c): mq_open (180),
// mq_unlink (181), mq_timedsend (182), mq_timedreceive (183), mq_notify
// (184), mq_getsetattr (185), decoding struct mq_attr, timespec and
// sigevent around core/ipc/mqueue*.h, in Linux's order of checks.
//
// SIGEV_THREAD notification needs a netlink socket, which Tine has not:
// the raw call answers as Linux does for a descriptor that is none (EBADF,
// ENOTSOCK, or EINVAL for another kind of socket), and glibc's
// mq_notify(SIGEV_THREAD), whose socket(AF_NETLINK) fails, says ENOSYS.
#include "core/compat/linux/linux.h"

#include "core/compat/linux/abi_time.h"
#include "core/fs/cwd.h"
#include "core/fs/filedesc.h"
#include "core/ipc/mqueue_file.h"
#include "core/ipc/mqueue_names.h"
#include "core/lib/string.h"
#include "core/proc/proc.h"
#include "core/proc/sigacts.h"
#include "core/vfs/vfs_at.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

struct LinuxMqAttr {
  i64 flags, maxmsg, msgsize, curmsgs;
  i64 reserved[4];
};
static_assert(sizeof(LinuxMqAttr) == 64);

constexpr u64 kNs = 1000000000u;
constexpr size_t kNotifyCookieLen = 32;

// The queue name as getname gives it, less glibc's leading '/' (which
// glibc strips itself): "" is NoEnt, PATH_MAX or longer NameTooLong.
Result<size_t> copy_name(UserPath& name, uptr user) {
  TRY(name.copy(user));
  const size_t len = strlen(name.p);
  if (len == 0) return Error::NoEnt;
  return len;
}

// prepare_timeout: EFAULT, then EINVAL for a timespec that is not valid
// (checked whether or not the call would block, as Linux does). The
// deadline in guest ns (CLOCK_REALTIME reads the guest time, system.cpp);
// 0 for none. A time at or before boot has passed already: 1.
Result<u64> copy_deadline(uptr user) {
  if (!user) return u64(0);
  LinuxTimespec ts;
  TRY(copyin(&ts, user, sizeof ts));
  if (ts.sec < 0 || ts.nsec < 0 || u64(ts.nsec) >= kNs) return Error::Inval;
  if (u64(ts.sec) > (~u64(0) - u64(ts.nsec)) / kNs - 1) return ~u64(0);
  const u64 ns = u64(ts.sec) * kNs + u64(ts.nsec);
  return ns ? ns : 1;
}

// The mq descriptor fd: EBADF when not open or no message queue. The File
// is held; release it with file_release.
Result<File*> mq_file(int fd, MQueue** q) {
  File* f = TRY(fd_get(curfd(), fd));
  *q = mqueue_of_file(*f);
  if (!*q) {
    file_release(f);
    return Error::BadF;
  }
  return f;
}

u64 msgqueue_rlimit(Proc* p) {
  MutexGuard g(p->p_lock());
  return p->p_limit->limits[kRlimitMsgqueue].cur;
}

}  // namespace

// mq_open(name, oflag, mode, attr).
i64 linux_sys_mq_open(const SyscallArgs& a) {
  const int oflag = int(a.a[1]);
  const u32 mode = u32(a.a[2]) & 0xffff;
  LinuxMqAttr uattr;
  if (a.a[3]) {
    if (Result<void> r = copyin(&uattr, a.a[3], sizeof uattr); !r.ok()) return errno_of(r.error());
  }
  UserPath name;
  Result<size_t> len = copy_name(name, a.a[0]);
  if (!len.ok()) return errno_of(len.error());
  FileTable* t = curfd();
  // The number first, as Linux's get_unused_fd_flags: EMFILE before the name.
  Result<int> fd = fd_alloc(t);
  if (!fd.ok()) return errno_of(fd.error());
  Proc* p = curproc();
  MqAttr attr;
  if (a.a[3]) attr = MqAttr{uattr.maxmsg, uattr.msgsize, 0};
  const u32 cmode = mode & ~cwd_cmask(curcwdi());
  Result<MQueue*> q = mqueue_open(name.p, len.value(), oflag, cmode, a.a[3] ? &attr : nullptr,
                                  proc_own_cred(p), msgqueue_rlimit(p));
  if (!q.ok()) {
    fd_abort(t, fd.value());
    return errno_of(q.error());
  }
  Result<File*> f = mqueue_file_create(q.value(), oflag);
  if (!f.ok()) {
    fd_abort(t, fd.value());
    return errno_of(f.error());
  }
  // Close-on-exec always, as Linux's do_mq_open (O_CLOEXEC for every
  // mq descriptor; POSIX closes them on exec).
  fd_affix(t, fd.value(), f.value(), true);
  file_release(f.value());  // the slot holds its own
  return fd.value();
}

// mq_unlink(name).
i64 linux_sys_mq_unlink(const SyscallArgs& a) {
  UserPath name;
  Result<size_t> len = copy_name(name, a.a[0]);
  if (!len.ok()) return errno_of(len.error());
  return syscall_result(mqueue_unlink(name.p, len.value(), proc_own_cred(curproc())));
}

// mq_timedsend(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout).
i64 linux_sys_mq_timedsend(const SyscallArgs& a) {
  Result<u64> deadline = copy_deadline(a.a[4]);
  if (!deadline.ok()) return errno_of(deadline.error());
  const u32 prio = u32(a.a[3]);
  if (prio >= kMqPrioMax) return errno_of(Error::Inval);
  MQueue* q;
  Result<File*> f = mq_file(int(a.a[0]), &q);
  if (!f.ok()) return errno_of(f.error());
  Result<void> r = f.value()->writable()
                       ? mqueue_send(q, a.a[1], a.a[2], prio, f.value()->nonblocking(),
                                     deadline.value())
                       : Result<void>(Error::BadF);
  file_release(f.value());
  return syscall_result(r);
}

// mq_timedreceive(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout).
i64 linux_sys_mq_timedreceive(const SyscallArgs& a) {
  Result<u64> deadline = copy_deadline(a.a[4]);
  if (!deadline.ok()) return errno_of(deadline.error());
  MQueue* q;
  Result<File*> f = mq_file(int(a.a[0]), &q);
  if (!f.ok()) return errno_of(f.error());
  u32 prio = 0;
  Result<size_t> r = f.value()->readable()
                         ? mqueue_receive(q, a.a[1], a.a[2], &prio, f.value()->nonblocking(),
                                          deadline.value())
                         : Result<size_t>(Error::BadF);
  file_release(f.value());
  if (!r.ok()) return errno_of(r.error());
  // The message is taken: a bad priority pointer loses it (EFAULT).
  if (a.a[3]) {
    if (Result<void> c = copyout(a.a[3], &prio, sizeof prio); !c.ok()) return errno_of(c.error());
  }
  return i64(r.value());
}

// mq_notify(mqdes, sevp): sevp NULL removes the caller's registration.
i64 linux_sys_mq_notify(const SyscallArgs& a) {
  LinuxSigevent ev;
  const bool remove = a.a[1] == 0;
  if (!remove) {
    if (Result<void> r = copyin(&ev, a.a[1], sizeof ev); !r.ok()) return errno_of(r.error());
    if (ev.notify != kSigevNone && ev.notify != kSigevSignal && ev.notify != kSigevThread)
      return errno_of(Error::Inval);
    if (ev.notify == kSigevSignal && (ev.signo < 0 || ev.signo >= int(kNsig)))
      return errno_of(Error::Inval);
    if (ev.notify == kSigevThread) {
      // The cookie, then the netlink socket named by sigev_signo.
      u8 cookie[kNotifyCookieLen];
      if (Result<void> r = copyin(cookie, ev.value, sizeof cookie); !r.ok())
        return errno_of(r.error());
      Result<File*> s = fd_get(curfd(), ev.signo);
      if (!s.ok()) return errno_of(s.error());
      FileStat st;
      s.value()->ops->stat(*s.value(), st);
      file_release(s.value());
      return errno_of((st.mode & kSIfMt) == kSIfSock ? Error::Inval : Error::NotSock);
    }
  }
  MQueue* q;
  Result<File*> f = mq_file(int(a.a[0]), &q);
  if (!f.ok()) return errno_of(f.error());
  const i32 pid = curproc()->p_pid.value;
  Result<void> r = ok();
  if (remove)
    mqueue_notify_remove(q, pid);
  else
    r = mqueue_notify_set(q, pid, MqNotify{pid, ev.notify, ev.signo, ev.value});
  file_release(f.value());
  return syscall_result(r);
}

// mq_getsetattr(mqdes, newattr, oldattr): only O_NONBLOCK may be set.
i64 linux_sys_mq_getsetattr(const SyscallArgs& a) {
  LinuxMqAttr nattr;
  if (a.a[1]) {
    if (Result<void> r = copyin(&nattr, a.a[1], sizeof nattr); !r.ok()) return errno_of(r.error());
    if (nattr.flags & ~i64(kONonBlock)) return errno_of(Error::Inval);
  }
  MQueue* q;
  Result<File*> f = mq_file(int(a.a[0]), &q);
  if (!f.ok()) return errno_of(f.error());
  File& file = *f.value();
  LinuxMqAttr old{};
  const MqAttr now = mqueue_attr(q);
  old.flags = file_flags(file) & kONonBlock;
  old.maxmsg = now.maxmsg;
  old.msgsize = now.msgsize;
  old.curmsgs = now.curmsgs;
  Result<void> r = ok();
  if (a.a[1]) r = file_set_flags(file, (file_flags(file) & ~kONonBlock) | int(nattr.flags));
  file_release(f.value());
  if (!r.ok()) return errno_of(r.error());
  if (a.a[2]) return syscall_result(copyout(a.a[2], &old, sizeof old));
  return 0;
}

}  // namespace tine
