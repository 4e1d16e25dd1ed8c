// vmspace_fork: the address space half of fork1 (NetBSD's uvmspace_fork).
// Nothing in it is per page, so its cost does not grow with the parent:
//  - Private entries share their anon with the child, both marked
//    needs-copy (UVM's amap needs-copy, vm_space.h): a write fault on either
//    side first gives its entry a copy of the window (pages referenced once
//    more, then copied per page as vm_anon.h describes), and one whose
//    partner has gone (the child that exits or execs at once) finds the anon
//    its own again and copies nothing.
//  - The parent's writable translations are not write-protected one by
//    one: the pmap parks each last-level table under them (one store per
//    2 MiB, core/vm/pagetable.h), and the parent's next touch of a table
//    takes Write from its leaves then, keeping it on pages still its alone
//    (keep_write in vm_fault.cpp): after the child has gone, all of them.
// Shared entries keep their object. The child's pmap starts empty.
#include "core/vm/vm_page.h"
#include "core/vm/vm_space.h"

namespace tine {

Result<void> vm_own_anon_locked(VmSpace* vs, VmEntry* e) {
  (void)vs;
  if (!e->needs_copy) return ok();
  VmAnon* anon = e->anon;
  KASSERT(anon && e->share == MapShare::Private);
  const size_t lo = e->anon_off, hi = e->anon_off + e->pages();
  if (anon->refs() == 1) {
    // This entry's alone (refs() cannot rise: only a fork or split of it
    // adds one, and both need vs->lock). Pages left outside the window by
    // unmaps made while it was shared are nobody's now; emptied, the
    // slots are as an unshared anon's (vm_brk and mremap grow into them).
    anon->clear(0, lo);
    anon->clear(hi, anon->npages() - hi);
    e->needs_copy = false;
    return ok();
  }
  VmAnon* copy = TRY(VmAnon::copy_of(anon, lo, e->pages()));
  anon->release();  // not the last: the other sharers hold it
  e->anon = copy;
  e->anon_off = 0;
  e->needs_copy = false;
  return ok();
}

namespace {

// Phase 1: the child's entries, each with its object: private anons
// shared needs-copy, shared objects held. Touches nothing of the parent
// but reference counts and needs_copy marks (harmless if this fails: a
// mark on an anon nobody else holds is dropped at the next fault), and the
// child's release gives the counts back.
//
// The child is not published yet: nobody else can reach it, so its fields
// are written without its lock (taking it would nest two VmMap locks).
Result<void> copy_entries(VmSpace* parent, VmSpace* child)
    REQUIRES(parent->lock) NO_THREAD_SAFETY_ANALYSIS {
  VmEntry* tail = nullptr;
  for (VmEntry* e = parent->first; e; e = e->next) {
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
    e->anon->hold();
    c->anon = e->anon;
    c->anon_off = e->anon_off;
    if (e->share == MapShare::Private) c->needs_copy = e->needs_copy = true;
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
      // pages are now shared with the child, so its translations must
      // lose Write before it runs again: their tables are parked (see the
      // top), and one fence makes every hart that ran it forget them. The
      // child's pmap fills in on its faults, read-only while shared.
      for (const VmEntry* e = parent->first; e; e = e->next)
        if (e->anon && e->share == MapShare::Private &&
            has(e->prot, Prot::Write))
          hal::pmap_park(parent->pmap, e->start, e->end - e->start);
      hal::pmap_park_fence(parent->pmap);
    }
  }
  if (!r.ok()) {
    vmspace_release(child);  // outside the parent's lock: same rank
    return r.error();
  }
  return child;
}

}  // namespace tine
