// The seed's entry points: thin shims over fork1() (kern_fork.c), and the
// door table that hands them to core/ (core/proc/fork_doors.h). These four
// are the only ways from a user program into fork1: the Linux emulation's
// clone calls them.
#include "core/proc/clone.h"
#include "core/proc/emul.h"
#include "core/proc/fork_doors.h"
#include "core/sched/sched.h"
#include "fork/fork.h"

namespace tine {

namespace {
i64 fork_result(Result<void> r, const i64* retval) {
  return r.ok() ? retval[0] : -i64(r.error());
}

// The one clone -> fork1 flag mapping (the seed's sys___clone).
struct CloneToFork {
  u64 clone;
  int fork;
};
constexpr CloneToFork kCloneToFork[] = {
    {kCloneVm, FORK_SHAREVM},        {kCloneFs, FORK_SHARECWD},
    {kCloneFiles, FORK_SHAREFILES},  {kCloneSighand, FORK_SHARESIGS},
    {kCloneVfork, FORK_PPWAIT},      {kCloneParent, FORK_SIBLING},
};
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
  if (clone_flags & (kClonePid | kClonePtrace)) return Error::Inval;
  if ((clone_flags & kCloneSighand) && !(clone_flags & kCloneVm)) return Error::Inval;
  CloneMapping m{0, 0};
  for (const CloneToFork& e : kCloneToFork)
    if (clone_flags & e.clone) m.fork_flags |= e.fork;
  // The exit signal must be a signal number (0 means none). Linux ignores a
  // bad one; the seed refuses it, and the seed wins.
  const int sig = int(clone_flags & kCloneCsignal);
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

namespace {
Result<i64> fork_kernel(Lwp* l1, void (*func)(void*), void* arg) {
  i64 retval[2];
  TRY(fork1(l1, 0, kSigChld, 0, 0, func, arg, retval, nullptr));
  return retval[0];
}

constexpr ForkDoors kDoors = {sys_fork, sys_vfork, sys___vfork14, sys___clone, fork_kernel};

// Installed before kmain (see core/proc/fork_doors.h).
[[gnu::constructor]] void install_fork_doors() { fork_doors_install(&kDoors); }
}  // namespace

}  // namespace tine
