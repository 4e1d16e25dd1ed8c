// child_return(): a forked child's first instructions, on its own kernel
// stack. The emulation finishes its part (Linux: CLONE_CHILD_SETTID), then
// the child leaves for user mode with the parent's registers and 0 in a0.
#include "core/proc/emul.h"
#include "core/proc/syscall.h"
#include "core/vm/vm.h"
#include "fork/fork.h"
#include "hal/user.h"

namespace tine {

void child_return(void* arg) {
  Lwp* l2 = static_cast<Lwp*>(arg);
  Proc* p2 = l2->proc;
  hal::IrqState s = hal::irq_save();
  vmspace_activate(p2->p_vmspace);
  hal::fp_restore(l2->fp);
  hal::irq_restore(s);
  if (p2->p_emul && p2->p_emul->lwp_child_return) p2->p_emul->lwp_child_return(l2);
  // Signals posted before it ever ran act before its first instruction: a
  // traced child's SIGSTOP (the tracer sees it stopped at the fork point).
  userret();
  hal::user_enter(hal::user_frame_of(l2->stack));
}

}  // namespace tine
