// What procfs shows of processes and of the system, gathered from the
// kernel's own structures under the locks they define (core/proc/proc.h):
// proc_lock for the tree and the process table, then p_lock for a
// process's signals and credentials. The address space and file table are
// read through references taken under proc_lock, where exec and exit swap
// them, so a process that execs or exits while it is being read cannot
// free them underneath. A process is named by pid and looked up afresh each
// time: once reaped it is Error::Srch (what Linux's /proc/<pid> files
// answer once their task is gone), never a dangling pointer.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/proc/proc.h"
#include "core/procfs/render_pid.h"
#include "core/procfs/render_sys.h"

namespace tine {

class FileTable;

// pid's stat/status snapshot. Error::Srch: no such process (or pid 0).
Result<void> procfs_proc_info(i32 pid, ProcInfo& out);
// The same for its thread tid (/proc/<pid>/task/<tid>): the process's
// values, but the thread's own state, hart, signal mask and pending list,
// and CPU time. Error::Srch: no such process, or no such thread in it.
Result<void> procfs_task_info(i32 pid, i32 tid, ProcInfo& out);

// The tids of pid's LWPs, ascending, at most `max` into out: how many it
// has (which may be more than max). A zombie has its last one. Error::Srch.
Result<size_t> procfs_list_tids(i32 pid, i32* out, size_t max);
// The descriptor table of pid's thread tid (its own under CLONE_THREAD
// without CLONE_FILES), held for the caller. Error::NoEnt once it has
// none, Error::Srch: no such process or thread.
Result<FileTable*> procfs_task_files(i32 pid, i32 tid);
// Whether tid is one of pid's LWPs now: Error::Srch if not.
Result<void> procfs_task_find(i32 pid, i32 tid);

// pid's argument strings as /proc/<pid>/cmdline renders them: up to `max`
// bytes of its memory from arg_start, read like ptrace's PEEKDATA. 0 for a
// zombie or a process that never exec'd (a kernel thread). Error::Srch.
Result<size_t> procfs_proc_args(i32 pid, char* buf, size_t max);

// pid's program path (NetBSD's p_path, what exec was given, made
// absolute), NUL-terminated into buf (kPathMax bytes suffice): the length.
// Error::NoEnt when it has none (a zombie, a kernel thread), Error::Srch.
Result<size_t> procfs_proc_exe(i32 pid, char* buf, size_t max);

// pid's file table with a reference for the caller (filetable_release it).
// Error::NoEnt for a zombie (no table left), Error::Srch.
Result<FileTable*> procfs_proc_files(i32 pid);

// Whether pid is a process now (live or zombie), and its real and
// effective ids (what stat(2) on /proc/<pid> reports as its owner).
struct ProcOwner {
  u32 uid = 0, gid = 0;
  u64 start_ns = 0;  // which process of that pid (p_stats.start_ns)
};
Result<ProcOwner> procfs_proc_owner(i32 pid);

// Pids above `after`, ascending, at most `max` into out: how many. For
// readdir of /proc, a batch at a time (pid 0, the kernel's, is not listed,
// as Linux does not list its idle task).
size_t procfs_list_pids(i32 after, i32* out, size_t max);
size_t procfs_list_pids_locked(i32 after, i32* out, size_t max) REQUIRES(proc_lock);

void procfs_meminfo(MemInfo& out);
void procfs_loadavg(LoadAvg& out);
// Uptime and the harts' idle time, as /proc/uptime shows them.
void procfs_uptime(u64& uptime_ns, u64& idle_ns);
// Fills harts[0 .. nharts) (nharts <= online harts) and out.
void procfs_sys_stat(SysStat& out, HartTimes* harts, u32 nharts);

}  // namespace tine
