// The file syscalls' semantics, typed and host-testable: each takes the
// calling process's FileTable explicitly and returns a Result whose error
// is the errno to hand back (the syscall shim negates it). User pointers go
// through copyin/copyout.
#pragma once

#include "core/fs/filedesc.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

inline constexpr int kAtFdCwd = -100;  // openat's "relative to the cwd"
// Linux caps one read or write at INT_MAX rounded down to a page.
inline constexpr u64 kMaxRwCount = 0x7ffff000;

// read(2) / write(2): n == 0 returns 0 (after the fd is checked); EBADF for
// a bad fd or one not open for it; EFAULT if the first byte is bad; a fault
// later on returns the bytes moved so far. n is capped at kMaxRwCount.
Result<u64> sys_read(FileTable* t, int fd, uptr buf, u64 n);
Result<u64> sys_write(FileTable* t, int fd, uptr buf, u64 n);

// openat(2) on the initrd. Absolute paths ignore dirfd; relative ones
// resolve against `cwd` for AT_FDCWD ("/" when null), else against dirfd,
// which must be an open directory (EBADF, ENOTDIR). flags: O_RDONLY,
// O_DIRECTORY and O_CLOEXEC act; O_PATH and O_TMPFILE are EINVAL; other
// flags are ignored, as Linux does; asking to write is EROFS (see
// initrd_open for every case). mode is ignored (nothing is ever created).
// EFAULT, ENAMETOOLONG for the path.
Result<int> sys_openat(FileTable* t, int dirfd, uptr path, int flags, int mode,
                       const char* cwd = nullptr);

Result<void> sys_close(FileTable* t, int fd);
Result<int> sys_dup(FileTable* t, int oldfd);
Result<int> sys_dup3(FileTable* t, int oldfd, int newfd, int flags);

// pipe2(2): flags 0 or O_CLOEXEC (others EINVAL; O_NONBLOCK and O_DIRECT
// are not supported and say so with EINVAL). fds[0] reads, fds[1] writes.
// EFAULT if the two ints cannot be copied out; then no descriptor exists.
Result<void> sys_pipe2(FileTable* t, uptr fds, int flags);

}  // namespace tine
