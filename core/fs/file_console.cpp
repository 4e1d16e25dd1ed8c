#include "core/fs/file_console.h"

#include "core/fs/poll.h"
#include "core/lib/console.h"
#include "core/lib/string.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/mutex.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {

// Bytes moved per console_write / copyout. Small: it lives on the kernel
// stack, and a copy never spans more than one user page anyway.
constexpr size_t kChunk = 256;
constexpr u64 kPollNs = 10'000'000;  // 10 ms between polls of an idle input
constexpr u64 kConsoleDev = 0x6;     // fstat's st_dev and st_ino: a "devtmpfs"
constexpr u64 kConsoleIno = 5;       // node of its own

// One reader at a time takes bytes from the input: the UART's data register
// is read-destructive, and two harts polling it could each see "ready" for
// one byte. Held across the polling sleeps, so other readers queue behind it
// (they would find nothing to read anyway).
Mutex g_input_lock("console input", LockRank::ConsoleInput);

void echo(char c) {
  if (c == 0x7f || c == '\b') {
    console_write("\b \b", 3);
    return;
  }
  console_write(&c, 1);
}

// Bytes poll took from the UART (to learn that input is waiting: the data
// register cannot be peeked) and read has not returned yet; already echoed.
char g_held[kChunk] GUARDED_BY(g_input_lock);
size_t g_held_count GUARDED_BY(g_input_lock) = 0;

// Takes what the UART has, up to `max` bytes, into buf; echoes it.
size_t drain_uart_locked(char* buf, size_t max) REQUIRES(g_input_lock) {
  size_t got = 0;
  while (got < max) {
    int c = hal::console_getc();
    if (c < 0) break;
    char ch = static_cast<char>(c);
    if (ch == '\r') ch = '\n';
    echo(ch);
    buf[got++] = ch;
  }
  return got;
}

// Takes what is waiting, up to `max` bytes, into buf: what poll held
// first, then the UART. 0 if none.
size_t drain_input_locked(char* buf, size_t max) REQUIRES(g_input_lock) {
  size_t got = min(max, g_held_count);
  memcpy(buf, g_held, got);
  memmove(g_held, g_held + got, g_held_count - got);
  g_held_count -= got;
  return got + drain_uart_locked(buf + got, max - got);
}

// The kernel's console is core/tty/ once it boots (tty_init); this polled
// console File remains for the host tests, which have no interrupts.
Result<size_t> console_read(File& f, uptr user_buf, size_t n) {
  char buf[kChunk];
  size_t want = min(n, kChunk);
  size_t got = 0;
  {
    MutexGuard g(g_input_lock);
    // Input, or O_NONBLOCK; a signal ends the wait (EINTR) at once
    // (psignal wakes it). Nothing wakes a reader when a byte arrives: the
    // UART has no interrupt here, so it looks every kPollNs.
    TRY(sleep_until(SleepOn{.poll_ns = kPollNs}, [&] {
      g_input_lock.assert_held();  // sleep_until calls it under our guard
      got = drain_input_locked(buf, want);
      return got > 0 || f.nonblocking();
    }));
    if (got == 0) return Error::Again;  // a tty's O_NONBLOCK read
  }
  // The bytes are consumed even if this faults: a console has no way to
  // put them back (a tty would lose them the same way).
  TRY(copyout(user_buf, buf, got));
  return got;
}

Result<size_t> console_write_op(File&, uptr user_buf, size_t n) {
  char buf[kChunk];
  return for_each_user_piece(user_buf, n, [&](uptr at, size_t len, size_t) -> Result<void> {
    // A piece is at most a page; send it in stack-sized chunks.
    for (size_t off = 0; off < len;) {
      size_t c = min(len - off, kChunk);
      TRY(copyin(buf, at + off, c));
      console_write(buf, c);
      off += c;
    }
    return ok();
  });
}

// Readable when input waits: what the UART has is moved to g_held.
i16 console_poll(File&) {
  MutexGuard g(g_input_lock);
  g_held_count += drain_uart_locked(g_held + g_held_count, kChunk - g_held_count);
  i16 r = kPollOut | kPollWrNorm;
  if (g_held_count > 0) r |= kPollIn | kPollRdNorm;
  return r;
}

void console_close(File&) {}  // nothing of its own to free

void console_stat(File&, FileStat& st) { console_fill_stat(st); }

const FileOps kConsoleOps = {
    .name = "console",
    .read = console_read,
    .write = console_write_op,
    .close = console_close,
    .stat = console_stat,
    .seekable = false,  // a tty: lseek is ESPIPE
    .poll = console_poll,
    .polled_device = true,  // no input interrupt: pollers look every 10 ms
};

}  // namespace

void console_fill_stat(FileStat& st) {
  st.dev = kConsoleDev;
  st.ino = kConsoleIno;
  st.mode = kSIfChr | 0620;
  st.nlink = 1;
  st.rdev = (5 << 8) | 1;
  st.size = 0;
  st.blksize = 1024;
}

Result<File*> console_file_open(int flags) {
  return file_create(&kConsoleOps, flags, nullptr);
}

}  // namespace tine
