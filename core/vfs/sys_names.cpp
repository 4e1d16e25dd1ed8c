// The calls that make, remove and move names: mkdirat, mknodat, unlinkat,
// symlinkat, linkat, renameat2, readlinkat. The name cache forgets a name
// after the file system changed it.
#include "core/vfs/namecache.h"
#include "core/vfs/sys_vfs.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

constexpr u32 kSIfMtMask = 0170000;

// The directory the new name goes in: not a missing one, not an existing
// name, writable.
Result<void> can_make(const Nameidata& nd, const PathCtx& ctx) {
  if (nd.vp || !nd.dvp) return Error::Exist;
  if (ctx.cred.uid != 0 && !vnode_may(*nd.dvp, ctx.cred, 3)) return Error::Access;
  return ok();
}

VCreate creation(u32 mode, const PathCtx& ctx) {
  return VCreate{.mode = mode, .uid = ctx.cred.uid, .gid = ctx.cred.gid};
}

}  // namespace

Result<void> sys_mkdirat(FileTable* t, int dirfd, uptr upath, u32 mode, const PathCtx& ctx) {
  UserPath path;
  TRY(path.copy(upath));
  Nameidata nd;
  TRY(at_namei(t, dirfd, path.p, kNameiParent, nd, ctx));
  TRY(can_make(nd, ctx));
  if (!nd.dvp->ops->mkdir) return Error::RoFs;
  return nd.dvp->ops->mkdir(*nd.dvp, nd.last,
                            creation(mode & 01777 & ~cwd_cmask(ctx.cwd), ctx));
}

Result<void> sys_mknodat(FileTable* t, int dirfd, uptr upath, u32 mode, u64, const PathCtx& ctx) {
  u32 type = mode & kSIfMtMask;
  if (type == 0) type = vtype_to_mode(VType::Reg);
  const VType vt = mode_to_vtype(type);
  if (vt == VType::Non || vt == VType::Lnk) return Error::Inval;
  UserPath path;
  TRY(path.copy(upath));
  Nameidata nd;
  TRY(at_namei(t, dirfd, path.p, kNameiParent, nd, ctx));
  TRY(can_make(nd, ctx));
  if (vt == VType::Dir || vt == VType::Chr || vt == VType::Blk || vt == VType::Sock)
    return Error::Perm;
  const VCreate c = creation(type | (mode & 07777 & ~cwd_cmask(ctx.cwd)), ctx);
  if (vt == VType::Reg) {
    if (!nd.dvp->ops->create) return Error::RoFs;
    VnodeRef vp(TRY(nd.dvp->ops->create(*nd.dvp, nd.last, c)));
    return ok();
  }
  if (!nd.dvp->ops->mknod) return Error::RoFs;
  return nd.dvp->ops->mknod(*nd.dvp, nd.last, c);
}

Result<void> sys_unlinkat(FileTable* t, int dirfd, uptr upath, int flags, const PathCtx& ctx) {
  if (flags & ~kAtRemoveDir) return Error::Inval;
  const bool rmdir = (flags & kAtRemoveDir) != 0;
  UserPath path;
  TRY(path.copy(upath));
  Nameidata nd;
  TRY(at_namei(t, dirfd, path.p, kNameiParent, nd, ctx));
  // Linux's checks of the last component's kind (do_rmdir, do_unlinkat).
  if (!nd.dvp) return rmdir ? Error::Busy : Error::IsDir;
  if (nd.last_is_dot()) return rmdir ? Error::Inval : Error::IsDir;
  if (nd.last_is_dotdot()) return rmdir ? Error::NotEmpty : Error::IsDir;
  if (!nd.vp) return Error::NoEnt;
  if (!rmdir && nd.vp->is_dir()) return Error::IsDir;
  if (rmdir && !nd.vp->is_dir()) return Error::NotDir;
  if (!rmdir && nd.trailing_slash) return Error::NotDir;
  if (ctx.cred.uid != 0 && !vnode_may(*nd.dvp, ctx.cred, 3)) return Error::Access;
  Vnode& dir = *nd.dvp;
  Result<void> r = rmdir ? (dir.ops->rmdir ? dir.ops->rmdir(dir, nd.last) : Error::RoFs)
                         : (dir.ops->unlink ? dir.ops->unlink(dir, nd.last) : Error::RoFs);
  namecache_purge_name(&dir, nd.last);
  return r;
}

Result<void> sys_symlinkat(FileTable* t, uptr utarget, int dirfd, uptr upath,
                           const PathCtx& ctx) {
  UserPath target, path;
  TRY(target.copy(utarget));
  TRY(path.copy(upath));
  if (target.p[0] == '\0') return Error::NoEnt;
  Nameidata nd;
  TRY(at_namei(t, dirfd, path.p, kNameiParent, nd, ctx));
  TRY(can_make(nd, ctx));
  if (!nd.dvp->ops->symlink) return Error::RoFs;
  return nd.dvp->ops->symlink(*nd.dvp, nd.last, target.p, creation(0777, ctx));
}

Result<void> sys_linkat(FileTable* t, int olddirfd, uptr uold, int newdirfd, uptr unew,
                        int flags, const PathCtx& ctx) {
  if (flags & ~(kAtSymlinkFollow | kAtEmptyPath)) return Error::Inval;
  UserPath oldp, newp;
  TRY(oldp.copy(uold));
  TRY(newp.copy(unew));
  VnodeRef from(TRY(at_target(t, olddirfd, oldp.p, (flags & kAtSymlinkFollow) != 0,
                              (flags & kAtEmptyPath) != 0, ctx)));
  Nameidata nd;
  TRY(at_namei(t, newdirfd, newp.p, kNameiParent, nd, ctx));
  TRY(can_make(nd, ctx));
  if (nd.trailing_slash) return Error::NoEnt;
  if (nd.dvp->mount != from->mount) return Error::XDev;
  if (from->is_dir()) return Error::Perm;
  if (!nd.dvp->ops->link) return Error::Perm;
  return nd.dvp->ops->link(*nd.dvp, nd.last, *from);
}

Result<void> sys_renameat2(FileTable* t, int olddirfd, uptr uold, int newdirfd, uptr unew,
                           u32 flags, const PathCtx& ctx) {
  if (flags & ~kRenameNoReplace) return Error::Inval;
  UserPath oldp, newp;
  TRY(oldp.copy(uold));
  TRY(newp.copy(unew));
  Nameidata from, to;
  TRY(at_namei(t, olddirfd, oldp.p, kNameiParent, from, ctx));
  TRY(at_namei(t, newdirfd, newp.p, kNameiParent, to, ctx));
  // Linux's order (do_renameat2): mount, then the kind of each last
  // component, then existence.
  if (from.dvp && to.dvp && from.dvp->mount != to.dvp->mount) return Error::XDev;
  if (!from.dvp || from.last_is_dot() || from.last_is_dotdot()) return Error::Busy;
  if (!to.dvp || to.last_is_dot() || to.last_is_dotdot())
    return (flags & kRenameNoReplace) ? Error::Exist : Error::Busy;
  if (!from.vp) return Error::NoEnt;
  if ((flags & kRenameNoReplace) && to.vp) return Error::Exist;
  if (!from.vp->is_dir() && (from.trailing_slash || to.trailing_slash)) return Error::NotDir;
  if (__atomic_load_n(&from.vp->covered_by, __ATOMIC_ACQUIRE)) return Error::Busy;
  if (ctx.cred.uid != 0 &&
      (!vnode_may(*from.dvp, ctx.cred, 3) || !vnode_may(*to.dvp, ctx.cred, 3)))
    return Error::Access;
  if (!from.dvp->ops->rename) return Error::RoFs;
  Result<void> r = from.dvp->ops->rename(*from.dvp, from.last, *to.dvp, to.last, flags);
  namecache_purge_name(from.dvp, from.last);
  namecache_purge_name(to.dvp, to.last);
  return r;
}

Result<u64> sys_readlinkat(FileTable* t, int dirfd, uptr upath, uptr buf, i64 size,
                           const PathCtx& ctx) {
  UserPath path;
  TRY(path.copy(upath));
  if (path.p[0] == '\0') return Error::NoEnt;  // Tine has no O_PATH handles
  VnodeRef vp(TRY(at_target(t, dirfd, path.p, false, false, ctx)));
  if (size <= 0) return Error::Inval;
  if (vp->type != VType::Lnk || !vp->ops->readlink) return Error::Inval;
  char* tmp = static_cast<char*>(kmalloc(kPathMax));
  if (!tmp) return Error::NoMem;
  Result<size_t> n = vp->ops->readlink(*vp, tmp, min<u64>(u64(size), kPathMax));
  Result<void> c = n.ok() ? copyout(buf, tmp, n.value()) : Result<void>(n.error());
  kfree(tmp);
  TRY(c);
  return u64(n.value());
}

}  // namespace tine
