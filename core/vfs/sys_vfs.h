// The path and file-system syscalls' semantics, typed and host-testable
// (as core/fs/sys_file.h): each takes the caller's FileTable and PathCtx
// explicitly and returns a Result whose error is the errno (the shims in
// core/compat/linux negate it). User pointers go through copyin/copyout.
// Errors follow Linux's, in Linux's order where a call can fail two ways.
#pragma once

#include "core/vfs/vfs_at.h"

namespace tine {

// ---- open (sys_open.cpp)
// openat(2): O_CREAT (mode & ~umask; the final symlink is followed to
// create its target unless O_EXCL, which fails on any existing name),
// O_EXCL, O_TRUNC (regular files), O_APPEND, O_NONBLOCK, O_DIRECTORY
// (ENOTDIR), O_NOFOLLOW (ELOOP on a final symlink), O_CLOEXEC. EISDIR for
// writing or creating a directory, EINVAL for O_CREAT|O_DIRECTORY, O_PATH
// and O_TMPFILE (not implemented), EACCES, EROFS.
Result<int> sys_openat(FileTable* t, int dirfd, uptr path, int flags, u32 mode,
                       const PathCtx& ctx = {});

// ---- names (sys_names.cpp)
Result<void> sys_mkdirat(FileTable* t, int dirfd, uptr path, u32 mode, const PathCtx& ctx = {});
// Regular files and FIFOs; EPERM for devices, EINVAL for a bad type.
Result<void> sys_mknodat(FileTable* t, int dirfd, uptr path, u32 mode, u64 dev,
                         const PathCtx& ctx = {});
// flags: 0 or AT_REMOVEDIR (EINVAL otherwise).
Result<void> sys_unlinkat(FileTable* t, int dirfd, uptr path, int flags, const PathCtx& ctx = {});
Result<void> sys_symlinkat(FileTable* t, uptr target, int dirfd, uptr path,
                           const PathCtx& ctx = {});
// flags: AT_SYMLINK_FOLLOW, AT_EMPTY_PATH. EPERM for a directory, EXDEV.
Result<void> sys_linkat(FileTable* t, int olddirfd, uptr oldpath, int newdirfd, uptr newpath,
                        int flags, const PathCtx& ctx = {});
// flags: 0 or RENAME_NOREPLACE (RENAME_EXCHANGE, RENAME_WHITEOUT: EINVAL).
Result<void> sys_renameat2(FileTable* t, int olddirfd, uptr oldpath, int newdirfd,
                           uptr newpath, u32 flags, const PathCtx& ctx = {});
// The target's bytes (no NUL), truncated to size; EINVAL for size <= 0 or
// a path that is not a symlink.
Result<u64> sys_readlinkat(FileTable* t, int dirfd, uptr path, uptr buf, i64 size,
                           const PathCtx& ctx = {});

// ---- attributes (sys_stat.cpp)
Result<void> sys_fstat(FileTable* t, int fd, uptr buf);
// flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT (and the
// statx sync bits, which Linux accepts here too).
Result<void> sys_newfstatat(FileTable* t, int dirfd, uptr path, uptr buf, int flags,
                            const PathCtx& ctx = {});
Result<void> sys_statx(FileTable* t, int dirfd, uptr path, int flags, u32 mask, uptr buf,
                       const PathCtx& ctx = {});
// flags: 0 (fchmodat), AT_SYMLINK_NOFOLLOW / AT_EMPTY_PATH (fchownat).
// uid/gid of -1 leave that one alone. EPERM for a non-owner.
Result<void> sys_fchmodat(FileTable* t, int dirfd, uptr path, u32 mode, const PathCtx& ctx = {});
Result<void> sys_fchmod(FileTable* t, int fd, u32 mode, const PathCtx& ctx = {});
Result<void> sys_fchownat(FileTable* t, int dirfd, uptr path, u32 uid, u32 gid, int flags,
                          const PathCtx& ctx = {});
Result<void> sys_fchown(FileTable* t, int fd, u32 uid, u32 gid, const PathCtx& ctx = {});
// utimensat(2): times null means now; UTIME_NOW, UTIME_OMIT; a null path
// means dirfd itself (futimens). EINVAL for a bad nsec or flag.
Result<void> sys_utimensat(FileTable* t, int dirfd, uptr path, uptr times, int flags,
                           const PathCtx& ctx = {});
// faccessat2(2): mode F_OK or R|W|X (EINVAL otherwise); flags
// AT_EACCESS, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. EACCES. As Linux's
// do_faccessat, the walk and the check use the real ids (`real`) unless
// AT_EACCESS asks for the effective ones (ctx.cred).
Result<void> sys_faccessat2(FileTable* t, int dirfd, uptr path, int mode, int flags,
                            const PathCtx& ctx, const NameiCred& real);
// truncate(2) / ftruncate(2): EINVAL for a negative length, a File not
// open for writing or not a regular file; EISDIR for a directory path.
Result<void> sys_truncate(uptr path, i64 length, const PathCtx& ctx = {});
Result<void> sys_ftruncate(FileTable* t, int fd, i64 length);
Result<void> sys_statfs(uptr path, uptr buf, const PathCtx& ctx = {});
Result<void> sys_fstatfs(FileTable* t, int fd, uptr buf);
// fsync(2)/fdatasync(2): nothing to write back (memory file systems);
// EBADF, EINVAL for a pipe or the console, as Linux.
Result<void> sys_fsync(FileTable* t, int fd);

// ---- directories (sys_dir.cpp)
// getdents64(2) into buf (count bytes): linux_dirent64 records from the
// directory's offset on; 0 at the end. EINVAL when the first record does
// not fit, ENOTDIR, EBADF.
Result<u64> sys_getdents64(FileTable* t, int fd, uptr buf, u64 count);
Result<void> sys_chdir(uptr path, const PathCtx& ctx);
Result<void> sys_fchdir(FileTable* t, int fd, const PathCtx& ctx);
// getcwd(2): the path and its NUL into buf; the length copied, NUL
// included. ERANGE if size is too small; ENOENT if the directory was
// removed.
Result<u64> sys_getcwd(uptr buf, u64 size, const PathCtx& ctx);
// The cwd's absolute path into out (kPathMax bytes). ENOENT, NameTooLong.
Result<void> vfs_getcwd(CwdInfo* cwd, char* out);

// ---- mounts (sys_mount.cpp)
// mount(2) of "tmpfs" on a directory (ENODEV for another type, EPERM for
// non-root, EINVAL for MS_BIND/MS_MOVE/MS_REMOUNT); umount2(2) of a mount
// point (EINVAL if it is not one, EBUSY).
Result<void> sys_mount(uptr source, uptr target, uptr fstype, u64 flags, uptr data,
                       const PathCtx& ctx = {});
Result<void> sys_umount2(uptr target, int flags, const PathCtx& ctx = {});

}  // namespace tine
