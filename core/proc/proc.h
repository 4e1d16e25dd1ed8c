// Processes, shaped as NetBSD's struct proc (sys/proc.h), and the process
// table: pids, the all-process list, nprocs/maxproc, per-uid counts.
//
// Locking (see core/sync/lock_order.h), checked by the GUARDED_BY and
// REQUIRES annotations (scripts/check-thread-safety):
//   proc_lock  (sleeping mutex) guards the tree (parent, children, siblings),
//              the all-process list, pid allocation, p_stat, the exit
//              status, p_lflag and p_slflag (as NetBSD's "l:" fields),
//              p_vforklwp/l_vforkwaiting, and the wait cv.
//   p->p_lock  (sleeping mutex, shared under FORK_SHARESIGS) guards the
//              process's p_flag and p_sflag, limits pointer, credentials
//              pointer, pending signals (p_sigpend is also read and set
//              with atomics, lock-free, to poll it).
// Fields set at creation and never changed are unlocked. A process that
// no other thread can reach yet (or any more) is touched without locks:
// proc_assert_private() says so to the analysis.
#pragma once

#include "core/sync/condvar.h"
#include "core/proc/cred.h"
#include "core/proc/knote.h"
#include "core/fs/cwd.h"
#include "core/lib/list.h"
#include "core/sched/lwp.h"
#include "core/sync/mutex.h"
#include "core/proc/cputimer.h"
#include "core/proc/plimit.h"
#include "core/proc/ptrace_state.h"
#include "core/lib/refcount.h"
#include "core/proc/sigacts.h"
#include "core/proc/sigqueue.h"
#include "core/lib/types.h"

namespace tine {

class FileTable;
class VmSpace;
struct Emul;
struct ProcTimers;
struct CoreLwps;

// The process tree lock (proc.cpp); declared here for the annotations below.
extern Mutex proc_lock;

struct Pid {
  i32 value = 0;
  friend bool operator==(Pid a, Pid b) { return a.value == b.value; }
};

// p_stat, numbered as NetBSD.
enum class ProcStat : u8 { SIDL = 1, SACTIVE = 2, SDYING = 3, SSTOP = 4, SZOMB = 5, SDEAD = 6 };

// p_flag bits (PK_*), as NetBSD.
inline constexpr u32 PK_ADVLOCK = 0x00000001;
inline constexpr u32 PK_SYSTEM = 0x00000002;
inline constexpr u32 PK_SUGID = 0x00000100;
inline constexpr u32 PK_EXEC = 0x00004000;
inline constexpr u32 PK_NOCLDWAIT = 0x00020000;
inline constexpr u32 PK_32 = 0x00040000;
inline constexpr u32 PK_CLDSIGIGN = 0x00080000;
// p_sflag bits (PS_*).
inline constexpr u32 PS_NOCLDSTOP = 0x00000008;
inline constexpr u32 PS_STOPFORK = 0x00800000;
inline constexpr u32 PS_STOPEXEC = 0x01000000;
inline constexpr u32 PS_STOPEXIT = 0x02000000;
// p_lflag bits (PL_*).
inline constexpr u32 PL_CONTROLT = 0x00000002;
inline constexpr u32 PL_PPWAIT = 0x00000010;
inline constexpr u32 PL_ORPHANPG = 0x00000040;
// p_slflag bits (PSL_*): tracing.
inline constexpr u32 PSL_TRACEFORK = 0x00000001;
inline constexpr u32 PSL_TRACEVFORK = 0x00000002;
inline constexpr u32 PSL_TRACEVFORK_DONE = 0x00000004;
// Linux's PTRACE_O_TRACECLONE (NetBSD has no such event): a fork whose exit
// signal is not SIGCHLD.
inline constexpr u32 PSL_TRACECLONE = 0x00000040;
inline constexpr u32 PSL_TRACED = 0x00000800;
inline constexpr u32 PSL_TRACEDCHILD = 0x00001000;

// Sessions and process groups (core/proc/pgrp.h; all under proc_lock).
struct PgrpTag {};
struct Proc;
struct Tty;
struct Session {
  u32 s_count = 0;  // its process groups
  Pid sid;          // the leader's pid
  bool has_ctty = false;  // s_ttyp is set (fork1 reads it for PL_CONTROLT)
  Tty* s_ttyp = nullptr;  // its controlling terminal (core/tty/tty.h)
};
struct Pgrp : ListLink<> {
  Pid pgid;
  Session* session = nullptr;
  List<Proc, PgrpTag> pg_members;  // live and zombie members (p_pglist)
};

// Shared p_lock object (mutex_obj in NetBSD).
struct ProcLockObj {
  RefCount refs;
  Mutex mutex{"p_lock", LockRank::PLock};
  // The heap block of the Proc it was made in (proc_own_lockobj), which
  // its last release lets go of; null for one of its own.
  void* block = nullptr;
};

struct ProcStats {
  u64 forks = 0;         // children created
  u64 start_ns = 0;
  u64 user_ns = 0, sys_ns = 0;
  // Reaped children's CPU time, theirs and their children's (atomic;
  // core/proc/rusage.h).
  u64 child_user_ns = 0, child_sys_ns = 0;
};

struct ChildTag {};
struct AllProcTag {};

struct Proc : ListLink<ChildTag>, ListLink<AllProcTag>, ListLink<PgrpTag> {
  static constexpr u32 kMagic = 0x50524f43;
  u32 p_magic = kMagic;

  // Identity and tree (proc_lock).
  Pid p_pid;
  Proc* p_pptr GUARDED_BY(proc_lock) = nullptr;
  Pid p_oppid GUARDED_BY(proc_lock);  // original parent (for ptrace)
  i32 p_ppid = 0;                 // p_pptr's pid, readable without proc_lock
  Proc* p_opptr GUARDED_BY(proc_lock) = nullptr;  // tracer's view of the real parent
  List<Proc, ChildTag> p_children GUARDED_BY(proc_lock);
  Pgrp* p_pgrp GUARDED_BY(proc_lock) = nullptr;
  ProcStat p_stat GUARDED_BY(proc_lock) = ProcStat::SIDL;
  int p_exitsig GUARDED_BY(proc_lock) = 0;  // signal sent to the parent at exit
  int p_xsig GUARDED_BY(proc_lock) = 0;     // exit: signal that killed it, or 0
  int p_xexit GUARDED_BY(proc_lock) = 0;    // exit: status
  bool p_waited GUARDED_BY(proc_lock) = false;
  bool p_continued GUARDED_BY(proc_lock) = false;  // SIGCONT not yet seen by WCONTINUED
  bool p_subreaper GUARDED_BY(proc_lock) = false;  // PR_SET_CHILD_SUBREAPER (not inherited)
  int p_pdeathsig GUARDED_BY(proc_lock) = 0;       // PR_SET_PDEATHSIG (0 again in a fork child)
  u32 p_nstopchild GUARDED_BY(proc_lock) = 0;
  Lwp* p_vforklwp GUARDED_BY(proc_lock) = nullptr;  // the parent LWP waiting on our exec/exit
  PtraceState p_ptrace GUARDED_BY(proc_lock);       // tracer's state (core/proc/ptrace.h)

  // State (p_lock, except p_lflag, p_slflag and the kqueue fields: proc_lock).
  ProcLockObj* p_lockobj = nullptr;
  u32 p_flag GUARDED_BY(p_lockobj->mutex) = 0;
  u32 p_sflag GUARDED_BY(p_lockobj->mutex) = 0;
  u32 p_lflag GUARDED_BY(proc_lock) = 0;
  u32 p_slflag GUARDED_BY(proc_lock) = 0;
  Cred* p_cred GUARDED_BY(p_lockobj->mutex) = nullptr;
  Plimit* p_limit GUARDED_BY(p_lockobj->mutex) = nullptr;
  SigActs* p_sigacts = nullptr;
  u64 p_sigpend GUARDED_BY(p_lockobj->mutex) = 0;  // pending signals (bit n-1 for signal n)
  SigQueue p_sigqueue GUARDED_BY(p_lockobj->mutex);  // their siginfo (sigqueue.h)
  u32 p_contgen GUARDED_BY(p_lockobj->mutex) = 0;    // SIGCONTs posted (proc_stop_self)
  List<Knote, KnoteTag> p_klist GUARDED_BY(proc_lock);  // event listeners (core/proc/knote.h)

  // Resources. The descriptor table and the cwdinfo are the LWPs' (Lwp::l_fd,
  // l_cwdi: a thread made without CLONE_FILES or CLONE_FS has its own, as
  // on Linux); process-wide readers (procfs's /proc/<pid>/fd) use p_lwp's,
  // as Linux shows the thread-group leader's.
  VmSpace* p_vmspace = nullptr;
  const Emul* p_emul = nullptr;
  char p_comm[32] = "";
  char p_path[128] = "";          // executable path (NetBSD p_path)
  ProcStats p_stats;

  // Its LWPs (core/proc/lwp_user.h). p_lwp is the representative one:
  // the first, until it exits while others live (then another; changed
  // under proc_lock and p_lock). ptrace's registers and procfs's state are
  // its. p_single: the LWP making itself the only one (exit, exec), which
  // sleeps on p_lwpcv until the others have gone.
  Lwp* p_lwp = nullptr;
  List<Lwp, ProcLwpTag> p_lwps GUARDED_BY(p_lockobj->mutex);
  u32 p_nlwps GUARDED_BY(p_lockobj->mutex) = 0;
  Lwp* p_single GUARDED_BY(p_lockobj->mutex) = nullptr;
  CondVar p_lwpcv{"p_lwpcv"};
  // A core dump (core/proc/coredump.h): while p_single makes it, the LWPs
  // leaving put their registers there; p_coredumped: a core was written,
  // for the parent's wait status and SIGCHLD.
  CoreLwps* p_coredump GUARDED_BY(p_lockobj->mutex) = nullptr;
  bool p_coredumped GUARDED_BY(proc_lock) = false;
  ProcTimers* p_timers = nullptr; // setitimer/timer_create (core/proc/itimer.h); not inherited
  ProcCpuTimers p_cputimers;      // ITIMER_VIRTUAL/PROF (core/proc/cputimer.h); not inherited

  Mutex& p_lock() const RETURN_CAPABILITY(p_lockobj->mutex) {
    return p_lockobj->mutex;
  }
};

// The process tree lock's condition variable (wait4, vfork).
extern CondVar proc_waitcv;

// Counters: nprocs (atomic), maxproc (tunable), fork statistics.
struct ForkCounters {
  u64 forks = 0;
  u64 vforks = 0;        // fork with FORK_PPWAIT (parent waits)
  u64 sharedvm = 0;      // fork with FORK_SHAREVM
  u64 table_full = 0;    // EAGAIN from maxproc
};
extern u32 nprocs;
extern u32 maxproc;
extern ForkCounters fork_counters;
extern Proc* initproc;

// The release of a reference to a shared p_lock object, which frees it
// (or lets go of its Proc's block) with the last.
void proc_lockobj_release(ProcLockObj* lo);
// A new p_lock object (one reference) in p's own heap block, made by
// proc_struct_alloc: no allocation, cannot fail; at most once per p. It
// may outlive p (a CLONE_SIGHAND child's p_lock is its parent's): the
// block goes with the later of proc_struct_free(p) and its last release.
ProcLockObj* proc_own_lockobj(Proc* p);

// Escapes for what the analysis cannot see, each narrow:
// p is reachable by no other thread (built by proc0_init or fork1 before it
// is published, or unlinked by wait4), so its p_lock fields need no lock.
inline void proc_assert_private(const Proc* p) ASSERT_CAPABILITY(p->p_lockobj->mutex)
    NO_THREAD_SAFETY_ANALYSIS {
  (void)p;
}
// p_cred is replaced only by its own process (setuid), under p_lock, so
// the process itself reads it without the lock. p: the caller's process.
inline Cred* proc_own_cred(const Proc* p) NO_THREAD_SAFETY_ANALYSIS { return p->p_cred; }

// Pid allocation: never hands out a pid in use by a live or zombie process
// or as a process group id. Pids and tids are below pid_max (Linux's
// /proc/sys/kernel/pid_max): 30000 at boot, NetBSD's PID_MAX; root may set
// it from kPidMaxMin (Linux's RESERVED_PIDS + 1) to kPidMax, the pid
// table's size. Lowering it leaves the pids in use alone; the next pid
// handed out wraps to 1.
inline constexpr i32 kPidMax = 1 << 16;
inline constexpr i32 kPidMaxMin = 301;
extern i32 pid_max GUARDED_BY(proc_lock);
Result<void> proc_set_pid_max(i64 v);  // Error::Inval outside the range
i32 proc_pid_max();
// Linux's /proc/sys/kernel/ns_last_pid: the pid last handed out; setting
// it to N (0 .. pid_max) makes N + 1 the next one tried (checkpoint/restore
// tools and LTP use it to get a chosen pid).
i32 proc_last_pid();
Result<void> proc_set_last_pid(i64 v);  // Error::Inval outside the range
Result<Pid> proc_alloc_pid(Proc* p) REQUIRES(proc_lock);
void proc_free_pid(Pid pid) REQUIRES(proc_lock);
Proc* proc_find_locked(Pid pid) REQUIRES(proc_lock);  // live or zombie
void proc_list_insert_locked(Proc* p) REQUIRES(proc_lock);
void proc_list_remove_locked(Proc* p) REQUIRES(proc_lock);
extern List<Proc, AllProcTag> allproc GUARDED_BY(proc_lock);

// Per-uid process counts (NetBSD chgproccnt). A process counts against its
// real uid from fork (or setuid) until its parent reaps it. The table holds
// kUidSlots uids that own processes.
inline constexpr unsigned kUidSlots = 64;
// One more process for uid: the new count, or Error::Again when kUidSlots
// other uids own processes already.
[[nodiscard]] Result<i64> chgproccnt_inc(Uid uid);
// Adds diff <= 0 (0 is a query), returns the new count.
i64 chgproccnt(Uid uid, int diff);

// The process the calling thread belongs to (nullptr for kernel threads).
// Inline: most syscalls start here.
inline Proc* curproc() {
  const Lwp* l = static_cast<const Lwp*>(hal::current_thread());
  return l ? l->proc : nullptr;
}
// The calling LWP's descriptor table and cwdinfo (Lwp::l_fd, l_cwdi): the
// ones every system call uses, never another LWP's.
FileTable* curfd();
CwdInfo* curcwdi();

// Allocation of the structure itself (zeroed, magic set).
Result<Proc*> proc_struct_alloc();
void proc_struct_free(Proc* p);

}  // namespace tine
