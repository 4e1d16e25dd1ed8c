#include "core/procfs/render_pid.h"

#include "core/lib/string.h"

namespace tine {

char ps_state_letter(PsState s) {
  switch (s) {
    case PsState::Running: return 'R';
    case PsState::Sleeping: return 'S';
    case PsState::DiskSleep: return 'D';
    case PsState::Stopped: return 'T';
    case PsState::TracingStop: return 't';
    case PsState::Dead: return 'X';
    case PsState::Zombie: return 'Z';
  }
  return '?';
}

const char* ps_state_name(PsState s) {
  switch (s) {
    case PsState::Running: return "R (running)";
    case PsState::Sleeping: return "S (sleeping)";
    case PsState::DiskSleep: return "D (disk sleep)";
    case PsState::Stopped: return "T (stopped)";
    case PsState::TracingStop: return "t (tracing stop)";
    case PsState::Dead: return "X (dead)";
    case PsState::Zombie: return "Z (zombie)";
  }
  return "? (unknown)";
}

namespace {

// comm as stat shows it: raw, at most 15 bytes (a NUL-less comm is cut).
void put_comm(TextBuf& out, const char* comm) {
  out.put(comm, strnlen(comm, 15));
}

// comm as status shows it (proc_task_name with escaping): a newline and a
// backslash would break the "Key:\tvalue" lines, so they are escaped.
void put_comm_escaped(TextBuf& out, const char* comm) {
  const size_t n = strnlen(comm, 15);
  for (size_t i = 0; i < n; i++) {
    if (comm[i] == '\n') {
      out.put("\\n");
    } else if (comm[i] == '\\') {
      out.put("\\\\");
    } else {
      out.putc(comm[i]);
    }
  }
}

// Linux's render_sigset_t: 64 signals as 16 hex digits, signal 64 first.
void put_sigset(TextBuf& out, const char* key, u64 set) {
  static const char kHex[] = "0123456789abcdef";
  out.put(key);
  for (int shift = 60; shift >= 0; shift -= 4) out.putc(kHex[(set >> shift) & 0xf]);
  out.putc('\n');
}

// " <v>" for stat's space-separated fields.
void f(TextBuf& out, u64 v) {
  out.putc(' ');
  out.put_u64(v);
}
void fs(TextBuf& out, i64 v) {
  out.putc(' ');
  out.put_i64(v);
}

// A Vm* line of status: kB right-aligned in 8 columns, as SEQ_PUT_DEC.
void vm_line(TextBuf& out, const char* key, u64 bytes) {
  out.put(key);
  out.put_u64(bytes >> 10, 8);
  out.put(" kB\n");
}

}  // namespace

void procfs_render_stat(TextBuf& out, const ProcInfo& p) {
  out.put_i64(p.tid ? p.tid : p.pid);
  out.put(" (");
  put_comm(out, p.comm);
  out.put(") ");
  out.putc(ps_state_letter(p.state));
  fs(out, p.ppid);
  fs(out, p.pgrp);
  fs(out, p.session);
  fs(out, p.tty_nr);
  fs(out, p.tpgid);
  f(out, p.flags);
  f(out, 0);  // minflt
  f(out, 0);  // cminflt
  f(out, 0);  // majflt
  f(out, 0);  // cmajflt
  f(out, ns_to_clock_t(p.utime_ns));
  f(out, ns_to_clock_t(p.stime_ns));
  fs(out, i64(ns_to_clock_t(p.cutime_ns)));
  fs(out, i64(ns_to_clock_t(p.cstime_ns)));
  fs(out, 20 + p.nice);  // priority: Linux's prio - MAX_RT_PRIO, 20 at nice 0
  fs(out, p.nice);
  fs(out, p.num_threads);
  f(out, 0);  // itrealvalue, always 0 since Linux 2.6.17
  f(out, ns_to_clock_t(p.start_ns));
  const bool mm = p.has_mm;
  f(out, mm ? p.vsize : 0);
  f(out, mm ? p.rss_pages : 0);
  f(out, p.rsslim);
  f(out, mm ? p.start_code : 0);
  f(out, mm ? p.end_code : 0);
  f(out, mm ? p.start_stack : 0);
  f(out, 0);  // kstkesp: Linux shows 0 unless the task is dumping core
  f(out, 0);  // kstkeip
  // The obsolete decimal signal masks: signals 1..31 only, as Linux.
  f(out, p.sig_pending & 0x7fffffffu);
  f(out, p.sig_blocked & 0x7fffffffu);
  f(out, p.sig_ignored & 0x7fffffffu);
  f(out, p.sig_caught & 0x7fffffffu);
  f(out, 0);  // wchan: a flag since Linux 4.2; 0 = no /proc/<pid>/wchan
  f(out, 0);  // nswap
  f(out, 0);  // cnswap
  fs(out, p.exit_signal);
  fs(out, p.processor);
  f(out, 0);  // rt_priority
  f(out, 0);  // policy: SCHED_OTHER
  f(out, 0);  // delayacct_blkio_ticks
  f(out, 0);  // guest_time
  fs(out, 0);  // cguest_time
  f(out, mm ? p.start_data : 0);
  f(out, mm ? p.end_data : 0);
  f(out, mm ? p.start_brk : 0);
  f(out, mm ? p.arg_start : 0);
  f(out, mm ? p.arg_end : 0);
  f(out, mm ? p.env_start : 0);
  f(out, mm ? p.env_end : 0);
  fs(out, p.exit_code);
  out.putc('\n');
}

void procfs_render_status(TextBuf& out, const ProcInfo& p) {
  out.put("Name:\t");
  put_comm_escaped(out, p.comm);
  // Linux's "%#04o": four octal digits for any umask (0022).
  out.put("\nUmask:\t0");
  for (int shift = 6; shift >= 0; shift -= 3) out.putc(char('0' + ((p.umask >> shift) & 7)));
  out.putc('\n');
  out.printf("State:\t%s\n", ps_state_name(p.state));
  const i32 tid = p.tid ? p.tid : p.pid;
  out.printf("Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t%d\n", p.pid, tid,
             p.ppid, p.tracer_pid);
  out.printf("Uid:\t%u\t%u\t%u\t%u\n", p.uid[0], p.uid[1], p.uid[2], p.uid[3]);
  out.printf("Gid:\t%u\t%u\t%u\t%u\n", p.gid[0], p.gid[1], p.gid[2], p.gid[3]);
  out.printf("FDSize:\t%u\n", p.fd_size);
  // Linux's task_state: space-separated, then a trailing space.
  out.put("Groups:\t");
  for (u32 i = 0; i < p.ngroups; ++i) out.printf(i ? " %u" : "%u", p.groups[i]);
  out.put(" \n");
  out.printf("NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p.pid, tid, p.pgrp,
             p.session);
  out.put("Kthread:\t0\n");
  if (p.has_mm) {
    vm_line(out, "VmPeak:\t", p.vsize);
    vm_line(out, "VmSize:\t", p.vsize);
    vm_line(out, "VmLck:\t", 0);
    vm_line(out, "VmPin:\t", 0);
    vm_line(out, "VmHWM:\t", p.rss_pages * kPageSize);
    vm_line(out, "VmRSS:\t", p.rss_pages * kPageSize);
    vm_line(out, "RssAnon:\t", p.rss_pages * kPageSize);
    vm_line(out, "RssFile:\t", 0);
    vm_line(out, "RssShmem:\t", 0);
    vm_line(out, "VmData:\t", p.data_bytes);
    vm_line(out, "VmStk:\t", p.stack_bytes);
    vm_line(out, "VmExe:\t", p.exe_bytes);
    vm_line(out, "VmLib:\t", 0);
    vm_line(out, "VmPTE:\t", 0);
    vm_line(out, "VmSwap:\t", 0);
    out.put("CoreDumping:\t0\n");
  }
  out.printf("Threads:\t%u\n", p.num_threads);
  out.printf("SigQ:\t%u/%u\n", p.sigq_queued, p.sigq_limit);
  put_sigset(out, "SigPnd:\t", p.sig_pending);
  // The process's list for a thread's file; the process's own file shows
  // that list as SigPnd.
  put_sigset(out, "ShdPnd:\t", p.sig_shared);
  put_sigset(out, "SigBlk:\t", p.sig_blocked);
  put_sigset(out, "SigIgn:\t", p.sig_ignored);
  put_sigset(out, "SigCgt:\t", p.sig_caught);
  // Capabilities as Linux gives root (every one of the 41) and others none.
  const u64 caps = p.uid[1] == 0 ? 0x000001ffffffffffull : 0;
  out.put("CapInh:\t0000000000000000\n");
  out.printf("CapPrm:\t%016llx\nCapEff:\t%016llx\n", static_cast<unsigned long long>(caps),
             static_cast<unsigned long long>(caps));
  out.put("CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n");
  out.put("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
  const u32 harts = p.harts == 0 ? 1 : min<u32>(p.harts, 64);
  const u64 mask = harts == 64 ? ~u64(0) : (u64(1) << harts) - 1;
  out.printf("Cpus_allowed:\t%llx\n", static_cast<unsigned long long>(mask));
  if (harts == 1) {
    out.put("Cpus_allowed_list:\t0\n");
  } else {
    out.printf("Cpus_allowed_list:\t0-%u\n", harts - 1);
  }
  out.printf("voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t%llu\n",
             static_cast<unsigned long long>(p.voluntary_switches),
             static_cast<unsigned long long>(p.involuntary_switches));
}

void procfs_render_comm(TextBuf& out, const ProcInfo& p) {
  put_comm(out, p.comm);
  out.putc('\n');
}

void procfs_render_cmdline(TextBuf& out, const char* args, size_t n) {
  if (n == 0) return;
  if (args[n - 1] != '\0') {
    // setproctitle(3) wrote over the final NUL: Linux's get_mm_proctitle
    // then gives the text up to the first NUL, without it.
    out.put(args, strnlen(args, n));
    return;
  }
  out.put(args, n);
}

}  // namespace tine
