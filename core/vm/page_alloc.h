// The physical page allocator: a binary buddy allocator over the RAM the
// firmware reports, with a small per-hart cache of single pages in front.
//
// Shape:
//   - RAM ranges (banks) become regions; each region has a Page array, one
//     entry per physical page, carved from RAM itself at init(). Holes (the
//     kernel image, the FDT, firmware-reserved memory) and the metadata array
//     are unmanaged: they have a Page entry (so page_of() is an index) but
//     are never handed out, and page_of() says nullptr for them.
//   - Free memory is kept as naturally aligned blocks of 2^order pages, one
//     free list per order (0 .. kMaxOrder). free() merges a block with its
//     buddy while the buddy is free, so freeing everything gives back the
//     largest blocks the layout allows. Blocks never span two regions.
//   - Each hart keeps up to kCacheCapacity order-0 pages (refilled from and
//     drained to the buddy lists kCacheBatch at a time; a refill takes one
//     block of that many pages when there is one), so the common
//     single-page alloc/free touches only the hart's own cache line.
//
// Locks, in the order they may be taken (a later one while holding earlier):
//   1. HartCache::lock          (LockRank::PageCache) -- one at a time
//   2. PageAllocator::buddy_lock_ (LockRank::PageBuddy) -- a leaf
// The heap's size-class locks never nest with these: the heap calls alloc()
// and free() with no lock held. All are spin locks taken through
// IrqSpinGuard: a page may be freed from an interrupt handler. (The rank
// names in core/sync/lock_order.h predate this file: the per-hart cache lock is
// the outer one, so it takes the lower rank.)
//
// Why a lock on each per-hart cache: it is uncontended in the common case
// (one atomic swap on the hart's own cache line), but it lets drain_caches()
// and the exhaustion path take pages out of *other* harts' caches without an
// IPI, so NoMem is never reported while pages sit parked elsewhere and the
// free count is exact. (Linux went the same way for its per-cpu page lists.)
// It also keeps a thread that migrates between reading cpu_index() and
// disabling interrupts correct.
//
// Page reference counts: alloc() sets 1 on the head page; ref()/unref() are
// for pages shared copy-on-write. A page with refcount 0 is not allocated:
// that is how free() catches a double free.
#pragma once

#include "core/lib/list.h"
#include "core/sync/lock_order.h"
#include "core/lib/result.h"
#include "core/sync/spinlock.h"
#include "core/sync/thread_safety.h"
#include "core/lib/types.h"
#include "hal/hal.h"

namespace tine {

struct PhysRange {
  paddr_t base;
  u64 size;
};

// Page::flags: owned by whoever allocated the page (the heap uses them).
// The allocator clears them on alloc.
inline constexpr u8 kPageSlab = 1u << 0;       // a heap slab (slab_* valid)
inline constexpr u8 kPageHeapLarge = 1u << 1;  // a heap allocation of 2^order pages
// Anonymous memory (a private page or a copy-on-write copy): counted in
// anon_pages() until freed, for /proc/meminfo's AnonPages.
inline constexpr u8 kPageAnon = 1u << 2;

// One per physical page of a region, holes included. 32 bytes, so metadata is
// 1/128 of RAM. The list link is used by the buddy free lists and per-hart
// caches while the page is free, and by its owner (e.g. the heap's slab
// lists) while allocated. Pages inside a free block other than its head, and
// pages in a per-hart cache, have free_head == false and refcount == 0.
struct Page : ListLink<> {
  u32 refcount = 0;  // atomic; > 0 only on the head page of an allocated run
  u8 order = 0;      // free head: block order; allocated head: run order
                     // (both written under buddy_lock_ only)
  bool free_head = false;  // heads a block on a buddy free list (buddy_lock_)
  bool managed = false;    // handed out by the allocator; constant after init()
  u8 flags = 0;            // kPage*; the owner's
  // The owner's scratch; the heap keeps its slab state here.
  u16 slab_class = 0;  // size class index
  u16 slab_free = 0;   // offset of the first free object (heap's encoding)
  u16 slab_inuse = 0;  // objects handed out
};
static_assert(sizeof(Page) == 32);

class PageAllocator {
 public:
  // Largest block: 2^10 pages = 4 MiB, enough for any kernel allocation we
  // expect (kernel stacks, page tables, heap runs) while keeping the free
  // lists few and the alignment demands on RAM banks modest.
  static constexpr unsigned kMaxOrder = 10;
  static constexpr unsigned kMaxRegions = 8;      // RAM banks after merging
  static constexpr unsigned kMaxRamRanges = 32;   // ram[] entries init() takes
  static constexpr unsigned kMaxHoles = 64;       // holes[] entries init() takes
  static constexpr unsigned kCacheCapacity = 64;  // pages per hart cache
  static constexpr unsigned kCacheBatchOrder = 5;
  static constexpr unsigned kCacheBatch = 1u << kCacheBatchOrder;  // moved per refill/drain

  constexpr PageAllocator() = default;
  PageAllocator(const PageAllocator&) = delete;
  PageAllocator& operator=(const PageAllocator&) = delete;

  // Manages the RAM in ram[] minus holes[]. Ranges are page-aligned inward,
  // holes outward; both may be in any order and may overlap; RAM ranges that
  // touch are merged into one region. The Page arrays for all regions are
  // carved from the first usable RAM big enough for them.
  // Errors: NoMem if no usable page is left or the metadata fits nowhere;
  //         Inval if nram > kMaxRamRanges, nholes > kMaxHoles, RAM spans
  //         more than 256 GiB (kChunkBitWords), or more than kMaxRegions
  //         separate regions remain after merging.
  // Contract: called once, on one hart, before any alloc/free/ref (the
  // statistics answer 0 before).
  Result<void> init(const PhysRange* ram, unsigned nram, const PhysRange* holes,
                    unsigned nholes);
  // init() for a kernel that boots fast: the same errors and counts, but a
  // usable page's entry is written, and the page put on a free list, only
  // when the allocator first needs its 4 MiB chunk (Linux's deferred struct
  // page init, done on demand): no walk of all of RAM at boot. free_blocks()
  // counts only what is made so far.
  Result<void> init_deferred(const PhysRange* ram, unsigned nram, const PhysRange* holes,
                             unsigned nholes);

  // 2^order contiguous pages, aligned to their size; contents unspecified
  // (poison-checked if set_poison(true)). Refcount of the head page is 1.
  // Error: NoMem when no block that large is free (after draining caches).
  Result<paddr_t> alloc(unsigned order = 0);
  Result<paddr_t> alloc_zeroed(unsigned order = 0);
  // One page already marked anonymous (mark_anon), zeroed if asked: the
  // fault path's allocation, without a second look-up of its Page.
  Result<paddr_t> alloc_anon(bool zeroed);

  // Gives back a run from alloc() with the same order. KASSERTs that pa is a
  // managed, allocated, unshared run head of that order (catches double free,
  // misaligned and unmanaged addresses, wrong order).
  void free(paddr_t pa, unsigned order = 0);

  // Takes over npages pages of a hole from pa on (an initrd's file data that
  // the file keeps where it lies): each becomes a managed, allocated single
  // page with refcount 1, so its last unref() frees it to the allocator like
  // any other page. Inval (and nothing taken) unless pa is page-aligned and
  // every page lies in a RAM region, outside the metadata, unmanaged.
  // Contract: nothing else uses those pages; at boot, before anything else
  // could look them up (page_of() reads `managed` without a lock).
  Result<void> adopt(paddr_t pa, u64 npages);

  // The Page of the page containing pa; nullptr if pa is not managed (outside
  // RAM, in a hole or in the metadata).
  Page* page_of(paddr_t pa);
  // Contract: p came from page_of().
  paddr_t address_of(const Page* p) const;

  // Reference counts (copy-on-write). Contract: pa is an allocated run head.
  void ref(paddr_t pa);
  bool unref(paddr_t pa);  // frees the run when the count drops to 0: true then
  u32 refcount(paddr_t pa);

  // Marks a page just allocated (before anyone else can reach it) as
  // anonymous memory: counted in anon_pages() until it is freed.
  void mark_anon(paddr_t pa);
  size_t anon_pages() const { return __atomic_load_n(&anon_pages_, __ATOMIC_RELAXED); }

  // A snapshot: exact when no alloc/free runs concurrently.
  size_t free_pages() const;   // buddy lists plus per-hart caches
  size_t total_pages() const { return total_pages_; }  // managed, excluding metadata
  size_t free_blocks(unsigned order) const;  // on the buddy free list of order

  // Moves every hart's cached pages back to the buddy lists.
  void drain_caches();

  // Strict-fake support (STYLE.md). The nth alloc()/alloc_zeroed() call from
  // now fails with NoMem, once; 0 turns it off.
  void fail_nth_alloc(unsigned n);
  // While on, every free page is filled with a pattern that alloc() checks; a
  // write to a freed page panics naming the address. Turning it on poisons
  // all free memory. Contract: no alloc/free runs concurrently with this.
  void set_poison(bool on);

 private:
  struct Region {
    paddr_t base = 0;
    u64 npages = 0;
    Page* pages = nullptr;
    // grow_locked()'s frontier: the chunks below it are made (made_bits_
    // says which others adopt() made out of turn). Under buddy_lock_.
    u64 ready = 0;
    paddr_t chunk_base = 0;  // base rounded down to a chunk (kMaxOrder block)
    u32 chunk0 = 0;          // its first chunk's bit in made_bits_
  };
  static constexpr unsigned kChunkBitWords = 1024;  // 65536 chunks: 256 GiB of RAM

  struct alignas(64) HartCache {
    constexpr HartCache() : lock("page_alloc.hart_cache", LockRank::PageCache) {}
    SpinLock lock;
    List<Page> pages GUARDED_BY(lock);  // order 0, refcount 0, !free_head
    u32 count GUARDED_BY(lock) = 0;
  };

  const Region* region_of(paddr_t pa) const;
  bool in_hole(paddr_t pa) const;
  static void zero_entries(Region& r, paddr_t from, paddr_t to);
  bool grow_locked() REQUIRES(buddy_lock_);
  void make_chunk_locked(Region& r, paddr_t window) REQUIRES(buddy_lock_);
  bool made(const Region& r, paddr_t pa) const;
  Page* held_page(paddr_t pa);
  u64 chunk_bit(const Region& r, paddr_t pa) const {
    return r.chunk0 + (pa - r.chunk_base) / (u64{kPageSize} << kMaxOrder);
  }
  HartCache& my_cache();
  bool fail_injected();

  // alloc()'s work: the run's head Page, refcount 1, flags clear; nullptr
  // when out of memory (or a failure is injected).
  Page* take(unsigned order) EXCLUDES(buddy_lock_);
  Page* alloc_cached() EXCLUDES(buddy_lock_);
  Page* alloc_buddy(unsigned order) EXCLUDES(buddy_lock_);
  void free_run(Page* p, paddr_t pa, unsigned order) EXCLUDES(buddy_lock_);
  void drain_one(HartCache& c, unsigned n) REQUIRES(c.lock) EXCLUDES(buddy_lock_);

  Page* pop_locked(unsigned order) REQUIRES(buddy_lock_);
  void push_locked(Page* p, unsigned order) REQUIRES(buddy_lock_);

  void poison_fill(paddr_t pa, unsigned order);
  void poison_check(paddr_t pa, unsigned order);
  bool poison_on() const { return __atomic_load_n(&poison_, __ATOMIC_RELAXED); }

  // Written by init() before any concurrent use, read-only after.
  Region regions_[kMaxRegions];
  unsigned nregions_ = 0;
  size_t total_pages_ = 0;
  PhysRange meta_{};  // the Page arrays' own pages
  PhysRange holes_[kMaxHoles] = {};
  unsigned nholes_ = 0;

  mutable SpinLock buddy_lock_{"page_alloc.buddy", LockRank::PageBuddy};
  List<Page> free_[kMaxOrder + 1] GUARDED_BY(buddy_lock_);
  size_t nfree_[kMaxOrder + 1] GUARDED_BY(buddy_lock_) = {};  // blocks per list
  size_t buddy_free_pages_ GUARDED_BY(buddy_lock_) = 0;
  size_t unready_pages_ GUARDED_BY(buddy_lock_) = 0;  // usable, entries not made yet
  u64 made_bits_[kChunkBitWords] = {};  // atomic words; set under buddy_lock_

  mutable HartCache caches_[hal::kMaxCpus];

  u32 fail_countdown_ = 0;  // atomic; see fail_nth_alloc()
  size_t anon_pages_ = 0;   // atomic: allocated pages marked kPageAnon
  bool poison_ = false;     // atomic; see set_poison()
};

// The kernel's allocator (constant-initialized: usable before constructors).
PageAllocator& page_allocator();

}  // namespace tine
