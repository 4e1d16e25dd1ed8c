// vm_io: see vm_io.h.
#include "core/vm/vm_io.h"

#include "core/lib/string.h"
#include "core/vm/page_data.h"
#include "core/vm/vm_page.h"
#include "core/vm/vm_space.h"

namespace tine {

namespace {
// The page behind va in e, this space's own when `write` (a copy of a page
// shared copy-on-write, as vm_fault_locked makes on a write fault, but also
// for an entry without Write: the tracer's forced write).
Result<paddr_t> own_page_locked(VmSpace* vs, VmEntry* e, uptr va, bool write)
    REQUIRES(vs->lock) {
  // A write changes a slot: the anon must be this entry's (needs-copy).
  if (write) TRY(vm_own_anon_locked(vs, e));
  // Demand zero and the translation as a read fault makes them; an entry
  // that cannot be read (PROT_NONE, exec-only) is not for the tracer.
  TRY(vm_fault_locked(vs, va, Access::Read));
  const uptr page = align_down(va, kPageSize);
  const size_t slot = e->slot_of(page);
  const paddr_t pa = e->anon->lookup(slot);
  KASSERT(pa);
  PageAllocator& pages = vm_page_allocator();
  if (!write || e->share == MapShare::Shared || pages.refcount(pa) == 1) return pa;
  const paddr_t copy = TRY(pages.alloc_anon(false));
  page_copy(hal::phys_to_virt(copy), hal::phys_to_virt(pa));
  const Result<void> r = hal::pmap_enter(vs->pmap, page, copy, vm_pte_prot(*e, true));
  if (!r.ok()) {
    pages.free(copy, 0);
    return r.error();
  }
  e->anon->replace(slot, pa, copy);
  pages.unref(pa);
  return copy;
}
}  // namespace

Result<void> vm_io(VmSpace* vs, uptr va, void* buf, size_t n, bool write) {
  vm_check(vs);
  if (va >= hal::kUserVaTop || n > hal::kUserVaTop - va) return Error::Fault;
  char* b = static_cast<char*>(buf);
  MutexGuard g(vs->lock);
  while (n) {
    const size_t off = va % kPageSize;
    const size_t chunk = min(n, kPageSize - off);
    VmEntry* e = vm_find_entry_locked(vs, va);
    if (!e) return Error::Fault;
    if (write && e->share == MapShare::Shared && !has(e->prot, Prot::Write)) return Error::Fault;
    const paddr_t pa = TRY(own_page_locked(vs, e, va, write));
    char* k = static_cast<char*>(hal::phys_to_virt(pa)) + off;
    if (write)
      memcpy(k, b, chunk);
    else
      memcpy(b, k, chunk);
    va += chunk;
    b += chunk;
    n -= chunk;
  }
  return ok();
}

}  // namespace tine
