// The text of /proc/<pid>/stat, status and cmdline, rendered from a
// snapshot of the process (ProcInfo) by pure functions: procfs takes the
// snapshot under the process's locks (core/procfs/snapshot.h) and renders
// with none held; the host tests render made-up snapshots.
//
// Formats are Linux 6.12's (fs/proc/array.c, task_mmu.c), which BusyBox's
// procps_scan (ps, top, pidof, kill -a, killall) parses: stat's fields
// after the last ')' are counted by position, so all 52 are always there,
// 0 where Tine has nothing to tell.
#pragma once

#include "core/proc/cred.h"
#include "core/procfs/textbuf.h"
#include "core/lib/types.h"

namespace tine {

// The state letter of stat and the words of status, as Linux reports them.
enum class PsState : u8 {
  Running,      // R: on a hart or runnable
  Sleeping,     // S: an interruptible sleep
  DiskSleep,    // D: an uninterruptible sleep
  Stopped,      // T: stopped by a signal
  TracingStop,  // t: stopped for its tracer
  Dead,         // X
  Zombie,       // Z: exited, not yet reaped
};

char ps_state_letter(PsState s);
const char* ps_state_name(PsState s);  // "S (sleeping)"

// Clock ticks per second of stat's times (Linux's USER_HZ, which glibc's
// sysconf(_SC_CLK_TCK) reports on riscv64).
inline constexpr u64 kUserHz = 100;
constexpr u64 ns_to_clock_t(u64 ns) { return ns / (1000000000ull / kUserHz); }

struct ProcInfo {
  i32 pid = 0;
  i32 tid = 0;        // a thread's files (task/<tid>): its tid; 0: the process's
  i32 ppid = 0;       // 0 for init
  i32 pgrp = 0;
  i32 session = 0;
  i32 tracer_pid = 0;  // 0: not traced
  i32 tty_nr = 0;      // controlling tty, dev_encode'd (core/dev/devnum.h); 0: none
  i32 tpgid = -1;      // its foreground process group; -1: none
  PsState state = PsState::Running;
  char comm[16] = "";  // NUL-terminated, at most 15 characters
  u32 flags = 0;       // Linux's PF_* bits
  u64 utime_ns = 0, stime_ns = 0;    // the process's own CPU time
  u64 cutime_ns = 0, cstime_ns = 0;  // that of its reaped children
  i64 nice = 0;
  u32 num_threads = 1;
  u64 start_ns = 0;     // since boot
  bool has_mm = true;   // false for a zombie: no Vm* lines, 0 sizes
  u64 vsize = 0;        // bytes mapped
  u64 rss_pages = 0;    // pages resident
  u64 data_bytes = 0;   // private writable mappings (VmData)
  u64 stack_bytes = 0;  // the stack mapping (VmStk)
  u64 exe_bytes = 0;    // text (VmExe)
  u64 rsslim = ~u64(0);  // RLIMIT_RSS: unlimited
  u64 start_code = 0, end_code = 0, start_stack = 0;
  u64 start_data = 0, end_data = 0, start_brk = 0;
  u64 arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
  // Signal sets, bit n-1 for signal n (1..64).
  u64 sig_pending = 0, sig_blocked = 0, sig_ignored = 0, sig_caught = 0;
  u64 sig_shared = 0;  // a thread's: the process's pending list (ShdPnd)
  u32 sigq_queued = 0, sigq_limit = 0;  // "SigQ:" queued / RLIMIT_SIGPENDING
  int exit_signal = 17;  // sent to the parent at exit (SIGCHLD)
  int processor = 0;     // the hart it last ran on
  int exit_code = 0;     // a zombie's wait status, else 0
  u32 umask = 022;
  u32 uid[4] = {};  // real, effective, saved, file system
  u32 gid[4] = {};
  u32 ngroups = 0;  // supplementary groups, ascending
  u32 groups[kNgroupsMax] = {};
  u32 fd_size = 64;  // descriptor slots (FDSize)
  u32 harts = 1;     // Cpus_allowed: every hart
  u64 voluntary_switches = 0, involuntary_switches = 0;
};

// /proc/<pid>/stat: one line, 52 fields (the first is tid for a thread's).
void procfs_render_stat(TextBuf& out, const ProcInfo& p);
// /proc/<pid>/status: "Name:\t..." lines.
void procfs_render_status(TextBuf& out, const ProcInfo& p);
// /proc/<pid>/cmdline from the bytes of the argument area (arg_start ..
// arg_end of its memory): argv's strings, each with its NUL. A process that
// rewrote its arguments may have left no NUL at the end; then, as Linux,
// the text runs on to the first NUL and stops there. n == 0 (a zombie, a
// process that has not exec'd a program) renders nothing.
void procfs_render_cmdline(TextBuf& out, const char* args, size_t n);
// /proc/<pid>/comm: the name and a newline.
void procfs_render_comm(TextBuf& out, const ProcInfo& p);

}  // namespace tine
