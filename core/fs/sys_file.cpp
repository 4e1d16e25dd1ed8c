#include "core/fs/sys_file.h"

#include "core/fs/file.h"
#include "core/fs/file_pipe.h"
#include "core/fs/file_unix.h"
#include "core/vfs/vfs_file.h"
#include "core/lib/string.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

// A File reference for the length of one syscall.
class FileRef {
 public:
  explicit FileRef(File* f) : f_(f) {}
  ~FileRef() { file_release(f_); }
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  File& operator*() const { return *f_; }
  File* get() const { return f_; }

 private:
  File* f_;
};

// fd_get_light's File for the length of one read or write: released only
// if a reference was taken.
class LightFileRef {
 public:
  LightFileRef(File* f, bool held) : f_(f), held_(held) {}
  ~LightFileRef() {
    if (held_) file_release(f_);
  }
  LightFileRef(const LightFileRef&) = delete;
  LightFileRef& operator=(const LightFileRef&) = delete;
  File& operator*() const { return *f_; }

 private:
  File* f_;
  bool held_;
};

}  // namespace

Result<u64> sys_read(FileTable* t, int fd, uptr buf, u64 n) {
  bool held = true;
  File* got = TRY(fd_get_light(t, fd, &held));
  LightFileRef f(got, held);
  return TRY(file_read(*f, buf, size_t(min(n, kMaxRwCount))));
}

Result<u64> sys_write(FileTable* t, int fd, uptr buf, u64 n) {
  bool held = true;
  File* got = TRY(fd_get_light(t, fd, &held));
  LightFileRef f(got, held);
  return TRY(file_write(*f, buf, size_t(min(n, kMaxRwCount))));
}

Result<void> sys_close(FileTable* t, int fd) { return fd_close(t, fd); }

Result<int> sys_dup(FileTable* t, int oldfd) { return fd_dup(t, oldfd); }

Result<int> sys_dup3(FileTable* t, int oldfd, int newfd, int flags) {
  return fd_dup3(t, oldfd, newfd, flags);
}

Result<void> sys_pipe2(FileTable* t, uptr ufds, int flags) {
  if (flags & ~(kOCloExec | kONonBlock)) return Error::Inval;
  bool cloexec = (flags & kOCloExec) != 0;
  // As Linux: reserve both numbers, copy them out, and only then make the
  // descriptors exist, so a fault leaves nothing behind that another thread
  // sharing the table could have seen or used.
  int fds[2];
  fds[0] = TRY(fd_alloc(t));
  Result<int> w = fd_alloc(t);
  if (!w.ok()) {
    fd_abort(t, fds[0]);
    return w.error();
  }
  fds[1] = w.value();
  Result<PipeEnds> ends = pipe_create();
  if (!ends.ok()) {
    fd_abort(t, fds[0]);
    fd_abort(t, fds[1]);
    return ends.error();
  }
  if (flags & kONonBlock) {
    // Both ends, as Linux's create_pipe_files; cannot fail for this bit.
    MUST(file_set_flags(*ends.value().read, kONonBlock));
    MUST(file_set_flags(*ends.value().write, kONonBlock));
  }
  Result<void> copied = copyout(ufds, fds, sizeof fds);
  if (!copied.ok()) {
    fd_abort(t, fds[0]);
    fd_abort(t, fds[1]);
  } else {
    fd_affix(t, fds[0], ends.value().read, cloexec);
    fd_affix(t, fds[1], ends.value().write, cloexec);
  }
  // The slots hold their own references (or none, after a fault).
  file_release(ends.value().read);
  file_release(ends.value().write);
  return copied;
}

Result<i64> sys_lseek(FileTable* t, int fd, i64 offset, int whence) {
  FileRef f(TRY(fd_get(t, fd)));
  if (whence != kSeekSet && whence != kSeekCur && whence != kSeekEnd) return Error::Inval;
  if (!(*f).ops->seekable) return Error::SPipe;
  FileStat st;
  if (whence == kSeekEnd) (*f).ops->stat(*f, st);
  // Under the offset lock, so a concurrent read of the same File either
  // sees the old offset or the new one (Linux's f_pos_lock).
  MutexGuard g((*f).offset_lock);
  i64 from = whence == kSeekSet ? 0 : whence == kSeekCur ? i64((*f).offset) : st.size;
  i64 to;
  if (__builtin_add_overflow(from, offset, &to) || to < 0) return Error::Inval;
  (*f).offset = u64(to);
  return to;
}

Result<i64> sys_fcntl(FileTable* t, int fd, int cmd, u64 arg) {
  FileRef f(TRY(fd_get(t, fd)));  // EBADF comes first, whatever the command
  switch (cmd) {
    case kFDupFd:
    case kFDupFdCloExec:
      // Linux reads the argument as an int, then the start as unsigned.
      return i64(TRY(fd_dup_min(t, fd, unsigned(int(arg)), cmd == kFDupFdCloExec)));
    case kFGetFd:
      return TRY(fd_get_cloexec(t, fd)) ? kFdCloExec : 0;
    case kFSetFd:
      TRY(fd_set_cloexec(t, fd, (arg & kFdCloExec) != 0));
      return 0;
    case kFGetFl:
      return file_flags(*f);
    case kFSetFl:
      TRY(file_set_flags(*f, int(arg)));
      return 0;
    case kFGetLk:
    case kFSetLk:
    case kFSetLkW:
      TRY(sys_fcntl_lock(t, *f, cmd, uptr(arg)));
      return 0;
    default:
      return Error::Inval;
  }
}

Result<u64> sys_pread64(FileTable* t, int fd, uptr buf, u64 n, i64 off) {
  FileRef f(TRY(fd_get(t, fd)));
  if (off < 0) return Error::Inval;
  return TRY(file_pread(*f, buf, size_t(min(n, kMaxRwCount)), u64(off)));
}

Result<u64> sys_pwrite64(FileTable* t, int fd, uptr buf, u64 n, i64 off) {
  FileRef f(TRY(fd_get(t, fd)));
  if (off < 0) return Error::Inval;
  return TRY(file_pwrite(*f, buf, size_t(min(n, kMaxRwCount)), u64(off)));
}

namespace {

struct Iov {
  uptr base;
  u64 len;
};
constexpr u64 kIovMax = 1024;

// Linux's order: EBADF, then the array (EINVAL for too many or too much,
// EFAULT), then the transfers; a failure after some bytes returns them.
Result<u64> rw_vector(FileTable* t, int fd, uptr uiov, u64 iovcnt, bool write) {
  FileRef f(TRY(fd_get(t, fd)));
  if (write ? !(*f).writable() : !(*f).readable()) return Error::BadF;
  if (iovcnt > kIovMax) return Error::Inval;
  Iov* v = static_cast<Iov*>(kmalloc(sizeof(Iov) * (iovcnt ? iovcnt : 1)));
  if (!v) return Error::NoMem;
  struct Free {
    Iov* p;
    ~Free() { kfree(p); }
  } free_v{v};
  TRY(copyin(v, uiov, sizeof(Iov) * iovcnt));
  u64 sum = 0;
  for (u64 i = 0; i < iovcnt; i++) {
    if (i64(v[i].len) < 0 || __builtin_add_overflow(sum, v[i].len, &sum) || i64(sum) < 0)
      return Error::Inval;
  }
  if (file_is_unix(*f)) {
    // A socket takes the vector whole: one datagram, one receive.
    static_assert(sizeof(Iov) == sizeof(UserIov));
    return TRY(unix_rw_vector(*f, reinterpret_cast<const UserIov*>(v), size_t(iovcnt),
                              size_t(min(sum, kMaxRwCount)), write));
  }
  u64 total = 0;
  for (u64 i = 0; i < iovcnt; i++) {
    if (v[i].len == 0) continue;
    const size_t want = size_t(min(v[i].len, kMaxRwCount - total));
    if (want == 0) break;
    Result<size_t> r = write ? file_write(*f, v[i].base, want) : file_read(*f, v[i].base, want);
    if (!r.ok()) {
      if (total) break;
      return r.error();
    }
    total += r.value();
    if (r.value() < v[i].len) break;
  }
  return total;
}

}  // namespace

Result<u64> sys_readv(FileTable* t, int fd, uptr iov, u64 iovcnt) {
  return rw_vector(t, fd, iov, iovcnt, false);
}

Result<u64> sys_writev(FileTable* t, int fd, uptr iov, u64 iovcnt) {
  return rw_vector(t, fd, iov, iovcnt, true);
}

Result<u64> sys_sendfile(FileTable* t, int out_fd, int in_fd, i64* pos, u64 count) {
  // Linux's order (fs/read_write.c do_sendfile, do_splice_direct).
  FileRef in(TRY(fd_get(t, in_fd)));
  if (!(*in).readable()) return Error::BadF;
  i64 at;
  if (pos) {
    if (!(*in).ops->seekable) return Error::SPipe;
    at = *pos;
  } else {
    MutexGuard g((*in).offset_lock);
    at = i64((*in).offset);
  }
  if (at < 0) return Error::Inval;
  count = min(count, kMaxRwCount);
  FileRef out(TRY(fd_get(t, out_fd)));
  if (!(*out).writable()) return Error::BadF;
  Vnode* vp = (*in).vnode;
  // The input: a regular file's vnode read at `at` (its page cache).
  if (!vp || vp->type != VType::Reg || !vp->ops->read || !(*in).ops->seekable)
    return Error::Inval;
  if (!(*out).ops->write_kernel) return Error::Inval;
  if (!file_pipe(*out) && (file_flags(*out) & kOAppend)) return Error::Inval;
  constexpr size_t kChunk = kPageSize;
  u8* buf = count ? static_cast<u8*>(kmalloc(kChunk)) : nullptr;
  if (count && !buf) return Error::NoMem;
  struct Free {
    u8* p;
    ~Free() { kfree(p); }
  } free_buf{buf};
  // Neither offset lock is held across the copy: two of one rank never
  // nest, and the output's write takes its own (Linux too reads f_pos
  // before and stores it after).
  u64 done = 0;
  bool failed = false;
  Error why = Error::Inval;
  while (done < count) {
    const size_t want = size_t(min<u64>(count - done, kChunk));
    Result<size_t> got = vp->ops->read(*vp, u64(at), VIo{uptr(buf), false}, want);
    if (!got.ok()) {
      failed = true;
      why = got.error();
      break;
    }
    if (got.value() == 0) break;  // end of file
    Result<size_t> put = (*out).ops->write_kernel(*out, buf, got.value());
    if (!put.ok()) {
      failed = true;
      why = put.error();
      break;
    }
    done += put.value();
    at += i64(put.value());
    if (put.value() < got.value()) break;
  }
  if (pos) {
    *pos = at;
  } else {
    MutexGuard g((*in).offset_lock);
    (*in).offset = u64(at);
  }
  if (done == 0 && failed) return why;
  return done;
}

}  // namespace tine
