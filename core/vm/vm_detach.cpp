// Taking a whole object's mapping out again by its address (vm.h): what
// shmdt needs, as Linux's ksys_shmdt walks the VMAs of one shm file.
#include "core/vm/vm_space.h"

namespace tine {

namespace {

// e maps `ops`'s object such that addr would be the object's page 0: an
// attachment starting at addr, or a fragment of one (mprotect or munmap
// split it).
bool fragment_of(const VmEntry* e, uptr addr, const VmPagerOps* ops) {
  return e->object.ops == ops && e->start >= addr &&
         (e->start - addr) / kPageSize == e->object_pg;
}

}  // namespace

Result<void*> vm_detach_object(VmSpace* vs, uptr addr, const VmPagerOps* ops,
                               size_t (*pages_of)(void* obj)) {
  vm_check(vs);
  if (!is_aligned(addr, kPageSize)) return Error::Inval;
  MutexGuard g(vs->lock);
  VmEntry* e = vm_first_ending_after_locked(vs, addr);
  while (e && !fragment_of(e, addr, ops)) e = e->next;
  if (!e) return Error::Inval;
  void* const obj = e->object.obj;
  // Fragments lie no further than the object's size from addr.
  const uptr limit = addr + pages_of(obj) * kPageSize;
  while (e && e->end <= limit) {
    VmEntry* next = e->next;
    if (e->object.obj == obj && fragment_of(e, addr, ops))
      vm_remove_range_locked(vs, e->start, e->end, nullptr);
    e = next;
  }
  return obj;
}

bool vm_range_free(VmSpace* vs, uptr va, size_t len) {
  vm_check(vs);
  uptr end;
  if (!vm_user_range(va, len, &end)) return false;
  MutexGuard g(vs->lock);
  const VmEntry* e = vm_first_ending_after_locked(vs, va);
  return !e || e->start >= end;
}

}  // namespace tine
