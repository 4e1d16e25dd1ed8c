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
  return syscall_result(sys_read(curproc()->p_fd, int(a.a[0]), a.a[1], a.a[2]));
}
i64 linux_sys_write(const SyscallArgs& a) {
  return syscall_result(sys_write(curproc()->p_fd, int(a.a[0]), a.a[1], a.a[2]));
}
i64 linux_sys_writev(const SyscallArgs& a) {
  struct Iov {
    uptr base;
    u64 len;
  };
  i64 total = 0;
  for (u64 i = 0; i < a.a[2]; i++) {
    Iov v;
    Result<void> c = copyin(&v, a.a[1] + i * sizeof v, sizeof v);
    if (!c.ok()) return total ? total : errno_of(c.error());
    Result<size_t> w = sys_write(curproc()->p_fd, int(a.a[0]), v.base, v.len);
    if (!w.ok()) return total ? total : errno_of(w.error());
    total += i64(w.value());
    if (w.value() < v.len) break;
  }
  return total;
}
i64 linux_sys_openat(const SyscallArgs& a) {
  Proc* p = curproc();
  return syscall_result(sys_openat(p->p_fd, int(a.a[0]), a.a[1], int(a.a[2]), int(a.a[3]),
                                   p->p_cwdi ? p->p_cwdi->path : nullptr));
}
i64 linux_sys_chdir(const SyscallArgs& a) {
  return syscall_result(sys_chdir(curproc()->p_cwdi, a.a[0]));
}
i64 linux_sys_getcwd(const SyscallArgs& a) {
  return syscall_result(sys_getcwd(curproc()->p_cwdi, a.a[0], a.a[1]));
}
i64 linux_sys_close(const SyscallArgs& a) { return syscall_result(sys_close(curproc()->p_fd, int(a.a[0]))); }
i64 linux_sys_dup(const SyscallArgs& a) { return syscall_result(sys_dup(curproc()->p_fd, int(a.a[0]))); }
i64 linux_sys_dup3(const SyscallArgs& a) {
  return syscall_result(sys_dup3(curproc()->p_fd, int(a.a[0]), int(a.a[1]), int(a.a[2])));
}
i64 linux_sys_pipe2(const SyscallArgs& a) {
  return syscall_result(sys_pipe2(curproc()->p_fd, a.a[0], int(a.a[1])));
}
i64 linux_sys_lseek(const SyscallArgs& a) {
  return syscall_result(sys_lseek(curproc()->p_fd, int(a.a[0]), i64(a.a[1]), int(a.a[2])));
}
i64 linux_sys_fcntl(const SyscallArgs& a) {
  return syscall_result(sys_fcntl(curproc()->p_fd, int(a.a[0]), int(a.a[1]), a.a[2]));
}
i64 linux_sys_fstat(const SyscallArgs& a) {
  return syscall_result(sys_fstat(curproc()->p_fd, int(a.a[0]), a.a[1]));
}
i64 linux_sys_newfstatat(const SyscallArgs& a) {
  Proc* p = curproc();
  return syscall_result(sys_newfstatat(p->p_fd, int(a.a[0]), a.a[1], a.a[2], int(a.a[3]),
                                       p->p_cwdi ? p->p_cwdi->path : nullptr));
}
// ioctl(fd, cmd, arg): the File's backend answers (core/tty for the
// console); EBADF for a bad fd, ENOTTY for a backend without ioctls. The
// request is 32 bits wide in Linux's ABI (unsigned int cmd).
i64 linux_sys_ioctl(const SyscallArgs& a) {
  Result<File*> got = fd_get(curproc()->p_fd, int(a.a[0]));
  if (!got.ok()) return errno_of(got.error());
  File* f = got.value();
  i64 r = f->ops->ioctl ? syscall_result(f->ops->ioctl(*f, u32(a.a[1]), uptr(a.a[2])))
                        : errno_of(Error::NotTty);
  file_release(f);
  return r;
}

}  // namespace tine
