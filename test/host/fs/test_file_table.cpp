// core/fs/filedesc: descriptor numbers, dup/dup3, close-on-exec, and tables
// copied (fork) versus shared (CLONE_FILES).
#include <catch2/catch.hpp>
#include <cstring>

#include "core/fs/file_pipe.h"
#include "core/fs/filedesc.h"
#include "core/fs/sys_file.h"
#include "core/vm/heap.h"
#include "test/host/file_test_util.h"

using namespace tine;
using tine::test::Table;
using tine::test::U;

namespace {

// A pipe whose two Files the test owns (one reference each).
PipeEnds new_pipe() { return MUST(pipe_create()); }
struct TestPipe {
  PipeEnds e = new_pipe();
  ~TestPipe() {
    file_release(e.read);
    file_release(e.write);
  }
};

}  // namespace

TEST_CASE("fd_install hands out the lowest free descriptor", "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    TestPipe p;
    REQUIRE(fd_install(t, p.e.read, false).value() == 0);
    REQUIRE(fd_install(t, p.e.read, false).value() == 1);
    REQUIRE(fd_install(t, p.e.read, false).value() == 2);
    REQUIRE(fd_close(t, 1).ok());
    REQUIRE(fd_install(t, p.e.write, false).value() == 1);
    REQUIRE(fd_install(t, p.e.write, false).value() == 3);
    REQUIRE(fd_count(t) == 4);
    // Each slot holds its own reference: the File outlives our release.
    File* f = MUST(fd_get(t, 1));
    REQUIRE(f == p.e.write);
    file_release(f);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a table grows past its 64 slots up to RLIMIT_NOFILE, then says EMFILE",
          "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    TestPipe p;
    // No process here: the limit is Linux's default soft one, 1024.
    REQUIRE(fd_nofile() == kNofileCur);
    REQUIRE(fd_table_size(t) == kFdInline);
    for (unsigned i = 0; i < kNofileCur; i++)
      REQUIRE(fd_install(t, p.e.read, i % 3 == 0).value() == int(i));
    REQUIRE(fd_table_size(t) == kNofileCur);  // 64, 128, ... 1024
    REQUIRE(fd_install(t, p.e.read, false).error() == Error::MFile);
    REQUIRE(fd_dup(t, 0).error() == Error::MFile);
    REQUIRE(fd_alloc(t).error() == Error::MFile);
    // Past the limit: F_DUPFD's start is EINVAL, dup2's target EBADF.
    REQUIRE(fd_dup_min(t, 0, unsigned(kNofileCur), false).error() == Error::Inval);
    REQUIRE(fd_dup3(t, 0, int(kNofileCur), 0).error() == Error::BadF);
    // The slots that moved kept their Files and close-on-exec bits.
    for (int fd : {0, 1, 63, 64, 65, 500, 1023}) {
      File* f = MUST(fd_get(t, fd));
      REQUIRE(f == p.e.read);
      file_release(f);
      REQUIRE(fd_is_cloexec(t, fd) == (fd % 3 == 0));
    }
    REQUIRE(fd_close(t, 700).ok());
    REQUIRE(fd_close(t, 17).ok());
    REQUIRE(fd_dup(t, 3).value() == 17);
    REQUIRE(fd_dup_min(t, 3, 100, false).value() == 700);
    REQUIRE(fd_count(t) == unsigned(kNofileCur));
    fd_close_on_exec(t);
    REQUIRE(fd_count(t) == unsigned(kNofileCur) - 342);  // 0, 3, ... 1020 went
    fd_close_range(t, 100, ~0u, false);
    REQUIRE(fd_count(t) == 66);  // of 0..99, those not a multiple of 3
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dup2 and F_DUPFD grow the table to the number they name", "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    TestPipe p;
    REQUIRE(fd_install(t, p.e.read, false).value() == 0);
    REQUIRE(fd_dup3(t, 0, 1000, kOCloExec).value() == 1000);
    REQUIRE(fd_table_size(t) == 1024);
    REQUIRE(fd_is_cloexec(t, 1000));
    REQUIRE(fd_dup_min(t, 0, 300, false).value() == 300);
    REQUIRE(fd_install(t, p.e.read, false).value() == 1);  // still the lowest free
    REQUIRE(fd_count(t) == 4);
    REQUIRE(fd_get(t, 999).error() == Error::BadF);
    REQUIRE(fd_get(t, 1024).error() == Error::BadF);  // past the table
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a grown table forked and released leaks nothing", "[file][filedesc]") {
  tine::test::start_sched_machine();
  const size_t before = heap_stats().allocations;
  {
    Table parent;
    TestPipe p;
    for (int i = 0; i < 1000; i++) REQUIRE(fd_install(parent, p.e.write, i >= 900).ok());
    FileTable* child = MUST(filetable_copy(parent));  // fork without CLONE_FILES
    REQUIRE(fd_table_size(child) == 1024);
    REQUIRE(fd_count(child) == 1000);
    REQUIRE(fd_is_cloexec(child, 950));
    REQUIRE_FALSE(fd_is_cloexec(child, 899));
    REQUIRE(fd_close(child, 999).ok());  // the child's own slots
    File* f = MUST(fd_get(parent, 999));
    file_release(f);
    REQUIRE(fd_install(child, p.e.read, false).value() == 999);
    filetable_release(child);  // the child exits
    REQUIRE(fd_count(parent) == 1000);
  }
  REQUIRE(file_live_count() == 0);
  REQUIRE(heap_stats().allocations == before);
}

TEST_CASE("bad descriptors are EBADF", "[file][filedesc]") {
  tine::test::start_sched_machine();
  Table t;
  REQUIRE(fd_get(t, -1).error() == Error::BadF);
  REQUIRE(fd_get(t, 0).error() == Error::BadF);
  REQUIRE(fd_get(t, int(kFdInline)).error() == Error::BadF);
  REQUIRE(fd_close(t, 0).error() == Error::BadF);
  REQUIRE(fd_close(t, -5).error() == Error::BadF);
  REQUIRE(fd_dup(t, 0).error() == Error::BadF);
  REQUIRE(fd_dup(t, 1000).error() == Error::BadF);
  REQUIRE(sys_close(t, 3).error() == Error::BadF);
}

TEST_CASE("dup takes the lowest free number and clears close-on-exec", "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    TestPipe p;
    REQUIRE(fd_install(t, p.e.read, true).value() == 0);
    REQUIRE(fd_install(t, p.e.write, false).value() == 1);
    REQUIRE(fd_is_cloexec(t, 0));
    int d = sys_dup(t, 0).value();
    REQUIRE(d == 2);
    REQUIRE_FALSE(fd_is_cloexec(t, 2));
    File* f = MUST(fd_get(t, 2));
    REQUIRE(f == p.e.read);
    file_release(f);
    REQUIRE(fd_close(t, 0).ok());
    REQUIRE(sys_dup(t, 1).value() == 0);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dup3 follows Linux", "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    TestPipe p;
    REQUIRE(fd_install(t, p.e.read, false).value() == 0);
    REQUIRE(fd_install(t, p.e.write, false).value() == 1);

    SECTION("the checks, in Linux's order") {
      REQUIRE(fd_dup3(t, 0, 5, 1).error() == Error::Inval);       // unknown flag
      REQUIRE(fd_dup3(t, 9, 9, 0).error() == Error::Inval);       // equal, even closed
      REQUIRE(fd_dup3(t, 0, 0, 0).error() == Error::Inval);       // equal, open
      REQUIRE(fd_dup3(t, 0, int(kNofileCur), 0).error() == Error::BadF);  // newfd too big
      REQUIRE(fd_dup3(t, 0, -1, 0).error() == Error::BadF);
      REQUIRE(fd_dup3(t, 7, 5, 0).error() == Error::BadF);        // oldfd closed
      REQUIRE(fd_dup3(t, -1, 5, 0).error() == Error::BadF);
      REQUIRE(fd_count(t) == 2);
    }
    SECTION("onto a free number, with and without O_CLOEXEC") {
      REQUIRE(sys_dup3(t, 0, 40, 0).value() == 40);
      REQUIRE_FALSE(fd_is_cloexec(t, 40));
      REQUIRE(sys_dup3(t, 1, 41, kOCloExec).value() == 41);
      REQUIRE(fd_is_cloexec(t, 41));
      File* f = MUST(fd_get(t, 41));
      REQUIRE(f == p.e.write);
      file_release(f);
      // The number was taken out of order; the lowest free one is still 2.
      REQUIRE(fd_dup(t, 0).value() == 2);
    }
    SECTION("onto an open descriptor closes what was there") {
      REQUIRE(fd_install(t, p.e.read, true).value() == 2);
      REQUIRE(sys_dup3(t, 1, 2, 0).value() == 2);
      REQUIRE_FALSE(fd_is_cloexec(t, 2));  // the new descriptor's flag
      File* f = MUST(fd_get(t, 2));
      REQUIRE(f == p.e.write);
      file_release(f);
      REQUIRE(fd_count(t) == 3);
    }
    SECTION("onto a number reserved by fd_alloc is EBUSY") {
      int r = fd_alloc(t).value();
      REQUIRE(r == 2);
      REQUIRE(fd_get(t, r).error() == Error::BadF);  // not visible yet
      REQUIRE(fd_dup3(t, 0, r, 0).error() == Error::Busy);
      REQUIRE(fd_install(t, p.e.read, false).value() == 3);  // skips it
      fd_abort(t, r);
      REQUIRE(fd_install(t, p.e.read, false).value() == 2);
    }
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("dup3 over the last descriptor of a pipe end closes that end",
          "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    {
      TestPipe p;
      REQUIRE(fd_install(t, p.e.read, false).value() == 0);
      REQUIRE(fd_install(t, p.e.write, false).value() == 1);
    }  // the table now holds the only references
    REQUIRE(file_live_count() == 2);
    REQUIRE(fd_dup3(t, 0, 1, 0).value() == 1);  // the write end goes
    REQUIRE(file_live_count() == 1);
    char c;
    REQUIRE(sys_read(t, 0, U(&c), 1).value() == 0);  // EOF: no writer left
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("exec closes exactly the close-on-exec descriptors", "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    TestPipe p;
    for (int i = 0; i < 10; i++) REQUIRE(fd_install(t, p.e.read, i % 3 == 0).value() == i);
    REQUIRE(fd_dup3(t, 1, 20, kOCloExec).ok());
    fd_close_on_exec(t);
    REQUIRE(fd_count(t) == 6);
    for (int i = 0; i < 10; i++) {
      INFO("fd " << i);
      Result<File*> f = fd_get(t, i);
      REQUIRE(f.ok() == (i % 3 != 0));
      if (f.ok()) file_release(f.value());
    }
    REQUIRE(fd_get(t, 20).error() == Error::BadF);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a copied table is independent; a shared one is the same table",
          "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table parent;
    TestPipe p;
    REQUIRE(fd_install(parent, p.e.read, true).value() == 0);
    REQUIRE(fd_install(parent, p.e.write, false).value() == 1);

    SECTION("copy (fork): same Files, own slots, same close-on-exec bits") {
      FileTable* child = MUST(filetable_copy(parent));
      REQUIRE(child != parent.t);
      REQUIRE(fd_count(child) == 2);
      REQUIRE(fd_is_cloexec(child, 0));
      REQUIRE_FALSE(fd_is_cloexec(child, 1));
      File* f = MUST(fd_get(child, 1));
      REQUIRE(f == p.e.write);
      file_release(f);
      REQUIRE(fd_close(child, 0).ok());
      REQUIRE(fd_install(child, p.e.write, false).value() == 0);
      // The parent still has its own fd 0, on the read end.
      f = MUST(fd_get(parent, 0));
      REQUIRE(f == p.e.read);
      file_release(f);
      REQUIRE(fd_count(parent) == 2);
      // A descriptor opened in the parent does not appear in the child.
      REQUIRE(fd_install(parent, p.e.read, false).value() == 2);
      REQUIRE(fd_get(child, 2).error() == Error::BadF);
      filetable_release(child);
      REQUIRE(fd_count(parent) == 3);
    }
    SECTION("share (CLONE_FILES): a close through one is seen by the other") {
      FileTable* shared = parent.t;
      filetable_hold(shared);
      REQUIRE(fd_close(shared, 0).ok());
      REQUIRE(fd_get(parent, 0).error() == Error::BadF);
      REQUIRE(fd_install(shared, p.e.write, false).value() == 0);
      File* f = MUST(fd_get(parent, 0));
      REQUIRE(f == p.e.write);
      file_release(f);
      filetable_release(shared);  // the parent's reference remains
      REQUIRE(fd_count(parent) == 2);
    }
    SECTION("clean (FORK_CLEANFILES): a fresh table") {
      FileTable* fresh = MUST(filetable_create());
      REQUIRE(fd_count(fresh) == 0);
      filetable_release(fresh);
    }
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a copy and the last release reach every slot ever used, closed ones between",
          "[file][filedesc]") {
  // The slots a fork copies and the last release closes end at the highest
  // one that has held a File (FileTable::used): a descriptor placed high by
  // dup3 or F_DUPFD, above closed ones, is still copied and closed.
  tine::test::start_sched_machine();
  {
    Table t;
    TestPipe p;
    REQUIRE(fd_install(t, p.e.read, false).value() == 0);
    REQUIRE(fd_dup3(t, 0, 40, 0).value() == 40);
    REQUIRE(fd_dup_min(t, 0, 50, kOCloExec).value() == 50);
    REQUIRE(fd_close(t, 40).ok());
    FileTable* copy = MUST(filetable_copy(t));
    REQUIRE(fd_count(copy) == 2);
    REQUIRE(fd_is_cloexec(copy, 50));
    REQUIRE(fd_get(copy, 40).error() == Error::BadF);
    fd_close_on_exec(copy);  // exec: 50 goes
    REQUIRE(fd_count(copy) == 1);
    REQUIRE(fd_dup3(copy, 0, 63, 0).value() == 63);  // the last inline slot
    FileTable* again = MUST(filetable_copy(copy));
    REQUIRE(fd_count(again) == 2);
    File* f = MUST(fd_get(again, 63));
    REQUIRE(f == p.e.read);
    file_release(f);
    filetable_release(again);
    filetable_release(copy);
    REQUIRE(fd_count(t) == 2);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("a new table's unwritten slots read as empty, whatever its memory held",
          "[file][filedesc]") {
  // A new table leaves its inline slots unwritten (no zeroing at fork):
  // only those below FileTable::used are read. Its block is taken from
  // memory filled with a pattern first, which a read past `used` would
  // find as a File.
  tine::test::start_sched_machine();
  {
    void* dirty = kmalloc(sizeof(FileTable));
    REQUIRE(dirty);
    std::memset(dirty, 0xa5, sizeof(FileTable));
    kfree(dirty);
    Table t;
    TestPipe p;
    REQUIRE(fd_count(t) == 0);
    REQUIRE(fd_get(t, 5).error() == Error::BadF);
    REQUIRE(fd_close(t, 5).error() == Error::BadF);
    REQUIRE(!fd_is_cloexec(t, 5));
    REQUIRE(fd_install(t, p.e.read, false).value() == 0);
    // A descriptor placed high: the slots it passes over become empty.
    REQUIRE(fd_dup3(t, 0, 30, 0).value() == 30);
    REQUIRE(fd_count(t) == 2);
    REQUIRE(fd_get(t, 7).error() == Error::BadF);
    REQUIRE(fd_install(t, p.e.write, false).value() == 1);
    FileTable* copy = MUST(filetable_copy(t));
    REQUIRE(fd_count(copy) == 3);
    REQUIRE(fd_get(copy, 31).error() == Error::BadF);
    REQUIRE(fd_dup_min(copy, 1, 40, false).value() == 40);
    REQUIRE(fd_count(copy) == 4);
    filetable_release(copy);
    REQUIRE(fd_count(t) == 3);
  }
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("the last release of a table closes its Files", "[file][filedesc]") {
  tine::test::start_sched_machine();
  FileTable* t = MUST(filetable_create());
  {
    TestPipe p;
    REQUIRE(fd_install(t, p.e.read, false).ok());
    REQUIRE(fd_install(t, p.e.write, false).ok());
  }
  FileTable* copy = MUST(filetable_copy(t));
  REQUIRE(file_live_count() == 2);
  filetable_release(t);
  REQUIRE(file_live_count() == 2);  // the copy holds them
  filetable_release(copy);
  REQUIRE(file_live_count() == 0);
}

TEST_CASE("console stdio: fds 0, 1 and 2 on one console File", "[file][filedesc]") {
  tine::test::start_sched_machine();
  {
    Table t;
    REQUIRE(fd_open_console_stdio(t).ok());
    REQUIRE(fd_count(t) == 3);
    REQUIRE(file_live_count() == 1);
    File* f0 = MUST(fd_get(t, 0));
    File* f2 = MUST(fd_get(t, 2));
    REQUIRE(f0 == f2);
    REQUIRE(f0->readable());
    REQUIRE(f0->writable());
    file_release(f0);
    file_release(f2);
    REQUIRE_FALSE(fd_is_cloexec(t, 1));
  }
  REQUIRE(file_live_count() == 0);
}
