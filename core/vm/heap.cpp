// The kernel heap; the design and lock rules are in heap.h.
#include "core/vm/heap.h"

#include "hal/hal.h"

#include "core/lib/assert.h"
#include "core/lib/list.h"
#include "core/sync/lock_order.h"
#include "core/sync/spin_wait.h"
#include "core/sync/spinlock.h"
#include "core/sync/thread_safety.h"

namespace tine {

namespace {

constexpr unsigned kMinShift = 4;   // 16 bytes: the alignment kmalloc promises
constexpr unsigned kMaxShift = 11;  // 2048 bytes: at least two objects a slab
constexpr unsigned kNumClasses = kMaxShift - kMinShift + 1;
constexpr size_t kMaxSlabSize = size_t{1} << kMaxShift;

// A free object starts with one word: this tag in the upper 48 bits and the
// offset of the next free object in the lower 16 (kSlabEnd ends the list).
// The tag makes double-free detection cheap: only a tagged object needs the
// slab's free list walked to confirm.
constexpr u64 kFreeTag = 0xf4eeb10cc0de0000ull;
constexpr u64 kTagMask = ~u64{0xffff};
constexpr u16 kSlabEnd = 0xffff;
// The first word of an object in a magazine: a free tag whose offset no
// slab list can hold (take_locked rejects it).
constexpr u64 kMagTag = kFreeTag | 0xfffe;

#if defined(TINE_DEBUG)
constexpr u8 kObjPoison = 0x6b;  // the rest of a free object, in debug builds
#endif

struct SizeClass {
  constexpr SizeClass() : lock("heap.size_class", LockRank::HeapClass) {}
  SpinLock lock;
  // Slabs with at least one free and one used object. Full slabs are on no
  // list; they come back here when an object is freed. A slab whose last
  // object is freed becomes `empty` or goes back to the page allocator.
  List<Page> partial GUARDED_BY(lock);
  Page* empty GUARDED_BY(lock) = nullptr;  // at most one slab with all free
};

constinit SizeClass g_classes[kNumClasses];

// Set by heap_init() before any kmalloc; read-only after.
PageAllocator* g_pages = nullptr;

// Statistics, updated atomically outside the class locks.
size_t g_bytes = 0;
size_t g_allocs = 0;
size_t g_held_pages = 0;

// Per-hart magazines (Bonwick's): a small stack of free objects per size
// class, taken and refilled with interrupts off and no lock, so a fork's
// thirty-odd kmallocs and the exit's kfrees stay off the class locks and
// the slab lists. An object in a magazine still counts as in use in its
// slab, and its first word is kMagTag (below) so that a double free of it
// is found. `busy` keeps out heap_drain_magazines on another hart (one
// amoswap; taken, the caller goes to the slabs instead).
constexpr unsigned kMagSlots = 32;
// Beside them, a few free runs of 2^0 and 2^1 pages (a Proc is one of
// 8 KiB), so that a fork's and a reap's large kmalloc/kfree stay off the
// page allocator's lock too. A cached run keeps its pages (g_held_pages)
// and has flags 0, so that a kfree of it panics as a double free.
constexpr unsigned kRunOrders = 2;
constexpr unsigned kRunSlots = 4;

struct alignas(64) Magazine {
  u32 busy = 0;
  u32 count[kNumClasses] = {};
  u8* obj[kNumClasses][kMagSlots] = {};
  u32 runs[kRunOrders] = {};
  paddr_t run[kRunOrders][kRunSlots] = {};
};

constinit Magazine g_mags[hal::kMaxCpus];

// This hart's magazine for the guard's life, interrupts off; none if busy.
class MagHold {
 public:
  MagHold() : irq_(hal::irq_save()) {
    Magazine& m = g_mags[hal::cpu_index()];
    if (__atomic_exchange_n(&m.busy, 1u, __ATOMIC_ACQUIRE) == 0) m_ = &m;
  }
  ~MagHold() {
    if (m_) __atomic_store_n(&m_->busy, 0u, __ATOMIC_RELEASE);
    hal::irq_restore(irq_);
  }
  MagHold(const MagHold&) = delete;
  MagHold& operator=(const MagHold&) = delete;
  Magazine* get() const { return m_; }

 private:
  hal::IrqState irq_;
  Magazine* m_ = nullptr;
};

// Any hart's magazine, for heap_drain_magazines: waits for its owner, who
// holds `busy` only for a few instructions with interrupts off.
class MagDrainHold {
 public:
  explicit MagDrainHold(Magazine& m) : irq_(hal::irq_save()), m_(m) {
    SpinWait w;  // the owner may be a hart QEMU -icount runs after this one
    while (__atomic_exchange_n(&m.busy, 1u, __ATOMIC_ACQUIRE) != 0) w.pause();
  }
  ~MagDrainHold() {
    __atomic_store_n(&m_.busy, 0u, __ATOMIC_RELEASE);
    hal::irq_restore(irq_);
  }
  MagDrainHold(const MagDrainHold&) = delete;
  MagDrainHold& operator=(const MagDrainHold&) = delete;

 private:
  hal::IrqState irq_;
  Magazine& m_;
};

void stat_add(size_t* s, size_t v) { __atomic_fetch_add(s, v, __ATOMIC_RELAXED); }
void stat_sub(size_t* s, size_t v) { __atomic_fetch_sub(s, v, __ATOMIC_RELAXED); }

size_t class_size(unsigned c) { return size_t{1} << (c + kMinShift); }
// The class of each size, by (size - 1) >> kMinShift: one load where a loop
// took a step per class (and __builtin_clz, without Zbb, a libgcc call).
struct ClassTable {
  u8 of[kMaxSlabSize >> kMinShift] = {};
  constexpr ClassTable() {
    for (size_t i = 0; i < sizeof of; ++i) {
      unsigned c = 0;
      while ((size_t{1} << (c + kMinShift)) < (i + 1) << kMinShift) ++c;
      of[i] = static_cast<u8>(c);
    }
  }
};
constexpr ClassTable kClassOf;
// size <= kMaxSlabSize; 0 is class 0.
unsigned class_of(size_t size) { return size ? kClassOf.of[(size - 1) >> kMinShift] : 0; }
unsigned slab_objects(unsigned c) { return kPageSize >> (c + kMinShift); }

// Object words go through memcpy: the user may have stored any type there.
u64 load_word(const u8* p) {
  u64 w;
  __builtin_memcpy(&w, p, sizeof w);
  return w;
}
void store_word(u8* p, u64 w) { __builtin_memcpy(p, &w, sizeof w); }

u8* slab_base(const Page* s) {
  return static_cast<u8*>(hal::phys_to_virt(g_pages->address_of(s)));
}

void free_object_fill(u8* obj, size_t size) {
#if defined(TINE_DEBUG)
  __builtin_memset(obj + sizeof(u64), kObjPoison, size - sizeof(u64));
#else
  (void)obj;
  (void)size;
#endif
}

void free_object_check(const u8* obj, size_t size) {
#if defined(TINE_DEBUG)
  for (size_t i = sizeof(u64); i < size; ++i)
    if (obj[i] != kObjPoison)
      panic("heap: object %p written after free (offset %zu)",
            static_cast<const void*>(obj), i);
#else
  (void)obj;
  (void)size;
#endif
}

// A fresh slab of class c, all objects free, on no list; nullptr on NoMem.
Page* new_slab(unsigned c) {
  auto r = g_pages->alloc(0);
  if (!r) return nullptr;
  Page* s = g_pages->page_of(r.value());
  const size_t size = class_size(c);
  const unsigned n = slab_objects(c);
  u8* base = static_cast<u8*>(hal::phys_to_virt(r.value()));
  for (unsigned i = 0; i < n; ++i) {
    const u16 next = i + 1 < n ? static_cast<u16>((i + 1) * size) : kSlabEnd;
    store_word(base + i * size, kFreeTag | next);
    free_object_fill(base + i * size, size);
  }
  s->flags = kPageSlab;
  s->slab_class = static_cast<u16>(c);
  s->slab_free = 0;
  s->slab_inuse = 0;
  stat_add(&g_held_pages, 1);
  return s;
}

// Takes the first free object of slab s, which is on sc.partial.
u8* take_locked(SizeClass& sc, Page* s, unsigned c) REQUIRES(sc.lock) {
  const size_t size = class_size(c);
  KASSERT(s->slab_free != kSlabEnd);
  u8* obj = slab_base(s) + s->slab_free;
  const u64 w = load_word(obj);
  const u16 next = static_cast<u16>(w);
  if ((w & kTagMask) != kFreeTag ||
      (next != kSlabEnd && (next >= kPageSize || next % size != 0)))
    panic("heap: free object %p overwritten (use after free?)",
          static_cast<void*>(obj));
  s->slab_free = next;
  if (++s->slab_inuse == slab_objects(c)) sc.partial.remove(s);
  return obj;
}

u8* mag_pop(unsigned c) {
  u8* obj = nullptr;
  {
    MagHold h;
    Magazine* m = h.get();
    if (!m || m->count[c] == 0) return nullptr;
    obj = m->obj[c][--m->count[c]];
  }
  if (load_word(obj) != kMagTag)
    panic("heap: free object %p overwritten (use after free?)", static_cast<void*>(obj));
  return obj;
}

// Whether obj sits in some hart's magazine of class c: a double free. Read
// racily; an object there is free, so a match is never a live object.
bool in_a_magazine(unsigned c, const u8* obj) {
  for (Magazine& m : g_mags) {
    const u32 n = __atomic_load_n(&m.count[c], __ATOMIC_RELAXED);
    for (u32 i = 0; i < n && i < kMagSlots; ++i)
      if (__atomic_load_n(&m.obj[c][i], __ATOMIC_RELAXED) == obj) return true;
  }
  return false;
}

bool mag_push(unsigned c, u8* obj) {
  MagHold h;
  Magazine* m = h.get();
  if (!m || m->count[c] == kMagSlots) return false;
  free_object_fill(obj, class_size(c));
  store_word(obj, kMagTag);
  m->obj[c][m->count[c]++] = obj;
  return true;
}

// An object of class c from the slabs: the magazine had none. Out of line,
// so that the magazine's way saves no registers for the lock and the list.
[[gnu::noinline]] u8* slab_take(unsigned c) {
  SizeClass& sc = g_classes[c];
  {
    IrqSpinGuard g(sc.lock);
    Page* s = sc.partial.front();
    if (!s && sc.empty) {
      s = sc.empty;
      sc.empty = nullptr;
      sc.partial.push_front(s);
    }
    if (s) return take_locked(sc, s, c);
  }
  // No free object: make a slab outside the lock, then take the first
  // object from it, so every slab on the partial list has one in use.
  Page* s = new_slab(c);
  if (!s) return nullptr;
  IrqSpinGuard g(sc.lock);
  sc.partial.push_front(s);
  return take_locked(sc, s, c);
}

void* slab_alloc(unsigned c) {
  u8* obj = mag_pop(c);
  if (!obj && !(obj = slab_take(c))) return nullptr;
  free_object_check(obj, class_size(c));
  store_word(obj, 0);  // untagged: a kfree need not search the free list
  stat_add(&g_bytes, class_size(c));
  stat_add(&g_allocs, 1);
  return obj;
}

bool on_free_list_locked(SizeClass& sc, const Page* s, u16 off) REQUIRES(sc.lock) {
  (void)sc;  // names the lock the caller holds
  const u8* base = slab_base(s);
  unsigned steps = 0;
  for (u16 o = s->slab_free; o != kSlabEnd; o = static_cast<u16>(load_word(base + o))) {
    if (o == off) return true;
    if (++steps > kPageSize / (size_t{1} << kMinShift)) break;  // corrupt: a cycle
  }
  return false;
}

// Back onto its slab: the magazine is full or being drained.
void slab_free_locked_path(Page* s, u8* obj, u16 off, unsigned c);

void slab_free(Page* s, u8* obj, u16 off) {
  const unsigned c = s->slab_class;
  KASSERT(c < kNumClasses);
  const size_t size = class_size(c);
  if (off % size != 0)
    panic("kfree(%p): not the start of a %zu-byte object", static_cast<void*>(obj),
          size);
  const u64 w = load_word(obj);
  if (w == kMagTag && in_a_magazine(c, obj))
    panic("heap: double free of %p", static_cast<void*>(obj));
  // A word that looks like a slab free tag needs the free list checked
  // under the class lock: the slow path.
  if ((w & kTagMask) != kFreeTag || w == kMagTag) {
    if (mag_push(c, obj)) {
      stat_sub(&g_bytes, size);
      stat_sub(&g_allocs, 1);
      return;
    }
  }
  slab_free_locked_path(s, obj, off, c);
  stat_sub(&g_bytes, size);
  stat_sub(&g_allocs, 1);
}

void slab_free_locked_path(Page* s, u8* obj, u16 off, unsigned c) {
  const size_t size = class_size(c);
  SizeClass& sc = g_classes[c];
  Page* release = nullptr;
  {
    IrqSpinGuard g(sc.lock);
    if ((load_word(obj) & kTagMask) == kFreeTag && on_free_list_locked(sc, s, off))
      panic("heap: double free of %p", static_cast<void*>(obj));
    if (s->slab_inuse == 0) panic("kfree(%p): slab has no objects in use", static_cast<void*>(obj));
    free_object_fill(obj, size);
    store_word(obj, kFreeTag | s->slab_free);
    s->slab_free = off;
    const bool was_full = s->slab_inuse == slab_objects(c);
    if (--s->slab_inuse == 0) {
      if (!was_full) sc.partial.remove(s);
      if (!sc.empty)
        sc.empty = s;
      else
        release = s;
    } else if (was_full) {
      sc.partial.push_front(s);
    }
  }
  if (release) {
    release->flags = 0;
    g_pages->free(g_pages->address_of(release), 0);
    stat_sub(&g_held_pages, 1);
  }
}

unsigned run_order(size_t size) {
  unsigned o = 0;
  while ((kPageSize << o) < size) ++o;
  return o;
}

}  // namespace

namespace {
u32 g_fail_countdown = 0;  // strict-fake support: see heap_fail_nth_alloc
}  // namespace

void heap_fail_nth_alloc(unsigned n) {
  __atomic_store_n(&g_fail_countdown, n, __ATOMIC_RELAXED);
}

// A cached run of 2^order pages into pa; false: none.
bool run_pop(unsigned order, paddr_t& pa) {
  if (order >= kRunOrders) return false;
  MagHold h;
  Magazine* m = h.get();
  if (!m || m->runs[order] == 0) return false;
  pa = m->run[order][--m->runs[order]];
  return true;
}

// Caches the run at pa (its head page pg, flags cleared); false: no room.
bool run_push(Page* pg, paddr_t pa, unsigned order) {
  if (order >= kRunOrders) return false;
  MagHold h;
  Magazine* m = h.get();
  if (!m || m->runs[order] == kRunSlots) return false;
  pg->flags = 0;
  m->run[order][m->runs[order]++] = pa;
  return true;
}

void* kmalloc(size_t size) {
  KASSERT(g_pages);
  for (u32 c = __atomic_load_n(&g_fail_countdown, __ATOMIC_RELAXED);
       __builtin_expect(c != 0, 0);) {
    if (__atomic_compare_exchange_n(&g_fail_countdown, &c, c - 1, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
      if (c == 1) return nullptr;
      break;
    }
  }
  if (size <= kMaxSlabSize) return slab_alloc(class_of(size));
  if (size > kHeapMaxAlloc) return nullptr;
  const unsigned order = run_order(size);
  paddr_t pa = 0;
  if (!run_pop(order, pa)) {
    auto r = g_pages->alloc(order);
    if (!r) return nullptr;
    pa = r.value();
    stat_add(&g_held_pages, size_t{1} << order);
  }
  Page* pg = g_pages->page_of(pa);
  KASSERT(pg->order == order);
  pg->flags = kPageHeapLarge;
  stat_add(&g_bytes, kPageSize << order);
  stat_add(&g_allocs, 1);
  return hal::phys_to_virt(pa);
}

void* kzalloc(size_t size) {
  void* p = kmalloc(size);
  if (p) __builtin_memset(p, 0, size);
  return p;
}

void kfree(void* p) {
  if (!p) return;
  KASSERT(g_pages);
  const paddr_t pa = hal::virt_to_phys(p);
  Page* pg = g_pages->page_of(align_down(pa, kPageSize));
  if (pg && (pg->flags & kPageSlab)) {
    slab_free(pg, static_cast<u8*>(p), static_cast<u16>(pa % kPageSize));
    return;
  }
  if (!pg || !(pg->flags & kPageHeapLarge) || pa % kPageSize != 0)
    panic("kfree(%p): not allocated by kmalloc (double free?)", p);
  const unsigned order = pg->order;
  stat_sub(&g_bytes, kPageSize << order);
  stat_sub(&g_allocs, 1);
  if (run_push(pg, pa, order)) return;
  pg->flags = 0;
  stat_sub(&g_held_pages, size_t{1} << order);
  g_pages->free(pa, order);
}

HeapStats heap_stats() {
  return {__atomic_load_n(&g_bytes, __ATOMIC_RELAXED),
          __atomic_load_n(&g_allocs, __ATOMIC_RELAXED),
          __atomic_load_n(&g_held_pages, __ATOMIC_RELAXED)};
}

void heap_drain_magazines() {
  KASSERT(g_pages);
  for (Magazine& m : g_mags) {
    for (unsigned o = 0; o < kRunOrders; ++o) {
      paddr_t runs[kRunSlots];
      u32 n;
      {
        MagDrainHold hold(m);
        n = m.runs[o];
        for (u32 i = 0; i < n; ++i) runs[i] = m.run[o][i];
        m.runs[o] = 0;
      }
      for (u32 i = 0; i < n; ++i) {
        g_pages->free(runs[i], o);
        stat_sub(&g_held_pages, size_t{1} << o);
      }
    }
    for (unsigned c = 0; c < kNumClasses; ++c) {
      u8* objs[kMagSlots];
      u32 n;
      {
        MagDrainHold hold(m);
        n = m.count[c];
        for (u32 i = 0; i < n; ++i) objs[i] = m.obj[c][i];
        m.count[c] = 0;
      }
      for (u32 i = 0; i < n; ++i) {
        const paddr_t pa = hal::virt_to_phys(objs[i]);
        Page* pg = g_pages->page_of(align_down(pa, kPageSize));
        slab_free_locked_path(pg, objs[i], static_cast<u16>(pa % kPageSize), c);
      }
    }
  }
}

void heap_init(PageAllocator& pages) {
  for (Magazine& m : g_mags) {
    __atomic_store_n(&m.busy, 0u, __ATOMIC_RELAXED);
    for (u32& n : m.count) n = 0;
    for (u32& n : m.runs) n = 0;
  }
  for (SizeClass& sc : g_classes) {
    IrqSpinGuard g(sc.lock);
    sc.partial.reset();
    sc.empty = nullptr;
  }
  __atomic_store_n(&g_bytes, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_allocs, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_held_pages, 0, __ATOMIC_RELAXED);
  g_pages = &pages;
}

void heap_trim() {
  KASSERT(g_pages);
  heap_drain_magazines();
  for (SizeClass& sc : g_classes) {
    Page* s;
    {
      IrqSpinGuard g(sc.lock);
      s = sc.empty;
      sc.empty = nullptr;
    }
    if (!s) continue;
    s->flags = 0;
    g_pages->free(g_pages->address_of(s), 0);
    stat_sub(&g_held_pages, 1);
  }
}

}  // namespace tine
