// Page faults on user addresses (uvm_fault's job, small): demand zero and
// copy-on-write over the VmAnon that owns the page. How pages and their
// reference counts represent sharing is in vm_anon.h.
#include "core/proc/proc.h"
#include "core/proc/sigacts.h"
#include "core/vm/page_data.h"
#include "core/vm/vm_page.h"
#include "core/vm/vm_space.h"

namespace tine {

namespace {

// Write implies read: Sv39 has no write-only pages, and Linux lets a
// PROT_WRITE mapping be read too.
bool permits(Prot prot, Access access) {
  switch (access) {
    case Access::Read: return has_any(prot, Prot::Read | Prot::Write);
    case Access::Write: return has(prot, Prot::Write);
    case Access::Exec: return has(prot, Prot::Exec);
  }
  return false;
}

// A file mapping's empty slot gets the object's page (uvm_fault's lower
// layer): shared, the page itself; private, the page too, which the code
// below then treats as a page shared copy-on-write (the page cache holds a
// reference of its own), so reads map it read-only and a write copies it.
// Past the object's end: Error::Range (SIGBUS). `nosleep` (the kernel trap
// path) cannot wait for the object's lock: Error::Again sends the fault
// back to thread context.
// Returns the slot's page, as fill_zero does for anonymous memory.
// `empty`: the anon is exclusive (see fault_locked) and the caller has seen
// the slot empty; the space's lock keeps it so.
Result<paddr_t> fill_from_object(VmEntry& e, uptr page, bool nosleep, bool empty) {
  const size_t slot = e.slot_of(page);
  if (!empty)
    if (const paddr_t pa = e.anon->lookup(slot)) return pa;
  if (nosleep) return Error::Again;
  const paddr_t pa = TRY(e.object.get_page(e.object_page_of(page)));
  if (empty) {  // an exclusive anon: nobody else fills the slot
    const Result<void> r = e.anon->install_exclusive(slot, pa);
    if (!r.ok()) {
      (void)vm_page_allocator().unref(pa);
      return r.error();
    }
    return pa;
  }
  Result<paddr_t> r = e.anon->fill_with(slot, pa);
  if (!r.ok()) (void)vm_page_allocator().unref(pa);
  return r;
}

// For pmap_unpark: which leaves of a table vmspace_fork parked may stay
// writable. Those of a shared entry, and private pages still this space's
// alone: the entry's anon not shared (needs-copy with a partner alive) and
// the page referenced once. The leaves come in increasing va order, so the
// entry is found by walking on from the last one.
struct KeepWrite {
  VmSpace* vs;
  VmEntry* e;  // the cursor

  static bool keep(void* ctx, uptr va, paddr_t pa) NO_THREAD_SAFETY_ANALYSIS {
    auto* k = static_cast<KeepWrite*>(ctx);  // called under k->vs->lock
    VmEntry* e = k->e;
    while (e && e->end <= va) e = e->next;
    k->e = e;
    if (!e || e->start > va || !has(e->prot, Prot::Write)) return false;
    if (e->share == MapShare::Shared) return true;
    if (e->needs_copy && !vm_take_back_anon_locked(k->vs, e)) return false;
    return vm_page_allocator().refcount(pa) == 1;
  }
};

Result<void> fault_locked(VmSpace* vs, uptr va, Access access, bool nosleep)
    REQUIRES(vs->lock) {
  VmEntry* e = vm_find_entry_locked(vs, va);
  if (!e || !permits(e->prot, access)) return Error::Fault;
  const uptr page = align_down(va, kPageSize);
  // The first touch of a table a fork parked: it is linked again, with
  // Write kept where the page is still ours alone. When that lets the
  // access through, the fault is done.
  KeepWrite k{vs, vs->first};
  if (hal::pmap_unpark(vs->pmap, page, &KeepWrite::keep, &k)) {
    paddr_t mapped;
    Prot rights;
    if (hal::pmap_extract(vs->pmap, page, &mapped, &rights) && permits(rights, access))
      return ok();
  }
  if (!e->anon) {
    // A private entry's object is made on its first fault (a shared one has
    // had it since mmap); only this entry uses the new object.
    KASSERT(e->share == MapShare::Private);
    e->anon = TRY(VmAnon::create(e->pages()));
    e->anon_off = 0;
  }
  // A write changes the slot: the entry must own its anon. A read of an
  // anon shared needs-copy fills it as it is (an empty slot gets a zeroed
  // page, which both sides may read) and maps read-only below.
  if (e->needs_copy) {
    if (access == Access::Write)
      TRY(vm_own_anon_locked(vs, e));
    else
      (void)vm_take_back_anon_locked(vs, e);
  }
  VmAnon* anon = e->anon;
  const size_t slot = e->slot_of(page);
  // A private anon that is not shared needs-copy is reachable only through
  // this space's entries, under vs->lock: its slots need no lock of their own.
  const bool exclusive = e->share == MapShare::Private && !e->needs_copy;
  // Demand zero: an empty slot gets a zeroed page (a file mapping's, the
  // file's page). A translation that was
  // merely missing (never entered, removed by mprotect(PROT_NONE), or
  // stale in this hart's TLB) is entered again from the slot. A page just
  // filled stays in its slot if pmap_enter fails: the object frees it.
  paddr_t pa = exclusive ? anon->lookup_exclusive(slot) : 0;
  if (!pa) {
    if (e->object)
      pa = TRY(fill_from_object(*e, page, nosleep, exclusive));
    else
      pa = TRY(exclusive ? anon->fill_zero_exclusive(slot) : anon->fill_zero(slot));
  }
  if (e->share == MapShare::Shared)
    return hal::pmap_enter(vs->pmap, page, pa, vm_pte_prot(*e, true));

  // Private. A page no other space references is this space's to write;
  // one with other references is shared copy-on-write and mapped
  // read-only until a write copies it. The count cannot rise under us:
  // only a fork of this space adds references, and that needs our lock
  // (a page-cache page gains references from elsewhere, but while it is
  // in the cache its count is at least 2, the cache's and the slot's).
  PageAllocator& pages = vm_page_allocator();
  if (!e->needs_copy && pages.refcount(pa) == 1)
    return hal::pmap_enter(vs->pmap, page, pa, vm_pte_prot(*e, true));
  if (access != Access::Write)
    return hal::pmap_enter(vs->pmap, page, pa, vm_pte_prot(*e, false));

  const paddr_t copy = TRY(pages.alloc_anon(false));
  page_copy(hal::phys_to_virt(copy), hal::phys_to_virt(pa));
  // Replacing the translation fences every hart that ran this space, so
  // once pmap_enter returns no TLB maps the old page for us and our
  // reference may go.
  const Result<void> r =
      hal::pmap_enter(vs->pmap, page, copy, vm_pte_prot(*e, true));
  if (!r.ok()) {
    pages.free(copy, 0);
    return r.error();
  }
  if (exclusive)
    anon->replace_exclusive(slot, copy);
  else
    anon->replace(slot, pa, copy);
  pages.unref(pa);
  return ok();
}

}  // namespace

Result<void> vm_fault_locked(VmSpace* vs, uptr va, Access access) {
  return fault_locked(vs, va, access, false);
}

Result<void> vm_fault(VmSpace* vs, uptr va, Access access) {
  vm_check(vs);
  if (va >= hal::kUserVaTop) return Error::Fault;
  MutexGuard g(vs->lock);
  return vm_fault_locked(vs, va, access);
}

int vm_user_fault(Lwp* l, uptr addr, Access access) {
  Proc* p = l ? l->proc : nullptr;
  VmSpace* vs = p ? p->p_vmspace : nullptr;
  if (!vs) return kSigSegv;
  const Result<void> r = vm_fault(vs, addr, access);
  if (r.ok()) return 0;
  // A file page past the end of its file, or one the file system has no
  // room for (a hole in a full tmpfs): SIGBUS, as Linux.
  return r.error() == Error::Range || r.error() == Error::NoSpc ? kSigBus : kSigSegv;
}

bool vm_user_mapped(Lwp* l, uptr addr) {
  Proc* p = l ? l->proc : nullptr;
  VmSpace* vs = p ? p->p_vmspace : nullptr;
  if (!vs || addr >= hal::kUserVaTop) return false;
  MutexGuard g(vs->lock);
  return vm_find_entry_locked(vs, addr) != nullptr;
}

bool vm_fault_from_kernel(uptr va, bool write) {
  VmSpace* vs = curvm();
  if (!vs || va >= hal::kUserVaTop) return false;
  vm_check(vs);
  // Never sleep here (see vm.h): a contended lock sends the copy back
  // to copyin, which calls vm_fault from thread context.
  if (!vs->lock.try_lock()) return false;
  const Result<void> r =
      fault_locked(vs, va, write ? Access::Write : Access::Read, true);
  vs->lock.unlock();
  return r.ok();
}

}  // namespace tine
