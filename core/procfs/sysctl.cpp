#include "core/procfs/sysctl.h"

#include "core/lib/utsname.h"
#include "core/proc/core_pattern.h"
#include "core/proc/lwp_user.h"
#include "core/proc/proc.h"

namespace tine {

namespace {

void line(TextBuf& out, const char* s) {
  out.put(s);
  out.putc('\n');
}

void line(TextBuf& out, u64 v) {
  out.put_u64(v);
  out.putc('\n');
}

// core_pattern: no core dumps yet, the pattern a dumper would use.
void core_pattern(TextBuf& out) { line(out, kCorePattern); }
void hostname(TextBuf& out) { line(out, kUtsNodename); }
void osrelease(TextBuf& out) { line(out, kUtsRelease); }
void ostype(TextBuf& out) { line(out, kUtsSysname); }
// Pids and tids are handed out below kPidMax (proc_alloc_pid), as Linux's
// below pid_max.
void pid_max(TextBuf& out) { line(out, u64(kPidMax)); }
// Tine never taints itself (no modules, no forced loads, no warnings that
// Linux would mark).
void tainted(TextBuf& out) { line(out, u64(0)); }
// The threads the system can hold: each process's first LWP counts against
// maxproc (fork1), every other one against maxlwp (lwp_create_user).
void threads_max(TextBuf& out) {
  line(out, u64(__atomic_load_n(&maxproc, __ATOMIC_RELAXED)) +
                __atomic_load_n(&maxlwp, __ATOMIC_RELAXED));
}
void version(TextBuf& out) { line(out, kUtsVersion); }

}  // namespace

const Sysctl kKernelSysctls[] = {
    {"core_pattern", core_pattern}, {"hostname", hostname}, {"osrelease", osrelease},
    {"ostype", ostype},             {"pid_max", pid_max},   {"tainted", tainted},
    {"threads-max", threads_max},   {"version", version},
};
const size_t kKernelSysctlCount = sizeof kKernelSysctls / sizeof kKernelSysctls[0];

}  // namespace tine
