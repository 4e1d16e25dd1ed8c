// fork1() against the real core/ objects (processes, credentials, limits,
// signal actions, file tables, address spaces) on simulated harts: one test
// per branch and roll-back of kern_fork.c as DESIGN.md lists them.
#include <catch2/catch.hpp>

#include <atomic>

#include "core/proc/exec.h"
#include "core/proc/exit.h"
#include "core/fs/cwd.h"
#include "core/vfs/initrd_seed.h"
#include "core/vfs/mount.h"
#include "core/vfs/tmpfs/tmpfs.h"
#include "core/proc/knote.h"
#include "core/proc/ptrace.h"
#include "core/fs/filedesc.h"
#include "core/vm/heap.h"
#include "core/vm/page_alloc.h"
#include "core/proc/proc0.h"
#include "core/proc/proc_switch.h"
#include "core/sched/sched.h"
#include "core/vm/vm.h"
#include "core/vm/vm_space.h"
#include "fork/fork.h"
#include "hal/host/hal_host.h"
#include "hal/pmap.h"
#include "test/host/file_test_util.h"
#include "test/host/sched_machine.h"

using namespace tine;

namespace {

// The Catch2 main thread becomes proc0's LWP, once per binary (shared with
// test_fork_files.cpp: tests run in any order); each test then forks a
// "parent" process from proc0 to work with, so state never leaks between
// tests through proc0.
void setup() { test::start_proc_machine(); }

struct Baseline {
  u32 procs = __atomic_load_n(&nprocs, __ATOMIC_RELAXED);
  i64 root_count = chgproccnt(kRootUid, 0);
  u64 lwps = lwp_live_count();
  size_t pages;
  size_t heap_bytes;
  Baseline() {
    page_allocator().drain_caches();
    pages = page_allocator().free_pages();
    heap_bytes = heap_stats().bytes_in_use;
  }
};

// A bare process that can be a parent (it receives SIGCHLD) but runs
// nothing: a stand-in init or tracer.
Proc* stand_in_proc(i32 pid) {
  Proc* p = MUST(proc_struct_alloc());
  p->p_pid = Pid{pid};
  p->p_lockobj = new ProcLockObj;
  p->p_sigacts = MUST(sigacts_create());
  return p;
}

void free_stand_in(Proc* p) {
  sigacts_release(p->p_sigacts);
  delete p->p_lockobj;
  proc_struct_free(p);
}

// Takes a test's address space off proc0 again (and off the hart).
void drop_vmspace(Proc* p, VmSpace* vm) {
  p->p_vmspace = nullptr;
  hal::IrqState s = hal::irq_save();
  vmspace_activate(nullptr);
  hal::irq_restore(s);
  vmspace_release(vm);
}

// Child body for kernel-function forks: exit with the status in arg.
void exit_with(void* arg) { exit1(curlwp(), int(reinterpret_cast<uptr>(arg)), 0); }

i64 reap(Proc* parent, i64 pid, int* status, int options = 0) {
  Result<i64> r = do_wait4(parent, i32(pid), options, status);
  REQUIRE(r.ok());
  return r.value();
}

// Forks from proc0 with a kernel function child and waits for it.
int fork_and_wait(int flags, uptr status_arg) {
  i64 rv[2];
  REQUIRE(fork1(curlwp(), flags, kSigChld, 0, 0, exit_with,
                reinterpret_cast<void*>(status_arg), rv, nullptr)
              .ok());
  int status = -1;
  REQUIRE(reap(curproc(), rv[0], &status) == rv[0]);
  return status;
}

}  // namespace

TEST_CASE("fork1: returns the child's pid and 0, the child's exit reaches wait4",
          "[fork]") {
  setup();
  Baseline b;
  i64 rv[2] = {-1, -1};
  Proc* child = nullptr;
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, exit_with, reinterpret_cast<void*>(42), rv,
                &child)
              .ok());
  REQUIRE(rv[0] > 0);
  REQUIRE(rv[1] == 0);
  REQUIRE(child->p_pid.value == rv[0]);
  REQUIRE(child->p_pptr == curproc());
  REQUIRE(child->p_exitsig == kSigChld);
  int status = 0;
  REQUIRE(reap(curproc(), rv[0], &status) == rv[0]);
  REQUIRE(status == w_exitcode(42, 0));
  Baseline after;
  REQUIRE(after.procs == b.procs);
  REQUIRE(after.root_count == b.root_count);
}

TEST_CASE("fork1: at maxproc it fails with EAGAIN and rolls the count back",
          "[fork]") {
  setup();
  Baseline b;
  const u32 saved = maxproc;
  // The seed refuses when the count with the new process reaches maxproc
  // (tnprocs >= maxproc): one below it, one fork fits and the next does not.
  maxproc = b.procs + 2;
  i64 rv[2];
  Result<void> first = fork1(curlwp(), 0, kSigChld, 0, 0, exit_with, nullptr, rv, nullptr);
  const i64 first_pid = first.ok() ? rv[0] : 0;
  const u64 full_before = fork_counters.table_full;
  Result<void> r = fork1(curlwp(), 0, kSigChld, 0, 0, exit_with, nullptr, rv, nullptr);
  const i64 second_pid = r.ok() ? rv[0] : 0;
  maxproc = saved;
  int status;
  if (first_pid) REQUIRE(reap(curproc(), first_pid, &status) == first_pid);
  if (second_pid) REQUIRE(reap(curproc(), second_pid, &status) == second_pid);
  REQUIRE(first.ok());
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.error() == Error::Again);
  REQUIRE(fork_counters.table_full == full_before + 1);
  Baseline after;
  REQUIRE(after.procs == b.procs);
  REQUIRE(after.root_count == b.root_count);
  REQUIRE(after.lwps == b.lwps);
  // And the system recovers.
  REQUIRE(fork_and_wait(0, 0) == 0);
}

TEST_CASE("fork1: RLIMIT_NPROC gives EAGAIN unless kauth lets root bypass it",
          "[fork]") {
  setup();
  Proc* p = curproc();
  Plimit* saved_limit = p->p_limit;
  REQUIRE(lim_privatize(&p->p_limit).ok());
  p->p_limit->limits[kRlimitNproc].cur = 0;  // already over for any uid
  SECTION("root bypasses the limit") { REQUIRE(fork_and_wait(0, 3) == w_exitcode(3, 0)); }
  SECTION("another uid gets EAGAIN, with both counts rolled back") {
    Cred* root = p->p_cred;
    Cred* user = MUST(cred_create_root());
    user->uid = user->euid = Uid{1000};
    p->p_cred = user;
    Baseline b;
    const i64 user_before = chgproccnt(Uid{1000}, 0);
    i64 rv[2];
    Result<void> r = fork1(curlwp(), 0, kSigChld, 0, 0, exit_with, nullptr, rv, nullptr);
    p->p_cred = root;
    cred_release(user);
    REQUIRE(r.error() == Error::Again);
    REQUIRE(chgproccnt(Uid{1000}, 0) == user_before);
    REQUIRE(__atomic_load_n(&nprocs, __ATOMIC_RELAXED) == b.procs);
  }
  if (p->p_limit != saved_limit) lim_free(p->p_limit);
  p->p_limit = saved_limit;
  lim_addref(saved_limit);
}

TEST_CASE("fork1: allocation failure at every fallible step rolls everything back",
          "[fork]") {
  setup();
  Proc* p = curproc();
  // Give the parent an address space with touched memory to copy.
  VmSpace* vm = MUST(vmspace_create());
  uptr va = MUST(vm_map_anon(vm, 0x100000, 8 * kPageSize, Prot::Read | Prot::Write | Prot::User,
                             MapShare::Private, true));
  for (unsigned i = 0; i < 8; i++) REQUIRE(vm_fault(vm, va + i * kPageSize, Access::Write).ok());
  p->p_vmspace = vm;
  // One fork first, so that what the first fork of the binary allocates
  // for good (heap slabs of new sizes) is not counted as a leak when this
  // test runs first (--order rand).
  REQUIRE(fork_and_wait(0, 0) == 0);
  Baseline b;
  unsigned failures = 0;
  // Each fallible step allocates from the heap or the page allocator:
  // inject a failure at every heap call in turn, then at every page call.
  for (int source = 0; source < 2; source++) {
    for (unsigned n = 1; n < 200; n++) {
      if (source == 0) heap_fail_nth_alloc(n); else page_allocator().fail_nth_alloc(n);
      i64 rv[2];
      Result<void> r = fork1(curlwp(), 0, kSigChld, 0, 0, exit_with, nullptr, rv, nullptr);
      heap_fail_nth_alloc(0);
      page_allocator().fail_nth_alloc(0);
      if (r.ok()) {
        int status;
        REQUIRE(reap(p, rv[0], &status) == rv[0]);
        break;
      }
      failures++;
      REQUIRE((r.error() == Error::NoMem || r.error() == Error::Again));
      Baseline after;
      INFO("failure injected at " << (source ? "page" : "heap") << " allocation " << n);
      REQUIRE(after.procs == b.procs);
      REQUIRE(after.root_count == b.root_count);
      REQUIRE(after.lwps == b.lwps);
      REQUIRE(after.heap_bytes == b.heap_bytes);
      REQUIRE(after.pages == b.pages);
    }
  }
  REQUIRE(failures > 8);  // proc, lwp, cv, p_lock, sigacts, files, cwd, vmspace ...
  drop_vmspace(p, vm);
}

TEST_CASE("clone flags map to fork1 flags, and the seed's refusals are EINVAL",
          "[fork][clone]") {
  auto map = [](u64 f) { return clone_flags_to_fork(f); };
  REQUIRE(map(17).value().fork_flags == 0);
  REQUIRE(map(17).value().exitsig == 17);
  REQUIRE(map(0x4111).value().fork_flags == (FORK_SHAREVM | FORK_PPWAIT));
  REQUIRE(map(0x4011).value().fork_flags == FORK_PPWAIT);
  REQUIRE(map(0x200 | 0x400 | 0x800 | 0x100).value().fork_flags ==
          (FORK_SHARECWD | FORK_SHAREFILES | FORK_SHARESIGS | FORK_SHAREVM));
  REQUIRE(map(0).value().exitsig == 0);
  REQUIRE(map(0x1000 | 17).error() == Error::Inval);  // CLONE_PID
  REQUIRE(map(0x2000 | 17).error() == Error::Inval);  // CLONE_PTRACE
  REQUIRE(map(0x800 | 17).error() == Error::Inval);   // SIGHAND without VM
  REQUIRE(map(65).error() == Error::Inval);           // exit signal >= NSIG
  REQUIRE(map(64).value().exitsig == 64);
}

namespace {
struct Held {
  Proc* child = nullptr;
  i64 pid = 0;
};
// Forks a child that starts stopped (PS_STOPFORK), so the test can look at
// it before it runs, then lets the parent reap it by making it exit.
Held fork_stopped(int flags, int exitsig = kSigChld) {
  Proc* p = curproc();
  p->p_sflag |= PS_STOPFORK;
  Held h;
  i64 rv[2];
  Result<void> r = fork1(curlwp(), flags, exitsig, 0, 0, exit_with, nullptr, rv, &h.child);
  p->p_sflag &= ~PS_STOPFORK;
  REQUIRE(r.ok());
  h.pid = rv[0];
  return h;
}
// Resumes the child as SIGCONT does (proc_continue) and reaps it.
void finish(Held& h, int options = 0) {
  Proc* parent = h.child->p_pptr;
  REQUIRE(proc_continue(h.child));
  int status;
  REQUIRE(reap(parent, h.pid, &status, options) == h.pid);
}
}  // namespace

TEST_CASE("fork1: PS_STOPFORK starts the child stopped and counts it", "[fork]") {
  setup();
  const u32 stopped_before = curproc()->p_nstopchild;
  Held h = fork_stopped(0);
  REQUIRE(h.child->p_stat == ProcStat::SSTOP);
  REQUIRE(h.child->p_lwp->state == LwpState::LSSTOP);
  REQUIRE(curproc()->p_nstopchild == stopped_before + 1);
  REQUIRE((h.child->p_sflag & PS_STOPFORK));  // inherited
  // Resumed, it runs its body and exits; the parent's count drops.
  REQUIRE(proc_continue(h.child));
  REQUIRE(curproc()->p_nstopchild == stopped_before);
  REQUIRE_FALSE(proc_continue(h.child));  // not stopped any more
  int status;
  REQUIRE(reap(curproc(), h.pid, &status) == h.pid);
  REQUIRE(status == w_exitcode(0, 0));
}

TEST_CASE("kill(SIGCONT) resumes a child stopped at fork", "[fork][signal]") {
  setup();
  const u32 stopped_before = curproc()->p_nstopchild;
  Held h = fork_stopped(0);
  REQUIRE(kill1(curproc(), i32(h.pid), kSigCont).ok());
  REQUIRE(curproc()->p_nstopchild == stopped_before);
  int status;
  REQUIRE(reap(curproc(), h.pid, &status) == h.pid);  // it ran and exited
  REQUIRE(status == w_exitcode(0, 0));
}

TEST_CASE("fork1: files shared, copied with shared open files, or fresh", "[fork][files]") {
  setup();
  SECTION("FORK_SHAREFILES shares the table") {
    Held h = fork_stopped(FORK_SHAREFILES);
    REQUIRE(h.child->p_lwp->l_fd == curfd());
    finish(h);
  }
  SECTION("a copy holds the same File objects (shared offsets)") {
    Held h = fork_stopped(0);
    REQUIRE(h.child->p_lwp->l_fd != curfd());
    File* a = MUST(fd_get(curfd(), 1));
    File* b = MUST(fd_get(h.child->p_lwp->l_fd, 1));
    REQUIRE(a == b);
    file_release(a);
    file_release(b);
    finish(h);
  }
  SECTION("FORK_CLEANFILES gives an empty table") {
    Held h = fork_stopped(FORK_CLEANFILES);
    REQUIRE(fd_count(h.child->p_lwp->l_fd) == 0);
    REQUIRE(fd_count(curfd()) == 3);
    finish(h);
  }
}

TEST_CASE("fork1: cwd, limits, signal actions and p_lock: shared or copied", "[fork]") {
  setup();
  Proc* p = curproc();
  SECTION("cwd") {
    const u32 old = cwd_umask(curcwdi(), 027);
    Held shared = fork_stopped(FORK_SHARECWD);
    REQUIRE(shared.child->p_lwp->l_cwdi == curcwdi());
    Held copied = fork_stopped(0);
    REQUIRE(copied.child->p_lwp->l_cwdi != curcwdi());
    REQUIRE(cwd_cmask(copied.child->p_lwp->l_cwdi) == 027);
    // The copy is the child's own: the parent's umask moves on without it.
    cwd_umask(curcwdi(), 077);
    REQUIRE(cwd_cmask(copied.child->p_lwp->l_cwdi) == 027);
    REQUIRE(cwd_cmask(shared.child->p_lwp->l_cwdi) == 077);
    cwd_umask(curcwdi(), old);
    finish(shared);
    finish(copied);
  }
  SECTION("limits: shared copy-on-write unless the parent's are writeable") {
    p->p_limit->writeable = false;
    Held shared = fork_stopped(0);
    REQUIRE(shared.child->p_limit == p->p_limit);
    p->p_limit->writeable = true;
    Held copied = fork_stopped(0);
    REQUIRE(copied.child->p_limit != p->p_limit);
    REQUIRE(copied.child->p_limit->limits[kRlimitNproc].cur ==
            p->p_limit->limits[kRlimitNproc].cur);
    p->p_limit->writeable = false;
    finish(shared);
    finish(copied);
  }
  SECTION("signal actions and p_lock under FORK_SHARESIGS") {
    Held shared = fork_stopped(FORK_SHARESIGS);
    REQUIRE(shared.child->p_sigacts == p->p_sigacts);
    REQUIRE(shared.child->p_lockobj == p->p_lockobj);
    Held copied = fork_stopped(0);
    REQUIRE(copied.child->p_sigacts != p->p_sigacts);
    REQUIRE(copied.child->p_lockobj != p->p_lockobj);
    finish(shared);
    finish(copied);
  }
}

TEST_CASE("fork1: flags, parent, exit signal, TLS, counters, hooks", "[fork]") {
  setup();
  Proc* p = curproc();
  SECTION("inherited p_flag bits; FORK_SYSTEM makes a process kill(-1) spares") {
    p->p_flag |= PK_SUGID | PK_EXEC;
    Held sys = fork_stopped(FORK_SYSTEM);
    Held user = fork_stopped(0);
    p->p_flag &= ~(PK_SUGID | PK_EXEC);
    REQUIRE((sys.child->p_flag & PK_SUGID));
    REQUIRE_FALSE((sys.child->p_flag & PK_EXEC));  // not inherited
    REQUIRE((sys.child->p_flag & (PK_SYSTEM | PK_NOCLDWAIT)) == (PK_SYSTEM | PK_NOCLDWAIT));
    REQUIRE_FALSE((user.child->p_flag & PK_SYSTEM));
    // kill(-1) signals everyone but system processes, init and the sender
    // (kern_sig.c killpg1). The children are stopped: the signal stays pending.
    REQUIRE(kill1(p, -1, kSigTerm).ok());
    const u64 term = u64(1) << (kSigTerm - 1);
    REQUIRE(__atomic_load_n(&sys.child->p_sigpend, __ATOMIC_ACQUIRE) == 0);
    REQUIRE(__atomic_load_n(&user.child->p_sigpend, __ATOMIC_ACQUIRE) == term);
    REQUIRE(__atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) == 0);
    finish(sys);
    finish(user);
  }
  SECTION("FORK_NOWAIT parents the child to init") {
    Proc* saved = initproc;
    Proc* stand_in = stand_in_proc(kPidMax - 1);  // an init that is not us
    initproc = stand_in;
    const u32 stopped_before = p->p_nstopchild;
    Held h = fork_stopped(FORK_NOWAIT);
    REQUIRE(h.child->p_pptr == stand_in);
    REQUIRE(h.child->p_ppid == kPidMax - 1);
    REQUIRE(h.child->p_oppid == p->p_pid);
    // The stopped child is counted by its parent, init, not by the forker
    // (counting the forker wrapped init's count at the continue).
    REQUIRE(stand_in->p_nstopchild == 1);
    REQUIRE(p->p_nstopchild == stopped_before);
    finish(h);
    REQUIRE(stand_in->p_nstopchild == 0);
    initproc = saved;
    free_stand_in(stand_in);
  }
  SECTION("a clone exit signal; wait4 sees it only with __WCLONE") {
    Held h = fork_stopped(0, 0);
    REQUIRE(h.child->p_exitsig == 0);
    int status;
    REQUIRE(do_wait4(p, i32(h.pid), kWaitNoHang, &status).error() == Error::Child);
    finish(h, kWaitClone);
  }
  SECTION("the TLS pointer is inherited") {
    curlwp()->l_private = 0x1234000;
    Held h = fork_stopped(0);
    REQUIRE(h.child->p_lwp->l_private == 0x1234000);
    curlwp()->l_private = 0;
    finish(h);
  }
  SECTION("counters: forks, vfork waits, shared-VM forks") {
    const ForkCounters before = fork_counters;
    Held h = fork_stopped(FORK_SHAREVM);
    REQUIRE(fork_counters.forks == before.forks + 1);
    REQUIRE(fork_counters.sharedvm == before.sharedvm + 1);
    REQUIRE(fork_counters.vforks == before.vforks);
    finish(h);
  }
  SECTION("FORK_SHAREVM shares the parent's space; without it a copy-on-write copy") {
    // A parent with a space and a touched page (proc0 has none of its own).
    VmSpace* vm = MUST(vmspace_create());
    const uptr va = MUST(vm_map_anon(vm, 0x300000, kPageSize,
                                     Prot::Read | Prot::Write | Prot::User,
                                     MapShare::Private, true));
    REQUIRE(vm_fault(vm, va, Access::Write).ok());
    paddr_t pa;
    Prot prot;
    REQUIRE(hal::pmap_extract(vmspace_pmap(vm), va, &pa, &prot));
    REQUIRE(has(prot, Prot::Write));
    p->p_vmspace = vm;
    auto refs = [vm] { return __atomic_load_n(&vm->refs, __ATOMIC_ACQUIRE); };
    const u32 refs_before = refs();

    Held shared = fork_stopped(FORK_SHAREVM);
    REQUIRE(shared.child->p_vmspace == vm);
    REQUIRE(refs() == refs_before + 1);
    // Sharing takes nothing away from the parent: its page stays writable.
    REQUIRE(hal::pmap_extract(vmspace_pmap(vm), va, &pa, &prot));
    REQUIRE(has(prot, Prot::Write));

    Held copied = fork_stopped(0);
    VmSpace* cvm = copied.child->p_vmspace;
    REQUIRE(cvm != nullptr);
    REQUIRE(cvm != vm);
    REQUIRE(refs() == refs_before + 1);
    // Copy-on-write: the parent lost write access, the child reads the
    // same frame.
    REQUIRE(hal::pmap_extract(vmspace_pmap(vm), va, &pa, &prot));
    REQUIRE_FALSE(has(prot, Prot::Write));
    REQUIRE(vm_fault(cvm, va, Access::Read).ok());
    paddr_t cpa;
    REQUIRE(hal::pmap_extract(vmspace_pmap(cvm), va, &cpa, &prot));
    REQUIRE(cpa == pa);
    // The anon is shared needs-copy: fork takes no page reference.
    REQUIRE(page_allocator().refcount(pa) == 1);

    finish(shared);
    REQUIRE(refs() == refs_before);  // the sharer's exit gave its reference back
    finish(copied);
    REQUIRE(page_allocator().refcount(pa) == 1);
    drop_vmspace(p, vm);
  }
  SECTION("registered fork hooks run with parent and child") {
    static Proc* seen_parent;
    static Proc* seen_child;
    ForkHook hook = [](Proc* p1, Proc* p2) {
      seen_parent = p1;
      seen_child = p2;
    };
    REQUIRE(forkhook_establish(hook).ok());
    Held h = fork_stopped(0);
    forkhook_disestablish(hook);
    REQUIRE(seen_parent == p);
    REQUIRE(seen_child == h.child);
    finish(h);
  }
  SECTION("NOTE_FORK reaches the parent's listeners with the child's pid") {
    struct Seen {
      int calls = 0;
      u32 event = 0;
      i64 data = 0;
    };
    Seen on_fork, on_exit;
    auto record = [](Knote* kn, u32 event, i64 data) {
      Seen* s = static_cast<Seen*>(kn->arg);
      s->calls++;
      s->event = event;
      s->data = data;
    };
    Knote fork_kn, exit_kn;
    fork_kn.fflags = NOTE_FORK;
    fork_kn.fn = record;
    fork_kn.arg = &on_fork;
    exit_kn.fflags = NOTE_EXIT;  // wants another event
    exit_kn.fn = record;
    exit_kn.arg = &on_exit;
    Held before = fork_stopped(0);
    knote_attach(p, &fork_kn);
    knote_attach(p, &exit_kn);
    Held heard = fork_stopped(0);
    knote_detach(p, &fork_kn);
    knote_detach(p, &exit_kn);
    Held after = fork_stopped(0);
    REQUIRE(on_fork.calls == 1);
    REQUIRE(on_fork.event == NOTE_FORK);
    REQUIRE(on_fork.data == heard.pid);
    REQUIRE(on_exit.calls == 0);
    finish(before);
    finish(heard);
    finish(after);
  }
  SECTION("an untraced parent keeps its child") {
    Held h = fork_stopped(0);
    REQUIRE(h.child->p_pptr == p);
    REQUIRE_FALSE((h.child->p_slflag & PSL_TRACEDCHILD));
    finish(h);
  }
}

namespace {
// Until t is in a ptrace stop (its own thread stops it).
bool wait_trace_stop(Proc* t) {
  for (int i = 0; i < 100000; i++) {
    {
      MutexGuard g(proc_lock);
      if (t->p_ptrace.stopped) return true;
    }
    yield();
  }
  return false;
}

// What a traced process saw of the child it forked.
struct TraceProbe {
  Proc* tracer = nullptr;
  bool fork_ok = false;
  i64 child_pid = 0;
  Proc* child = nullptr;
  Proc* child_pptr = nullptr;
  Proc* child_opptr = nullptr;
  u32 child_slflag = 0;
};
void traced_fork_body(void* arg) {
  TraceProbe* t = static_cast<TraceProbe*>(arg);
  i64 rv[2];
  Proc* child = nullptr;
  t->fork_ok = fork1(curlwp(), 0, kSigChld, 0, 0, exit_with, nullptr, rv, &child).ok();
  if (t->fork_ok) {
    MutexGuard g(proc_lock);
    t->child_pid = rv[0];
    t->child = child;
    t->child_pptr = child->p_pptr;
    t->child_opptr = child->p_opptr;
    t->child_slflag = child->p_slflag;
    // The child was ours before the tracer took it.
    if (t->child_opptr != curproc()) t->child_opptr = nullptr;
  }
  exit1(curlwp(), 0, 0);
}
}  // namespace

TEST_CASE("ptrace attach: a traced process's fork goes to the tracer", "[fork][ptrace]") {
  setup();
  Proc* p = curproc();
  Proc* tracer = stand_in_proc(kPidMax - 2);
  // Orphans of the target's exit need an init (a stand-in, as above).
  Proc* saved_init = initproc;
  Proc* init_stand_in = stand_in_proc(kPidMax - 3);
  initproc = init_stand_in;
  // The target: a child that starts stopped, so the tracer can attach and
  // ask for its forks before it runs.
  TraceProbe probe;
  probe.tracer = tracer;
  p->p_sflag |= PS_STOPFORK;
  i64 rv[2];
  Proc* target = nullptr;
  Result<void> r = fork1(curlwp(), 0, kSigChld, 0, 0, traced_fork_body, &probe, rv, &target);
  p->p_sflag &= ~PS_STOPFORK;
  REQUIRE(r.ok());
  const i64 target_pid = rv[0];
  const u32 stopped_before = p->p_nstopchild;

  // Refusals first: oneself, a system process, init.
  REQUIRE(proc_trace_attach(target, target).error() == Error::Inval);
  REQUIRE(proc_trace_attach(tracer, p).error() == Error::Perm);  // proc0: PK_SYSTEM
  // Not traced yet: the tracer may not set its events.
  REQUIRE(proc_trace_set_events(tracer, target, PTRACE_FORK).error() == Error::Perm);

  REQUIRE(proc_trace_attach(tracer, target).ok());
  REQUIRE((target->p_slflag & PSL_TRACED));
  REQUIRE(target->p_pptr == tracer);
  REQUIRE(target->p_ppid == tracer->p_pid.value);
  REQUIRE(target->p_opptr == p);
  REQUIRE(p->p_nstopchild == stopped_before - 1);  // the stop moved with it
  REQUIRE(tracer->p_nstopchild == 1);
  REQUIRE(proc_trace_attach(tracer, target).error() == Error::Busy);
  REQUIRE(proc_trace_set_events(tracer, target, PTRACE_FORK).ok());
  REQUIRE((target->p_slflag & PSL_TRACEFORK));

  // Resumed, the target forks and stops for its tracer: SIGTRAP |
  // PTRACE_EVENT_FORK << 8, the child's pid as the event message (the
  // seed's eventswitch(TRAP_CHLD, PTRACE_FORK)).
  REQUIRE(proc_continue(target));
  REQUIRE(wait_trace_stop(target));
  {
    MutexGuard g(proc_lock);
    REQUIRE(target->p_xsig == (kSigTrap | int(PtraceEvent::Fork) << 8));
    REQUIRE(target->p_stat == ProcStat::SSTOP);
    REQUIRE(target->p_ptrace.eventmsg > 0);
  }
  // Only the tracer may resume it.
  REQUIRE(ptrace_resume(p, i32(target_pid), 0, false).error() == Error::Srch);
  REQUIRE(ptrace_resume(tracer, i32(target_pid), 0, false).ok());
  int status;
  // The tracer reaps it, and hands it back to its real parent (NetBSD's
  // proc_reap for a process got by ptrace), which reaps it too.
  REQUIRE(reap(tracer, target_pid, &status) == target_pid);
  REQUIRE(reap(p, target_pid, &status) == target_pid);
  REQUIRE(probe.fork_ok);
  REQUIRE(probe.child_pptr == tracer);
  REQUIRE(probe.child_opptr != nullptr);  // its real parent was the target
  REQUIRE((probe.child_slflag & (PSL_TRACED | PSL_TRACEDCHILD)) ==
          (PSL_TRACED | PSL_TRACEDCHILD));
  // It inherited PS_STOPFORK from the target: the tracer lets it go
  // (issue 8: resumed by SIGCONT or by a tracer), no one else.
  REQUIRE(probe.child->p_stat == ProcStat::SSTOP);
  REQUIRE(ptrace_resume(p, i32(probe.child_pid), 0, false).error() == Error::Srch);
  REQUIRE(ptrace_resume(tracer, i32(probe.child_pid), 0, false).ok());
  REQUIRE(reap(tracer, probe.child_pid, &status) == probe.child_pid);
  // Its real parent exited first: it goes back to init, which reaps it.
  REQUIRE(reap(init_stand_in, probe.child_pid, &status) == probe.child_pid);
  REQUIRE(tracer->p_nstopchild == 0);
  initproc = saved_init;
  free_stand_in(init_stand_in);
  free_stand_in(tracer);
}

namespace {
struct VforkProbe {
  bool child_done = false;
};
void vfork_child(void* arg) {
  sleep_ns(20'000'000);  // the parent must still be waiting after this
  __atomic_store_n(&static_cast<VforkProbe*>(arg)->child_done, true, __ATOMIC_RELEASE);
  exit1(curlwp(), 0, 0);
}
}  // namespace

TEST_CASE("fork1: FORK_PPWAIT keeps the parent asleep until the child exits",
          "[fork][vfork]") {
  setup();
  VforkProbe probe;
  i64 rv[2];
  REQUIRE(fork1(curlwp(), FORK_PPWAIT, kSigChld, 0, 0, vfork_child, &probe, rv, nullptr).ok());
  REQUIRE(__atomic_load_n(&probe.child_done, __ATOMIC_ACQUIRE));
  REQUIRE_FALSE(curlwp()->l_vforkwaiting);
  int status;
  REQUIRE(reap(curproc(), rv[0], &status) == rv[0]);
}

TEST_CASE("COW reference counts through fork, write and exit", "[fork][vm]") {
  setup();
  Proc* p = curproc();
  VmSpace* vm = MUST(vmspace_create());
  const uptr va = MUST(vm_map_anon(vm, 0x200000, kPageSize, Prot::Read | Prot::Write | Prot::User,
                                   MapShare::Private, true));
  REQUIRE(vm_fault(vm, va, Access::Write).ok());
  paddr_t pa;
  Prot prot;
  REQUIRE(hal::pmap_extract(vmspace_pmap(vm), va, &pa, &prot));
  REQUIRE(page_allocator().refcount(pa) == 1);
  p->p_vmspace = vm;
  Held h = fork_stopped(0);
  VmSpace* cvm = h.child->p_vmspace;
  REQUIRE(cvm != vm);
  // The child maps the same frame when it first reads it.
  REQUIRE(vm_fault(cvm, va, Access::Read).ok());
  paddr_t cpa;
  REQUIRE(hal::pmap_extract(vmspace_pmap(cvm), va, &cpa, &prot));
  REQUIRE(cpa == pa);
  REQUIRE(page_allocator().refcount(pa) == 1);  // shared by the anon, needs-copy
  REQUIRE(hal::pmap_extract(vmspace_pmap(vm), va, &pa, &prot));
  REQUIRE_FALSE(has(prot, Prot::Write));  // read-only in the parent too
  // The parent writes: it gets a copy, the child keeps the original.
  REQUIRE(vm_fault(vm, va, Access::Write).ok());
  paddr_t npa;
  REQUIRE(hal::pmap_extract(vmspace_pmap(vm), va, &npa, &prot));
  REQUIRE(npa != pa);
  REQUIRE(page_allocator().refcount(pa) == 1);
  // The child exits: its page goes.
  finish(h);
  drop_vmspace(p, vm);
}

// ---- process lifecycle: counts until reaped, orphans, exit's teardown ----

namespace {
bool is_zombie(Proc* c) {
  MutexGuard g(proc_lock);
  return c->p_stat == ProcStat::SZOMB;
}

// Forks children that exit at once and are not waited for, each left to
// become a zombie before the next fork, until fork fails or `cap` children.
// Returns how many were forked; their pids in pids; *eagain: fork said EAGAIN.
unsigned fork_zombies(unsigned cap, i64* pids, bool* eagain) {
  *eagain = false;
  unsigned n = 0;
  while (n < cap) {
    i64 rv[2];
    Proc* c = nullptr;
    Result<void> r = fork1(curlwp(), 0, kSigChld, 0, 0, exit_with, nullptr, rv, &c);
    if (!r.ok()) {
      *eagain = r.error() == Error::Again;
      break;
    }
    pids[n++] = rv[0];
    while (!is_zombie(c)) sleep_ns(1'000'000);
  }
  return n;
}

void reap_all(const i64* pids, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    int status;
    REQUIRE(reap(curproc(), pids[i], &status) == pids[i]);
  }
}
}  // namespace

TEST_CASE("zombies count against maxproc until they are reaped (NetBSD proc_free)",
          "[fork][exit]") {
  setup();
  Baseline b;
  const u32 saved = maxproc;
  constexpr unsigned kRoom = 5;
  maxproc = b.procs + 1 + kRoom;  // room for kRoom more processes
  i64 pids[4 * kRoom];
  bool eagain;
  const unsigned n = fork_zombies(4 * kRoom, pids, &eagain);
  const u32 procs_with_zombies = __atomic_load_n(&nprocs, __ATOMIC_RELAXED);
  maxproc = saved;
  reap_all(pids, n);
  REQUIRE(n == kRoom);
  REQUIRE(eagain);
  REQUIRE(procs_with_zombies == b.procs + kRoom);
  Baseline after;
  REQUIRE(after.procs == b.procs);
  REQUIRE(after.root_count == b.root_count);
  REQUIRE(after.lwps == b.lwps);
  REQUIRE(fork_and_wait(0, 0) == 0);  // reaped: forks succeed again
}

TEST_CASE("zombies count against RLIMIT_NPROC of their uid until they are reaped",
          "[fork][exit]") {
  setup();
  Proc* p = curproc();
  // Our own reference keeps proc0's limits alive and unchanged: privatize
  // then always copies (it drops the reference it replaces), and the copy
  // is freed at the end.
  Plimit* saved_limit = p->p_limit;
  lim_addref(saved_limit);
  REQUIRE(lim_privatize(&p->p_limit).ok());
  REQUIRE(p->p_limit != saved_limit);
  constexpr unsigned kLimit = 3;
  p->p_limit->limits[kRlimitNproc].cur = kLimit;
  // The parent forks as uid 1001 (not counted itself: it is proc0): kLimit
  // children of that uid fit, then EAGAIN, zombies or not.
  Cred* root = p->p_cred;
  Cred* user = MUST(cred_create_root());
  user->uid = user->euid = Uid{1001};
  p->p_cred = user;
  i64 pids[4 * kLimit];
  bool eagain;
  const unsigned n = fork_zombies(4 * kLimit, pids, &eagain);
  const i64 user_count = chgproccnt(Uid{1001}, 0);
  p->p_cred = root;
  reap_all(pids, n);
  const i64 user_after = chgproccnt(Uid{1001}, 0);
  p->p_cred = user;
  i64 more[1];
  bool eagain2;
  const unsigned again = fork_zombies(1, more, &eagain2);
  p->p_cred = root;
  reap_all(more, again);
  cred_release(user);
  lim_free(p->p_limit);
  p->p_limit = saved_limit;
  REQUIRE(n == kLimit);
  REQUIRE(eagain);
  REQUIRE(user_count == kLimit);
  REQUIRE(user_after == 0);
  REQUIRE(again == 1);  // reaped: the uid may fork again
}

namespace {
std::atomic<Proc*> g_tick_parent{nullptr};
std::atomic<unsigned> g_ticks{0}, g_stale_reloads{0};
thread_local bool t_in_tick = false;

// A timer tick taken the moment interrupts come back on, in a child of
// g_tick_parent: the scheduler switches the thread out and back in
// (proc_switch, the real switch-in path). Loading a user space onto a hart
// that had already left it for the kernel map is the bug: exit1 is about to
// destroy that space. The test counts it and takes the space off again, so
// it reports instead of tripping pmap_destroy's assertion.
void tick_on_irq_enable() {
  if (t_in_tick) return;  // curlwp() itself turns interrupts off and on
  t_in_tick = true;
  Lwp* l = curlwp();
  Proc* parent = g_tick_parent.load();
  if (parent && l && l->proc && l->proc->p_pptr == parent) {
    g_ticks++;
    hal::Pmap* before = hal::host::loaded_pmap();
    proc_switch(l, l);
    if (!before && hal::host::loaded_pmap()) {
      g_stale_reloads++;
      vmspace_activate(nullptr);
    }
  }
  t_in_tick = false;
}
}  // namespace

TEST_CASE("exit_preempted_between_kernel_map_and_vmspace_release: a tick in exit's "
          "teardown does not reload the dying address space", "[fork][exit]") {
  setup();
  Proc* p = curproc();
  VmSpace* vm = MUST(vmspace_create());
  const uptr va = MUST(vm_map_anon(vm, 0x300000, kPageSize, Prot::Read | Prot::Write | Prot::User,
                                   MapShare::Private, true));
  REQUIRE(vm_fault(vm, va, Access::Write).ok());
  p->p_vmspace = vm;  // the children get copies: each exit tears one down
  g_ticks = 0;
  g_stale_reloads = 0;
  g_tick_parent = p;
  hal::host::set_irq_enable_hook(tick_on_irq_enable);
  for (int i = 0; i < 20; i++) REQUIRE(fork_and_wait(0, 0) == 0);
  hal::host::set_irq_enable_hook(nullptr);
  g_tick_parent = nullptr;
  drop_vmspace(p, vm);
  REQUIRE(g_ticks > 20);  // the ticks did happen, in the children
  REQUIRE(g_stale_reloads == 0);
}

namespace {
void orphan_body(void* arg) {
  // Lives until told to go, then exits (after its parent has exited).
  auto* go = static_cast<std::atomic<bool>*>(arg);
  while (!go->load()) sleep_ns(1'000'000);
  exit1(curlwp(), 7, 0);
}
struct OrphanMaker {
  std::atomic<bool>* go;
  Proc* orphan = nullptr;
  i64 orphan_pid = 0;
};
void orphan_parent(void* arg) {
  auto* m = static_cast<OrphanMaker*>(arg);
  i64 rv[2];
  // A clone child whose exit signal is SIGUSR1, not SIGCHLD.
  MUST(fork1(curlwp(), 0, kSigUsr1, 0, 0, orphan_body, m->go, rv, &m->orphan));
  m->orphan_pid = rv[0];
  exit1(curlwp(), 0, 0);
}
}  // namespace

TEST_CASE("an orphan goes to init with SIGCHLD as its exit signal (NetBSD proc_reparent)",
          "[fork][exit]") {
  setup();
  Proc* p = curproc();
  Proc* saved_init = initproc;
  initproc = p;  // the test is init: the orphan comes to it
  std::atomic<bool> go{false};
  OrphanMaker m{&go};
  i64 rv[2];
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, orphan_parent, &m, rv, nullptr).ok());
  int status;
  REQUIRE(reap(p, rv[0], &status) == rv[0]);  // the parent is gone
  REQUIRE(m.orphan != nullptr);
  Proc* pptr;
  int exitsig;
  {
    MutexGuard g(proc_lock);
    pptr = m.orphan->p_pptr;
    exitsig = m.orphan->p_exitsig;
  }
  const u64 pending_before = p->p_sigpend;
  go = true;
  while (!is_zombie(m.orphan)) sleep_ns(1'000'000);
  const u64 posted = p->p_sigpend & ~pending_before;
  p->p_sigpend = pending_before;  // a SIGUSR1 here would end our waits
  // init's wait4(-1, .., 0) reaps it (a SIGUSR1 child needs __WCLONE).
  Result<i64> w = do_wait4(p, -1, kWaitNoHang, &status);
  if (!(w.ok() && w.value() == m.orphan_pid))
    (void)do_wait4(p, i32(m.orphan_pid), kWaitAll, &status);  // clean up
  initproc = saved_init;
  REQUIRE(pptr == p);
  REQUIRE(exitsig == kSigChld);
  REQUIRE(w.ok());
  REQUIRE(w.value() == m.orphan_pid);
  REQUIRE(status == w_exitcode(7, 0));
  // init heard SIGCHLD, not SIGUSR1 (which would have killed it).
  REQUIRE_FALSE((posted & (u64(1) << (kSigUsr1 - 1))));
}

namespace {
struct PriorityProbe {
  unsigned parent = 0, child = 0;
};
void user_mode_exits(hal::UserFrame*) { exit1(curlwp(), 0, 0); }
void fork_user_child(void* arg) {
  auto* probe = static_cast<PriorityProbe*>(arg);
  probe->parent = curlwp()->priority;
  Proc* p = curproc();
  p->p_sflag |= PS_STOPFORK;  // look at the child before it runs
  i64 rv[2];
  Proc* c = nullptr;
  MUST(fork1(curlwp(), 0, kSigChld, 0, 0, nullptr, nullptr, rv, &c));
  p->p_sflag &= ~PS_STOPFORK;
  probe->child = c->p_lwp->priority;
  {
    MutexGuard g(proc_lock);
    c->p_stat = ProcStat::SACTIVE;
    p->p_nstopchild--;
  }
  c->p_lwp->state = LwpState::LSIDL;
  sched_setrunnable(c->p_lwp);
  int status;
  MUST(do_wait4(p, i32(rv[0]), 0, &status));
  exit1(curlwp(), 0, 0);
}
}  // namespace

TEST_CASE("user_lwps_at_kernel_priority: a child returning to user mode runs at kPriUser",
          "[fork][sched]") {
  setup();
  hal::host::set_user_mode_hook(user_mode_exits);
  PriorityProbe probe;
  // A kernel-function process (kernel priority) forks a user child.
  i64 rv[2];
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, fork_user_child, &probe, rv, nullptr).ok());
  int status;
  REQUIRE(reap(curproc(), rv[0], &status) == rv[0]);
  hal::host::set_user_mode_hook(nullptr);
  REQUIRE(probe.parent == kPriKernel);  // kernel function children keep theirs
  REQUIRE(probe.child == kPriUser);
}

namespace {
struct ExecProbe {
  bool ok = false;
  unsigned before = 0, after = 0;
};
void exec_then_exit(void* arg) {
  auto* probe = static_cast<ExecProbe*>(arg);
  probe->before = curlwp()->priority;
  const char* argv[] = {"/bin/exit-static", nullptr};
  probe->ok = exec_kernel(curlwp(), "/bin/exit-static", argv, nullptr).ok();
  probe->after = curlwp()->priority;
  exit1(curlwp(), 0, 0);
}
std::vector<u8> read_file(const char* name) {
  std::vector<u8> bytes;
  FILE* f = std::fopen(name, "rb");
  if (!f) return bytes;
  u8 chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  return bytes;
}
}  // namespace

TEST_CASE("user_lwps_at_kernel_priority: exec makes a kernel-function process (init) "
          "run at kPriUser", "[fork][exec][sched]") {
  setup();
  const std::vector<u8> elf = read_file("elf/exit-static");  // the tests run in test/data
  REQUIRE(!elf.empty());
  const std::vector<u8> cpio =
      test::CpioBuilder()
          .dir("bin")
          .file("bin/exit-static", std::string(elf.begin(), elf.end()))
          .finish();
  REQUIRE(vfs_mount_root(&kTmpfsType).ok());
  REQUIRE(vfs_seed_cpio(cpio.data(), cpio.size()).ok());
  ExecProbe probe;
  i64 rv[2];
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, exec_then_exit, &probe, rv, nullptr).ok());
  int status;
  REQUIRE(reap(curproc(), rv[0], &status) == rv[0]);
  vfs_reset();
  REQUIRE(probe.ok);
  REQUIRE(probe.before == kPriKernel);
  REQUIRE(probe.after == kPriUser);
}

// ---- The seed's doors (fork/sys_fork.cpp) and the Linux clone shim ----
//
// A door test forks a stand-in user process from proc0 (a kernel-function
// child with an address space of its own and a user frame), which calls a
// door, or linux_clone, as its own syscall. Its child returns to "user
// mode" through child_return, where the user-mode hook notes what the
// child sees and exits.

#include "core/compat/linux/linux.h"
#include "core/proc/clone.h"
#include "core/proc/fork_doors.h"
#include "hal/user.h"

namespace {

struct DoorCall {
  // In: the door to call directly, or nullptr for linux_clone.
  SyscallFn door = nullptr;
  u64 a0 = 0;     // flags
  uptr a1 = 0;    // new stack
  // Out, from the parent:
  i64 pid = 0;
  bool child_done_at_return = false;
  VmSpace* parent_vm = nullptr;
  FileTable* parent_fd = nullptr;
  int status = -1;
  // Out, from the child (read after wait4, which orders them):
  bool child_done = false;
  bool parent_was_waiting = false;
  VmSpace* child_vm = nullptr;
  FileTable* child_fd = nullptr;
  int child_exitsig = -1;
  uptr child_sp = 0;
  u64 child_a0 = ~0ull;
  Lwp* parent_lwp = nullptr;
};
DoorCall* g_door_call;
constexpr uptr kParentSp = 0x7fff0000;

[[noreturn]] void door_child_user(hal::UserFrame* f) {
  DoorCall* c = g_door_call;
  Proc* p = curproc();
  c->child_vm = p->p_vmspace;
  c->child_fd = curfd();
  c->child_exitsig = p->p_exitsig;
  c->child_sp = hal::user_frame_sp(f);
  c->child_a0 = hal::host::user_frame_reg(f, 10);
  {
    MutexGuard g(proc_lock);
    c->parent_was_waiting = c->parent_lwp->l_vforkwaiting;
  }
  sleep_ns(10'000'000);  // a vfork parent must still be waiting after this
  __atomic_store_n(&c->child_done, true, __ATOMIC_RELEASE);
  exit1(curlwp(), 0, 0);
}

void door_parent(void* arg) {
  DoorCall* c = static_cast<DoorCall*>(arg);
  Lwp* l = curlwp();
  Proc* p = l->proc;
  VmSpace* vm = MUST(vmspace_create());
  {
    hal::IrqState s = hal::irq_save();
    p->p_vmspace = vm;
    vmspace_activate(vm);
    hal::irq_restore(s);
  }
  hal::UserFrame* f = hal::user_frame_of(l->stack);
  for (unsigned r = 0; r < 32; r++) hal::host::user_frame_set_reg(f, r, 0);
  hal::host::user_frame_set_reg(f, 2, kParentSp);
  c->parent_lwp = l;
  c->parent_vm = vm;
  c->parent_fd = curfd();
  const SyscallArgs args{{c->a0, c->a1, 0, 0, 0, 0}};
  c->pid = c->door ? c->door(args) : linux_clone(args);
  c->child_done_at_return = __atomic_load_n(&c->child_done, __ATOMIC_ACQUIRE);
  if (c->pid > 0) {
    Result<i64> w = do_wait4(p, i32(c->pid), kWaitAll, &c->status);
    if (!w.ok() || w.value() != c->pid) c->status = -2;
  }
  exit1(l, 0, 0);
}

// Runs one door call from a fresh stand-in user process.
void call_door(DoorCall& c) {
  g_door_call = &c;
  hal::host::set_user_mode_hook(door_child_user);
  i64 rv[2];
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, door_parent, &c, rv, nullptr).ok());
  int status = -1;
  REQUIRE(reap(curproc(), rv[0], &status) == rv[0]);
  hal::host::set_user_mode_hook(nullptr);
  REQUIRE(status == 0);
}

}  // namespace

TEST_CASE("door sys_fork: a copied child, the parent goes on, SIGCHLD", "[fork][doors]") {
  setup();
  DoorCall c;
  c.door = sys_fork;
  call_door(c);
  REQUIRE(c.pid > 0);
  REQUIRE(c.status == 0);
  REQUIRE(c.child_a0 == 0);
  REQUIRE(c.child_vm != nullptr);
  REQUIRE(c.child_vm != c.parent_vm);
  REQUIRE(c.child_fd != c.parent_fd);
  REQUIRE(c.child_exitsig == kSigChld);
  REQUIRE_FALSE(c.parent_was_waiting);
  REQUIRE(c.child_sp == kParentSp);
}

TEST_CASE("door sys_vfork (4.4BSD): copied memory, the parent waits for the child",
          "[fork][doors]") {
  setup();
  DoorCall c;
  c.door = sys_vfork;
  call_door(c);
  REQUIRE(c.pid > 0);
  REQUIRE(c.child_done_at_return);
  REQUIRE(c.parent_was_waiting);
  REQUIRE(c.child_vm != c.parent_vm);
  REQUIRE(c.child_exitsig == kSigChld);
}

TEST_CASE("door sys___vfork14 (3BSD): shared memory, the parent waits for the child",
          "[fork][doors]") {
  setup();
  DoorCall c;
  c.door = sys___vfork14;
  call_door(c);
  REQUIRE(c.pid > 0);
  REQUIRE(c.child_done_at_return);
  REQUIRE(c.parent_was_waiting);
  REQUIRE(c.child_vm == c.parent_vm);
  REQUIRE(c.child_exitsig == kSigChld);
}

TEST_CASE("door sys___clone: flags mapped, exit signal and stack taken", "[fork][doors]") {
  setup();
  DoorCall c;
  c.door = sys___clone;
  c.a0 = kCloneFiles;  // exit signal 0: none (wait4 with __WALL)
  c.a1 = 0x5000;
  call_door(c);
  REQUIRE(c.pid > 0);
  REQUIRE(c.child_fd == c.parent_fd);
  REQUIRE(c.child_vm != c.parent_vm);
  REQUIRE(c.child_exitsig == 0);
  REQUIRE(c.child_sp == 0x5000);
  REQUIRE_FALSE(c.parent_was_waiting);
  DoorCall bad;
  bad.door = sys___clone;
  bad.a0 = kCloneSighand | kSigChld;  // without CLONE_VM: the seed refuses
  call_door(bad);
  REQUIRE(bad.pid == -i64(Error::Inval));
}

namespace {
int g_door_used;
const ForkDoors* g_real_doors;
i64 rec_fork(const SyscallArgs& a) { g_door_used = 1; return g_real_doors->fork(a); }
i64 rec_vfork(const SyscallArgs& a) { g_door_used = 2; return g_real_doors->vfork(a); }
i64 rec_vfork14(const SyscallArgs& a) { g_door_used = 3; return g_real_doors->vfork14(a); }
i64 rec_clone(const SyscallArgs& a) { g_door_used = 4; return g_real_doors->clone(a); }

// Which door linux_clone(flags, newsp) went through (0: none).
int door_of(u64 flags, uptr newsp, DoorCall* out = nullptr) {
  DoorCall c;
  c.a0 = flags;
  c.a1 = newsp;
  g_door_used = 0;
  call_door(c);
  if (out) *out = c;
  return g_door_used;
}
}  // namespace

TEST_CASE("linux clone goes through the seed's door its flags name", "[fork][doors]") {
  setup();
  g_real_doors = &fork_doors();
  const ForkDoors recording = {rec_fork, rec_vfork, rec_vfork14, rec_clone,
                               g_real_doors->kernel};
  fork_doors_install(&recording);
  // glibc's fork: the emulation's own flags ride along, the door is fork.
  DoorCall glibc_fork;
  const int fork_door =
      door_of(kCloneChildSettid | kCloneChildCleartid | kSigChld, 0, &glibc_fork);
  const int plain_fork = door_of(kSigChld, 0);
  const int vfork44 = door_of(kCloneVfork | kSigChld, 0);
  DoorCall glibc_vfork;  // passes its own sp as the new stack
  const int vfork14 = door_of(kCloneVm | kCloneVfork | kSigChld, kParentSp, &glibc_vfork);
  const int vfork14_nosp = door_of(kCloneVm | kCloneVfork | kSigChld, 0);
  DoorCall on_stack;
  const int vfork_new_stack = door_of(kCloneVm | kCloneVfork | kSigChld, 0x6000, &on_stack);
  const int files = door_of(kCloneFiles | kSigChld, 0);
  const int no_signal = door_of(0, 0);
  const int refused = door_of(kCloneThread | kCloneVm | kCloneSighand | kSigChld, 0);
  fork_doors_install(g_real_doors);
  REQUIRE(fork_door == 1);
  REQUIRE(glibc_fork.child_vm != glibc_fork.parent_vm);
  REQUIRE(plain_fork == 1);
  REQUIRE(vfork44 == 2);
  REQUIRE(vfork14 == 3);
  REQUIRE(glibc_vfork.child_vm == glibc_vfork.parent_vm);
  REQUIRE(glibc_vfork.child_done_at_return);
  REQUIRE(vfork14_nosp == 3);
  REQUIRE(vfork_new_stack == 4);
  REQUIRE(on_stack.child_sp == 0x6000);
  REQUIRE(files == 4);
  REQUIRE(no_signal == 4);
  REQUIRE(refused == 0);  // EINVAL before any door
}
