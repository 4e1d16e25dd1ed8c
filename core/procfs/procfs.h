// procfs, mounted on /proc at boot: as much of Linux's /proc as BusyBox's
// ps, top, free, uptime, pidof and kill read, and what shells and programs
// look up in it:
//
//   /proc/<pid>/stat, status, cmdline   text (core/procfs/render_pid.h)
//   /proc/<pid>/exe                     a link to the program's path
//   /proc/<pid>/fd/<n>                  a link per open descriptor: a path,
//                                       "/dev/null", "pipe:[ino]"
//   /proc/<pid>/comm, mounts            the name; the mounts (one namespace)
//   /proc/<pid>/task/<tid>/stat, status, comm   a thread's own (its tid, state,
//                                       hart, mask, pending signals, CPU time)
//   /proc/self                          a link to the reader's own pid
//   /proc/thread-self                   a link to "<pid>/task/<tid>" of the reader
//   /proc/meminfo, uptime, loadavg, stat, mounts   (render_sys.h)
//   /proc/sys/kernel/pid_max, tainted, ...  one value each (sysctl.h)
//
// Every vnode below the root is made at lookup and forgotten with its last
// reference (no name cache: processes come and go). A text file is
// rendered when it is opened, from a snapshot taken under the process
// locks (core/procfs/snapshot.h), and reads serve that text with offsets
// like a regular file; open it again for fresh numbers. A process that
// exits meanwhile leaves an open file readable and its directory's names
// ENOENT; nothing refers to its memory.
#pragma once

#include "core/vfs/mount.h"

namespace tine {

extern const FsType kProcfsType;

inline constexpr u64 kProcSuperMagic = 0x9fa0;  // statfs f_type (Linux's PROC_SUPER_MAGIC)

// The pid a /proc/<pid> directory names, or 0 for any other vnode: Linux's
// pidfd_send_signal takes such a directory's descriptor as a pidfd
// (tgid_pidfd_to_pid). *start_ns: the start time (p_stats.start_ns) of the
// process it was looked up for, which a later process of that pid lacks.
i32 procfs_pid_dir(const Vnode* v, u64* start_ns);

}  // namespace tine
