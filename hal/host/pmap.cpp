// The pmap for the host tests (contract in hal/pmap.h): the generic walker
// over the real Sv39 entry format, tables from the VM layer's page
// allocator (host "physical" addresses are host virtual ones). There is no
// TLB, so nothing is fenced; the bookkeeping the kernel's pmap relies on
// (resident count, which hart has which pmap loaded) is kept and checked.
// Root entries 256..511 (the kernel half) stay empty: the host has none.
#include "hal/pmap.h"
#include "hal/pmap_checks.h"

#include "core/lib/assert.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/vm/pagetable.h"
#include "core/vm/vm_page.h"
#include "hal/hal.h"
#include "hal/host/hal_host.h"
#include "hal/riscv/sv39.h"

namespace tine::hal {

namespace {

constexpr unsigned kFirstKernelRoot = 256;

u64 g_table_pages;  // atomic: pmap_table_pages()

struct HostTablePages {
  Result<paddr_t> alloc_table() {
    const paddr_t pa = TRY(vm_page_allocator().alloc_zeroed(0));
    __atomic_fetch_add(&g_table_pages, u64{1}, __ATOMIC_RELAXED);
    return pa;
  }
  void free_table(paddr_t pa) {
    vm_page_allocator().free(pa, 0);
    __atomic_fetch_sub(&g_table_pages, u64{1}, __ATOMIC_RELAXED);
  }
};

using UserTable = PageTable<riscv::Sv39, HostTablePages>;

}  // namespace

class Pmap {
 public:
  static constexpr u32 kMagic = 0x706d6170;  // "pmap"
  u32 magic = kMagic;
  u64 resident = 0;
  HostTablePages pages;
  UserTable table = UserTable::adopt(pages, 0);
};

namespace {

Pmap* g_current[kMaxCpus];

void check(const Pmap* pm) { KASSERT(pm && pm->magic == Pmap::kMagic); }

}  // namespace

Result<Pmap*> pmap_create() {
  void* mem = kmalloc(sizeof(Pmap));
  if (!mem) return Error::NoMem;
  Pmap* pm = new (mem) Pmap();
  Result<UserTable> t = UserTable::create(pm->pages);
  if (!t.ok()) {
    pm->~Pmap();
    kfree(pm);
    return t.error();
  }
  pm->table = t.value();
  return pm;
}

void pmap_destroy(Pmap* pm) {
  check(pm);
  for (unsigned i = 0; i < kMaxCpus; ++i) KASSERT(g_current[i] != pm);
  pm->table.teardown(0, kFirstKernelRoot - 1, true, [](uptr, paddr_t, u64) {});
  pm->magic = 0;
  pm->~Pmap();
  kfree(pm);
}

Result<void> pmap_enter(Pmap* pm, uptr va, paddr_t pa, Prot prot) {
  check(pm);
  pmap_check_user_range(va, kPageSize);
  KASSERT(is_aligned(pa, kPageSize));
  const Prot want = pmap_user_prot(prot);
  if (u64* slot = pm->table.leaf_pte(va)) {
    *slot = riscv::Sv39::make_leaf(pa, want);
    return ok();
  }
  TRY(pm->table.map(va, pa, kPageSize, want));
  ++pm->resident;
  return ok();
}

void pmap_remove(Pmap* pm, uptr va, size_t len) {
  check(pm);
  pmap_check_user_range(va, len);
  pm->table.unmap(va, len, [pm](uptr, paddr_t, u64) { --pm->resident; });
}

void pmap_protect(Pmap* pm, uptr va, size_t len, Prot prot) {
  check(pm);
  pmap_check_user_range(va, len);
  const Prot want = pmap_user_prot(prot);
  pm->table.for_each_leaf(va, len, [want](uptr, u64& e, u64) {
    e = riscv::Sv39::with_prot(e, want);
  });
}

void pmap_park(Pmap* pm, uptr va, size_t len) {
  check(pm);
  pmap_check_user_range(va, len);
  if (len != 0) (void)pm->table.park(va, len);
}

void pmap_park_fence(Pmap* pm) { check(pm); }

bool pmap_unpark(Pmap* pm, uptr va, PmapKeepWrite keep_write, void* ctx) {
  check(pm);
  pmap_check_user_range(va, kPageSize);
  return pm->table.unpark(va, [&](uptr leaf_va, paddr_t pa) {
    return keep_write(ctx, leaf_va, pa);
  });
}

bool pmap_extract(Pmap* pm, uptr va, paddr_t* pa, Prot* prot) {
  check(pm);
  if (va >= kUserVaTop) return false;
  UserTable::Mapping m;
  if (!pm->table.lookup(va, m)) return false;
  if (pa) *pa = align_down(m.pa, kPageSize);
  if (prot) *prot = m.prot & kProtAccess;
  return true;
}

void pmap_activate(Pmap* pm) {
  if (pm) check(pm);
  g_current[cpu_index()] = pm;
}

Pmap* host::loaded_pmap() { return g_current[cpu_index()]; }

void pmap_trim() {}  // no cache here

u64 pmap_table_pages() { return __atomic_load_n(&g_table_pages, __ATOMIC_RELAXED); }

u64 pmap_resident_count(Pmap* pm) {
  check(pm);
  return pm->resident;
}

}  // namespace tine::hal
