// The file syscalls' semantics, typed and host-testable: each takes the
// calling process's FileTable explicitly and returns a Result whose error
// is the errno to hand back (the syscall shim negates it). User pointers go
// through copyin/copyout.
#pragma once

#include "core/fs/cwd.h"
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

// chdir(2) on the initrd: `cwd` becomes the absolute, normalised path of
// the directory `upath` names (relative to `cwd`). ENOENT, ENOTDIR, EFAULT,
// ENAMETOOLONG (also when the result does not fit CwdInfo::path).
// Processes sharing `cwd` (CLONE_FS) must not chdir concurrently: the path
// is rewritten in place (issue 9's VFS replaces the path with a vnode).
Result<void> sys_chdir(CwdInfo* cwd, uptr upath);
// getcwd(2): the path and its NUL into ubuf; ERANGE if size is too small.
// Returns the length copied, NUL included, as Linux's syscall does.
Result<u64> sys_getcwd(const CwdInfo* cwd, uptr ubuf, u64 size);

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
                     kFDupFdCloExec = 1030;
inline constexpr int kFdCloExec = 1;

// fcntl(2): F_DUPFD/F_DUPFD_CLOEXEC (lowest free >= arg, see fd_dup_min),
// F_GETFD/F_SETFD (FD_CLOEXEC, per descriptor), F_GETFL/F_SETFL (per open
// File, so shared through dup and fork; see file_set_flags). EBADF for a
// bad fd before anything else, EINVAL for any other command.
Result<i64> sys_fcntl(FileTable* t, int fd, int cmd, u64 arg);

// fstat(2): the File's FileStat as a Linux struct stat (core/fs/stat.h)
// at buf. EBADF, EFAULT.
Result<void> sys_fstat(FileTable* t, int fd, uptr buf);

// newfstatat(2) flags.
inline constexpr int kAtSymlinkNoFollow = 0x100, kAtNoAutomount = 0x800,
                     kAtEmptyPath = 0x1000, kAtStatxSyncType = 0x6000;

// newfstatat(2): a path resolved as sys_openat resolves it, or with
// AT_EMPTY_PATH and "" the File at dirfd itself (glibc's fstat is this),
// or the cwd for AT_FDCWD. EINVAL for other flags; ENOENT for "" without
// AT_EMPTY_PATH; lookup errors as open(2); EFAULT for path or buf.
// AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT and the statx sync bits (which
// Linux accepts here too) change nothing: the initrd
// has neither symlinks Tine follows nor mount points.
Result<void> sys_newfstatat(FileTable* t, int dirfd, uptr path, uptr buf, int flags,
                            const char* cwd = nullptr);

}  // namespace tine
