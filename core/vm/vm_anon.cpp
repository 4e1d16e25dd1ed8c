// Anonymous memory objects; the representation and lock rules are in
// vm_anon.h.
#include "core/vm/vm_anon.h"

#include "core/lib/assert.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/vm/page_data.h"
#include "core/vm/vm_page.h"

namespace tine {

namespace {
paddr_t** alloc_top(size_t nchunks) {
  return static_cast<paddr_t**>(kzalloc(nchunks * sizeof(paddr_t*)));
}
}  // namespace

Result<VmAnon*> VmAnon::create(size_t npages) {
  KASSERT(npages > 0);
  paddr_t** top = alloc_top(chunks_for(npages));
  if (!top) return Error::NoMem;
  void* mem = kmalloc(sizeof(VmAnon));
  if (!mem) {
    kfree(top);
    return Error::NoMem;
  }
  VmAnon* a = new (mem) VmAnon();
  SpinGuard g(a->lock_);
  a->npages_ = npages;
  a->chunks_ = top;
  return a;
}

Result<VmAnon*> VmAnon::copy_of(VmAnon* src, size_t first, size_t n) {
  VmAnon* a = TRY(create(n));
  const Result<void> r = a->copy_from(src, first, n, 0);
  if (!r.ok()) {
    a->release();  // drops the references taken so far
    return r.error();
  }
  return a;
}

Result<void> VmAnon::copy_from(VmAnon* src, size_t first, size_t n, size_t at)
    NO_THREAD_SAFETY_ANALYSIS {
  VmAnon* a = this;
  PageAllocator& pages = vm_page_allocator();
  for (size_t i = at; i < at + n;) {
    const size_t s = first + (i - at);
    const paddr_t* src_chunk;
    {
      SpinGuard g(src->lock_);
      KASSERT(s < src->npages_);
      src_chunk = src->chunks_[s / kSlotsPerChunk];
    }
    // A run that stays inside one source chunk and one destination chunk.
    const size_t run = min(min(kSlotsPerChunk - s % kSlotsPerChunk,
                               kSlotsPerChunk - i % kSlotsPerChunk),
                           at + n - i);
    if (!src_chunk) {
      i += run;  // nothing in this chunk was ever touched
      continue;
    }
    paddr_t* chunk = a->chunk_for(i);  // allocates: before taking src's lock
    if (!chunk) return Error::NoMem;
    // Fork's hot loop: one lock round per run, not per page. The new object
    // is not published yet, so its slots need no lock; chunks are never
    // freed while src lives, so src_chunk stays valid.
    SpinGuard g(src->lock_);
    bool any = false;
    for (size_t k = 0; k < run; ++k) {
      const paddr_t page = src_chunk[(s + k) % kSlotsPerChunk];
      if (!page) continue;
      pages.ref(page);
      chunk[(i + k) % kSlotsPerChunk] = page;
      any = true;
    }
    if (any) {  // the run's bounds: inside it, every filled slot
      a->mark_used(i);
      a->mark_used(i + run - 1);
    }
    i += run;
  }
  return ok();
}

void VmAnon::hold() {
  KASSERT(magic_ == kMagic);
  const u32 before = __atomic_fetch_add(&refs_, 1u, __ATOMIC_RELAXED);
  KASSERT(before > 0);
}

void VmAnon::release() {
  KASSERT(magic_ == kMagic);
  const u32 before = __atomic_fetch_sub(&refs_, 1u, __ATOMIC_ACQ_REL);
  KASSERT(before > 0);
  if (before == 1) destroy();
}

void VmAnon::destroy() {
  PageAllocator& pages = vm_page_allocator();
  paddr_t** top;
  size_t nchunks, lo, hi;
  {
    SpinGuard g(lock_);
    top = chunks_;
    nchunks = chunks_for(npages_);
    lo = used_lo_;
    hi = min(used_hi_, npages_);
    chunks_ = nullptr;
    npages_ = 0;
  }
  // The last reference: nobody else can reach the slots now. Only the
  // slots ever used are read.
  for (size_t c = 0; c < nchunks; ++c) {
    paddr_t* chunk = top[c];
    if (!chunk) continue;
    const size_t base = c * kSlotsPerChunk;
    const size_t from = lo > base ? lo - base : 0;
    const size_t to = hi > base ? min(hi - base, kSlotsPerChunk) : 0;
    for (size_t k = from; k < to; ++k)
      if (chunk[k]) pages.unref(chunk[k]);
    kfree(chunk);
  }
  kfree(top);
  magic_ = 0;
  this->~VmAnon();
  kfree(this);
}

size_t VmAnon::npages() const {
  SpinGuard g(lock_);
  return npages_;
}

paddr_t VmAnon::lookup(size_t i) const {
  SpinGuard g(lock_);
  KASSERT(i < npages_);
  const paddr_t* chunk = chunks_[i / kSlotsPerChunk];
  return chunk ? chunk[i % kSlotsPerChunk] : 0;
}

namespace {
void clear_slots(paddr_t* slots, size_t n) {
  for (size_t k = 0; k < n; ++k) slots[k] = 0;
}
}  // namespace

void VmAnon::clear_tail_locked(size_t n) {
  const size_t c = npages_ / kSlotsPerChunk;
  if (npages_ % kSlotsPerChunk == 0 || !chunks_[c]) return;
  const size_t from = npages_ % kSlotsPerChunk;
  const size_t to = slots_below(c, n);
  if (to > from) clear_slots(chunks_[c] + from, to - from);
}

paddr_t* VmAnon::chunk_for(size_t i) {
  const size_t c = i / kSlotsPerChunk;
  size_t valid;
  {
    SpinGuard g(lock_);
    KASSERT(i < npages_);
    if (chunks_[c]) return chunks_[c];
    valid = slots_below(c, npages_);
  }
  // A chunk is one page's worth (grow() needs no new one), but only its
  // slots below npages_ are cleared (see vm_anon.h): fork's copy of a
  // window makes one, mostly for a few pages of data or heap.
  static_assert(kSlotsPerChunk * sizeof(paddr_t) == kPageSize);
  auto* fresh = static_cast<paddr_t*>(kmalloc(kPageSize));
  if (!fresh) return nullptr;
  if (valid == kSlotsPerChunk)
    page_zero(fresh);
  else
    clear_slots(fresh, valid);
  paddr_t* chunk;
  {
    SpinGuard g(lock_);
    if (!chunks_[c]) {
      // Grown meanwhile (a shared object, from another space): the rest.
      const size_t now = slots_below(c, npages_);
      if (now > valid) clear_slots(fresh + valid, now - valid);
      chunks_[c] = fresh;
    }
    chunk = chunks_[c];
  }
  if (chunk != fresh) kfree(fresh);  // another space filled it first
  return chunk;
}

Result<paddr_t> VmAnon::fill_zero(size_t i) {
  if (const paddr_t page = lookup(i)) return page;
  paddr_t* chunk = chunk_for(i);
  if (!chunk) return Error::NoMem;
  const paddr_t fresh = TRY(vm_page_allocator().alloc_anon(true));
  paddr_t page;
  {
    SpinGuard g(lock_);
    paddr_t& slot = chunk[i % kSlotsPerChunk];
    if (!slot) {
      slot = fresh;
      mark_used(i);
    }
    page = slot;
  }
  // A shared object may have been filled by another space meanwhile.
  if (page != fresh) vm_page_allocator().free(fresh, 0);
  return page;
}

Result<paddr_t> VmAnon::fill_zero_exclusive(size_t i) NO_THREAD_SAFETY_ANALYSIS {
  paddr_t* chunk = chunks_[i / kSlotsPerChunk];
  if (!chunk) chunk = chunk_for(i);
  if (!chunk) return Error::NoMem;
  paddr_t& slot = chunk[i % kSlotsPerChunk];
  KASSERT(slot == 0);
  slot = TRY(vm_page_allocator().alloc_anon(true));
  mark_used(i);
  return slot;
}

Result<void> VmAnon::install_exclusive(size_t i, paddr_t page) NO_THREAD_SAFETY_ANALYSIS {
  paddr_t* chunk = chunks_[i / kSlotsPerChunk];
  if (!chunk) chunk = chunk_for(i);
  if (!chunk) return Error::NoMem;
  KASSERT(chunk[i % kSlotsPerChunk] == 0);
  chunk[i % kSlotsPerChunk] = page;
  mark_used(i);
  return ok();
}

Result<paddr_t> VmAnon::fill_with(size_t i, paddr_t page) {
  paddr_t* chunk = chunk_for(i);
  if (!chunk) return Error::NoMem;
  paddr_t now;
  bool taken = false;
  {
    SpinGuard g(lock_);
    paddr_t& slot = chunk[i % kSlotsPerChunk];
    if (!slot) {
      slot = page;
      taken = true;
      mark_used(i);
    }
    now = slot;
  }
  // The loser drops its reference even when both found the same page.
  if (!taken) (void)vm_page_allocator().unref(page);
  return now;
}

Result<void> VmAnon::install(size_t i, paddr_t page) {
  paddr_t* chunk = chunk_for(i);
  if (!chunk) return Error::NoMem;
  SpinGuard g(lock_);
  paddr_t& slot = chunk[i % kSlotsPerChunk];
  KASSERT(slot == 0);
  slot = page;
  mark_used(i);
  return ok();
}

void VmAnon::replace(size_t i, paddr_t old, paddr_t page) {
  SpinGuard g(lock_);
  KASSERT(i < npages_);
  paddr_t* chunk = chunks_[i / kSlotsPerChunk];
  KASSERT(chunk && chunk[i % kSlotsPerChunk] == old);
  chunk[i % kSlotsPerChunk] = page;
}

void VmAnon::clear(size_t first, size_t n) {
  PageAllocator& pages = vm_page_allocator();
  SpinGuard g(lock_);
  KASSERT(first <= npages_ && n <= npages_ - first);
  for (size_t i = first; i < first + n;) {
    paddr_t* chunk = chunks_[i / kSlotsPerChunk];
    const size_t run = min(kSlotsPerChunk - i % kSlotsPerChunk, first + n - i);
    if (chunk) {
      for (size_t k = 0; k < run; ++k) {
        paddr_t& slot = chunk[(i + k) % kSlotsPerChunk];
        if (slot) pages.unref(slot);
        slot = 0;
      }
    }
    i += run;
  }
}

size_t VmAnon::resident(size_t first, size_t n) const {
  SpinGuard g(lock_);
  KASSERT(first <= npages_ && n <= npages_ - first);
  size_t count = 0;
  for (size_t i = first; i < first + n;) {
    const paddr_t* chunk = chunks_[i / kSlotsPerChunk];
    const size_t run = min(kSlotsPerChunk - i % kSlotsPerChunk, first + n - i);
    if (chunk)
      for (size_t k = 0; k < run; ++k)
        if (chunk[(i + k) % kSlotsPerChunk]) ++count;
    i += run;
  }
  return count;
}

Result<void> VmAnon::grow(size_t npages) {
  // A shared object may be grown from two spaces at once (mremap of a
  // MAP_SHARED mapping, each under its own VmSpace lock): the table is
  // swapped only if nobody resized it meanwhile, else the round is redone.
  for (;;) {
    size_t old_chunks;
    {
      SpinGuard g(lock_);
      if (npages <= npages_) return ok();
      old_chunks = chunks_for(npages_);
      if (chunks_for(npages) == old_chunks) {
        clear_tail_locked(npages);
        npages_ = npages;
        return ok();
      }
    }
    paddr_t** top = alloc_top(chunks_for(npages));
    if (!top) return Error::NoMem;
    paddr_t** old = nullptr;
    {
      SpinGuard g(lock_);
      if (chunks_for(npages_) == old_chunks && npages > npages_) {
        clear_tail_locked(npages);
        for (size_t c = 0; c < old_chunks; ++c) top[c] = chunks_[c];
        old = chunks_;
        chunks_ = top;
        npages_ = npages;
        top = nullptr;
      }
    }
    if (!top) {
      kfree(old);
      return ok();
    }
    kfree(top);  // resized meanwhile: look again
  }
}

}  // namespace tine
