// What /proc/<pid>/{stat,status,cmdline} and ps report of an address space:
// its sizes (Linux's mm counters, counted when asked) and where exec put the
// argument strings (Linux's mm->arg_start .. env_end). Kept with the space,
// not the process, as Linux keeps them in the mm: a vfork child that shares
// its parent's space shows the parent's arguments until it execs.
#pragma once

#include "core/lib/types.h"

namespace tine {

class VmSpace;

// Set by exec before the space runs; fork's copy inherits them; read
// without the lock (they do not change while the space is in use).
struct VmExecInfo {
  uptr start_stack = 0;  // the initial sp
  uptr arg_start = 0, arg_end = 0;  // argv's strings, each with its NUL
  uptr env_start = 0, env_end = 0;  // envp's
};
void vm_set_exec_info(VmSpace* vs, const VmExecInfo& info);
VmExecInfo vm_exec_info(const VmSpace* vs);

// Bytes mapped, by kind, and pages resident, counted under the space's
// lock (so a snapshot; the space may change right after).
struct VmUsage {
  u64 mapped = 0;          // every entry (VmSize, stat's vsize)
  u64 resident_pages = 0;  // filled slots (VmRSS, stat's rss)
  u64 exe = 0;             // executable private entries (VmExe)
  u64 stack = 0;           // the entry holding the initial sp (VmStk)
  u64 data = 0;            // other writable private entries (VmData)
};
VmUsage vm_usage(VmSpace* vs);

}  // namespace tine
