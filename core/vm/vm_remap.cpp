// mremap (vm.h has the contract; Linux's mm/mremap.c the order of its
// checks). Pages never move in memory: a mapping that changes address keeps
// its object's slots, or hands their pages to a new object, and the next
// touch at the new address enters the translation.
#include "core/vm/vm_space.h"

namespace tine {

namespace {

// Entries allocated before the map changes, freed if unused.
struct RemapSpares {
  VmEntry* e[4] = {};
  ~RemapSpares() {
    for (VmEntry* s : e)
      if (s) vm_entry_free(s);
  }
  bool alloc() {
    for (VmEntry*& s : e)
      if (!(s = vm_entry_alloc())) return false;
    return true;
  }
  VmEntry* take() {
    for (VmEntry*& s : e)
      if (s) {
        VmEntry* r = s;
        s = nullptr;
        return r;
      }
    KASSERT(false);
    return nullptr;
  }
  VmEntry** slot() {
    for (VmEntry*& s : e)
      if (s) return &s;
    return nullptr;
  }
};

// Linux's vma_to_resize: the entry holding [addr, addr + old_len).
Result<VmEntry*> entry_to_resize(VmSpace* vs, uptr addr, size_t old_len)
    REQUIRES(vs->lock) {
  VmEntry* e = vm_find_entry_locked(vs, addr);
  if (!e) return Error::Fault;
  // "Duplicating" a private mapping makes no sense (Linux refuses it).
  if (old_len == 0 && e->share == MapShare::Private) return Error::Inval;
  if (old_len > e->end - addr) return Error::Fault;  // across its end
  return e;
}

// The object the window [addr, addr + old_pages) of e will live in at
// new_pages, for a private entry whose pages must leave e's object (it is
// shared with other entries, or the window is only part of e): a new
// object holding the window's pages (referenced once more; the caller
// empties the old slots), grown to new_pages. nullptr when e has no object
// yet. Error::NoMem, nothing changed.
Result<VmAnon*> private_window(VmEntry& e, uptr addr, size_t old_pages,
                               size_t new_pages) {
  if (!e.anon) return static_cast<VmAnon*>(nullptr);
  VmAnon* a = TRY(old_pages ? VmAnon::copy_of(e.anon, e.slot_of(addr), old_pages)
                            : VmAnon::create(new_pages));
  const Result<void> r = a->grow(new_pages);
  if (!r.ok()) {
    a->release();
    return r.error();
  }
  return a;
}

// Makes e's object hold slots for e's window grown to `pages`, before e
// grows in place. A shared object grows (its sharers see the new slots: on
// Linux the shmem file keeps its size and the new pages are SIGBUS; here
// they are zeros); a private one grows if e is its only entry, else e gets
// a new object of its own with its pages. Error::NoMem, nothing changed.
Result<void> make_room(VmSpace* vs, VmEntry& e, size_t pages)
    REQUIRES(vs->lock) {
  if (!e.anon) return ok();
  TRY(vm_own_anon_locked(vs, &e));  // its slots change below
  if (e.share == MapShare::Shared || e.anon->refs() == 1)
    return e.anon->grow(e.anon_off + pages);
  VmAnon* a = TRY(private_window(e, e.start, e.pages(), pages));
  e.anon->clear(e.anon_off, e.pages());  // the pages live on in a
  e.anon->release();
  e.anon = a;
  e.anon_off = 0;
  return ok();
}

// Moves [addr, addr + old_pages) of e to [dest, dest + new_pages), which
// is free. dontunmap: the old range stays mapped (private: empty; shared:
// the same pages). old_pages 0 (shared only): a second mapping of the
// pages from addr on. Everything that can fail comes first.
Result<void> move(VmSpace* vs, VmEntry* e, uptr addr, size_t old_pages, uptr dest,
                  size_t new_pages, bool dontunmap, RemapSpares& spares)
    REQUIRES(vs->lock) {
  const uptr old_end = addr + old_pages * kPageSize;
  const bool keep_old = dontunmap || old_pages == 0;
  const bool whole = e->start == addr && e->end == old_end;
  TRY(vm_own_anon_locked(vs, e));  // its slots change below
  VmAnon* fresh = nullptr;  // the moved window's new object (private)
  if (e->share == MapShare::Shared) {
    if (e->anon) TRY(e->anon->grow(e->slot_of(addr) + new_pages));
  } else if (whole && !keep_old && (!e->anon || e->anon->refs() == 1)) {
    if (e->anon) TRY(e->anon->grow(e->anon_off + new_pages));
  } else {
    fresh = TRY(private_window(*e, addr, old_pages, new_pages));
  }

  // Commit point: nothing below fails.
  if (old_pages) {
    if (e->start < addr) {
      VmEntry* hi = spares.take();
      vm_split_locked(vs, e, addr, hi);
      e = hi;
    }
    if (e->end > old_end) vm_split_locked(vs, e, old_end, spares.take());
    // The old translations go (fenced) before any slot lets go of a page.
    hal::pmap_remove(vs->pmap, addr, old_end - addr);
  }
  VmEntry* m;  // the entry at dest
  if (keep_old) {
    m = spares.take();
    m->prot = e->prot;
    m->share = e->share;
    m->max_prot = e->max_prot;
    m->dontfork = e->dontfork;
    m->wipeonfork = e->wipeonfork;
    if (e->object) {
      e->object.hold();
      m->object = e->object;
      m->object_pg = e->object_page_of(addr);
    }
    if (e->share == MapShare::Shared) {
      if (e->anon) {
        e->anon->hold();
        m->anon = e->anon;
        m->anon_off = e->slot_of(addr);
      }
    } else {
      m->anon = fresh;
      if (fresh) e->anon->clear(e->anon_off, e->pages());  // demand-zero again
    }
  } else {
    vm_unlink_locked(vs, e);
    m = e;
    if (fresh) {
      m->anon->clear(m->anon_off, m->pages());
      m->anon->release();
      m->anon = fresh;
      m->anon_off = 0;
    }
  }
  m->start = dest;
  m->end = dest + new_pages * kPageSize;
  vm_insert_locked(vs, m);
  return ok();
}

}  // namespace

Result<uptr> vm_remap(VmSpace* vs, uptr addr, size_t old_len, size_t new_len,
                      RemapFlags flags, uptr new_addr) {
  vm_check(vs);
  KASSERT(is_aligned(addr, kPageSize) && is_aligned(old_len, kPageSize) &&
          is_aligned(new_len, kPageSize) && new_len > 0);
  RemapSpares spares;
  if (!spares.alloc()) return Error::NoMem;
  MutexGuard g(vs->lock);
  // Linux (since 5.16) looks up the mapping at addr before anything else,
  // shrinking included.
  if (!vm_find_entry_locked(vs, addr)) return Error::Fault;

  if (flags.fixed || flags.dontunmap) {  // Linux's mremap_to
    uptr new_end;
    if (!is_aligned(new_addr, kPageSize) || !vm_user_range(new_addr, new_len, &new_end))
      return Error::Inval;
    if (addr + old_len > new_addr && new_end > addr) return Error::Inval;  // overlap
    if (flags.fixed) {
      if (new_addr < kVmMinAddr) return Error::Perm;
      vm_remove_range_locked(vs, new_addr, new_end, spares.slot());
    }
    if (old_len > new_len) {
      uptr old_end;
      if (vm_user_range(addr + new_len, old_len - new_len, &old_end))
        vm_remove_range_locked(vs, addr + new_len, old_end, spares.slot());
      old_len = new_len;
    }
    VmEntry* e = TRY(entry_to_resize(vs, addr, old_len));
    uptr dest = new_addr;
    if (!flags.fixed) {
      dest = vm_place_locked(vs, new_addr, new_len);
      if (dest == 0) return Error::NoMem;
    }
    TRY(move(vs, e, addr, old_len / kPageSize, dest, new_len / kPageSize,
             flags.dontunmap, spares));
    return dest;
  }

  if (old_len >= new_len) {  // shrinking: the tail goes, whatever it holds
    if (old_len == new_len) return addr;
    uptr old_end;
    if (!vm_user_range(addr + new_len, old_len - new_len, &old_end)) return Error::Inval;
    vm_remove_range_locked(vs, addr + new_len, old_end, spares.slot());
    return addr;
  }

  VmEntry* e = TRY(entry_to_resize(vs, addr, old_len));
  // Growing in place: the range ends the entry and the space after is free.
  const uptr grow_end = addr + new_len;
  uptr end_checked;
  if (old_len > 0 && addr + old_len == e->end &&
      vm_user_range(addr, new_len, &end_checked) &&
      (!e->next || e->next->start >= grow_end)) {
    TRY(make_room(vs, *e, (grow_end - e->start) / kPageSize));
    e->end = grow_end;
    return addr;
  }
  if (!flags.maymove) return Error::NoMem;
  const uptr dest = vm_place_locked(vs, 0, new_len);
  if (dest == 0) return Error::NoMem;
  TRY(move(vs, e, addr, old_len / kPageSize, dest, new_len / kPageSize, false, spares));
  return dest;
}

}  // namespace tine
