// Host tests for the physical page allocator (core/vm/page_alloc.*). "Physical
// memory" is an aligned host buffer: hal::phys_to_virt is the identity here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "core/vm/page_alloc.h"
#include "hal/host/hal_host.h"

using namespace tine;
using Catch::Matchers::Contains;

namespace {

constexpr size_t kMiB = size_t{1} << 20;
constexpr size_t kMaxBlock = kPageSize << PageAllocator::kMaxOrder;

// A buffer standing in for RAM, aligned so that the largest blocks fit.
struct Arena {
  // bytes: a power of two, or a multiple of kMaxBlock.
  explicit Arena(size_t bytes) : size(bytes) {
    mem = static_cast<u8*>(std::aligned_alloc(min(bytes, kMaxBlock), bytes));
    REQUIRE(mem);
  }
  ~Arena() { std::free(mem); }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  paddr_t base() const { return reinterpret_cast<paddr_t>(mem); }

  u8* mem;
  size_t size;
};

// An allocator over one arena, whole.
struct Fixture {
  explicit Fixture(size_t bytes = 16 * kMiB) : arena(bytes) {
    hal::host::set_cpu_index(0);
    PhysRange ram{arena.base(), arena.size};
    REQUIRE(pa->init(&ram, 1, nullptr, 0).ok());
  }
  Arena arena;
  std::unique_ptr<PageAllocator> pa = std::make_unique<PageAllocator>();
};

u64 pattern(paddr_t pa, size_t i) { return (pa * 0x9e3779b97f4a7c15ull) ^ (i + 1); }

// Every word of small runs, every 8th of large ones (keeps the stress fast).
size_t stride(unsigned order) { return order <= 2 ? 1 : 8; }

void fill(paddr_t pa, unsigned order) {
  u64* w = static_cast<u64*>(hal::phys_to_virt(pa));
  const size_t n = (kPageSize << order) / sizeof(u64);
  for (size_t i = 0; i < n; i += stride(order)) w[i] = pattern(pa, i);
  w[n - 1] = pattern(pa, n - 1);
}

bool intact(paddr_t pa, unsigned order) {
  const u64* w = static_cast<const u64*>(hal::phys_to_virt(pa));
  const size_t n = (kPageSize << order) / sizeof(u64);
  for (size_t i = 0; i < n; i += stride(order))
    if (w[i] != pattern(pa, i)) return false;
  return w[n - 1] == pattern(pa, n - 1);
}

// Allocates order-0 pages until NoMem.
std::vector<paddr_t> alloc_all(PageAllocator& pa) {
  std::vector<paddr_t> v;
  for (;;) {
    auto r = pa.alloc(0);
    if (!r) {
      REQUIRE(r.error() == Error::NoMem);
      return v;
    }
    v.push_back(r.value());
  }
}

}  // namespace

TEST_CASE("page_alloc: init over several banks hands out exactly RAM minus holes and metadata") {
  Arena arena(32 * kMiB);
  const paddr_t b = arena.base();
  // Unsorted, unaligned, one bank given twice (overlapping), a tiny bank
  // first that cannot hold the metadata.
  const PhysRange ram[] = {
      {b + 16 * kMiB, 16 * kMiB},
      {b + 1 * kMiB + 100, 6 * kMiB + 23},  // -> [1 MiB + 4 KiB, 7 MiB)
      {b + 0x1000, 0x3000},                 // 3 pages
      {b + 24 * kMiB, 4 * kMiB},            // inside the first: merged
  };
  const PhysRange holes[] = {
      {b + 1 * kMiB + 4096 + 5, 3000},       // first page of the second bank
      {b + 7 * kMiB - 4096, 8192},           // straddles that bank's end
      {b + 20 * kMiB + 17, 512 * 1024},      // unaligned: 129 pages
      {b + 20 * kMiB + 4096, 4096},          // inside the previous one
      {b + 40 * kMiB, 4096},                 // outside RAM altogether
      {b + 2 * kMiB, 0},                     // empty: no effect
  };
  PageAllocator pa;
  REQUIRE(pa.init(ram, 4, holes, 6).ok());

  // The model: every page of a bank, minus pages touched by a hole.
  std::set<paddr_t> usable;
  auto add = [&](paddr_t lo, paddr_t hi) {
    for (paddr_t p = lo; p < hi; p += kPageSize) usable.insert(p);
  };
  add(b + 0x1000, b + 0x4000);
  add(b + 1 * kMiB + 4096, b + 7 * kMiB);
  add(b + 16 * kMiB, b + 32 * kMiB);
  const size_t region_pages = usable.size();
  usable.erase(b + 1 * kMiB + 4096);
  usable.erase(b + 7 * kMiB - 4096);
  for (paddr_t p = b + 20 * kMiB; p < b + 20 * kMiB + 129 * 4096; p += kPageSize)
    usable.erase(p);
  // Metadata: one Page per page of each region, at the start of the first
  // hole-free run big enough (not the 3-page bank, not the hole's page).
  const size_t meta_pages = (region_pages * sizeof(Page) + kPageSize - 1) / kPageSize;
  const paddr_t meta = b + 1 * kMiB + 8192;

  CHECK(pa.total_pages() == usable.size() - meta_pages);
  CHECK(pa.free_pages() == pa.total_pages());

  std::vector<paddr_t> got = alloc_all(pa);
  CHECK(got.size() == pa.total_pages());
  std::set<paddr_t> seen;
  for (paddr_t p : got) {
    REQUIRE(usable.count(p) == 1);   // never a hole, never outside RAM
    REQUIRE(seen.insert(p).second);  // never twice
    fill(p, 0);                      // would clobber the metadata if it overlapped
  }
  for (paddr_t p = meta; p < meta + meta_pages * kPageSize; p += kPageSize) {
    CHECK(seen.count(p) == 0);
    CHECK(pa.page_of(p) == nullptr);
  }
  CHECK(pa.page_of(b + 1 * kMiB + 4096) == nullptr);  // a hole
  CHECK(pa.page_of(b + 8 * kMiB) == nullptr);         // between banks
  CHECK(pa.page_of(b + 0x2000) != nullptr);           // the tiny bank
  CHECK(pa.address_of(pa.page_of(b + 0x2000 + 5)) == b + 0x2000);

  for (paddr_t p : got) {
    REQUIRE(intact(p, 0));
    pa.free(p);
  }
  CHECK(pa.free_pages() == pa.total_pages());
}

TEST_CASE("page_alloc: init with nothing usable fails with NoMem") {
  Arena arena(4 * kMiB);
  const paddr_t b = arena.base();
  PageAllocator a;
  CHECK(a.init(nullptr, 0, nullptr, 0).error() == Error::NoMem);

  PageAllocator sub_page;
  const PhysRange tiny{b + 10, 4000};  // no whole page inside
  CHECK(sub_page.init(&tiny, 1, nullptr, 0).error() == Error::NoMem);

  PageAllocator covered;
  const PhysRange ram{b, 4 * kMiB};
  const PhysRange hole{b, 4 * kMiB};
  CHECK(covered.init(&ram, 1, &hole, 1).error() == Error::NoMem);

  PageAllocator meta_only;  // room for the metadata page and nothing else
  const PhysRange one{b, kPageSize};
  CHECK(meta_only.init(&one, 1, nullptr, 0).error() == Error::NoMem);
}

TEST_CASE("page_alloc: too many separate banks is Inval") {
  Arena arena(4 * kMiB);
  PhysRange ram[PageAllocator::kMaxRegions + 1];
  for (unsigned i = 0; i <= PageAllocator::kMaxRegions; ++i)
    ram[i] = {arena.base() + 2 * i * kPageSize, kPageSize};
  PageAllocator pa;
  CHECK(pa.init(ram, PageAllocator::kMaxRegions + 1, nullptr, 0).error() == Error::Inval);
}

TEST_CASE("page_alloc: every order allocates naturally aligned, refcount 1, and frees") {
  Fixture f;
  PageAllocator& pa = *f.pa;
  const size_t start = pa.free_pages();
  for (unsigned o = 0; o <= PageAllocator::kMaxOrder; ++o) {
    INFO("order " << o);
    std::vector<paddr_t> runs;
    for (int i = 0; i < 3; ++i) {
      auto r = pa.alloc(o);
      REQUIRE(r.ok());
      const paddr_t p = r.value();
      CHECK(p % (kPageSize << o) == 0);
      CHECK(p >= f.arena.base());
      CHECK(p + (kPageSize << o) <= f.arena.base() + f.arena.size);
      CHECK(pa.refcount(p) == 1);
      CHECK(pa.page_of(p)->order == o);
      fill(p, o);
      runs.push_back(p);
    }
    CHECK(pa.free_pages() == start - 3 * (size_t{1} << o));
    for (paddr_t p : runs) {
      CHECK(intact(p, o));
      pa.free(p, o);
      CHECK(pa.refcount(p) == 0);
    }
    CHECK(pa.free_pages() == start);
  }
}

TEST_CASE("page_alloc: freeing everything coalesces back to the largest blocks") {
  Fixture f(32 * kMiB);
  PageAllocator& pa = *f.pa;
  const size_t total = pa.total_pages();
  const size_t big = pa.free_blocks(PageAllocator::kMaxOrder);
  // 32 MiB, 4 MiB aligned, metadata at the front: 7 whole 4 MiB blocks.
  CHECK(big == 7);

  std::vector<paddr_t> all = alloc_all(pa);
  CHECK(all.size() == total);
  CHECK(pa.free_pages() == 0);
  std::mt19937_64 rng(7);
  std::shuffle(all.begin(), all.end(), rng);
  for (paddr_t p : all) pa.free(p);
  CHECK(pa.free_pages() == total);
  pa.drain_caches();
  CHECK(pa.free_blocks(PageAllocator::kMaxOrder) == big);
  CHECK(pa.free_pages() == total);

  // And without an explicit drain: a large request takes back cached pages.
  all = alloc_all(pa);
  for (paddr_t p : all) pa.free(p);
  std::vector<paddr_t> bigs;
  for (size_t i = 0; i < big; ++i) {
    auto r = pa.alloc(PageAllocator::kMaxOrder);
    REQUIRE(r.ok());
    bigs.push_back(r.value());
  }
  CHECK(pa.alloc(PageAllocator::kMaxOrder).error() == Error::NoMem);
  for (paddr_t p : bigs) pa.free(p, PageAllocator::kMaxOrder);
  CHECK(pa.free_pages() == total);
}

TEST_CASE("page_alloc: exhaustion gives NoMem and recovers after a free") {
  Fixture f(4 * kMiB);
  PageAllocator& pa = *f.pa;
  std::vector<paddr_t> all = alloc_all(pa);
  CHECK(all.size() == pa.total_pages());
  CHECK(pa.alloc(0).error() == Error::NoMem);
  CHECK(pa.alloc(3).error() == Error::NoMem);
  CHECK(pa.alloc_zeroed(0).error() == Error::NoMem);

  pa.free(all.back());
  all.pop_back();
  auto r = pa.alloc(0);
  REQUIRE(r.ok());
  all.push_back(r.value());
  CHECK(pa.alloc(0).error() == Error::NoMem);
  for (paddr_t p : all) pa.free(p);
  CHECK(pa.free_pages() == pa.total_pages());
}

TEST_CASE("page_alloc: pages parked in another hart's cache are found when RAM runs dry") {
  Fixture f(4 * kMiB);
  PageAllocator& pa = *f.pa;
  std::vector<paddr_t> all = alloc_all(pa);
  hal::host::set_cpu_index(3);
  for (int i = 0; i < 10; ++i) {  // into hart 3's cache
    pa.free(all.back());
    all.pop_back();
  }
  hal::host::set_cpu_index(0);
  CHECK(pa.free_pages() == 10);
  for (int i = 0; i < 10; ++i) {
    auto r = pa.alloc(0);
    REQUIRE(r.ok());
    all.push_back(r.value());
  }
  CHECK(pa.alloc(0).error() == Error::NoMem);
  for (paddr_t p : all) pa.free(p);
  CHECK(pa.free_pages() == pa.total_pages());
}

TEST_CASE("page_alloc: alloc_zeroed gives zeroed pages") {
  Fixture f;
  PageAllocator& pa = *f.pa;
  paddr_t p = pa.alloc(2).value();
  std::memset(hal::phys_to_virt(p), 0xa5, 4 * kPageSize);
  pa.free(p, 2);
  for (int i = 0; i < 4; ++i) {
    paddr_t z = pa.alloc_zeroed(2).value();
    const u8* m = static_cast<const u8*>(hal::phys_to_virt(z));
    for (size_t j = 0; j < 4 * kPageSize; ++j) REQUIRE(m[j] == 0);
    pa.free(z, 2);
  }
}

TEST_CASE("page_alloc: reference counts share a page and free it at zero") {
  Fixture f;
  PageAllocator& pa = *f.pa;
  const size_t start = pa.free_pages();
  paddr_t p = pa.alloc(0).value();
  CHECK(pa.refcount(p) == 1);
  pa.ref(p);
  pa.ref(p);
  CHECK(pa.refcount(p) == 3);
  REQUIRE_THROWS_AS(pa.free(p), hal::host::Panic);  // shared: unref, not free
  CHECK(pa.refcount(p) == 3);
  CHECK_FALSE(pa.unref(p));
  CHECK_FALSE(pa.unref(p));
  CHECK(pa.free_pages() == start - 1);
  CHECK(pa.unref(p));
  CHECK(pa.refcount(p) == 0);
  CHECK(pa.free_pages() == start);
  REQUIRE_THROWS_AS(pa.unref(p), hal::host::Panic);
  REQUIRE_THROWS_AS(pa.ref(p), hal::host::Panic);

  // unref of a multi-page run frees the whole run.
  paddr_t q = pa.alloc(3).value();
  pa.ref(q);
  CHECK_FALSE(pa.unref(q));
  CHECK(pa.unref(q));
  CHECK(pa.free_pages() == start);
}

TEST_CASE("page_alloc: fail_nth_alloc fails exactly the nth call, once") {
  Fixture f;
  PageAllocator& pa = *f.pa;
  std::vector<paddr_t> got;
  pa.fail_nth_alloc(3);
  auto a = pa.alloc(0);
  auto b = pa.alloc(2);
  auto c = pa.alloc(0);
  auto d = pa.alloc(0);
  CHECK(a.ok());
  CHECK(b.ok());
  CHECK(c.error() == Error::NoMem);
  CHECK(d.ok());
  pa.fail_nth_alloc(1);
  CHECK(pa.alloc_zeroed(1).error() == Error::NoMem);
  pa.fail_nth_alloc(2);
  pa.fail_nth_alloc(0);  // off again
  auto e = pa.alloc(0);
  auto g = pa.alloc(0);
  CHECK(e.ok());
  CHECK(g.ok());
  pa.free(a.value());
  pa.free(b.value(), 2);
  pa.free(d.value());
  pa.free(e.value());
  pa.free(g.value());
  CHECK(pa.free_pages() == pa.total_pages());
}

TEST_CASE("page_alloc: bad frees panic") {
  Fixture f;
  PageAllocator& pa = *f.pa;
  paddr_t p = pa.alloc(0).value();
  paddr_t q = pa.alloc(2).value();
  SECTION("double free") {
    pa.free(p);
    REQUIRE_THROWS_WITH(pa.free(p), Contains("double free"));
  }
  SECTION("double free after the page went to the buddy lists") {
    pa.free(q, 2);
    REQUIRE_THROWS_AS(pa.free(q, 2), hal::host::Panic);
    REQUIRE_THROWS_AS(pa.free(q + kPageSize), hal::host::Panic);  // inside a free block
  }
  SECTION("a tail page of a run") {
    REQUIRE_THROWS_AS(pa.free(q + kPageSize), hal::host::Panic);
  }
  SECTION("misaligned") {
    REQUIRE_THROWS_WITH(pa.free(p + 8), Contains("aligned"));
    REQUIRE_THROWS_WITH(pa.free(q + kPageSize, 1), Contains("aligned"));
  }
  SECTION("wrong order") {
    REQUIRE_THROWS_WITH(pa.free(q, 1), Contains("order"));
    pa.free(q, 2);  // still allocated after the failed attempt
  }
  SECTION("unmanaged") {
    u64 on_stack[8];
    REQUIRE_THROWS_WITH(pa.free(hal::virt_to_phys(on_stack)), Contains("unmanaged"));
  }
}

TEST_CASE("page_alloc: poison catches a write to a freed page and names the address") {
  Fixture f(4 * kMiB);
  PageAllocator& pa = *f.pa;
  pa.set_poison(true);
  paddr_t p = pa.alloc(0).value();
  paddr_t keep = pa.alloc(0).value();
  pa.free(p);
  static_cast<u8*>(hal::phys_to_virt(p))[100] = 1;  // use after free
  char addr[32];
  std::snprintf(addr, sizeof addr, "%#lx", static_cast<unsigned long>(p + 100));
  REQUIRE_THROWS_WITH(pa.alloc(0), Contains(addr));
  (void)keep;
}

TEST_CASE("page_alloc: poison catches a write to a freed run wherever it lands") {
  Fixture f(4 * kMiB);
  PageAllocator& pa = *f.pa;
  pa.set_poison(true);
  paddr_t p = pa.alloc(3).value();
  pa.free(p, 3);
  static_cast<u64*>(hal::phys_to_virt(p))[8 * kPageSize / sizeof(u64) - 1] = 0;  // last word
  REQUIRE_THROWS_AS(
      [&] {
        for (;;)
          if (!pa.alloc(1)) break;
      }(),
      hal::host::Panic);
}

TEST_CASE("page_alloc: poison turned on poisons memory that is already free") {
  Fixture f(4 * kMiB);
  PageAllocator& pa = *f.pa;
  paddr_t p = pa.alloc(0).value();
  pa.free(p);  // freed unpoisoned, sits in a hart cache
  pa.set_poison(true);
  std::vector<paddr_t> all = alloc_all(pa);  // no false alarm anywhere
  CHECK(all.size() == pa.total_pages());
  for (paddr_t q : all) pa.free(q);
  pa.set_poison(false);
  paddr_t r = pa.alloc(0).value();
  static_cast<u8*>(hal::phys_to_virt(r))[0] = 0;
  pa.free(r);
  static_cast<u8*>(hal::phys_to_virt(r))[1] = 0;  // not checked while off
  CHECK(pa.alloc(0).ok());
}

TEST_CASE("page_alloc: randomized stress keeps contents and gives every page back") {
  Fixture f(64 * kMiB);
  PageAllocator& pa = *f.pa;
  pa.set_poison(true);
  const size_t total = pa.total_pages();
  const size_t big = pa.free_blocks(PageAllocator::kMaxOrder);
  struct Run {
    paddr_t pa;
    unsigned order;
  };
  std::vector<Run> live;
  std::mt19937_64 rng(0x7114e);
  size_t in_use = 0, nomem = 0;
  for (int op = 0; op < 100000; ++op) {
    const unsigned dice = rng() % 1000;
    if (dice < 3) {
      pa.drain_caches();
    } else if (dice < 30) {
      hal::host::set_cpu_index(rng() % 4);  // as if the thread migrated
    } else if (live.empty() || dice < 550) {
      const unsigned d = rng() % 1000;
      const unsigned order = d < 750   ? 0
                             : d < 950 ? 1 + rng() % 3
                             : d < 995 ? 4 + rng() % 3
                                       : 7 + rng() % 4;
      auto r = pa.alloc(order);
      if (!r) {
        REQUIRE(r.error() == Error::NoMem);
        ++nomem;
        continue;
      }
      REQUIRE(r.value() % (kPageSize << order) == 0);
      fill(r.value(), order);
      live.push_back({r.value(), order});
      in_use += size_t{1} << order;
    } else {
      const size_t i = rng() % live.size();
      const Run run = live[i];
      live[i] = live.back();
      live.pop_back();
      REQUIRE(intact(run.pa, run.order));
      pa.free(run.pa, run.order);
      in_use -= size_t{1} << run.order;
    }
    if (op % 1000 == 0) REQUIRE(pa.free_pages() == total - in_use);
  }
  hal::host::set_cpu_index(0);
  INFO("NoMem answers: " << nomem);
  for (const Run& run : live) {
    REQUIRE(intact(run.pa, run.order));
    pa.free(run.pa, run.order);
  }
  CHECK(pa.free_pages() == total);
  pa.drain_caches();
  CHECK(pa.free_blocks(PageAllocator::kMaxOrder) == big);
}

TEST_CASE("page_alloc: per-hart caches from several threads keep the count exact") {
  Fixture f(32 * kMiB);
  PageAllocator& pa = *f.pa;
  pa.set_poison(true);
  const size_t total = pa.total_pages();
  const size_t big = pa.free_blocks(PageAllocator::kMaxOrder);
  constexpr unsigned kThreads = 8;
  std::vector<std::vector<paddr_t>> handoff(kThreads);
  std::barrier sync(kThreads);
  std::atomic<unsigned> errors{0};
  auto worker = [&](unsigned id) {
    hal::host::set_cpu_index(id + 1);
    std::mt19937_64 rng(id);
    struct Run {
      paddr_t pa;
      unsigned order;
    };
    std::vector<Run> live;
    for (int op = 0; op < 20000; ++op) {
      if (live.empty() || rng() % 100 < 52) {
        const unsigned order = rng() % 10 == 0 ? 1 + rng() % 3 : 0;
        auto r = pa.alloc(order);
        if (!r) continue;
        fill(r.value(), order);
        live.push_back({r.value(), order});
      } else {
        const size_t i = rng() % live.size();
        const Run run = live[i];
        live[i] = live.back();
        live.pop_back();
        if (!intact(run.pa, run.order)) errors++;
        pa.free(run.pa, run.order);
      }
    }
    // Hand order-0 pages to the next thread, which frees them on its hart.
    for (const Run& run : live) {
      if (!intact(run.pa, run.order)) errors++;
      if (run.order == 0)
        handoff[id].push_back(run.pa);
      else
        pa.free(run.pa, run.order);
    }
    sync.arrive_and_wait();
    for (paddr_t p : handoff[(id + 1) % kThreads]) pa.free(p);
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < kThreads; ++i) threads.emplace_back(worker, i);
  for (auto& t : threads) t.join();
  CHECK(errors == 0);
  CHECK(pa.free_pages() == total);
  pa.drain_caches();
  CHECK(pa.free_pages() == total);
  CHECK(pa.free_blocks(PageAllocator::kMaxOrder) == big);
}

TEST_CASE("page_alloc: a hart cache holds at most kCacheCapacity pages") {
  Fixture f(4 * kMiB);
  PageAllocator& pa = *f.pa;
  std::vector<paddr_t> all = alloc_all(pa);
  for (paddr_t p : all) pa.free(p);  // all on hart 0
  size_t in_buddy = 0;
  for (unsigned o = 0; o <= PageAllocator::kMaxOrder; ++o)
    in_buddy += pa.free_blocks(o) << o;
  CHECK(pa.free_pages() == pa.total_pages());
  CHECK(pa.free_pages() - in_buddy <= PageAllocator::kCacheCapacity);
  CHECK(pa.free_pages() - in_buddy > 0);
}

TEST_CASE("page_alloc: threads at exhaustion take pages from each other's caches") {
  Fixture f(1 * kMiB);  // ~250 pages for 4 threads that want 100 each
  PageAllocator& pa = *f.pa;
  pa.set_poison(true);
  const size_t total = pa.total_pages();
  constexpr unsigned kThreads = 4;
  std::atomic<unsigned> errors{0};
  std::atomic<size_t> nomem{0};
  auto worker = [&](unsigned id) {
    hal::host::set_cpu_index(id + 1);
    std::vector<paddr_t> mine;
    for (int round = 0; round < 300; ++round) {
      for (int i = 0; i < 100; ++i) {
        auto r = pa.alloc(0);
        if (!r) {
          nomem++;
          break;
        }
        fill(r.value(), 0);
        mine.push_back(r.value());
      }
      for (paddr_t p : mine) {
        if (!intact(p, 0)) errors++;
        pa.free(p);
      }
      mine.clear();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < kThreads; ++i) threads.emplace_back(worker, i);
  for (auto& t : threads) t.join();
  CHECK(errors == 0);
  CHECK(nomem > 0);
  CHECK(pa.free_pages() == total);
  pa.drain_caches();
  CHECK(pa.free_pages() == total);
}

// Regression: GCC 12 put a constinit array of objects whose constexpr
// constructor took `this` in .bss, so its spin locks came up zeroed (owner
// "hart 0") and the first lock panicked. The kernel instance must be usable
// before init() and before any constructor runs.
TEST_CASE("page_alloc: the kernel instance is constant-initialized and usable") {
  hal::host::set_cpu_index(0);
  PageAllocator& k = page_allocator();
  CHECK(&k == &page_allocator());
  CHECK(k.free_pages() == 0);
  CHECK(k.total_pages() == 0);
  k.drain_caches();
}

TEST_CASE("page_alloc: deferred init counts everything free and makes chunks as they are needed") {
  Arena arena(32 * kMiB);
  const paddr_t b = arena.base();
  const PhysRange ram{b, 32 * kMiB};
  const PhysRange holes[] = {{b + 9 * kMiB + 5, 8192}, {b + 30 * kMiB, 4096}};
  PageAllocator eager;
  REQUIRE(eager.init(&ram, 1, holes, 2).ok());
  PageAllocator pa;
  REQUIRE(pa.init_deferred(&ram, 1, holes, 2).ok());
  // The same counts as init(), but no free list is made before an alloc.
  CHECK(pa.total_pages() == eager.total_pages());
  CHECK(pa.free_pages() == pa.total_pages());
  for (unsigned o = 0; o <= PageAllocator::kMaxOrder; ++o) CHECK(pa.free_blocks(o) == 0);
  CHECK(pa.page_of(b + 20 * kMiB) == nullptr);  // not made yet: not handed out
  CHECK(pa.page_of(b + 30 * kMiB) == nullptr);  // a hole

  auto first = pa.alloc(0);
  REQUIRE(first.ok());
  CHECK(pa.page_of(first.value()) != nullptr);
  CHECK(pa.free_pages() == pa.total_pages() - 1);
  pa.free(first.value());

  // Every usable page, once; then all back, as large blocks as init() makes.
  std::vector<paddr_t> got = alloc_all(pa);
  CHECK(got.size() == pa.total_pages());
  std::set<paddr_t> seen(got.begin(), got.end());
  CHECK(seen.size() == got.size());
  CHECK(seen.count(b + 9 * kMiB) == 0);
  CHECK(seen.count(b + 9 * kMiB + 4096) == 0);
  CHECK(seen.count(b + 30 * kMiB) == 0);
  for (paddr_t p : got) pa.free(p);
  pa.drain_caches();
  eager.drain_caches();
  CHECK(pa.free_pages() == pa.total_pages());
  for (unsigned o = 0; o <= PageAllocator::kMaxOrder; ++o)
    CHECK(pa.free_blocks(o) == eager.free_blocks(o));
}

TEST_CASE("page_alloc: a large block from a deferred allocator makes as many chunks as it needs") {
  hal::host::set_cpu_index(0);
  Arena arena(16 * kMiB);
  const PhysRange ram{arena.base(), 16 * kMiB};
  PageAllocator pa;
  REQUIRE(pa.init_deferred(&ram, 1, nullptr, 0).ok());
  std::vector<paddr_t> big;
  for (;;) {
    auto r = pa.alloc(PageAllocator::kMaxOrder);
    if (!r) break;
    big.push_back(r.value());
  }
  CHECK(big.size() >= 2);  // 4 chunks less the metadata's
  for (paddr_t p : big) pa.free(p, PageAllocator::kMaxOrder);
  CHECK(pa.free_pages() == pa.total_pages());
}

TEST_CASE("page_alloc: adopt takes hole pages as allocated singles that unref frees") {
  Arena arena(16 * kMiB);
  const paddr_t b = arena.base();
  hal::host::set_cpu_index(0);
  const PhysRange ram{b, 16 * kMiB};
  const PhysRange holes[] = {{b + 8 * kMiB, 3 * 4096}};
  PageAllocator pa;
  REQUIRE(pa.init_deferred(&ram, 1, holes, 1).ok());
  const size_t total = pa.total_pages();
  // Not a hole (usable, or the metadata), not aligned, past RAM: Inval.
  CHECK(pa.adopt(b + 12 * kMiB, 1).error() == Error::Inval);
  CHECK(pa.adopt(b, 1).error() == Error::Inval);
  CHECK(pa.adopt(b + 8 * kMiB + 1, 1).error() == Error::Inval);
  CHECK(pa.adopt(b + 8 * kMiB, 4).error() == Error::Inval);  // runs out of the hole
  CHECK(pa.adopt(b + 16 * kMiB, 1).error() == Error::Inval);
  CHECK(pa.total_pages() == total);

  REQUIRE(pa.adopt(b + 8 * kMiB, 3).ok());
  CHECK(pa.adopt(b + 8 * kMiB + 4096, 1).error() == Error::Inval);  // taken already
  CHECK(pa.total_pages() == total + 3);
  CHECK(pa.free_pages() == total);
  for (unsigned i = 0; i < 3; ++i) {
    const paddr_t p = b + 8 * kMiB + i * 4096;
    REQUIRE(pa.page_of(p) != nullptr);
    CHECK(pa.refcount(p) == 1);
  }
  pa.ref(b + 8 * kMiB);
  CHECK_FALSE(pa.unref(b + 8 * kMiB));
  CHECK(pa.unref(b + 8 * kMiB));
  CHECK(pa.unref(b + 8 * kMiB + 4096));
  pa.free(b + 8 * kMiB + 2 * 4096);
  CHECK(pa.free_pages() == pa.total_pages());
  // They are ordinary pages now: allocating everything hands them out too.
  std::vector<paddr_t> got = alloc_all(pa);
  CHECK(got.size() == pa.total_pages());
  CHECK(std::count(got.begin(), got.end(), b + 8 * kMiB + 4096) == 1);
  for (paddr_t p : got) pa.free(p);
}
