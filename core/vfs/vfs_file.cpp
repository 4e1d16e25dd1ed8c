#include "core/vfs/vfs_file.h"

#include "core/vfs/mount.h"

namespace tine {

namespace {

Result<size_t> vn_read(File& f, uptr user_buf, size_t n) {
  Vnode& vp = *f.vnode;
  if (!vp.ops->read) return vp.is_dir() ? Error::IsDir : Error::Inval;
  MutexGuard g(f.offset_lock);
  const size_t got = TRY(vp.ops->read(vp, f.offset, VIo{user_buf, true}, n));
  f.offset += got;
  return got;
}

Result<size_t> vn_write_io(File& f, VIo io, size_t n) {
  Vnode& vp = *f.vnode;
  if (!vp.ops->write) return Error::Inval;
  MutexGuard g(f.offset_lock);
  if (file_flags(f) & kOAppend) {
    VAttr va;
    vnode_getattr(vp, va);
    f.offset = u64(va.size);
  }
  const size_t put = TRY(vp.ops->write(vp, f.offset, io, n));
  f.offset += put;
  return put;
}

Result<size_t> vn_write(File& f, uptr user_buf, size_t n) {
  return vn_write_io(f, VIo{user_buf, true}, n);
}

Result<size_t> vn_write_kernel(File& f, const void* buf, size_t n) {
  return vn_write_io(f, VIo{uptr(buf), false}, n);
}

void vn_close(File&) {}  // file_release drops the vnode

void vn_stat(File& f, FileStat& st) {
  VAttr va;
  vnode_getattr(*f.vnode, va);
  st.dev = va.dev;
  st.ino = va.ino;
  st.mode = vtype_to_mode(va.type) | va.mode;
  st.nlink = va.nlink;
  st.rdev = va.rdev;
  st.size = va.size;
  st.blksize = i32(va.blksize);
}

const FileOps kVnodeFileOps = {
    .name = "vnode",
    .read = vn_read,
    .write = vn_write,
    .close = vn_close,
    .stat = vn_stat,
    .seekable = true,
    .write_kernel = vn_write_kernel,
};

}  // namespace

Result<File*> vfs_generic_file(int flags) { return file_create(&kVnodeFileOps, flags, nullptr); }

Result<File*> vfs_open(Vnode* vp, int flags) {
  const int kept = (flags & ~(kOCreat | kOExcl | kONoCtty | kOTrunc | kOCloExec)) | kOLargeFile;
  File* f;
  if (vp->ops->open) {
    f = TRY(vp->ops->open(*vp, kept));
  } else {
    f = TRY(file_create(&kVnodeFileOps, kept, nullptr));
  }
  if (!f->vnode) {
    vnode_hold(vp);
    f->vnode = vp;
    if (vp->mount) __atomic_add_fetch(&vp->mount->busy, 1, __ATOMIC_RELAXED);
  }
  return f;
}

void vfs_file_vnode_release(Vnode* vp) {
  if (vp->mount) __atomic_sub_fetch(&vp->mount->busy, 1, __ATOMIC_RELAXED);
  vnode_release(vp);
}

Vnode* file_dir_vnode(File* f) { return f->vnode && f->vnode->is_dir() ? f->vnode : nullptr; }

void file_getattr(File& f, VAttr& va) {
  if (f.vnode) {
    vnode_getattr(*f.vnode, va);
    return;
  }
  FileStat st;
  f.ops->stat(f, st);
  va = VAttr{};
  va.type = mode_to_vtype(st.mode);
  va.mode = st.mode & 07777;
  va.nlink = st.nlink;
  va.uid = st.uid;
  va.gid = st.gid;
  va.size = st.size;
  va.ino = st.ino;
  va.dev = st.dev;
  va.rdev = st.rdev;
  va.blksize = u32(st.blksize);
}

Result<size_t> file_pread(File& f, uptr user_buf, size_t n, u64 off) {
  if (!f.readable()) return Error::BadF;
  if (f.ops->seekable && f.ops->pread) return n == 0 ? size_t{0} : f.ops->pread(f, user_buf, n, off);
  if (!f.ops->seekable || !f.vnode || f.ops != &kVnodeFileOps) return Error::SPipe;
  if (n == 0) return size_t{0};
  Vnode& vp = *f.vnode;
  if (!vp.ops->read) return vp.is_dir() ? Error::IsDir : Error::Inval;
  return vp.ops->read(vp, off, VIo{user_buf, true}, n);
}

Result<size_t> file_pwrite(File& f, uptr user_buf, size_t n, u64 off) {
  if (!f.writable()) return Error::BadF;
  if (!f.ops->seekable || !f.vnode || f.ops != &kVnodeFileOps) return Error::SPipe;
  if (n == 0) return size_t{0};
  Vnode& vp = *f.vnode;
  if (!vp.ops->write) return Error::Inval;
  // Linux: pwrite on an O_APPEND file appends (a known POSIX deviation).
  if (file_flags(f) & kOAppend) {
    VAttr va;
    vnode_getattr(vp, va);
    off = u64(va.size);
  }
  return vp.ops->write(vp, off, VIo{user_buf, true}, n);
}

}  // namespace tine
