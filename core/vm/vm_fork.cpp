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

namespace {

// This space's entries on one anon (a split makes several) and their
// windows, sorted by offset.
struct Windows {
  static constexpr unsigned kMax = 8;
  struct Window {
    size_t lo, hi;
  };
  Window w[kMax] = {};
  unsigned n = 0;
  bool overflow = false;  // more entries than kMax

  Windows(VmSpace* vs, VmAnon* anon) NO_THREAD_SAFETY_ANALYSIS {
    for (VmEntry* x = vs->first; x; x = x->next) {
      if (x->anon != anon) continue;
      if (n == kMax) {
        overflow = true;
        return;
      }
      const Window cur{x->anon_off, x->anon_off + x->pages()};
      unsigned i = n++;
      for (; i > 0 && w[i - 1].lo > cur.lo; --i) w[i] = w[i - 1];
      w[i] = cur;
    }
  }
};

// vm_take_back_anon_locked, given the windows of e's anon.
bool take_back(VmSpace* vs, VmEntry* e, const Windows& ws) NO_THREAD_SAFETY_ANALYSIS {
  VmAnon* anon = e->anon;
  if (ws.overflow) return false;  // rare: copied instead
  const auto& w = ws.w;
  const unsigned n = ws.n;
  // Read once: equal, no other space held it at that instant, and none can
  // start to (only a fork of this space, under vs->lock, adds holders).
  if (anon->refs() != n) return false;
  // Pages outside every window, left by unmaps made while it was shared,
  // are nobody's now; emptied, the slots are as an unshared anon's (vm_brk
  // and mremap grow into them).
  size_t done = 0;
  for (unsigned i = 0; i < n; ++i) {
    if (w[i].lo > done) anon->clear(done, w[i].lo - done);
    done = max(done, w[i].hi);
  }
  anon->clear(done, anon->npages() - done);
  for (VmEntry* x = vs->first; x; x = x->next)
    if (x->anon == anon) x->needs_copy = false;
  return true;
}

}  // namespace

bool vm_take_back_anon_locked(VmSpace* vs, VmEntry* e) {
  if (!e->needs_copy) return true;
  KASSERT(e->anon && e->share == MapShare::Private);
  return take_back(vs, e, Windows(vs, e->anon));
}

Result<void> vm_own_anon_locked(VmSpace* vs, VmEntry* e) {
  if (!e->needs_copy) return ok();
  KASSERT(e->anon && e->share == MapShare::Private);
  VmAnon* anon = e->anon;
  const Windows ws(vs, anon);
  if (take_back(vs, e, ws)) return ok();
  if (ws.overflow) {  // e alone moves to a copy of its window
    VmAnon* copy = TRY(VmAnon::copy_of(anon, e->anon_off, e->pages()));
    anon->release();  // not the last: the other sharers hold it
    e->anon = copy;
    e->anon_off = 0;
    e->needs_copy = false;
    return ok();
  }
  // Every entry of this space on the anon moves to one copy of their
  // windows (UVM's amap_copy), so the other space's entries are left the
  // anon's only holders and take it back without copying. Slots between
  // the windows stay empty in the copy.
  const size_t lo = ws.w[0].lo;
  size_t hi = lo;
  for (unsigned i = 0; i < ws.n; ++i) hi = max(hi, ws.w[i].hi);
  VmAnon* copy = TRY(VmAnon::create(hi - lo));
  for (unsigned i = 0; i < ws.n; ++i) {
    const Result<void> r =
        copy->copy_from(anon, ws.w[i].lo, ws.w[i].hi - ws.w[i].lo, ws.w[i].lo - lo);
    if (!r.ok()) {
      copy->release();
      return r.error();
    }
  }
  // Commit: nothing below fails.
  bool first = true;
  for (VmEntry* x = vs->first; x; x = x->next) {
    if (x->anon != anon) continue;
    if (!first) copy->hold();
    first = false;
    anon->release();  // not the last: the other sharers hold it
    x->anon = copy;
    x->anon_off -= lo;
    x->needs_copy = false;
  }
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
