// fork1(): NetBSD kern_fork.c rev 1.217, step by step (DESIGN.md, "The
// reference"). Steps 1-3 are the seed's fallible checks with their
// roll-backs. Tine then acquires everything else that can fail (step 3b):
// NetBSD allocates those with KM_SLEEP after its commit point and waits for
// memory; Tine has no reclaim to wait for, so it takes them up front and
// keeps the seed's rule that nothing after the commit point fails.
#include "fork/fork.h"

#include "core/lib/console.h"
#include "core/proc/emul.h"
#include "core/proc/pgrp.h"
#include "core/proc/ptrace.h"
#include "core/proc/vfork.h"
#include "core/fs/filedesc.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/sched/sched.h"
#include "core/sync/sleepq.h"
#include "core/lib/string.h"
#include "core/vm/vm.h"
#include "hal/user.h"

namespace tine {

u32 forkfsleep_ns = 0;
u32 forkfsleep_tablefull_ns = 0;

namespace {

// "proc: table is full" at most once per 10 s (the seed's ratecheck).
constexpr u64 kTableFullInterval = 10'000'000'000ull;
u64 g_last_tablefull_ns = 0;
u32 g_tablefull_reported = 0;

void tablefull() {
  const u64 now = hal::time_ns();
  u64 last = __atomic_load_n(&g_last_tablefull_ns, __ATOMIC_RELAXED);
  bool first = __atomic_exchange_n(&g_tablefull_reported, 1u, __ATOMIC_RELAXED) == 0;
  if (first || now - last >= kTableFullInterval) {
    __atomic_store_n(&g_last_tablefull_ns, now, __ATOMIC_RELAXED);
    kprintf("proc: table is full - increase kern.maxproc or NPROC\n");
  }
}

// What step 3b acquired, released again if a later acquisition fails.
struct ForkResources {
  Proc* p2 = nullptr;
  Lwp* l2 = nullptr;
  ProcLockObj* lockobj = nullptr;   // unless FORK_SHARESIGS
  SigActs* sigacts = nullptr;
  FileTable* fd = nullptr;
  CwdInfo* cwdi = nullptr;
  Plimit* limit = nullptr;          // a private copy, when the parent's is writeable
  VmSpace* vm = nullptr;
  Pid pid{};

  void roll_back() {
    if (vm) vmspace_release(vm);
    if (limit) lim_free(limit);
    if (cwdi) cwd_release(cwdi);
    if (fd) filetable_release(fd);
    if (sigacts) sigacts_release(sigacts);
    if (lockobj) proc_lockobj_release(lockobj);
    if (pid.value) {
      MutexGuard g(proc_lock);
      proc_free_pid(pid);
    }
    if (l2) lwp_free(l2);
    if (p2) proc_struct_free(p2);
  }
};

// Files and cwdinfo are the calling LWP's (Linux: the calling task's),
// which a thread made without CLONE_FILES or CLONE_FS has of its own.
Result<void> acquire(ForkResources& r, Lwp* l1, int flags) {
  Proc* p1 = l1->proc;
  r.p2 = TRY(proc_struct_alloc());
  {
    MutexGuard g(proc_lock);
    r.pid = TRY(proc_alloc_pid(r.p2));  // EAGAIN: no pid (v1.234's proc_alloc)
  }
  if (!(flags & FORK_SHARESIGS)) r.lockobj = proc_own_lockobj(r.p2);  // in p2's block
  {
    // The parent's p_lock, as rt_sigaction takes it: a CLONE_SIGHAND
    // sibling may be changing an action while we copy. The limits' copy
    // (setrlimit swaps p_limit under it) in the same hold.
    MutexGuard g(p1->p_lock());
    r.sigacts = TRY(sigactsinit(p1->p_sigacts, flags & FORK_SHARESIGS, p1->p_lock()));
    if (p1->p_limit->writeable) r.limit = TRY(lim_copy(p1->p_limit));
  }
  if (flags & FORK_SHAREFILES) {
    filetable_hold(l1->l_fd);
    r.fd = l1->l_fd;
  } else if (flags & FORK_CLEANFILES) {
    r.fd = TRY(filetable_create());
  } else {
    r.fd = TRY(filetable_copy(l1->l_fd));
  }
  r.cwdi = (flags & FORK_SHARECWD) ? cwdshare(l1->l_cwdi) : TRY(cwdinit(l1->l_cwdi));
  if (!p1->p_vmspace) {
    r.vm = nullptr;  // a kernel process: the child gets its space at exec
  } else if (flags & FORK_SHAREVM) {
    vmspace_hold(p1->p_vmspace);
    r.vm = p1->p_vmspace;
  } else {
    r.vm = TRY(vmspace_fork(p1->p_vmspace));
  }
  return ok();
}

SpinLock g_fork_hooks_lock("forkhooks", LockRank::UidCount);

// The registered hooks. Walking them needs the lock: begin/end say so,
// since clang's analysis does not see a range-for over a plain array.
struct ForkHookTable {
  static constexpr size_t kSlots = 8;
  ForkHook slot[kSlots] = {};
  ForkHook* begin() REQUIRES(g_fork_hooks_lock) { return slot; }
  ForkHook* end() REQUIRES(g_fork_hooks_lock) { return slot + kSlots; }
};
ForkHookTable g_fork_hooks GUARDED_BY(g_fork_hooks_lock);
// How many slots are in use, written under the lock: fork1 skips the
// snapshot (a spin lock per fork) when none is. A hook established while a
// fork runs may or may not see that fork, as with the lock.
u32 g_fork_hooks_used = 0;

}  // namespace

Result<void> forkhook_establish(ForkHook fn) {
  IrqSpinGuard g(g_fork_hooks_lock);
  for (ForkHook& h : g_fork_hooks)
    if (!h) {
      h = fn;
      __atomic_add_fetch(&g_fork_hooks_used, 1u, __ATOMIC_RELEASE);
      return ok();
    }
  return Error::NoMem;
}

void forkhook_disestablish(ForkHook fn) {
  IrqSpinGuard g(g_fork_hooks_lock);
  for (ForkHook& h : g_fork_hooks)
    if (h == fn) {
      h = nullptr;
      __atomic_sub_fetch(&g_fork_hooks_used, 1u, __ATOMIC_RELEASE);
    }
}

Result<void> fork1(Lwp* l1, int flags, int exitsig, uptr stack,
                   size_t stacksize, void (*func)(void*), void* arg,
                   i64* retval, Proc** rnewprocp) {
  (void)stacksize;
  Proc* p1 = l1->proc;
  KASSERT(p1 && p1->p_magic == Proc::kMagic);
  Cred* cred = proc_own_cred(p1);
  // FORK_SIBLING: init has no parent to share (Linux refuses CLONE_PARENT
  // from an unkillable init with EINVAL). Before any count is taken.
  if ((flags & FORK_SIBLING) && p1 == initproc) return Error::Inval;

  // 1. nprocs, maxproc and the fork authorization. As the seed, the count
  //    with the new process must stay below maxproc (tnprocs >= maxproc is
  //    refused). Zombies count until they are reaped (exit.cpp).
  u32 count = __atomic_add_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
  if (count >= maxproc || !kauth_authorize(cred, KauthAction::ProcessFork)) {
    __atomic_sub_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
    __atomic_fetch_add(&fork_counters.table_full, 1u, __ATOMIC_RELAXED);
    tablefull();
    if (forkfsleep_ns) sleep_ns(forkfsleep_ns);  // kpause("forkmx")
    return Error::Again;
  }

  // 2. The per-uid count against RLIMIT_NPROC, unless kauth lets the
  //    credential exceed it (root does).
  //    The uid owns the parent, so its slot in the count table exists;
  //    should it not, the answer is EAGAIN too.
  const Uid uid = cred->uid;
  Result<i64> uid_count = chgproccnt_inc(uid);
  if (!uid_count.ok()) {
    __atomic_sub_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
    return Error::Again;
  }
  u64 nproc_limit;
  {
    MutexGuard g(p1->p_lock());
    nproc_limit = p1->p_limit->limits[kRlimitNproc].cur;
  }
  if (u64(uid_count.value()) > nproc_limit &&
      !kauth_authorize(cred, KauthAction::ProcessRlimitBypass)) {
    (void)chgproccnt(uid, -1);
    __atomic_sub_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
    if (forkfsleep_ns) sleep_ns(forkfsleep_ns);  // kpause("forkulim")
    return Error::Again;
  }

  // 3. The child's kernel stack and LWP (the "uarea"): ENOMEM rolls back.
  ForkResources r;
  // A child that returns to user mode runs at the user priority (README:
  // kernel threads 16, user 8), whatever its parent runs at; a kernel
  // function child keeps its creator's until it execs (exec lowers it: init).
  const unsigned child_priority = func ? l1->priority : kPriUser;
  {
    LwpOptions o;
    o.name = p1->p_comm[0] ? "user" : "kthread";
    o.priority = child_priority;
    // A vfork child runs first, on its parent's hart: sched_setrunnable
    // parks it there and the parent's sleep in vfork_wait switches straight
    // to it, with no run queue and no IPI (round robin would start it on
    // another hart, whose wakeup the parent then waits for).
    if (flags & FORK_PPWAIT) o.place_on = int(l1->cpu);
    Result<Lwp*> l2 = lwp_alloc(o);
    if (!l2.ok()) {
      (void)chgproccnt(uid, -1);
      __atomic_sub_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
      return Error::NoMem;
    }
    r.l2 = l2.value();
    // Reaped with its process by wait4 (NetBSD's proc_free), so that a
    // parent that has waited for its child has all of its memory back.
    r.l2->detached = false;
  }

  // 3b. Everything else that can fail (see the top of this file).
  Result<void> got = acquire(r, l1, flags);
  if (!got.ok()) {
    r.roll_back();
    (void)chgproccnt(uid, -1);
    __atomic_sub_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
    return got.error();
  }

  // 4. Committed: nothing below fails.
  Proc* p2 = r.p2;
  proc_assert_private(p2);  // not published until step 5: no one else sees it
  Lwp* l2 = r.l2;
  p2->p_pid = r.pid;  // p_stat is SIDL from proc_struct_alloc
  // Zeroed region: the constructor did it. Copied region:
  memcpy(p2->p_comm, p1->p_comm, sizeof p2->p_comm);
  p2->p_emul = p1->p_emul;

  {
    MutexGuard g(p1->p_lock());
    // Inherited flags; FORK_SYSTEM marks a system process.
    // PK_NOCLDWAIT and PK_CLDSIGIGN (rt_sigaction of SIGCHLD) are inherited
    // as the seed does; exit1 reads them from the parent.
    p2->p_flag = p1->p_flag & (PK_SUGID | PK_NOCLDWAIT | PK_CLDSIGIGN | PK_32);
    if (flags & FORK_SYSTEM) p2->p_flag |= PK_SYSTEM | PK_NOCLDWAIT;
    // FORK_SHARESIGS: the child uses the parent's p_lock.
    if (flags & FORK_SHARESIGS) {
      p1->p_lockobj->refs.hold();
      p2->p_lockobj = p1->p_lockobj;
    } else {
      p2->p_lockobj = r.lockobj;
      r.lockobj = nullptr;
    }
    // Credentials, executable path.
    cred_hold(p1->p_cred);
    p2->p_cred = p1->p_cred;
    memcpy(p2->p_path, p1->p_path, sizeof p2->p_path);
    // Limits: shared copy-on-write unless the parent's copy is writeable.
    if (r.limit) {
      p2->p_limit = r.limit;
    } else {
      lim_addref(p1->p_limit);
      p2->p_limit = p1->p_limit;
    }
    // Inherited stop flags: PS_STOPFORK | PS_STOPEXEC | PS_NOCLDSTOP.
    // A child started stopped resumes by SIGCONT (proc_continue,
    // core/proc/proc_stop.cpp) or by its tracer.
    p2->p_sflag = p1->p_sflag & (PS_STOPFORK | PS_STOPEXEC | PS_NOCLDSTOP);
    // Trace flags (p_slflag) start at 0 from proc_struct_alloc: they
    // follow the tracer's wishes (ptrace(2) sets them).
  }
  // Files: shared, fresh or copied (acquire() chose), the first LWP's.
  l2->l_fd = r.fd;
  // The current directory: shared (FORK_SHARECWD) or copied.
  l2->l_cwdi = r.cwdi;
  // Signal actions: shared or copied (sigactsinit).
  p2->p_sigacts = r.sigacts;
  // Statistics start at zero.
  p2->p_stats = ProcStats{};
  p2->p_stats.start_ns = hal::time_ns();
  // No CPU-time timer, but RLIMIT_CPU counts the child's time from zero.
  cputimer_fork_child(p2);
  // The address space: shared (FORK_SHAREVM) or copy-on-write (uvm_proc_fork).
  p2->p_vmspace = r.vm;

  // The first LWP: child_return, or func(arg) for kernel callers.
  l2->proc = p2;
  l2->priority = u8(child_priority);
  // A user child runs in its parent's scheduling class at its priority:
  // kern_fork.c hands l1->l_class to lwp_create, which copies l_priority.
  if (!func) sched_lwp_fork(l2, l1);
  l2->l_private = l1->l_private;  // the TLS pointer (no lwp_setprivate)
  l2->l_sigmask = l1->l_sigmask;
  // The alternate signal stack too, as Linux's copy_process (it clears it
  // only for a thread sharing the address space, CLONE_VM without
  // CLONE_VFORK: the stack is the parent's to use).
  if (!(flags & FORK_SHAREVM) || (flags & FORK_PPWAIT)) {
    l2->l_sigstk_sp = l1->l_sigstk_sp;
    l2->l_sigstk_size = l1->l_sigstk_size;
    l2->l_sigstk_flags = l1->l_sigstk_flags;
  }
  // Only the calling LWP is copied, whatever others its process has
  // (POSIX; the seed's single lwp_create). Its tid is the pid.
  p2->p_lwp = l2;
  l2->l_lid = r.pid.value;
  p2->p_lwps.push_back(l2);
  p2->p_nlwps = 1;
  if (func) {
    l2->entry = func;
    l2->arg = arg;
  } else {
    hal::user_frame_fork(hal::user_frame_of(l2->stack), hal::user_frame_of(l1->stack),
                         stack, false, 0);
    // The child starts with the parent's FP registers. Saved into the
    // parent's own copy first: the save marks the live registers clean,
    // and clean means "l1->fp is current", so the parent's next switch-out
    // skips the save (saving straight into l2->fp lost the parent's).
    hal::fp_save(l1->fp);
    l2->fp = l1->fp;
    l2->entry = child_return;
    l2->arg = l2;
  }
  // The kernel stack starts under the user frame, also for func(arg)
  // children: they may become user processes by exec (init does).
  hal::context_init(l2->ctx, reinterpret_cast<uptr>(hal::user_frame_of(l2->stack)),
                    sched_thread_start, l2);
  // The emulation's fork hook, then the registered fork hooks.
  if (p2->p_emul && p2->p_emul->proc_fork) p2->p_emul->proc_fork(p2, l2, l1, flags);
  // A snapshot under the hooks' lock (establish/disestablish may run on
  // another hart); the hooks run after it drops, as they may take locks.
  ForkHook hooks[ForkHookTable::kSlots] = {};
  if (__atomic_load_n(&g_fork_hooks_used, __ATOMIC_ACQUIRE) != 0) {
    IrqSpinGuard g(g_fork_hooks_lock);
    size_t i = 0;
    for (ForkHook h : g_fork_hooks) hooks[i++] = h;
  }
  for (ForkHook h : hooks)
    if (h) h(p1, p2);

  // 5. Publish under proc_lock (which also guards the ptrace flags).
  bool started;
  // Once the child runs, a tracer may reap it: from here on, its pid only.
  const i32 child_pid = r.pid.value;
  PtraceEvent trace_event;
  bool traced;
  {
    MutexGuard g(proc_lock);
    // FORK_PPWAIT: the parent LWP will sleep until the child execs or
    // exits (else l_vforkwaiting is false: vfork_wait() returns only then).
    // Set before anyone can see the child.
    if (flags & FORK_PPWAIT) {
      p2->p_lflag = PL_PPWAIT;
      l1->l_vforkwaiting = true;
      p2->p_vforklwp = l1;
    }
    // The seed's tracefork/tracevfork, plus Linux's clone event (a fork
    // whose exit signal is not SIGCHLD, PTRACE_O_TRACECLONE).
    trace_event = ptrace_fork_kind(flags & FORK_PPWAIT, exitsig);
    traced = ptrace_follows_locked(p1, trace_event);
    // Controlling terminal flag follows the session (core/tty/tty.h reads
    // it: job control, TIOCGPGRP and friends).
    if (p1->p_pgrp && p1->p_pgrp->session && p1->p_pgrp->session->has_ctty)
      p2->p_lflag |= PL_CONTROLT;
    // Process group: the parent's.
    if (p1->p_pgrp) pgrp_join_locked(p2, p1->p_pgrp);
    // Parent: init under FORK_NOWAIT, the caller's own parent (now, under
    // proc_lock: it may have been reparented) under FORK_SIBLING.
    Proc* parent = p1;
    if ((flags & FORK_NOWAIT) && initproc) parent = initproc;
    if ((flags & FORK_SIBLING) && p1->p_pptr) parent = p1->p_pptr;
    p2->p_pptr = parent;
    p2->p_ppid = parent->p_pid.value;
    p2->p_oppid = (flags & FORK_SIBLING) ? parent->p_pid : p1->p_pid;
    parent->p_children.push_back(p2);
    proc_list_insert_locked(p2);
    p2->p_exitsig = (flags & FORK_SIBLING) ? p1->p_exitsig : exitsig;
    // ptrace: a traced parent's child is reparented to the tracer.
    if (traced && p1->p_pptr) {
      p2->p_opptr = p2->p_pptr;
      p2->p_pptr->p_children.remove(p2);
      p2->p_pptr = p1->p_pptr;
      p2->p_ppid = p2->p_pptr->p_pid.value;
      p2->p_pptr->p_children.push_back(p2);
      p2->p_slflag |= PSL_TRACED | PSL_TRACEDCHILD;
      // Traced as its parent is, stopped before its first instruction.
      ptrace_fork_child_locked(p1, p2);
    } else {
      traced = false;
    }
    // Counters.
    fork_counters.forks++;
    if (flags & FORK_PPWAIT) fork_counters.vforks++;
    if (flags & FORK_SHAREVM) fork_counters.sharedvm++;
    p1->p_stats.forks++;
    // NOTE_FORK with the child's pid to the parent's listeners.
    knote_post_locked(p1, NOTE_FORK, p2->p_pid.value);
    // The child runs, or starts stopped under PS_STOPFORK.
    if (p2->p_sflag & PS_STOPFORK) {
      p2->p_stat = ProcStat::SSTOP;
      p2->p_waited = false;
      p2->p_pptr->p_nstopchild++;  // the tracer's, for a traced child
      l2->state = LwpState::LSSTOP;
    } else {
      p2->p_stat = ProcStat::SACTIVE;
    }
    started = p2->p_stat == ProcStat::SACTIVE;
  }
  if (started) sched_setrunnable(l2);

  if (retval) {
    retval[0] = child_pid;
    retval[1] = 0;
  }
  if (rnewprocp) *rnewprocp = p2;

  // The tracer hears of the fork: the parent stops with
  // SIGTRAP | PTRACE_EVENT_FORK << 8 (the seed's eventswitch(TRAP_CHLD,
  // PTRACE_FORK or PTRACE_VFORK)).
  if (traced) ptrace_fork_event(l1, trace_event, child_pid);

  // 6. A vfork parent sleeps until the child execs or exits.
  if (flags & FORK_PPWAIT) {
    {
      MutexGuard g(proc_lock);
      vfork_wait(l1);
    }
    // The seed's PTRACE_VFORK_DONE, when the tracer asked for it.
    ptrace_vfork_done(l1, child_pid);
  }
  return ok();
}

}  // namespace tine
