// openat(2) on the VFS, in the order of Linux's path_openat / do_open /
// may_open.
#include "core/vfs/sys_vfs.h"
#include "core/vfs/vfs_file.h"

namespace tine {

namespace {
// Refused loudly rather than ignored: O_PATH (a handle without read
// access) and O_TMPFILE (an unnamed file) are not implemented.
constexpr int kOPath = 010000000;
constexpr int kOTmpFileBit = 020000000;

u32 access_wanted(int flags) {
  switch (flags & kOAccMode) {
    case kORdOnly: return 4;
    case kOWrOnly: return 2;
    default: return 6;
  }
}
}  // namespace

Result<int> sys_openat(FileTable* t, int dirfd, uptr upath, int flags, u32 mode,
                       const PathCtx& ctx) {
  if (flags & (kOPath | kOTmpFileBit)) return Error::Inval;
  // Linux 6.4+: O_CREAT with O_DIRECTORY is meaningless.
  if ((flags & kOCreat) && (flags & kODirectory)) return Error::Inval;
  UserPath path;
  TRY(path.copy(upath));
  const bool creat = (flags & kOCreat) != 0;
  const bool excl = creat && (flags & kOExcl);
  int nflags = 0;
  if (creat) nflags |= kNameiParent;
  if (!(flags & kONoFollow) && !excl) nflags |= kNameiFollow;
  Nameidata nd;
  TRY(at_namei(t, dirfd, path.p, nflags, nd, ctx));
  bool created = false;
  if (creat) {
    if (!nd.vp) {
      if (nd.trailing_slash) return Error::IsDir;
      if (!nd.dvp->ops->create) return Error::RoFs;
      if (ctx.cred.uid != 0 && !vnode_may(*nd.dvp, ctx.cred, 2)) return Error::Access;
      const VCreate c{.mode = mode & 07777 & ~cwd_cmask(ctx.cwd), .uid = ctx.cred.uid,
                      .gid = ctx.cred.gid};
      nd.vp = TRY(nd.dvp->ops->create(*nd.dvp, nd.last, c));
      created = true;
    } else if (excl) {
      return Error::Exist;
    }
  }
  Vnode& vp = *nd.vp;
  if (vp.type == VType::Lnk) return Error::Loop;  // O_NOFOLLOW on a symlink
  if ((flags & kODirectory) && !vp.is_dir()) return Error::NotDir;
  const bool write = (flags & kOAccMode) != kORdOnly;
  if (vp.is_dir() && (write || creat)) return Error::IsDir;
  if (!created && !vnode_may(vp, ctx.cred, access_wanted(flags) | ((flags & kOTrunc) ? 2 : 0)))
    return Error::Access;
  if ((flags & kOTrunc) && vp.type == VType::Reg && !created && vp.ops->truncate)
    TRY(vp.ops->truncate(vp, 0));
  File* f = TRY(vfs_open(&vp, flags));
  Result<int> fd = fd_install(t, f, (flags & kOCloExec) != 0);
  file_release(f);  // the slot holds its own reference
  return fd;
}

}  // namespace tine
