#include "core/dev/devfs.h"

#include "core/dev/dev_mem.h"
#include "core/dev/dev_random.h"
#include "core/dev/devnum.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/vm/heap.h"
#if __has_include("core/tty/tty.h")
#include "core/tty/tty.h"
#define TINE_HAVE_TTY 1
#else
#include "core/fs/file_console.h"
#endif

namespace tine {

namespace {

Result<File*> console_open(int flags) {
#if defined(TINE_HAVE_TTY)
  return tty_open_console(flags);
#else
  return console_file_open(flags);
#endif
}

// One node of /dev: a device (open non-null), a symlink (target), or,
// with neither, an empty directory that is a mount point (shm).
struct DevNode {
  const char* name;
  u32 major, minor;
  u32 mode;  // permission bits
  Result<File*> (*open)(int flags);
  const char* target;
};

// In name order, as ls shows them.
constexpr DevNode kNodes[] = {
    {"console", kTtyAuxMajor, kConsoleMinor, 0600, console_open, nullptr},
    {"fd", 0, 0, 0777, nullptr, "/proc/self/fd"},
    {"full", kMemMajor, kFullMinor, 0666, dev_full_open, nullptr},
    {"null", kMemMajor, kNullMinor, 0666, dev_null_open, nullptr},
    {"random", kMemMajor, kRandomMinor, 0666, dev_random_open, nullptr},
    // POSIX shared memory and named semaphores (glibc's shm_open and
    // sem_open use /dev/shm/): init mounts a tmpfs here, as Linux's
    // systems do.
    {"shm", 0, 0, 01777, nullptr, nullptr},
    {"stderr", 0, 0, 0777, nullptr, "/proc/self/fd/2"},
    {"stdin", 0, 0, 0777, nullptr, "/proc/self/fd/0"},
    {"stdout", 0, 0, 0777, nullptr, "/proc/self/fd/1"},
    // The controlling terminal: the console is the only terminal there is.
    {"tty", kTtyAuxMajor, kTtyMinor, 0666, console_open, nullptr},
    {"urandom", kMemMajor, kUrandomMinor, 0666, dev_urandom_open, nullptr},
    {"zero", kMemMajor, kZeroMinor, 0666, dev_zero_open, nullptr},
};
constexpr size_t kNodeCount = sizeof kNodes / sizeof kNodes[0];
VType node_type(const DevNode& d) {
  return d.open ? VType::Chr : d.target ? VType::Lnk : VType::Dir;
}
constexpr u64 kRootIno = 1;
// A device's inode number is its device number (what fstat of the open
// File reports too, core/dev/dev_mem.cpp); a link's is 2 + its index.
u64 node_ino(size_t i) {
  return kNodes[i].open ? dev_encode(kNodes[i].major, kNodes[i].minor) : 2 + i;
}

// The mount's vnodes, made at mount and held until unmount.
struct DevfsMount {
  Vnode* nodes[kNodeCount] = {};
};

const DevNode& node_of(Vnode& vp) { return *static_cast<const DevNode*>(vp.data); }

Result<Vnode*> devfs_lookup(Vnode& dvp, const char* name) {
  auto* dm = static_cast<DevfsMount*>(dvp.mount->data);
  for (size_t i = 0; i < kNodeCount; i++) {
    if (strcmp(kNodes[i].name, name) == 0) {
      vnode_hold(dm->nodes[i]);
      return dm->nodes[i];
    }
  }
  return Error::NoEnt;
}

Result<void> devfs_readdir(Vnode& vp, u64 cookie, ReaddirFn fn, void* ctx) {
  // Cookies: 0 ".", 1 "..", 2 + i the i-th node.
  if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
  if (cookie <= 1 && !fn(ctx, "..", 2, vp.ino, VType::Dir, 2)) return ok();
  for (size_t i = cookie > 2 ? cookie - 2 : 0; i < kNodeCount; i++) {
    const DevNode& d = kNodes[i];
    if (!fn(ctx, d.name, strlen(d.name), node_ino(i), node_type(d), 3 + i))
      break;
  }
  return ok();
}

// A directory node (a mount point): empty until something is mounted on it.
Result<Vnode*> devfs_empty_lookup(Vnode&, const char*) { return Error::NoEnt; }

Result<void> devfs_empty_readdir(Vnode& vp, u64 cookie, ReaddirFn fn, void* ctx) {
  if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
  if (cookie <= 1) fn(ctx, "..", 2, kRootIno, VType::Dir, 2);
  return ok();
}

Result<size_t> devfs_readlink(Vnode& vp, char* buf, size_t n) {
  const DevNode& d = node_of(vp);
  if (!d.target) return Error::Inval;
  const size_t len = min(n, strlen(d.target));
  memcpy(buf, d.target, len);
  return len;
}

Result<File*> devfs_open(Vnode& vp, int flags) {
  if (vp.type == VType::Dir) return Error::IsDir;  // never asked: the VFS opens directories
  const DevNode& d = node_of(vp);
  if (!d.open) return Error::Inval;
  return d.open(flags);
}

const VnodeOps kDevfsDirOps = {
    .lookup = devfs_lookup,
    .create = nullptr,
    .mkdir = nullptr,
    .mknod = nullptr,
    .symlink = nullptr,
    .readlink = nullptr,
    .link = nullptr,
    .unlink = nullptr,
    .rmdir = nullptr,
    .rename = nullptr,
    .read = nullptr,
    .write = nullptr,
    .truncate = nullptr,
    .getattr = nullptr,
    .setattr = nullptr,
    .readdir = devfs_readdir,
    .open = nullptr,
    .reclaim = nullptr,
};

const VnodeOps kDevfsEmptyDirOps = {
    .lookup = devfs_empty_lookup,
    .create = nullptr,
    .mkdir = nullptr,
    .mknod = nullptr,
    .symlink = nullptr,
    .readlink = nullptr,
    .link = nullptr,
    .unlink = nullptr,
    .rmdir = nullptr,
    .rename = nullptr,
    .read = nullptr,
    .write = nullptr,
    .truncate = nullptr,
    .getattr = nullptr,
    .setattr = nullptr,
    .readdir = devfs_empty_readdir,
    .open = nullptr,
    .reclaim = nullptr,
};

const VnodeOps kDevfsNodeOps = {
    .lookup = nullptr,
    .create = nullptr,
    .mkdir = nullptr,
    .mknod = nullptr,
    .symlink = nullptr,
    .readlink = devfs_readlink,
    .link = nullptr,
    .unlink = nullptr,
    .rmdir = nullptr,
    .rename = nullptr,
    .read = nullptr,
    .write = nullptr,
    .truncate = nullptr,
    .getattr = nullptr,
    .setattr = nullptr,
    .readdir = nullptr,
    .open = devfs_open,
    .reclaim = nullptr,
};

void release_nodes(DevfsMount* dm) {
  for (Vnode*& v : dm->nodes) {
    if (v) vnode_release(v);
    v = nullptr;
  }
}

Result<Vnode*> devfs_mount(Mount& m) {
  void* mem = kmalloc(sizeof(DevfsMount));
  if (!mem) return Error::NoMem;
  auto* dm = new (mem) DevfsMount;
  m.data = dm;
  for (size_t i = 0; i < kNodeCount; i++) {
    const DevNode& d = kNodes[i];
    const VCreate c{.mode = d.mode, .uid = 0, .gid = 0,
                    .rdev = d.open ? dev_encode(d.major, d.minor) : 0};
    const VType type = node_type(d);
    Result<Vnode*> v = vnode_alloc(&m, type == VType::Dir ? &kDevfsEmptyDirOps : &kDevfsNodeOps,
                                   type, node_ino(i), c, const_cast<DevNode*>(&d));
    if (!v.ok()) {
      release_nodes(dm);
      dm->~DevfsMount();
      kfree(dm);
      m.data = nullptr;
      return v.error();
    }
    dm->nodes[i] = v.value();
    if (d.target) {
      MutexGuard g(v.value()->lock);
      v.value()->size = i64(strlen(d.target));
    }
  }
  Result<Vnode*> root = vnode_alloc(&m, &kDevfsDirOps, VType::Dir, kRootIno,
                                    VCreate{.mode = 0755});
  if (!root.ok()) {
    release_nodes(dm);
    dm->~DevfsMount();
    kfree(dm);
    m.data = nullptr;
  }
  return root;
}

void devfs_unmount(Mount& m) {
  auto* dm = static_cast<DevfsMount*>(m.data);
  release_nodes(dm);
  dm->~DevfsMount();
  kfree(dm);
}

void devfs_statfs(Mount&, StatFs& st) {
  st.type = 0x01021994;  // Linux's devtmpfs reports TMPFS_MAGIC
  st.bsize = kPageSize;
  st.files = kNodeCount + 1;
  st.namelen = kNameMax;
}

}  // namespace

const char* devfs_name_of(u64 rdev) {
  for (const DevNode& d : kNodes)
    if (d.open && dev_encode(d.major, d.minor) == rdev) return d.name;
  return nullptr;
}

// Named as Linux's, so that /proc/mounts and mount(8) read "devtmpfs /dev".
const FsType kDevfsType = {
    .name = "devtmpfs",
    .namecache = true,
    .mount = devfs_mount,
    .unmount = devfs_unmount,
    .statfs = devfs_statfs,
};

}  // namespace tine
