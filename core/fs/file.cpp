#include "core/fs/file.h"

#include "core/fs/file_epoll.h"
#include "core/lib/assert.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/vfs/vfs_file.h"

namespace tine {

namespace {
u64 g_live_files = 0;  // atomic
}  // namespace

Result<File*> file_create(const FileOps* ops, int flags, void* data) {
  KASSERT(ops && ops->read && ops->write && ops->close && ops->stat);
  void* mem = kmalloc(sizeof(File));
  if (!mem) return Error::NoMem;
  // O_CLOEXEC is a descriptor flag; keep it off the shared File.
  File* f = new (mem) File(ops, flags & ~kOCloExec, data);
  __atomic_add_fetch(&g_live_files, 1, __ATOMIC_RELAXED);
  return f;
}

void file_hold(File* f) {
  KASSERT(f->magic == File::kMagic);
  f->refs.hold();
}

void file_release(File* f) {
  KASSERT(f->magic == File::kMagic);
  if (!f->refs.release()) return;
  epoll_file_closed(*f);  // leaves every interest list, as Linux's eventpoll_release
  f->ops->close(*f);
  if (f->vnode) vfs_file_vnode_release(f->vnode);
  f->magic = 0;
  f->~File();
  kfree(f);
  __atomic_sub_fetch(&g_live_files, 1, __ATOMIC_RELAXED);
}

int file_flags(const File& f) {
  KASSERT(f.magic == File::kMagic);
  return __atomic_load_n(&f.flags, __ATOMIC_RELAXED);
}

Result<void> file_set_flags(File& f, int flags) {
  KASSERT(f.magic == File::kMagic);
  // Linux's SETFL_MASK bits beyond what Tine implements: O_DIRECT,
  // O_NOATIME, FASYNC (asm-generic 040000, 01000000, 020000).
  constexpr int kUnsupported = 040000 | 01000000 | 020000;
  if (flags & kUnsupported) return Error::Inval;
  int old = __atomic_load_n(&f.flags, __ATOMIC_RELAXED);
  int want;
  // Linux serialises F_SETFL under f_lock; a compare-and-swap does the
  // same here: the last F_SETFL wins whole, the access mode never moves.
  do {
    want = (old & ~kOSetFlMask) | (flags & kOSetFlMask);
  } while (!__atomic_compare_exchange_n(&f.flags, &old, want, true, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED));
  return ok();
}

Result<size_t> file_read(File& f, uptr user_buf, size_t n) {
  KASSERT(f.magic == File::kMagic);
  if (!f.readable()) return Error::BadF;
  if (n == 0 && !f.ops->zero_len_io) return size_t{0};
  return f.ops->read(f, user_buf, n);
}

Result<size_t> file_write(File& f, uptr user_buf, size_t n) {
  KASSERT(f.magic == File::kMagic);
  if (!f.writable()) return Error::BadF;
  if (n == 0 && !f.ops->zero_len_io) return size_t{0};
  return f.ops->write(f, user_buf, n);
}

void anon_inode_stat(File&, FileStat& st) {
  st.dev = 0xe;  // one "anon_inodefs"
  st.ino = 1;
  st.mode = 0600;
  st.nlink = 1;
  st.size = 0;
  st.blksize = i32(kPageSize);
}

u64 file_live_count() { return __atomic_load_n(&g_live_files, __ATOMIC_RELAXED); }

}  // namespace tine
