// The file syscalls' semantics, typed and host-testable: each takes the
// calling process's FileTable explicitly and returns a Result whose error
// is the errno to hand back (the syscall shim negates it). User pointers go
// through copyin/copyout.
#pragma once

#include "core/fs/cwd.h"
#include "core/vfs/sys_vfs.h"  // the path calls, which moved to the VFS
#include "core/fs/filedesc.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// Linux caps one read or write at INT_MAX rounded down to a page.
inline constexpr u64 kMaxRwCount = 0x7ffff000;

// read(2) / write(2): n == 0 returns 0 (after the fd is checked); EBADF for
// a bad fd or one not open for it; EFAULT if the first byte is bad; a fault
// later on returns the bytes moved so far. n is capped at kMaxRwCount.
Result<u64> sys_read(FileTable* t, int fd, uptr buf, u64 n);
Result<u64> sys_write(FileTable* t, int fd, uptr buf, u64 n);

Result<void> sys_close(FileTable* t, int fd);
Result<int> sys_dup(FileTable* t, int oldfd);
Result<int> sys_dup3(FileTable* t, int oldfd, int newfd, int flags);

// pipe2(2): flags O_CLOEXEC and O_NONBLOCK (others EINVAL; O_DIRECT, which
// Linux takes for packet mode, is not supported and says so with EINVAL).
// fds[0] reads, fds[1] writes. EFAULT if the two ints cannot be copied out;
// then no descriptor exists.
Result<void> sys_pipe2(FileTable* t, uptr fds, int flags);

// lseek(2) whence values. SEEK_DATA and SEEK_HOLE are not implemented
// (EINVAL, as Linux answers for a whence it does not know).
inline constexpr int kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2;

// lseek(2), in Linux's order: EBADF for a bad fd, EINVAL for a whence
// other than SET/CUR/END, ESPIPE on a pipe or the console, EINVAL if the
// new offset would be negative or overflows. Moves the offset of the open
// File, which dup'ed descriptors and forked tables share.
Result<i64> sys_lseek(FileTable* t, int fd, i64 offset, int whence);

// fcntl(2) commands (asm-generic values) and the one descriptor flag.
inline constexpr int kFDupFd = 0, kFGetFd = 1, kFSetFd = 2, kFGetFl = 3, kFSetFl = 4,
                     kFGetLk = 5, kFSetLk = 6, kFSetLkW = 7, kFDupFdCloExec = 1030;
inline constexpr int kFdCloExec = 1;

// fcntl(2): F_DUPFD/F_DUPFD_CLOEXEC (lowest free >= arg, see fd_dup_min),
// F_GETFD/F_SETFD (FD_CLOEXEC, per descriptor), F_GETFL/F_SETFL (per open
// File, so shared through dup and fork; see file_set_flags), F_GETLK/
// F_SETLK/F_SETLKW (sys_fcntl_lock). EBADF for a bad fd before anything
// else, EINVAL for any other command (the OFD locks among them).
Result<i64> sys_fcntl(FileTable* t, int fd, int cmd, u64 arg);

// fcntl's POSIX record locks (core/vfs/sys_lock.cpp over core/vfs/lockf.h),
// owned by t, on the struct flock at arg: EFAULT, EINVAL (type, whence, a
// range before 0), EOVERFLOW, EBADF (a lock type the File's access mode
// does not allow), EAGAIN (F_SETLK's conflict), EDEADLK, EINTR, ENOLCK.
Result<void> sys_fcntl_lock(FileTable* t, File& f, int cmd, uptr arg);

// pread64(2)/pwrite64(2): at `off`, the File's offset unmoved. EINVAL for
// a negative offset, ESPIPE for a pipe or the console.
Result<u64> sys_pread64(FileTable* t, int fd, uptr buf, u64 n, i64 off);
Result<u64> sys_pwrite64(FileTable* t, int fd, uptr buf, u64 n, i64 off);
// readv(2)/writev(2): the iovecs in order, stopping at the first short
// transfer; EINVAL for more than 1024 iovecs or a total over SSIZE_MAX,
// EFAULT for the array.
Result<u64> sys_readv(FileTable* t, int fd, uptr iov, u64 iovcnt);
Result<u64> sys_writev(FileTable* t, int fd, uptr iov, u64 iovcnt);

// sendfile(2), as Linux's do_sendfile: up to count bytes (capped at
// kMaxRwCount) of in_fd's regular file from *pos (which advances; in_fd's
// offset stays) or, with pos null, from and advancing in_fd's offset, to
// out_fd (a file at its offset, a pipe, the console). EBADF for a bad
// descriptor or one not open for it (in_fd first); ESPIPE for a pos on a
// File without an offset; EINVAL for a negative pos, an in_fd that is no
// regular file (a pipe: Linux has no splice_read there), an out_fd that
// takes no kernel writes or is O_APPEND (not a pipe). A failure after some
// bytes returns them; a pipe with no reader is EPIPE and SIGPIPE.
Result<u64> sys_sendfile(FileTable* t, int out_fd, int in_fd, i64* pos, u64 count);

}  // namespace tine
