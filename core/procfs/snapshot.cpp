#include "core/procfs/snapshot.h"

#include "core/dev/devnum.h"
#include "core/fs/filedesc.h"
#include "core/lib/string.h"
#include "core/proc/exit.h"
#include "core/proc/lwp_user.h"
#include "core/proc/plimit.h"
#include "core/proc/proc.h"
#include "core/proc/rusage.h"
#include "core/proc/sigpending_count.h"
#include "core/procfs/loadavg.h"
#include "core/sched/cpu.h"
#include "core/sched/cputime.h"
#include "core/sched/lwp.h"
#include "core/tty/tty_internal.h"
#include "core/vm/heap.h"
#include "core/vm/page_alloc.h"
#include "core/vm/vm.h"
#include "core/vm/vm_io.h"
#include "core/vm/vm_page.h"
#include "core/vm/vm_usage.h"
#include "hal/pmap.h"
#include "hal/hal.h"

namespace tine {

namespace {

// The state of p as its LWP l shows it (p's representative one for the
// process's own files, as Linux's show the leader's).
PsState ps_state_locked(const Proc* p, const Lwp* l) REQUIRES(proc_lock) {
  switch (p->p_stat) {
    case ProcStat::SZOMB: return PsState::Zombie;
    case ProcStat::SDEAD: return PsState::Dead;
    case ProcStat::SSTOP:
      return p->p_ptrace.stopped ? PsState::TracingStop : PsState::Stopped;
    default: break;
  }
  if (p->p_ptrace.stopped) return PsState::TracingStop;
  if (!l) return PsState::Running;
  switch (lwp_state_load(l)) {
    case LwpState::LSSLEEP: return PsState::Sleeping;
    case LwpState::LSSTOP: return PsState::Stopped;
    default: return PsState::Running;
  }
}

// The process pid, for the caller holding proc_lock; pid 0 (the kernel's
// own) is not shown.
Proc* find_locked(i32 pid) REQUIRES(proc_lock) {
  if (pid <= 0) return nullptr;
  return proc_find_locked(Pid{pid});
}

// Runnable or running user threads, and all processes: for loadavg and
// /proc/stat.
void count_threads_locked(u32& running, u32& all, i32& highest) REQUIRES(proc_lock) {
  running = all = 0;
  highest = 0;
  for (Proc* p : allproc) {
    if (p->p_pid.value <= 0) continue;
    all++;
    if (p->p_pid.value > highest) highest = p->p_pid.value;
    if (p->p_stat != ProcStat::SACTIVE || !p->p_lwp) continue;
    const LwpState s = lwp_state_load(p->p_lwp);
    if (s == LwpState::LSRUN || s == LwpState::LSONPROC) running++;
  }
}

}  // namespace

Result<void> procfs_proc_info(i32 pid, ProcInfo& out) { return procfs_task_info(pid, 0, out); }

Result<void> procfs_task_info(i32 pid, i32 tid, ProcInfo& out) {
  VmSpace* vs = nullptr;
  {
    MutexGuard g(proc_lock);
    Proc* p = find_locked(pid);
    if (!p) return Error::Srch;
    out.pid = pid;
    Proc* parent = (p->p_slflag & PSL_TRACED) && p->p_opptr ? p->p_opptr : p->p_pptr;
    out.ppid = parent ? parent->p_pid.value : 0;
    out.tracer_pid = (p->p_slflag & PSL_TRACED) && p->p_pptr ? p->p_pptr->p_pid.value : 0;
    if (p->p_pgrp) {
      out.pgrp = p->p_pgrp->pgid.value;
      const Session* s = p->p_pgrp->session;
      out.session = s ? s->sid.value : 0;
      // Its controlling terminal: the one tty there is, the console (5:1,
      // the node devfs names it by), and that tty's foreground group.
      if ((p->p_lflag & PL_CONTROLT) && s && s->s_ttyp) {
        out.tty_nr = i32(dev_encode(kTtyAuxMajor, kConsoleMinor));
        out.tpgid = s->s_ttyp->fg_pgid ? s->s_ttyp->fg_pgid : -1;
      }
    }
    out.state = ps_state_locked(p, p->p_lwp);
    const size_t n = strnlen(p->p_comm, sizeof out.comm - 1);
    memcpy(out.comm, p->p_comm, n);
    out.comm[n] = '\0';
    out.start_ns = p->p_stats.start_ns;
    out.exit_signal = p->p_exitsig;
    if (p->p_stat == ProcStat::SZOMB)
      out.exit_code = w_exitcode(p->p_xexit, p->p_xsig) | (p->p_coredumped ? kWCoreFlag : 0);
    if (p->p_lwp) {
      out.processor = int(__atomic_load_n(&p->p_lwp->cpu, __ATOMIC_RELAXED));
      // The LWP changes its own mask; a racy read is a snapshot.
      out.sig_blocked = __atomic_load_n(&p->p_lwp->l_sigmask, __ATOMIC_RELAXED);
      out.voluntary_switches = __atomic_load_n(&p->p_lwp->runs, __ATOMIC_RELAXED);
    }
    {
      MutexGuard pl(p->p_lock());
      if (tid != 0) {
        // One thread's own: its state, hart, mask, the signals on its own
        // list (the process's list is ShdPnd) and its CPU time, as
        // Linux's /proc/<pid>/task/<tid> files show them.
        const Lwp* l = lwp_find_locked(p, tid);
        if (!l) return Error::Srch;
        out.tid = tid;
        out.state = ps_state_locked(p, l);
        out.processor = int(__atomic_load_n(&l->cpu, __ATOMIC_RELAXED));
        out.sig_blocked = __atomic_load_n(&l->l_sigmask, __ATOMIC_RELAXED);
        out.voluntary_switches = __atomic_load_n(&l->runs, __ATOMIC_RELAXED);
        out.sig_pending = __atomic_load_n(&l->l_sigpend, __ATOMIC_RELAXED);
        out.sig_shared = p->p_sigpend;
        out.utime_ns = lwp_utime_ns(l);
        out.stime_ns = lwp_stime_ns(l);
      }
      // Linux's SigQ: the signals queued for the process's real user,
      // against its RLIMIT_SIGPENDING.
      if (p->p_cred) out.sigq_queued = u32(sigpending_count(p->p_cred->uid));
      if (p->p_limit)
        out.sigq_limit = u32(min<u64>(p->p_limit->limits[kRlimitSigpending].cur, ~u32(0)));
      out.num_threads = p->p_nlwps ? p->p_nlwps : 1;  // a zombie shows 1, as Linux
      const CpuTimes self = proc_cputime_locked(p), kids = proc_children_cputime(p);
      if (tid == 0) {
        out.sig_pending = p->p_sigpend;
        // Its own time counts its living LWPs too, as getrusage's does.
        out.utime_ns = self.user_ns;
        out.stime_ns = self.sys_ns;
      }
      out.cutime_ns = kids.user_ns;
      out.cstime_ns = kids.sys_ns;
      if (const Cred* c = p->p_cred) {
        out.uid[0] = c->uid.value;
        out.uid[1] = out.uid[3] = c->euid.value;  // [3]: fsuid follows euid
        out.uid[2] = c->suid.value;
        out.gid[0] = c->gid;
        out.gid[1] = out.gid[3] = c->egid;
        out.gid[2] = c->sgid;
        out.ngroups = c->ngroups;
        for (u32 i = 0; i < c->ngroups; ++i) out.groups[i] = c->groups[i];
      }
      // Signal actions change under p_lock (rt_sigaction, exec).
      if (p->p_sigacts) {
        for (unsigned sig = 1; sig < kNsig; sig++) {  // indexed by signal number
          const uptr h = p->p_sigacts->actions[sig].handler;
          if (h == kSigIgn) out.sig_ignored |= u64(1) << (sig - 1);
          else if (h != kSigDfl) out.sig_caught |= u64(1) << (sig - 1);
        }
      }
    }
    // The space is taken off (exit) or swapped (exec) under proc_lock.
    vs = p->p_vmspace;
    if (vs) vmspace_hold(vs);
  }
  out.fd_size = kFdInline;
  out.harts = hal::online_cpus();
  out.has_mm = vs != nullptr;
  if (vs) {
    const VmUsage u = vm_usage(vs);
    const VmExecInfo e = vm_exec_info(vs);
    vmspace_release(vs);
    out.vsize = u.mapped;
    out.rss_pages = u.resident_pages;
    out.exe_bytes = u.exe;
    out.stack_bytes = u.stack;
    out.data_bytes = u.data;
    out.start_stack = e.start_stack;
    out.arg_start = e.arg_start;
    out.arg_end = e.arg_end;
    out.env_start = e.env_start;
    out.env_end = e.env_end;
  }
  return ok();
}

Result<size_t> procfs_list_tids(i32 pid, i32* out, size_t max) {
  MutexGuard g(proc_lock);
  Proc* p = find_locked(pid);
  if (!p) return Error::Srch;
  MutexGuard pl(p->p_lock());
  // p_lwps is in creation order, and tids from the pid space wrap: sorted
  // by insertion, as the pids of /proc.
  size_t n = 0;
  for (const Lwp* l : p->p_lwps) {
    if (n < max) {
      size_t i = n;
      for (; i > 0 && out[i - 1] > l->l_lid; i--) out[i] = out[i - 1];
      out[i] = l->l_lid;
    }
    n++;
  }
  return n;
}

Result<FileTable*> procfs_task_files(i32 pid, i32 tid) {
  MutexGuard g(proc_lock);  // l_fd is swapped or taken off under it
  Proc* p = find_locked(pid);
  if (!p) return Error::Srch;
  MutexGuard pl(p->p_lock());
  const Lwp* l = lwp_find_locked(p, tid);
  if (!l) return Error::Srch;
  FileTable* t = l->l_fd;
  if (!t) return Error::NoEnt;
  filetable_hold(t);
  return t;
}

Result<void> procfs_task_find(i32 pid, i32 tid) {
  MutexGuard g(proc_lock);
  Proc* p = find_locked(pid);
  if (!p) return Error::Srch;
  MutexGuard pl(p->p_lock());
  if (!lwp_find_locked(p, tid)) return Error::Srch;
  return ok();
}

Result<size_t> procfs_proc_args(i32 pid, char* buf, size_t max) {
  VmSpace* vs;
  {
    MutexGuard g(proc_lock);
    Proc* p = find_locked(pid);
    if (!p) return Error::Srch;
    vs = p->p_vmspace;
    if (!vs) return size_t{0};
    vmspace_hold(vs);
  }
  const VmExecInfo e = vm_exec_info(vs);
  size_t n = e.arg_end > e.arg_start ? min<size_t>(e.arg_end - e.arg_start, max) : 0;
  // The strings live in the process's own memory, which it may have
  // unmapped: what cannot be read is not shown.
  if (n && !vm_io(vs, e.arg_start, buf, n, false).ok()) n = 0;
  vmspace_release(vs);
  return n;
}

Result<size_t> procfs_proc_exe(i32 pid, char* buf, size_t max) {
  MutexGuard g(proc_lock);
  Proc* p = find_locked(pid);
  if (!p) return Error::Srch;
  if (!p->p_vmspace || p->p_path[0] == '\0' || max == 0) return Error::NoEnt;
  const size_t n = strnlen(p->p_path, min(max - 1, sizeof p->p_path - 1));
  memcpy(buf, p->p_path, n);
  buf[n] = '\0';
  return n;
}

Result<FileTable*> procfs_proc_files(i32 pid) {
  MutexGuard g(proc_lock);
  Proc* p = find_locked(pid);
  if (!p) return Error::Srch;
  // The representative LWP's (Linux shows the thread-group leader's):
  // taken off (exit) or swapped (exec) under proc_lock, as p_lwp changes.
  FileTable* t = p->p_lwp ? p->p_lwp->l_fd : nullptr;
  if (!t) return Error::NoEnt;
  filetable_hold(t);
  return t;
}

Result<ProcOwner> procfs_proc_owner(i32 pid) {
  MutexGuard g(proc_lock);
  Proc* p = find_locked(pid);
  if (!p) return Error::Srch;
  ProcOwner o;
  o.start_ns = p->p_stats.start_ns;
  MutexGuard pl(p->p_lock());
  if (const Cred* c = p->p_cred) {
    o.uid = c->euid.value;
    o.gid = c->egid;
  }
  return o;
}

size_t procfs_list_pids(i32 after, i32* out, size_t max) {
  MutexGuard g(proc_lock);
  return procfs_list_pids_locked(after, out, max);
}

size_t procfs_list_pids_locked(i32 after, i32* out, size_t max) {
  if (max == 0) return 0;
  // allproc is in fork order, not pid order (pids wrap): keep the `max`
  // smallest above `after`, by insertion into the sorted output.
  size_t n = 0;
  for (Proc* p : allproc) {
    const i32 pid = p->p_pid.value;
    if (pid <= after || pid <= 0) continue;
    if (n == max && pid >= out[n - 1]) continue;
    size_t i = n < max ? n++ : n - 1;
    while (i > 0 && out[i - 1] > pid) {
      out[i] = out[i - 1];
      i--;
    }
    out[i] = pid;
  }
  return n;
}

void procfs_meminfo(MemInfo& out) {
  PageAllocator& pa = page_allocator();
  const HeapStats h = heap_stats();
  out.total = u64(pa.total_pages()) * kPageSize;
  out.free = u64(pa.free_pages()) * kPageSize;
  // The heap's pages beyond what it has handed out are empty or part-empty
  // slabs: heap_trim could return the empty ones at once.
  const u64 heap = u64(h.pages) * kPageSize;
  out.slab_unreclaimable = min<u64>(h.bytes_in_use, heap);
  out.slab_reclaimable = heap - out.slab_unreclaimable;
  out.available = out.free + out.slab_reclaimable;
  out.kernel_stack = lwp_live_count() * hal::kKernelStackSize;
  // Linux's NR_ANON_MAPPED and NR_PAGETABLE: anonymous pages (a page
  // shared copy-on-write counts once) and every live page-table page.
  out.anon_pages = u64(vm_page_allocator().anon_pages()) * kPageSize;
  out.page_tables = hal::pmap_table_pages() * kPageSize;
  out.commit_limit = out.total;
}

void procfs_loadavg(LoadAvg& out) {
  loadavg_read(out.avg);
  MutexGuard g(proc_lock);
  count_threads_locked(out.running, out.threads, out.last_pid);
}

void procfs_uptime(u64& uptime_ns, u64& idle_ns) {
  uptime_ns = hal::time_ns();
  idle_ns = 0;  // idle time is not accounted yet
}

void procfs_sys_stat(SysStat& out, HartTimes* harts, u32 nharts) {
  const u32 online = hal::online_cpus();
  out.nharts = min(nharts, online);
  out.harts = harts;
  for (u32 i = 0; i < out.nharts; i++) harts[i] = HartTimes{};
  for (u32 i = 0; i < online; i++) {
    const Cpu& c = g_cpus[i];
    out.interrupts += __atomic_load_n(&c.timer_irqs, __ATOMIC_RELAXED) +
                      __atomic_load_n(&c.ipis, __ATOMIC_RELAXED);
    out.switches += __atomic_load_n(&c.switches, __ATOMIC_RELAXED);
  }
  out.boot_time = 0;  // the realtime clock starts at boot (the epoch)
  MutexGuard g(proc_lock);
  out.forks = fork_counters.forks;
  u32 all;
  i32 highest;
  count_threads_locked(out.running, all, highest);
}

}  // namespace tine
