#include "core/fs/cwd.h"

#include "core/lib/new.h"
#include "core/vfs/mount.h"
#include "core/vfs/vnode.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

// A cwd inside a mount keeps it busy (vfs_unmount says Busy).
void mark(Vnode* vp, i64 d) {
  if (vp && vp->mount) __atomic_add_fetch(&vp->mount->busy, u64(d), __ATOMIC_RELAXED);
}

// c is reachable by no other thread (just made, or its last reference
// dropped): its fields need no lock.
void cwd_private(CwdInfo* c) ASSERT_CAPABILITY(c->lock) NO_THREAD_SAFETY_ANALYSIS { (void)c; }

}  // namespace

Result<CwdInfo*> cwd_create() {
  void* m = kmalloc(sizeof(CwdInfo));
  if (!m) return Error::NoMem;
  return new (m) CwdInfo;
}

CwdInfo* cwdshare(CwdInfo* c) {
  c->refs.hold();
  return c;
}

Result<CwdInfo*> cwdinit(CwdInfo* c) {
  CwdInfo* n = TRY(cwd_create());
  Vnode* dir;
  u32 cmask;
  {
    MutexGuard g(c->lock);
    dir = c->dir;
    cmask = c->cmask;
    if (dir) {
      vnode_hold(dir);
      mark(dir, 1);
    }
  }
  cwd_private(n);  // not yet returned
  n->dir = dir;
  n->cmask = cmask;
  return n;
}

void cwd_release(CwdInfo* c) {
  if (!c->refs.release()) return;
  cwd_private(c);
  Vnode* dir = c->dir;
  c->dir = nullptr;
  if (dir) {
    mark(dir, -1);
    vnode_release(dir);
  }
  c->~CwdInfo();
  kfree(c);
}

Vnode* cwd_get(CwdInfo* c) {
  if (c) {
    MutexGuard g(c->lock);
    if (c->dir) {
      vnode_hold(c->dir);
      return c->dir;
    }
  }
  return vfs_root();
}

void cwd_set(CwdInfo* c, Vnode* dir) {
  vnode_hold(dir);
  mark(dir, 1);
  Vnode* old;
  {
    MutexGuard g(c->lock);
    old = c->dir;
    c->dir = dir;
  }
  if (old) {
    mark(old, -1);
    vnode_release(old);
  }
}

u32 cwd_umask(CwdInfo* c, u32 mask) {
  MutexGuard g(c->lock);
  const u32 old = c->cmask;
  c->cmask = mask & 0777;
  return old;
}

u32 cwd_cmask(CwdInfo* c) {
  if (!c) return 022;
  MutexGuard g(c->lock);
  return c->cmask;
}

}  // namespace tine
