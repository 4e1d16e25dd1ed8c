// core/dev: /dev/null, zero, full, random and urandom as Files, driven
// through the file syscalls as a program drives them.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "core/dev/dev_mem.h"
#include "core/dev/dev_random.h"
#include "core/dev/devnum.h"
#include "core/fs/stat.h"
#include "core/fs/sys_file.h"
#include "core/sched/sleep_intr.h"
#include "test/host/file_test_util.h"

using namespace tine;
using tine::test::Table;
using tine::test::U;

namespace {

int install(FileTable* t, Result<File*> f) {
  REQUIRE(f.ok());
  Result<int> fd = fd_install(t, f.value(), false);
  file_release(f.value());  // the slot holds its own reference
  REQUIRE(fd.ok());
  return fd.value();
}

bool all_bytes(const std::vector<char>& v, char c) {
  for (char x : v)
    if (x != c) return false;
  return true;
}

UserStat fstat_of(FileTable* t, int fd) {
  UserStat st{};
  REQUIRE(sys_fstat(t, fd, U(&st)).ok());
  return st;
}

// The pending-signal check a test switches on to see a long read stop.
bool g_signal = false;
bool test_signal_pending() { return g_signal; }

}  // namespace

TEST_CASE("dev: null reads end of file and swallows writes unread", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fd = install(t, dev_null_open(kORdWr));
    char buf[8] = "xxxxxxx";
    REQUIRE(sys_read(t, fd, U(buf), sizeof buf).value() == 0);
    REQUIRE(std::string(buf) == "xxxxxxx");
    REQUIRE(sys_write(t, fd, U("abc"), 3).value() == 3);
    // Linux's write_null never reads the buffer: a bad pointer is no error.
    REQUIRE(sys_write(t, fd, 1, 1u << 20).value() == 1u << 20);
    UserStat st = fstat_of(t, fd);
    REQUIRE((st.st_mode & kSIfMt) == kSIfChr);
    REQUIRE((st.st_mode & 0777) == 0666);
    REQUIRE(st.st_rdev == 0x103);  // 1:3, as glibc's makedev(1, 3)
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: zero reads zeros of any length and swallows writes", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fd = install(t, dev_zero_open(kORdWr));
    // Three pages and a bit, from an unaligned start: every byte zeroed.
    std::vector<char> big(3 * kPageSize + 123 + 7, 'x');
    REQUIRE(sys_read(t, fd, U(big.data() + 7), big.size() - 7).value() == big.size() - 7);
    REQUIRE(std::vector<char>(big.begin(), big.begin() + 7) == std::vector<char>(7, 'x'));
    REQUIRE(all_bytes(std::vector<char>(big.begin() + 7, big.end()), '\0'));
    REQUIRE(sys_write(t, fd, U("abc"), 3).value() == 3);
    REQUIRE(fstat_of(t, fd).st_rdev == 0x105);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: zero read faults: a count up to the fault, or EFAULT", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fd = install(t, dev_zero_open(kORdOnly));
    tine::test::HalfPoisoned mem;
    REQUIRE(sys_read(t, fd, U(mem.before_poison(100)), 4096).value() == 100);
    REQUIRE(mem.before_poison(100)[0] == '\0');
    REQUIRE(mem.before_poison(100)[99] == '\0');
    REQUIRE(sys_read(t, fd, U(mem.mem + kPageSize), 10).error() == Error::Fault);
    REQUIRE(sys_read(t, fd, 1, 10).error() == Error::Fault);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: a pending signal ends a long zero read after a whole page", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fd = install(t, dev_zero_open(kORdOnly));
    std::vector<char> big(4 * kPageSize, 'x');
    g_signal = true;
    sleep_intr_set_check(test_signal_pending);
    Result<u64> r = sys_read(t, fd, U(big.data()), big.size());
    sleep_intr_set_check(nullptr);
    g_signal = false;
    REQUIRE(r.value() > 0);
    REQUIRE(r.value() < big.size());
    REQUIRE((U(big.data()) + r.value()) % kPageSize == 0);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: full reads zeros and refuses every write with ENOSPC", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fd = install(t, dev_full_open(kORdWr));
    char buf[5] = {1, 2, 3, 4, 5};
    REQUIRE(sys_read(t, fd, U(buf), sizeof buf).value() == 5);
    REQUIRE(std::memcmp(buf, "\0\0\0\0\0", 5) == 0);
    REQUIRE(sys_write(t, fd, U("abc"), 3).error() == Error::NoSpc);
    REQUIRE(fstat_of(t, fd).st_rdev == 0x107);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: access modes are checked before the device", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int ro = install(t, dev_full_open(kORdOnly));
    int wo = install(t, dev_zero_open(kOWrOnly));
    char c;
    REQUIRE(sys_write(t, ro, U("a"), 1).error() == Error::BadF);
    REQUIRE(sys_read(t, wo, U(&c), 1).error() == Error::BadF);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: urandom and random read distinct random bytes", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int u = install(t, dev_urandom_open(kORdOnly));
    int r = install(t, dev_random_open(kORdOnly));
    std::vector<unsigned char> a(2 * kPageSize + 300), b(a.size());
    REQUIRE(sys_read(t, u, U(a.data()), a.size()).value() == a.size());
    REQUIRE(sys_read(t, r, U(b.data()), b.size()).value() == b.size());
    REQUIRE(a != b);
    // Every byte value is about as likely: no 256-byte run is constant and
    // the bytes are spread (8492 bytes, 33 expected of each value).
    unsigned seen[256] = {};
    for (unsigned char c : a) seen[c]++;
    unsigned values = 0;
    for (unsigned s : seen) values += s > 0;
    REQUIRE(values > 240);
    REQUIRE(fstat_of(t, u).st_rdev == 0x109);
    REQUIRE(fstat_of(t, r).st_rdev == 0x108);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: urandom read faults: a count up to the fault, or EFAULT", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fd = install(t, dev_urandom_open(kORdOnly));
    tine::test::HalfPoisoned mem;
    REQUIRE(sys_read(t, fd, U(mem.before_poison(300)), 4096).value() == 300);
    REQUIRE(sys_read(t, fd, U(mem.mem + kPageSize), 10).error() == Error::Fault);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dev: writes to urandom are taken whole; a fault ends them", "[dev]") {
  tine::test::start_sched_machine();
  {
    Table t;
    int fd = install(t, dev_urandom_open(kOWrOnly));
    std::vector<char> seed(5000, 's');
    REQUIRE(sys_write(t, fd, U(seed.data()), seed.size()).value() == seed.size());
    tine::test::HalfPoisoned mem;
    REQUIRE(sys_write(t, fd, U(mem.before_poison(40)), 4096).value() == 40);
    REQUIRE(sys_write(t, fd, 1, 10).error() == Error::Fault);
  }
  REQUIRE(file_live_count() == 0);
}
