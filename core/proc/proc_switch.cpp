#include "core/proc/proc_switch.h"

#include "core/proc/proc.h"
#include "core/vm/vm.h"

namespace tine {

void proc_switch(Lwp* prev, Lwp* next) {
  // A user LWP's frame sits at its kernel stack's top; an LWP with no
  // stack of its own (the boot thread) has none and just saves.
  if (prev->proc && prev->stack.top)
    hal::fp_switch_out(prev->fp, hal::user_frame_of(prev->stack));
  else if (prev->proc)
    hal::fp_save_if_dirty(prev->fp);
  // Kernel threads run on the kernel map: a process's tables may be freed
  // when it exits, so no hart keeps them loaded lazily.
  vmspace_activate(next->proc ? next->proc->p_vmspace : nullptr);
  if (next->proc && next->stack.top)
    hal::fp_switch_in(next->fp, hal::user_frame_of(next->stack));
  else if (next->proc)
    hal::fp_restore(next->fp);
}

}  // namespace tine
