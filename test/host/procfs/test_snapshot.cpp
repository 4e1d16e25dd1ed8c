// core/procfs/snapshot: what /proc shows of real processes (forked on the
// simulated harts), through their life: running, execing, a zombie, gone;
// and readers that race processes exiting and execing under them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/fs/filedesc.h"
#include "core/proc/exec.h"
#include "core/proc/exit.h"
#include "core/proc/proc.h"
#include "core/proc/sigacts.h"
#include "core/procfs/snapshot.h"
#include "core/sched/sched.h"
#include "core/vm/vm.h"
#include "fork/fork.h"
#include "test/host/file_test_util.h"
#include "test/host/sched_machine.h"

using namespace tine;

namespace {

i64 reap(i64 pid) {
  int status = 0;
  Result<i64> r = do_wait4(curproc(), i32(pid), 0, &status);
  REQUIRE(r.ok());
  return r.value();
}

std::vector<u8> read_host_file(const char* name) {
  std::vector<u8> bytes;
  FILE* f = std::fopen(name, "rb");
  if (!f) return bytes;
  u8 chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  return bytes;
}

// An initrd with one static program, for exec (the tests run in test/data).
struct ProgramInitrd {
  std::vector<u8> cpio;
  ProgramInitrd() {
    const std::vector<u8> elf = read_host_file("elf/exit-static");
    REQUIRE(!elf.empty());
    cpio = test::CpioBuilder()
               .dir("bin")
               .file("bin/exit-static", std::string(elf.begin(), elf.end()))
               .finish();
    MUST(vfs_mount_root(&kTmpfsType));
    MUST(vfs_seed_cpio(cpio.data(), cpio.size()));
  }
  ~ProgramInitrd() { vfs_reset(); }
};

// A child that may exec, then says it is ready and waits to be let go.
struct Child {
  bool exec = false;
  std::atomic<bool> ready{false}, go{false};
  bool exec_ok = false;
};

void child_body(void* arg) {
  auto* c = static_cast<Child*>(arg);
  Proc* p = curproc();
  if (c->exec) {
    const char* argv[] = {"/bin/exit-static", "-x", "hello world", nullptr};
    const char* envp[] = {"A=1", nullptr};
    c->exec_ok = exec_kernel(curlwp(), "/bin/exit-static", argv, envp).ok();
  }
  {
    MutexGuard g(p->p_lock());
    // As rt_sigaction: a table of its own first (never sigacts_default).
    MUST(sigacts_own_locked(p->p_sigacts));
    p->p_sigacts->actions[kSigUsr1].handler = 0x1234;
    p->p_sigacts->actions[kSigPipe].handler = kSigIgn;
  }
  curlwp()->l_sigmask = sigbit(kSigUsr2);
  c->ready = true;
  while (!c->go) sleep_ns(1'000'000);
  exit1(curlwp(), 5, 0);
}

i64 start_child(Child& c) {
  i64 rv[2];
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, child_body, &c, rv, nullptr).ok());
  while (!c.ready) sleep_ns(1'000'000);
  return rv[0];
}

ProcInfo info_of(i64 pid) {
  ProcInfo pi;
  REQUIRE(procfs_proc_info(i32(pid), pi).ok());
  return pi;
}

bool listed(i64 pid) {
  i32 pids[512];
  const size_t n = procfs_list_pids(0, pids, 512);
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid) return true;
  return false;
}

}  // namespace

TEST_CASE("procfs snapshot: a child alive, then a zombie, then gone", "[procfs]") {
  test::start_proc_machine();
  Child c;
  const i64 pid = start_child(c);
  ProcInfo pi = info_of(pid);
  REQUIRE(pi.pid == pid);
  REQUIRE(pi.ppid == curproc()->p_pid.value);
  REQUIRE((pi.state == PsState::Sleeping || pi.state == PsState::Running));
  REQUIRE(std::string(pi.comm) == std::string(curproc()->p_comm).substr(0, 15));
  REQUIRE(pi.exit_signal == kSigChld);
  REQUIRE(pi.sig_caught == sigbit(kSigUsr1));
  REQUIRE(pi.sig_ignored == sigbit(kSigPipe));
  REQUIRE(pi.sig_blocked == sigbit(kSigUsr2));
  REQUIRE(pi.uid[0] == 0);
  REQUIRE(pi.exit_code == 0);
  REQUIRE(listed(pid));
  Result<FileTable*> t = procfs_proc_files(i32(pid));
  REQUIRE(t.ok());
  filetable_release(t.value());

  c.go = true;
  for (int i = 0; i < 5000 && info_of(pid).state != PsState::Zombie; i++) sleep_ns(1'000'000);
  pi = info_of(pid);
  REQUIRE(pi.state == PsState::Zombie);
  REQUIRE(pi.exit_code == w_exitcode(5, 0));
  REQUIRE_FALSE(pi.has_mm);
  REQUIRE(listed(pid));  // a zombie is still in /proc, as on Linux
  REQUIRE(procfs_proc_files(i32(pid)).error() == Error::NoEnt);
  char buf[64];
  REQUIRE(procfs_proc_exe(i32(pid), buf, sizeof buf).error() == Error::NoEnt);
  REQUIRE(procfs_proc_args(i32(pid), buf, sizeof buf).value() == 0);

  REQUIRE(reap(pid) == pid);
  REQUIRE(procfs_proc_info(i32(pid), pi).error() == Error::Srch);
  REQUIRE(procfs_proc_args(i32(pid), buf, sizeof buf).error() == Error::Srch);
  REQUIRE(procfs_proc_exe(i32(pid), buf, sizeof buf).error() == Error::Srch);
  REQUIRE(procfs_proc_files(i32(pid)).error() == Error::Srch);
  REQUIRE(procfs_proc_owner(i32(pid)).error() == Error::Srch);
  REQUIRE_FALSE(listed(pid));
  // pid 0, the kernel's own, is never shown.
  REQUIRE(procfs_proc_info(0, pi).error() == Error::Srch);
}

TEST_CASE("procfs snapshot: exec records argv where cmdline reads it", "[procfs][exec]") {
  test::start_proc_machine();
  ProgramInitrd initrd;
  Child c;
  c.exec = true;
  const i64 pid = start_child(c);
  REQUIRE(c.exec_ok);
  const std::string want("/bin/exit-static\0-x\0hello world\0", 32);
  char buf[4096];
  Result<size_t> n = procfs_proc_args(i32(pid), buf, sizeof buf);
  REQUIRE(n.value() == want.size());
  REQUIRE(std::string(buf, n.value()) == want);
  // A short buffer gets the start.
  REQUIRE(procfs_proc_args(i32(pid), buf, 5).value() == 5);
  REQUIRE(std::string(buf, 5) == "/bin/");
  ProcInfo pi = info_of(pid);
  REQUIRE(pi.has_mm);
  REQUIRE(std::string(pi.comm) == "exit-static");
  REQUIRE(pi.arg_end - pi.arg_start == want.size());
  REQUIRE(pi.env_start == pi.arg_end);
  REQUIRE(pi.env_end - pi.env_start == 4);  // "A=1\0"
  REQUIRE(pi.start_stack != 0);
  REQUIRE(pi.start_stack < pi.arg_start);
  REQUIRE(pi.vsize > 0);
  REQUIRE(pi.rss_pages > 0);
  REQUIRE(pi.stack_bytes > 0);
  REQUIRE(pi.exe_bytes > 0);
  REQUIRE(procfs_proc_exe(i32(pid), buf, sizeof buf).value() == 16);
  REQUIRE(std::string(buf) == "/bin/exit-static");
  c.go = true;
  REQUIRE(reap(pid) == pid);
}

TEST_CASE("procfs snapshot: pids come sorted, in batches", "[procfs]") {
  test::start_proc_machine();
  Child a, b, c;
  const i64 pids[] = {start_child(a), start_child(b), start_child(c)};
  i32 out[2];
  std::vector<i32> seen;
  i32 after = 0;
  for (;;) {
    const size_t n = procfs_list_pids(after, out, 2);
    if (n == 0) break;
    for (size_t i = 0; i < n; i++) {
      REQUIRE(out[i] > after);
      if (i) REQUIRE(out[i] > out[i - 1]);
      seen.push_back(out[i]);
    }
    after = out[n - 1];
  }
  for (i64 pid : pids) REQUIRE(std::count(seen.begin(), seen.end(), i32(pid)) == 1);
  a.go = b.go = c.go = true;
  for (i64 pid : pids) REQUIRE(reap(pid) == pid);
}

namespace {
struct Race {
  std::atomic<bool> stop{false};
  std::atomic<u64> reads{0};
};
// Reads everything procfs reads of every process, over and over.
void reader_body(void* arg) {
  auto* r = static_cast<Race*>(arg);
  char buf[256];
  while (!r->stop) {
    i32 pids[64];
    const size_t n = procfs_list_pids(0, pids, 64);
    for (size_t i = 0; i < n; i++) {
      ProcInfo pi;
      (void)procfs_proc_info(pids[i], pi);
      (void)procfs_proc_args(pids[i], buf, sizeof buf);
      (void)procfs_proc_exe(pids[i], buf, sizeof buf);
      (void)procfs_proc_owner(pids[i]);
      Result<FileTable*> t = procfs_proc_files(pids[i]);
      if (t.ok()) {
        (void)fd_count(t.value());
        filetable_release(t.value());
      }
      r->reads++;
    }
  }
  exit1(curlwp(), 0, 0);
}
void exec_and_exit(void*) {
  const char* argv[] = {"/bin/exit-static", "race", nullptr};
  (void)exec_kernel(curlwp(), "/bin/exit-static", argv, nullptr);
  exit1(curlwp(), 0, 0);
}
}  // namespace

TEST_CASE("procfs snapshot: readers race processes that exec and exit", "[procfs][exec]") {
  test::start_proc_machine();
  ProgramInitrd initrd;
  Race race;
  i64 readers[2];
  for (i64& r : readers) {
    i64 rv[2];
    REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, reader_body, &race, rv, nullptr).ok());
    r = rv[0];
  }
  for (int i = 0; i < 60; i++) {
    i64 rv[2];
    REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, exec_and_exit, nullptr, rv, nullptr).ok());
    REQUIRE(reap(rv[0]) == rv[0]);
  }
  race.stop = true;
  for (i64 r : readers) REQUIRE(reap(r) == r);
  REQUIRE(race.reads > 0);
}

namespace {
struct ExecLater {
  std::atomic<bool> go{false};
};
void exec_when_told(void* arg) {
  auto* e = static_cast<ExecLater*>(arg);
  while (!e->go) sleep_ns(1'000'000);
  const char* argv[] = {"/bin/exit-static", nullptr};
  (void)exec_kernel(curlwp(), "/bin/exit-static", argv, nullptr);
  exit1(curlwp(), 0, 0);
}
}  // namespace

// procfs reads p_vmspace under proc_lock and takes its own reference before
// it lets go (procfs_proc_info, procfs_proc_args). exec used to swap the
// space and free the old one without proc_lock, so a reader between its
// read and its hold held a freed space. Here the reader's window is
// stretched: it reads, lets the child exec, waits, then holds.
TEST_CASE("procfs_reader_holds_old_space_across_exec: exec swaps the space under proc_lock",
          "[procfs][exec]") {
  test::start_proc_machine();
  ProgramInitrd initrd;
  ExecLater e;
  i64 rv[2];
  Proc* child = nullptr;
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, exec_when_told, &e, rv, &child).ok());
  // The child's first space, so that exec has an old one to free.
  VmSpace* first = MUST(vmspace_create());
  {
    MutexGuard g(proc_lock);
    child->p_vmspace = first;  // it runs in the kernel until it execs
  }
  VmSpace* seen;
  {
    MutexGuard g(proc_lock);
    seen = child->p_vmspace;
    e.go = true;
    sleep_ns(50'000'000);  // exec runs as far as it can meanwhile
    vmspace_hold(seen);    // what ASan flags if exec has freed it
  }
  REQUIRE(seen == first);
  vmspace_release(seen);
  REQUIRE(reap(rv[0]) == rv[0]);
}

#include "core/dev/devnum.h"
#include "core/proc/pgrp.h"
#include "core/tty/tty_internal.h"

namespace {
struct CttyChild {
  std::atomic<bool> ready{false}, go{false};
  bool acquired = false;
};
void ctty_body(void* arg) {
  auto* c = static_cast<CttyChild*>(arg);
  Proc* p = curproc();
  if (pgrp_setsid(p).ok()) {
    MutexGuard g(proc_lock);
    c->acquired = tty_acquire_locked(console_tty(), p, false).ok();
  }
  c->ready = true;
  while (!c->go) sleep_ns(1'000'000);
  {
    MutexGuard g(proc_lock);
    if (c->acquired) tty_release_locked(console_tty(), false);
  }
  exit1(curlwp(), 0, 0);
}
}  // namespace

TEST_CASE("procfs snapshot: a session leader's controlling tty and its foreground group",
          "[procfs][tty]") {
  test::start_proc_machine();
  // Without a terminal: tty_nr 0, tpgid -1, as Linux.
  Child plain;
  const i64 plain_pid = start_child(plain);
  ProcInfo pi = info_of(plain_pid);
  CHECK(pi.tty_nr == 0);
  CHECK(pi.tpgid == -1);
  plain.go = true;
  REQUIRE(reap(plain_pid) == plain_pid);

  CttyChild c;
  i64 rv[2];
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, ctty_body, &c, rv, nullptr).ok());
  while (!c.ready) sleep_ns(1'000'000);
  REQUIRE(c.acquired);
  pi = info_of(rv[0]);
  CHECK(pi.session == rv[0]);
  CHECK(pi.tty_nr == i32(dev_encode(5, 1)));
  CHECK(pi.tpgid == rv[0]);  // its own group is the foreground one
  c.go = true;
  REQUIRE(reap(rv[0]) == rv[0]);
}
