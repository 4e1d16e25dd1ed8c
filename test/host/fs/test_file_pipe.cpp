// core/fs/file_pipe and the read/write/pipe2 syscalls on pipes: data order,
// end of file, EPIPE, blocking across LWPs on simulated harts, writes that
// wrap the ring, atomic small writes, faults, and interruption.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "core/fs/file_pipe.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/sleepq.h"
#include "core/fs/sys_file.h"
#include "test/host/file_test_util.h"

using namespace tine;
using tine::test::Table;
using tine::test::U;

namespace {

struct Fds {
  int fds[2] = {-1, -1};
  int r() const { return fds[0]; }
  int w() const { return fds[1]; }
};

Fds make_pipe(FileTable* t, int flags = 0) {
  Fds p;
  MUST(sys_pipe2(t, U(p.fds), flags));
  return p;
}

std::string read_str(FileTable* t, int fd, size_t n) {
  std::string s(n, '\0');
  Result<u64> r = sys_read(t, fd, U(s.data()), n);
  REQUIRE(r.ok());
  s.resize(r.value());
  return s;
}

Lwp* start(void (*fn)(void*), void* arg) {
  LwpOptions o;
  o.joinable = true;
  return MUST(lwp_create(fn, arg, o));
}

// An LWP that does one read or write and records the outcome.
struct Op {
  FileTable* t;
  int fd;
  std::vector<char> buf;
  size_t n = 0;
  Result<u64> result = Error::Io;
  std::atomic<bool> done{false};
};

void do_read(void* arg) {
  auto* op = static_cast<Op*>(arg);
  op->result = sys_read(op->t, op->fd, U(op->buf.data()), op->n);
  op->done = true;
}

void do_write(void* arg) {
  auto* op = static_cast<Op*>(arg);
  op->result = sys_write(op->t, op->fd, U(op->buf.data()), op->n);
  op->done = true;
}

// Long enough that an LWP that could run has run: the harts are real
// host threads.
void settle() { sleep_ns(30'000'000); }

}  // namespace

TEST_CASE("pipe2 gives a read end and a write end", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    REQUIRE(p.r() == 0);
    REQUIRE(p.w() == 1);
    REQUIRE_FALSE(fd_is_cloexec(t, 0));
    REQUIRE(sys_write(t, p.w(), U("hello"), 5).value() == 5);
    REQUIRE(sys_write(t, p.w(), U(", world"), 7).value() == 7);
    REQUIRE(read_str(t, p.r(), 3) == "hel");
    REQUIRE(read_str(t, p.r(), 100) == "lo, world");  // what is there, no more
    char c;
    REQUIRE(sys_read(t, p.w(), U(&c), 1).error() == Error::BadF);
    REQUIRE(sys_write(t, p.r(), U("x"), 1).error() == Error::BadF);
    REQUIRE(sys_read(t, p.r(), U(&c), 0).value() == 0);  // n == 0, even empty
    REQUIRE(sys_write(t, p.w(), U(&c), 0).value() == 0);
    REQUIRE(sys_read(t, -1, U(&c), 1).error() == Error::BadF);
    REQUIRE(sys_write(t, -1, U(&c), 0).error() == Error::BadF);  // fd first
    REQUIRE(sys_write(t, 63, U(&c), 1).error() == Error::BadF);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("pipe2 flags", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fds[2] = {-1, -1};
    REQUIRE(sys_pipe2(t, U(fds), 1).error() == Error::Inval);
    REQUIRE(sys_pipe2(t, U(fds), kOAppend).error() == Error::Inval);
    REQUIRE(sys_pipe2(t, U(fds), 040000).error() == Error::Inval);  // O_DIRECT: not done
    REQUIRE(fds[0] == -1);
    REQUIRE(fd_count(t) == 0);
    REQUIRE(sys_pipe2(t, U(fds), kOCloExec).ok());
    REQUIRE(fd_is_cloexec(t, fds[0]));
    REQUIRE(fd_is_cloexec(t, fds[1]));
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("pipe2 into a bad pointer is EFAULT and leaves no descriptor", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    REQUIRE(sys_pipe2(t, 0x1000, 0).error() == Error::Fault);
    REQUIRE(fd_count(t) == 0);
    REQUIRE(file_live_count() == 0);
    tine::test::HalfPoisoned mem;  // the second int lands in the bad page
    REQUIRE(sys_pipe2(t, U(mem.before_poison(4)), 0).error() == Error::Fault);
    REQUIRE(fd_count(t) == 0);
    REQUIRE(file_live_count() == 0);
    // The numbers were given back: the next pipe gets 0 and 1.
    Fds p = make_pipe(t);
    REQUIRE(p.r() == 0);
    REQUIRE(p.w() == 1);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("end of file once the last writer is gone", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    int w2 = sys_dup(t, p.w()).value();
    REQUIRE(sys_write(t, p.w(), U("ab"), 2).value() == 2);
    REQUIRE(sys_close(t, p.w()).ok());
    REQUIRE(read_str(t, p.r(), 10) == "ab");
    // A dup of the write end keeps the pipe open: a read would block, so
    // write through it and close it too.
    REQUIRE(sys_write(t, w2, U("c"), 1).value() == 1);
    REQUIRE(sys_close(t, w2).ok());
    REQUIRE(read_str(t, p.r(), 10) == "c");
    REQUIRE(read_str(t, p.r(), 10) == "");
    REQUIRE(read_str(t, p.r(), 10) == "");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("EPIPE once the last reader is gone (no SIGPIPE)", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    REQUIRE(sys_close(t, p.r()).ok());
    REQUIRE(sys_write(t, p.w(), U("x"), 1).error() == Error::Pipe);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a reader sleeps until a writer on another LWP writes", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    Op rd;
    rd.t = t;
    rd.fd = p.r();
    rd.n = 16;
    rd.buf.resize(16);
    Lwp* l = start(do_read, &rd);
    settle();
    REQUIRE_FALSE(rd.done);
    REQUIRE(sys_write(t, p.w(), U("wake"), 4).value() == 4);
    lwp_join(l);
    REQUIRE(rd.result.value() == 4);
    REQUIRE(std::string(rd.buf.data(), 4) == "wake");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a sleeping reader sees end of file when the writer closes", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    Op rd;
    rd.t = t;
    rd.fd = p.r();
    rd.n = 1;
    rd.buf.resize(1);
    Lwp* l = start(do_read, &rd);
    settle();
    REQUIRE_FALSE(rd.done);
    REQUIRE(sys_close(t, p.w()).ok());
    lwp_join(l);
    REQUIRE(rd.result.value() == 0);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a writer blocked on a full pipe gets the partial count when the reader closes",
          "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    Op wr;
    wr.t = t;
    wr.fd = p.w();
    wr.n = 3 * kPipeSize;
    wr.buf.assign(wr.n, 'z');
    Lwp* l = start(do_write, &wr);
    settle();
    REQUIRE_FALSE(wr.done);  // the ring holds 4 KiB of the 12
    REQUIRE(sys_close(t, p.r()).ok());
    lwp_join(l);
    REQUIRE(wr.result.value() == kPipeSize);
  }
  REQUIRE(file_live_count() == 0);
}

namespace {
struct Stream {
  FileTable* t;
  int fd;
  size_t total;
  size_t step;        // bytes per call
  std::string data;   // the writer's source, the reader's destination
  bool ok = true;
};

void write_stream(void* arg) {
  auto* s = static_cast<Stream*>(arg);
  for (size_t off = 0; off < s->total;) {
    size_t n = min(s->step, s->total - off);
    Result<u64> r = sys_write(s->t, s->fd, U(s->data.data() + off), n);
    if (!r.ok() || r.value() != n) {
      s->ok = false;
      return;
    }
    off += n;
  }
}

void read_stream(void* arg) {
  auto* s = static_cast<Stream*>(arg);
  size_t off = 0;
  while (off < s->total) {
    size_t n = min(s->step, s->total - off);
    Result<u64> r = sys_read(s->t, s->fd, U(s->data.data() + off), n);
    if (!r.ok() || r.value() == 0) {
      s->ok = false;
      return;
    }
    off += r.value();
  }
}
}  // namespace

TEST_CASE("large writes wrap the ring and arrive in order", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    const size_t total = 300 * 1000 + 7;
    Stream w{t, p.w(), total, GENERATE(size_t(100'000), size_t(4096), size_t(333)), {}};
    w.data.resize(total);
    for (size_t i = 0; i < total; i++) w.data[i] = char(i * 7 + i / 4099);
    Stream r{t, p.r(), total, 777, std::string(total, '\0')};
    Lwp* lw = start(write_stream, &w);
    Lwp* lr = start(read_stream, &r);
    lwp_join(lw);
    lwp_join(lr);
    REQUIRE(w.ok);
    REQUIRE(r.ok);
    REQUIRE(r.data == w.data);
  }
  REQUIRE(file_live_count() == 0);
}

namespace {
constexpr size_t kMsg = 100;
constexpr int kMsgs = 300;
struct Writer {
  FileTable* t;
  int fd;
  char id;
  bool ok = true;
};
void write_messages(void* arg) {
  auto* w = static_cast<Writer*>(arg);
  std::string msg(kMsg, w->id);
  for (int i = 0; i < kMsgs; i++)
    if (sys_write(w->t, w->fd, U(msg.data()), kMsg).value() != kMsg) w->ok = false;
}
}  // namespace

TEST_CASE("writes of at most PIPE_BUF bytes never interleave", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    Writer ws[4] = {{t, p.w(), 'A'}, {t, p.w(), 'B'}, {t, p.w(), 'C'}, {t, p.w(), 'D'}};
    void* args[4] = {&ws[0], &ws[1], &ws[2], &ws[3]};
    Stream r{t, p.r(), 4 * kMsgs * kMsg, 1234, std::string(4 * kMsgs * kMsg, '\0')};
    Lwp* lr = start(read_stream, &r);
    tine::test::run_lwps(4, write_messages, args, LwpOptions{});
    lwp_join(lr);
    REQUIRE(r.ok);
    for (const Writer& w : ws) REQUIRE(w.ok);
    int seen[4] = {};
    for (size_t m = 0; m < 4 * kMsgs; m++) {
      char id = r.data[m * kMsg];
      REQUIRE(id >= 'A');
      REQUIRE(id <= 'D');
      seen[id - 'A']++;
      REQUIRE(r.data.compare(m * kMsg, kMsg, std::string(kMsg, id)) == 0);
    }
    for (int n : seen) REQUIRE(n == kMsgs);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("pipe faults: EFAULT first, partial counts later, nothing lost", "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    SECTION("read into a bad address is EFAULT and leaves the data") {
      REQUIRE(sys_write(t, p.w(), U("data"), 4).value() == 4);
      REQUIRE(sys_read(t, p.r(), 0x1000, 4).error() == Error::Fault);
      REQUIRE(sys_read(t, p.r(), 0, 4).error() == Error::Fault);
      REQUIRE(read_str(t, p.r(), 4) == "data");
    }
    SECTION("write from a bad address is EFAULT and writes nothing") {
      REQUIRE(sys_write(t, p.w(), 0x10, 5).error() == Error::Fault);
      REQUIRE(sys_write(t, p.w(), U("ok"), 2).value() == 2);
      REQUIRE(read_str(t, p.r(), 10) == "ok");
    }
    SECTION("a write whose second page faults writes the first") {
      tine::test::HalfPoisoned mem;
      char* src = mem.before_poison(10);
      std::memcpy(src, "0123456789", 10);
      REQUIRE(sys_write(t, p.w(), U(src), 50).value() == 10);
      REQUIRE(read_str(t, p.r(), 100) == "0123456789");
    }
    SECTION("a read whose second page faults reads the first") {
      REQUIRE(sys_write(t, p.w(), U("abcdefghijkl"), 12).value() == 12);
      tine::test::HalfPoisoned mem;
      char* dst = mem.before_poison(5);
      REQUIRE(sys_read(t, p.r(), U(dst), 12).value() == 5);
      REQUIRE(std::string(dst, 5) == "abcde");
      REQUIRE(read_str(t, p.r(), 100) == "fghijkl");
    }
    SECTION("a huge count writes what fits before the fault") {
      tine::test::HalfPoisoned mem;
      REQUIRE(sys_write(t, p.w(), U(mem.before_poison(3)), u64(1) << 40).value() == 3);
    }
  }
  REQUIRE(file_live_count() == 0);
}

namespace {
std::atomic<bool> g_interrupt{false};
bool interrupt_pending() { return g_interrupt.load(); }
}  // namespace

TEST_CASE("a blocked read ends with EINTR when the interrupt hook says so",
          "[file][pipe]") {
  tine::test::start_sched_machine();
  {
    Table t;
    Fds p = make_pipe(t);
    g_interrupt = false;
    sleep_intr_set_check(interrupt_pending);
    Op rd;
    rd.t = t;
    rd.fd = p.r();
    rd.n = 1;
    rd.buf.resize(1);
    Lwp* l = start(do_read, &rd);
    settle();
    REQUIRE_FALSE(rd.done);
    g_interrupt = true;
    sleep_intr_wake(l);  // as psignal: post, then wake
    lwp_join(l);
    sleep_intr_set_check(nullptr);
    REQUIRE(rd.result.error() == Error::Intr);
  }
  REQUIRE(file_live_count() == 0);
}
