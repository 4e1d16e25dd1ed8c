#include "core/fs/sys_file.h"

#include "core/fs/file.h"
#include "core/fs/file_initrd.h"
#include "core/fs/file_pipe.h"
#include "core/fs/stat.h"
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

// Open flags that would change what the call means and that Tine does not
// implement: O_PATH (a handle without read access) and O_TMPFILE (create an
// unnamed file). Refused loudly rather than ignored. Every other flag Linux
// ignores or that means nothing on a read-only in-memory file system
// (O_NONBLOCK, O_NOFOLLOW: there are no symlinks, O_SYNC, O_DIRECT, ...) is
// accepted and ignored, as Linux ignores unknown open flags.
constexpr int kOPath = 010000000;
constexpr int kOTmpFileBit = 020000000;

}  // namespace

Result<u64> sys_read(FileTable* t, int fd, uptr buf, u64 n) {
  FileRef f(TRY(fd_get(t, fd)));
  return TRY(file_read(*f, buf, size_t(min(n, kMaxRwCount))));
}

Result<u64> sys_write(FileTable* t, int fd, uptr buf, u64 n) {
  FileRef f(TRY(fd_get(t, fd)));
  return TRY(file_write(*f, buf, size_t(min(n, kMaxRwCount))));
}

// A user path copied in, freed at the end of scope.
struct UserPath {
  char* p = static_cast<char*>(kmalloc(kPathMax));
  ~UserPath() { kfree(p); }
  Result<void> copy(uptr user) {
    if (!p) return Error::NoMem;
    TRY(copyinstr(p, user, kPathMax));
    return ok();
  }
};

// The directory a relative path starts from, as the *at calls define it:
// the cwd for AT_FDCWD ("/" when null), else the initrd directory open at
// dirfd (EBADF, ENOTDIR), held while `base` points into it.
struct AtBase {
  const char* base = nullptr;
  File* dir = nullptr;
  ~AtBase() {
    if (dir) file_release(dir);
  }
  Result<void> resolve(FileTable* t, int dirfd, const char* path, const char* cwd) {
    base = cwd;
    if (path[0] == '/' || dirfd == kAtFdCwd) return ok();
    dir = TRY(fd_get(t, dirfd));
    base = initrd_dir_path(dir);
    if (!base) return Error::NotDir;
    return ok();
  }
};

Result<void> copyout_stat(uptr buf, const FileStat& st) {
  UserStat u = user_stat(st);
  return copyout(buf, &u, sizeof u);
}

Result<int> sys_openat(FileTable* t, int dirfd, uptr upath, int flags, int,
                       const char* cwd) {
  if (flags & (kOPath | kOTmpFileBit)) return Error::Inval;
  UserPath path;
  TRY(path.copy(upath));
  Result<File*> opened = Error::NoEnt;
  {
    AtBase at;
    TRY(at.resolve(t, dirfd, path.p, cwd));
    opened = initrd_open(at.base, path.p, flags);
  }
  FileRef f(TRY(opened));
  return fd_install(t, f.get(), (flags & kOCloExec) != 0);
}

Result<void> sys_chdir(CwdInfo* cwd, uptr upath) {
  UserPath path;
  TRY(path.copy(upath));
  FileRef dir(TRY(initrd_open(cwd->path, path.p, kORdOnly | kODirectory)));
  const char* abs = initrd_dir_path(dir.get());
  const size_t n = strlen(abs);
  if (n >= sizeof cwd->path) return Error::NameTooLong;
  memcpy(cwd->path, abs, n + 1);
  return ok();
}

Result<u64> sys_getcwd(const CwdInfo* cwd, uptr ubuf, u64 size) {
  const u64 n = strlen(cwd->path) + 1;
  if (size < n) return Error::Range;
  TRY(copyout(ubuf, cwd->path, n));
  return n;
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
    default:
      return Error::Inval;
  }
}

Result<void> sys_fstat(FileTable* t, int fd, uptr buf) {
  FileRef f(TRY(fd_get(t, fd)));
  FileStat st;
  (*f).ops->stat(*f, st);
  return copyout_stat(buf, st);
}

Result<void> sys_newfstatat(FileTable* t, int dirfd, uptr upath, uptr buf, int flags,
                            const char* cwd) {
  UserPath path;
  TRY(path.copy(upath));
  constexpr int kKnown = kAtSymlinkNoFollow | kAtNoAutomount | kAtEmptyPath | kAtStatxSyncType;
  if (flags & ~kKnown) return Error::Inval;
  FileStat st;
  if (path.p[0] == '\0') {
    if (!(flags & kAtEmptyPath)) return Error::NoEnt;
    if (dirfd != kAtFdCwd) return sys_fstat(t, dirfd, buf);
    TRY(initrd_stat_path(nullptr, cwd ? cwd : "/", st));
    return copyout_stat(buf, st);
  }
  {
    AtBase at;
    TRY(at.resolve(t, dirfd, path.p, cwd));
    TRY(initrd_stat_path(at.base, path.p, st));
  }
  return copyout_stat(buf, st);
}

}  // namespace tine
