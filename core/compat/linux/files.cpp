// Linux file syscalls: thin shims over core/fs/sys_file.
#include "core/compat/linux/linux.h"

#include "core/fs/filedesc.h"
#include "core/fs/sys_file.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"

namespace tine {

// File syscalls: thin shims over core/fs/sys_file.
i64 linux_sys_read(const SyscallArgs& a) {
  return syscall_result(sys_read(curfd(), int(a.a[0]), a.a[1], a.a[2]));
}
i64 linux_sys_write(const SyscallArgs& a) {
  return syscall_result(sys_write(curfd(), int(a.a[0]), a.a[1], a.a[2]));
}
i64 linux_sys_writev(const SyscallArgs& a) {
  return syscall_result(sys_writev(curfd(), int(a.a[0]), a.a[1], a.a[2]));
}
i64 linux_sys_readv(const SyscallArgs& a) {
  return syscall_result(sys_readv(curfd(), int(a.a[0]), a.a[1], a.a[2]));
}
i64 linux_sys_pread64(const SyscallArgs& a) {
  return syscall_result(sys_pread64(curfd(), int(a.a[0]), a.a[1], a.a[2], i64(a.a[3])));
}
i64 linux_sys_pwrite64(const SyscallArgs& a) {
  return syscall_result(sys_pwrite64(curfd(), int(a.a[0]), a.a[1], a.a[2], i64(a.a[3])));
}
i64 linux_sys_close(const SyscallArgs& a) { return syscall_result(sys_close(curfd(), int(a.a[0]))); }
// close_range(first, last, flags), as Linux's fs/file.c: EINVAL for an
// unknown flag or first > last, else 0. CLOSE_RANGE_CLOEXEC marks instead
// of closing. CLOSE_RANGE_UNSHARE wants a private table first: that is a
// no-op for a table nobody shares (glibc's posix_spawn child: its own
// copy); a shared one is refused with EINVAL, as the table is per process
// here and not per thread as Linux's files_struct is.
i64 linux_sys_close_range(const SyscallArgs& a) {
  constexpr u64 kUnshare = 1u << 1, kCloexec = 1u << 2;
  const u32 first = u32(a.a[0]), last = u32(a.a[1]);
  const u64 flags = u32(a.a[2]);
  if ((flags & ~(kUnshare | kCloexec)) || first > last) return errno_of(Error::Inval);
  FileTable* t = curfd();
  if ((flags & kUnshare) && t->refs.count() > 1) return errno_of(Error::Inval);
  fd_close_range(t, first, last, flags & kCloexec);
  return 0;
}
// sendfile(out_fd, in_fd, loff_t* offset, count): the offset is read
// before anything else (EFAULT) and written back after, as Linux's
// sendfile64.
i64 linux_sys_sendfile(const SyscallArgs& a) {
  FileTable* t = curfd();
  if (!a.a[2]) return syscall_result(sys_sendfile(t, int(a.a[0]), int(a.a[1]), nullptr, a.a[3]));
  i64 pos;
  Result<void> c = copyin(&pos, a.a[2], sizeof pos);
  if (!c.ok()) return errno_of(c.error());
  Result<u64> r = sys_sendfile(t, int(a.a[0]), int(a.a[1]), &pos, a.a[3]);
  if (!r.ok()) return errno_of(r.error());
  Result<void> w = copyout(a.a[2], &pos, sizeof pos);
  if (!w.ok()) return errno_of(w.error());
  return i64(r.value());
}
i64 linux_sys_dup(const SyscallArgs& a) { return syscall_result(sys_dup(curfd(), int(a.a[0]))); }
i64 linux_sys_dup3(const SyscallArgs& a) {
  return syscall_result(sys_dup3(curfd(), int(a.a[0]), int(a.a[1]), int(a.a[2])));
}
i64 linux_sys_pipe2(const SyscallArgs& a) {
  return syscall_result(sys_pipe2(curfd(), a.a[0], int(a.a[1])));
}
i64 linux_sys_lseek(const SyscallArgs& a) {
  return syscall_result(sys_lseek(curfd(), int(a.a[0]), i64(a.a[1]), int(a.a[2])));
}
i64 linux_sys_fcntl(const SyscallArgs& a) {
  return syscall_result(sys_fcntl(curfd(), int(a.a[0]), int(a.a[1]), a.a[2]));
}
// ioctl(fd, cmd, arg): the File's backend answers (core/tty for the
// console); EBADF for a bad fd, ENOTTY for a backend without ioctls. The
// request is 32 bits wide in Linux's ABI (unsigned int cmd).
i64 linux_sys_ioctl(const SyscallArgs& a) {
  Result<File*> got = fd_get(curfd(), int(a.a[0]));
  if (!got.ok()) return errno_of(got.error());
  File* f = got.value();
  i64 r = f->ops->ioctl ? syscall_result(f->ops->ioctl(*f, u32(a.a[1]), uptr(a.a[2])))
                        : errno_of(Error::NotTty);
  file_release(f);
  return r;
}

}  // namespace tine
