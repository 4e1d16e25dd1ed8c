// mount(2) and umount2(2), for tmpfs only.
#include "core/lib/string.h"
#include "core/vfs/mount.h"
#include "core/vfs/sys_vfs.h"
#include "core/vfs/tmpfs/tmpfs.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {
constexpr u64 kMsRemount = 32, kMsBind = 4096, kMsMove = 8192;
constexpr int kMntForce = 1, kMntDetach = 2, kMntExpire = 4, kUmountNoFollow = 8;
}  // namespace

Result<void> sys_mount(uptr usource, uptr utarget, uptr ufstype, u64 flags, uptr,
                       const PathCtx& ctx) {
  if (ctx.cred.uid != 0) return Error::Perm;
  UserPath target;
  TRY(target.copy(utarget));
  if (flags & (kMsRemount | kMsBind | kMsMove)) return Error::Inval;
  char type[32];
  if (!ufstype) return Error::Fault;
  Result<size_t> tl = copyinstr(type, ufstype, sizeof type);
  if (!tl.ok()) return tl.error() == Error::NameTooLong ? Error::NoDev : tl.error();
  if (usource) {
    UserPath source;  // only checked: tmpfs has no device
    TRY(source.copy(usource));
  }
  if (strcmp(type, "tmpfs") != 0) return Error::NoDev;
  Nameidata nd;
  TRY(at_namei(nullptr, kAtFdCwd, target.p, kNameiFollow, nd, ctx));
  return vfs_mount(nd.vp, target.p, &kTmpfsType);
}

Result<void> sys_umount2(uptr utarget, int flags, const PathCtx& ctx) {
  if (flags & ~(kMntForce | kMntDetach | kMntExpire | kUmountNoFollow)) return Error::Inval;
  if (ctx.cred.uid != 0) return Error::Perm;
  UserPath target;
  TRY(target.copy(utarget));
  Nameidata nd;
  TRY(at_namei(nullptr, kAtFdCwd, target.p, (flags & kUmountNoFollow) ? 0 : kNameiFollow, nd,
               ctx));
  TRY(vfs_unmount(nd.vp));
  nd.vp = nullptr;  // consumed
  return ok();
}

}  // namespace tine
