#include "core/vfs/tmpfs/tmpfs.h"

#include "core/fs/file_pipe.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/vfs/tmpfs/tmpfs_node.h"
#include "core/vfs/vfs_file.h"
#include "core/vm/heap.h"
#include "core/vm/vm_page.h"

namespace tine {

namespace {

Result<size_t> tmpfs_readlink(Vnode& vp, char* buf, size_t n) {
  if (vp.type != VType::Lnk) return Error::Inval;
  TmpfsNode& node = tmpfs_node_of(vp);
  size_t len = min(n, node.target_len);
  memcpy(buf, node.target, len);
  return len;
}

void tmpfs_getattr(Vnode& vp, VAttr& va) {
  vnode_getattr_default(vp, va);
  if (vp.type == VType::Reg) {
    MutexGuard g(vp.lock);
    va.blocks = i64(tmpfs_node_of(vp).npages * (kPageSize / 512));
  }
}

// A FIFO's opens share one pipe, made on the first; everything else is
// the generic vnode File.
Result<File*> tmpfs_open(Vnode& vp, int flags) {
  if (vp.type != VType::Fifo) return vfs_generic_file(flags);
  TmpfsMount& tm = tmpfs_mount_of(vp);
  TmpfsNode& node = tmpfs_node_of(vp);
  Pipe* p;
  {
    MutexGuard g(tm.lock);
    if (!node.fifo) node.fifo = TRY(fifo_create());
    p = node.fifo;
    fifo_hold(p);
  }
  // The wait for the other end runs without the tmpfs lock.
  Result<File*> f = fifo_open(p, flags);
  fifo_release(p);
  return f;
}

void tmpfs_reclaim(Vnode& vp) {
  TmpfsNode* node = &tmpfs_node_of(vp);
  if (node->fifo) fifo_release(node->fifo);
  if (vp.type == VType::Reg) tmpfs_free_pages(vp);
  if (vp.type == VType::Dir) tmpfs_free_entries(*node);
  if (node->target != node->target_inline) kfree(node->target);
  __atomic_sub_fetch(&tmpfs_mount_of(vp).nodes, 1, __ATOMIC_RELAXED);
  node->~TmpfsNode();  // its memory is the vnode's (tmpfs_new_vnode)
}

Result<Vnode*> tmpfs_mount(Mount& m) {
  void* mem = kmalloc(sizeof(TmpfsMount));
  if (!mem) return Error::NoMem;
  auto* tm = new (mem) TmpfsMount;
  tm->pages_max = vm_page_allocator().total_pages() / 2;
  m.data = tm;
  Result<Vnode*> root = tmpfs_new_vnode(m, VType::Dir, VCreate{.mode = 01777});
  if (!root.ok()) {
    tm->~TmpfsMount();
    kfree(tm);
    m.data = nullptr;
  }
  return root;
}

void tmpfs_unmount(Mount& m) {
  auto* tm = static_cast<TmpfsMount*>(m.data);
  KASSERT(__atomic_load_n(&tm->nodes, __ATOMIC_RELAXED) == 0);
  tm->~TmpfsMount();
  kfree(tm);
}

void tmpfs_statfs(Mount& m, StatFs& st) {
  auto* tm = static_cast<TmpfsMount*>(m.data);
  const u64 used = __atomic_load_n(&tm->pages_used, __ATOMIC_RELAXED);
  st.type = kTmpfsMagic;
  st.bsize = kPageSize;
  st.blocks = tm->pages_max;
  st.bfree = st.bavail = tm->pages_max > used ? tm->pages_max - used : 0;
  st.files = tm->pages_max;
  const u64 nodes = __atomic_load_n(&tm->nodes, __ATOMIC_RELAXED);
  st.ffree = st.files > nodes ? st.files - nodes : 0;
  st.namelen = kNameMax;
}

}  // namespace

const VnodeOps kTmpfsOps = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .mkdir = tmpfs_mkdir,
    .mknod = tmpfs_mknod,
    .symlink = tmpfs_symlink,
    .readlink = tmpfs_readlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .read = tmpfs_read,
    .write = tmpfs_write,
    .truncate = tmpfs_truncate,
    .getattr = tmpfs_getattr,
    .setattr = nullptr,
    .readdir = tmpfs_readdir,
    .open = tmpfs_open,
    .reclaim = tmpfs_reclaim,
    .getpage = tmpfs_getpage,
    .attach_pages = tmpfs_attach_pages,
};

const FsType kTmpfsType = {
    .name = "tmpfs",
    .namecache = true,
    .mount = tmpfs_mount,
    .unmount = tmpfs_unmount,
    .statfs = tmpfs_statfs,
};

Result<Vnode*> tmpfs_new_vnode(Mount& m, VType type, const VCreate& c) {
  auto* tm = static_cast<TmpfsMount*>(m.data);
  const u64 ino = __atomic_fetch_add(&tm->next_ino, 1, __ATOMIC_RELAXED);
  // The node lives in the vnode's own allocation (vnode_extra).
  Vnode* vp = TRY(vnode_alloc(&m, &kTmpfsOps, type, ino, c, nullptr, sizeof(TmpfsNode)));
  auto* node = new (vnode_extra(vp)) TmpfsNode;
  node->vp = vp;
  vp->data = node;  // before anyone else sees vp
  __atomic_add_fetch(&tm->nodes, 1, __ATOMIC_RELAXED);
  return vp;
}

}  // namespace tine
