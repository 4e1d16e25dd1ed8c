// ptrace(2), syscall 117 on riscv64 (kernel/ptrace.c's sys_ptrace): decodes
// the request and calls the semantics in core/proc/ptrace.h. Register sets
// go through hal/regset.h (NT_PRSTATUS) and the LWP's FP state
// (NT_PRFPREG); the layouts are Linux riscv64's
// (arch/riscv/include/uapi/asm/ptrace.h).
#include "core/compat/linux/linux.h"

#include "core/lib/string.h"
#include "core/proc/ptrace.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "hal/regset.h"
#include "hal/user.h"

namespace tine {

namespace {
// Requests (include/uapi/linux/ptrace.h).
enum : u64 {
  kTraceMe = 0, kPeekText = 1, kPeekData = 2, kPokeText = 4, kPokeData = 5, kCont = 7,
  kKill = 8, kAttach = 16, kDetach = 17, kSyscall = 24, kSetOptions = 0x4200,
  kGetEventMsg = 0x4201, kGetRegSet = 0x4204, kSetRegSet = 0x4205, kSeize = 0x4206,
  kInterrupt = 0x4207,
};
// Regset types (include/uapi/linux/elf.h).
constexpr u64 kNtPrstatus = 1, kNtPrfpreg = 2;

struct LinuxIovec {
  u64 base, len;
};
// struct __riscv_d_ext_state: f[32] then a 32-bit fcsr, padded to 264.
struct LinuxFpRegs {
  u64 f[32];
  u32 fcsr;
  u32 pad;
};
static_assert(sizeof(LinuxFpRegs) == 264);
static_assert(hal::kUserRegs * sizeof(u64) == 256);

Result<void> no_op(Lwp*) { return ok(); }

Result<void> regset(Proc* tracer, i32 pid, u64 type, uptr uiov, bool set) {
  // As Linux: the tracee first (ESRCH), then the iovec (EFAULT), then the type.
  TRY(ptrace_with_tracee(tracer, pid, no_op));
  LinuxIovec iov;
  TRY(copyin(&iov, uiov, sizeof iov));
  size_t size;
  if (type == kNtPrstatus)
    size = hal::kUserRegs * sizeof(u64);
  else if (type == kNtPrfpreg)
    size = sizeof(LinuxFpRegs);
  else
    return Error::Inval;
  const size_t n = min<size_t>(iov.len, size);
  // One buffer for both sets, big enough for either.
  union {
    u64 regs[hal::kUserRegs];
    LinuxFpRegs fp;
  } buf;
  memset(&buf, 0, sizeof buf);
  // Read the tracee's registers into buf (a SETREGSET shorter than the set
  // keeps the rest), copy the user's part in or out, write back for SET.
  TRY(ptrace_with_tracee(tracer, pid, [&](Lwp* l) -> Result<void> {
    if (type == kNtPrstatus) {
      hal::user_regs_get(hal::user_frame_of(l->stack), buf.regs);
    } else {
      memcpy(buf.fp.f, l->fp.f, sizeof buf.fp.f);
      buf.fp.fcsr = u32(l->fp.fcsr);
    }
    return ok();
  }));
  if (!set) {
    TRY(copyout(iov.base, &buf, n));
  } else {
    TRY(copyin(&buf, iov.base, n));
    TRY(ptrace_with_tracee(tracer, pid, [&](Lwp* l) -> Result<void> {
      if (type == kNtPrstatus) {
        hal::user_regs_set(hal::user_frame_of(l->stack), buf.regs);
      } else {
        memcpy(l->fp.f, buf.fp.f, sizeof buf.fp.f);
        l->fp.fcsr = buf.fp.fcsr;
      }
      return ok();
    }));
  }
  iov.len = n;
  return copyout(uiov + offsetof(LinuxIovec, len), &iov.len, sizeof iov.len);
}
}  // namespace

i64 linux_sys_ptrace(const SyscallArgs& a) {
  const u64 request = a.a[0];
  const i32 pid = i32(a.a[1]);
  const uptr addr = a.a[2], data = a.a[3];
  Proc* p = curproc();
  switch (request) {
    case kTraceMe: return syscall_result(ptrace_traceme(p));
    case kAttach: return syscall_result(ptrace_attach(p, pid, false, 0));
    case kSeize:
      if (addr) return errno_of(Error::Io);  // Linux: addr must be 0
      return syscall_result(ptrace_attach(p, pid, true, u32(data)));
    case kPeekText:
    case kPeekData: {
      // The system call stores the word at `data` (glibc's wrapper returns it).
      u64 word;
      Result<void> r = ptrace_io(p, pid, addr, &word, sizeof word, false);
      if (!r.ok()) return errno_of(r.error());
      return syscall_result(copyout(data, &word, sizeof word));
    }
    case kPokeText:
    case kPokeData: {
      u64 word = data;
      return syscall_result(ptrace_io(p, pid, addr, &word, sizeof word, true));
    }
    case kCont: return syscall_result(ptrace_resume(p, pid, int(data), false));
    case kSyscall: return syscall_result(ptrace_resume(p, pid, int(data), true));
    case kDetach: return syscall_result(ptrace_detach(p, pid, int(data)));
    case kKill: return syscall_result(ptrace_kill(p, pid));
    case kInterrupt: return syscall_result(ptrace_interrupt(p, pid));
    case kSetOptions: return syscall_result(ptrace_setoptions(p, pid, u32(data)));
    case kGetEventMsg: {
      Result<u64> m = ptrace_geteventmsg(p, pid);
      if (!m.ok()) return errno_of(m.error());
      const unsigned long v = m.value();
      return syscall_result(copyout(data, &v, sizeof v));
    }
    case kGetRegSet: return syscall_result(regset(p, pid, addr, data, false));
    case kSetRegSet: return syscall_result(regset(p, pid, addr, data, true));
    default: {
      // Linux: ESRCH for a non-tracee, else EIO for an unknown request.
      Result<void> t = ptrace_with_tracee(p, pid, no_op);
      return errno_of(t.ok() ? Error::Io : t.error());
    }
  }
}

}  // namespace tine
