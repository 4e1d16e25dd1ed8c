#include "core/proc/exit.h"

#include "core/proc/knote.h"
#include "core/proc/rusage.h"

#include "core/proc/coredump.h"
#include "core/proc/emul.h"
#include "core/proc/itimer.h"
#include "core/proc/lwp_user.h"
#include "core/proc/pgrp.h"
#include "core/proc/ptrace.h"
#include "core/proc/signal.h"
#include "core/proc/vfork.h"
#include "core/fs/filedesc.h"
#include "core/vm/heap.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/sleepq.h"
#include "core/sync/spin_wait.h"
#include "core/vm/vm.h"
#include "hal/hal.h"

namespace tine {

namespace {
// Powers the machine off when init ends: its exit status becomes QEMU's.
[[noreturn]] void init_exited(int status, int sig) {
  int code = sig ? 128 + sig : status;
  hal::power_off(code);
}

// c goes under `to` (init or a subreaper), taking its unreported stop
// with it (the count would wrap at the continue otherwise).
void proc_reparent_locked(Proc* c, Proc* to) REQUIRES(proc_lock) {
  const bool counted_stop = c->p_stat == ProcStat::SSTOP && !c->p_waited;
  if (counted_stop && c->p_pptr) c->p_pptr->p_nstopchild--;
  c->p_pptr = to;
  __atomic_store_n(&c->p_ppid, to->p_pid.value, __ATOMIC_RELAXED);
  if (counted_stop) to->p_nstopchild++;
  c->p_exitsig = kSigChld;
  to->p_children.push_back(c);
}

// Where p's orphans go: the nearest living ancestor that is a subreaper
// (PR_SET_CHILD_SUBREAPER), else init (Linux find_new_reaper).
Proc* orphan_reaper_locked(Proc* p) REQUIRES(proc_lock) {
  for (Proc* a = p->p_pptr; a && a != initproc; a = a->p_pptr)
    if (a->p_subreaper && (a->p_stat == ProcStat::SACTIVE || a->p_stat == ProcStat::SSTOP))
      return a;
  return initproc;
}

void proc_reparent_to_init_locked(Proc* c) REQUIRES(proc_lock) {
  // An unreported stop is counted in the parent's p_nstopchild: it moves
  // to init with the child, or the SIGCONT that resumes it would lower the
  // count of a parent that no longer has it.
  const bool counted_stop = c->p_stat == ProcStat::SSTOP && !c->p_waited;
  if (counted_stop && c->p_pptr) c->p_pptr->p_nstopchild--;
  if (counted_stop) initproc->p_nstopchild++;
  c->p_pptr = initproc;
  __atomic_store_n(&c->p_ppid, initproc->p_pid.value, __ATOMIC_RELAXED);
  // As NetBSD's proc_reparent (and Linux): init hears of its adopted
  // children by SIGCHLD, whatever exit signal clone gave them. Otherwise
  // init's wait4(-1, .., 0) never matches a clone child (it stays a zombie),
  // and an exit signal such as SIGUSR1 would kill init.
  c->p_exitsig = kSigChld;
  initproc->p_children.push_back(c);
}
}  // namespace

void exit1(Lwp* l, int status, int sig, const SigInfo* core) {
  Proc* p = l->proc;
  KASSERT(p);
  // The core first, all of the process still in place (Linux dumps in
  // get_signal, before do_group_exit).
  if (core) (void)coredump(l, *core);
  if (p->p_emul && p->p_emul->lwp_exit) p->p_emul->lwp_exit(l);
  // The other LWPs go first; if one of them is already ending the process
  // (or exec'ing), this one just goes.
  if (!proc_single_thread(l, false)) lwp_exit_thread(l);
  exit1_alone(l, status, sig);
}

void exit1_alone(Lwp* l, int status, int sig) {
  Proc* p = l->proc;
  if (p == initproc) init_exited(status, sig);
  ptrace_exit_event(l, status, sig);  // PTRACE_EVENT_EXIT, all still in place

  // Resources that are the process's own go now; the kernel map is what
  // this thread runs on from here. The space is detached and the kernel map
  // loaded with interrupts off, in one step: a tick or IPI between the two
  // would switch this thread out and, on the way back in, reload the space
  // that vmspace_release is about to destroy (proc_switch loads p_vmspace).
  // It is taken off under proc_lock, under which procfs reads it and
  // takes a reference of its own (as exec swaps it).
  // One proc_lock hold for the space, the state and the files (a lock
  // round trip is a fair share of an exit's fixed cost).
  timers_exit(p);  // none fires for a dying process
  VmSpace* vm;
  FileTable* fd;
  CwdInfo* cwdi;
  {
    MutexGuard g(proc_lock);
    hal::IrqState s = hal::irq_save();
    vm = p->p_vmspace;
    p->p_vmspace = nullptr;
    vmspace_activate(nullptr);
    hal::irq_restore(s);
    p->p_stat = ProcStat::SDYING;
    // The vfork parent runs again (after the address space is ours no more).
    vfork_release(p);
    // This last LWP's holds on its table and cwdinfo; the other LWPs
    // dropped theirs as they went (lwp_exit_thread).
    lwp_take_files_locked(l, fd, cwdi);
  }
  if (vm) vmspace_release(vm);
  // The last holder, if none outside the process shares them, closes
  // every descriptor here.
  lwp_drop_files(fd, cwdi);

  {
    MutexGuard g(proc_lock);
    // Tracees are let go, children a tracer holds forget us (ptrace.h).
    ptrace_exit_locked(p);
    // A session leader's terminal hangs up: its foreground group gets
    // SIGHUP and SIGCONT, and the session has a terminal no more.
    pgrp_leader_exit_locked(p);
    // Groups that our exit orphans (ours, our children's) are looked at
    // once we are a zombie (NetBSD fixjobc/orphanpg).
    OrphanWatch orphans;
    orphan_watch_begin_locked(p, orphans);
    // Children go to the nearest subreaper, else init, which reap zombies
    // among them; each gets its PR_SET_PDEATHSIG signal.
    Proc* reaper = orphan_reaper_locked(p);
    while (Proc* c = p->p_children.pop_front()) {
      if (reaper == initproc) {
        proc_reparent_to_init_locked(c);
      } else {
        proc_reparent_locked(c, reaper);
        if (c->p_stat == ProcStat::SZOMB)
          (void)psignal_info(reaper, siginfo_child_exit(c, kSigChld), false);
      }
      if (c->p_pdeathsig && c->p_stat != ProcStat::SZOMB) {
        sig_post_jobctl_locked(c, c->p_pdeathsig);
        psignal(c, c->p_pdeathsig);
      }
    }
    p->p_xexit = status;
    p->p_xsig = sig;
    p->p_stat = ProcStat::SZOMB;
    // Listeners hear of the end (a pidfd becomes readable) and let go.
    knote_proc_exit_locked(p, sig ? sig : status << 8);
    orphan_watch_end_locked(p, orphans);
    // nprocs and the per-uid count stay raised until the parent reaps us
    // (proc_free_zombie, as NetBSD's proc_free): a zombie still holds its
    // LWP and kernel stack, so it counts against maxproc and RLIMIT_NPROC.
    // The exit signal to the parent (SIGCHLD by default), then wake waiters.
    if (p->p_pptr && p->p_exitsig)
      (void)psignal_info(p->p_pptr, siginfo_child_exit(p, p->p_exitsig), false);
    // A parent that set SA_NOCLDWAIT or ignores SIGCHLD (PK_NOCLDWAIT,
    // PK_CLDSIGIGN) leaves no zombie to reap: as NetBSD's exit1, the zombie
    // goes to init, which reaps it; the parent's wait no longer sees it and
    // ends with ECHILD once all its children are gone (as Linux, which
    // reaps such a child at once). Not for a traced child: its tracer waits.
    if (Proc* pp = p->p_pptr; pp && pp != initproc && !(p->p_slflag & PSL_TRACED)) {
      bool nozombie;
      {
        MutexGuard pg(pp->p_lock());
        nozombie = (pp->p_flag & (PK_NOCLDWAIT | PK_CLDSIGIGN)) != 0;
      }
      if (nozombie && initproc) {
        pp->p_children.remove(p);
        proc_reparent_to_init_locked(p);
        (void)psignal_info(initproc, siginfo_child_exit(p, kSigChld), false);
      }
    }
    proc_waitcv.broadcast();
  }
  l->proc = nullptr;  // a kernel thread now, until it is gone
  lwp_exit();
}

namespace {
// Which children a wait selects (idtype and id), and __WCLONE/__WALL.
bool child_matches(const Proc* c, const WaitSpec& w) REQUIRES(proc_lock) {
  switch (w.idtype) {
    case WaitId::Pid:
      if (c->p_pid.value != w.id) return false;
      break;
    case WaitId::Pgid:
      if (!c->p_pgrp || c->p_pgrp->pgid.value != w.id) return false;
      break;
    case WaitId::All:
      break;
  }
  // A tracee matches whatever its exit signal (Linux's eligible_child).
  if ((w.options & kWaitAll) || (c->p_slflag & PSL_TRACED)) return true;
  // __WCLONE selects children whose exit signal is not SIGCHLD, and only them.
  const bool clone_child = c->p_exitsig != kSigChld;
  return (w.options & kWaitClone) ? clone_child : !clone_child;
}

// A zombie's credential: no LWP of it runs setuid any more, so p_cred
// stays as it is without p_lock. c: a zombie (p_stat read under proc_lock).
Cred* zombie_cred(const Proc* c) REQUIRES(proc_lock) NO_THREAD_SAFETY_ANALYSIS {
  return c->p_cred;
}

// Frees a reaped zombie's remaining parts.
void proc_reap_locked(Proc* c) REQUIRES(proc_lock) {
  c->p_pptr->p_children.remove(c);
  // It leaves its group while still listed, so that an emptied group does
  // not free c's pid as the group id; the pid goes last, unless a group or
  // session still carries it as its id (then it goes with them).
  pgrp_leave_locked(c);
  proc_list_remove_locked(c);
  // The LWP that ended it may have a tid of its own (the first one went
  // earlier, lwp_exit_thread); it goes back with the process.
  if (c->p_lwp && c->p_lwp->l_lid != c->p_pid.value) proc_free_pid(Pid{c->p_lwp->l_lid});
  if (!pgrp_id_in_use_locked(c->p_pid)) proc_free_pid(c->p_pid);
}

// What a child has to report to this wait, if anything (NetBSD kern_exit.c
// wait1/find_stopped_child; Linux wait_task_zombie/stopped/continued).
// Fills out; true when there is something. Consumes the event unless
// WNOWAIT: a stop or continue is reported once.
bool child_event_locked(Proc* c, const WaitSpec& w, WaitResult& out) REQUIRES(proc_lock) {
  out.pid = c->p_pid.value;
  rusage_of_child(c, out.utime_ns, out.stime_ns);
  if (c->p_stat == ProcStat::SZOMB) {
    out.uid = zombie_cred(c)->uid.value;
  } else {
    MutexGuard cg(c->p_lock());  // a live child's setuid replaces p_cred
    out.uid = c->p_cred->uid.value;
  }
  if (c->p_stat == ProcStat::SZOMB) {
    if (!(w.options & kWaitExited)) return false;
    // The core bit and CLD_DUMPED exactly when a core file was written.
    out.status = w_exitcode(c->p_xexit, c->p_xsig) | (c->p_coredumped ? kWCoreFlag : 0);
    out.code = c->p_xsig ? (c->p_coredumped ? kCldDumped : kCldKilled) : kCldExited;
    out.si_status = c->p_xsig ? c->p_xsig : c->p_xexit;
    out.reap = !(w.options & kWaitNoWait);
    return true;
  }
  if (c->p_stat == ProcStat::SSTOP && !c->p_waited) {
    // A traced child reports its stops without WUNTRACED (as Linux).
    const bool traced = (c->p_slflag & PSL_TRACED) != 0;
    if (!(w.options & kWaitUntraced) && !traced) return false;
    out.status = (c->p_xsig << 8) | 0x7f;
    out.code = traced ? kCldTrapped : kCldStopped;
    out.si_status = c->p_xsig;
    if (!(w.options & kWaitNoWait)) {
      c->p_waited = true;
      KASSERT(c->p_pptr->p_nstopchild > 0);
      c->p_pptr->p_nstopchild--;
    }
    return true;
  }
  if (c->p_continued && (w.options & kWaitContinued)) {
    out.status = 0xffff;
    out.code = kCldContinued;
    out.si_status = kSigCont;
    if (!(w.options & kWaitNoWait)) c->p_continued = false;
    return true;
  }
  return false;
}

void proc_free_zombie(Proc* c) {
  // The zombie's LWP: once its hart has switched away from it, it goes too.
  // It may still be on its way out of exit1 (even preempted there): wait
  // until it is a zombie that no hart runs.
  if (Lwp* l = c->p_lwp) {
    SpinWait w;  // a yield with nothing else to run is a spin
    while (lwp_state_load(l) != LwpState::LSZOMB ||
           __atomic_load_n(&l->on_cpu, __ATOMIC_ACQUIRE))
      // A real-time reaper's yield lets only its equals and betters run,
      // and the zombie may be lower, queued on this very hart: it sleeps.
      if (sched_is_rt(curlwp())) {
        sleep_ns(1);
      } else {
        yield();
        w.pause();
      }
    lwp_free(l);
  }
  proc_assert_private(c);  // unlinked by proc_reap_locked
  // The counts fork1 raised drop only now (NetBSD's proc_free).
  (void)chgproccnt(c->p_cred->uid, -1);
  __atomic_sub_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
  cred_release(c->p_cred);
  lim_free(c->p_limit);
  sigacts_release(c->p_sigacts);
  proc_lockobj_release(c->p_lockobj);
  proc_struct_free(c);
}
}  // namespace

Result<bool> do_wait(Proc* p, const WaitSpec& w, WaitResult& out) {
  Proc* reaped = nullptr;
  bool found = false;
  {
    MutexGuard g(proc_lock);
    bool any = false;
    // Until a matching child has something to report, no child matches, or
    // WNOHANG; a signal ends the wait (EINTR). exit1, stops and continues
    // wake proc_waitcv.
    TRY(sleep_until(SleepOn{.cv = &proc_waitcv, .m = &proc_lock}, [&] {
      sleep_until_holds(proc_lock);
      any = false;
      for (Proc* c : p->p_children) {
        if (!child_matches(c, w)) continue;
        any = true;
        if (!child_event_locked(c, w, out)) continue;
        found = true;
        if (out.reap) {
          // A tracee goes back to its real parent, which reaps it.
          if (ptrace_handback_locked(p, c)) {
            out.reap = false;
            return true;
          }
          rusage_reap_locked(p, out.utime_ns, out.stime_ns);
          proc_reap_locked(c);
          reaped = c;
        }
        return true;
      }
      // Our children that a tracer holds come back to us.
      if (!any) any = ptrace_traced_away_locked(p, w.idtype == WaitId::Pid ? w.id : -1);
      return !any || (w.options & kWaitNoHang) != 0;
    }));
    if (!found) {
      if (!any) return Error::Child;
      return false;  // WNOHANG, nothing to report yet
    }
  }
  if (reaped) proc_free_zombie(reaped);
  return true;
}

Result<i64> do_wait4(Proc* p, i32 pid, int options, int* status, WaitResult* out) {
  WaitSpec w{.idtype = WaitId::All, .id = 0, .options = options | kWaitExited};
  if (pid > 0) {
    w.idtype = WaitId::Pid;
    w.id = pid;
  } else if (pid == 0) {
    // The caller's own process group (read under proc_lock: setpgid moves it).
    MutexGuard g(proc_lock);
    w.idtype = WaitId::Pgid;
    w.id = p->p_pgrp ? p->p_pgrp->pgid.value : 0;
  } else if (pid < -1) {
    w.idtype = WaitId::Pgid;
    w.id = -pid;
  }
  WaitResult r;
  if (!TRY(do_wait(p, w, r))) return i64(0);
  *status = r.status;
  if (out) *out = r;
  return i64(r.pid);
}

}  // namespace tine
