// Address spaces and their map entries: create and release, mmap, munmap,
// mprotect, placement. The layout, placement policy and lock rules are in
// vm.h; the entry representation in vm_space.h.
#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/vm/vm_page.h"
#include "core/vm/vm_space.h"

namespace tine {

namespace {

// User is implied (every mapping here is a user mapping); callers may say it.
bool prot_ok(Prot prot) {
  return (prot & ~(kProtAccess | Prot::User)) == Prot::None;
}
Prot access_of(Prot prot) { return prot & kProtAccess; }

// Rounds len up to pages; false when it is 0 or [va, va+len) leaves the
// user half.
bool user_range(uptr va, size_t len, uptr* end) {
  if (len == 0 || len > hal::kUserVaTop) return false;
  const uptr rounded = align_up(len, kPageSize);
  if (!hal::user_va_range(va, rounded)) return false;
  *end = va + rounded;
  return true;
}

// ---- the sorted entry list -------------------------------------------------

// The first entry that ends above va (the one containing va, or the next).
// The hint (the entry a fault last found) answers at once when it holds va,
// and shortens the walk when it lies below va: every entry before it ends
// before it.
VmEntry* first_ending_after(VmSpace* vs, uptr va) REQUIRES(vs->lock) {
  VmEntry* e = vs->first;
  if (VmEntry* h = vs->hint) {
    if (h->end <= va)
      e = h->next;
    else if (h->start <= va)
      return h;
  }
  while (e && e->end <= va) e = e->next;
  return e;
}

// Links e after pos (nullptr: at the head).
void link_after(VmSpace* vs, VmEntry* pos, VmEntry* e) REQUIRES(vs->lock) {
  e->prev = pos;
  e->next = pos ? pos->next : vs->first;
  if (e->next) e->next->prev = e;
  if (pos)
    pos->next = e;
  else
    vs->first = e;
}

void unlink(VmSpace* vs, VmEntry* e) REQUIRES(vs->lock) {
  if (vs->hint == e) vs->hint = nullptr;
  if (e->prev)
    e->prev->next = e->next;
  else
    vs->first = e->next;
  if (e->next) e->next->prev = e->prev;
  e->prev = e->next = nullptr;
}

// Inserts e (not overlapping any entry) in order.
void insert_sorted(VmSpace* vs, VmEntry* e) REQUIRES(vs->lock) {
  VmEntry* pos = nullptr;
  for (VmEntry* c = vs->first; c && c->start < e->start; c = c->next) pos = c;
  KASSERT(!pos || pos->end <= e->start);
  KASSERT(!(pos ? pos->next : vs->first) ||
          (pos ? pos->next : vs->first)->start >= e->end);
  link_after(vs, pos, e);
}

bool range_free(VmSpace* vs, uptr va, uptr end) REQUIRES(vs->lock) {
  const VmEntry* e = first_ending_after(vs, va);
  return !e || e->start >= end;
}

// Splits e at addr (e->start < addr < e->end): e keeps the low part, `hi`
// becomes the high part, right after it, sharing e's anon.
void split(VmSpace* vs, VmEntry* e, uptr addr, VmEntry* hi) REQUIRES(vs->lock) {
  KASSERT(e->start < addr && addr < e->end && is_aligned(addr, kPageSize));
  hi->start = addr;
  hi->end = e->end;
  hi->prot = e->prot;
  hi->share = e->share;
  hi->max_prot = e->max_prot;
  hi->anon = e->anon;
  hi->anon_off = e->slot_of(addr);
  if (hi->anon) hi->anon->hold();
  hi->object = e->object;
  hi->object_pg = e->object_page_of(addr);
  if (hi->object) hi->object.hold();
  hi->dontfork = e->dontfork;
  hi->wipeonfork = e->wipeonfork;
  hi->needs_copy = e->needs_copy;
  e->end = addr;
  link_after(vs, e, hi);
}

// Removes every mapping in [va, end). A private entry's pages in the range
// go back (translations are removed and fenced first); a shared object
// keeps them for the other spaces. *spare is taken for a split when one
// entry straddles both ends of the range.
void remove_range(VmSpace* vs, uptr va, uptr end, VmEntry** spare)
    REQUIRES(vs->lock) {
  VmEntry* e = first_ending_after(vs, va);
  // Nothing is mapped where no entry is: a range clear of entries (exec's
  // stack in a new space) needs no walk of the page tables.
  if (!e || e->start >= end) return;
  hal::pmap_remove(vs->pmap, va, end - va);
  while (e && e->start < end) {
    VmEntry* next = e->next;
    const uptr a = max(e->start, va);
    const uptr b = min(e->end, end);
    // A needs-copy anon still shared keeps the slots for its other
    // sharers (vm_own_anon_locked empties them once it is this space's).
    if (e->anon && e->share == MapShare::Private &&
        !(e->needs_copy && e->anon->refs() > 1))
      e->anon->clear(e->slot_of(a), (b - a) / kPageSize);
    if (a == e->start && b == e->end) {
      unlink(vs, e);
      vm_entry_free(e);
    } else if (a == e->start) {
      e->anon_off = e->slot_of(b);
      e->object_pg = e->object_page_of(b);
      e->start = b;
    } else if (b == e->end) {
      e->end = a;
    } else {
      KASSERT(spare && *spare);
      VmEntry* hi = *spare;
      *spare = nullptr;
      split(vs, e, b, hi);
      e->end = a;
      break;
    }
    e = next;
  }
}

// Top-down: the highest page-aligned start in [lo, hi) with len free bytes
// above it, or 0.
uptr find_gap(VmSpace* vs, uptr lo, uptr hi, size_t len) REQUIRES(vs->lock) {
  if (lo >= hi || hi - lo < len) return 0;
  uptr best = 0;
  uptr gap_lo = lo;
  for (const VmEntry* e = vs->first;; e = e->next) {
    const uptr gap_hi = e ? min(e->start, hi) : hi;
    if (gap_hi > gap_lo && gap_hi - gap_lo >= len) best = gap_hi - len;
    if (!e || e->start >= hi) break;
    gap_lo = max(gap_lo, e->end);
  }
  return best;
}

uptr place(VmSpace* vs, uptr hint, size_t len) REQUIRES(vs->lock) {
  uptr end;
  if (hint >= kVmMinAddr && user_range(hint, len, &end) &&
      range_free(vs, hint, end))
    return hint;
  const uptr lo = max(hint, kVmMinAddr);
  uptr va = find_gap(vs, lo, kVmMmapTop, len);
  if (va == 0 && lo > kVmMinAddr) va = find_gap(vs, kVmMinAddr, kVmMmapTop, len);
  return va;
}

// Frees the spares a caller allocated but did not use.
struct Spares {
  VmEntry* e[2] = {};
  ~Spares() {
    for (VmEntry* s : e)
      if (s) vm_entry_free(s);
  }
  bool alloc(unsigned n) {
    for (unsigned i = 0; i < n; ++i)
      if (!(e[i] = vm_entry_alloc())) return false;
    return true;
  }
};

}  // namespace

// ---- for vm_advise.cpp and vm_remap.cpp (vm_space.h) ------------------------

bool vm_user_range(uptr va, size_t len, uptr* end) { return user_range(va, len, end); }
VmEntry* vm_first_ending_after_locked(VmSpace* vs, uptr va) {
  return first_ending_after(vs, va);
}
void vm_split_locked(VmSpace* vs, VmEntry* e, uptr addr, VmEntry* hi) {
  split(vs, e, addr, hi);
}
void vm_remove_range_locked(VmSpace* vs, uptr va, uptr end, VmEntry** spare) {
  remove_range(vs, va, end, spare);
}
uptr vm_place_locked(VmSpace* vs, uptr hint, size_t len) { return place(vs, hint, len); }
void vm_insert_locked(VmSpace* vs, VmEntry* e) { insert_sorted(vs, e); }
void vm_unlink_locked(VmSpace* vs, VmEntry* e) { unlink(vs, e); }

// ---- entries -----------------------------------------------------------------

VmEntry* vm_entry_alloc() {
  void* mem = kmalloc(sizeof(VmEntry));
  return mem ? new (mem) VmEntry() : nullptr;
}

void vm_entry_free(VmEntry* e) {
  KASSERT(!e->prev && !e->next);
  if (e->anon) e->anon->release();
  if (e->object) e->object.release();
  e->~VmEntry();
  kfree(e);
}

VmEntry* vm_find_entry_locked(VmSpace* vs, uptr va) {
  VmEntry* e = first_ending_after(vs, va);
  if (!e || e->start > va) return nullptr;
  vs->hint = e;
  return e;
}

// ---- spaces ------------------------------------------------------------------

Result<VmSpace*> vmspace_create() {
  hal::Pmap* pmap = TRY(hal::pmap_create());
  void* mem = kmalloc(sizeof(VmSpace));
  if (!mem) {
    hal::pmap_destroy(pmap);
    return Error::NoMem;
  }
  VmSpace* vs = new (mem) VmSpace();
  vs->pmap = pmap;
  return vs;
}

void vmspace_hold(VmSpace* vs) {
  vm_check(vs);
  const u32 before = __atomic_fetch_add(&vs->refs, 1u, __ATOMIC_RELAXED);
  KASSERT(before > 0);
}

void vmspace_release(VmSpace* vs) {
  vm_check(vs);
  const u32 before = __atomic_fetch_sub(&vs->refs, 1u, __ATOMIC_ACQ_REL);
  KASSERT(before > 0);
  if (before != 1) return;
  {
    MutexGuard g(vs->lock);
    // The pmap goes first: destroying it fences every hart that ran the
    // space, so no TLB still maps a page when the objects free it.
    hal::pmap_destroy(vs->pmap);
    vs->pmap = nullptr;
    while (VmEntry* e = vs->first) {
      unlink(vs, e);
      vm_entry_free(e);
    }
  }
  vs->magic = 0;
  vs->~VmSpace();
  kfree(vs);
}

void vmspace_activate(VmSpace* vs) {
  if (vs) vm_check(vs);
  hal::pmap_activate(vs ? vs->pmap : nullptr);
}

hal::Pmap* vmspace_pmap(VmSpace* vs) {
  vm_check(vs);
  return vs->pmap;
}

u64 vm_resident_pages(VmSpace* vs) {
  vm_check(vs);
  MutexGuard g(vs->lock);
  u64 n = 0;
  for (const VmEntry* e = vs->first; e; e = e->next)
    if (e->anon) n += e->anon->resident(e->anon_off, e->pages());
  return n;
}

// ---- mmap, munmap, mprotect ------------------------------------------------

namespace {

// mmap's common part: a new entry for [va, va+len) (placed, or fixed over
// whatever is there) onto a fresh anon (shared) or none yet (private), and
// onto `object` from page object_pg when it is set.
Result<uptr> map_entry(VmSpace* vs, uptr va, size_t len, Prot prot, MapShare share,
                       bool fixed, VmObject object, u64 object_pg, Prot max_prot) {
  vm_check(vs);
  if (!is_aligned(va, kPageSize) || len == 0 || !prot_ok(prot))
    return Error::Inval;
  uptr end = 0;
  if (fixed) {
    if (!user_range(va, len, &end)) return Error::Inval;
    if (va < kVmMinAddr) return Error::Perm;
  } else if (len > kVmMmapTop) {
    return Error::NoMem;
  }
  const size_t size = align_up(len, kPageSize);

  // Everything that can fail is had before the map changes.
  Spares spares;
  if (!spares.alloc(fixed ? 2 : 1)) return Error::NoMem;
  VmAnon* anon = nullptr;
  if (share == MapShare::Shared) anon = TRY(VmAnon::create(size / kPageSize));

  MutexGuard g(vs->lock);
  if (fixed) {
    remove_range(vs, va, end, &spares.e[1]);
  } else {
    va = place(vs, va, size);
    if (va == 0) {
      if (anon) anon->release();
      return Error::NoMem;
    }
    end = va + size;
  }
  VmEntry* e = spares.e[0];
  spares.e[0] = nullptr;
  e->start = va;
  e->end = end;
  e->prot = access_of(prot);
  e->max_prot = access_of(max_prot);
  e->share = share;
  e->anon = anon;
  if (object) {
    object.hold();
    e->object = object;
    e->object_pg = object_pg;
  }
  insert_sorted(vs, e);
  return va;
}

}  // namespace

Result<uptr> vm_map_anon(VmSpace* vs, uptr va, size_t len, Prot prot,
                         MapShare share, bool fixed) {
  return map_entry(vs, va, len, prot, share, fixed, VmObject{}, 0, kProtAccess);
}

Result<uptr> vm_map_object(VmSpace* vs, uptr va, size_t len, Prot prot,
                           MapShare share, bool fixed, VmObject object,
                           u64 object_pg, Prot max_prot) {
  KASSERT(object);
  if (!prot_ok(max_prot) || (access_of(prot) & ~access_of(max_prot)) != Prot::None)
    return Error::Inval;
  return map_entry(vs, va, len, prot, share, fixed, object, object_pg, max_prot);
}

Result<void> vm_unmap(VmSpace* vs, uptr va, size_t len) {
  vm_check(vs);
  uptr end;
  if (!is_aligned(va, kPageSize) || !user_range(va, len, &end))
    return Error::Inval;
  MutexGuard g(vs->lock);
  // A split is needed only when one entry straddles both ends.
  Spares spares;
  const VmEntry* e = vm_find_entry_locked(vs, va);
  if (e && e->start < va && e->end > end && !spares.alloc(1))
    return Error::NoMem;
  remove_range(vs, va, end, &spares.e[0]);
  return ok();
}

Result<void> vm_protect(VmSpace* vs, uptr va, size_t len, Prot prot) {
  vm_check(vs);
  if (!is_aligned(va, kPageSize) || !prot_ok(prot)) return Error::Inval;
  if (len == 0) return ok();
  uptr end;
  if (!user_range(va, len, &end)) return Error::Inval;
  prot = access_of(prot);
  MutexGuard g(vs->lock);
  // All or nothing: the whole range must be mapped (Linux: ENOMEM), and
  // every entry must allow the rights (Linux: EACCES).
  uptr covered = va;
  bool allowed = true;
  for (const VmEntry* e = first_ending_after(vs, va); e && covered < end;
       e = e->next) {
    if (e->start > covered) break;
    covered = e->end;
    if ((prot & ~e->max_prot) != Prot::None) allowed = false;
  }
  if (covered < end) return Error::NoMem;
  if (!allowed) return Error::Access;
  Spares spares;
  if (!spares.alloc(2)) return Error::NoMem;

  // Commit point: splits at both ends, then the new rights.
  VmEntry* e = vm_find_entry_locked(vs, va);
  if (e->start < va) {
    split(vs, e, va, spares.e[0]);
    spares.e[0] = nullptr;
    e = e->next;
  }
  VmEntry* last = vm_find_entry_locked(vs, end - 1);
  if (last->end > end) {
    split(vs, last, end, spares.e[1]);
    spares.e[1] = nullptr;
  }
  for (; e && e->start < end; e = e->next) e->prot = prot;

  // Translations follow: none at all for no access (the pages stay in the
  // objects); otherwise private pages lose write until a write fault shows
  // the page is this space's alone (it may be shared copy-on-write).
  if (!has_any(prot, kProtAccess)) {
    hal::pmap_remove(vs->pmap, va, end - va);
    return ok();
  }
  for (e = vm_find_entry_locked(vs, va); e && e->start < end; e = e->next)
    if (e->anon) hal::pmap_protect(vs->pmap, e->start, e->end - e->start,
                                   vm_pte_prot(*e, false));
  return ok();
}

Result<void> vm_sync(VmSpace* vs, uptr va, size_t len) {
  vm_check(vs);
  if (!is_aligned(va, kPageSize)) return Error::Inval;
  if (len == 0) return ok();
  uptr end;
  if (!user_range(va, len, &end)) return Error::NoMem;
  MutexGuard g(vs->lock);
  uptr covered = va;
  for (const VmEntry* e = first_ending_after(vs, va); e && covered < end; e = e->next) {
    if (e->start > covered) break;
    covered = e->end;
  }
  return covered < end ? Result<void>(Error::NoMem) : ok();
}

// ---- brk -----------------------------------------------------------------------

void vm_set_brk_base(VmSpace* vs, uptr base) {
  vm_check(vs);
  MutexGuard g(vs->lock);
  vs->brk_base = vs->brk = align_up(base, kPageSize);
}

uptr vm_brk(VmSpace* vs, uptr new_brk) {
  vm_check(vs);
  MutexGuard g(vs->lock);
  const uptr cur = vs->brk;
  if (vs->brk_base == 0 || new_brk < vs->brk_base ||
      new_brk > hal::kUserVaTop)
    return cur;
  const uptr old_end = align_up(cur, kPageSize);
  const uptr new_end = align_up(new_brk, kPageSize);
  if (new_end > old_end) {
    if (!range_free(vs, old_end, new_end)) return cur;
    // Grow the heap's own entry where it ends at the break and its object
    // is its alone (no other entry uses a slot past its end: a private
    // object's slots are emptied when pages are unmapped); otherwise a new
    // entry.
    VmEntry* prev = old_end > vs->brk_base ? vm_find_entry_locked(vs, old_end - 1)
                                            : nullptr;
    const bool extend = prev && prev->end == old_end && !prev->object &&
                        prev->share == MapShare::Private &&
                        prev->prot == (Prot::Read | Prot::Write) &&
                        !prev->dontfork && !prev->wipeonfork &&
                        (!prev->anon || prev->anon->refs() == 1);
    if (extend) {
      MUST(vm_own_anon_locked(vs, prev));  // refs() == 1: taken back
      const size_t slots = prev->anon_off + (new_end - prev->start) / kPageSize;
      if (prev->anon && slots > prev->anon->npages() &&
          !prev->anon->grow(slots).ok())
        return cur;
      prev->end = new_end;
    } else {
      VmEntry* e = vm_entry_alloc();
      if (!e) return cur;
      e->start = old_end;
      e->end = new_end;
      e->prot = Prot::Read | Prot::Write;
      insert_sorted(vs, e);
    }
  } else if (new_end < old_end) {
    Spares spares;
    const VmEntry* e = vm_find_entry_locked(vs, new_end);
    if (e && e->start < new_end && e->end > old_end && !spares.alloc(1))
      return cur;
    remove_range(vs, new_end, old_end, &spares.e[0]);
  }
  vs->brk = new_brk;
  return new_brk;
}

// ---- exec ------------------------------------------------------------------------

Result<void> vm_map_copy(VmSpace* vs, uptr va, size_t memsz, const void* src,
                         size_t filesz, Prot prot) {
  vm_check(vs);
  if (memsz == 0 || memsz > hal::kUserVaTop || filesz > memsz || !prot_ok(prot))
    return Error::Inval;
  const uptr start = align_down(va, kPageSize);
  uptr end;
  if (start < kVmMinAddr || !user_range(start, memsz + (va - start), &end))
    return Error::Inval;
  const size_t npages = (end - start) / kPageSize;

  Spares spares;
  if (!spares.alloc(2)) return Error::NoMem;
  VmAnon* anon = TRY(VmAnon::create(npages));
  PageAllocator& pages = vm_page_allocator();

  MutexGuard g(vs->lock);
  remove_range(vs, start, end, &spares.e[1]);
  VmEntry* e = spares.e[0];
  spares.e[0] = nullptr;
  e->start = start;
  e->end = end;
  e->prot = access_of(prot);
  e->anon = anon;
  insert_sorted(vs, e);

  // The pages holding file bytes; the rest fill with zeros on first touch.
  const uptr data_end = va + filesz;
  for (uptr page = start; page < data_end; page += kPageSize) {
    Result<paddr_t> pa = pages.alloc_anon(false);
    Result<void> r = pa.ok() ? Result<void>() : Result<void>(pa.error());
    if (r.ok()) {
      u8* dst = static_cast<u8*>(hal::phys_to_virt(pa.value()));
      const uptr lo = max(page, va);
      const uptr hi = min(page + kPageSize, data_end);
      memset(dst, 0, lo - page);
      memcpy(dst + (lo - page), static_cast<const u8*>(src) + (lo - va),
             hi - lo);
      memset(dst + (hi - page), 0, page + kPageSize - hi);
      r = anon->install((page - start) / kPageSize, pa.value());
      if (!r.ok()) pages.free(pa.value(), 0);
    }
    if (!r.ok()) {
      remove_range(vs, start, end, nullptr);
      return r.error();
    }
  }
  return ok();
}

Result<void> vm_map_segment(VmSpace* vs, uptr va, size_t memsz, VmObject object,
                            u64 offset, size_t filesz, Prot prot) {
  vm_check(vs);
  if (memsz == 0 || memsz > hal::kUserVaTop || filesz > memsz || !prot_ok(prot) ||
      (va - offset) % kPageSize != 0)
    return Error::Inval;
  const uptr start = align_down(va, kPageSize);
  uptr end;
  if (start < kVmMinAddr || !user_range(start, memsz + (va - start), &end))
    return Error::Inval;
  const uptr file_end = va + filesz;
  const uptr file_pages_end = filesz ? align_up(file_end, kPageSize) : start;
  if (file_pages_end > start) {
    // The file's pages, the bytes before va included (as Linux maps them).
    const u64 first_pg = (offset - (va - start)) / kPageSize;
    TRY(vm_map_object(vs, start, file_pages_end - start, prot, MapShare::Private,
                      true, object, first_pg, kProtAccess));
    if (memsz > filesz && file_end % kPageSize) {
      // The page where the file part ends is shared by the bss: this
      // space's copy of it, zeroed past file_end (Linux's padzero).
      const uptr last = file_pages_end - kPageSize;
      const paddr_t src = TRY(object.get_page(first_pg + (last - start) / kPageSize));
      PageAllocator& pages = vm_page_allocator();
      Result<paddr_t> copy = pages.alloc_anon(false);
      if (!copy.ok()) {
        (void)pages.unref(src);
        return copy.error();
      }
      u8* dst = static_cast<u8*>(hal::phys_to_virt(copy.value()));
      const size_t keep = file_end - last;
      memcpy(dst, hal::phys_to_virt(src), keep);
      memset(dst + keep, 0, kPageSize - keep);
      (void)pages.unref(src);
      MutexGuard g(vs->lock);
      VmEntry* e = vm_find_entry_locked(vs, last);
      KASSERT(e && e->object && !e->anon);
      Result<VmAnon*> anon = VmAnon::create(e->pages());
      Result<void> r = anon.ok() ? anon.value()->install(e->slot_of(last), copy.value())
                                 : Result<void>(anon.error());
      if (!r.ok()) {
        if (anon.ok()) anon.value()->release();
        pages.free(copy.value(), 0);
        return r.error();
      }
      e->anon = anon.value();
      e->anon_off = 0;
    }
  }
  // The rest of memsz: demand-zero, private.
  if (end > file_pages_end)
    TRY(vm_map_anon(vs, file_pages_end, end - file_pages_end, prot, MapShare::Private,
                    true));
  return ok();
}

// ---- the vDSO -------------------------------------------------------------------

Result<void> vm_map_pages(VmSpace* vs, uptr va, VmAnon* src, size_t first,
                          size_t n, Prot prot) {
  vm_check(vs);
  uptr end;
  if (n == 0 || !prot_ok(prot) || !is_aligned(va, kPageSize) || va < kVmMinAddr ||
      !user_range(va, n * kPageSize, &end))
    return Error::Inval;
  KASSERT(first + n <= src->npages() && src->resident(first, n) == n);
  Spares spares;
  if (!spares.alloc(2)) return Error::NoMem;

  MutexGuard g(vs->lock);
  remove_range(vs, va, end, &spares.e[1]);
  VmEntry* e = spares.e[0];
  spares.e[0] = nullptr;
  e->start = va;
  e->end = end;
  e->prot = access_of(prot);
  e->max_prot = e->prot;
  e->share = MapShare::Shared;
  src->hold();
  e->anon = src;
  e->anon_off = first;
  insert_sorted(vs, e);
  return ok();
}

void vm_set_vdso_base(VmSpace* vs, uptr base) {
  vm_check(vs);
  vs->vdso_base = base;
}

uptr vm_vdso_base(const VmSpace* vs) {
  vm_check(vs);
  return vs->vdso_base;
}

}  // namespace tine
