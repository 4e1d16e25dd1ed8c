// The kernel heap: kmalloc/kfree over the page allocator.
//
// Sizes up to 2048 bytes come from slabs: power-of-two size classes 16, 32,
// ..., 2048, each slab one page whose Page entry records the class, so kfree
// needs no size. Larger sizes take a run of 2^order whole pages (the Page
// records the order), up to kHeapMaxAlloc. A slab whose objects are all free
// goes back to the page allocator, except one per class kept for reuse.
// In front of the slabs, each hart keeps a magazine per class: up to 32 free
// objects it reuses with interrupts off and no lock (a fork allocates and
// its exit frees some thirty objects). Objects in a magazine still hold
// their slab; heap_drain_magazines (and heap_trim) give them back. The
// magazine also caches up to 4 free runs of one and of two pages (a Proc
// is a run of two), which stay counted as the heap's pages until drained.
//
// Locks: one spin lock per size class (LockRank::HeapClass, IrqSpinGuard:
// kfree may run in an interrupt handler). It guards the class's slab lists
// and the slab state in their Page entries. It is a leaf: no two class locks
// are held together, and the page allocator is called with none held.
//
// Checks: kfree panics on pointers the heap did not hand out (not in a slab or
// at the start of a large run, or not on an object boundary) and on double
// frees of slab objects (a free object carries a tag; a tagged object is
// confirmed against its slab's free list). With TINE_DEBUG, freed objects are
// filled with a pattern that kmalloc checks, to catch writes after free.
#pragma once

#include "core/vm/page_alloc.h"
#include "core/lib/types.h"

namespace tine {

inline constexpr size_t kHeapMaxAlloc = kPageSize << PageAllocator::kMaxOrder;

// 16-byte aligned (large allocations: page aligned); contents unspecified.
// nullptr when memory is exhausted or size > kHeapMaxAlloc. kmalloc(0) gives
// a unique 16-byte object that must be kfree'd like any other.
// Contract: heap_init() has run.
void* kmalloc(size_t size);
void* kzalloc(size_t size);  // kmalloc, zero-filled
void kfree(void* p);         // p from kmalloc/kzalloc, or nullptr

struct HeapStats {
  size_t bytes_in_use;  // handed out, rounded up to the class or page run
  size_t allocations;   // live kmalloc results
  size_t pages;         // pages the heap holds (slabs incl. cached empty, runs)
};
// A snapshot; exact when no kmalloc/kfree runs concurrently.
HeapStats heap_stats();

// (Re)starts the heap on `pages`. Anything from an earlier heap_init is
// forgotten without being touched, so its objects must not be kfree'd after.
// Contract: no kmalloc/kfree runs concurrently (boot; between host tests).
void heap_init(PageAllocator& pages);

// Strict-fake support (STYLE.md): the nth next kmalloc returns nullptr
// (0 = off). Counts every call, whatever the size.
void heap_fail_nth_alloc(unsigned n);

// Gives the objects in every hart's magazine back to their slabs.
// Contract: no kmalloc/kfree of the objects concerned runs concurrently on
// another hart (it would be safe, but may refill a magazine at once).
void heap_drain_magazines();

// Drains the magazines and gives the cached empty slabs back to the page
// allocator, so that with no live allocations the heap holds no pages.
void heap_trim();

}  // namespace tine
