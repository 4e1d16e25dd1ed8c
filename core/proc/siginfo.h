// What a delivered signal tells its handler: Linux's generic siginfo_t
// (include/uapi/asm-generic/siginfo.h, 64-bit layout). It is the same on
// every 64-bit Linux port Tine could target, so it lives here rather than
// under hal/; the machine-dependent part of a signal frame (the ucontext)
// is hal/sigframe.h's.
#pragma once

#include "core/lib/types.h"

namespace tine {

// si_code values (Linux). Negative: sent by a process; positive: by the
// kernel, meaning depends on the signal.
inline constexpr i32 kSiUser = 0;       // kill
inline constexpr i32 kSiKernel = 0x80;  // the kernel, no more detail
inline constexpr i32 kSiQueue = -1;     // sigqueue
inline constexpr i32 kSiTimer = -2;
inline constexpr i32 kSiTkill = -6;
inline constexpr i32 kIllIllopc = 1;
inline constexpr i32 kFpeIntdiv = 1;
inline constexpr i32 kSegvMaperr = 1, kSegvAccerr = 2;
inline constexpr i32 kBusAdraln = 1, kBusAdrerr = 2;
inline constexpr i32 kTrapBrkpt = 1;
inline constexpr i32 kCldExited = 1, kCldKilled = 2, kCldDumped = 3, kCldTrapped = 4,
                     kCldStopped = 5, kCldContinued = 6;

struct SigInfo {
  i32 si_signo = 0;
  i32 si_errno = 0;
  i32 si_code = 0;
  i32 pad0 = 0;  // the union is 8-aligned
  union {
    // SI_USER, SI_QUEUE, SI_TKILL: the sender; sigqueue's value.
    struct {
      i32 pid;
      u32 uid;
      u64 value;
    } kill;
    // SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP: the faulting address.
    struct {
      u64 addr;
    } fault;
    // SIGCHLD: the child, its status and times (clock ticks).
    struct {
      i32 pid;
      u32 uid;
      i32 status;
      i32 pad;
      i64 utime, stime;
    } chld;
    u8 raw[112] = {};
  };
};
static_assert(sizeof(SigInfo) == 128, "Linux's siginfo_t is 128 bytes");
static_assert(offsetof(SigInfo, kill) == 16 && offsetof(SigInfo, fault) == 16);

inline SigInfo siginfo_kernel(int sig, i32 code = kSiKernel) {
  SigInfo i;
  i.si_signo = sig;
  i.si_code = code;
  return i;
}

inline SigInfo siginfo_fault(int sig, i32 code, u64 addr) {
  SigInfo i = siginfo_kernel(sig, code);
  i.fault.addr = addr;
  return i;
}

}  // namespace tine
