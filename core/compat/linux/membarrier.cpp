// membarrier(cmd, flags, cpu_id) (283), as Linux 6.12's
// kernel/sched/membarrier.c answers it, without rseq (Tine has none, so the
// RSEQ commands are EINVAL as in a kernel without CONFIG_RSEQ) and without
// SYNC_CORE (no instruction-fetch fence is sent to other harts yet: EINVAL,
// as in a kernel without ARCH_HAS_MEMBARRIER_SYNC_CORE). QUERY reports
// exactly what the other commands do.
//
// The barrier itself is a full fence on every online hart, run from an IPI
// (core/sched/smp_call.h) and waited for: stronger than Linux, which only
// interrupts harts running a thread of the caller's address space (or of a
// registered one, for GLOBAL_EXPEDITED), never weaker. GLOBAL, which Linux
// serves with synchronize_rcu, is the same fence on all harts.
// Registrations live in the address space (VmSpace::membarrier_state), as
// Linux's mm->membarrier_state: threads and CLONE_VM children share them,
// exec starts with none, and a fork child's copied space has the parent's
// (Linux's dup_mm copies the word).
#include "core/compat/linux/linux.h"

#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/sched/smp_call.h"
#include "core/vm/vm_space.h"
#include "hal/hal.h"

namespace tine {

namespace {
enum : u32 {
  kCmdQuery = 0,
  kCmdGlobal = 1 << 0,
  kCmdGlobalExpedited = 1 << 1,
  kCmdRegisterGlobalExpedited = 1 << 2,
  kCmdPrivateExpedited = 1 << 3,
  kCmdRegisterPrivateExpedited = 1 << 4,
  kCmdGetRegistrations = 1 << 9,
};
constexpr u32 kCmdsSupported = kCmdGlobal | kCmdGlobalExpedited | kCmdRegisterGlobalExpedited |
                               kCmdPrivateExpedited | kCmdRegisterPrivateExpedited |
                               kCmdGetRegistrations;
constexpr u32 kCmdPrivateExpeditedRseq = 1 << 7;
constexpr u32 kCmdFlagCpu = 1;

void fence(void*) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

void barrier_all_harts() {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  // entry to a syscall is no fence
  if (hal::online_cpus() > 1) smp_call_all(fence, nullptr);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  // nor is the way back
}

u32 state_of(VmSpace* vs) { return __atomic_load_n(&vs->membarrier_state, __ATOMIC_ACQUIRE); }
}  // namespace

void linux_membarrier_fork(Proc* p2, const Lwp* l1) {
  VmSpace* from = l1->proc->p_vmspace;
  VmSpace* to = p2->p_vmspace;
  if (from && to && from != to)
    __atomic_store_n(&to->membarrier_state, state_of(from), __ATOMIC_RELAXED);
}

i64 linux_sys_membarrier(const SyscallArgs& a) {
  const i32 cmd = i32(a.a[0]);
  const u32 flags = u32(a.a[1]);
  if (u32(cmd) == kCmdPrivateExpeditedRseq ? flags && flags != kCmdFlagCpu : flags != 0)
    return errno_of(Error::Inval);
  VmSpace* vs = curproc()->p_vmspace;
  switch (cmd) {
    case kCmdQuery:
      return kCmdsSupported;
    case kCmdGlobal:
    case kCmdGlobalExpedited:
      barrier_all_harts();
      return 0;
    case kCmdRegisterGlobalExpedited:
    case kCmdRegisterPrivateExpedited:
      // Registration is immediate: every later barrier reaches every hart.
      __atomic_fetch_or(&vs->membarrier_state, u32(cmd), __ATOMIC_ACQ_REL);
      return 0;
    case kCmdPrivateExpedited:
      if (!(state_of(vs) & kCmdRegisterPrivateExpedited)) return errno_of(Error::Perm);
      barrier_all_harts();
      return 0;
    case kCmdGetRegistrations:
      return state_of(vs);
    default:  // the SYNC_CORE and RSEQ commands, and anything unknown
      return errno_of(Error::Inval);
  }
}

}  // namespace tine
