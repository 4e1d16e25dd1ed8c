#include "core/fs/filedesc.h"

#include "core/vfs/lockf.h"

#include "core/lib/assert.h"
#include "core/fs/file_console.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"

namespace tine {

namespace {

constexpr u64 bit(int fd) { return u64{1} << fd; }

bool valid_fd(int fd) { return fd >= 0 && fd < kMaxFds; }

void check(FileTable* t) { KASSERT(t && t->magic == FileTable::kMagic); }

// The lowest number >= from neither open nor reserved, or -1.
int lowest_free_from_locked(FileTable* t, int from) REQUIRES(t->lock) {
  for (int fd = from; fd < kMaxFds; fd++)
    if (!t->files[fd] && !(t->reserved & bit(fd))) return fd;
  return -1;
}

// Empties slot fd and hands back its File (the slot's reference), or nullptr.
File* take_locked(FileTable* t, int fd) REQUIRES(t->lock) {
  File* f = t->files[fd];
  t->files[fd] = nullptr;
  t->cloexec &= ~bit(fd);
  return f;
}

// A descriptor of t closed on f: t's record locks on the file go (POSIX:
// any close of the file ends the process's locks on it), then the slot's
// reference. Outside the table lock: close may sleep on a pipe.
void close_slot_file(FileTable* t, File* f) {
  lockf_release(lockf_key(*f), t);
  file_release(f);
}

Result<FileTable*> alloc_table() {
  void* mem = kmalloc(sizeof(FileTable));
  if (!mem) return Error::NoMem;
  return new (mem) FileTable();
}

void free_table(FileTable* t) {
  t->magic = 0;
  t->~FileTable();
  kfree(t);
}

}  // namespace

Result<FileTable*> filetable_create() { return alloc_table(); }

Result<FileTable*> filetable_copy(FileTable* src) {
  check(src);
  FileTable* dst = TRY(alloc_table());
  // Snapshot under src's lock only: two table locks share a rank, so they
  // are never held together. The references taken here keep the Files alive
  // until dst owns them.
  File* files[kMaxFds];
  u64 cloexec;
  {
    MutexGuard g(src->lock);
    for (int fd = 0; fd < kMaxFds; fd++) {
      files[fd] = src->files[fd];
      if (files[fd]) file_hold(files[fd]);
    }
    cloexec = src->cloexec;
  }
  MutexGuard g(dst->lock);
  for (int fd = 0; fd < kMaxFds; fd++) dst->files[fd] = files[fd];
  dst->cloexec = cloexec;
  return dst;
}

void filetable_hold(FileTable* t) {
  check(t);
  t->refs.hold();
}

void filetable_release(FileTable* t) {
  check(t);
  if (!t->refs.release()) return;
  File* files[kMaxFds];
  {
    // No other holder is left, but the analysis (and lockdebug) want the
    // slots read under their lock all the same.
    MutexGuard g(t->lock);
    KASSERT(t->reserved == 0);  // an fd_alloc outlived its table
    for (int fd = 0; fd < kMaxFds; fd++) files[fd] = take_locked(t, fd);
  }
  for (File* f : files)
    if (f) close_slot_file(t, f);
  free_table(t);
}

Result<int> fd_install(FileTable* t, File* f, bool cloexec) {
  int fd = TRY(fd_alloc(t));
  fd_affix(t, fd, f, cloexec);
  return fd;
}

Result<int> fd_alloc(FileTable* t) {
  check(t);
  MutexGuard g(t->lock);
  int fd = lowest_free_from_locked(t, 0);
  if (fd < 0) return Error::MFile;
  t->reserved |= bit(fd);
  return fd;
}

void fd_affix(FileTable* t, int fd, File* f, bool cloexec) {
  check(t);
  KASSERT(valid_fd(fd));
  file_hold(f);
  MutexGuard g(t->lock);
  KASSERT((t->reserved & bit(fd)) && !t->files[fd]);
  t->reserved &= ~bit(fd);
  t->files[fd] = f;
  if (cloexec) t->cloexec |= bit(fd);
}

void fd_abort(FileTable* t, int fd) {
  check(t);
  KASSERT(valid_fd(fd));
  MutexGuard g(t->lock);
  KASSERT((t->reserved & bit(fd)) && !t->files[fd]);
  t->reserved &= ~bit(fd);
}

Result<File*> fd_get(FileTable* t, int fd) {
  check(t);
  if (!valid_fd(fd)) return Error::BadF;
  MutexGuard g(t->lock);
  File* f = t->files[fd];
  if (!f) return Error::BadF;
  file_hold(f);
  return f;
}

Result<void> fd_close(FileTable* t, int fd) {
  check(t);
  if (!valid_fd(fd)) return Error::BadF;
  File* f;
  {
    MutexGuard g(t->lock);
    f = take_locked(t, fd);
  }
  if (!f) return Error::BadF;
  close_slot_file(t, f);
  return ok();
}

Result<int> fd_dup(FileTable* t, int oldfd) { return fd_dup_min(t, oldfd, 0, false); }

Result<int> fd_dup_min(FileTable* t, int oldfd, unsigned minfd, bool cloexec) {
  check(t);
  if (!valid_fd(oldfd)) return Error::BadF;
  MutexGuard g(t->lock);
  File* f = t->files[oldfd];
  if (!f) return Error::BadF;
  // Linux's f_dupfd: a start at or past RLIMIT_NOFILE (here the table's
  // size) is EINVAL, a full range EMFILE.
  if (minfd >= unsigned(kMaxFds)) return Error::Inval;
  int fd = lowest_free_from_locked(t, int(minfd));
  if (fd < 0) return Error::MFile;
  file_hold(f);
  t->files[fd] = f;
  if (cloexec) t->cloexec |= bit(fd);
  return fd;
}

Result<bool> fd_get_cloexec(FileTable* t, int fd) {
  check(t);
  if (!valid_fd(fd)) return Error::BadF;
  MutexGuard g(t->lock);
  if (!t->files[fd]) return Error::BadF;
  return (t->cloexec & bit(fd)) != 0;
}

Result<void> fd_set_cloexec(FileTable* t, int fd, bool cloexec) {
  check(t);
  if (!valid_fd(fd)) return Error::BadF;
  MutexGuard g(t->lock);
  if (!t->files[fd]) return Error::BadF;
  if (cloexec)
    t->cloexec |= bit(fd);
  else
    t->cloexec &= ~bit(fd);
  return ok();
}

Result<int> fd_dup3(FileTable* t, int oldfd, int newfd, int flags) {
  check(t);
  // Linux's order of checks (fs/file.c ksys_dup3).
  if (flags & ~kOCloExec) return Error::Inval;
  if (oldfd == newfd) return Error::Inval;
  if (!valid_fd(newfd) || !valid_fd(oldfd)) return Error::BadF;
  File* old;
  {
    MutexGuard g(t->lock);
    File* f = t->files[oldfd];
    if (!f) return Error::BadF;
    if (t->reserved & bit(newfd)) return Error::Busy;
    old = take_locked(t, newfd);
    file_hold(f);
    t->files[newfd] = f;
    if (flags & kOCloExec) t->cloexec |= bit(newfd);
  }
  if (old) close_slot_file(t, old);
  return newfd;
}

void fd_close_on_exec(FileTable* t) {
  check(t);
  File* closing[kMaxFds] = {};
  {
    MutexGuard g(t->lock);
    for (int fd = 0; fd < kMaxFds; fd++)
      if (t->cloexec & bit(fd)) closing[fd] = take_locked(t, fd);
  }
  for (File* f : closing)
    if (f) close_slot_file(t, f);
}

void fd_close_range(FileTable* t, unsigned first, unsigned last, bool cloexec_only) {
  check(t);
  if (first >= unsigned(kMaxFds)) return;
  if (last >= unsigned(kMaxFds)) last = kMaxFds - 1;
  File* closing[kMaxFds] = {};
  {
    MutexGuard g(t->lock);
    for (unsigned fd = first; fd <= last; fd++) {
      if (!t->files[fd]) continue;  // free or reserved: not open
      if (cloexec_only)
        t->cloexec |= bit(int(fd));
      else
        closing[fd] = take_locked(t, int(fd));
    }
  }
  for (File* f : closing)
    if (f) close_slot_file(t, f);
}

unsigned fd_count(FileTable* t) {
  check(t);
  MutexGuard g(t->lock);
  unsigned n = 0;
  for (int fd = 0; fd < kMaxFds; fd++)
    if (t->files[fd] || (t->reserved & bit(fd))) n++;
  return n;
}

bool fd_is_cloexec(FileTable* t, int fd) {
  check(t);
  if (!valid_fd(fd)) return false;
  MutexGuard g(t->lock);
  return t->files[fd] && (t->cloexec & bit(fd));
}

namespace {
Result<File*> (*g_console_open)(int flags) = console_file_open;  // set at boot
}  // namespace

void fd_set_console_open(Result<File*> (*open)(int flags)) { g_console_open = open; }

Result<void> fd_open_console_stdio(FileTable* t) {
  check(t);
  File* con = TRY(g_console_open(kORdWr));
  // Cannot fail: the table is empty, so 0, 1 and 2 are the lowest free.
  for (int want = 0; want < 3; want++) {
    Result<int> fd = fd_install(t, con, false);
    KASSERT(fd.ok() && fd.value() == want);
  }
  file_release(con);  // the three slots hold it now
  return ok();
}

}  // namespace tine
