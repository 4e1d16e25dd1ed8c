// lseek, fcntl, fstat/newfstatat and O_NONBLOCK pipes (core/fs/sys_file,
// file.cpp, filedesc.cpp): the calls through which a program sees what
// dup and fork share, an open file's offset and status flags, and what
// they do not, a descriptor's close-on-exec bit.
#include <catch2/catch.hpp>

#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "core/fs/file_console.h"
#include "core/fs/file_pipe.h"
#include "core/fs/stat.h"
#include "core/fs/sys_file.h"
#include "hal/host/host_console.h"
#include "test/host/file_test_util.h"

using namespace tine;
using tine::test::CpioBuilder;
using tine::test::Table;
using tine::test::U;

namespace {

const std::string kHello = "hello, world\n";  // 13 bytes

struct Initrd {
  std::vector<u8> archive =
      CpioBuilder().dir("bin").file("bin/hello", kHello).file("bin/other", "other").finish();
  tine::test::SeededRoot root{archive};
};

int open_ok(FileTable* t, const char* path, int flags = kORdOnly) {
  Result<int> fd = sys_openat(t, kAtFdCwd, U(path), flags, 0);
  REQUIRE(fd.ok());
  return fd.value();
}

std::string read_str(FileTable* t, int fd, size_t n) {
  std::string s(n, '\0');
  Result<u64> got = sys_read(t, fd, U(s.data()), n);
  REQUIRE(got.ok());
  s.resize(got.value());
  return s;
}

i64 cur(FileTable* t, int fd) { return sys_lseek(t, fd, 0, kSeekCur).value(); }

struct PipeFds {
  int fds[2] = {-1, -1};
  PipeFds(FileTable* t, int flags = 0) { MUST(sys_pipe2(t, U(fds), flags)); }
  int r() const { return fds[0]; }
  int w() const { return fds[1]; }
};

UserStat stat_of(FileTable* t, int fd) {
  UserStat st;
  std::memset(&st, 0x5a, sizeof st);
  REQUIRE(sys_fstat(t, fd, U(&st)).ok());
  return st;
}

}  // namespace

TEST_CASE("lseek: SEEK_SET, SEEK_CUR and SEEK_END move the offset reads use",
          "[file][lseek]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open_ok(t, "/bin/hello");
    REQUIRE(sys_lseek(t, fd, 7, kSeekSet).value() == 7);
    REQUIRE(read_str(t, fd, 5) == "world");
    REQUIRE(sys_lseek(t, fd, -5, kSeekCur).value() == 7);
    REQUIRE(read_str(t, fd, 2) == "wo");
    REQUIRE(sys_lseek(t, fd, -6, kSeekEnd).value() == 7);
    REQUIRE(read_str(t, fd, 100) == "world\n");
    REQUIRE(sys_lseek(t, fd, 0, kSeekEnd).value() == 13);
    // Past the end is allowed; a read there finds nothing.
    REQUIRE(sys_lseek(t, fd, 1000, kSeekSet).value() == 1000);
    REQUIRE(read_str(t, fd, 10) == "");
    REQUIRE(sys_lseek(t, fd, 0, kSeekSet).value() == 0);
    REQUIRE(read_str(t, fd, 5) == "hello");
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("lseek: a negative or overflowing result and a bad whence are EINVAL, the offset stays",
          "[file][lseek]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open_ok(t, "/bin/hello");
    REQUIRE(sys_lseek(t, fd, 4, kSeekSet).value() == 4);
    REQUIRE(sys_lseek(t, fd, -1, kSeekSet).error() == Error::Inval);
    REQUIRE(sys_lseek(t, fd, -5, kSeekCur).error() == Error::Inval);
    REQUIRE(sys_lseek(t, fd, -14, kSeekEnd).error() == Error::Inval);
    REQUIRE(sys_lseek(t, fd, LLONG_MAX, kSeekCur).error() == Error::Inval);
    REQUIRE(sys_lseek(t, fd, 0, 3).error() == Error::Inval);   // SEEK_DATA: not done
    REQUIRE(sys_lseek(t, fd, 0, -1).error() == Error::Inval);
    REQUIRE(cur(t, fd) == 4);
    REQUIRE(sys_lseek(t, fd, -4, kSeekCur).value() == 0);  // exactly 0 is fine
    REQUIRE(sys_lseek(t, 40, 0, kSeekSet).error() == Error::BadF);
    REQUIRE(sys_lseek(t, -1, 0, kSeekSet).error() == Error::BadF);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("lseek: pipes and the console have no offset (ESPIPE), after EBADF and a bad whence",
          "[file][lseek]") {
  tine::test::start_sched_machine();
  {
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    PipeFds p(t);
    REQUIRE(sys_lseek(t, p.r(), 0, kSeekCur).error() == Error::SPipe);
    REQUIRE(sys_lseek(t, p.w(), 0, kSeekSet).error() == Error::SPipe);
    REQUIRE(sys_lseek(t, 1, 0, kSeekCur).error() == Error::SPipe);
    REQUIRE(sys_lseek(t, p.r(), 0, 7).error() == Error::Inval);  // Linux's order
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("fcntl: F_GETFD/F_SETFD is the descriptor's close-on-exec bit, not the file's",
          "[file][fcntl]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open_ok(t, "/bin/hello");
    REQUIRE(sys_fcntl(t, fd, kFGetFd, 0).value() == 0);
    REQUIRE(sys_fcntl(t, fd, kFSetFd, kFdCloExec).value() == 0);
    REQUIRE(sys_fcntl(t, fd, kFGetFd, 0).value() == kFdCloExec);
    REQUIRE(fd_is_cloexec(t, fd));
    int d = sys_dup(t, fd).value();
    REQUIRE(sys_fcntl(t, d, kFGetFd, 0).value() == 0);  // dup clears it
    REQUIRE(sys_fcntl(t, fd, kFSetFd, 2).value() == 0);  // only bit 0 counts
    REQUIRE(sys_fcntl(t, fd, kFGetFd, 0).value() == 0);
    int c = open_ok(t, "/bin/hello", kORdOnly | kOCloExec);
    REQUIRE(sys_fcntl(t, c, kFGetFd, 0).value() == kFdCloExec);
    REQUIRE(sys_fcntl(t, 30, kFSetFd, 1).error() == Error::BadF);
    REQUIRE(sys_fcntl(t, 64, kFGetFd, 0).error() == Error::BadF);
    // The bit goes with the descriptor: exec closes c only.
    fd_close_on_exec(t);
    REQUIRE(sys_fcntl(t, c, kFGetFd, 0).error() == Error::BadF);
    REQUIRE(sys_fcntl(t, fd, kFGetFd, 0).ok());
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("fcntl: F_GETFL reports the access mode; F_SETFL changes O_NONBLOCK and O_APPEND only",
          "[file][fcntl]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open_ok(t, "/bin/hello", kORdOnly | kOCloExec | kONoCtty);
    // As a 64-bit Linux: O_LARGEFILE forced, O_CLOEXEC and O_NOCTTY not kept.
    REQUIRE(sys_fcntl(t, fd, kFGetFl, 0).value() == kOLargeFile);
    PipeFds p(t);
    REQUIRE(sys_fcntl(t, p.r(), kFGetFl, 0).value() == kORdOnly);
    REQUIRE(sys_fcntl(t, p.w(), kFGetFl, 0).value() == kOWrOnly);
    REQUIRE(sys_fcntl(t, p.w(), kFSetFl, kORdWr | kONonBlock | kOAppend | kOCreat).value() == 0);
    REQUIRE(sys_fcntl(t, p.w(), kFGetFl, 0).value() == (kOWrOnly | kONonBlock | kOAppend));
    REQUIRE(sys_fcntl(t, p.w(), kFSetFl, kOAppend).value() == 0);
    REQUIRE(sys_fcntl(t, p.w(), kFGetFl, 0).value() == (kOWrOnly | kOAppend));
    // O_DIRECT, O_NOATIME, FASYNC: Linux would act on them; Tine says no.
    REQUIRE(sys_fcntl(t, p.w(), kFSetFl, 040000).error() == Error::Inval);
    REQUIRE(sys_fcntl(t, p.w(), kFSetFl, 01000000).error() == Error::Inval);
    REQUIRE(sys_fcntl(t, p.w(), kFSetFl, 020000).error() == Error::Inval);
    REQUIRE(sys_fcntl(t, p.w(), kFGetFl, 0).value() == (kOWrOnly | kOAppend));
    REQUIRE(sys_fcntl(t, 33, kFGetFl, 0).error() == Error::BadF);
    REQUIRE(sys_fcntl(t, 33, kFSetFl, 0).error() == Error::BadF);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("fcntl: F_DUPFD and F_DUPFD_CLOEXEC take the lowest free number at or above arg",
          "[file][fcntl]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open_ok(t, "/bin/hello");
    REQUIRE(fd == 0);
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 10).value() == 10);
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 10).value() == 11);
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 0).value() == 1);
    REQUIRE(sys_fcntl(t, fd, kFDupFdCloExec, 11).value() == 12);
    REQUIRE(sys_fcntl(t, 12, kFGetFd, 0).value() == kFdCloExec);
    REQUIRE(sys_fcntl(t, 10, kFGetFd, 0).value() == 0);
    // The duplicates share the open file: its offset.
    REQUIRE(sys_lseek(t, 12, 6, kSeekSet).value() == 6);
    REQUIRE(cur(t, fd) == 6);
    // Up to RLIMIT_NOFILE (1024 without a process), past the table's
    // first 64 slots.
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 63).value() == 63);
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 63).value() == 64);
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 1023).value() == 1023);
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 1023).error() == Error::MFile);
    REQUIRE(sys_fcntl(t, fd, kFDupFd, 1024).error() == Error::Inval);
    // Linux reads arg as an int and the start as unsigned: -1 is too big.
    REQUIRE(sys_fcntl(t, fd, kFDupFd, u64(-1)).error() == Error::Inval);
    REQUIRE(sys_fcntl(t, fd, kFDupFdCloExec, 0xffffffffu).error() == Error::Inval);
    // A bad fd is EBADF before the range is looked at.
    REQUIRE(sys_fcntl(t, 40, kFDupFd, 1000).error() == Error::BadF);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("fcntl: an unknown command is EINVAL, but a bad fd is EBADF first", "[file][fcntl]") {
  tine::test::start_sched_machine();
  {
    Table t;
    PipeFds p(t);
    REQUIRE(sys_fcntl(t, p.r(), 999, 0).error() == Error::Inval);
    REQUIRE(sys_fcntl(t, p.r(), 36, 0).error() == Error::Inval);  // F_OFD_GETLK: none yet
    REQUIRE(sys_fcntl(t, 20, 999, 0).error() == Error::BadF);
    REQUIRE(sys_fcntl(t, -1, 999, 0).error() == Error::BadF);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("fcntl and lseek: dup and a copied table share offset and status flags; a second "
          "open does not; the close-on-exec bit is per table",
          "[file][fcntl]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table parent;
    int fd = open_ok(parent, "/bin/hello");
    int d = sys_dup(parent, fd).value();
    int other = open_ok(parent, "/bin/hello");
    FileTable* child = MUST(filetable_copy(parent));  // fork without CLONE_FILES
    REQUIRE(sys_lseek(child, fd, 5, kSeekSet).value() == 5);
    REQUIRE(sys_fcntl(child, fd, kFSetFl, kONonBlock).ok());
    REQUIRE(sys_fcntl(child, fd, kFSetFd, kFdCloExec).ok());
    REQUIRE(cur(parent, fd) == 5);
    REQUIRE(cur(parent, d) == 5);
    REQUIRE((sys_fcntl(parent, d, kFGetFl, 0).value() & kONonBlock) != 0);
    REQUIRE(sys_fcntl(parent, fd, kFGetFd, 0).value() == 0);  // the child's own bit
    REQUIRE(cur(parent, other) == 0);
    REQUIRE((sys_fcntl(parent, other, kFGetFl, 0).value() & kONonBlock) == 0);
    // A descriptor the child makes is the child's alone.
    int mine = sys_fcntl(child, fd, kFDupFd, 20).value();
    REQUIRE(sys_fcntl(parent, mine, kFGetFd, 0).error() == Error::BadF);
    filetable_release(child);

    // CLONE_FILES: one table, so the bit is shared too.
    filetable_hold(parent);
    FileTable* shared = parent;
    REQUIRE(sys_fcntl(shared, fd, kFSetFd, kFdCloExec).ok());
    REQUIRE(sys_fcntl(parent, fd, kFGetFd, 0).value() == kFdCloExec);
    filetable_release(shared);

    // FORK_CLEANFILES: a fresh table has none of it.
    FileTable* clean = MUST(filetable_create());
    REQUIRE(sys_lseek(clean, fd, 0, kSeekCur).error() == Error::BadF);
    REQUIRE(sys_fcntl(clean, fd, kFGetFl, 0).error() == Error::BadF);
    filetable_release(clean);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("pipe2(O_NONBLOCK): EAGAIN on an empty pipe with a writer and on a full one",
          "[file][pipe][nonblock]") {
  tine::test::start_sched_machine();
  {
    Table t;
    PipeFds p(t, kONonBlock | kOCloExec);
    REQUIRE(sys_fcntl(t, p.r(), kFGetFl, 0).value() == (kORdOnly | kONonBlock));
    REQUIRE(sys_fcntl(t, p.w(), kFGetFl, 0).value() == (kOWrOnly | kONonBlock));
    REQUIRE(fd_is_cloexec(t, p.r()));
    char buf[kPipeSize + 100];
    std::memset(buf, 'z', sizeof buf);
    REQUIRE(sys_read(t, p.r(), U(buf), 10).error() == Error::Again);
    REQUIRE(sys_write(t, p.w(), U("abc"), 3).value() == 3);
    REQUIRE(read_str(t, p.r(), 10) == "abc");
    // A large write puts in what fits and returns the count.
    REQUIRE(sys_write(t, p.w(), U(buf), sizeof buf).value() == kPipeSize);
    REQUIRE(sys_write(t, p.w(), U(buf), 1).error() == Error::Again);
    REQUIRE(sys_write(t, p.w(), U(buf), sizeof buf).error() == Error::Again);
    // A small write that does not fit whole goes in not at all (PIPE_BUF).
    REQUIRE(read_str(t, p.r(), 10).size() == 10);
    REQUIRE(sys_write(t, p.w(), U(buf), 11).error() == Error::Again);
    REQUIRE(sys_write(t, p.w(), U(buf), 10).value() == 10);
    // Drained: EAGAIN again while the writer lives, end of file after.
    size_t got = 0;
    for (;;) {
      Result<u64> r = sys_read(t, p.r(), U(buf), sizeof buf);
      if (!r.ok()) {
        REQUIRE(r.error() == Error::Again);
        break;
      }
      got += r.value();
    }
    REQUIRE(got == kPipeSize);
    REQUIRE(sys_close(t, p.w()).ok());
    REQUIRE(sys_read(t, p.r(), U(buf), 10).value() == 0);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("O_NONBLOCK set later with F_SETFL acts on the next read and write",
          "[file][pipe][nonblock]") {
  tine::test::start_sched_machine();
  {
    Table t;
    PipeFds p(t);
    char buf[kPipeSize];
    std::memset(buf, 'q', sizeof buf);
    REQUIRE(sys_fcntl(t, p.r(), kFSetFl, kONonBlock).ok());
    REQUIRE(sys_read(t, p.r(), U(buf), 1).error() == Error::Again);
    REQUIRE(sys_write(t, p.w(), U(buf), sizeof buf).value() == sizeof buf);
    REQUIRE(sys_fcntl(t, p.w(), kFSetFl, kONonBlock).ok());
    REQUIRE(sys_write(t, p.w(), U(buf), 1).error() == Error::Again);
    // Through a copied table too: the flag is the open file's.
    FileTable* child = MUST(filetable_copy(t));
    REQUIRE(sys_write(child, p.w(), U(buf), 1).error() == Error::Again);
    // Cleared again: the write end blocks once more, until room is made.
    REQUIRE(sys_fcntl(child, p.w(), kFSetFl, 0).ok());
    REQUIRE((sys_fcntl(t, p.w(), kFGetFl, 0).value() & kONonBlock) == 0);
    filetable_release(child);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("console: a read with O_NONBLOCK and nothing typed is EAGAIN", "[file][console][nonblock]") {
  tine::test::start_sched_machine();
  {
    tine::hal::host::console_capture(true);  // the echo
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    REQUIRE(sys_fcntl(t, 0, kFSetFl, kONonBlock).ok());
    char c;
    REQUIRE(sys_read(t, 0, U(&c), 1).error() == Error::Again);
    tine::hal::host::console_inject("k", 1);
    REQUIRE(sys_read(t, 0, U(&c), 1).value() == 1);
    REQUIRE(c == 'k');
    tine::hal::host::console_capture(false);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("fstat: files and directories (seeded from an initrd), pipes and the console, in Linux's layout",
          "[file][stat]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    int fd = open_ok(t, "/bin/hello");
    UserStat st = stat_of(t, fd);
    REQUIRE(st.st_mode == (kSIfReg | 0755));  // as the archive stores it
    REQUIRE(st.st_size == 13);
    REQUIRE(st.st_nlink == 1);
    REQUIRE(st.st_blksize == 4096);
    REQUIRE(st.st_blocks == 8);  // one page held, as Linux's tmpfs counts
    REQUIRE(st.st_uid == 0);
    REQUIRE(st.pad1 == 0);
    REQUIRE(st.unused5 == 0);
    REQUIRE(st.st_ino != 0);
    // Another open of the same path is the same inode; another file is not.
    REQUIRE(stat_of(t, open_ok(t, "/bin/hello")).st_ino == st.st_ino);
    REQUIRE(stat_of(t, open_ok(t, "/bin/other")).st_ino != st.st_ino);
    UserStat dir = stat_of(t, open_ok(t, "/bin", kORdOnly | kODirectory));
    REQUIRE((dir.st_mode & kSIfMt) == kSIfDir);
    REQUIRE(dir.st_nlink == 2);

    PipeFds p(t);
    UserStat r = stat_of(t, p.r()), w = stat_of(t, p.w());
    REQUIRE(r.st_mode == (kSIfIfo | 0600));
    REQUIRE(r.st_ino == w.st_ino);
    REQUIRE(sys_write(t, p.w(), U("abc"), 3).value() == 3);
    REQUIRE(stat_of(t, p.r()).st_size == 0);  // Linux's pipefs says 0 too
    PipeFds q(t);
    REQUIRE(stat_of(t, q.r()).st_ino != r.st_ino);

    UserStat con = stat_of(t, 1);
    REQUIRE((con.st_mode & kSIfMt) == kSIfChr);
    REQUIRE(con.st_rdev == 0x501);  // 5:1, /dev/console

    REQUIRE(sys_fstat(t, 50, U(&st)).error() == Error::BadF);
    REQUIRE(sys_fstat(t, fd, 0x10).error() == Error::Fault);
    tine::test::HalfPoisoned mem;  // the struct straddles into a bad page
    REQUIRE(sys_fstat(t, fd, U(mem.before_poison(64))).error() == Error::Fault);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("newfstatat: paths, AT_EMPTY_PATH (glibc's fstat) and the errors", "[file][stat]") {
  tine::test::start_sched_machine();
  {
    Initrd rd;
    Table t;
    int fd = open_ok(t, "/bin/hello");
    UserStat want = stat_of(t, fd), st;
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U("/bin/hello"), U(&st), 0).ok());
    REQUIRE(std::memcmp(&st, &want, sizeof st) == 0);
    tine::test::CwdAt bin_cwd("/bin");
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U("hello"), U(&st), 0, PathCtx{bin_cwd.c}).ok());
    REQUIRE(st.st_ino == want.st_ino);
    int bin = open_ok(t, "/bin", kORdOnly | kODirectory);
    REQUIRE(sys_newfstatat(t, bin, U("hello"), U(&st), kAtSymlinkNoFollow).ok());
    REQUIRE(st.st_ino == want.st_ino);
    REQUIRE(sys_newfstatat(t, fd, U(""), U(&st), kAtEmptyPath).ok());
    REQUIRE(std::memcmp(&st, &want, sizeof st) == 0);
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U(""), U(&st), kAtEmptyPath, PathCtx{bin_cwd.c}).ok());
    REQUIRE((st.st_mode & kSIfMt) == kSIfDir);
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U("/"), U(&st), 0).ok());
    REQUIRE((st.st_mode & kSIfMt) == kSIfDir);

    REQUIRE(sys_newfstatat(t, fd, U(""), U(&st), 0).error() == Error::NoEnt);
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U("/nope"), U(&st), 0).error() == Error::NoEnt);
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U("/bin/hello/x"), U(&st), 0).error() == Error::NotDir);
    REQUIRE(sys_newfstatat(t, fd, U("x"), U(&st), 0).error() == Error::NotDir);
    REQUIRE(sys_newfstatat(t, 40, U("x"), U(&st), 0).error() == Error::BadF);
    REQUIRE(sys_newfstatat(t, 40, U(""), U(&st), kAtEmptyPath).error() == Error::BadF);
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U("/bin/hello"), U(&st), 0x8).error() == Error::Inval);
    REQUIRE(sys_newfstatat(t, kAtFdCwd, 0x10, U(&st), 0).error() == Error::Fault);
    REQUIRE(sys_newfstatat(t, kAtFdCwd, U("/bin/hello"), 0x10, 0).error() == Error::Fault);
  }
  REQUIRE(file_live_count() == 0);
}
