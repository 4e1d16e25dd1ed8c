// Open files, as NetBSD's `struct file`: what a descriptor points at. One
// File is shared by every descriptor (dup), every table (fork copies the
// table, not the Files) and every process that holds it, so they all share
// one offset, as POSIX requires of an "open file description".
//
// A File is reference counted (atomically): each descriptor slot holds one
// reference, and so does a syscall that is using it (fd_get). When the last
// reference goes, the backend's close() runs, then the File is freed.
//
// Backends (core/fs/file_console.cpp, core/fs/file_pipe.cpp, core/fs/file_initrd.cpp)
// give a FileOps table of plain function pointers: no virtual functions, no
// RTTI.
#pragma once

#include "core/sync/mutex.h"
#include "core/lib/refcount.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// open(2) flags, with Linux's asm-generic values (the riscv64 user ABI).
// Named kO* because the host tests see libc's O_* macros.
inline constexpr int kOAccMode = 03;
inline constexpr int kORdOnly = 00;
inline constexpr int kOWrOnly = 01;
inline constexpr int kORdWr = 02;
inline constexpr int kOCreat = 0100;
inline constexpr int kOExcl = 0200;
inline constexpr int kONoCtty = 0400;
inline constexpr int kOTrunc = 01000;
inline constexpr int kOAppend = 02000;
inline constexpr int kONonBlock = 04000;
inline constexpr int kOLargeFile = 0100000;
inline constexpr int kODirectory = 0200000;
inline constexpr int kONoFollow = 0400000;
inline constexpr int kOCloExec = 02000000;
// The status flags fcntl(F_SETFL) may change (Linux's SETFL_MASK, less
// O_DIRECT, O_NOATIME and FASYNC, which Tine does not implement).
inline constexpr int kOSetFlMask = kOAppend | kONonBlock;

// What fstat reports of a File: the fields of Linux's struct stat that
// mean something here (core/fs/stat.h lays them out for user space).
struct FileStat {
  u64 dev = 0;
  u64 ino = 0;
  u32 mode = 0;  // type and permission bits, the st_mode encoding
  u32 nlink = 1;
  u32 uid = 0, gid = 0;  // the owner (a message queue's creator; else root)
  u64 rdev = 0;
  i64 size = 0;
  i32 blksize = 4096;
};

// File type bits of FileStat::mode (Linux's S_IF*).
inline constexpr u32 kSIfMt = 0170000;
inline constexpr u32 kSIfIfo = 0010000;
inline constexpr u32 kSIfChr = 0020000;
inline constexpr u32 kSIfDir = 0040000;
inline constexpr u32 kSIfReg = 0100000;
inline constexpr u32 kSIfSock = 0140000;

struct File;
struct Vnode;

struct FileOps {
  const char* name;  // for debugging: "console", "pipe", "initrd"
  // Moves up to n (> 0) bytes; returns how many. The File's access mode has
  // been checked already. A fault after some bytes moved returns the count
  // (as Linux does); a fault on the first byte is Error::Fault.
  Result<size_t> (*read)(File& f, uptr user_buf, size_t n);
  Result<size_t> (*write)(File& f, uptr user_buf, size_t n);
  // The last reference went: free the backend's state. Cannot fail.
  void (*close)(File& f);
  // Fills what fstat reports. Cannot fail.
  void (*stat)(File& f, FileStat& st);
  // Whether the File has an offset lseek may move (a regular file or
  // directory); pipes and ttys have none, and lseek says ESPIPE.
  bool seekable;
  // poll(2) readiness now (core/fs/poll.h bits); null: always ready to read
  // and write, as a regular file is. A backend calls poll_wakeup() when it
  // may have changed.
  i16 (*poll)(File& f) = nullptr;
  // Readiness to read that no event announces (a UART without interrupts):
  // a poller waiting for it looks again every few milliseconds.
  bool polled_device = false;
  // ioctl(2): cmd and its argument as the program gave them; returns the
  // syscall's result. Null: every request is Error::NotTty, as Linux
  // answers for a file that is no terminal (core/tty/ owns this field and
  // the syscall's dispatch).
  Result<i64> (*ioctl)(File& f, u32 cmd, uptr arg) = nullptr;
  // pread64(2) of a seekable File that is not a vnode's (a /proc text):
  // up to n (> 0) bytes at `off`, the File's offset unmoved. Null: a File
  // without a vnode is ESPIPE, as a pipe is.
  Result<size_t> (*pread)(File& f, uptr user_buf, size_t n, u64 off) = nullptr;
  // The backend answers a read or write of 0 bytes itself (Linux's
  // vfs_read passes count 0 on: an eventfd says EINVAL); false: 0 at once.
  bool zero_len_io = false;
  // When readiness will change with no poll_wakeup (a timer's next expiry,
  // guest ns), so a poller naps no longer than that; 0 or null: never.
  u64 (*poll_deadline)(File& f) = nullptr;
  // A count that moves whenever the File's readiness may have changed (a
  // write, a read, an expiry): epoll's edge-triggered mode reports a ready
  // File again only once this has moved. Null: on a change of readiness.
  u32 (*poll_seq)(File& f) = nullptr;
  // write's twin from kernel memory (sendfile's output, core/fs/sys_file.h):
  // the same semantics, signals and errors. Null: the File takes no such
  // writes, and sendfile to it is EINVAL.
  Result<size_t> (*write_kernel)(File& f, const void* buf, size_t n) = nullptr;
  // A descriptor on f is being closed by the calling process, whether or
  // not it holds the last reference (Linux's f_op->flush: a message queue
  // drops the closer's notification). Null: nothing to do.
  void (*flush)(File& f) = nullptr;
};

struct File {
  static constexpr u32 kMagic = 0x46494c45;  // "FILE"
  u32 magic = kMagic;
  RefCount refs;  // descriptor slots and syscalls in flight
  const FileOps* ops;
  // The access mode and status flags (atomic: read with file_flags). The
  // access mode is fixed at creation; fcntl(F_SETFL) changes the
  // kOSetFlMask bits. Never O_CLOEXEC, which belongs to the descriptor.
  int flags;
  void* data;  // the backend's, fixed after creation
  // The vnode the File was opened from (core/vfs/vfs_file.h), held, or null
  // (pipes, the console opened at boot). Fixed once the File is published;
  // released after the backend's close.
  Vnode* vnode = nullptr;
  // Guards offset, and serialises reads that use it, so two readers of one
  // File never read the same bytes (Linux's f_pos_lock).
  Mutex offset_lock{"file offset", LockRank::FileOffset};
  u64 offset GUARDED_BY(offset_lock) = 0;
  // The entries of epoll interest lists that watch this File, a chain that
  // core/fs/file_epoll.cpp keeps under its lock; file_release empties it
  // (epoll_file_closed) before the backend's close.
  void* epoll_items = nullptr;

  File(const FileOps* o, int fl, void* d) : ops(o), flags(fl), data(d) {}

  bool readable() const {
    int m = __atomic_load_n(&flags, __ATOMIC_RELAXED) & kOAccMode;
    return m == kORdOnly || m == kORdWr;
  }
  bool writable() const {
    int m = __atomic_load_n(&flags, __ATOMIC_RELAXED) & kOAccMode;
    return m == kOWrOnly || m == kORdWr;
  }
  // O_NONBLOCK as of now: another process sharing the File may change it.
  bool nonblocking() const {
    return (__atomic_load_n(&flags, __ATOMIC_RELAXED) & kONonBlock) != 0;
  }
};

// A new File with one reference (the caller's). Error::NoMem.
Result<File*> file_create(const FileOps* ops, int flags, void* data);
// Another reference. Contract: the caller holds one already.
void file_hold(File* f);
// Drops a reference; the last one closes and frees the File.
void file_release(File* f);

// The access mode and status flags (fcntl F_GETFL).
int file_flags(const File& f);
// fcntl(F_SETFL): the kOSetFlMask bits of f's flags become those of
// `flags`; other bits of `flags` are ignored, as Linux ignores them, except
// status flags Tine does not implement (O_DIRECT, O_NOATIME, FASYNC):
// asking for one is Error::Inval rather than silently not done.
Result<void> file_set_flags(File& f, int flags);

// Access-checked I/O: Error::BadF if the File was not opened for it, 0 for
// n == 0 (unless the backend has zero_len_io), else the backend's answer.
Result<size_t> file_read(File& f, uptr user_buf, size_t n);
Result<size_t> file_write(File& f, uptr user_buf, size_t n);

// fstat of a File with no node of its own (eventfd, timerfd, epoll), as
// Linux's anon_inode: mode 0600 with no file type, one inode for all.
void anon_inode_stat(File& f, FileStat& st);

// Files created and not yet freed (the host tests check it returns to 0).
u64 file_live_count();

// User copies split at user page boundaries, so that a fault inside a later
// page still reports the bytes before it (Linux's partial read/write).
// Each calls fn(uptr user, size_t len, size_t done) for consecutive pieces
// that never cross a page, until fn fails or all n are done; returns the
// bytes done, or fn's error if it failed on the first piece.
template <typename F>
Result<size_t> for_each_user_piece(uptr user, size_t n, F&& fn) {
  size_t done = 0;
  while (done < n) {
    uptr at = user + done;
    size_t in_page = kPageSize - (at & (kPageSize - 1));
    size_t len = min(n - done, in_page);
    Result<void> r = fn(at, len, done);
    if (!r.ok()) {
      if (done == 0) return r.error();
      break;
    }
    done += len;
  }
  return done;
}

}  // namespace tine
