#include "core/vfs/vfs_at.h"

#include "core/vfs/vfs_file.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

UserPath::UserPath() : p(static_cast<char*>(kmalloc(kPathMax))) {}
UserPath::~UserPath() { kfree(p); }

Result<void> UserPath::copy(uptr user) {
  if (!p) return Error::NoMem;
  TRY(copyinstr(p, user, kPathMax));
  return ok();
}

Result<Vnode*> at_start(FileTable* t, int dirfd, const char* path, const PathCtx& ctx) {
  if (path[0] == '/') return static_cast<Vnode*>(nullptr);
  if (dirfd == kAtFdCwd) return cwd_get(ctx.cwd);
  File* f = TRY(fd_get(t, dirfd));
  Vnode* dir = file_dir_vnode(f);
  if (dir) vnode_hold(dir);
  file_release(f);
  if (!dir) return Error::NotDir;
  return dir;
}

Result<void> at_namei(FileTable* t, int dirfd, const char* path, int flags, Nameidata& nd,
                      const PathCtx& ctx) {
  if (path[0] == '\0') return Error::NoEnt;
  VnodeRef start(TRY(at_start(t, dirfd, path, ctx)));
  return namei(start.get(), path, flags, nd, ctx.cred);
}

Result<Vnode*> at_target(FileTable* t, int dirfd, const char* path, bool follow,
                         bool empty_path, const PathCtx& ctx) {
  if (path[0] == '\0' && empty_path) {
    if (dirfd == kAtFdCwd) return cwd_get(ctx.cwd);
    File* f = TRY(fd_get(t, dirfd));
    Vnode* vp = f->vnode;
    if (vp) vnode_hold(vp);
    file_release(f);
    // A File without a vnode (a pipe): Linux has one for everything;
    // Tine's pipes answer through fstat alone.
    if (!vp) return Error::BadF;
    return vp;
  }
  Nameidata nd;
  TRY(at_namei(t, dirfd, path, follow ? kNameiFollow : 0, nd, ctx));
  Vnode* vp = nd.vp;
  nd.vp = nullptr;
  return vp;
}

}  // namespace tine
