// File descriptor tables, as NetBSD's filedesc: a process's fd -> File map.
//
// A table is reference counted: fork without CLONE_FILES copies it
// (filetable_copy: a new table whose slots hold the same Files, so offsets
// stay shared), FORK_SHAREFILES / CLONE_FILES shares it (filetable_hold), and
// FORK_CLEANFILES starts empty (filetable_create). The last
// filetable_release closes every descriptor.
//
// Locking: FileTable::lock (LockRank::FileTable, after p_lock) guards the
// slots. It is never held while a File is read, written or closed: a File
// leaves its slot under the lock and is released after the lock is dropped,
// so a backend's close (which may take a pipe lock) never nests inside it.
//
// Slots go through three states, as NetBSD's fd_alloc/fd_affix/fd_abort:
// free, reserved (a number handed out for a File not yet visible: fd_get
// says EBADF, dup2 onto it says EBUSY, as Linux), and open.
#pragma once

#include "core/fs/file.h"
#include "core/sync/mutex.h"
#include "core/lib/refcount.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// A new table has kFdInline slots inside itself (Linux's NR_OPEN_DEFAULT);
// a descriptor past them grows the table (fd_tryexpand in NetBSD,
// expand_files in Linux), up to the caller's RLIMIT_NOFILE, which starts
// at kNofileCur (soft) and kNofileMax (hard), Linux's INR_OPEN_CUR and
// INR_OPEN_MAX. No table grows past kNrOpen slots; setrlimit refuses a
// hard RLIMIT_NOFILE above it (EPERM), as Linux's fs.nr_open (which is
// 1048576 there).
inline constexpr unsigned kFdInline = 64;
inline constexpr u64 kNofileCur = 1024, kNofileMax = 4096;
inline constexpr unsigned kNrOpen = 1u << 16;
inline constexpr unsigned kRlimitNofile = 7;  // RLIMIT_NOFILE (Linux numbering)

class FileTable {
 public:
  static constexpr u32 kMagic = 0x46445442;  // "FDTB"
  u32 magic = kMagic;
  RefCount refs;  // processes sharing this table
  Mutex lock{"file table", LockRank::FileTable};
  // `size` slots (a multiple of 64): the inline arrays below until the
  // table grows, then one heap block (files, then the two bitmaps) that a
  // later growth replaces. Bit fd % 64 of word fd / 64 of a bitmap.
  unsigned size GUARDED_BY(lock) = kFdInline;
  File** files GUARDED_BY(lock) = inline_files;  // each holds a reference
  u64* reserved GUARDED_BY(lock) = &inline_reserved;  // number taken, no File yet
  u64* cloexec GUARDED_BY(lock) = &inline_cloexec;    // close on exec
  // One past the highest slot that has held a File (NetBSD's fd_lastfile,
  // kept as a high-water mark: it never drops): the slots from it on are
  // empty, so fork's copy, the last release and exec's close-on-exec scan
  // stop there instead of walking all 64 or more.
  unsigned used GUARDED_BY(lock) = 0;
  // Not zeroed: only the slots below `used` are ever read (slot_locked),
  // which saves a new table (every fork) 512 bytes of stores.
  File* inline_files[kFdInline] GUARDED_BY(lock);
  u64 inline_reserved GUARDED_BY(lock) = 0;
  u64 inline_cloexec GUARDED_BY(lock) = 0;
};

// The calling process's RLIMIT_NOFILE (soft), at most kNrOpen; kNofileCur
// for a caller without a process (the host tests' threads).
unsigned fd_nofile();

Result<FileTable*> filetable_create();  // empty; Error::NoMem
// A new table with the same open Files (each gains a reference) and the
// same close-on-exec bits; reserved slots are not copied. Error::NoMem.
Result<FileTable*> filetable_copy(FileTable* src);
void filetable_hold(FileTable* t);
// Drops a reference; the last one closes every descriptor and frees t.
void filetable_release(FileTable* t);

// Puts f at the lowest free descriptor; the slot takes a reference of its
// own (the caller keeps its). Error::MFile when every number below the
// caller's RLIMIT_NOFILE is in use, Error::NoMem when the table could not
// grow.
Result<int> fd_install(FileTable* t, File* f, bool cloexec);
// The File at fd with a new reference for the caller (file_release it).
// Error::BadF for a negative, free or reserved fd, or one past the table.
Result<File*> fd_get(FileTable* t, int fd);
// fd_get for a call that uses the File and then lets it go, from the
// calling LWP's own table t. When t has one holder (refs 1: the caller;
// any other LWP or process that could change a slot holds a reference of
// its own, as Linux's __fget_light reasons), no lock is taken and no
// reference: *held is false and the File lives while its slot does, which
// only the caller could empty. Otherwise fd_get, *held true. The caller
// must not close or replace fd before it is done with the File.
Result<File*> fd_get_light(FileTable* t, int fd, bool* held);
Result<void> fd_close(FileTable* t, int fd);  // Error::BadF
// Lowest free descriptor on the same File, close-on-exec clear.
// Error::BadF, Error::MFile.
Result<int> fd_dup(FileTable* t, int oldfd);
// fcntl F_DUPFD / F_DUPFD_CLOEXEC: the lowest free descriptor >= minfd on
// the same File. Error::BadF if oldfd is not open, then Error::Inval if
// minfd is at or past RLIMIT_NOFILE (minfd is unsigned, as Linux's), then
// Error::MFile if every number from minfd up to the limit is taken.
Result<int> fd_dup_min(FileTable* t, int oldfd, unsigned minfd, bool cloexec);
// fcntl F_GETFD / F_SETFD: the descriptor's close-on-exec bit.
// Error::BadF for an fd that is not open.
Result<bool> fd_get_cloexec(FileTable* t, int fd);
Result<void> fd_set_cloexec(FileTable* t, int fd, bool cloexec);
// Linux dup3: flags other than O_CLOEXEC or oldfd == newfd are Error::Inval;
// newfd negative or at or past RLIMIT_NOFILE, or oldfd not open,
// Error::BadF (Linux's order: newfd first); newfd reserved by a
// concurrent fd_alloc Error::Busy. An open newfd is closed first, silently.
Result<int> fd_dup3(FileTable* t, int oldfd, int newfd, int flags);
// exec: closes every descriptor marked close-on-exec.
void fd_close_on_exec(FileTable* t);
// close_range: closes every open descriptor in [first, last] (a last past
// the table is the table's end), or with cloexec_only marks them
// close-on-exec instead. Never fails: free numbers are skipped.
void fd_close_range(FileTable* t, unsigned first, unsigned last, bool cloexec_only);
unsigned fd_count(FileTable* t);  // open descriptors (reserved ones too)
unsigned fd_table_size(FileTable* t);  // slots now (/proc's FDSize)
bool fd_is_cloexec(FileTable* t, int fd);  // false for a free fd

// Two-step install for calls that must copy the number out before the
// descriptor exists (pipe2): fd_alloc reserves the lowest free number,
// fd_affix publishes a File there (taking its own reference), fd_abort
// frees the number unused. Error::MFile, Error::NoMem.
Result<int> fd_alloc(FileTable* t);
void fd_affix(FileTable* t, int fd, File* f, bool cloexec);
void fd_abort(FileTable* t, int fd);

// fds 0, 1 and 2 on one console File opened O_RDWR, for init. Contract: t
// has no descriptors yet. Error::NoMem.
Result<void> fd_open_console_stdio(FileTable* t);
// What fd_open_console_stdio opens: console_file_open until the kernel's
// tty replaces it at boot (core/tty/tty.h, tty_init).
void fd_set_console_open(Result<File*> (*open)(int flags));

}  // namespace tine
