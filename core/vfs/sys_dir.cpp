// Directories: getdents64, chdir, fchdir, getcwd.
#include "core/lib/string.h"
#include "core/vfs/mount.h"
#include "core/vfs/sys_vfs.h"
#include "core/vfs/vfs_file.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

struct FileHold {
  File* f;
  ~FileHold() { file_release(f); }
};

// Linux's struct linux_dirent64 header; the name and its NUL follow, the
// record padded to 8 bytes.
struct Dirent64 {
  u64 d_ino;
  i64 d_off;
  u16 d_reclen;
  u8 d_type;
};
constexpr size_t kDirentNameOff = 19;

// Fills a kernel buffer with records until it is full.
struct DirentFill {
  u8* buf;
  size_t cap;
  size_t used = 0;
  u64 next = 0;      // the cookie after the last record taken
  bool any = false;  // a record was taken
  bool too_small = false;

  static bool put(void* ctx, const char* name, size_t len, u64 ino, VType type, u64 next) {
    auto& f = *static_cast<DirentFill*>(ctx);
    const size_t rec = align_up(kDirentNameOff + len + 1, 8);
    if (f.used + rec > f.cap) {
      if (!f.any) f.too_small = true;
      return false;
    }
    u8* r = f.buf + f.used;
    memset(r, 0, rec);
    Dirent64 d{ino, i64(next), u16(rec), vtype_to_dtype(type)};
    memcpy(r, &d, kDirentNameOff);
    memcpy(r + kDirentNameOff, name, len);
    f.used += rec;
    f.next = next;
    f.any = true;
    return true;
  }
};

// The name under which `dir` holds the vnode `ino` (not "." or ".."),
// into name. NoEnt if none.
struct FindIno {
  u64 ino;
  char* name;
  bool found = false;
  static bool look(void* ctx, const char* n, size_t len, u64 ino, VType, u64) {
    auto& f = *static_cast<FindIno*>(ctx);
    if (ino != f.ino || (n[0] == '.' && (len == 1 || (len == 2 && n[1] == '.')))) return true;
    memcpy(f.name, n, len);
    f.name[len] = '\0';
    f.found = true;
    return false;
  }
};

Result<void> set_cwd(Vnode* vp, const PathCtx& ctx) {
  if (!vp->is_dir()) return Error::NotDir;
  if (ctx.cred.uid != 0 && !vnode_may(*vp, ctx.cred, 1)) return Error::Access;
  if (!ctx.cwd) return Error::Inval;
  cwd_set(ctx.cwd, vp);
  return ok();
}

}  // namespace

Result<u64> sys_getdents64(FileTable* t, int fd, uptr ubuf, u64 count) {
  FileHold h{TRY(fd_get(t, fd))};
  File& f = *h.f;
  Vnode* dir = file_dir_vnode(&f);
  if (!dir || !dir->ops->readdir) return Error::NotDir;
  const size_t cap = size_t(min<u64>(count, 32 * 1024));
  u8* kbuf = static_cast<u8*>(kmalloc(cap ? cap : 1));
  if (!kbuf) return Error::NoMem;
  struct Free {
    u8* p;
    ~Free() { kfree(p); }
  } free_buf{kbuf};
  MutexGuard g(f.offset_lock);
  DirentFill fill{kbuf, cap};
  TRY(dir->ops->readdir(*dir, f.offset, DirentFill::put, &fill));
  if (fill.too_small) return Error::Inval;
  if (!fill.any) return u64{0};
  TRY(copyout(ubuf, kbuf, fill.used));
  f.offset = fill.next;
  return u64(fill.used);
}

Result<void> sys_chdir(uptr upath, const PathCtx& ctx) {
  UserPath path;
  TRY(path.copy(upath));
  Nameidata nd;
  TRY(at_namei(nullptr, kAtFdCwd, path.p, kNameiFollow, nd, ctx));
  return set_cwd(nd.vp, ctx);
}

Result<void> sys_fchdir(FileTable* t, int fd, const PathCtx& ctx) {
  FileHold h{TRY(fd_get(t, fd))};
  if (!h.f->vnode) return Error::NotDir;
  return set_cwd(h.f->vnode, ctx);
}

Result<void> vfs_getcwd(CwdInfo* cwd, char* out) {
  // As NetBSD's getcwd_common: climb "..", finding each directory's name
  // in its parent, and build the path from its end.
  char* name = static_cast<char*>(kmalloc(kNameMax + 1));
  if (!name) return Error::NoMem;
  struct Free {
    char* p;
    ~Free() { kfree(p); }
  } free_name{name};
  VnodeRef root(vfs_root());
  VnodeRef cur(cwd_get(cwd));
  size_t at = kPathMax - 1;
  out[at] = '\0';
  while (cur.get() != root.get()) {
    Mount* m = cur->mount;
    if (m && m->root == cur.get() && m->covered) {
      vnode_hold(m->covered);
      cur.reset(m->covered);
      continue;
    }
    if (!cur->ops->lookup || !cur->ops->readdir) return Error::NoEnt;
    VnodeRef parent(TRY(cur->ops->lookup(*cur, "..")));
    if (parent.get() == cur.get()) return Error::NoEnt;  // a root that is not ours
    FindIno find{cur->ino, name};
    TRY(parent->ops->readdir(*parent, 0, FindIno::look, &find));
    if (!find.found) return Error::NoEnt;  // removed meanwhile
    const size_t len = strlen(name);
    if (len + 1 > at) return Error::NameTooLong;
    at -= len;
    memcpy(out + at, name, len);
    out[--at] = '/';
    cur = static_cast<VnodeRef&&>(parent);
  }
  if (out[at] == '\0') out[--at] = '/';
  memmove(out, out + at, kPathMax - at);
  return ok();
}

Result<u64> sys_getcwd(uptr ubuf, u64 size, const PathCtx& ctx) {
  char* path = static_cast<char*>(kmalloc(kPathMax));
  if (!path) return Error::NoMem;
  struct Free {
    char* p;
    ~Free() { kfree(p); }
  } free_path{path};
  TRY(vfs_getcwd(ctx.cwd, path));
  const u64 n = strlen(path) + 1;
  if (size < n) return Error::Range;
  TRY(copyout(ubuf, path, n));
  return n;
}

}  // namespace tine
