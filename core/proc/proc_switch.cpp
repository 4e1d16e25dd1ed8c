#include "core/proc/proc_switch.h"

#include "core/proc/proc.h"
#include "core/vm/vm.h"

namespace tine {

void proc_switch(Lwp* prev, Lwp* next) {
  if (prev->proc) hal::fp_save_if_dirty(prev->fp);
  // Kernel threads run on the kernel map: a process's tables may be freed
  // when it exits, so no hart keeps them loaded lazily.
  vmspace_activate(next->proc ? next->proc->p_vmspace : nullptr);
  if (next->proc) hal::fp_restore(next->fp);
}

}  // namespace tine
