// core/fs/file_initrd and openat: lookups in built-in and loader archives,
// Linux's errors for a read-only file system, reads and shared offsets.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/fs/file_initrd.h"
#include "core/fs/sys_file.h"
#include "test/host/file_test_util.h"

using namespace tine;
using tine::test::CpioBuilder;
using tine::test::Table;
using tine::test::U;

namespace {

const std::string kHello = "hello, world\n";

// The archives stay installed for the test case's length.
struct Initrd {
  std::vector<u8> builtin = CpioBuilder()
                                .dir("bin")
                                .file("bin/hello", kHello)
                                .file("bin/sh", "#!sh")
                                .dir("tests")
                                .file("tests/notelf", "not an ELF file")
                                // no entry for "etc": an implied directory
                                .file("etc/motd", "motd")
                                .file("empty", "")
                                .symlink("bin/link", "hello")
                                .finish();
  std::vector<u8> loader =
      CpioBuilder().file("bin/sh", "loader's sh").file("bin/extra", "extra").finish();
  explicit Initrd(bool with_loader = false) {
    initrd_set_archive(builtin.data(), builtin.size());
    if (with_loader) initrd_add_archive(loader.data(), loader.size());
  }
  ~Initrd() {
    initrd_set_archive(nullptr, 0);
    initrd_add_archive(nullptr, 0);
  }
};

Result<int> open(FileTable* t, const char* path, int flags = kORdOnly, int dirfd = kAtFdCwd) {
  return sys_openat(t, dirfd, U(path), flags, 0);
}

std::string read_str(FileTable* t, int fd, size_t n) {
  std::string s(n, '\0');
  Result<u64> got = sys_read(t, fd, U(s.data()), n);
  REQUIRE(got.ok());
  s.resize(got.value());
  return s;
}

std::string slurp(FileTable* t, const char* path) {
  Result<int> fd = open(t, path);
  REQUIRE(fd.ok());
  std::string s = read_str(t, fd.value(), 4096);
  REQUIRE(sys_close(t, fd.value()).ok());
  return s;
}

}  // namespace

TEST_CASE("initrd: open and read a file, absolute or relative to /", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open(t, "/bin/hello").value();
    REQUIRE(fd == 0);
    REQUIRE(read_str(t, fd, 5) == "hello");
    REQUIRE(read_str(t, fd, 100) == ", world\n");
    REQUIRE(read_str(t, fd, 100) == "");  // end of file, and again
    REQUIRE(read_str(t, fd, 100) == "");
    REQUIRE(slurp(t, "bin/hello") == kHello);
    REQUIRE(slurp(t, "./bin//hello") == kHello);
    REQUIRE(slurp(t, "/tests/../bin/./hello") == kHello);
    REQUIRE(slurp(t, "/../../bin/hello") == kHello);  // ".." stops at the root
    REQUIRE(slurp(t, "/etc/motd") == "motd");
    REQUIRE(slurp(t, "/empty") == "");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: openat relative to a directory descriptor or a cwd", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int bin = open(t, "/bin", kORdOnly | kODirectory).value();
    int fd = open(t, "hello", kORdOnly, bin).value();
    REQUIRE(read_str(t, fd, 100) == kHello);
    REQUIRE(open(t, "../etc/motd", kORdOnly, bin).ok());
    REQUIRE(open(t, "/bin/hello", kORdOnly, 55).ok());  // absolute: dirfd unused
    REQUIRE(open(t, "hello", kORdOnly, 55).error() == Error::BadF);
    REQUIRE(open(t, "hello", kORdOnly, fd).error() == Error::NotDir);
    int via_cwd = sys_openat(t, kAtFdCwd, U("hello"), kORdOnly, 0, "/bin").value();
    REQUIRE(read_str(t, via_cwd, 5) == "hello");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: directories open for reading and read as EISDIR", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    const char* dirs[] = {"/", "/bin", "/bin/", "/etc", "/tests/.", "."};
    for (const char* d : dirs) {
      INFO(d);
      int fd = open(t, d).value();
      char c;
      REQUIRE(sys_read(t, fd, U(&c), 1).error() == Error::IsDir);
      REQUIRE(sys_write(t, fd, U(&c), 1).error() == Error::BadF);
      REQUIRE(sys_close(t, fd).ok());
    }
    REQUIRE(open(t, "/etc", kORdOnly | kODirectory).ok());
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: lookup errors", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    REQUIRE(open(t, "/nope").error() == Error::NoEnt);
    REQUIRE(open(t, "/bin/nope").error() == Error::NoEnt);
    REQUIRE(open(t, "/nodir/file").error() == Error::NoEnt);
    REQUIRE(open(t, "").error() == Error::NoEnt);
    REQUIRE(open(t, "/bin/hello/").error() == Error::NotDir);
    REQUIRE(open(t, "/bin/hello/x").error() == Error::NotDir);
    REQUIRE(open(t, "/bin/hello/..").error() == Error::NotDir);
    REQUIRE(open(t, "/bin/hello", kORdOnly | kODirectory).error() == Error::NotDir);
    REQUIRE(open(t, "/bin/link").error() == Error::Access);  // no symlinks
    REQUIRE(open(t, "/bi").error() == Error::NoEnt);  // a prefix is not a directory
    REQUIRE(sys_openat(t, kAtFdCwd, 0x20, kORdOnly, 0).error() == Error::Fault);
    REQUIRE(open(t, "/bin/hello", 010000000).error() == Error::Inval);  // O_PATH
    std::string long_name = "/" + std::string(kNameMax + 1, 'a');
    REQUIRE(open(t, long_name.c_str()).error() == Error::NameTooLong);
    std::string long_path;
    while (long_path.size() < kPathMax) long_path += "/bin";
    REQUIRE(open(t, long_path.c_str()).error() == Error::NameTooLong);
    REQUIRE(fd_count(t) == 0);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: writing is EROFS, as Linux answers on a read-only file system",
          "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    REQUIRE(open(t, "/bin/hello", kOWrOnly).error() == Error::RoFs);
    REQUIRE(open(t, "/bin/hello", kORdWr).error() == Error::RoFs);
    REQUIRE(open(t, "/bin/hello", kORdOnly | kOTrunc).error() == Error::RoFs);
    REQUIRE(open(t, "/bin/new", kOWrOnly | kOCreat).error() == Error::RoFs);
    REQUIRE(open(t, "/bin/new", kORdOnly | kOCreat).error() == Error::RoFs);
    REQUIRE(open(t, "/nodir/new", kOWrOnly | kOCreat).error() == Error::NoEnt);
    REQUIRE(open(t, "/bin/new", kOWrOnly).error() == Error::NoEnt);
    REQUIRE(open(t, "/bin/hello", kOCreat | kOExcl).error() == Error::Exist);
    REQUIRE(open(t, "/bin", kOWrOnly).error() == Error::IsDir);
    REQUIRE(open(t, "/bin", kORdOnly | kOCreat).error() == Error::IsDir);
    REQUIRE(open(t, "/bin", kOCreat | kODirectory).error() == Error::Inval);
    // O_CREAT of an existing file without O_EXCL just opens it.
    int fd = open(t, "/bin/hello", kORdOnly | kOCreat).value();
    char c = 'x';
    REQUIRE(sys_write(t, fd, U(&c), 1).error() == Error::BadF);
    REQUIRE(read_str(t, fd, 5) == "hello");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: O_CLOEXEC marks the descriptor", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int a = open(t, "/bin/hello", kORdOnly | kOCloExec).value();
    int b = open(t, "/bin/hello", kORdOnly | kONonBlock | kOLargeFile).value();
    REQUIRE(fd_is_cloexec(t, a));
    REQUIRE_FALSE(fd_is_cloexec(t, b));
    fd_close_on_exec(t);
    REQUIRE(fd_count(t) == 1);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: the loader's archive is searched first", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd(true);
    Table t;
    REQUIRE(slurp(t, "/bin/sh") == "loader's sh");
    REQUIRE(slurp(t, "/bin/extra") == "extra");
    REQUIRE(slurp(t, "/bin/hello") == kHello);
    CpioFile f = initrd_lookup(nullptr, "/bin/sh").value();
    REQUIRE(std::string(reinterpret_cast<const char*>(f.data), f.size) == "loader's sh");
    REQUIRE(initrd_lookup(nullptr, "/bin").value().is_dir());
    REQUIRE(initrd_lookup(nullptr, "/etc").value().is_dir());
    REQUIRE(initrd_lookup(nullptr, "/x").error() == Error::NoEnt);
  }
  SECTION("and a malformed loader archive does not hide the built-in one") {
    Initrd rd;
    std::vector<u8> junk(200, 'j');
    initrd_add_archive(junk.data(), junk.size());
    Table t;
    REQUIRE(slurp(t, "/bin/sh") == "#!sh");
    REQUIRE(open(t, "/nope").error() == Error::NoEnt);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: offsets are shared through a copied table and dup", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table parent;
    int fd = open(parent, "/bin/hello").value();
    FileTable* child = MUST(filetable_copy(parent));
    REQUIRE(read_str(child, fd, 3) == "hel");
    REQUIRE(read_str(parent, fd, 3) == "lo,");  // continues at 3
    int d = sys_dup(parent, fd).value();
    REQUIRE(read_str(parent, d, 2) == " w");
    REQUIRE(read_str(child, fd, 100) == "orld\n");
    // Closing in the child leaves the parent's descriptor working.
    REQUIRE(sys_close(child, fd).ok());
    filetable_release(child);
    REQUIRE(read_str(parent, fd, 100) == "");
    // A second open has its own offset.
    int other = open(parent, "/bin/hello").value();
    REQUIRE(read_str(parent, other, 5) == "hello");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: read faults", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open(t, "/bin/hello").value();
    REQUIRE(sys_read(t, fd, 0x100, 4).error() == Error::Fault);
    REQUIRE(read_str(t, fd, 2) == "he");  // the offset did not move
    tine::test::HalfPoisoned mem;
    char* dst = mem.before_poison(4);
    REQUIRE(sys_read(t, fd, U(dst), 100).value() == 4);
    REQUIRE(std::string(dst, 4) == "llo,");
    REQUIRE(read_str(t, fd, 100) == " world\n");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("initrd: no archive at all still has a root", "[file][initrd]") {
  tine::test::start_sched_machine();
  {
    Table t;
    REQUIRE(open(t, "/", kORdOnly | kODirectory).ok());
    REQUIRE(open(t, "/bin/sh").error() == Error::NoEnt);
  }
  REQUIRE(file_live_count() == 0);
}
