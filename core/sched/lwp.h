// The LWP: the unit of scheduling. Kernel-only threads for now; the fork
// core gives them a process and a user context.
#pragma once

#include "core/sched/callout.h"
#include "core/lib/list.h"
#include "core/sync/lockdebug.h"
#include "core/sync/thread_safety.h"
#include "core/lib/result.h"
#include "core/sched/runqueue.h"
#include "core/lib/types.h"
#include "hal/hal.h"
#include "hal/user.h"

namespace tine {

struct Proc;
class FileTable;
struct CwdInfo;
class SleepQueue;
class CAPABILITY("mutex") Mutex;
extern Mutex proc_lock;  // core/proc/proc.h
class CondVar;
struct SleepQueueTag {};
struct ProcLwpTag {};  // Proc::p_lwps (core/proc/proc.h)

// States and their numbers as NetBSD's <sys/lwp.h>.
enum class LwpState : u8 {
  LSIDL = 1,     // being created
  LSRUN = 2,     // runnable, on a run queue
  LSSLEEP = 3,   // asleep on a sleep queue
  LSSTOP = 4,    // stopped
  LSZOMB = 5,    // exited, not yet reaped
  LSONPROC = 7,  // running on a hart
};

const char* lwp_state_name(LwpState s);

// Scheduling classes, as NetBSD's l_class (SCHED_OTHER, SCHED_FIFO,
// SCHED_RR): time-sharing threads run at their level round robin on a
// slice; real-time ones (core/sched/sched.h) above every time-sharing one,
// FIFO without a slice, RR on kRrSliceTicks.
enum class SchedClass : u8 { Other = 0, Fifo = 1, Rr = 2 };

// Field protection: `state`, the queue links and `cpu` change under the run
// queue lock of the hart it is queued on, or the sleep queue lock it sleeps
// on; the running thread alone changes its own state from LSONPROC.
struct Lwp : ListLink<RunQueueTag>, ListLink<SleepQueueTag>, ListLink<ProcLwpTag> {
  static constexpr u32 kMagic = 0x4c57501a;
  u32 magic = kMagic;
  const char* name = "?";
  LwpState state = LwpState::LSIDL;
  u8 priority = kPriKernel;  // run-queue level; atomic (sched_set_class)
  u8 rq_level = 0;         // the level it is queued at (under its queue's lock)
  // Its class and real-time priority (1..kRtPrioMax; 0 for Other): written
  // by sched_set_class, with `priority`, atomically; copied to a fork child
  // or a new thread (NetBSD's lwp_create takes l1->l_class).
  SchedClass l_class = SchedClass::Other;
  u8 l_rtprio = 0;
  bool l_yielding = false;  // sched_yield: to the tail of its level
  int pinned = -1;         // hart index it must run on, or -1
  int place_on = -1;       // first queue for a new thread, or -1
  unsigned cpu = 0;        // hart it runs on or last ran on
  u32 on_cpu = 0;          // its context is live on a hart (not yet saved)
  int slice = 0;           // ticks left in its time slice
  bool detached = true;    // freed at exit; else kept as a zombie for join
  bool static_storage = false;  // a hart's boot context: never freed
  bool timed_out = false;  // the last timed sleep ended by timeout
  SleepQueue* sleepq = nullptr;  // what it sleeps on (LSSLEEP)
  // Its interruptible sleep (core/sync/sleepq.h, sleepq_intr_begin): the
  // queue a signal's waker must wake (atomic), the waker's mark (atomic;
  // read by the sleeper under the queue's lock), and the wakers that may be
  // using the queue (atomic; the sleeper waits for 0 before it lets go).
  SleepQueue* l_intr_q = nullptr;
  u32 l_intr_flag = 0;
  u32 l_intr_wakers = 0;
  Callout timeout;               // a timed sleep's alarm
  hal::Context ctx;
  hal::KernelStack stack;
  void (*entry)(void*) = nullptr;
  void* arg = nullptr;
  LockSet locks;           // debug: locks held, for order checks
  u64 runs = 0;            // times switched to
  Proc* proc = nullptr;    // its process (the fork core)
  // Its descriptor table and current directory/umask (core/proc/proc.h,
  // curfd/curcwdi), each a held reference: shared with other LWPs or
  // processes (CLONE_FILES, CLONE_FS) or its own copy, as Linux's per-task
  // files and fs (NetBSD keeps l_fd as a cached copy of p_fd; here it is
  // the only pointer). Replaced or taken off only by the LWP itself (exec,
  // exit), under proc_lock, under which procfs reads the representative
  // LWP's; the LWP reads its own without a lock.
  FileTable* l_fd = nullptr;
  CwdInfo* l_cwdi = nullptr;
  // User threads (NetBSD's names):
  uptr l_private = 0;            // TLS pointer
  u64 l_sigmask = 0;             // blocked signals
  // Signal state only the LWP itself touches (core/proc/signal.cpp,
  // sendsig.cpp, syscall.cpp): the alternate stack (sigaltstack), the mask
  // rt_sigsuspend replaced and a handler's frame must restore, and the
  // restart bookkeeping of the syscall that was interrupted.
  uptr l_sigstk_sp = 0;
  u64 l_sigstk_size = 0;         // 0: no alternate stack (SS_DISABLE)
  u32 l_sigstk_flags = 0;        // SS_AUTODISARM as given
  u64 l_sigsaved = 0;
  bool l_sigsaved_set = false;   // l_sigsaved holds the mask to restore
  u8 l_sysrestart = 0;           // SyscallRestart of the last syscall
  u64 l_sysrestart_a0 = 0;       // its first argument, for the restart
  // Error::RestartBlock: what restart_syscall runs instead (Linux's
  // restart_block), with its two words; null: nothing to finish (EINTR).
  i64 (*l_restart_fn)(u64, u64) = nullptr;
  u64 l_restart_args[2] = {};
  u64 l_sigwaitset = 0;          // rt_sigtimedwait: blocked signals that end its sleep
  bool l_vforkwaiting GUARDED_BY(proc_lock) = false;  // parent of a vfork child
  CondVar* l_waitcv = nullptr;   // where it waits for that child
  hal::FpState fp;               // user FPU registers while switched out
  // Linux emulation: clone's CHILD_SETTID / CHILD_CLEARTID addresses.
  uptr emul_set_child_tid = 0;
  uptr emul_clear_child_tid = 0;
  // Fork hand-over: clone arguments the emulation's fork hook reads.
  u64 emul_clone_flags = 0;
  uptr emul_clone_child_tid = 0;
  uptr emul_clone_parent_tid = 0;
  uptr emul_clone_tls = 0;
  SleepQueue* join_waiters = nullptr;  // joinable threads: who waits for exit
  // A user process's threads (core/proc/lwp_user.h): its thread id (Linux's
  // tid; the first LWP's is the pid), and the signals pending on its own
  // list (core/proc/sigqueue.h), changed under its process's p_lock with
  // atomics, read without it.
  i32 l_lid = 0;
  u64 l_sigpend = 0;
  // Work for the way back to user mode (kWork*, below), atomic: set by
  // whoever posts it, cleared by the full userret before it looks. The
  // fast syscall path reads this word alone (core/proc/syscall_fast.h).
  u32 l_work = 0;
  // Linux scheduling attributes (core/compat/linux/sched.cpp), atomic: the
  // harts sched_setaffinity allowed (0: all; `pinned` holds the one it runs
  // on when that is not all), the nice value, the policy (SCHED_OTHER 0,
  // SCHED_BATCH 3). Inherited by a fork child.
  u64 l_affinity = 0;
  int8_t l_nice = 0;
  u8 l_policy = 0;
  // CPU time (core/sched/cputime.h): user and system ns, and when the
  // running stretch being charged began.
  u64 l_utime_ns = 0;
  u64 l_stime_ns = 0;
  u64 l_cpu_mark_ns = 0;
  // What of it the LWP has handed to its process's CPU-time timers
  // (core/proc/cputimer.h), user and system: written by itself only.
  u64 l_cpt_seen_ns[2] = {};
  // The earliest deadline of the POSIX timers on its CPU clock (~0: none;
  // core/proc/itimer.cpp), atomic.
  u64 l_cpt_next_ns = ~u64(0);
  // Linux emulation's futexes (core/compat/linux/futex.cpp), the LWP's
  // own: the robust list set_robust_list registered (0: none), and a timed
  // wait's value and bitset for its restart block.
  uptr emul_robust_list = 0;
  u64 emul_futex_restart = 0;
  // prctl(PR_SET_NO_NEW_PRIVS) (core/compat/linux/prctl.cpp): kept across
  // fork, clone and exec.
  bool l_no_new_privs = false;
};

// Reads another thread's state without its lock (for polling loops).
inline LwpState lwp_state_load(const Lwp* l) {
  return static_cast<LwpState>(
      __atomic_load_n(reinterpret_cast<const u8*>(&l->state), __ATOMIC_ACQUIRE));
}

// l_work's bits. Signal: a signal, a stop or ptrace wants userret_work
// (set while any signal is pending, blocked or not, as userret_idle
// says). Resched: its hart's need_resched was set while it ran there.
// CpuTimer: its CPU time moved while a CPU-time timer is armed.
inline constexpr u32 kWorkSignal = 1, kWorkResched = 2, kWorkCpuTimer = 4;

// Posted after what it announces (a release): the full userret clears the
// word with an acquire before it looks, so it sees the post or keeps the bit.
inline void lwp_work_post(Lwp* l, u32 bits) {
  __atomic_fetch_or(&l->l_work, bits, __ATOMIC_RELEASE);
}

struct LwpOptions {
  const char* name = "kthread";
  unsigned priority = kPriKernel;
  int pinned = -1;        // hart index, or -1 to run anywhere
  int place_on = -1;      // first queue (a hint; others may steal it)
  bool joinable = false;  // lwp_join() reaps it; else freed at exit
};

// Creates a kernel thread running entry(arg) and makes it runnable.
// Error::NoMem when no memory for the thread or its stack.
Result<Lwp*> lwp_create(void (*entry)(void*), void* arg,
                        const LwpOptions& opts);
// Ends the calling thread.
[[noreturn]] void lwp_exit();
// Waits until a joinable thread has exited, then frees it.
void lwp_join(Lwp* l);

// Scheduler internals (core/sched/sched.cpp): a thread with its stack, not yet
// runnable; and the end of a zombie once its hart has switched away.
Result<Lwp*> lwp_alloc(const LwpOptions& opts);
void lwp_reap_after_switch(Lwp* l);
// Frees a thread that never ran (fork's roll-back) or has been reaped.
void lwp_free(Lwp* l);

// Number of live (created, not yet freed) kernel threads.
u64 lwp_live_count();

}  // namespace tine
