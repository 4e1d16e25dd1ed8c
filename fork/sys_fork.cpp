// The seed's entry points: thin shims over fork1() (kern_fork.c).
#include "core/proc/emul.h"
#include "core/sched/sched.h"
#include "fork/fork.h"

namespace tine {

// Linux clone flag bits (and the seed's CLONE_PID at 0x1000).
inline constexpr u64 CLONE_CSIGNAL = 0x000000ff;
inline constexpr u64 CLONE_VM = 0x00000100;
inline constexpr u64 CLONE_FS = 0x00000200;
inline constexpr u64 CLONE_FILES = 0x00000400;
inline constexpr u64 CLONE_SIGHAND = 0x00000800;
inline constexpr u64 CLONE_PID = 0x00001000;  // Linux: CLONE_PIDFD; the seed wins
inline constexpr u64 CLONE_PTRACE = 0x00002000;
inline constexpr u64 CLONE_VFORK = 0x00004000;

namespace {
i64 fork_result(Result<void> r, const i64* retval) {
  return r.ok() ? retval[0] : -i64(r.error());
}
}  // namespace

i64 sys_fork(const SyscallArgs&) {
  i64 retval[2];
  return fork_result(fork1(curlwp(), 0, kSigChld, 0, 0, nullptr, nullptr, retval, nullptr),
                     retval);
}

i64 sys_vfork(const SyscallArgs&) {
  i64 retval[2];
  return fork_result(fork1(curlwp(), FORK_PPWAIT, kSigChld, 0, 0, nullptr, nullptr,
                           retval, nullptr),
                     retval);
}

i64 sys___vfork14(const SyscallArgs&) {
  i64 retval[2];
  return fork_result(fork1(curlwp(), FORK_PPWAIT | FORK_SHAREVM, kSigChld, 0, 0,
                           nullptr, nullptr, retval, nullptr),
                     retval);
}

Result<CloneMapping> clone_flags_to_fork(u64 clone_flags) {
  // The seed refuses CLONE_PID and CLONE_PTRACE, and (v1.234)
  // CLONE_SIGHAND without CLONE_VM.
  if (clone_flags & (CLONE_PID | CLONE_PTRACE)) return Error::Inval;
  if ((clone_flags & CLONE_SIGHAND) && !(clone_flags & CLONE_VM)) return Error::Inval;
  CloneMapping m{0, 0};
  if (clone_flags & CLONE_VM) m.fork_flags |= FORK_SHAREVM;
  if (clone_flags & CLONE_FS) m.fork_flags |= FORK_SHARECWD;
  if (clone_flags & CLONE_FILES) m.fork_flags |= FORK_SHAREFILES;
  if (clone_flags & CLONE_SIGHAND) m.fork_flags |= FORK_SHARESIGS;
  if (clone_flags & CLONE_VFORK) m.fork_flags |= FORK_PPWAIT;
  // The exit signal must be a signal number (0 means none). Linux ignores a
  // bad one; the seed refuses it, and the seed wins.
  const int sig = int(clone_flags & CLONE_CSIGNAL);
  if (sig < 0 || sig >= int(kNsig)) return Error::Inval;
  m.exitsig = sig;
  return m;
}

i64 sys___clone(const SyscallArgs& args) {
  Result<CloneMapping> m = clone_flags_to_fork(args.a[0]);
  if (!m.ok()) return -i64(m.error());
  i64 retval[2];
  return fork_result(fork1(curlwp(), m.value().fork_flags, m.value().exitsig, args.a[1], 0,
                           nullptr, nullptr, retval, nullptr),
                     retval);
}

}  // namespace tine
