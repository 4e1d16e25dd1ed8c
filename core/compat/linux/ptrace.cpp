// ptrace(2), syscall 117 on riscv64 (kernel/ptrace.c's sys_ptrace): decodes
// the request and calls the semantics in core/proc/ptrace.h. Register sets
// go through hal/regset.h (NT_PRSTATUS) and the LWP's FP state
// (NT_PRFPREG); the layouts are Linux riscv64's
// (arch/riscv/include/uapi/asm/ptrace.h).
#include "core/compat/linux/linux.h"

#include "core/lib/string.h"
#include "core/proc/ptrace.h"
#include "core/proc/signal.h"
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
  kInterrupt = 0x4207, kPeekSiginfo = 0x4209, kGetSyscallInfo = 0x420e,
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

// struct ptrace_syscall_info (include/uapi/linux/ptrace.h). The size a
// call reports is the end of the part its op fills.
struct LinuxSyscallInfo {
  u8 op;
  u8 pad[3];
  u32 arch;
  u64 instruction_pointer;
  u64 stack_pointer;
  union {
    struct {
      u64 nr;
      u64 args[6];
    } entry;
    struct {
      i64 rval;
      u8 is_error;
    } exit;
    struct {
      u64 nr;
      u64 args[6];
      u32 ret_data;
    } seccomp;
  };
};
static_assert(sizeof(LinuxSyscallInfo) == 88);
constexpr size_t kInfoNoneSize = offsetof(LinuxSyscallInfo, entry);                  // 24
constexpr size_t kInfoEntrySize = offsetof(LinuxSyscallInfo, entry.args) + 6 * 8;     // 80
constexpr size_t kInfoExitSize = offsetof(LinuxSyscallInfo, exit.is_error) + 1;       // 33
static_assert(kInfoNoneSize == 24 && kInfoEntrySize == 80 && kInfoExitSize == 33);
// AUDIT_ARCH_RISCV64: EM_RISCV | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
constexpr u32 kAuditArchRiscv64 = 243 | 0x80000000u | 0x40000000u;

// PTRACE_GET_SYSCALL_INFO(pid, size, buf): copies min(size, actual) bytes
// and returns the actual size (Linux's ptrace_get_syscall_info), so that
// a newer or older struct works both ways.
i64 get_syscall_info(Proc* tracer, i32 pid, u64 user_size, uptr buf) {
  Result<PtraceSyscallInfo> r = ptrace_syscall_info(tracer, pid);
  if (!r.ok()) return errno_of(r.error());
  const PtraceSyscallInfo& in = r.value();
  LinuxSyscallInfo out;
  memset(&out, 0, sizeof out);
  out.op = u8(in.op);
  out.arch = kAuditArchRiscv64;
  out.instruction_pointer = in.pc;
  out.stack_pointer = in.sp;
  size_t actual = kInfoNoneSize;
  if (in.op == PtraceSyscallOp::Entry) {
    out.entry.nr = in.nr;
    for (unsigned i = 0; i < 6; i++) out.entry.args[i] = in.args[i];
    actual = kInfoEntrySize;
  } else if (in.op == PtraceSyscallOp::Exit) {
    out.exit.rval = in.rval;
    out.exit.is_error = in.is_error;
    actual = kInfoExitSize;
  }
  Result<void> c = copyout(buf, &out, min<u64>(user_size, actual));
  if (!c.ok()) return errno_of(c.error());
  return i64(actual);
}

// struct ptrace_peeksiginfo_args and its one flag.
struct LinuxPeekSiginfoArgs {
  u64 off;
  u32 flags;
  i32 nr;
};
constexpr u32 kPeekSiginfoShared = 1;

// PTRACE_PEEKSIGINFO(pid, args, buf): up to nr pending siginfos from
// index off of the thread's list (or the shared one), one at a time, as
// Linux's ptrace_peek_siginfo: the count copied, which is 0 past the end;
// EFAULT only when the first copy fails (a later failure returns the count
// so far). A signal for the caller ends the walk early, as on Linux.
i64 peek_siginfo(Proc* tracer, i32 pid, uptr uargs, uptr buf) {
  Result<void> t = ptrace_with_tracee(tracer, pid, no_op);
  if (!t.ok()) return errno_of(t.error());
  LinuxPeekSiginfoArgs args;
  Result<void> c = copyin(&args, uargs, sizeof args);
  if (!c.ok()) return errno_of(c.error());
  if ((args.flags & ~kPeekSiginfoShared) || args.nr < 0) return errno_of(Error::Inval);
  const bool shared = args.flags & kPeekSiginfoShared;
  i64 err = 0;
  i32 i = 0;
  while (i < args.nr) {
    SigInfo info;
    Result<bool> found = ptrace_peek_siginfo(tracer, pid, shared, args.off + u64(i), &info);
    if (!found.ok()) {
      err = errno_of(found.error());  // the tracee was killed meanwhile
      break;
    }
    if (!found.value()) break;
    Result<void> o = copyout(buf + u64(i) * sizeof(SigInfo), &info, sizeof info);
    if (!o.ok()) {
      err = errno_of(o.error());
      break;
    }
    i++;
    if (sigpending_interrupts()) break;
  }
  return i > 0 ? i64(i) : err;
}

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
    case kGetSyscallInfo: return get_syscall_info(p, pid, addr, data);
    case kPeekSiginfo: return peek_siginfo(p, pid, addr, data);
    case kSetRegSet: return syscall_result(regset(p, pid, addr, data, true));
    default: {
      // Linux: ESRCH for a non-tracee, else EIO for an unknown request.
      Result<void> t = ptrace_with_tracee(p, pid, no_op);
      return errno_of(t.ok() ? Error::Io : t.error());
    }
  }
}

}  // namespace tine
