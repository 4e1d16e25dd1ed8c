#include "core/fs/filedesc.h"

#include "core/vfs/lockf.h"

#include "core/lib/assert.h"
#include "core/lib/string.h"
#include "core/proc/plimit.h"
#include "core/proc/proc.h"
#include "core/fs/file_console.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"

namespace tine {

namespace {

constexpr u64 bit(int fd) { return u64{1} << (fd % 64); }
constexpr unsigned words(unsigned size) { return size / 64; }

void check(FileTable* t) { KASSERT(t && t->magic == FileTable::kMagic); }

// t is reachable by no other thread: just made and not yet handed out, or
// its last reference dropped. Its slots need no lock (a lock round trip is
// a tenth of a fork's fixed cost).
void table_private(FileTable* t) ASSERT_CAPABILITY(t->lock) NO_THREAD_SAFETY_ANALYSIS {
  (void)t;
}

bool in_table_locked(FileTable* t, int fd) REQUIRES(t->lock) {
  return fd >= 0 && unsigned(fd) < t->size;
}
// The File in slot fd, or nullptr. Only the slots below `used` are read:
// those from it on are left unwritten in a new table (no zeroing at fork)
// until put_locked reaches them.
File* slot_locked(FileTable* t, int fd) REQUIRES(t->lock) {
  return fd >= 0 && unsigned(fd) < t->used ? t->files[fd] : nullptr;
}
bool is_reserved_locked(FileTable* t, int fd) REQUIRES(t->lock) {
  return (t->reserved[fd / 64] & bit(fd)) != 0;
}
bool is_cloexec_locked(FileTable* t, int fd) REQUIRES(t->lock) {
  return (t->cloexec[fd / 64] & bit(fd)) != 0;
}
void set_bit(u64* map, int fd, bool on) {
  if (on)
    map[fd / 64] |= bit(fd);
  else
    map[fd / 64] &= ~bit(fd);
}

// The heap block behind a grown table: `size` File pointers, then the
// reserved and close-on-exec bitmaps.
size_t block_bytes(unsigned size) { return size * sizeof(File*) + 2 * words(size) * 8; }

struct Slots {
  unsigned size;
  File** files;
  u64* reserved;
  u64* cloexec;
};

// A zeroed block of `size` slots. Error::NoMem.
Result<Slots> alloc_slots(unsigned size) {
  void* mem = kzalloc(block_bytes(size));
  if (!mem) return Error::NoMem;
  File** files = static_cast<File**>(mem);
  u64* maps = reinterpret_cast<u64*>(files + size);
  return Slots{size, files, maps, maps + words(size)};
}

// Frees the slots of t unless they are its inline ones.
void free_slots_locked(FileTable* t) REQUIRES(t->lock) {
  if (t->files != t->inline_files) kfree(t->files);
}

void install_slots_locked(FileTable* t, const Slots& s) REQUIRES(t->lock) {
  t->size = s.size;
  t->files = s.files;
  t->reserved = s.reserved;
  t->cloexec = s.cloexec;
}

// Grows t so that slot fd exists (Linux's expand_files, NetBSD's
// fd_tryexpand): the smallest power of two of at least twice the size that
// holds fd, no more than kNrOpen. The Files move with their references;
// the old block goes. The heap's locks rank below the table's, so the
// allocation happens under it and nobody sees a half-grown table.
// Error::NoMem (then t is as it was).
Result<void> expand_locked(FileTable* t, unsigned fd) REQUIRES(t->lock) {
  KASSERT(fd < kNrOpen);
  unsigned size = t->size * 2;
  while (size <= fd) size *= 2;
  if (size > kNrOpen) size = kNrOpen;
  Slots s = TRY(alloc_slots(size));
  memcpy(s.files, t->files, t->used * sizeof(File*));  // the rest: zeroed
  memcpy(s.reserved, t->reserved, words(t->size) * 8);
  memcpy(s.cloexec, t->cloexec, words(t->size) * 8);
  free_slots_locked(t);
  install_slots_locked(t, s);
  return ok();
}

// The lowest number in [from, end) neither open nor reserved, growing the
// table when every slot of it from `from` is taken. Error::MFile when
// [from, end) is full, Error::NoMem when the table could not grow.
Result<int> lowest_free_locked(FileTable* t, unsigned from, unsigned end) REQUIRES(t->lock) {
  for (unsigned fd = from; fd < t->size && fd < end; fd++) {
    if (!slot_locked(t, int(fd)) && !is_reserved_locked(t, int(fd))) return int(fd);
  }
  const unsigned next = max(from, t->size);
  if (next >= end) return Error::MFile;
  TRY(expand_locked(t, next));
  return int(next);
}

// Puts f (a reference the slot keeps) in slot fd, raising the high-water
// mark; the unwritten slots it passes over become empty ones.
void put_locked(FileTable* t, int fd, File* f) REQUIRES(t->lock) {
  if (unsigned(fd) >= t->used) {
    for (unsigned i = t->used; i < unsigned(fd); i++) t->files[i] = nullptr;
    t->used = unsigned(fd) + 1;
  }
  t->files[fd] = f;
}

// Empties slot fd and hands back its File (the slot's reference), or nullptr.
File* take_locked(FileTable* t, int fd) REQUIRES(t->lock) {
  File* f = slot_locked(t, fd);
  if (f) t->files[fd] = nullptr;
  set_bit(t->cloexec, fd, false);
  return f;
}

// A descriptor of t closed on f: t's record locks on the file go (POSIX:
// any close of the file ends the process's locks on it), then the slot's
// reference, after the backend's flush. Outside the table lock: close may
// sleep on a pipe.
void close_slot_file(FileTable* t, File* f) {
  lockf_release(lockf_key(*f), t);
  if (f->ops->flush) f->ops->flush(*f);
  file_release(f);
}

Result<FileTable*> alloc_table() {
  void* mem = kmalloc(sizeof(FileTable));
  if (!mem) return Error::NoMem;
  return new (mem) FileTable;  // default-initialised: inline_files is left unwritten
}

// t: private (table_private).
void free_table(FileTable* t) {
  table_private(t);
  free_slots_locked(t);
  t->magic = 0;
  t->~FileTable();
  kfree(t);
}

}  // namespace

unsigned fd_nofile() {
  Proc* p = curproc();
  if (!p) return unsigned(kNofileCur);
  u64 cur = kNofileCur;
  {
    MutexGuard g(p->p_lock());  // setrlimit swaps p_limit under it
    if (p->p_limit) cur = p->p_limit->limits[kRlimitNofile].cur;
  }
  return unsigned(min<u64>(cur, kNrOpen));
}

Result<FileTable*> filetable_create() { return alloc_table(); }

Result<FileTable*> filetable_copy(FileTable* src) {
  check(src);
  FileTable* dst = TRY(alloc_table());
  // dst is private until returned, so src's slots go straight into it
  // under src's lock alone (two table locks share a rank and are never
  // held together). A grown src's slots go into a block of its size,
  // allocated under its lock so that it cannot grow meanwhile (the child
  // keeps the parent's size, /proc's FDSize). The references taken keep
  // the Files alive.
  table_private(dst);
  {
    MutexGuard g(src->lock);
    if (src->size > kFdInline) {
      Result<Slots> got = alloc_slots(src->size);
      if (!got.ok()) {
        free_table(dst);
        return Error::NoMem;
      }
      install_slots_locked(dst, got.value());
    }
    // The slots from src->used on are empty in both tables.
    for (unsigned fd = 0; fd < src->used; fd++) {
      File* f = src->files[fd];
      dst->files[fd] = f;
      if (f) file_hold(f);
    }
    dst->used = src->used;
    memcpy(dst->cloexec, src->cloexec, words(src->size) * 8);  // reserved: not copied
  }
  return dst;
}

void filetable_hold(FileTable* t) {
  check(t);
  t->refs.hold();
}

void filetable_release(FileTable* t) {
  check(t);
  if (!t->refs.release()) return;
  // No other holder is left: the slots need no lock, and the files are
  // closed without one (close may sleep on a pipe).
  // The slots are emptied, their bits are left: the table goes.
  table_private(t);
  for (unsigned w = 0; w < words(t->size); w++)
    KASSERT(t->reserved[w] == 0);  // an fd_alloc outlived its table
  for (unsigned fd = 0; fd < t->used; fd++) {
    File* f = t->files[fd];
    if (!f) continue;
    t->files[fd] = nullptr;
    close_slot_file(t, f);
  }
  free_table(t);
}

Result<int> fd_install(FileTable* t, File* f, bool cloexec) {
  int fd = TRY(fd_alloc(t));
  fd_affix(t, fd, f, cloexec);
  return fd;
}

Result<int> fd_alloc(FileTable* t) {
  check(t);
  const unsigned end = fd_nofile();  // p_lock ranks below the table's
  MutexGuard g(t->lock);
  int fd = TRY(lowest_free_locked(t, 0, end));
  set_bit(t->reserved, fd, true);
  return fd;
}

void fd_affix(FileTable* t, int fd, File* f, bool cloexec) {
  check(t);
  file_hold(f);
  MutexGuard g(t->lock);
  KASSERT(in_table_locked(t, fd) && is_reserved_locked(t, fd) && !slot_locked(t, fd));
  set_bit(t->reserved, fd, false);
  put_locked(t, fd, f);
  set_bit(t->cloexec, fd, cloexec);
}

void fd_abort(FileTable* t, int fd) {
  check(t);
  MutexGuard g(t->lock);
  KASSERT(in_table_locked(t, fd) && is_reserved_locked(t, fd) && !slot_locked(t, fd));
  set_bit(t->reserved, fd, false);
}

Result<File*> fd_get(FileTable* t, int fd) {
  check(t);
  MutexGuard g(t->lock);
  File* f = slot_locked(t, fd);
  if (!f) return Error::BadF;
  file_hold(f);
  return f;
}

Result<File*> fd_get_light(FileTable* t, int fd, bool* held) NO_THREAD_SAFETY_ANALYSIS {
  if (t->refs.count() != 1) {
    *held = true;
    return fd_get(t, fd);
  }
  *held = false;
  File* f = slot_locked(t, fd);  // a reserved slot has none: EBADF
  if (!f) return Error::BadF;
  return f;
}

Result<void> fd_close(FileTable* t, int fd) {
  check(t);
  File* f;
  {
    MutexGuard g(t->lock);
    if (!in_table_locked(t, fd)) return Error::BadF;
    f = take_locked(t, fd);
  }
  if (!f) return Error::BadF;
  close_slot_file(t, f);
  return ok();
}

Result<int> fd_dup(FileTable* t, int oldfd) { return fd_dup_min(t, oldfd, 0, false); }

Result<int> fd_dup_min(FileTable* t, int oldfd, unsigned minfd, bool cloexec) {
  check(t);
  const unsigned end = fd_nofile();
  MutexGuard g(t->lock);
  if (!slot_locked(t, oldfd)) return Error::BadF;
  // Linux's f_dupfd: a start at or past RLIMIT_NOFILE is EINVAL, a full
  // range EMFILE.
  if (minfd >= end) return Error::Inval;
  int fd = TRY(lowest_free_locked(t, minfd, end));
  File* f = slot_locked(t, oldfd);  // the table may have moved: read it again
  file_hold(f);
  put_locked(t, fd, f);
  set_bit(t->cloexec, fd, cloexec);
  return fd;
}

Result<bool> fd_get_cloexec(FileTable* t, int fd) {
  check(t);
  MutexGuard g(t->lock);
  if (!slot_locked(t, fd)) return Error::BadF;
  return is_cloexec_locked(t, fd);
}

Result<void> fd_set_cloexec(FileTable* t, int fd, bool cloexec) {
  check(t);
  MutexGuard g(t->lock);
  if (!slot_locked(t, fd)) return Error::BadF;
  set_bit(t->cloexec, fd, cloexec);
  return ok();
}

Result<int> fd_dup3(FileTable* t, int oldfd, int newfd, int flags) {
  check(t);
  // Linux's order of checks (fs/file.c ksys_dup3).
  if (flags & ~kOCloExec) return Error::Inval;
  if (oldfd == newfd) return Error::Inval;
  if (newfd < 0 || unsigned(newfd) >= fd_nofile()) return Error::BadF;
  File* old;
  {
    MutexGuard g(t->lock);
    if (!slot_locked(t, oldfd)) return Error::BadF;
    if (!in_table_locked(t, newfd)) TRY(expand_locked(t, unsigned(newfd)));
    if (is_reserved_locked(t, newfd)) return Error::Busy;
    File* f = slot_locked(t, oldfd);
    old = take_locked(t, newfd);
    file_hold(f);
    put_locked(t, newfd, f);
    set_bit(t->cloexec, newfd, (flags & kOCloExec) != 0);
  }
  if (old) close_slot_file(t, old);
  return newfd;
}

namespace {

// Takes out of t every open descriptor in [first, last] that `pick`
// chooses, and closes them outside the lock, a batch at a time.
template <typename Pick>
void close_where(FileTable* t, unsigned first, unsigned last, Pick pick) {
  for (u64 from = first;;) {
    File* batch[32];
    unsigned n = 0;
    {
      MutexGuard g(t->lock);
      for (; from <= last && from < t->used && n < 32; from++) {
        const int fd = int(from);
        if (t->files[fd] && pick(fd)) batch[n++] = take_locked(t, fd);
      }
    }
    if (n == 0) break;
    for (unsigned i = 0; i < n; i++) close_slot_file(t, batch[i]);
  }
}

}  // namespace

void fd_close_on_exec(FileTable* t) {
  check(t);
  close_where(t, 0, ~0u, [t](int fd) NO_THREAD_SAFETY_ANALYSIS { return is_cloexec_locked(t, fd); });
}

void fd_close_range(FileTable* t, unsigned first, unsigned last, bool cloexec_only) {
  check(t);
  if (!cloexec_only) {
    close_where(t, first, last, [](int) { return true; });
    return;
  }
  MutexGuard g(t->lock);
  for (u64 fd = first; fd <= last && fd < t->used; fd++)
    if (t->files[fd]) set_bit(t->cloexec, int(fd), true);  // free or reserved: not open
}

unsigned fd_count(FileTable* t) {
  check(t);
  MutexGuard g(t->lock);
  unsigned n = 0;
  for (unsigned fd = 0; fd < t->size; fd++)
    if (slot_locked(t, int(fd)) || is_reserved_locked(t, int(fd))) n++;
  return n;
}

unsigned fd_table_size(FileTable* t) {
  check(t);
  MutexGuard g(t->lock);
  return t->size;
}

bool fd_is_cloexec(FileTable* t, int fd) {
  check(t);
  MutexGuard g(t->lock);
  return slot_locked(t, fd) && is_cloexec_locked(t, fd);
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
