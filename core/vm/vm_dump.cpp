// vm_dump: see vm_dump.h.
#include "core/vm/vm_dump.h"

#include "core/lib/string.h"
#include "core/vm/vm_space.h"

namespace tine {

size_t vm_dump_regions(VmSpace* vs, VmDumpRegion* out, size_t max) {
  vm_check(vs);
  MutexGuard g(vs->lock);
  size_t n = 0;
  for (VmEntry* e = vs->first; e; e = e->next, n++)
    if (n < max) out[n] = {e->start, e->end, e->prot & kProtAccess, bool(e->object)};
  return n;
}

bool vm_dump_page(VmSpace* vs, uptr va, void* buf) {
  vm_check(vs);
  MutexGuard g(vs->lock);
  VmEntry* e = vm_find_entry_locked(vs, va);
  if (!e || !has(e->prot, Prot::Read)) return false;
  paddr_t pa = e->anon ? e->anon->lookup(e->slot_of(va)) : 0;
  if (!pa && e->object) {
    // A file page: the read fault brings it in (or says it lies past the
    // file's end, which a read could not see either).
    if (!vm_fault_locked(vs, va, Access::Read).ok()) return false;
    pa = e->anon ? e->anon->lookup(e->slot_of(va)) : 0;
  }
  if (!pa) return false;
  memcpy(buf, hal::phys_to_virt(pa), kPageSize);
  return true;
}

}  // namespace tine
