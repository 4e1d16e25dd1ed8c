// tmpfs's own state: one TmpfsMount per mount, one TmpfsNode per vnode.
// Internal to core/vfs/tmpfs/.
//
// Locking: TmpfsMount::lock (LockRank::Tmpfs) guards every directory's
// entries, `parent` and `dead`, and is taken before a vnode's lock (for
// link counts and times). A regular file's pages and page count are
// guarded by its vnode's lock (as its size is); io_lock serialises writes
// and truncation of one file and is held across copyin (LockRank::VnodeIo),
// so a write never races a truncate into a page the file no longer holds.
#pragma once

#include "core/lib/list.h"
#include "core/sync/mutex.h"
#include "core/vfs/tmpfs/tmpfs.h"

namespace tine {

struct Pipe;

struct TmpfsMount {
  Mutex lock{"tmpfs", LockRank::Tmpfs};
  u64 next_ino = 1;    // atomic; the root takes 1
  u64 pages_used = 0;  // atomic, file pages held
  u64 pages_max = 0;   // fixed: half the RAM, as Linux's default size
  u64 nodes = 0;       // atomic
};

// One name in a directory; holds a reference to its vnode.
struct TmpfsDirent : ListLink<> {
  Vnode* vp;
  u64 cookie;  // readdir position: increasing in the directory, from 2
  TmpfsDirent* hnext;  // next in its hash bucket (TmpfsDirIndex)
  u32 hash;            // tmpfs_name_hash of the name
  u16 len;
  char name[1];  // len bytes and a NUL, allocated with the entry
};

// A directory's names by hash, beside its list (which keeps readdir's
// order): bin/ holds ~300 names, and a list scan per lookup or create
// cost most of seeding the initrd. Made once the directory has
// kDirIndexMin names; a table that cannot grow (NoMem) just gets longer
// chains, so adding a name never fails for the index's sake.
struct TmpfsDirIndex {
  TmpfsDirent** buckets = nullptr;  // power-of-two count
  u32 mask = 0;                     // buckets - 1
  u32 count = 0;                    // names in the directory
};

struct TmpfsNode {
  Vnode* vp = nullptr;  // no reference: the node lives inside it
  // Directories (under TmpfsMount::lock).
  List<TmpfsDirent> entries;
  TmpfsDirIndex index;
  Vnode* parent = nullptr;  // no reference: a linked child keeps it alive
  u64 next_cookie = 2;
  bool dead = false;        // removed (rmdir): lookups and creates say NoEnt
  // Regular files (under vp->lock).
  paddr_t* pages = nullptr;
  u64 cap = 0;      // slots in pages
  u64 npages = 0;   // slots that hold a page
  Mutex io_lock{"tmpfs io", LockRank::VnodeIo};
  // Symlinks (fixed). A short target (BusyBox's "busybox" links, most of
  // the initrd's entries) lives in target_inline: no allocation of its own.
  char* target = nullptr;
  size_t target_len = 0;
  static constexpr size_t kTargetInline = 24;
  char target_inline[kTargetInline];
  // FIFOs: the pipe every open shares (under TmpfsMount::lock).
  Pipe* fifo = nullptr;
};

inline TmpfsMount& tmpfs_mount_of(Vnode& vp) { return *static_cast<TmpfsMount*>(vp.mount->data); }
inline TmpfsNode& tmpfs_node_of(Vnode& vp) { return *static_cast<TmpfsNode*>(vp.data); }

// A new node of `type` in vp's... in mount m, held. NoMem, NoSpc.
Result<Vnode*> tmpfs_new_vnode(Mount& m, VType type, const VCreate& c);

extern const VnodeOps kTmpfsOps;

// The operations, by area (tmpfs_dir.cpp, tmpfs_file.cpp).
Result<Vnode*> tmpfs_lookup(Vnode& dvp, const char* name);
Result<Vnode*> tmpfs_create(Vnode& dvp, const char* name, const VCreate& c);
Result<void> tmpfs_mkdir(Vnode& dvp, const char* name, const VCreate& c);
Result<void> tmpfs_mknod(Vnode& dvp, const char* name, const VCreate& c);
Result<void> tmpfs_symlink(Vnode& dvp, const char* name, const char* target, const VCreate& c);
Result<void> tmpfs_link(Vnode& dvp, const char* name, Vnode& vp);
Result<void> tmpfs_unlink(Vnode& dvp, const char* name);
Result<void> tmpfs_rmdir(Vnode& dvp, const char* name);
Result<void> tmpfs_rename(Vnode& fdvp, const char* fname, Vnode& tdvp, const char* tname,
                          u32 flags);
Result<void> tmpfs_readdir(Vnode& vp, u64 cookie, ReaddirFn fn, void* ctx);
Result<size_t> tmpfs_read(Vnode& vp, u64 off, const VIo& io, size_t n);
Result<size_t> tmpfs_write(Vnode& vp, u64 off, const VIo& io, size_t n);
Result<void> tmpfs_truncate(Vnode& vp, u64 size);
Result<paddr_t> tmpfs_getpage(Vnode& vp, u64 idx);
Result<void> tmpfs_attach_pages(Vnode& vp, paddr_t pa, u64 npages, u64 size);
void tmpfs_free_pages(Vnode& vp);          // reclaim of a regular file
void tmpfs_free_entries(TmpfsNode& node);  // reclaim of a directory

// A directory's names (tmpfs_dirindex.cpp). All REQUIRE the mount lock
// but the hash.
u32 tmpfs_name_hash(const char* name, size_t len);
TmpfsDirent* tmpfs_dir_find(TmpfsNode& dir, const char* name);
void tmpfs_dir_add(TmpfsNode& dir, TmpfsDirent* e);  // e->hash set
void tmpfs_dir_remove(TmpfsNode& dir, TmpfsDirent* e);
void tmpfs_dir_free_index(TmpfsNode& dir);

}  // namespace tine
