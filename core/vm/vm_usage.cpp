#include "core/vm/vm_usage.h"

#include "core/vm/vm_space.h"

namespace tine {

void vm_set_exec_info(VmSpace* vs, const VmExecInfo& info) {
  vm_check(vs);
  vs->exec_info = info;
}

VmExecInfo vm_exec_info(const VmSpace* vs) {
  vm_check(vs);
  return vs->exec_info;
}

VmUsage vm_usage(VmSpace* vs) {
  vm_check(vs);
  VmUsage u;
  const uptr sp = vs->exec_info.start_stack;
  MutexGuard g(vs->lock);
  for (const VmEntry* e = vs->first; e; e = e->next) {
    const u64 bytes = e->end - e->start;
    u.mapped += bytes;
    if (e->anon) u.resident_pages += e->anon->resident(e->anon_off, e->pages());
    if (e->share != MapShare::Private) continue;
    if (sp && e->start < sp && sp <= e->end) {
      u.stack += bytes;
    } else if (has(e->prot, Prot::Exec)) {
      u.exe += bytes;
    } else if (has(e->prot, Prot::Write)) {
      u.data += bytes;
    }
  }
  return u;
}

}  // namespace tine
