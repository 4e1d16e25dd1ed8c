#include "core/fs/sys_file.h"

#include "core/fs/file.h"
#include "core/fs/file_initrd.h"
#include "core/fs/file_pipe.h"
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

Result<int> sys_openat(FileTable* t, int dirfd, uptr upath, int flags, int,
                       const char* cwd) {
  if (flags & (kOPath | kOTmpFileBit)) return Error::Inval;
  char* path = static_cast<char*>(kmalloc(kPathMax));
  if (!path) return Error::NoMem;
  struct Free {
    char* p;
    ~Free() { kfree(p); }
  } free_path{path};
  TRY(copyinstr(path, upath, kPathMax));

  const char* base = cwd;
  File* dir = nullptr;  // a reference while base points into it
  if (path[0] != '/' && dirfd != kAtFdCwd) {
    dir = TRY(fd_get(t, dirfd));
    base = initrd_dir_path(dir);
    if (!base) {
      file_release(dir);
      return Error::NotDir;
    }
  }
  Result<File*> opened = initrd_open(base, path, flags);
  if (dir) file_release(dir);
  FileRef f(TRY(opened));
  return fd_install(t, f.get(), (flags & kOCloExec) != 0);
}

Result<void> sys_close(FileTable* t, int fd) { return fd_close(t, fd); }

Result<int> sys_dup(FileTable* t, int oldfd) { return fd_dup(t, oldfd); }

Result<int> sys_dup3(FileTable* t, int oldfd, int newfd, int flags) {
  return fd_dup3(t, oldfd, newfd, flags);
}

Result<void> sys_pipe2(FileTable* t, uptr ufds, int flags) {
  if (flags & ~kOCloExec) return Error::Inval;
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

}  // namespace tine
