// tmpfs directories: entries, and the operations that add, remove and move
// them. Everything here runs under the mount's lock (tmpfs_node.h), so a
// directory tree changes atomically as seen by lookups and readdir.
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/vfs/tmpfs/tmpfs_node.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

TmpfsDirent* find(TmpfsNode& dir, const char* name) { return tmpfs_dir_find(dir, name); }

// An entry for `name`, allocated before the lock is taken so that nothing
// fails once a directory has started to change.
TmpfsDirent* new_dirent(const char* name) {
  const size_t len = strlen(name);
  auto* e = static_cast<TmpfsDirent*>(kmalloc(sizeof(TmpfsDirent) + len));
  if (!e) return nullptr;
  new (e) TmpfsDirent;
  e->vp = nullptr;
  e->cookie = 0;
  e->hnext = nullptr;
  e->hash = tmpfs_name_hash(name, len);
  e->len = u16(len);
  memcpy(e->name, name, len + 1);
  return e;
}

void free_dirent(TmpfsDirent* e) {
  if (e) kfree(e);
}

// Links e (which holds its vnode's reference) into dir. REQUIRES the
// mount lock.
void attach(TmpfsNode& dir, TmpfsDirent* e) {
  e->cookie = dir.next_cookie++;
  tmpfs_dir_add(dir, e);
}

void add_nlink(Vnode& vp, int delta) {
  MutexGuard g(vp.lock);
  vp.nlink = u32(i64(vp.nlink) + delta);
  vp.ctime = vtime_now();
}

bool dir_empty(Vnode& vp) { return tmpfs_node_of(vp).entries.empty(); }

// Is `dir` `anc` or beneath it? (rename must not move a directory into
// itself.) REQUIRES the mount lock, which keeps every parent pointer.
bool is_within(Vnode* dir, Vnode* anc) {
  for (Vnode* v = dir; v; v = tmpfs_node_of(*v).parent)
    if (v == anc) return true;
  return false;
}

// Makes a node of `type` named `name` in dvp. `setup` fills the new node
// before it becomes visible (a symlink's target). Held result.
template <typename Setup>
Result<Vnode*> make_node(Vnode& dvp, const char* name, VType type, const VCreate& c,
                         Setup&& setup) {
  TmpfsMount& tm = tmpfs_mount_of(dvp);
  TmpfsNode& dir = tmpfs_node_of(dvp);
  TmpfsDirent* e = new_dirent(name);
  if (!e) return Error::NoMem;
  Result<Vnode*> made = tmpfs_new_vnode(*dvp.mount, type, c);
  if (!made.ok()) {
    free_dirent(e);
    return made.error();
  }
  VnodeRef vp(made.value());
  if (Result<void> r = setup(*vp); !r.ok()) {
    free_dirent(e);
    return r.error();
  }
  {
    MutexGuard g(tm.lock);
    if (dir.dead) {
      free_dirent(e);
      return Error::NoEnt;
    }
    if (find(dir, name)) {
      free_dirent(e);
      return Error::Exist;
    }
    vnode_hold(vp.get());  // the entry's reference
    e->vp = vp.get();
    attach(dir, e);
    if (type == VType::Dir) {
      tmpfs_node_of(*vp).parent = &dvp;
      add_nlink(dvp, 1);  // the new directory's ".."
    }
  }
  vnode_touch_modify(dvp);
  return vp.take();
}

Result<void> no_setup(Vnode&) { return ok(); }

// A size set before make_node publishes the node: no other thread can
// see it yet, so no lock.
void set_size_unpublished(Vnode& v, i64 size) NO_THREAD_SAFETY_ANALYSIS { v.size = size; }

}  // namespace

Result<Vnode*> tmpfs_lookup(Vnode& dvp, const char* name) {
  TmpfsMount& tm = tmpfs_mount_of(dvp);
  TmpfsNode& dir = tmpfs_node_of(dvp);
  MutexGuard g(tm.lock);
  if (dir.dead) return Error::NoEnt;
  if (name[0] == '.' && name[1] == '.' && name[2] == '\0') {
    Vnode* up = dir.parent ? dir.parent : &dvp;  // the mount's root is its own parent
    vnode_hold(up);
    return up;
  }
  TmpfsDirent* e = find(dir, name);
  if (!e) return Error::NoEnt;
  vnode_hold(e->vp);
  return e->vp;
}

Result<Vnode*> tmpfs_create(Vnode& dvp, const char* name, const VCreate& c) {
  return make_node(dvp, name, VType::Reg, c, no_setup);
}

Result<void> tmpfs_mkdir(Vnode& dvp, const char* name, const VCreate& c) {
  VnodeRef vp(TRY(make_node(dvp, name, VType::Dir, c, no_setup)));
  return ok();
}

Result<void> tmpfs_mknod(Vnode& dvp, const char* name, const VCreate& c) {
  const VType type = mode_to_vtype(c.mode);
  if (type != VType::Fifo && type != VType::Reg) return Error::Perm;
  VnodeRef vp(TRY(make_node(dvp, name, type, c, no_setup)));
  return ok();
}

Result<void> tmpfs_symlink(Vnode& dvp, const char* name, const char* target, const VCreate& c) {
  VnodeRef vp(TRY(make_node(dvp, name, VType::Lnk, c, [&](Vnode& v) -> Result<void> {
    TmpfsNode& node = tmpfs_node_of(v);
    // A short target is measured and copied in one pass (seeding the
    // initrd makes 270 of them); a longer one gets its own block.
    size_t len = 0;
    while (len < TmpfsNode::kTargetInline && (node.target_inline[len] = target[len]) != '\0')
      len++;
    if (len < TmpfsNode::kTargetInline) {
      node.target = node.target_inline;
    } else {
      len = strlen(target);
      node.target = static_cast<char*>(kmalloc(len + 1));
      if (!node.target) return Error::NoMem;
      memcpy(node.target, target, len + 1);
    }
    node.target_len = len;
    set_size_unpublished(v, i64(len));
    return ok();
  })));
  return ok();
}

Result<void> tmpfs_link(Vnode& dvp, const char* name, Vnode& vp) {
  TmpfsMount& tm = tmpfs_mount_of(dvp);
  TmpfsNode& dir = tmpfs_node_of(dvp);
  TmpfsDirent* e = new_dirent(name);
  if (!e) return Error::NoMem;
  {
    MutexGuard g(tm.lock);
    if (dir.dead) {
      free_dirent(e);
      return Error::NoEnt;
    }
    if (find(dir, name)) {
      free_dirent(e);
      return Error::Exist;
    }
    {
      // A file unlinked while open cannot come back (Linux: ENOENT).
      MutexGuard vg(vp.lock);
      if (vp.nlink == 0) {
        free_dirent(e);
        return Error::NoEnt;
      }
    }
    vnode_hold(&vp);
    e->vp = &vp;
    attach(dir, e);
    add_nlink(vp, 1);
  }
  vnode_touch_modify(dvp);
  return ok();
}

Result<void> tmpfs_unlink(Vnode& dvp, const char* name) {
  TmpfsMount& tm = tmpfs_mount_of(dvp);
  TmpfsNode& dir = tmpfs_node_of(dvp);
  TmpfsDirent* e;
  {
    MutexGuard g(tm.lock);
    e = find(dir, name);
    if (!e) return Error::NoEnt;
    if (e->vp->is_dir()) return Error::IsDir;
    tmpfs_dir_remove(dir, e);
    add_nlink(*e->vp, -1);
  }
  vnode_touch_modify(dvp);
  vnode_release(e->vp);  // the entry's reference; outside the lock (reclaim)
  free_dirent(e);
  return ok();
}

Result<void> tmpfs_rmdir(Vnode& dvp, const char* name) {
  TmpfsMount& tm = tmpfs_mount_of(dvp);
  TmpfsNode& dir = tmpfs_node_of(dvp);
  TmpfsDirent* e;
  {
    MutexGuard g(tm.lock);
    e = find(dir, name);
    if (!e) return Error::NoEnt;
    Vnode& vp = *e->vp;
    if (!vp.is_dir()) return Error::NotDir;
    if (!dir_empty(vp)) return Error::NotEmpty;
    if (__atomic_load_n(&vp.covered_by, __ATOMIC_ACQUIRE)) return Error::Busy;
    tmpfs_dir_remove(dir, e);
    TmpfsNode& child = tmpfs_node_of(vp);
    child.parent = nullptr;
    child.dead = true;
    {
      MutexGuard vg(vp.lock);
      vp.nlink = 0;
    }
    add_nlink(dvp, -1);
  }
  vnode_touch_modify(dvp);
  vnode_release(e->vp);
  free_dirent(e);
  return ok();
}

Result<void> tmpfs_rename(Vnode& fdvp, const char* fname, Vnode& tdvp, const char* tname,
                          u32 flags) {
  TmpfsMount& tm = tmpfs_mount_of(fdvp);
  TmpfsNode& fdir = tmpfs_node_of(fdvp);
  TmpfsNode& tdir = tmpfs_node_of(tdvp);
  TmpfsDirent* moved = new_dirent(tname);
  if (!moved) return Error::NoMem;
  TmpfsDirent* src;
  TmpfsDirent* victim = nullptr;
  {
    MutexGuard g(tm.lock);
    src = find(fdir, fname);
    if (!src) {
      free_dirent(moved);
      return Error::NoEnt;
    }
    if (tdir.dead) {
      free_dirent(moved);
      return Error::NoEnt;
    }
    Vnode& vp = *src->vp;
    if (vp.is_dir() && is_within(&tdvp, &vp)) {
      free_dirent(moved);
      return Error::Inval;
    }
    victim = find(tdir, tname);
    if (victim) {
      Error refuse{};
      if (flags & kRenameNoReplace) {
        refuse = Error::Exist;
      } else if (victim->vp == &vp) {
        // Two names of one file (or the same name): rename does nothing.
        free_dirent(moved);
        return ok();
      } else if (vp.is_dir() && !victim->vp->is_dir()) {
        refuse = Error::NotDir;
      } else if (!vp.is_dir() && victim->vp->is_dir()) {
        refuse = Error::IsDir;
      } else if (victim->vp->is_dir() && !dir_empty(*victim->vp)) {
        refuse = Error::NotEmpty;
      } else if (__atomic_load_n(&victim->vp->covered_by, __ATOMIC_ACQUIRE)) {
        refuse = Error::Busy;
      }
      if (refuse != Error{}) {
        free_dirent(moved);
        return refuse;
      }
    }
    // Commit: nothing below fails.
    if (victim) {
      tmpfs_dir_remove(tdir, victim);
      if (victim->vp->is_dir()) {
        TmpfsNode& v = tmpfs_node_of(*victim->vp);
        v.parent = nullptr;
        v.dead = true;
        MutexGuard vg(victim->vp->lock);
        victim->vp->nlink = 0;
      } else {
        add_nlink(*victim->vp, -1);
      }
      if (victim->vp->is_dir()) add_nlink(tdvp, -1);
    }
    tmpfs_dir_remove(fdir, src);
    moved->vp = src->vp;  // the reference moves with the name
    attach(tdir, moved);
    if (vp.is_dir()) {
      tmpfs_node_of(vp).parent = &tdvp;
      if (&fdvp != &tdvp) {
        add_nlink(fdvp, -1);
        add_nlink(tdvp, 1);
      }
    }
    vnode_touch_change(vp);
  }
  vnode_touch_modify(fdvp);
  if (&tdvp != &fdvp) vnode_touch_modify(tdvp);
  free_dirent(src);
  if (victim) {
    vnode_release(victim->vp);
    free_dirent(victim);
  }
  return ok();
}

Result<void> tmpfs_readdir(Vnode& vp, u64 cookie, ReaddirFn fn, void* ctx) {
  TmpfsMount& tm = tmpfs_mount_of(vp);
  TmpfsNode& dir = tmpfs_node_of(vp);
  MutexGuard g(tm.lock);
  if (dir.dead) return ok();  // Linux: a removed directory reads as empty
  if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
  if (cookie <= 1) {
    Vnode* up = dir.parent ? dir.parent : &vp;
    if (!fn(ctx, "..", 2, up->ino, VType::Dir, 2)) return ok();
  }
  for (TmpfsDirent* e : dir.entries) {
    if (e->cookie < cookie) continue;
    if (!fn(ctx, e->name, e->len, e->vp->ino, e->vp->type, e->cookie + 1)) break;
  }
  return ok();
}

void tmpfs_free_entries(TmpfsNode& node) {
  // Only a mount going away frees a directory with entries (its root);
  // each entry's vnode goes with its last reference, recursively.
  while (TmpfsDirent* e = node.entries.pop_front()) {
    if (e->vp->is_dir()) tmpfs_node_of(*e->vp).parent = nullptr;
    vnode_release(e->vp);
    free_dirent(e);
  }
  tmpfs_dir_free_index(node);
}

}  // namespace tine
