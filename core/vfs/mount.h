// Mounts: file system types, the mount list, the root (NetBSD's struct
// mount and vfsops, much reduced). A file system type is an FsType table of
// plain function pointers; each mount of it is a Mount whose root vnode is
// reached from the directory it covers (Vnode::covered_by), which namei
// crosses in both directions.
//
// Locking: the mount list and every covered_by pointer change under one
// mutex (LockRank::Mounts); namei reads covered_by atomically without it.
#pragma once

#include "core/lib/list.h"
#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/vfs/vnode.h"

namespace tine {

// statfs(2)'s answer (Linux's struct statfs fields that mean something).
struct StatFs {
  u64 type = 0;  // the file system's magic (TMPFS_MAGIC, ...)
  u64 bsize = kPageSize;
  u64 blocks = 0, bfree = 0, bavail = 0;
  u64 files = 0, ffree = 0;
  u64 namelen = kNameMax;
  u64 flags = 0;  // ST_* mount flags
};

struct FsType {
  const char* name;  // "tmpfs", "devfs", "proc": mount(2)'s type and /proc/mounts
  // Lookups in this file system may be remembered in the name cache: its
  // directories change only through the VnodeOps (unlink, rename, ...),
  // which the VFS purges after. Not so for procfs, whose entries come and go.
  bool namecache;
  // Sets up the file system for a new mount m (m.data is its own) and
  // returns its root, held (the reference passes to the mount). NoMem.
  Result<Vnode*> (*mount)(Mount& m);
  // The mount is going; its root has been released. Frees m.data. Null:
  // nothing to free.
  void (*unmount)(Mount& m);
  // statfs(2). Null: a StatFs with only the block size.
  void (*statfs)(Mount& m, StatFs& st);
};

struct Mount : ListLink<> {
  const FsType* type = nullptr;
  Vnode* root = nullptr;     // held while mounted
  Vnode* covered = nullptr;  // held; null for the root file system
  u64 dev = 0;               // st_dev of every vnode in it
  void* data = nullptr;      // the file system's
  u64 busy = 0;              // atomic: Files open and cwds in it (unmount says Busy)
  char on[128] = "/";        // the mount point as given (for /proc/mounts)
};

// Mounts a new `type` as the root of the namespace. Contract: at boot (or
// in a host test after vfs_reset), before any namei. NoMem.
Result<void> vfs_mount_root(const FsType* type);
// The namespace root, held.
Vnode* vfs_root();
// Mounts a new `type` on directory `dir` (held by the caller); `on` is its
// path for /proc/mounts. NotDir, Busy (something is mounted there already),
// NoMem.
Result<void> vfs_mount(Vnode* dir, const char* on, const FsType* type);
// vfs_mount on an absolute path, looked up from the root (for boot code:
// devfs on /dev, procfs on /proc).
Result<void> vfs_mount_path(const char* path, const FsType* type);
// Unmounts the file system whose root is `root` (held by the caller; on
// success that reference is consumed with the mount's own): Inval if it is
// not a mount root, Busy for the namespace root, while Files are open on it
// or a cwd is in it (Mount::busy), or while anyone but the caller holds its
// root.
Result<void> vfs_unmount(Vnode* root);
// Calls fn for each mount, oldest first, under the mount lock (fn must not
// call back into mounts).
void vfs_for_each_mount(void (*fn)(void* ctx, const Mount& m), void* ctx);
// statfs of the file system holding vp.
void vfs_statfs(Vnode* vp, StatFs& st);
// What namei reaches through vp: vp itself (its reference passed back) or,
// when something is mounted on it, that mount's root (held; vp's reference
// released), down through stacked mounts.
Vnode* vfs_cross_mount(Vnode* vp);
// Unmounts everything, the root included (host tests between cases).
// Contract: nothing else holds a vnode.
void vfs_reset();

}  // namespace tine
