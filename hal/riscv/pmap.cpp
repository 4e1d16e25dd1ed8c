// The Sv39 pmap (contract in hal/pmap.h): a root table per address space
// whose kernel half (root entries 256..511) is copied from the kernel's
// root, the generic walker (core/vm/pagetable.h) for the user half, ASIDs, and
// TLB shootdown through SBI RFENCE.
//
// ASIDs: ASIDLEN is found on first use by writing all-ones to satp's ASID
// field (with the running root) and reading it back; harts are assumed
// alike. Each pmap gets a unique non-zero ASID from a bitmap while they
// last. ASID 0 is the kernel map's and the fallback: a pmap without an
// ASID of its own (none implemented, or all taken) flushes the whole TLB on
// every activation, and its shootdowns fence all address spaces.
//
// Who may cache a pmap: `cpus` holds every hart that has loaded it since
// that hart last flushed it; bits are set by pmap_activate and never
// cleared (a hart that switched away may still hold entries tagged with the
// ASID). A shootdown fences at once only the harts of `cpus` that have pm
// loaded now; the others get a bit in `stale` and flush pm's ASID when they
// next load it (as Linux's lazy mm flush), so a fork does not wait for an
// SBI fence on every hart its parent ever ran on. pmap_destroy fences no
// other hart either: the harts of `cpus` are left in g_asid_flush[asid],
// and the next pmap given that ASID starts with them in its `stale`, so
// each flushes the ASID before it first loads the new table. Until then no
// hart walks under that ASID, so neither its TLB entries nor cached walks
// into the freed table pages are ever used (Linux's ASID allocator makes
// the same argument). A pmap without an ASID is flushed whole at every
// load, but its destroy still fences at once (freed tables).
//
// Ordering against pmap_activate on another hart: the PTE stores, a full
// fence, then the read of `cpus`; activate sets its bit (sequentially
// consistent) before it writes satp. A hart whose bit the shootdown missed
// therefore loaded satp after the stores and cannot see the old entry.
// The lazy harts: the shootdown sets the `stale` bit, then reads the hart's
// g_current; activate stores g_current, then reads `stale`, both before it
// writes satp (all sequentially consistent). One of the two sees the
// other's store: the shootdown fences the hart at once, or the hart
// flushes itself before it uses the table.
//
// Table pages freed by the walker are kept on a per-pmap list until the
// shootdown that follows, so no hart's page-walk cache can point into a
// page that has been reused (core/vm/pagetable.h's TablePageSource contract).
#include "hal/pmap.h"
#include "hal/pmap_checks.h"

#include "core/lib/assert.h"
#include "core/lib/bits.h"
#include "core/vm/heap.h"
#include "core/lib/list.h"
#include "core/lib/new.h"
#include "core/vm/pagetable.h"
#include "core/sync/spinlock.h"
#include "core/vm/vm_page.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/kmap.h"
#include "hal/riscv/sbi.h"
#include "hal/riscv/sv39.h"

namespace tine::hal {

using riscv::Sv39;

namespace {

// Beyond this many pages a shootdown flushes the whole address space:
// cheaper than a long run of per-page fences.
constexpr size_t kFlushAllPages = 64;
constexpr unsigned kRootEntries = 512;
constexpr unsigned kFirstKernelRoot = 256;  // kUserVaTop / 1 GiB

u64 g_table_pages;  // atomic: pmap_table_pages()

void count_tables(i64 delta) {
  __atomic_fetch_add(&g_table_pages, static_cast<u64>(delta), __ATOMIC_RELAXED);
}

struct PmapTablePages {
  // Every table the walker holds below the root: pmap_destroy retires them
  // all without walking the tree (only the root's user half is read).
  List<Page> live;
  List<Page> deferred;  // freed by the walker, held until the next fence

  Result<paddr_t> alloc_table() {
    const paddr_t pa = TRY(vm_page_allocator().alloc_zeroed(0));
    Page* p = vm_page_allocator().page_of(pa);
    KASSERT(p);
    live.push_back(p);
    count_tables(1);
    return pa;
  }
  void free_table(paddr_t pa) {
    Page* p = vm_page_allocator().page_of(pa);
    KASSERT(p);
    live.remove(p);
    deferred.push_back(p);
  }
  // The root is the pmap's own (cached or freed by it), not a live table.
  void untrack(paddr_t root) { live.remove(vm_page_allocator().page_of(root)); }
  void retire_all() {
    while (Page* p = live.pop_front()) deferred.push_back(p);
  }
  void free_deferred() {
    PageAllocator& pages = vm_page_allocator();
    while (Page* p = deferred.pop_front()) {
      pages.free(pages.address_of(p), 0);
      count_tables(-1);
    }
  }
};

using UserTable = PageTable<Sv39, PmapTablePages>;

// ---- ASIDs --------------------------------------------------------------------

constexpr unsigned kMaxAsids = 1u << riscv::satp::kAsidBits;
u64 g_asid_used[kMaxAsids / 64];  // bit set: taken (atomic word updates)
// Harts that may still cache a freed ASID's entries, a 16-bit hart mask
// per ASID, four to a word (the kernel has no 16-bit atomics): pmap_destroy
// adds to it before the ASID is freed, pmap_create takes it with the ASID.
u64 g_asid_flush[kMaxAsids / 4];
static_assert(kMaxCpus <= 16, "g_asid_flush holds 16-bit hart masks");

void asid_flush_add(u16 asid, u64 cpus) {
  __atomic_fetch_or(&g_asid_flush[asid / 4], cpus << (asid % 4 * 16), __ATOMIC_RELEASE);
}

u64 asid_flush_take(u16 asid) {
  const unsigned shift = asid % 4 * 16;
  u64 word = __atomic_load_n(&g_asid_flush[asid / 4], __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n(&g_asid_flush[asid / 4], &word,
                                      word & ~(u64{0xffff} << shift), false,
                                      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
  }
  return (word >> shift) & 0xffff;
}
int g_asid_bits = -1;             // ASIDLEN, -1 until probed (atomic)

unsigned asid_bits() {
  int bits = __atomic_load_n(&g_asid_bits, __ATOMIC_ACQUIRE);
  if (bits >= 0) return static_cast<unsigned>(bits);
  // Unimplemented ASID bits read back as zero. The kernel half is global,
  // so running a moment under another ASID changes nothing.
  const IrqState s = irq_save();
  const u64 old = riscv::read_satp();
  riscv::write_satp(old | riscv::satp::kAsidMask);
  const u64 probed = riscv::read_satp();
  riscv::write_satp(old);
  irq_restore(s);
  // The implemented bits are the low ones (no libgcc: no popcount builtin).
  bits = 0;
  for (u16 a = riscv::satp_asid(probed); a & 1; a >>= 1) ++bits;
  __atomic_store_n(&g_asid_bits, bits, __ATOMIC_RELEASE);
  return static_cast<unsigned>(bits);
}

// A unique non-zero ASID, or 0 (the fallback) when none is free.
u16 asid_alloc() {
  const unsigned bits = asid_bits();
  if (bits == 0) return 0;
  const unsigned count = 1u << bits;
  for (unsigned w = 0; w < (count + 63) / 64; ++w) {
    u64 used = __atomic_load_n(&g_asid_used[w], __ATOMIC_RELAXED);
    for (;;) {
      u64 free_bits = ~used;
      if (w == 0) free_bits &= ~u64{1};  // ASID 0 is the kernel's
      if (count < 64) free_bits &= (u64{1} << count) - 1;
      if (free_bits == 0) break;
      const unsigned b = lowest_set_bit(free_bits);
      if (__atomic_compare_exchange_n(&g_asid_used[w], &used,
                                      used | (u64{1} << b), false,
                                      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        return static_cast<u16>(w * 64 + b);
    }
  }
  return 0;
}

void asid_free(u16 asid) {
  if (asid == 0) return;
  __atomic_fetch_and(&g_asid_used[asid / 64], ~(u64{1} << (asid % 64)),
                     __ATOMIC_RELEASE);
}

}  // namespace

class Pmap {
 public:
  static constexpr u32 kMagic = 0x706d6170;  // "pmap"

  u32 magic = kMagic;
  u16 asid = 0;
  u64 cpus = 0;      // atomic: harts that may cache it (see the top)
  u64 stale = 0;     // atomic: harts to flush its ASID at the next load
  u64 resident = 0;  // atomic: leaf entries (pmap_resident_count reads it)
  bool park_pending = false;  // pmap_park changed entries not yet fenced
  bool parked = false;        // pmap_park ever parked something: unpark looks
  PmapTablePages pages;
  UserTable table = UserTable::adopt(pages, 0);
};

namespace {

Pmap* g_current[kMaxCpus];  // each hart's loaded pmap (own hart writes)

void check(const Pmap* pm) { KASSERT(pm && pm->magic == Pmap::kMagic); }

// Fences this hart's TLB for pm: [va, va+len) or, with all, everything.
void fence_local(const Pmap* pm, uptr va, size_t len, bool all) {
  if (all) {
    if (pm->asid)
      asm volatile("sfence.vma zero, %0" ::"r"(u64{pm->asid}) : "memory");
    else
      riscv::sfence_vma_all();
    return;
  }
  for (uptr a = va; a < va + len; a += kPageSize) {
    if (pm->asid)
      asm volatile("sfence.vma %0, %1" ::"r"(a), "r"(u64{pm->asid}) : "memory");
    else
      riscv::sfence_vma_page(a);
  }
}

// The same on the harts in `cpus` (cpu indices), through SBI RFENCE, which
// returns once they have fenced.
void fence_remote(const Pmap* pm, u64 cpus, uptr va, size_t len, bool all) {
  const uptr start = all ? 0 : va;
  const u64 size = all ? ~u64{0} : len;  // SBI: size -1 is a full flush
  auto fence = [&](unsigned long mask, unsigned long base) {
    const riscv::sbi::Ret r =
        pm->asid ? riscv::sbi::remote_sfence_vma_asid(mask, base, start, size,
                                                      pm->asid)
                 : riscv::sbi::remote_sfence_vma(mask, base, start, size);
    if (!r.ok()) panic("pmap: SBI remote fence failed (%ld)", r.error);
  };
  unsigned long mask = 0;
  bool fits = true;  // all hart ids below 64: one call does
  for (unsigned i = 0; i < kMaxCpus; ++i)
    if ((cpus >> i) & 1) {
      const unsigned id = riscv::hartid_of(i);
      if (id >= 64) fits = false;
      else mask |= 1ul << id;
    }
  if (fits) {
    fence(mask, 0);
    return;
  }
  for (unsigned i = 0; i < kMaxCpus; ++i)
    if ((cpus >> i) & 1) fence(1, riscv::hartid_of(i));
}

// Makes every hart that may cache pm forget [va, va+len) (or all of pm):
// at once where pm is loaded, else at its next load (see the top); then
// frees the table pages the walker let go. Returns once no hart can use
// what it forgot.
void shootdown(Pmap* pm, uptr va, size_t len, bool all) {
  if (len / kPageSize > kFlushAllPages) all = true;
  // Freed tables may sit in page-walk caches, which a per-page fence need
  // not reach (it covers leaf entries of that address).
  if (!pm->pages.deferred.empty()) all = true;
  preempt_disable();  // "this hart" must stay this hart
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  u64 cpus = __atomic_load_n(&pm->cpus, __ATOMIC_SEQ_CST);
  const u64 self = u64{1} << cpu_index();
  if (cpus & self) fence_local(pm, va, len, all);
  cpus &= ~self;
  // Without an ASID of its own a pmap is flushed whole at every load, but
  // its table pages may sit in walk caches until then: fenced now.
  if (pm->asid) {
    // Only the other harts of cpus: none at all for a pmap that never left
    // this hart (most shootdowns are COW faults').
    for (u64 rest = cpus; rest != 0; rest &= rest - 1) {
      const unsigned i = lowest_set_bit(rest);
      const u64 bit = u64{1} << i;
      if (__atomic_load_n(&g_current[i], __ATOMIC_SEQ_CST) == pm) continue;
      __atomic_fetch_or(&pm->stale, bit, __ATOMIC_SEQ_CST);
      if (__atomic_load_n(&g_current[i], __ATOMIC_SEQ_CST) != pm) cpus &= ~bit;
    }
  }
  if (cpus) fence_remote(pm, cpus, va, len, all);
  preempt_enable();
  pm->pages.free_deferred();
}

// This hart only: enough for a new or widened entry (others fault
// spuriously and re-enter it, which lands here on their side).
// Interrupts off pin the hart for these few instructions, for less than
// two calls into the scheduler would cost (the fault path's fence).
void fence_self_page(Pmap* pm, uptr va) {
  const IrqState s = irq_save();
  if (__atomic_load_n(&pm->cpus, __ATOMIC_SEQ_CST) & (u64{1} << cpu_index()))
    fence_local(pm, va, kPageSize, false);
  irq_restore(s);
}

// Roots of destroyed pmaps, kept for the next pmap_create: the user half
// is clear (teardown cleared it) and the kernel half is the kernel's,
// which never gains root entries once processes exist (see pmap_create).
// So a fork's root costs neither a 4 KiB zeroing nor the copy of 256
// entries, and exit does not clear them again. pmap_trim empties it.
constexpr unsigned kRootCache = 4;
struct RootCache {
  SpinLock lock{"pmap.root_cache", LockRank::Unranked};  // nothing nests inside
  paddr_t root[kRootCache] GUARDED_BY(lock) = {};
  unsigned n GUARDED_BY(lock) = 0;
};
RootCache g_roots;

paddr_t root_cache_take() {
  IrqSpinGuard g(g_roots.lock);
  return g_roots.n ? g_roots.root[--g_roots.n] : 0;
}

bool root_cache_put(paddr_t root) {
  IrqSpinGuard g(g_roots.lock);
  if (g_roots.n == kRootCache) return false;
  g_roots.root[g_roots.n++] = root;
  return true;
}

// A root goes back to the allocator: its borrowed kernel half cleared first.
void root_free(paddr_t root) {
  u64* r = static_cast<u64*>(phys_to_virt(root));
  for (unsigned i = kFirstKernelRoot; i < kRootEntries; ++i)
    __atomic_store_n(&r[i], u64{0}, __ATOMIC_RELAXED);
  vm_page_allocator().free(root, 0);
}

}  // namespace

Result<Pmap*> pmap_create() {
  void* mem = kmalloc(sizeof(Pmap));
  if (!mem) return Error::NoMem;
  Pmap* pm = new (mem) Pmap();
  if (const paddr_t root = root_cache_take()) {
    count_tables(1);
    pm->table = UserTable::adopt(pm->pages, root);
  } else {
    Result<UserTable> t = UserTable::create(pm->pages);
    if (!t.ok()) {
      pm->~Pmap();
      kfree(pm);
      return t.error();
    }
    pm->table = t.value();
    pm->pages.untrack(pm->table.root());
    // The kernel half is shared: the kernel's root entries point at the
    // same lower-level tables, so later changes below them show here too.
    // A root entry the kernel map gains after this copy would not: the
    // kernel map must not grow new root entries once processes exist
    // (today only the kernel stack area could, after 32768 live stacks
    // fill its first GiB).
    const u64* kroot = static_cast<const u64*>(
        phys_to_virt(riscv::kernel_page_table().root()));
    u64* uroot = static_cast<u64*>(phys_to_virt(pm->table.root()));
    for (unsigned i = kFirstKernelRoot; i < kRootEntries; ++i)
      uroot[i] = __atomic_load_n(&kroot[i], __ATOMIC_RELAXED);
  }
  // One way to an ASID for a cached root and a fresh one (65c9ce0 was a
  // second way that forgot the handover below).
  pm->asid = asid_alloc();
  // Harts that cached the ASID's last owner flush it at their first load.
  if (pm->asid)
    __atomic_store_n(&pm->stale, asid_flush_take(pm->asid), __ATOMIC_RELAXED);
  return pm;
}

void pmap_destroy(Pmap* pm) {
  check(pm);
  for (unsigned i = 0; i < kMaxCpus; ++i)
    KASSERT(__atomic_load_n(&g_current[i], __ATOMIC_RELAXED) != pm);
  // The frames are the caller's, and the tables are all on pages.live:
  // they go back unread (alloc_table zeroes what it hands out), and of the
  // tree only the root's user half is cleared, for the root cache.
  pm->table.forget(0, kFirstKernelRoot - 1);
  pm->pages.retire_all();
  if (pm->asid) {
    // No hart walks under the ASID until its next owner loads it, and each
    // that may cache it flushes it first (see the top): no fence now, and
    // the tables (the root's included, which may be handed out again from
    // here) are reached by no walk that will be used.
    const u64 cpus = __atomic_load_n(&pm->cpus, __ATOMIC_RELAXED);
    asid_flush_add(pm->asid, cpus);
    pm->pages.free_deferred();
  } else {
    // Every hart that ran it forgets it and no walk cache points into its
    // tables any more, the root's included: it may be handed out again
    // from here.
    shootdown(pm, 0, 0, true);
  }
  asid_free(pm->asid);
  const paddr_t root = pm->table.root();
  count_tables(-1);  // in the cache or freed: no longer a live table
  if (!root_cache_put(root)) root_free(root);
  pm->magic = 0;
  pm->~Pmap();
  kfree(pm);
}

namespace {
// pmap_enter's leaf whose tables are missing: map() makes them. Out of
// line, so the common case does not pay for map()'s register saves.
__attribute__((noinline)) Result<void> enter_with_tables(Pmap* pm, uptr va,
                                                         paddr_t pa, Prot want) {
  TRY(pm->table.map(va, pa, kPageSize, want));
  __atomic_fetch_add(&pm->resident, 1u, __ATOMIC_RELAXED);
  fence_self_page(pm, va);
  return ok();
}
}  // namespace

Result<void> pmap_enter(Pmap* pm, uptr va, paddr_t pa, Prot prot) {
  check(pm);
  pmap_check_user_range(va, kPageSize);
  KASSERT(is_aligned(pa, kPageSize));
  const Prot want = pmap_user_prot(prot);
  u64* slot = pm->table.last_level_slot(va);
  if (!slot) return enter_with_tables(pm, va, pa, want);
  const u64 old = __atomic_load_n(slot, __ATOMIC_RELAXED);
  if (!Sv39::is_valid(old)) {
    // A new leaf where its table exists (the common case: a fault next to
    // pages already mapped): stored after one walk.
    __atomic_store_n(slot, Sv39::make_leaf(pa, want), __ATOMIC_RELAXED);
    __atomic_fetch_add(&pm->resident, 1u, __ATOMIC_RELAXED);
    fence_self_page(pm, va);
    return ok();
  }
  // Replace in place: the leaf and its tables exist, so this cannot fail.
  KASSERT(Sv39::is_leaf(old));
  const Prot had = Sv39::prot(old);
  const u64 now = Sv39::make_leaf(pa, want);
  __atomic_store_n(slot, now, __ATOMIC_RELAXED);
  // A different frame or fewer rights: no hart may go on using the old.
  if (Sv39::address(old) != pa || (had & ~Sv39::prot(now)) != Prot::None)
    shootdown(pm, va, kPageSize, false);
  else
    fence_self_page(pm, va);
  return ok();
}

void pmap_remove(Pmap* pm, uptr va, size_t len) {
  check(pm);
  pmap_check_user_range(va, len);
  u64 removed = 0;
  pm->table.unmap(va, len, [&](uptr, paddr_t, u64) { ++removed; });
  if (removed == 0 && pm->pages.deferred.empty()) return;
  __atomic_fetch_sub(&pm->resident, removed, __ATOMIC_RELAXED);
  shootdown(pm, va, len, false);
}

void pmap_protect(Pmap* pm, uptr va, size_t len, Prot prot) {
  check(pm);
  pmap_check_user_range(va, len);
  if (len == 0) return;
  const Prot want = pmap_user_prot(prot);
  bool changed = false;
  pm->table.for_each_leaf(va, len, [&](uptr, u64& e, u64) {
    const u64 now = Sv39::with_prot(e, want);
    if (now != e) {
      __atomic_store_n(&e, now, __ATOMIC_RELAXED);
      changed = true;
    }
  });
  if (changed) shootdown(pm, va, len, false);
}

void pmap_park(Pmap* pm, uptr va, size_t len) {
  check(pm);
  pmap_check_user_range(va, len);
  if (len != 0 && pm->table.park(va, len) != 0) pm->park_pending = pm->parked = true;
}

void pmap_park_fence(Pmap* pm) {
  check(pm);
  if (!pm->park_pending) return;
  pm->park_pending = false;
  // Unlinked tables may sit in page-walk caches: a whole-space fence.
  shootdown(pm, 0, 0, true);
}

namespace {
// pmap_unpark's walk, out of line: most faults are in spaces that never
// forked, and the walk's register saves would otherwise come first.
__attribute__((noinline)) bool unpark_walk(Pmap* pm, uptr va,
                                           PmapKeepWrite keep_write, void* ctx) {
  pmap_check_user_range(va, kPageSize);
  if (!pm->table.unpark(va, [&](uptr leaf_va, paddr_t pa) {
        return keep_write(ctx, leaf_va, pa);
      }))
    return false;
  // The faulting hart may hold va's invalid walk; other pages of the table
  // fault at most once more elsewhere (see the top of hal/pmap.h).
  fence_self_page(pm, align_down(va, kPageSize));
  return true;
}
}  // namespace

bool pmap_unpark(Pmap* pm, uptr va, PmapKeepWrite keep_write, void* ctx) {
  check(pm);
  if (!pm->parked) return false;  // a space that never forked: no walk
  return unpark_walk(pm, va, keep_write, ctx);
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
  const IrqState s = irq_save();
  const unsigned self = cpu_index();
  // Already loaded here (threads of one space, a vfork child and its
  // parent): nothing to do. A shootdown fences at once every hart whose
  // g_current is pm (see the top), so this hart's TLB is current; and no
  // hart has a destroyed pmap as its g_current (pmap.h), so the pointer
  // cannot name a new space at an old one's address.
  if (pm && __atomic_load_n(&g_current[self], __ATOMIC_RELAXED) == pm) {
    irq_restore(s);
    return;
  }
  if (!pm) {
    riscv::write_satp(riscv::kernel_satp());
  } else {
    check(pm);
    // Before satp: a shootdown that misses this bit must see the hart load
    // the table only after its stores (see the top).
    __atomic_fetch_or(&pm->cpus, u64{1} << self, __ATOMIC_SEQ_CST);
    // Then g_current before `stale` (see the top): a shootdown that left
    // this hart to flush itself is seen here.
    __atomic_store_n(&g_current[self], pm, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&pm->stale, __ATOMIC_SEQ_CST) & (u64{1} << self)) {
      __atomic_fetch_and(&pm->stale, ~(u64{1} << self), __ATOMIC_SEQ_CST);
      fence_local(pm, 0, 0, true);
    }
    riscv::write_satp(riscv::make_satp(pm->table.root(), pm->asid));
    // Without an ASID of its own, whatever the TLB holds under ASID 0 may
    // be another space's.
    if (pm->asid == 0) riscv::sfence_vma_all();
  }
  __atomic_store_n(&g_current[self], pm, __ATOMIC_RELAXED);
  irq_restore(s);
}

void pmap_trim() {
  for (;;) {
    const paddr_t root = root_cache_take();
    if (!root) return;
    root_free(root);
  }
}

u64 pmap_table_pages() { return __atomic_load_n(&g_table_pages, __ATOMIC_RELAXED); }

u64 pmap_resident_count(Pmap* pm) {
  check(pm);
  return __atomic_load_n(&pm->resident, __ATOMIC_RELAXED);
}

}  // namespace tine::hal
