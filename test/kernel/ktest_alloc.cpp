// The page allocator and heap used from every hart at once.
#include "core/vm/heap.h"
#include "core/boot/ktest.h"
#include "core/vm/page_alloc.h"
#include "core/sched/smp_call.h"
#include "core/lib/string.h"
#include "hal/hal.h"

using namespace tine;

namespace {

constexpr unsigned kSlots = 64;
constexpr unsigned kRounds = 3000;

u32 g_errors = 0;

// A small xorshift so each hart walks its own sequence.
u64 next_random(u64& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

u64 pattern(paddr_t pa) { return pa * 0x9e3779b97f4a7c15ull; }

bool page_holds(paddr_t pa, unsigned order) {
  auto* w = static_cast<const u64*>(hal::phys_to_virt(pa));
  size_t words = (kPageSize << order) / 8;
  for (size_t i = 0; i < words; i += 61)
    if (w[i] != pattern(pa) + i) return false;
  return true;
}

void fill_page(paddr_t pa, unsigned order) {
  auto* w = static_cast<u64*>(hal::phys_to_virt(pa));
  size_t words = (kPageSize << order) / 8;
  for (size_t i = 0; i < words; i += 61) w[i] = pattern(pa) + i;
}

void page_stress(void*) {
  paddr_t held[kSlots] = {};
  unsigned order[kSlots] = {};
  u64 seed = 0x1234567 + hal::cpu_index() * 7919;
  PageAllocator& pa = page_allocator();
  for (unsigned r = 0; r < kRounds; r++) {
    unsigned slot = next_random(seed) % kSlots;
    if (held[slot]) {
      if (!page_holds(held[slot], order[slot]))
        __atomic_fetch_add(&g_errors, 1u, __ATOMIC_RELAXED);
      pa.free(held[slot], order[slot]);
      held[slot] = 0;
    } else {
      unsigned o = (next_random(seed) % 8 == 0) ? next_random(seed) % 4 : 0;
      Result<paddr_t> p = pa.alloc(o);
      if (!p.ok()) continue;
      held[slot] = p.value();
      order[slot] = o;
      fill_page(held[slot], o);
    }
  }
  for (unsigned s = 0; s < kSlots; s++) {
    if (!held[s]) continue;
    if (!page_holds(held[s], order[s]))
      __atomic_fetch_add(&g_errors, 1u, __ATOMIC_RELAXED);
    pa.free(held[s], order[s]);
  }
}

void heap_stress(void*) {
  void* held[kSlots] = {};
  size_t size[kSlots] = {};
  u64 seed = 0xabcdef + hal::cpu_index() * 104729;
  for (unsigned r = 0; r < kRounds; r++) {
    unsigned slot = next_random(seed) % kSlots;
    if (held[slot]) {
      auto* b = static_cast<const u8*>(held[slot]);
      for (size_t i = 0; i < size[slot]; i++)
        if (b[i] != u8(slot + i)) {
          __atomic_fetch_add(&g_errors, 1u, __ATOMIC_RELAXED);
          break;
        }
      kfree(held[slot]);
      held[slot] = nullptr;
    } else {
      size_t n = 1 + next_random(seed) % 3000;
      void* p = kmalloc(n);
      if (!p) continue;
      auto* b = static_cast<u8*>(p);
      for (size_t i = 0; i < n; i++) b[i] = u8(slot + i);
      held[slot] = p;
      size[slot] = n;
    }
  }
  for (unsigned s = 0; s < kSlots; s++) kfree(held[s]);
}

}  // namespace

KTEST(page_alloc_from_all_harts) {
  PageAllocator& pa = page_allocator();
  pa.drain_caches();
  const size_t free_before = pa.free_pages();
  g_errors = 0;
  smp_call_all(page_stress, nullptr);
  KT_CHECK_EQ(g_errors, 0u);
  KT_CHECK_EQ(pa.free_pages(), free_before);
}

KTEST(heap_from_all_harts) {
  PageAllocator& pa = page_allocator();
  heap_drain_magazines();
  const size_t free_before = pa.free_pages();
  const HeapStats heap_before = heap_stats();
  g_errors = 0;
  smp_call_all(heap_stress, nullptr);
  KT_CHECK_EQ(g_errors, 0u);
  KT_CHECK_EQ(heap_stats().bytes_in_use, heap_before.bytes_in_use);
  // The objects the harts' magazines keep go back to their slabs first.
  heap_drain_magazines();
  // The heap may keep one empty slab a size class; nothing more.
  KT_CHECK(free_before - pa.free_pages() <= 8);
}
