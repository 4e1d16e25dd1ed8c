#include "core/vfs/vnode.h"

#include "core/fs/file.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/vfs/mount.h"
#include "core/vfs/namecache.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {
u64 g_live_vnodes = 0;  // atomic
}  // namespace

u32 vtype_to_mode(VType t) {
  switch (t) {
    case VType::Reg: return 0100000;
    case VType::Dir: return 0040000;
    case VType::Lnk: return 0120000;
    case VType::Fifo: return 0010000;
    case VType::Chr: return 0020000;
    case VType::Blk: return 0060000;
    case VType::Sock: return 0140000;
    case VType::Non: break;
  }
  return 0;
}

VType mode_to_vtype(u32 mode) {
  switch (mode & 0170000) {
    case 0100000: return VType::Reg;
    case 0040000: return VType::Dir;
    case 0120000: return VType::Lnk;
    case 0010000: return VType::Fifo;
    case 0020000: return VType::Chr;
    case 0060000: return VType::Blk;
    case 0140000: return VType::Sock;
  }
  return VType::Non;
}

u8 vtype_to_dtype(VType t) { return u8(vtype_to_mode(t) >> 12); }

VTime vtime_now() {
  const u64 ns = hal::time_ns();
  return VTime{i64(ns / 1000000000u), i64(ns % 1000000000u)};
}

size_t vio_copyout(const VIo& io, size_t at, const void* src, size_t n) {
  if (!io.user) {
    memcpy(reinterpret_cast<void*>(io.addr + at), src, n);
    return n;
  }
  auto* s = static_cast<const u8*>(src);
  Result<size_t> r = for_each_user_piece(io.addr + at, n, [&](uptr u, size_t len, size_t done) {
    return copyout(u, s + done, len);
  });
  return r.ok() ? r.value() : 0;
}

size_t vio_copyin(void* dst, const VIo& io, size_t at, size_t n) {
  if (!io.user) {
    memcpy(dst, reinterpret_cast<const void*>(io.addr + at), n);
    return n;
  }
  auto* d = static_cast<u8*>(dst);
  Result<size_t> r = for_each_user_piece(io.addr + at, n, [&](uptr u, size_t len, size_t done) {
    return copyin(d + done, u, len);
  });
  return r.ok() ? r.value() : 0;
}

namespace {

// The guarded fields of a vnode no other thread can see yet: no lock
// (a lock pair per vnode was a tenth of seeding the initrd's symlinks, and
// of each procfs lookup).
void vnode_init_unpublished(Vnode* vp, VType type, const VCreate& c, VTime now)
    NO_THREAD_SAFETY_ANALYSIS {
  vp->mode = c.mode & 07777;
  vp->uid = c.uid;
  vp->gid = c.gid;
  vp->rdev = c.rdev;
  vp->nlink = type == VType::Dir ? 2 : 1;
  vp->atime = vp->mtime = vp->ctime = now;
}

}  // namespace

Result<Vnode*> vnode_alloc(Mount* m, const VnodeOps* ops, VType type, u64 ino,
                           const VCreate& c, void* data, size_t extra) {
  void* mem = kmalloc(align_up(sizeof(Vnode), size_t{16}) + extra);
  if (!mem) return Error::NoMem;
  Vnode* vp = new (mem) Vnode(type, m, ops, ino);
  vp->data = data;
  vnode_init_unpublished(vp, type, c, vtime_now());
  __atomic_add_fetch(&g_live_vnodes, 1, __ATOMIC_RELAXED);
  return vp;
}

void vnode_hold(Vnode* vp) {
  KASSERT(vp->magic == Vnode::kMagic);
  u32 old = __atomic_fetch_add(&vp->refs, 1u, __ATOMIC_RELAXED);
  KASSERT(old > 0);
}

bool vnode_try_hold(Vnode* vp) {
  KASSERT(vp->magic == Vnode::kMagic);
  u32 old = __atomic_load_n(&vp->refs, __ATOMIC_RELAXED);
  do {
    if (old == 0) return false;
  } while (!__atomic_compare_exchange_n(&vp->refs, &old, old + 1, true, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED));
  return true;
}

void vnode_release(Vnode* vp) {
  KASSERT(vp->magic == Vnode::kMagic);
  u32 old = __atomic_fetch_sub(&vp->refs, 1u, __ATOMIC_ACQ_REL);
  KASSERT(old > 0);
  if (old != 1) return;
  // Nothing can find it any more but the name cache, whose lookups use
  // vnode_try_hold and so never revive it; forget it there before freeing.
  // A vnode never entered there (procfs's, a pipe's, most of exec's
  // lookups) skips the scan of the whole table. The entering thread's
  // store comes before its own release, so the last release sees it.
  if (__atomic_load_n(&vp->nc_named, __ATOMIC_RELAXED)) namecache_purge_vnode(vp);
  if (vp->ops->reclaim) vp->ops->reclaim(*vp);
  vp->magic = 0;
  vp->~Vnode();
  kfree(vp);
  __atomic_sub_fetch(&g_live_vnodes, 1, __ATOMIC_RELAXED);
}

u64 vnode_live_count() { return __atomic_load_n(&g_live_vnodes, __ATOMIC_RELAXED); }

void vnode_getattr_default(Vnode& vp, VAttr& va) {
  MutexGuard g(vp.lock);
  va.type = vp.type;
  va.mode = vp.mode;
  va.uid = vp.uid;
  va.gid = vp.gid;
  va.nlink = vp.nlink;
  va.size = vp.size;
  va.ino = vp.ino;
  va.rdev = vp.rdev;
  va.atime = vp.atime;
  va.mtime = vp.mtime;
  va.ctime = vp.ctime;
  va.blksize = kPageSize;
  va.blocks = 0;
}

void vnode_getattr(Vnode& vp, VAttr& va) {
  va = VAttr{};
  if (vp.ops->getattr) {
    vp.ops->getattr(vp, va);
  } else {
    vnode_getattr_default(vp, va);
  }
  va.type = vp.type;
  // A vnode outside any mount (a pipe's, core/vfs/pipe_vnode.h) says its own.
  if (vp.mount) va.dev = vp.mount->dev;
}

Result<void> vnode_setattr_default(Vnode& vp, const VAttr& va, u32 mask) {
  MutexGuard g(vp.lock);
  if (mask & kVaMode) vp.mode = va.mode & 07777;
  if (mask & kVaUid) vp.uid = va.uid;
  if (mask & kVaGid) vp.gid = va.gid;
  if (mask & kVaAtime) vp.atime = va.atime;
  if (mask & kVaMtime) vp.mtime = va.mtime;
  vp.ctime = vtime_now();
  return ok();
}

void vnode_touch_modify(Vnode& vp) {
  const VTime now = vtime_now();
  MutexGuard g(vp.lock);
  vp.mtime = vp.ctime = now;
}

void vnode_touch_change(Vnode& vp) {
  const VTime now = vtime_now();
  MutexGuard g(vp.lock);
  vp.ctime = now;
}

}  // namespace tine
