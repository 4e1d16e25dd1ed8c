// The physical page allocator; the design and lock order are in page_alloc.h.
#include "core/vm/page_alloc.h"

#include "core/vm/page_data.h"

namespace tine {

namespace {

// What a freed page holds while poisoning is on ("safe free").
constexpr u64 kPoisonWord = 0x5afef4ee5afef4eeull;

constexpr u64 block_bytes(unsigned order) { return u64{kPageSize} << order; }

// A half-open physical interval [base, end).
struct Span {
  paddr_t base = 0;
  paddr_t end = 0;
};

// The holes as init() sees them, plus the metadata once it is placed.
struct Holes {
  const PhysRange* list;
  unsigned n;
  Span extra;  // empty until the metadata is placed

  // The hole, page-aligned outward, that intersects [a, b) and starts lowest;
  // false if none does.
  bool first_in(paddr_t a, paddr_t b, Span* out) const {
    bool found = false;
    auto consider = [&](Span h) {
      if (h.base >= h.end || h.end <= a || h.base >= b) return;
      if (!found || h.base < out->base) *out = h;
      found = true;
    };
    for (unsigned i = 0; i < n; ++i) {
      if (list[i].size == 0) continue;
      // Saturate at the top page rather than wrap.
      const paddr_t top = align_down(~paddr_t{0}, kPageSize);
      paddr_t end = list[i].base + list[i].size;
      end = (end < list[i].base || end > top) ? top : align_up(end, kPageSize);
      consider({align_down(list[i].base, kPageSize), end});
    }
    consider(extra);
    return found;
  }

  // The next maximal hole-free run [a, b) at or after *cur, below end, for
  // walking a region lowest first; false when there is none.
  bool next_run(paddr_t end, paddr_t* cur, Span* out) const {
    while (*cur < end) {
      Span h;
      if (!first_in(*cur, end, &h)) {
        *out = {*cur, end};
        *cur = end;
        return true;
      }
      const Span run{*cur, h.base};
      *cur = max(*cur, h.end);
      if (run.base < run.end) {
        *out = run;
        return true;
      }
    }
    return false;
  }
};

constinit PageAllocator g_page_allocator;

}  // namespace

PageAllocator& page_allocator() { return g_page_allocator; }

Result<void> PageAllocator::init(const PhysRange* ram, unsigned nram,
                                 const PhysRange* holes, unsigned nholes) {
  TRY(init_deferred(ram, nram, holes, nholes));
  IrqSpinGuard g(buddy_lock_);
  while (grow_locked()) {
  }
  return ok();
}

Result<void> PageAllocator::init_deferred(const PhysRange* ram, unsigned nram,
                                          const PhysRange* holes, unsigned nholes) {
  KASSERT(nregions_ == 0 && total_pages_ == 0);  // once
  if (nram > kMaxRamRanges || nholes > kMaxHoles) return Error::Inval;

  // RAM, page-aligned inward, sorted by base, touching ranges merged.
  Span banks[kMaxRamRanges];
  unsigned nbanks = 0;
  for (unsigned i = 0; i < nram; ++i) {
    paddr_t end = ram[i].base + ram[i].size;
    if (end < ram[i].base) end = ~paddr_t{0};
    Span s{align_up(ram[i].base, kPageSize), align_down(end, kPageSize)};
    if (s.base >= s.end || s.base < ram[i].base) continue;  // empty or wrapped
    unsigned j = nbanks++;
    for (; j > 0 && banks[j - 1].base > s.base; --j) banks[j] = banks[j - 1];
    banks[j] = s;
  }
  unsigned n = 0;
  for (unsigned i = 0; i < nbanks; ++i) {
    if (n > 0 && banks[i].base <= banks[n - 1].end)
      banks[n - 1].end = max(banks[n - 1].end, banks[i].end);
    else
      banks[n++] = banks[i];
  }
  if (n > kMaxRegions) return Error::Inval;
  u64 nchunks = 0;
  for (unsigned i = 0; i < n; ++i)
    nchunks += (align_up(banks[i].end, block_bytes(kMaxOrder)) -
                align_down(banks[i].base, block_bytes(kMaxOrder))) / block_bytes(kMaxOrder);
  if (nchunks > kChunkBitWords * 64) return Error::Inval;

  // The metadata: one Page per page of every region, holes included, so that
  // page_of() is an index. Placed at the start of the first usable run that
  // holds it.
  for (unsigned i = 0; i < nholes; ++i) holes_[i] = holes[i];
  nholes_ = nholes;
  Holes hl{holes_, nholes_, {}};
  u64 meta_bytes = 0;
  for (unsigned i = 0; i < n; ++i)
    meta_bytes += (banks[i].end - banks[i].base) / kPageSize * sizeof(Page);
  meta_bytes = align_up(meta_bytes, kPageSize);
  bool placed = false;
  for (unsigned i = 0; i < n && !placed; ++i) {
    paddr_t cur = banks[i].base;
    Span run;
    while (!placed && hl.next_run(banks[i].end, &cur, &run)) {
      if (run.end - run.base >= meta_bytes) {
        hl.extra = {run.base, run.base + meta_bytes};
        placed = true;
      }
    }
  }
  if (!placed || meta_bytes == 0) return Error::NoMem;

  u8* meta = static_cast<u8*>(hal::phys_to_virt(hl.extra.base));
  u64 chunks = 0;
  for (unsigned i = 0; i < n; ++i) {
    regions_[i].base = banks[i].base;
    regions_[i].npages = (banks[i].end - banks[i].base) / kPageSize;
    regions_[i].pages = reinterpret_cast<Page*>(meta);
    regions_[i].ready = 0;
    regions_[i].chunk_base = align_down(banks[i].base, block_bytes(kMaxOrder));
    regions_[i].chunk0 = u32(chunks);
    chunks += (align_up(banks[i].end, block_bytes(kMaxOrder)) - regions_[i].chunk_base) /
              block_bytes(kMaxOrder);
    meta += regions_[i].npages * sizeof(Page);
  }
  nregions_ = n;
  meta_ = {hl.extra.base, meta_bytes};

  // Zero is a valid Page: unlinked, unmanaged, not free. Only the holes'
  // entries are written now (adopt() and page_of() read them); the usable
  // pages' entries are written a chunk at a time as the allocator first
  // needs them (grow_locked), so boot does not walk all of RAM.
  size_t total = 0;
  for (unsigned i = 0; i < n; ++i) {
    Region& r = regions_[i];
    paddr_t cur = banks[i].base;
    Span run;
    paddr_t prev_end = banks[i].base;
    while (hl.next_run(banks[i].end, &cur, &run)) {
      zero_entries(r, prev_end, run.base);
      prev_end = run.end;
      total += (run.end - run.base) / kPageSize;
    }
    zero_entries(r, prev_end, banks[i].end);
  }
  if (total == 0) {
    nregions_ = 0;
    return Error::NoMem;
  }
  total_pages_ = total;
  IrqSpinGuard g(buddy_lock_);
  unready_pages_ = total;
  return ok();
}

void PageAllocator::zero_entries(Region& r, paddr_t from, paddr_t to) {
  if (from >= to) return;
  void* first = &r.pages[(from - r.base) / kPageSize];
  __builtin_memset(first, 0, (to - from) / kPageSize * sizeof(Page));
}

// The next chunk of some region (a kMaxOrder-aligned window, so no buddy
// lies in a chunk not made yet): see make_chunk_locked. False when every
// region is made.
bool PageAllocator::grow_locked() {
  for (unsigned i = 0; i < nregions_; ++i) {
    Region& r = regions_[i];
    const u64 ready = __atomic_load_n(&r.ready, __ATOMIC_RELAXED);
    if (ready >= r.npages) continue;
    const paddr_t rend = r.base + r.npages * kPageSize;
    const paddr_t window = align_down(r.base + ready * kPageSize, block_bytes(kMaxOrder));
    paddr_t to = window + block_bytes(kMaxOrder);
    if (to > rend || to < window) to = rend;
    if (!made(r, window < r.base ? r.base : window)) make_chunk_locked(r, window);
    __atomic_store_n(&r.ready, (to - r.base) / kPageSize, __ATOMIC_RELAXED);
    return true;
  }
  return false;
}

// The usable pages of r in the chunk at `window` get their entries and go
// to the free lists as the largest aligned blocks.
void PageAllocator::make_chunk_locked(Region& r, paddr_t window) {
  Holes hl{holes_, nholes_, {meta_.base, meta_.base + meta_.size}};
  const paddr_t rend = r.base + r.npages * kPageSize;
  paddr_t cur = max(window, r.base);
  paddr_t to = window + block_bytes(kMaxOrder);
  if (to > rend || to < window) to = rend;
  Span run;
  while (hl.next_run(to, &cur, &run)) {
    Page* p = &r.pages[(run.base - r.base) / kPageSize];
    const u64 npages = (run.end - run.base) / kPageSize;
    for (u64 k = 0; k < npages; ++k) {
      p[k] = Page{};
      p[k].managed = true;
    }
    unready_pages_ -= npages;
    for (paddr_t a = run.base; a < run.end;) {
      unsigned o = kMaxOrder;
      while (o > 0 && (!is_aligned(a, block_bytes(o)) || run.end - a < block_bytes(o))) --o;
      if (poison_on()) poison_fill(a, o);
      push_locked(&r.pages[(a - r.base) / kPageSize], o);
      a += block_bytes(o);
    }
  }
  const u64 bit = chunk_bit(r, max(window, r.base));
  __atomic_fetch_or(&made_bits_[bit / 64], u64{1} << (bit % 64), __ATOMIC_RELEASE);
}

// One bit a chunk, set (release) once its entries are written.
bool PageAllocator::made(const Region& r, paddr_t pa) const {
  const u64 bit = chunk_bit(r, pa);
  return __atomic_load_n(&made_bits_[bit / 64], __ATOMIC_ACQUIRE) >> (bit % 64) & 1;
}

// Out of line: only a page of a chunk not made yet asks.
__attribute__((noinline)) bool PageAllocator::in_hole(paddr_t pa) const {
  Holes hl{holes_, nholes_, {meta_.base, meta_.base + meta_.size}};
  Span h;
  return hl.first_in(pa, pa + kPageSize, &h);
}

const PageAllocator::Region* PageAllocator::region_of(paddr_t pa) const {
  for (unsigned i = 0; i < nregions_; ++i) {
    const Region& r = regions_[i];
    if (pa >= r.base && (pa - r.base) / kPageSize < r.npages) return &r;
  }
  return nullptr;
}

Result<void> PageAllocator::adopt(paddr_t pa, u64 npages) {
  if (!is_aligned(pa, kPageSize) || npages == 0) return Error::Inval;
  const Region* r = region_of(pa);
  if (!r || npages > r->npages - (pa - r->base) / kPageSize) return Error::Inval;
  const paddr_t end = pa + npages * kPageSize;
  if (pa < meta_.base + meta_.size && meta_.base < end) return Error::Inval;
  // Holes only: their entries are written at init, a usable page's maybe not.
  Holes hl{holes_, nholes_, {}};
  paddr_t cur = pa;
  Span run;
  if (hl.next_run(end, &cur, &run)) return Error::Inval;
  Page* first = &r->pages[(pa - r->base) / kPageSize];
  for (u64 i = 0; i < npages; ++i)
    if (first[i].managed) return Error::Inval;
  // Their chunks are made now, out of turn if need be, so that page_of()
  // and a buddy's merge can trust every entry near them.
  const paddr_t w0 = align_down(pa, block_bytes(kMaxOrder));
  {
    IrqSpinGuard g(buddy_lock_);
    for (paddr_t w = w0; w < end; w += block_bytes(kMaxOrder))
      if (!made(*r, max(w, r->base))) make_chunk_locked(*const_cast<Region*>(r), w);
  }
  for (u64 i = 0; i < npages; ++i) {
    Page& p = first[i];
    p.order = 0;
    p.flags = 0;
    p.managed = true;
    __atomic_store_n(&p.refcount, 1u, __ATOMIC_RELEASE);
  }
  // Managed RAM from now on (Linux counts freed initrd memory so, too).
  __atomic_add_fetch(&total_pages_, npages, __ATOMIC_RELAXED);
  return ok();
}

// page_of() for a page the caller holds (ref, unref, refcount): its chunk is
// made, or it is an adopted hole page, so its entry is trusted without the
// chunk check that page_of() makes of any address.
Page* PageAllocator::held_page(paddr_t pa) {
  const Region* r = region_of(pa);
  if (!r) return nullptr;
  Page* p = &r->pages[(pa - r->base) / kPageSize];
  return p->managed ? p : nullptr;
}

Page* PageAllocator::page_of(paddr_t pa) {
  const Region* r = region_of(pa);
  if (!r) return nullptr;
  const u64 idx = (pa - r->base) / kPageSize;
  // In a chunk not made yet only a hole's entry is written.
  if (!made(*r, pa) && !in_hole(pa)) return nullptr;
  Page* p = &r->pages[idx];
  return p->managed ? p : nullptr;
}

paddr_t PageAllocator::address_of(const Page* p) const {
  const uptr a = reinterpret_cast<uptr>(p);
  for (unsigned i = 0; i < nregions_; ++i) {
    const Region& r = regions_[i];
    const uptr lo = reinterpret_cast<uptr>(r.pages);
    if (a >= lo && a < lo + r.npages * sizeof(Page))
      return r.base + (a - lo) / sizeof(Page) * kPageSize;
  }
  panic("page_alloc: address_of(%p): not a Page of this allocator",
        static_cast<const void*>(p));
}

// ---- buddy lists -----------------------------------------------------------

Page* PageAllocator::pop_locked(unsigned order) {
  unsigned o = order;
  for (;;) {
    while (o <= kMaxOrder && free_[o].empty()) ++o;
    if (o <= kMaxOrder) break;
    if (!grow_locked()) return nullptr;
    o = order;
  }
  Page* p = free_[o].pop_front();
  --nfree_[o];
  // Split: the upper halves go back on the lower lists. A block lies within
  // one region, so its Page entries are consecutive.
  while (o > order) {
    --o;
    Page* half = p + (size_t{1} << o);
    half->free_head = true;
    half->order = static_cast<u8>(o);
    free_[o].push_front(half);
    ++nfree_[o];
  }
  p->free_head = false;
  p->order = static_cast<u8>(order);
  buddy_free_pages_ -= size_t{1} << order;
  return p;
}

void PageAllocator::push_locked(Page* p, unsigned order) {
  buddy_free_pages_ += size_t{1} << order;
  paddr_t pa = address_of(p);
  const Region* r = region_of(pa);
  const paddr_t rend = r->base + r->npages * kPageSize;
  // Merge with the buddy while it is a free block of the same order. Holes
  // and metadata are never free, and blocks never leave the region.
  while (order < kMaxOrder) {
    const paddr_t bpa = pa ^ block_bytes(order);
    if (bpa < r->base || bpa >= rend || rend - bpa < block_bytes(order)) break;
    // A chunk not made yet has no entries to trust, but for its holes.
    if (!made(*r, bpa) && !in_hole(bpa)) break;
    Page* b = &r->pages[(bpa - r->base) / kPageSize];
    if (!b->free_head || b->order != order) break;
    free_[order].remove(b);
    --nfree_[order];
    b->free_head = false;
    pa = min(pa, bpa);
    ++order;
  }
  Page* h = &r->pages[(pa - r->base) / kPageSize];
  h->free_head = true;
  h->order = static_cast<u8>(order);
  free_[order].push_front(h);
  ++nfree_[order];
}

Page* PageAllocator::alloc_buddy(unsigned order) {
  IrqSpinGuard g(buddy_lock_);
  return pop_locked(order);
}

// ---- per-hart caches -------------------------------------------------------

PageAllocator::HartCache& PageAllocator::my_cache() {
  const unsigned i = hal::cpu_index();
  KASSERT(i < hal::kMaxCpus);
  return caches_[i];
}

Page* PageAllocator::alloc_cached() {
  HartCache& c = my_cache();
  IrqSpinGuard g(c.lock);
  if (c.count == 0) {
    SpinGuard b(buddy_lock_);  // interrupts are already off
    // One block of a batch's pages when there is one: a pop and no splits
    // per page (a COW-heavy child refills every 32 faults). Its Page
    // entries are consecutive, and none but the head was a free head.
    if (Page* run = pop_locked(kCacheBatchOrder)) {
      for (unsigned i = 0; i < kCacheBatch; ++i) {
        run[i].order = 0;
        c.pages.push_back(&run[i]);
      }
      c.count = kCacheBatch;
    }
    for (unsigned i = c.count; i < kCacheBatch; ++i) {
      Page* p = pop_locked(0);
      if (!p) break;
      c.pages.push_front(p);
      ++c.count;
    }
  }
  Page* p = c.pages.pop_front();
  if (p) --c.count;
  return p;
}

// Coldest pages first: the front is the most recently freed.
void PageAllocator::drain_one(HartCache& c, unsigned n) {
  SpinGuard b(buddy_lock_);  // interrupts are already off
  for (unsigned i = 0; i < n; ++i) {
    Page* p = c.pages.pop_back();
    if (!p) break;
    --c.count;
    push_locked(p, 0);
  }
}

void PageAllocator::drain_caches() {
  for (HartCache& c : caches_) {
    IrqSpinGuard g(c.lock);
    drain_one(c, c.count);
  }
}

// ---- alloc and free --------------------------------------------------------

bool PageAllocator::fail_injected() {
  u32 n = __atomic_load_n(&fail_countdown_, __ATOMIC_RELAXED);
  while (n != 0) {
    if (__atomic_compare_exchange_n(&fail_countdown_, &n, n - 1, false,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
      return n == 1;
  }
  return false;
}

Result<paddr_t> PageAllocator::alloc(unsigned order) {
  Page* p = take(order);
  if (!p) return Error::NoMem;
  return address_of(p);
}

Result<paddr_t> PageAllocator::alloc_anon(bool zeroed) {
  Page* p = take(0);
  if (!p) return Error::NoMem;
  p->flags = kPageAnon;
  __atomic_fetch_add(&anon_pages_, size_t{1}, __ATOMIC_RELAXED);
  const paddr_t pa = address_of(p);
  if (zeroed) page_zero(hal::phys_to_virt(pa));
  return pa;
}

Page* PageAllocator::take(unsigned order) {
  KASSERT(order <= kMaxOrder);
  if (fail_injected()) return nullptr;
  Page* p = order == 0 ? alloc_cached() : alloc_buddy(order);
  if (!p) {
    // Pages parked in hart caches may be all that is left, or may be the
    // buddies that would make a large enough block.
    drain_caches();
    p = alloc_buddy(order);
    if (!p) return nullptr;
  }
  if (poison_on()) poison_check(address_of(p), order);
  p->flags = 0;
  p->slab_class = p->slab_free = p->slab_inuse = 0;
  __atomic_store_n(&p->refcount, 1u, __ATOMIC_RELAXED);
  return p;
}

Result<paddr_t> PageAllocator::alloc_zeroed(unsigned order) {
  const paddr_t pa = TRY(alloc(order));
  u8* va = static_cast<u8*>(hal::phys_to_virt(pa));
  for (size_t i = 0; i < (size_t{1} << order); ++i) page_zero(va + i * kPageSize);
  return pa;
}

void PageAllocator::free(paddr_t pa, unsigned order) {
  KASSERT(order <= kMaxOrder);
  Page* p = page_of(pa);
  if (!p) panic("page_alloc: free of unmanaged address %#lx", (unsigned long)pa);
  if (!is_aligned(pa, block_bytes(order)))
    panic("page_alloc: free of %#lx: not aligned to order %u", (unsigned long)pa,
          order);
  u32 refs = 1;
  if (!__atomic_compare_exchange_n(&p->refcount, &refs, 0u, false,
                                   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
    if (refs == 0)
      panic("page_alloc: double free of %#lx (or not an allocated run)",
            (unsigned long)pa);
    panic("page_alloc: free of %#lx with %u references (use unref)",
          (unsigned long)pa, refs);
  }
  if (p->order != order) {
    __atomic_store_n(&p->refcount, 1u, __ATOMIC_RELAXED);
    panic("page_alloc: %#lx allocated with order %u, freed with order %u",
          (unsigned long)pa, unsigned{p->order}, order);
  }
  free_run(p, pa, order);
}

void PageAllocator::free_run(Page* p, paddr_t pa, unsigned order) {
  if (p->flags & kPageAnon) __atomic_fetch_sub(&anon_pages_, size_t{1}, __ATOMIC_RELAXED);
  if (poison_on()) poison_fill(pa, order);
  if (order == 0) {
    HartCache& c = my_cache();
    IrqSpinGuard g(c.lock);
    if (c.count >= kCacheCapacity) drain_one(c, kCacheBatch);
    c.pages.push_front(p);
    ++c.count;
    return;
  }
  IrqSpinGuard g(buddy_lock_);
  push_locked(p, order);
}

// ---- reference counts ------------------------------------------------------

void PageAllocator::ref(paddr_t pa) {
  Page* p = held_page(pa);
  KASSERT(p);
  u32 n = __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
  do {
    if (n == 0) panic("page_alloc: ref of free page %#lx", (unsigned long)pa);
  } while (!__atomic_compare_exchange_n(&p->refcount, &n, n + 1, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

bool PageAllocator::unref(paddr_t pa) {
  Page* p = held_page(pa);
  KASSERT(p);
  u32 n = __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
  do {
    if (n == 0) panic("page_alloc: unref of free page %#lx", (unsigned long)pa);
    // acq_rel: every sharer's writes happen before the page is reused.
  } while (!__atomic_compare_exchange_n(&p->refcount, &n, n - 1, true,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
  if (n != 1) return false;
  free_run(p, pa, p->order);
  return true;
}

void PageAllocator::mark_anon(paddr_t pa) {
  Page* p = held_page(pa);
  KASSERT(p && !(p->flags & kPageAnon));
  p->flags |= kPageAnon;
  __atomic_fetch_add(&anon_pages_, size_t{1}, __ATOMIC_RELAXED);
}

u32 PageAllocator::refcount(paddr_t pa) {
  Page* p = held_page(pa);
  KASSERT(p);
  return __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
}

// ---- statistics and test support -------------------------------------------

size_t PageAllocator::free_pages() const {
  size_t n;
  {
    IrqSpinGuard g(buddy_lock_);
    n = buddy_free_pages_ + unready_pages_;
  }
  for (HartCache& c : caches_) {
    IrqSpinGuard g(c.lock);
    n += c.count;
  }
  return n;
}

size_t PageAllocator::free_blocks(unsigned order) const {
  KASSERT(order <= kMaxOrder);
  IrqSpinGuard g(buddy_lock_);
  return nfree_[order];
}

void PageAllocator::fail_nth_alloc(unsigned n) {
  __atomic_store_n(&fail_countdown_, n, __ATOMIC_RELAXED);
}

void PageAllocator::set_poison(bool on) {
  if (!on) {
    __atomic_store_n(&poison_, false, __ATOMIC_RELAXED);
    return;
  }
  // From now on every free page holds the pattern: fill what is free already.
  drain_caches();
  IrqSpinGuard g(buddy_lock_);
  __atomic_store_n(&poison_, true, __ATOMIC_RELAXED);
  for (unsigned o = 0; o <= kMaxOrder; ++o)
    for (Page* p : free_[o]) poison_fill(address_of(p), o);
}

void PageAllocator::poison_fill(paddr_t pa, unsigned order) {
  u64* w = static_cast<u64*>(hal::phys_to_virt(pa));
  const u64 n = block_bytes(order) / sizeof(u64);
  for (u64 i = 0; i < n; ++i) w[i] = kPoisonWord;
}

void PageAllocator::poison_check(paddr_t pa, unsigned order) {
  const u64* w = static_cast<const u64*>(hal::phys_to_virt(pa));
  const u64 n = block_bytes(order) / sizeof(u64);
  for (u64 i = 0; i < n; ++i) {
    if (w[i] == kPoisonWord) continue;
    const u8* b = reinterpret_cast<const u8*>(&w[i]);
    const u8* want = reinterpret_cast<const u8*>(&kPoisonWord);
    u64 off = i * sizeof(u64);
    while (*b == *want) ++b, ++want, ++off;
    panic("page_alloc: free page written at %#lx (run %#lx order %u): use after free?",
          (unsigned long)(pa + off), (unsigned long)pa, order);
  }
}

}  // namespace tine
