// VmAnon: anonymous memory, the object that owns a mapping's pages (NetBSD's
// amap and uao rolled into one). A map entry maps a window of one VmAnon;
// the pmap below only caches translations of it, so a mapping can lose its
// page-table entries (PROT_NONE, pmap_remove) without losing its data.
//
// Representation: page slots 0 .. npages-1, each empty (never touched: reads
// as zeros) or holding one reference (page_alloc refcount) to a frame. Slots
// are kept two-level, kSlotsPerChunk to a chunk, and a chunk exists only
// once one of its pages has, so a large, sparsely used reservation costs
// little. Page-table entries hold no references: a frame lives while some
// slot holds it, and the VM layer removes translations (with their TLB
// shootdown) before it empties a slot.
//
// Two uses:
//  - Private: one VmSpace's entries only (several after a split, on disjoint
//    windows). Fork copies the window into a new VmAnon for the child and
//    references every page once more; a page whose refcount is above one is
//    therefore shared copy-on-write with another space, and a write fault
//    copies it (or takes it when the count has dropped back to one).
//  - Shared (MAP_SHARED): the same VmAnon is held by the entries of every
//    space that inherited it; fork just holds it again. Its pages are never
//    copied, and a page once filled stays until the VmAnon dies, even if
//    one space unmaps part of its window (another may still map it).
//
// Locking: the slots are guarded by lock_ (a spin lock, LockRank::VmAnon,
// taken under the VmSpace lock), because a shared VmAnon is reached from
// several spaces, each holding only its own VmSpace lock. Memory is never
// allocated with lock_ held. refs_ is atomic.
#pragma once

#include "core/sync/lock_order.h"
#include "core/lib/result.h"
#include "core/sync/spinlock.h"
#include "core/sync/thread_safety.h"
#include "core/lib/types.h"

namespace tine {

class VmAnon {
 public:
  static constexpr u32 kMagic = 0x766d616e;  // "vman"
  static constexpr size_t kSlotsPerChunk = kPageSize / sizeof(paddr_t);

  // npages empty slots, one reference. Error::NoMem.
  static Result<VmAnon*> create(size_t npages);
  // A new VmAnon (one reference) whose slots 0 .. n-1 are src's slots
  // first .. first+n-1; each page found is referenced once more. NoMem
  // leaves src and every refcount as they were.
  static Result<VmAnon*> copy_of(VmAnon* src, size_t first, size_t n);
  // Puts src's slots first .. first+n-1 into this object's empty slots at ..
  // at+n-1, each page referenced once more. This object is not published
  // yet (nobody else reaches it). NoMem: the pages copied so far stay in
  // it (its release gives them back).
  Result<void> copy_from(VmAnon* src, size_t first, size_t n, size_t at);

  void hold();
  // Drops a reference; the last one unreferences every page and frees the
  // object. Contract: no pmap maps its pages any more.
  void release();
  u32 refs() const { return __atomic_load_n(&refs_, __ATOMIC_ACQUIRE); }

  size_t npages() const;
  // The page in slot i, or 0 when the slot is empty.
  paddr_t lookup(size_t i) const;
  // lookup and replace without the lock, for the fault path. Contract: no
  // other space can reach the object (private, not shared needs-copy), and
  // the caller holds the lock of the one space whose entries map it.
  paddr_t lookup_exclusive(size_t i) const NO_THREAD_SAFETY_ANALYSIS {
    const paddr_t* chunk = chunks_[i / kSlotsPerChunk];
    return chunk ? chunk[i % kSlotsPerChunk] : 0;
  }
  void replace_exclusive(size_t i, paddr_t page) NO_THREAD_SAFETY_ANALYSIS {
    chunks_[i / kSlotsPerChunk][i % kSlotsPerChunk] = page;
  }
  // fill_zero and install of an empty slot under the same contract: no
  // lock rounds.
  Result<paddr_t> fill_zero_exclusive(size_t i);
  Result<void> install_exclusive(size_t i, paddr_t page);
  // The page in slot i, filling an empty slot with a zeroed page first.
  // Error::NoMem (the slot stays empty).
  Result<paddr_t> fill_zero(size_t i);
  // The page in slot i, filling an empty slot with `page` first (its
  // reference passes to the slot). When another space filled the slot
  // meanwhile (a shared object), page's reference is dropped and the
  // slot's page returned. Error::NoMem: the slot stays empty and the
  // caller keeps the reference.
  Result<paddr_t> fill_with(size_t i, paddr_t page);
  // Puts `page` (its reference passes to the slot) into empty slot i.
  // Error::NoMem (the caller keeps the reference).
  Result<void> install(size_t i, paddr_t page);
  // Slot i holds `old`; it now holds `page` (whose reference it takes). The
  // caller unreferences old once no translation of it is left.
  void replace(size_t i, paddr_t old, paddr_t page);
  // Empties slots first .. first+n-1, unreferencing their pages. Contract:
  // no pmap maps them (removed and fenced).
  void clear(size_t first, size_t n);
  // Filled slots among first .. first+n-1.
  size_t resident(size_t first, size_t n) const;
  // Grows to at least npages slots (new ones empty; nothing when it has
  // as many already). Safe on a shared object grown from two spaces at
  // once. Error::NoMem: unchanged.
  Result<void> grow(size_t npages);

 private:
  VmAnon() = default;
  ~VmAnon() = default;

  static size_t chunks_for(size_t npages) {
    return (npages + kSlotsPerChunk - 1) / kSlotsPerChunk;
  }
  // Slot i's chunk, allocating it if absent. nullptr: out of memory.
  paddr_t* chunk_for(size_t i) EXCLUDES(lock_);
  void destroy();

  u32 magic_ = kMagic;
  u32 refs_ = 1;  // atomic: entries (in any space) that map a window of it
  mutable SpinLock lock_{"vm_anon", LockRank::VmAnon};
  size_t npages_ GUARDED_BY(lock_) = 0;
  // chunks_for(npages_) pointers, each nullptr or kSlotsPerChunk slots.
  // Only a chunk's slots below npages_ are kept valid: a new chunk is
  // cleared that far (a small anon's chunk, a fork's copy of a data or
  // heap window, is mostly past its end), and grow() clears what it adds.
  paddr_t** chunks_ GUARDED_BY(lock_) = nullptr;
  // Slots of chunk c below n pages.
  static size_t slots_below(size_t c, size_t n) {
    const size_t base = c * kSlotsPerChunk;
    return n > base ? min(n - base, kSlotsPerChunk) : 0;
  }
  // Clears the slots [npages_, n) of npages_'s chunk, if it has one.
  void clear_tail_locked(size_t n) REQUIRES(lock_);
  // Every slot ever filled lies in [used_lo_, used_hi_) (empty: lo >= hi),
  // so destroy reads only those: a fork's copies and a child's anons hold a
  // few pages of a 512-slot chunk.
  size_t used_lo_ GUARDED_BY(lock_) = ~size_t{0};
  size_t used_hi_ GUARDED_BY(lock_) = 0;
  void mark_used(size_t i) REQUIRES(lock_) {
    if (i < used_lo_) used_lo_ = i;
    if (i >= used_hi_) used_hi_ = i + 1;
  }
};

}  // namespace tine
