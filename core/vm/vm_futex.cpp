// vm_shared_frame: what a shared futex's key needs from the VM (vm.h).
#include "core/vm/vm_space.h"

namespace tine {

Result<paddr_t> vm_shared_frame(VmSpace* vs, uptr va) {
  vm_check(vs);
  if (va >= hal::kUserVaTop) return Error::Fault;
  MutexGuard g(vs->lock);
  const Result<void> r = vm_fault_locked(vs, va, Access::Read);
  if (!r.ok()) return r.error() == Error::NoMem ? Error::NoMem : Error::Fault;
  VmEntry* e = vm_find_entry_locked(vs, va);
  KASSERT(e && e->anon);
  if (e->share != MapShare::Shared) {
    // Linux's get_futex_key: "a RO anonymous page will never change and
    // thus doesn't make sense for futex operations" (EFAULT). A private
    // file mapping without write access keys by the file there; here, by
    // space and address.
    if (!has(e->prot, Prot::Write) && !e->object) return Error::Fault;
    return paddr_t{0};
  }
  // A shared entry's slots hold the pages every sharer maps: the anon is
  // shared across fork, a file's are the page cache's own.
  const paddr_t pa = e->anon->lookup(e->slot_of(align_down(va, kPageSize)));
  KASSERT(pa);
  return pa + (va & (kPageSize - 1));
}

}  // namespace tine
