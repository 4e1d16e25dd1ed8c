#include "core/procfs/sysctl.h"

#include "core/ipc/mqueue_names.h"
#include "core/ipc/shm.h"
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

// core_pattern: the name core dumps are written under (core/proc/coredump.h).
void core_pattern_show(TextBuf& out) {
  char pattern[kCorePatternMax];
  core_pattern_get(pattern);
  line(out, pattern);
}
Result<void> core_pattern_store(const char* text, size_t len) { return core_pattern_set(text, len); }
void hostname(TextBuf& out) { line(out, kUtsNodename); }
void osrelease(TextBuf& out) { line(out, kUtsRelease); }
void ostype(TextBuf& out) { line(out, kUtsSysname); }
// Pids and tids are handed out below it (proc_alloc_pid), as Linux's.
void pid_max_show(TextBuf& out) { line(out, u64(proc_pid_max())); }
Result<void> pid_max_store(const char* text, size_t len) {
  return proc_set_pid_max(TRY(sysctl_parse_int(text, len)));
}
void ns_last_pid_show(TextBuf& out) { line(out, u64(proc_last_pid())); }
Result<void> ns_last_pid_store(const char* text, size_t len) {
  return proc_set_last_pid(TRY(sysctl_parse_int(text, len)));
}
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

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Linux's proc_doulongvec_minmax for one value: blanks, digits (no sign),
// blanks; a value past 2^64-1 is EINVAL.
Result<u64> parse_ulong(const char* text, size_t len) {
  size_t i = 0;
  while (i < len && blank(text[i])) i++;
  const size_t digits = i;
  u64 v = 0;
  for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
    const u64 d = u64(text[i] - '0');
    if (v > (~u64(0) - d) / 10) return Error::Inval;
    v = v * 10 + d;
  }
  if (i == digits) return Error::Inval;
  while (i < len && blank(text[i])) i++;
  if (i != len) return Error::Inval;
  return v;
}

// System V shm's limits (core/ipc/shm.h).
void shmall_show(TextBuf& out) { line(out, shm_limits().shmall); }
Result<void> shmall_store(const char* text, size_t len) {
  shm_set_all(TRY(parse_ulong(text, len)));
  return ok();
}
void shmmax_show(TextBuf& out) { line(out, shm_limits().shmmax); }
Result<void> shmmax_store(const char* text, size_t len) {
  shm_set_max(TRY(parse_ulong(text, len)));
  return ok();
}
void shmmni_show(TextBuf& out) { line(out, u64(shm_limits().shmmni)); }
Result<void> shmmni_store(const char* text, size_t len) {
  return shm_set_mni(TRY(sysctl_parse_int(text, len)));
}

// POSIX message queue limits (core/ipc/mqueue_names.h), as Linux's
// ipc/mq_sysctl.c: proc_dointvec_minmax, EINVAL outside the range.
template <i64 MqLimits::*F>
void mq_show(TextBuf& out) {
  line(out, u64(mqueue_limits().*F));
}
template <i64 MqLimits::*F>
Result<void> mq_store(const char* text, size_t len) {
  return mqueue_set_limit(F, TRY(sysctl_parse_int(text, len)));
}

}  // namespace

Result<i64> sysctl_parse_int(const char* text, size_t len) {
  size_t i = 0;
  while (i < len && blank(text[i])) i++;
  const bool neg = i < len && text[i] == '-';
  if (neg) i++;
  const size_t digits = i;
  i64 v = 0;
  for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
    if (v > (i64(1) << 40)) return Error::Inval;  // past any value a sysctl takes
    v = v * 10 + (text[i] - '0');
  }
  if (i == digits) return Error::Inval;
  while (i < len && blank(text[i])) i++;
  if (i != len) return Error::Inval;
  return neg ? -v : v;
}

const Sysctl kKernelSysctls[] = {
    {"core_pattern", core_pattern_show, core_pattern_store},
    {"hostname", hostname},         {"ns_last_pid", ns_last_pid_show, ns_last_pid_store},
    {"osrelease", osrelease},
    {"ostype", ostype},             {"pid_max", pid_max_show, pid_max_store},
    {"shmall", shmall_show, shmall_store}, {"shmmax", shmmax_show, shmmax_store},
    {"shmmni", shmmni_show, shmmni_store}, {"tainted", tainted},
    {"threads-max", threads_max},   {"version", version},
};
const size_t kKernelSysctlCount = sizeof kKernelSysctls / sizeof kKernelSysctls[0];

const Sysctl kMqueueSysctls[] = {
    {"msg_default", mq_show<&MqLimits::msg_default>, mq_store<&MqLimits::msg_default>},
    {"msg_max", mq_show<&MqLimits::msg_max>, mq_store<&MqLimits::msg_max>},
    {"msgsize_default", mq_show<&MqLimits::msgsize_default>, mq_store<&MqLimits::msgsize_default>},
    {"msgsize_max", mq_show<&MqLimits::msgsize_max>, mq_store<&MqLimits::msgsize_max>},
    {"queues_max", mq_show<&MqLimits::queues_max>, mq_store<&MqLimits::queues_max>},
};
const size_t kMqueueSysctlCount = sizeof kMqueueSysctls / sizeof kMqueueSysctls[0];

}  // namespace tine
