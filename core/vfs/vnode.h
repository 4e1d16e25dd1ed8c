// Vnodes: the file system's objects as the rest of the kernel sees them
// (NetBSD's struct vnode and vnodeops, much reduced). A file system gives a
// VnodeOps table of plain function pointers (no virtual functions, as
// FileOps in core/fs/file.h) and allocates its vnodes with vnode_alloc.
//
// Lifetime: a vnode is reference counted (atomically). Whoever holds a
// Vnode* holds a reference: namei's result, an open File (File::vnode), a
// process's cwd, a mount's root and covered vnode, and whatever the file
// system keeps (tmpfs: each directory entry holds one, so a linked vnode
// never reaches 0). When the last reference goes, the name cache forgets
// the vnode, ops->reclaim frees the file system's part, and the vnode is
// freed.
//
// Locking: the VFS calls every op with no VFS lock held; each file system
// serialises itself. The attribute fields below are guarded by the vnode's
// `lock` (a leaf apart from the heap and page allocator: never held across
// copyin/copyout, so a page fault, which will map file pages, may take it).
//
// Paths: ops see single components, NUL-terminated, 1..kNameMax bytes,
// never "." (the VFS resolves it); ".." reaches lookup only, which must
// answer the parent (the VFS handles ".." at the root and at mount points).
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/sync/mutex.h"

namespace tine {

struct File;
struct Mount;
struct Vnode;

inline constexpr size_t kPathMax = 4096;  // including the NUL, as Linux
inline constexpr size_t kNameMax = 255;   // one path component
inline constexpr int kSymlinkMax = 40;    // symlinks one walk follows (Linux)

enum class VType : u8 { Non, Reg, Dir, Lnk, Fifo, Chr, Blk, Sock };

// The S_IF* type bits of st_mode for a type, and back (Non for garbage).
u32 vtype_to_mode(VType t);
VType mode_to_vtype(u32 mode);
// getdents64's d_type (DT_REG, DT_DIR, ...).
u8 vtype_to_dtype(VType t);

struct VTime {
  i64 sec = 0;
  i64 nsec = 0;
};
VTime vtime_now();

// What getattr reports and setattr changes.
struct VAttr {
  VType type = VType::Non;
  u32 mode = 0;  // permission bits (07777) only
  u32 uid = 0, gid = 0;
  u32 nlink = 1;
  i64 size = 0;
  u64 ino = 0;
  u64 dev = 0;   // the mount's device number
  u64 rdev = 0;  // a device node's number
  VTime atime, mtime, ctime;
  u32 blksize = kPageSize;
  i64 blocks = 0;  // 512-byte units actually held
};

// setattr's mask: which VAttr fields to apply.
inline constexpr u32 kVaMode = 1u << 0, kVaUid = 1u << 1, kVaGid = 1u << 2,
                     kVaSize = 1u << 3, kVaAtime = 1u << 4, kVaMtime = 1u << 5;

// The owner and mode of a node being made (create, mkdir, mknod, symlink).
// mode carries the type bits for mknod (S_IFIFO, ...) and the permission
// bits (the umask already applied) for all.
struct VCreate {
  u32 mode = 0;
  u32 uid = 0, gid = 0;
  u64 rdev = 0;
};

// Where read/write bytes go or come from: the current process's user memory
// (copyin/copyout; may fault) or a kernel buffer (exec, the initrd loader).
struct VIo {
  uptr addr;
  bool user;
};
// Copies n bytes to/from io at byte offset `at` of it; returns how many
// moved before a fault (n when none). Kernel buffers never fault.
size_t vio_copyout(const VIo& io, size_t at, const void* src, size_t n);
size_t vio_copyin(void* dst, const VIo& io, size_t at, size_t n);

// readdir's callback, once per entry in order: the entry and the cookie to
// resume after it. Returns false to stop (the caller's buffer is full); the
// file system then stops without error. Called with fs locks held: it must
// not sleep or touch user memory.
using ReaddirFn = bool (*)(void* ctx, const char* name, size_t len, u64 ino, VType type,
                           u64 next_cookie);

// renameat2 flags the ops see (RENAME_EXCHANGE and WHITEOUT are refused
// by the VFS).
inline constexpr u32 kRenameNoReplace = 1;

// The operations (each null unless given). A null op answers as noted. `dvp` is always a directory
// of this file system (the VFS checks it); results marked "held" carry one
// reference for the caller.
struct VnodeOps {
  // Directory lookup of one name ("..": the parent). Held. NoEnt.
  Result<Vnode*> (*lookup)(Vnode& dvp, const char* name) = nullptr;
  // Makes a regular file `name` in dvp. Held. Exist if taken. Null: RoFs.
  Result<Vnode*> (*create)(Vnode& dvp, const char* name, const VCreate& c) = nullptr;
  // Makes a directory. Exist. Null: RoFs. (Not held: mkdir returns nothing.)
  Result<void> (*mkdir)(Vnode& dvp, const char* name, const VCreate& c) = nullptr;
  // Makes a FIFO (c.mode has S_IFIFO; others are Perm). Exist. Null: RoFs.
  Result<void> (*mknod)(Vnode& dvp, const char* name, const VCreate& c) = nullptr;
  // Makes a symlink to `target` (1..kPathMax-1 bytes). Exist. Null: RoFs.
  Result<void> (*symlink)(Vnode& dvp, const char* name, const char* target,
                          const VCreate& c) = nullptr;
  // A symlink's target into buf (no NUL); its length, truncated to n.
  // Null: Inval (not a symlink).
  Result<size_t> (*readlink)(Vnode& vp, char* buf, size_t n) = nullptr;
  // Another name for vp (same mount, not a directory: the VFS checks).
  // Exist. Null: Perm.
  Result<void> (*link)(Vnode& dvp, const char* name, Vnode& vp) = nullptr;
  // Removes a non-directory entry: NoEnt, IsDir (a directory). Null: RoFs.
  Result<void> (*unlink)(Vnode& dvp, const char* name) = nullptr;
  // Removes an empty directory: NoEnt, NotDir, NotEmpty, Busy (a mount
  // point). Null: RoFs.
  Result<void> (*rmdir)(Vnode& dvp, const char* name) = nullptr;
  // Moves fdvp/fname to tdvp/tname (same mount), replacing a target as
  // rename(2) does: IsDir/NotDir for a type mismatch, NotEmpty, Inval when
  // a directory would move into itself, Exist under kRenameNoReplace.
  // Renaming an entry onto itself succeeds. Null: RoFs.
  Result<void> (*rename)(Vnode& fdvp, const char* fname, Vnode& tdvp, const char* tname,
                         u32 flags) = nullptr;
  // Bytes at byte offset `off` into io; 0 at or past the end. Fault when
  // the first byte cannot be copied. Null: IsDir for a directory, else Inval.
  Result<size_t> (*read)(Vnode& vp, u64 off, const VIo& io, size_t n) = nullptr;
  // Bytes from io at `off`, growing the file; NoSpc, FBig (as Inval).
  // Null: Inval.
  Result<size_t> (*write)(Vnode& vp, u64 off, const VIo& io, size_t n) = nullptr;
  // Sets the size (zero-filling growth). Null: Inval.
  Result<void> (*truncate)(Vnode& vp, u64 size) = nullptr;
  // The attributes. Null: the vnode's own fields (vnode_getattr_default).
  void (*getattr)(Vnode& vp, VAttr& va) = nullptr;
  // Applies the fields named by mask (not kVaSize: truncate does that).
  // Null: the vnode's own fields change (vnode_setattr_default).
  Result<void> (*setattr)(Vnode& vp, const VAttr& va, u32 mask) = nullptr;
  // Entries from `cookie` (0: the first, ".") on, through fn. Null: NotDir.
  Result<void> (*readdir)(Vnode& vp, u64 cookie, ReaddirFn fn, void* ctx) = nullptr;
  // An open File for vp (devices, FIFOs; flags are open(2)'s). Null: the
  // generic vnode File (core/vfs/vfs_file.h) over read/write/readdir.
  // The VFS sets File::vnode on the result.
  Result<File*> (*open)(Vnode& vp, int flags) = nullptr;
  // The last reference went: free the file system's state. Null: nothing.
  void (*reclaim)(Vnode& vp) = nullptr;
  // The page cache's page at page index idx of a regular file, referenced
  // once more for the caller (page allocator refcount), a hole getting its
  // page first; Range at or past the end (mmap's SIGBUS); NoSpc. Called
  // under a VmSpace lock (core/vm/vm_object.h): it may take vp.lock, never
  // a lock ranked below LockRank::VmMap. Null: the file cannot be mapped
  // (mmap: ENODEV).
  Result<paddr_t> (*getpage)(Vnode& vp, u64 idx) = nullptr;
  // An empty regular file becomes `size` bytes held in the npages pages
  // from pa on, each handed over with its one reference (the initrd's data
  // kept in place: core/vfs/initrd_seed.cpp). The bytes past `size` in the
  // last page must be zero. On error the caller keeps the references.
  // NoSpc, FBig, Inval (not empty). Null: the caller copies instead.
  Result<void> (*attach_pages)(Vnode& vp, paddr_t pa, u64 npages, u64 size) = nullptr;
  // A magic link (procfs's /proc/<pid>/fd/N, as Linux's proc_fd_link):
  // the vnode a walk that follows vp goes on from, held, in place of
  // readlink's text (which is still what readlink(2) says). Null: an
  // ordinary symlink.
  Result<Vnode*> (*jump)(Vnode& vp) = nullptr;
};

struct Vnode {
  static constexpr u32 kMagic = 0x564e4f44;  // "VNOD"
  u32 magic = kMagic;
  u32 refs = 1;             // atomic; vnode_hold/vnode_release
  const VType type;         // fixed
  Mount* const mount;       // the file system it belongs to; fixed
  const VnodeOps* const ops;
  void* data = nullptr;     // the file system's; fixed after vnode_alloc
  const u64 ino;
  Mount* covered_by = nullptr;  // a mount on this directory (atomic; core/vfs/mount.cpp)
  // Ever entered in the name cache, as directory or result (atomic, set
  // under its lock): only such a vnode's last release scans the cache.
  bool nc_named = false;

  Mutex lock{"vnode", LockRank::Vnode};
  u32 mode GUARDED_BY(lock) = 0;  // permission bits
  u32 uid GUARDED_BY(lock) = 0;
  u32 gid GUARDED_BY(lock) = 0;
  u32 nlink GUARDED_BY(lock) = 1;
  i64 size GUARDED_BY(lock) = 0;
  u64 rdev GUARDED_BY(lock) = 0;
  VTime atime GUARDED_BY(lock), mtime GUARDED_BY(lock), ctime GUARDED_BY(lock);

  Vnode(VType t, Mount* m, const VnodeOps* o, u64 i) : type(t), mount(m), ops(o), ino(i) {}

  bool is_dir() const { return type == VType::Dir; }
};

// A new vnode with one reference (the caller's), times set to now, owner
// and mode from c (type bits ignored). `extra` bytes come with it in the
// same allocation (vnode_extra), for the file system's own node: one
// allocation a file rather than two. NoMem.
Result<Vnode*> vnode_alloc(Mount* m, const VnodeOps* ops, VType type, u64 ino,
                           const VCreate& c, void* data = nullptr, size_t extra = 0);
// The `extra` bytes vnode_alloc gave vp (16-byte aligned); they go when
// vp is freed, after its reclaim.
inline void* vnode_extra(Vnode* vp) {
  return reinterpret_cast<u8*>(vp) + align_up(sizeof(Vnode), size_t{16});
}
// Another reference. Contract: the caller holds one already.
void vnode_hold(Vnode* vp);
// Another reference unless the count already reached 0 (the vnode is being
// freed): for lookups through tables that hold no reference (name cache).
bool vnode_try_hold(Vnode* vp);
// Drops a reference; the last one reclaims and frees the vnode.
void vnode_release(Vnode* vp);
// Vnodes allocated and not yet freed (the host tests check for leaks).
u64 vnode_live_count();

// The attributes through ops->getattr, or the default below; dev is the
// mount's.
void vnode_getattr(Vnode& vp, VAttr& va);
void vnode_getattr_default(Vnode& vp, VAttr& va);
Result<void> vnode_setattr_default(Vnode& vp, const VAttr& va, u32 mask);
// Sets mtime and ctime (a write or a directory change) / ctime (a link
// count or attribute change) to now.
void vnode_touch_modify(Vnode& vp);
void vnode_touch_change(Vnode& vp);

// A vnode reference released at the end of scope.
class VnodeRef {
 public:
  VnodeRef() = default;
  explicit VnodeRef(Vnode* vp) : vp_(vp) {}
  ~VnodeRef() {
    if (vp_) vnode_release(vp_);
  }
  VnodeRef(VnodeRef&& o) : vp_(o.vp_) { o.vp_ = nullptr; }
  VnodeRef& operator=(VnodeRef&& o) {
    if (this != &o) {
      reset(o.vp_);
      o.vp_ = nullptr;
    }
    return *this;
  }
  VnodeRef(const VnodeRef&) = delete;
  VnodeRef& operator=(const VnodeRef&) = delete;
  Vnode* get() const { return vp_; }
  Vnode* operator->() const { return vp_; }
  Vnode& operator*() const { return *vp_; }
  explicit operator bool() const { return vp_ != nullptr; }
  Vnode* take() {
    Vnode* v = vp_;
    vp_ = nullptr;
    return v;
  }
  void reset(Vnode* vp = nullptr) {
    if (vp_) vnode_release(vp_);
    vp_ = vp;
  }

 private:
  Vnode* vp_ = nullptr;
};

}  // namespace tine
