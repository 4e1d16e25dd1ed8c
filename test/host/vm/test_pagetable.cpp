// The generic page-table walker (core/vm/pagetable.h) with the real Sv39 policy
// (hal/riscv/sv39.h), against tables in ordinary memory. Host "physical"
// addresses are host pointers (hal_host.cpp), so table pages come from
// aligned_alloc.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "core/vm/pagetable.h"
#include "hal/host/hal_host.h"
#include "hal/riscv/sv39.h"

using namespace tine;
using hal::riscv::Sv39;

namespace {

constexpr u64 k4K = u64{1} << 12;
constexpr u64 k2M = u64{1} << 21;
constexpr u64 k1G = u64{1} << 30;
constexpr uptr kUpperHalf = 0xFFFFFFC000000000;  // first va of root entry 256

// Sv39 PTE bits as the privileged spec draws them; deliberately not taken
// from sv39.h, so the test checks the header against the spec.
constexpr u64 kBitV = 1u << 0, kBitR = 1u << 1, kBitW = 1u << 2,
              kBitX = 1u << 3, kBitU = 1u << 4, kBitG = 1u << 5,
              kBitA = 1u << 6, kBitD = 1u << 7;
constexpr unsigned kPpnAt = 10;

// A strict TablePageSource: 4 KiB-aligned zeroed pages, every live page
// tracked, double or foreign frees fail the test, pages must come back
// all-invalid, and the Nth allocation from fail_nth() on can be made to fail.
class HostTables {
 public:
  HostTables() = default;
  HostTables(const HostTables&) = delete;
  HostTables& operator=(const HostTables&) = delete;
  ~HostTables() {
    for (paddr_t pa : live_) std::free(reinterpret_cast<void*>(pa));
  }

  Result<paddr_t> alloc_table() {
    ++calls_;
    if (fail_at_ != 0 && calls_ == fail_at_) return Error::NoMem;
    void* p = std::aligned_alloc(kPageSize, kPageSize);
    if (p == nullptr) FAIL("host out of memory");
    std::memset(p, 0, kPageSize);
    const paddr_t pa = reinterpret_cast<paddr_t>(p);
    live_.insert(pa);
    ++allocations_;
    return pa;
  }

  void free_table(paddr_t pa) {
    if (live_.count(pa) == 0)
      FAIL("free_table of a page not live (double free?)");
    const u64* words = reinterpret_cast<const u64*>(pa);
    for (size_t i = 0; i < kPageSize / sizeof(u64); ++i)
      if (words[i] != 0) FAIL("table page freed with valid entries");
    live_.erase(pa);
    std::free(reinterpret_cast<void*>(pa));
  }

  // The n-th alloc_table() call from now fails (n >= 1); 0 turns it off.
  void fail_nth(u64 n) { fail_at_ = n == 0 ? 0 : calls_ + n; }
  size_t live() const { return live_.size(); }
  bool is_live(paddr_t pa) const { return live_.count(pa) != 0; }
  u64 allocations() const { return allocations_; }

 private:
  std::set<paddr_t> live_;
  u64 calls_ = 0;
  u64 fail_at_ = 0;
  u64 allocations_ = 0;
};

using Pt = PageTable<Sv39, HostTables>;
static_assert(PtePolicy<Sv39>);
static_assert(TablePageSource<HostTables>);

// A policy missing a hook is refused at compile time, not at link time.
struct NoCanonical {
  using pte_t = u64;
  static constexpr unsigned kLevels = 3, kIndexBits = 9, kVaBits = 39,
                            kPaBits = 56;
  static constexpr bool is_valid(pte_t) { return false; }
  static constexpr bool is_leaf(pte_t) { return false; }
  static constexpr pte_t make_leaf(paddr_t, Prot) { return 0; }
  static constexpr pte_t make_table(paddr_t) { return 0; }
  static constexpr paddr_t address(pte_t) { return 0; }
  static constexpr Prot prot(pte_t) { return Prot::None; }
  static constexpr pte_t with_prot(pte_t, Prot) { return 0; }
  static constexpr pte_t invalid() { return 0; }
};
static_assert(!PtePolicy<NoCanonical>);
struct NoFree {
  Result<paddr_t> alloc_table();
};
static_assert(!TablePageSource<NoFree>);

Pt make_table(HostTables& src) {
  Result<Pt> r = Pt::create(src);
  REQUIRE(r.ok());
  return r.release_value();
}

constexpr Prot kRW = Prot::Read | Prot::Write;
constexpr Prot kRX = Prot::Read | Prot::Exec;

// The root slot, then the level-1 and level-0 slots, of va (raw memory).
u64* slot(paddr_t table, unsigned level, uptr va) {
  return reinterpret_cast<u64*>(table) + ((va >> (12 + 9 * level)) & 511);
}
paddr_t next_table(u64 pte) { return (pte >> kPpnAt) << 12; }

struct Leaf {
  uptr va;
  paddr_t pa;
  u64 size;
  bool operator==(const Leaf&) const = default;
  bool operator<(const Leaf& o) const { return va < o.va; }
};

std::vector<Leaf> leaves(Pt& pt, uptr va, u64 size) {
  std::vector<Leaf> out;
  pt.for_each_leaf(va, size, [&](uptr v, u64& e, u64 ps) {
    out.push_back({v, Sv39::address(e), ps});
  });
  return out;
}

}  // namespace

TEST_CASE("map and lookup work at every page size", "[pagetable]") {
  for (u64 ps : {k4K, k2M, k1G}) {
    for (uptr base : {uptr{0}, kUpperHalf}) {
      HostTables src;
      Pt pt = make_table(src);
      const uptr va = base + 5 * ps;
      const paddr_t pa = 0x80000000 + 2 * ps;  // 1 GiB aligned base
      INFO("page size " << ps << " va " << std::hex << va);
      REQUIRE(pt.map(va, pa, 2 * ps, kRW, ps).ok());

      Pt::Mapping m{};
      REQUIRE(pt.lookup(va, m));
      CHECK(m.pa == pa);
      CHECK(m.page_size == ps);
      CHECK(m.prot == kRW);
      REQUIRE(pt.lookup(va + ps, m));
      CHECK(m.pa == pa + ps);
      CHECK(m.page_size == ps);
      CHECK_FALSE(pt.lookup(va - k4K, m));
      CHECK_FALSE(pt.lookup(va + 2 * ps, m));
      CHECK(leaves(pt, va, 2 * ps) ==
            std::vector<Leaf>{{va, pa, ps}, {va + ps, pa + ps, ps}});
    }
  }
}

TEST_CASE("lookup adds the offset within the page", "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x1000, 0x80005000, k4K, Prot::Read).ok());
  REQUIRE(pt.map(0x400000, 0x80200000, k2M, Prot::Read, k2M).ok());
  REQUIRE(pt.map(0x40000000, 0xC0000000, k1G, Prot::Read, k1G).ok());
  Pt::Mapping m{};
  REQUIRE(pt.lookup(0x1abc, m));
  CHECK(m.pa == 0x80005abc);
  REQUIRE(pt.lookup(0x400000 + 0x12345, m));
  CHECK(m.pa == 0x80200000 + 0x12345);
  REQUIRE(pt.lookup(0x40000000 + k1G - 1, m));
  CHECK(m.pa == 0xC0000000 + k1G - 1);
  CHECK(m.page_size == k1G);
}

TEST_CASE("leaf PTE bits follow the Sv39 layout of the privileged spec",
          "[pagetable][sv39]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x10000, 0x87654000, k4K, kRW | Prot::User).ok());
  REQUIRE(pt.map(0x11000, 0x87655000, k4K, kRX | Prot::Global).ok());
  REQUIRE(pt.map(0x12000, 0x87656000, k4K, Prot::Exec).ok());
  REQUIRE(pt.map(0x200000, 0x80400000, k2M, Prot::Read, k2M).ok());

  CHECK(*pt.leaf_pte(0x10000) == (kBitV | kBitR | kBitW | kBitU | kBitA |
                                  kBitD | (u64{0x87654} << kPpnAt)));
  CHECK(*pt.leaf_pte(0x11000) == (kBitV | kBitR | kBitX | kBitG | kBitA |
                                  kBitD | (u64{0x87655} << kPpnAt)));
  CHECK(*pt.leaf_pte(0x12000) ==
        (kBitV | kBitX | kBitA | kBitD | (u64{0x87656} << kPpnAt)));
  // A 2 MiB leaf: PPN[0] zero.
  CHECK(*pt.leaf_pte(0x200000) ==
        (kBitV | kBitR | kBitA | kBitD | (u64{0x80400} << kPpnAt)));

  // Non-leaf entries: V and the next table's PPN only (R=W=X=0 means
  // "pointer"; D, A, U are reserved on non-leaves).
  const u64 root_e = *slot(pt.root(), 2, 0x10000);
  CHECK((root_e & 0x3ff) == kBitV);
  CHECK(src.is_live(next_table(root_e)));
  const u64 mid_e = *slot(next_table(root_e), 1, 0x10000);
  CHECK((mid_e & 0x3ff) == kBitV);
  const paddr_t l0 = next_table(mid_e);
  CHECK(src.is_live(l0));
  CHECK(slot(l0, 0, 0x10000) == pt.leaf_pte(0x10000));
  CHECK((*slot(l0, 0, 0x13000)) == 0);
}

TEST_CASE("Write without Read is encoded as Read|Write (W-only is reserved)",
          "[pagetable][sv39]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x10000, 0x80000000, k4K, Prot::Write).ok());
  CHECK((*pt.leaf_pte(0x10000) & (kBitR | kBitW | kBitX)) == (kBitR | kBitW));
  Pt::Mapping m{};
  REQUIRE(pt.lookup(0x10000, m));
  CHECK(m.prot == kRW);
}

TEST_CASE("Sv39 policy round-trips prot and keeps RSW bits in with_prot",
          "[sv39]") {
  using namespace hal::riscv;
  const Prot all = kRW | Prot::Exec | Prot::User | Prot::Global;
  const u64 e = Sv39::make_leaf(0x123456789000, all) | pte::kRswMask;
  CHECK(Sv39::prot(e) == all);
  CHECK(Sv39::address(e) == 0x123456789000);
  const u64 ro = Sv39::with_prot(e, Prot::Read);
  CHECK(Sv39::prot(ro) == Prot::Read);
  CHECK((ro & pte::kRswMask) == pte::kRswMask);
  CHECK((ro & (kBitV | kBitA | kBitD)) == (kBitV | kBitA | kBitD));
  CHECK(Sv39::address(ro) == 0x123456789000);
  CHECK(Sv39::is_leaf(ro));
  CHECK_FALSE(Sv39::is_leaf(Sv39::make_table(0x1000)));
  CHECK(Sv39::is_valid(Sv39::make_table(0x1000)));
  CHECK_FALSE(Sv39::is_valid(Sv39::invalid()));
  CHECK(Sv39::is_canonical(0x3FFFFFFFFF));
  CHECK_FALSE(Sv39::is_canonical(0x4000000000));
  CHECK_FALSE(Sv39::is_canonical(0xFFFFFFBFFFFFFFFF));
  CHECK(Sv39::is_canonical(kUpperHalf));
  CHECK(Sv39::is_canonical(~uptr{0}));
}

TEST_CASE("satp selects Sv39 with the ASID and the root PPN", "[sv39]") {
  using namespace hal::riscv;
  const u64 s = make_satp(0x80201000, 0x1234);
  CHECK(s == ((u64{8} << 60) | (u64{0x1234} << 44) | 0x80201));
  CHECK(satp_mode(s) == satp::kModeSv39);
  CHECK(satp_asid(s) == 0x1234);
  CHECK(satp_root(s) == 0x80201000);
  CHECK(make_satp(0xFFFFFFFFFFFFF000, 0) == ((u64{8} << 60) | 0xFFFFFFFFFFF));
}

TEST_CASE("non-canonical, misaligned and malformed requests are Inval",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  auto err = [&](uptr va, paddr_t pa, u64 size, Prot p, u64 ps) {
    Result<void> r = pt.map(va, pa, size, p, ps);
    return r.ok() ? Error{} : r.error();
  };
  // Non-canonical: the hole between the halves, and ranges into it.
  CHECK(err(0x4000000000, 0x80000000, k4K, kRW, k4K) == Error::Inval);
  CHECK(err(0x3FFFFFF000, 0x80000000, 2 * k4K, kRW, k4K) == Error::Inval);
  CHECK(err(0xFFFFFFBFFFFFF000, 0x80000000, k4K, kRW, k4K) == Error::Inval);
  CHECK(err(0x8000000000000000, 0x80000000, k4K, kRW, k4K) == Error::Inval);
  // Wrapping past the top of the address space.
  CHECK(err(0xFFFFFFFFFFFFF000, 0x80000000, 2 * k4K, kRW, k4K) == Error::Inval);
  // Misaligned va, pa, size for each page size.
  CHECK(err(0x1800, 0x80000000, k4K, kRW, k4K) == Error::Inval);
  CHECK(err(0x1000, 0x80000800, k4K, kRW, k4K) == Error::Inval);
  CHECK(err(0x1000, 0x80000000, 0x800, kRW, k4K) == Error::Inval);
  CHECK(err(0x201000, 0x80200000, k2M, kRW, k2M) == Error::Inval);
  CHECK(err(0x200000, 0x80201000, k2M, kRW, k2M) == Error::Inval);
  CHECK(err(0x200000, 0x80200000, k4K, kRW, k2M) == Error::Inval);
  CHECK(err(k2M, 0x80000000, k1G, kRW, k1G) == Error::Inval);
  // Unsupported page size, empty range, no access right, pa too wide.
  CHECK(err(0x2000, 0x80000000, 2 * k4K, kRW, 2 * k4K) == Error::Inval);
  CHECK(err(0x1000, 0x80000000, 0, kRW, k4K) == Error::Inval);
  CHECK(err(0x1000, 0x80000000, k4K, Prot::None, k4K) == Error::Inval);
  CHECK(err(0x1000, 0x80000000, k4K, Prot::User | Prot::Global, k4K) ==
        Error::Inval);
  CHECK(err(0x1000, u64{1} << 56, k4K, kRW, k4K) == Error::Inval);
  CHECK(err(0x1000, (u64{1} << 56) - k4K, 2 * k4K, kRW, k4K) == Error::Inval);
  CHECK(pt.map_best(0x1800, 0x80000000, k4K, kRW).error() == Error::Inval);
  // Nothing was allocated on the way.
  CHECK(src.live() == 1);
  Pt::Mapping m{};
  CHECK_FALSE(pt.lookup(0x4000000000, m));
  CHECK(pt.leaf_pte(0x4000000000) == nullptr);
  // The widest encodable pa is fine.
  CHECK(pt.map(0x1000, (u64{1} << 56) - k4K, k4K, kRW).ok());
}

TEST_CASE("the last page of the upper half maps and unmaps", "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  const uptr top = 0xFFFFFFFFFFFFF000;
  REQUIRE(pt.map(top - k4K, 0x80000000, 2 * k4K, kRW).ok());
  Pt::Mapping m{};
  REQUIRE(pt.lookup(~uptr{0}, m));
  CHECK(m.pa == 0x80001fff);
  CHECK(leaves(pt, top - k4K, 2 * k4K).size() == 2);
  REQUIRE(pt.protect(top - k4K, 2 * k4K, Prot::Read).ok());
  pt.unmap(top - k4K, 2 * k4K);
  CHECK_FALSE(pt.lookup(top, m));
  CHECK(src.live() == 1);
}

TEST_CASE("double map is Exist and leaves nothing of the new range mapped",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  // An existing page in the middle of a 1 GiB span.
  const uptr old_va = 0x40000000 + 0x20000000;
  REQUIRE(pt.map(old_va, 0x90000000, k4K, kRW).ok());
  const size_t tables_before = src.live();

  // The new range starts in other tables (a different 2 MiB and 1 GiB
  // block) and runs into the existing page.
  const uptr new_va = 0x3FE00000;
  const u64 new_size = old_va + k4K - new_va;
  Result<void> r = pt.map(new_va, 0xA0000000, new_size, kRX);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == Error::Exist);
  CHECK(src.live() == tables_before);
  Pt::Mapping m{};
  for (uptr va = new_va; va < old_va; va += k4K * 97)
    CHECK_FALSE(pt.lookup(va, m));
  CHECK_FALSE(pt.lookup(old_va - k4K, m));
  REQUIRE(pt.lookup(old_va, m));
  CHECK(m.pa == 0x90000000);
  CHECK(m.prot == kRW);

  // Mapping the same page twice is refused too.
  CHECK(pt.map(old_va, 0x91000000, k4K, kRW).error() == Error::Exist);
}

TEST_CASE("a large page and small pages in its span conflict both ways",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x200000, 0x80200000, k2M, kRW, k2M).ok());
  CHECK(pt.map(0x200000 + 5 * k4K, 0x90000000, k4K, kRW).error() ==
        Error::Exist);
  CHECK(pt.map(0, 0x40000000, k1G, kRW, k1G).error() == Error::Exist);
  CHECK(pt.map_best(0x1FF000, 0x901FF000, 2 * k4K, kRW).error() ==
        Error::Exist);

  REQUIRE(pt.map(0x600000 + k4K, 0x90000000, k4K, kRW).ok());
  CHECK(pt.map(0x600000, 0x80600000, k2M, kRW, k2M).error() == Error::Exist);
  REQUIRE(pt.map(k1G + 0x1000, 0x90001000, k4K, kRW).ok());
  CHECK(pt.map(k1G, 0x80000000, k1G, kRW, k1G).error() == Error::Exist);
  // Root, one level-1 table for the first GiB, one for the second, and
  // level-0 tables for 0x600000 and 1 GiB + 0x1000.
  CHECK(src.live() == 5);
}

TEST_CASE("unmap removes leaves, reports them, and frees empty tables",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x1000, 0x80001000, 3 * k4K, kRW).ok());
  REQUIRE(pt.map(0x3FFFF000, 0x81000000, 2 * k4K, kRW).ok());  // spans 1 GiB
  REQUIRE(pt.map(0x80000000, 0xC0000000, k1G, kRW, k1G).ok());
  REQUIRE(pt.map(kUpperHalf + k2M, 0x80200000, k2M, kRX, k2M).ok());
  REQUIRE(pt.map(kUpperHalf + 3 * k2M, 0x80600000, 4 * k4K, kRX).ok());
  CHECK(src.live() == 8);

  // Part of the first range: its level-0 table still holds a page.
  pt.unmap(0x2000, k4K);
  Pt::Mapping m{};
  CHECK_FALSE(pt.lookup(0x2000, m));
  CHECK(pt.lookup(0x1000, m));
  CHECK(pt.lookup(0x3000, m));
  CHECK(src.live() == 8);

  // Everything, with holes; every leaf reported once.
  std::vector<Leaf> gone;
  auto record = [&](uptr va, paddr_t pa, u64 ps) {
    gone.push_back({va, pa, ps});
  };
  pt.unmap(0, 3 * k1G, record);
  pt.unmap(kUpperHalf, k1G, record);
  CHECK(gone ==
        std::vector<Leaf>{{0x1000, 0x80001000, k4K},
                          {0x3000, 0x80003000, k4K},
                          {0x3FFFF000, 0x81000000, k4K},
                          {0x40000000, 0x81001000, k4K},
                          {0x80000000, 0xC0000000, k1G},
                          {kUpperHalf + k2M, 0x80200000, k2M},
                          {kUpperHalf + 3 * k2M, 0x80600000, k4K},
                          {kUpperHalf + 3 * k2M + k4K, 0x80601000, k4K},
                          {kUpperHalf + 3 * k2M + 2 * k4K, 0x80602000, k4K},
                          {kUpperHalf + 3 * k2M + 3 * k4K, 0x80603000, k4K}});
  CHECK(src.live() == 1);  // only the root remains
  const u64* root = reinterpret_cast<const u64*>(pt.root());
  for (int i = 0; i < 512; ++i) CHECK(root[i] == 0);

  // Unmapping nothing, or nothing mapped, is fine.
  pt.unmap(0x5000, 0);
  pt.unmap(0x5000, 8 * k4K);
  CHECK(src.live() == 1);
}

TEST_CASE("unmap of part of a large page is a kernel bug (KASSERT)",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x200000, 0x80200000, k2M, kRW, k2M).ok());
  CHECK_THROWS_AS(pt.unmap(0x200000 + k4K, k4K), hal::host::Panic);
  CHECK_THROWS_AS(pt.unmap(0x1000, k2M), hal::host::Panic);
  Pt::Mapping m{};
  REQUIRE(pt.lookup(0x200000, m));
  CHECK(m.page_size == k2M);
  // Misaligned or non-canonical unmap ranges are caller bugs too.
  CHECK_THROWS_AS(pt.unmap(0x1800, k4K), hal::host::Panic);
  CHECK_THROWS_AS(pt.unmap(0x4000000000, k4K), hal::host::Panic);
  pt.unmap(0x200000, k2M);
  CHECK(src.live() == 1);
}

TEST_CASE("teardown frees every table page and reports every leaf",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x10000, 0x80010000, 2 * k4K, kRW | Prot::User).ok());
  REQUIRE(pt.map(0x3FFFF000, 0x81000000, 2 * k4K, kRW | Prot::User).ok());
  REQUIRE(pt.map(k1G * 7, 0x80000000, k1G, kRW, k1G).ok());
  REQUIRE(pt.map_best(kUpperHalf, 0x80000000, k1G + k2M + k4K, kRW).ok());
  REQUIRE(src.live() > 1);

  std::vector<Leaf> seen;
  pt.teardown(0, 511, true, [&](uptr va, paddr_t pa, u64 ps) {
    seen.push_back({va, pa, ps});
  });
  CHECK(src.live() == 0);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<Leaf>{{0x10000, 0x80010000, k4K},
                                  {0x11000, 0x80011000, k4K},
                                  {0x3FFFF000, 0x81000000, k4K},
                                  {0x40000000, 0x81001000, k4K},
                                  {k1G * 7, 0x80000000, k1G},
                                  {kUpperHalf, 0x80000000, k1G},
                                  {kUpperHalf + k1G, 0xC0000000, k2M},
                                  {kUpperHalf + k1G + k2M, 0xC0200000, k4K}});
}

TEST_CASE("teardown of the user half keeps the shared kernel half",
          "[pagetable]") {
  HostTables src;
  Pt kernel = make_table(src);
  REQUIRE(kernel
              .map_best(kUpperHalf, 0x80000000, 2 * k1G + 3 * k2M + 5 * k4K,
                        kRW | Prot::Global)
              .ok());
  const size_t kernel_tables = src.live();

  Pt proc = make_table(src);
  u64* proc_root = reinterpret_cast<u64*>(hal::phys_to_virt(proc.root()));
  const u64* kernel_root =
      reinterpret_cast<const u64*>(hal::phys_to_virt(kernel.root()));
  for (int i = 256; i < 512; ++i) proc_root[i] = kernel_root[i];
  REQUIRE(proc.map(0x10000, 0x90000000, 16 * k4K, kRW | Prot::User).ok());
  REQUIRE(proc.map(0x3F0000000, 0x91000000, 4 * k4K, kRW | Prot::User).ok());

  Pt::Mapping m{};
  REQUIRE(proc.lookup(kUpperHalf + 2 * k1G + k2M + 42, m));
  CHECK(m.pa == 0x80000000 + 2 * k1G + k2M + 42);

  // Leaves of the user half only; the kernel half is never followed.
  size_t user_leaves = 0;
  proc.teardown(0, 255, true, [&](uptr va, paddr_t, u64) {
    CHECK(va < kUpperHalf);
    ++user_leaves;
  });
  CHECK(user_leaves == 20);
  CHECK(src.live() == kernel_tables);
  REQUIRE(kernel.lookup(kUpperHalf + 2 * k1G + 2 * k2M + 4 * k4K, m));

  // Without free_root the root survives with the other entries intact.
  REQUIRE(kernel.map(0x1000, 0x80001000, k4K, kRW).ok());
  kernel.teardown(0, 255, false, [](uptr, paddr_t, u64) {});
  CHECK(src.live() == kernel_tables);
  CHECK_FALSE(kernel.lookup(0x1000, m));
  CHECK(kernel.lookup(kUpperHalf, m));
  kernel.teardown(256, 511, true, [](uptr, paddr_t, u64) {});
  CHECK(src.live() == 0);
}

TEST_CASE(
    "allocation failure at each Nth table allocation is NoMem and rolls back",
    "[pagetable]") {
  // 4 KiB pages over [1 GiB - 3 MiB, 1 GiB + 3 MiB): two level-1 tables and
  // four level-0 tables. A page mapped just past the end already holds the
  // last level-0 table and the second level-1 table.
  const uptr va = k1G - 3 * k2M / 2;
  const u64 size = 3 * k2M;
  const uptr pre_va = va + size + 0x10000;

  u64 needed = 0;
  {
    HostTables src;
    Pt pt = make_table(src);
    REQUIRE(pt.map(pre_va, 0x70000000, k4K, Prot::Read).ok());
    const u64 before = src.allocations();
    REQUIRE(pt.map(va, 0x80000000, size, kRW).ok());
    needed = src.allocations() - before;
  }
  REQUIRE(needed == 4);  // level-1 for GiB 0, level-0 x3 (one exists)

  for (u64 n = 1; n <= needed; ++n) {
    INFO("failing allocation " << n);
    HostTables src;
    Pt pt = make_table(src);
    REQUIRE(pt.map(pre_va, 0x70000000, k4K, Prot::Read).ok());
    const size_t live_before = src.live();
    src.fail_nth(n);
    Result<void> r = pt.map(va, 0x80000000, size, kRW);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Error::NoMem);
    CHECK(src.live() == live_before);
    CHECK(leaves(pt, 0, 4 * k1G) ==
          std::vector<Leaf>{{pre_va, 0x70000000, k4K}});
    src.fail_nth(0);
    REQUIRE(pt.map(va, 0x80000000, size, kRW).ok());
    CHECK(leaves(pt, va, size).size() == size / k4K);
  }

  // From an empty table: 2 level-1 + 4 level-0 tables.
  for (u64 n = 1; n <= 6; ++n) {
    INFO("failing allocation " << n << " from empty");
    HostTables src;
    Pt pt = make_table(src);
    src.fail_nth(n);
    CHECK(pt.map(va, 0x80000000, size, kRW).error() == Error::NoMem);
    CHECK(src.live() == 1);
    CHECK(leaves(pt, 0, 4 * k1G).empty());
  }
  HostTables src;
  Pt pt = make_table(src);
  src.fail_nth(7);
  REQUIRE(pt.map(va, 0x80000000, size, kRW).ok());
  CHECK(src.live() == 7);

  // create() itself reports the source's failure.
  HostTables empty;
  empty.fail_nth(1);
  Result<Pt> r = Pt::create(empty);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == Error::NoMem);
}

TEST_CASE("protect changes rights of mapped pages, all or nothing",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x10000, 0x80010000, 4 * k4K, kRW | Prot::User).ok());
  REQUIRE(pt.map(0x200000, 0x80200000, k2M, kRW, k2M).ok());
  Pt::Mapping m{};

  REQUIRE(pt.protect(0x11000, 2 * k4K, Prot::Read | Prot::User).ok());
  REQUIRE(pt.lookup(0x10000, m));
  CHECK(m.prot == (kRW | Prot::User));
  REQUIRE(pt.lookup(0x11000, m));
  CHECK(m.prot == (Prot::Read | Prot::User));
  CHECK(m.pa == 0x80011000);
  REQUIRE(pt.lookup(0x12000, m));
  CHECK(m.prot == (Prot::Read | Prot::User));
  REQUIRE(pt.lookup(0x13000, m));
  CHECK(m.prot == (kRW | Prot::User));
  // A and D stay set; the PPN is untouched.
  CHECK(*pt.leaf_pte(0x11000) ==
        (kBitV | kBitR | kBitU | kBitA | kBitD | (u64{0x80011} << kPpnAt)));

  // A hole in the range: NoEnt, and nothing changed (not partial).
  CHECK(pt.protect(0x10000, 5 * k4K, Prot::Exec).error() == Error::NoEnt);
  CHECK(pt.protect(0xF000, 2 * k4K, Prot::Exec).error() == Error::NoEnt);
  REQUIRE(pt.lookup(0x10000, m));
  CHECK(m.prot == (kRW | Prot::User));
  CHECK(pt.protect(0x100000, k4K, Prot::Read).error() == Error::NoEnt);

  // A large page: whole is fine, part of it is Inval (would need a split).
  REQUIRE(pt.protect(0x200000, k2M, kRX).ok());
  REQUIRE(pt.lookup(0x300000, m));
  CHECK(m.prot == kRX);
  CHECK(pt.protect(0x200000, k4K, Prot::Read).error() == Error::Inval);
  // No access right, misaligned, non-canonical: Inval.
  CHECK(pt.protect(0x10000, k4K, Prot::None).error() == Error::Inval);
  CHECK(pt.protect(0x10800, k4K, Prot::Read).error() == Error::Inval);
  CHECK(pt.protect(0x4000000000, k4K, Prot::Read).error() == Error::Inval);
  CHECK(pt.protect(0x10000, 0, Prot::Read).ok());
}

TEST_CASE("for_each_leaf visits leaves in increasing va order", "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  // Mapped out of order, mixed sizes, across tables.
  REQUIRE(pt.map(0x80000000, 0xC0000000, k1G, kRW, k1G).ok());
  REQUIRE(pt.map(0x5000, 0x80005000, k4K, kRW).ok());
  REQUIRE(pt.map(0x40200000, 0x80200000, k2M, kRW, k2M).ok());
  REQUIRE(pt.map(0x1000, 0x80001000, 2 * k4K, kRW).ok());
  REQUIRE(pt.map(0x3FFFF000, 0x80100000, k4K, kRW).ok());

  CHECK(leaves(pt, 0, 4 * k1G) ==
        std::vector<Leaf>{{0x1000, 0x80001000, k4K},
                          {0x2000, 0x80002000, k4K},
                          {0x5000, 0x80005000, k4K},
                          {0x3FFFF000, 0x80100000, k4K},
                          {0x40200000, 0x80200000, k2M},
                          {0x80000000, 0xC0000000, k1G}});
  // A range starting inside a large page reports it with its own start.
  CHECK(leaves(pt, 0x40300000, k4K) ==
        std::vector<Leaf>{{0x40200000, 0x80200000, k2M}});
  CHECK(leaves(pt, 0x2000, 0x3000) ==
        std::vector<Leaf>{{0x2000, 0x80002000, k4K}});

  // fn may change rights through the entry (what fork's COW will do).
  pt.for_each_leaf(
      0, k1G, [](uptr, u64& e, u64) { e = Sv39::with_prot(e, Prot::Read); });
  Pt::Mapping m{};
  REQUIRE(pt.lookup(0x5000, m));
  CHECK(m.prot == Prot::Read);
  REQUIRE(pt.lookup(0x40200000, m));
  CHECK(m.prot == kRW);
}

TEST_CASE("leaf_pte gives the slot of a mapped page, nullptr otherwise",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x7000, 0x80007000, k4K, kRW | Prot::User).ok());
  REQUIRE(pt.map(0x200000, 0x80200000, k2M, kRW, k2M).ok());
  u64* e = pt.leaf_pte(0x7123);
  REQUIRE(e != nullptr);
  CHECK(Sv39::address(*e) == 0x80007000);
  *e = Sv39::with_prot(*e, Prot::Read | Prot::User);  // a COW downgrade
  Pt::Mapping m{};
  REQUIRE(pt.lookup(0x7000, m));
  CHECK(m.prot == (Prot::Read | Prot::User));
  CHECK(pt.leaf_pte(0x200000 + 0x1234) == pt.leaf_pte(0x200000));
  CHECK(pt.leaf_pte(0x8000) == nullptr);
  CHECK(pt.leaf_pte(0x80000000) == nullptr);
}

TEST_CASE("adopt wraps an existing root", "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map(0x7000, 0x80007000, k4K, kRW).ok());
  Pt again = Pt::adopt(src, pt.root());
  CHECK(again.root() == pt.root());
  Pt::Mapping m{};
  REQUIRE(again.lookup(0x7000, m));
  CHECK(m.pa == 0x80007000);
  again.unmap(0x7000, k4K);
  CHECK_FALSE(pt.lookup(0x7000, m));
  CHECK(src.live() == 1);
}

TEST_CASE("map_best picks 1 GiB and 2 MiB pages where aligned", "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  // Starts 4 KiB below a 2 MiB boundary that is 2 MiB below a 1 GiB one:
  // one 4 KiB page, one 2 MiB page, then 1 GiB, 2 MiB x3 and 4 KiB x5.
  const uptr va = kUpperHalf + k1G - k2M - k4K;
  const paddr_t pa = 0x80000000 + k1G - k2M - k4K;
  const u64 size = k4K + k2M + k1G + 3 * k2M + 5 * k4K;
  REQUIRE(pt.map_best(va, pa, size, kRW | Prot::Global).ok());

  std::vector<Leaf> got = leaves(pt, va, size);
  std::vector<Leaf> want{{va, pa, k4K}, {va + k4K, pa + k4K, k2M}};
  uptr v = va + k4K + k2M;
  want.push_back({v, pa + (v - va), k1G});
  v += k1G;
  for (int i = 0; i < 3; ++i, v += k2M) want.push_back({v, pa + (v - va), k2M});
  for (int i = 0; i < 5; ++i, v += k4K) want.push_back({v, pa + (v - va), k4K});
  CHECK(got == want);

  Pt::Mapping m{};
  REQUIRE(pt.lookup(va + k4K + k2M + 12345, m));
  CHECK(m.page_size == k1G);
  CHECK(m.pa == pa + k4K + k2M + 12345);
  CHECK(m.prot == (kRW | Prot::Global));

  // An exact 1 GiB-aligned direct map of 2 GiB takes two leaves, no tables.
  HostTables src2;
  Pt dm = make_table(src2);
  REQUIRE(dm.map_best(kUpperHalf, 0x80000000, 2 * k1G, kRW).ok());
  CHECK(src2.live() == 1);
  CHECK(leaves(dm, kUpperHalf, 2 * k1G).size() == 2);
}

TEST_CASE("map_best uses 4 KiB pages when va and pa disagree in alignment",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  REQUIRE(pt.map_best(0x200000, 0x80201000, 2 * k2M, kRW).ok());
  const std::vector<Leaf> got = leaves(pt, 0x200000, 2 * k2M);
  CHECK(got.size() == 2 * k2M / k4K);
  for (const Leaf& l : got) CHECK(l.size == k4K);
  CHECK(got.front().pa == 0x80201000);
}

TEST_CASE("random 4 KiB map and unmap agree with a model and return all tables",
          "[pagetable]") {
  HostTables src;
  Pt pt = make_table(src);
  std::mt19937_64 rng(0x7114e5eedULL);
  std::map<u64, u64> model;  // vpn -> pfn

  // A 2 GiB window straddling two 1 GiB boundaries, so level-1 and level-0
  // tables are shared, filled and emptied.
  const u64 base_vpn = 0x30000000 / k4K;
  const u64 window = (u64{2} << 30) / k4K;
  auto rnd = [&](u64 n) { return rng() % n; };

  // Exactly the tables the model needs: root, one per GiB, one per 2 MiB
  // block holding a page (pages counted per block).
  std::map<u64, u64> per_gib, per_2m;
  auto add = [&](u64 vpn, u64 pfn) {
    model[vpn] = pfn;
    ++per_gib[vpn >> 18];
    ++per_2m[vpn >> 9];
  };
  auto drop = [](std::map<u64, u64>& counts, u64 key) {
    if (--counts[key] == 0) counts.erase(key);
  };
  auto expected_tables = [&] { return 1 + per_gib.size() + per_2m.size(); };
  auto check_page = [&](u64 vpn) {
    Pt::Mapping m{};
    const bool mapped = pt.lookup(vpn * k4K + 0x123, m);
    auto it = model.find(vpn);
    REQUIRE(mapped == (it != model.end()));
    if (mapped) {
      REQUIRE(m.pa == it->second * k4K + 0x123);
      REQUIRE(m.page_size == k4K);
    }
  };

  u64 mapped_ok = 0, refused_exist = 0, refused_nomem = 0, unmapped = 0;
  size_t peak = 0;
  for (int op = 0; op < 4000; ++op) {
    // Mostly short ranges, sometimes up to 2 MiB+ so they cross tables.
    const u64 pages = rnd(8) == 0 ? 1 + rnd(1024) : 1 + rnd(16);
    // Cluster starts so ranges collide and tables are shared.
    const u64 start = base_vpn + (rnd(4) == 0 ? rnd(window - pages)
                                              : (rnd(64) * 8192 + rnd(4096)) %
                                                    (window - pages));
    INFO("op " << op << " start vpn " << std::hex << start << " pages "
               << pages);
    if (rnd(2) == 0) {
      bool taken = false;
      auto it = model.lower_bound(start);
      if (it != model.end() && it->first < start + pages) taken = true;
      const u64 pfn = 0x80000 + rnd(u64{1} << 30);
      const bool inject = rnd(10) == 0;
      if (inject) src.fail_nth(1 + rnd(3));
      Result<void> r =
          pt.map(start * k4K, pfn * k4K, pages * k4K, kRW | Prot::User);
      src.fail_nth(0);
      if (taken) {
        REQUIRE_FALSE(r.ok());
        REQUIRE(r.error() == Error::Exist);
        ++refused_exist;
      } else if (!r.ok()) {
        REQUIRE(inject);
        REQUIRE(r.error() == Error::NoMem);
        ++refused_nomem;
      } else {
        ++mapped_ok;
        for (u64 i = 0; i < pages; ++i) add(start + i, pfn + i);
      }
    } else {
      std::map<u64, u64> removed;
      pt.unmap(start * k4K, pages * k4K, [&](uptr va, paddr_t pa, u64 ps) {
        REQUIRE(ps == k4K);
        REQUIRE(removed.emplace(va / k4K, pa / k4K).second);
      });
      std::map<u64, u64> expect(model.lower_bound(start),
                                model.lower_bound(start + pages));
      REQUIRE(removed == expect);
      unmapped += removed.size();
      for (const auto& [vpn, pfn] : expect) {
        drop(per_gib, vpn >> 18);
        drop(per_2m, vpn >> 9);
      }
      model.erase(model.lower_bound(start), model.lower_bound(start + pages));
    }
    for (u64 vpn = start - 2; vpn < start + pages + 2; ++vpn) check_page(vpn);
    for (int i = 0; i < 8; ++i) check_page(base_vpn + rnd(window));
    REQUIRE(src.live() == expected_tables());
    peak = std::max(peak, model.size());

    if (op % 500 == 499) {
      std::map<u64, u64> seen;
      pt.for_each_leaf(base_vpn * k4K, window * k4K,
                       [&](uptr va, u64& e, u64 ps) {
                         REQUIRE(ps == k4K);
                         seen.emplace(va / k4K, Sv39::address(e) / k4K);
                       });
      REQUIRE(seen == model);
    }
  }
  // The run exercised every outcome.
  CHECK(mapped_ok > 100);
  CHECK(refused_exist > 100);
  CHECK(refused_nomem > 10);
  CHECK(unmapped > 1000);
  CHECK(peak > 1000);
  pt.unmap(base_vpn * k4K, window * k4K);
  CHECK(src.live() == 1);
  pt.teardown(0, 511, true, [](uptr, paddr_t, u64) { FAIL("leaf left"); });
  CHECK(src.live() == 0);
}
