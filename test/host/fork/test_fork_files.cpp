// What fork1's three file-table branches (kern_fork.c: fd_share, fd_init,
// fd_copy) mean to a program, seen through the calls a program has: the
// child moves an offset, sets a status flag and a descriptor flag, and
// makes a descriptor; the parent then looks with lseek and fcntl.
// test_fork.cpp checks the branches' structure; this checks their effect.
#include <catch2/catch.hpp>

#include <vector>

#include "core/fs/filedesc.h"
#include "core/vfs/namei.h"
#include "core/vfs/vfs_file.h"
#include "core/fs/sys_file.h"
#include "core/proc/exit.h"
#include "core/proc/proc0.h"
#include "core/sched/sched.h"
#include "fork/fork.h"
#include "test/host/file_test_util.h"
#include "test/host/sched_machine.h"

using namespace tine;

namespace {

// proc0 as test_fork.cpp sets it up (whichever test file runs first).
void setup() { test::start_proc_machine(); }

constexpr int kChildFd = 20;  // the descriptor the child makes with F_DUPFD

struct Shared {
  int fd;  // an initrd file open in the parent
};

// Child of a plain fork or of FORK_SHAREFILES: changes the open file and
// its own descriptor; exits 0, or the step that failed.
void change_files(void* arg) {
  auto* s = static_cast<Shared*>(arg);
  FileTable* t = curfd();
  int bad = 0;
  if (!(sys_lseek(t, s->fd, 100, kSeekSet).ok())) bad = 1;
  else if (!sys_fcntl(t, s->fd, kFSetFl, kONonBlock).ok()) bad = 2;
  else if (!sys_fcntl(t, s->fd, kFSetFd, kFdCloExec).ok()) bad = 3;
  else if (sys_fcntl(t, s->fd, kFDupFd, kChildFd).value() != kChildFd) bad = 4;
  exit1(curlwp(), bad, 0);
}

// Child of FORK_CLEANFILES: nothing of the parent's may be there.
void expect_empty(void* arg) {
  auto* s = static_cast<Shared*>(arg);
  FileTable* t = curfd();
  int bad = 0;
  if (fd_count(t) != 0) bad = 1;
  else if (sys_lseek(t, s->fd, 0, kSeekCur).error() != Error::BadF) bad = 2;
  else if (sys_fcntl(t, 1, kFGetFl, 0).error() != Error::BadF) bad = 3;
  exit1(curlwp(), bad, 0);
}

int fork_wait(int flags, void (*fn)(void*), Shared* s) {
  i64 rv[2];
  REQUIRE(fork1(curlwp(), flags, kSigChld, 0, 0, fn, s, rv, nullptr).ok());
  int status = -1;
  Result<i64> r = do_wait4(curproc(), i32(rv[0]), 0, &status);
  REQUIRE(r.ok());
  REQUIRE(r.value() == rv[0]);
  return status;
}

struct Initrd {
  std::vector<u8> archive = test::CpioBuilder().file("f", "0123456789").finish();
  test::SeededRoot root{archive};
};

// A file in the parent's (proc0's) table, closed again at the end
// so the other fork tests find proc0 with its three console descriptors.
struct OpenInParent {
  FileTable* t = curfd();
  int fd;
  OpenInParent() {
    // Through the VFS directly: this binary's copyin is the real one, over
    // user page tables, so a host string cannot go through openat.
    Nameidata nd;
    MUST(namei(nullptr, "/f", kNameiFollow, nd));
    File* f = MUST(vfs_open(nd.vp, kORdOnly));
    fd = MUST(fd_install(t, f, false));
    file_release(f);
  }
  ~OpenInParent() {
    (void)fd_close(t, fd);
    (void)fd_close(t, kChildFd);
  }
};

}  // namespace

TEST_CASE("fork1 files: a copied table shares offset and status flags, not descriptor flags "
          "or new descriptors",
          "[fork][files]") {
  setup();
  Initrd rd;
  OpenInParent o;
  Shared s{o.fd};
  REQUIRE(fork_wait(0, change_files, &s) == w_exitcode(0, 0));
  REQUIRE(sys_lseek(o.t, o.fd, 0, kSeekCur).value() == 100);
  REQUIRE((sys_fcntl(o.t, o.fd, kFGetFl, 0).value() & kONonBlock) != 0);
  REQUIRE(sys_fcntl(o.t, o.fd, kFGetFd, 0).value() == 0);
  REQUIRE(sys_fcntl(o.t, kChildFd, kFGetFd, 0).error() == Error::BadF);
}

TEST_CASE("fork1 files: FORK_SHAREFILES (CLONE_FILES) shares descriptor flags and new "
          "descriptors too",
          "[fork][files]") {
  setup();
  Initrd rd;
  OpenInParent o;
  Shared s{o.fd};
  REQUIRE(fork_wait(FORK_SHAREFILES, change_files, &s) == w_exitcode(0, 0));
  REQUIRE(sys_lseek(o.t, o.fd, 0, kSeekCur).value() == 100);
  REQUIRE((sys_fcntl(o.t, o.fd, kFGetFl, 0).value() & kONonBlock) != 0);
  REQUIRE(sys_fcntl(o.t, o.fd, kFGetFd, 0).value() == kFdCloExec);
  REQUIRE(sys_fcntl(o.t, kChildFd, kFGetFd, 0).value() == 0);
  REQUIRE(sys_lseek(o.t, kChildFd, 0, kSeekCur).value() == 100);  // same open file
}

TEST_CASE("fork1 files: FORK_CLEANFILES gives the child none of the parent's descriptors",
          "[fork][files]") {
  setup();
  Initrd rd;
  OpenInParent o;
  Shared s{o.fd};
  REQUIRE(fork_wait(FORK_CLEANFILES, expect_empty, &s) == w_exitcode(0, 0));
  // And what the child did not have, it could not change.
  REQUIRE(sys_lseek(o.t, o.fd, 0, kSeekCur).value() == 0);
}
