// The text of the system-wide files in /proc that BusyBox's free, top,
// uptime and ps read and mount(8) lists: meminfo, uptime, loadavg, stat and
// mounts, rendered by pure functions from numbers procfs gathers (the
// host tests render made-up ones). Formats are Linux 6.12's (fs/proc/
// meminfo.c, uptime.c, loadavg.c, stat.c, fs/proc_namespace.c).
#pragma once

#include "core/procfs/textbuf.h"
#include "core/lib/types.h"

namespace tine {

// Bytes, each shown in kB; what Tine does not have (swap, a page cache
// until the VFS brings one, huge pages) stays 0, and the lines are there
// anyway, as on a Linux without the feature.
struct MemInfo {
  u64 total = 0;
  u64 free = 0;
  u64 available = 0;  // free plus what could be reclaimed at once
  u64 buffers = 0;
  u64 cached = 0;     // file pages in memory
  u64 active_anon = 0, inactive_anon = 0, active_file = 0, inactive_file = 0;
  u64 dirty = 0;
  u64 anon_pages = 0;
  u64 mapped = 0;
  u64 shmem = 0;
  u64 slab_reclaimable = 0;    // free heap slabs the allocator could return
  u64 slab_unreclaimable = 0;  // the kernel heap in use
  u64 kernel_stack = 0;
  u64 page_tables = 0;
  u64 commit_limit = 0;
  u64 committed = 0;
};
void procfs_render_meminfo(TextBuf& out, const MemInfo& m);

// "uptime idle": seconds with two decimals; idle is summed over all harts.
void procfs_render_uptime(TextBuf& out, u64 uptime_ns, u64 idle_ns);

// Load averages are fixed point with kFshift fraction bits (Linux's
// avenrun: 1.0 is 2048).
inline constexpr unsigned kFshift = 11;
struct LoadAvg {
  u64 avg[3] = {};     // 1, 5 and 15 minutes
  u32 running = 0;     // runnable threads now
  u32 threads = 0;     // all threads
  i32 last_pid = 0;    // the pid handed out last
};
void procfs_render_loadavg(TextBuf& out, const LoadAvg& l);

// /proc/stat: time of each hart by what it spent it on, and counters.
struct HartTimes {
  u64 user_ns = 0, nice_ns = 0, system_ns = 0, idle_ns = 0, iowait_ns = 0, irq_ns = 0,
      softirq_ns = 0;
};
struct SysStat {
  const HartTimes* harts = nullptr;  // nharts of them
  u32 nharts = 0;
  u64 interrupts = 0;     // all taken, any source
  u64 switches = 0;       // context switches
  u64 boot_time = 0;      // seconds since the epoch at boot
  u64 forks = 0;          // processes created since boot
  u32 running = 0, blocked = 0;
};
void procfs_render_stat_sys(TextBuf& out, const SysStat& s);

// /proc/cpuinfo as Linux's on RISC-V (arch/riscv/kernel/cpu.c): a block
// per online hart, "processor", "hart", "isa", "mmu", then a blank line.
struct CpuInfoHart {
  u32 processor;    // Linux's logical cpu number: Tine's hart index
  u32 hartid;       // the platform's hart id
  const char* isa;  // "rv64imafdc..." ("" omits the line, as Linux without one)
  const char* mmu;  // "sv39"
};
void procfs_render_cpuinfo(TextBuf& out, const CpuInfoHart* harts, u32 n);

// One line of /proc/mounts: "device mountpoint type options 0 0". The
// device and mount point have a space, tab, newline or backslash written
// as octal (\040), as Linux's mangle, so the line splits on spaces.
struct MountLine {
  const char* device;   // "tmpfs", "devtmpfs", "proc"
  const char* path;     // "/", "/dev"
  const char* fstype;   // "tmpfs"
  const char* options;  // "rw,relatime"
};
void procfs_render_mount(TextBuf& out, const MountLine& m);

}  // namespace tine
