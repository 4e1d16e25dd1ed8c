#include "core/dev/dev_random.h"

#include "core/dev/devnum.h"
#include "core/lib/random.h"
#include "core/lib/string.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

// Bytes drawn per random_bytes call and copied per copyout: a stack buffer
// that a piece never crosses a user page with (random_bytes serves a few
// hundred bytes per key anyway).
constexpr size_t kChunk = 256;

// As getrandom (core/compat/linux/system.cpp): pieces that never cross a
// user page, so a fault leaves an exact count; a signal pending after a
// whole page ends a long read, as Linux's get_random_bytes_user.
Result<size_t> random_read(File&, uptr user_buf, size_t n) {
  u8 buf[kChunk];
  size_t done = 0;
  while (done < n) {
    const uptr at = user_buf + done;
    if (done && (at & (kPageSize - 1)) == 0 && sleep_intr_pending()) break;
    const size_t len = min(min(n - done, kChunk), kPageSize - (at & (kPageSize - 1)));
    random_bytes(buf, len);
    const bool copied = copyout(at, buf, len).ok();
    if (!copied) {
      if (done == 0) {
        memset(buf, 0, sizeof buf);
        return Error::Fault;
      }
      break;
    }
    done += len;
  }
  // The last bytes handed out leave no copy on the kernel stack.
  memset(buf, 0, sizeof buf);
  return done;
}

// Linux's random_write_iter: the bytes are mixed in, no entropy credited.
Result<size_t> random_write(File&, uptr user_buf, size_t n) {
  u8 buf[kChunk];
  size_t done = 0;
  while (done < n) {
    const uptr at = user_buf + done;
    if (done && (at & (kPageSize - 1)) == 0 && sleep_intr_pending()) break;
    const size_t len = min(min(n - done, kChunk), kPageSize - (at & (kPageSize - 1)));
    if (!copyin(buf, at, len).ok()) {
      if (done == 0) return Error::Fault;
      break;
    }
    random_add_entropy(buf, len);
    done += len;
  }
  return done;
}

void close_nothing(File&) {}

template <u32 Minor>
void stat_random(File&, FileStat& st) {
  st.dev = kDevfsDev;
  st.ino = dev_encode(kMemMajor, Minor);
  st.mode = kSIfChr | 0666;
  st.rdev = dev_encode(kMemMajor, Minor);
  st.size = 0;
}

const FileOps kRandomOps = {
    .name = "random",
    .read = random_read,
    .write = random_write,
    .close = close_nothing,
    .stat = stat_random<kRandomMinor>,
    .seekable = true,
};

const FileOps kUrandomOps = {
    .name = "urandom",
    .read = random_read,
    .write = random_write,
    .close = close_nothing,
    .stat = stat_random<kUrandomMinor>,
    .seekable = true,
};

}  // namespace

Result<File*> dev_random_open(int flags) { return file_create(&kRandomOps, flags, nullptr); }
Result<File*> dev_urandom_open(int flags) { return file_create(&kUrandomOps, flags, nullptr); }

}  // namespace tine
