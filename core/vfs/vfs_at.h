// What every path syscall starts with: the user's path copied in, and the
// directory a relative path starts from (the *at calls' dirfd, or the
// cwd for AT_FDCWD). Shared by core/vfs/sys_*.cpp.
#pragma once

#include "core/fs/cwd.h"
#include "core/fs/filedesc.h"
#include "core/vfs/namei.h"

namespace tine {

inline constexpr int kAtFdCwd = -100;  // openat's "relative to the cwd"
// The *at calls' flags (Linux's values).
inline constexpr int kAtSymlinkNoFollow = 0x100, kAtRemoveDir = 0x200, kAtEAccess = 0x200,
                     kAtSymlinkFollow = 0x400, kAtNoAutomount = 0x800, kAtEmptyPath = 0x1000,
                     kAtStatxSyncType = 0x6000;

// Who asks and from where: the calling process's cwd (null: the root) and
// credentials (search and write permissions are checked for non-root).
struct PathCtx {
  CwdInfo* cwd = nullptr;
  NameiCred cred{};
};

// A user path copied in (kPathMax bytes), freed at the end of scope.
struct UserPath {
  char* p;
  UserPath();
  ~UserPath();
  UserPath(const UserPath&) = delete;
  UserPath& operator=(const UserPath&) = delete;
  // EFAULT, ENAMETOOLONG, ENOMEM.
  Result<void> copy(uptr user);
};

// The vnode a relative `path` starts from (held): the cwd for AT_FDCWD,
// else the directory open at dirfd (EBADF, ENOTDIR); null for an absolute
// path, whose dirfd is ignored as Linux ignores it.
Result<Vnode*> at_start(FileTable* t, int dirfd, const char* path, const PathCtx& ctx);

// namei from the *at call's starting point. "" is ENOENT.
Result<void> at_namei(FileTable* t, int dirfd, const char* path, int flags, Nameidata& nd,
                      const PathCtx& ctx);

// The vnode of an *at call's target: with AT_EMPTY_PATH and "", the File
// at dirfd itself (or the cwd for AT_FDCWD); else the path, following a
// final symlink if `follow`. Held.
Result<Vnode*> at_target(FileTable* t, int dirfd, const char* path, bool follow,
                         bool empty_path, const PathCtx& ctx);

}  // namespace tine
