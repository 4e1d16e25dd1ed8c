#include "core/dev/dev_mem.h"

#include "core/dev/devnum.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

// The source of every zero a reader gets (read-only data, one page).
const u8 kZeroPage[kPageSize] = {};

// n zero bytes out to user memory, a page at a time (never across a page
// boundary, so a fault leaves an exact count), as Linux's read_iter_zero:
// a pending signal ends the read between pages.
Result<size_t> read_zeros(File&, uptr user_buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    const uptr at = user_buf + done;
    const size_t len = min(n - done, kPageSize - (at & (kPageSize - 1)));
    if (!copyout(at, kZeroPage, len).ok()) {
      if (done == 0) return Error::Fault;
      break;
    }
    done += len;
    if (done < n && sleep_intr_pending()) break;
  }
  return done;
}

Result<size_t> read_eof(File&, uptr, size_t) { return size_t{0}; }

// Linux's write_null: the count, without reading the buffer.
Result<size_t> write_swallow(File&, uptr, size_t n) { return n; }

Result<size_t> write_nospace(File&, uptr, size_t) { return Error::NoSpc; }

void close_nothing(File&) {}

template <u32 Minor>
void stat_mem(File&, FileStat& st) {
  st.dev = kDevfsDev;
  st.ino = dev_encode(kMemMajor, Minor);
  st.mode = kSIfChr | 0666;
  st.rdev = dev_encode(kMemMajor, Minor);
  st.size = 0;
}

const FileOps kNullOps = {
    .name = "null",
    .read = read_eof,
    .write = write_swallow,
    .close = close_nothing,
    .stat = stat_mem<kNullMinor>,
    .seekable = true,
};

const FileOps kZeroOps = {
    .name = "zero",
    .read = read_zeros,
    .write = write_swallow,
    .close = close_nothing,
    .stat = stat_mem<kZeroMinor>,
    .seekable = true,
};

const FileOps kFullOps = {
    .name = "full",
    .read = read_zeros,
    .write = write_nospace,
    .close = close_nothing,
    .stat = stat_mem<kFullMinor>,
    .seekable = true,
};

}  // namespace

Result<File*> dev_null_open(int flags) { return file_create(&kNullOps, flags, nullptr); }
Result<File*> dev_zero_open(int flags) { return file_create(&kZeroOps, flags, nullptr); }
Result<File*> dev_full_open(int flags) { return file_create(&kFullOps, flags, nullptr); }

}  // namespace tine
