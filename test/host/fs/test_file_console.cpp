// core/fs/file_console: writes reach the console; reads wait for typed input
// (injected through the host HAL), translate CR and echo.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>

#include "core/fs/file_console.h"
#include "core/sync/sleepq.h"
#include "core/fs/sys_file.h"
#include "hal/host/host_console.h"
#include "test/host/file_test_util.h"

using namespace tine;
using tine::test::Table;
using tine::test::U;
namespace host = tine::hal::host;

namespace {
struct Capture {
  Capture() { host::console_capture(true); }
  ~Capture() { host::console_capture(false); }
  std::string text() const { return host::console_captured(); }
};
}  // namespace

TEST_CASE("console: write goes out through fd 1 and fd 2", "[file][console]") {
  tine::test::start_sched_machine();
  {
    Capture cap;
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    REQUIRE(sys_write(t, 1, U("out "), 4).value() == 4);
    REQUIRE(sys_write(t, 2, U("err\n"), 4).value() == 4);
    std::string big(10000, 'b');
    REQUIRE(sys_write(t, 1, U(big.data()), big.size()).value() == big.size());
    REQUIRE(cap.text() == "out err\n" + big);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("console: write faults", "[file][console]") {
  tine::test::start_sched_machine();
  {
    Capture cap;
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    REQUIRE(sys_write(t, 1, 1, 5).error() == Error::Fault);
    REQUIRE(sys_write(t, 1, 0xfff0, 5).error() == Error::Fault);
    tine::test::HalfPoisoned mem;
    std::memcpy(mem.before_poison(6), "tail!\n", 6);
    REQUIRE(sys_write(t, 1, U(mem.before_poison(6)), 4096).value() == 6);
    REQUIRE(cap.text() == "tail!\n");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("console: read returns what was typed, CR as LF, and echoes it",
          "[file][console]") {
  tine::test::start_sched_machine();
  {
    Capture cap;
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    host::console_inject("ls\r", 3);
    char buf[16] = {};
    REQUIRE(sys_read(t, 0, U(buf), sizeof buf).value() == 3);
    REQUIRE(std::string(buf, 3) == "ls\n");
    host::console_inject("ab\x7f", 3);
    REQUIRE(sys_read(t, 0, U(buf), 1).value() == 1);  // one at a time, as sh
    REQUIRE(buf[0] == 'a');
    REQUIRE(sys_read(t, 0, U(buf), 1).value() == 1);
    REQUIRE(buf[0] == 'b');
    REQUIRE(sys_read(t, 0, U(buf), 1).value() == 1);
    REQUIRE(buf[0] == '\x7f');
    REQUIRE(cap.text() == "ls\nab\b \b");
  }
  REQUIRE(file_live_count() == 0);
}

namespace {
struct Reader {
  FileTable* t;
  char buf[8] = {};
  Result<u64> result = Error::Io;
  std::atomic<bool> done{false};
};
void read_console(void* arg) {
  auto* r = static_cast<Reader*>(arg);
  r->result = sys_read(r->t, 0, U(r->buf), sizeof r->buf);
  r->done = true;
}
}  // namespace

TEST_CASE("console: a read waits politely until a key arrives", "[file][console]") {
  tine::test::start_sched_machine();
  {
    Capture cap;
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    Reader r{t};
    LwpOptions o;
    o.joinable = true;
    Lwp* l = MUST(lwp_create(read_console, &r, o));
    sleep_ns(50'000'000);
    REQUIRE_FALSE(r.done);
    host::console_inject("q", 1);
    lwp_join(l);
    REQUIRE(r.result.value() == 1);
    REQUIRE(r.buf[0] == 'q');
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("console: a read into a bad buffer is EFAULT", "[file][console]") {
  tine::test::start_sched_machine();
  {
    Capture cap;
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    host::console_inject("z", 1);
    REQUIRE(sys_read(t, 0, 0x10, 1).error() == Error::Fault);
    REQUIRE(sys_read(t, 0, U("x"), 0).value() == 0);
  }
  REQUIRE(file_live_count() == 0);
}
