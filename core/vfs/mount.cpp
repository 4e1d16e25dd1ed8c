#include "core/vfs/mount.h"

#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/vfs/namei.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

Mutex g_mounts_lock{"mounts", LockRank::Mounts};
List<Mount> g_mounts GUARDED_BY(g_mounts_lock);
Vnode* g_root GUARDED_BY(g_mounts_lock) = nullptr;
u64 g_next_minor GUARDED_BY(g_mounts_lock) = 1;

// Linux's anonymous device numbers (major 0), new_encode_dev's layout.
u64 anon_dev(u64 minor) { return (minor & 0xff) | ((minor & ~0xffull) << 12); }

Result<Mount*> new_mount(const FsType* type, const char* on) REQUIRES(g_mounts_lock) {
  void* mem = kmalloc(sizeof(Mount));
  if (!mem) return Error::NoMem;
  Mount* m = new (mem) Mount;
  m->type = type;
  m->dev = anon_dev(g_next_minor++);
  size_t n = min(strlen(on), sizeof m->on - 1);
  memcpy(m->on, on, n);
  m->on[n] = '\0';
  Result<Vnode*> root = type->mount(*m);
  if (!root.ok()) {
    m->~Mount();
    kfree(m);
    return root.error();
  }
  m->root = root.value();
  return m;
}

void free_mount(Mount* m) {
  vnode_release(m->root);
  if (m->type->unmount) m->type->unmount(*m);
  m->~Mount();
  kfree(m);
}

}  // namespace

Result<void> vfs_mount_root(const FsType* type) {
  MutexGuard g(g_mounts_lock);
  KASSERT(g_root == nullptr);
  Mount* m = TRY(new_mount(type, "/"));
  g_mounts.push_back(m);
  vnode_hold(m->root);
  g_root = m->root;
  return ok();
}

Vnode* vfs_root() {
  MutexGuard g(g_mounts_lock);
  KASSERT(g_root != nullptr);
  vnode_hold(g_root);
  return g_root;
}

Result<void> vfs_mount(Vnode* dir, const char* on, const FsType* type) {
  if (!dir->is_dir()) return Error::NotDir;
  MutexGuard g(g_mounts_lock);
  if (__atomic_load_n(&dir->covered_by, __ATOMIC_ACQUIRE)) return Error::Busy;
  Mount* m = TRY(new_mount(type, on));
  vnode_hold(dir);
  m->covered = dir;
  g_mounts.push_back(m);
  __atomic_store_n(&dir->covered_by, m, __ATOMIC_RELEASE);
  return ok();
}

Result<void> vfs_mount_path(const char* path, const FsType* type) {
  VnodeRef root(vfs_root());
  Nameidata nd;
  TRY(namei(root.get(), path, kNameiFollow, nd));
  return vfs_mount(nd.vp, path, type);
}

Result<void> vfs_unmount(Vnode* root) {
  Mount* m = root->mount;
  {
    MutexGuard g(g_mounts_lock);
    if (!m || m->root != root) return Error::Inval;
    if (root == g_root) return Error::Busy;
    // Ours (the mount's) and the caller's.
    if (__atomic_load_n(&root->refs, __ATOMIC_ACQUIRE) > 2 ||
        __atomic_load_n(&m->busy, __ATOMIC_ACQUIRE) > 0)
      return Error::Busy;
    __atomic_store_n(&m->covered->covered_by, nullptr, __ATOMIC_RELEASE);
    g_mounts.remove(m);
  }
  vnode_release(m->covered);
  vnode_release(root);  // the caller's
  free_mount(m);
  return ok();
}

void vfs_for_each_mount(void (*fn)(void* ctx, const Mount& m), void* ctx) {
  MutexGuard g(g_mounts_lock);
  for (Mount* m : g_mounts) fn(ctx, *m);
}

void vfs_statfs(Vnode* vp, StatFs& st) {
  st = StatFs{};
  Mount* m = vp->mount;
  if (m && m->type->statfs) m->type->statfs(*m, st);
}

Vnode* vfs_cross_mount(Vnode* vp) {
  while (__atomic_load_n(&vp->covered_by, __ATOMIC_ACQUIRE)) {
    Vnode* root;
    {
      MutexGuard g(g_mounts_lock);
      Mount* m = vp->covered_by;
      if (!m) break;  // unmounted meanwhile
      root = m->root;
      vnode_hold(root);
    }
    vnode_release(vp);
    vp = root;
  }
  return vp;
}

void vfs_reset() {
  for (;;) {
    Mount* m;
    Vnode* drop;
    {
      MutexGuard g(g_mounts_lock);
      m = g_mounts.back();
      if (!m) break;
      g_mounts.remove(m);
      if (m->covered) {
        __atomic_store_n(&m->covered->covered_by, nullptr, __ATOMIC_RELEASE);
        drop = m->covered;
      } else {
        drop = g_root;
        g_root = nullptr;
      }
    }
    vnode_release(drop);
    free_mount(m);
  }
}

}  // namespace tine
