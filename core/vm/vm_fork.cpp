// vmspace_fork: the address space half of fork1 (NetBSD's uvmspace_fork).
// Private entries are copied copy-on-write, shared ones keep their object;
// see vm_anon.h for what the page reference counts mean.
#include "core/vm/vm_space.h"

namespace tine {

namespace {

// Phase 1: the child's entries, each with its object: private windows
// copied (every page referenced once more), shared objects held. Touches
// nothing of the parent but reference counts, which the child's release
// gives back if this fails.
//
// The child is not published yet: nobody else can reach it, so its fields
// are written without its lock (taking it would nest two VmMap locks).
Result<void> copy_entries(VmSpace* parent, VmSpace* child)
    REQUIRES(parent->lock) NO_THREAD_SAFETY_ANALYSIS {
  VmEntry* tail = nullptr;
  for (const VmEntry* e = parent->first; e; e = e->next) {
    if (e->dontfork) continue;  // MADV_DONTFORK: not in the child at all
    VmEntry* c = vm_entry_alloc();
    if (!c) return Error::NoMem;
    c->start = e->start;
    c->end = e->end;
    c->prot = e->prot;
    c->share = e->share;
    c->max_prot = e->max_prot;
    c->wipeonfork = e->wipeonfork;
    if (e->object) {
      // A file mapping: the child maps the same file pages; its private
      // copies are shared copy-on-write like anonymous pages.
      e->object.hold();
      c->object = e->object;
      c->object_pg = e->object_pg;
    }
    // Linked first, so the child's release frees it if a copy fails.
    c->prev = tail;
    if (tail)
      tail->next = c;
    else
      child->first = c;
    tail = c;
    // Private and untouched, or MADV_WIPEONFORK (private anonymous): the
    // child's range is demand-zero.
    if (!e->anon || e->wipeonfork) continue;
    if (e->share == MapShare::Shared) {
      e->anon->hold();
      c->anon = e->anon;
      c->anon_off = e->anon_off;
    } else {
      c->anon = TRY(VmAnon::copy_of(e->anon, e->anon_off, e->pages()));
      c->anon_off = 0;
    }
  }
  child->brk_base = parent->brk_base;
  child->brk = parent->brk;
  child->vdso_base = parent->vdso_base;
  child->exec_info = parent->exec_info;
  return ok();
}

}  // namespace

Result<VmSpace*> vmspace_fork(VmSpace* parent) {
  vm_check(parent);
  VmSpace* child = TRY(vmspace_create());
  Result<void> r = ok();
  {
    MutexGuard g(parent->lock);
    r = copy_entries(parent, child);
    if (r.ok()) {
      // Commit point: nothing below fails. The parent's writable private
      // pages are now shared with the child, so its translations lose
      // write (pmap_protect fences the harts that ran it); the next write
      // on either side faults and copies. The child's pmap starts empty
      // and fills in on its faults, read-only while a page is shared.
      for (const VmEntry* e = parent->first; e; e = e->next)
        if (e->anon && e->share == MapShare::Private &&
            has(e->prot, Prot::Write))
          hal::pmap_protect(parent->pmap, e->start, e->end - e->start,
                            vm_pte_prot(*e, false));
    }
  }
  if (!r.ok()) {
    vmspace_release(child);  // outside the parent's lock: same rank
    return r.error();
  }
  return child;
}

}  // namespace tine
