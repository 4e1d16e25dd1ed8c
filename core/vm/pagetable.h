// PageTable: a generic multi-level page-table walker over a small PTE policy
// (hal/riscv/sv39.h provides Sv39). Machine-independent: it names no ISA, and
// the host tests run it against tables in ordinary memory.
//
// Levels are numbered from the leaves: level 0 holds 4 KiB pages, level
// kLevels-1 is the root. An entry at level l maps page_size_at(l) bytes, as a
// leaf (a "large page" when l > 0) or through a table of the level below.
//
// Contract for every method: the caller serialises all use of one table (the
// address space lock), and fences TLBs itself. The walker only edits memory.
// Table memory is reached only through hal::phys_to_virt.
//
// Invariants the walker keeps: a table other than the root is never left
// empty (unmap frees a table its last entry leaves), and every table page it
// hands back to the source is all-invalid (zero) (forget() hands back
// nothing: the source reclaims the tables itself).
//
// Parked tables (a write-protect deferred per table, for fork): park() unlinks
// every last-level table under a range, leaving in its parent entry a
// make_parked() mark the hardware reads as invalid, so any access through it
// faults. The table itself is untouched. Every method walks through a parked
// table as through a linked one, but first unparks it: Write is taken from each
// of its leaves and the table linked again. unpark() does the same for one
// table and lets the caller keep Write on leaves it knows are private. So a
// parked table costs the fork one store, and its 512 leaves are visited only
// if the space touches that range again.
#pragma once

#include "core/lib/assert.h"
#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/vm/vm_prot.h"
#include "hal/hal.h"

namespace tine {

namespace ptdetail {
// std::same_as without <concepts> (no STL in core headers).
template <typename A, typename B>
inline constexpr bool kSame = false;
template <typename A>
inline constexpr bool kSame<A, A> = true;
template <typename T, typename U>
concept Is = kSame<T, U>;
}  // namespace ptdetail

// What a PTE format must provide; the walker knows nothing else of it. The
// functions are static and constexpr (PageTable static_asserts on invalid()
// and on a zeroed entry).
//   is_valid(e)         the hardware uses the entry
//   is_leaf(e)          valid and maps memory (not a pointer to a table)
//   make_leaf(pa, p)    a valid leaf; accessed/dirty preset so the hardware
//                       never faults or writes to track them
//   make_table(pa)      a valid pointer to the table at pa
//   address(e)          pa of a leaf's page or of the next table
//   prot(e), with_prot  read / replace a leaf's rights, other bits kept
//   write_bits()        the bits by which an entry grants Write: an OR of
//                       entries has none of them iff none of them grants it
//   invalid()           an unused entry; a zeroed page must be all unused
//   is_canonical(va)    va may be translated at all
//   make_parked(pa)     an entry the hardware treats as invalid that still
//                       names the table at pa (park(), below)
//   is_parked(e)        e was made by make_parked (never valid)
template <typename P>
concept PtePolicy = requires(typename P::pte_t e, paddr_t pa, Prot p, uptr va) {
  // Geometry: kLevels levels of 2^kIndexBits entries, each table one page.
  requires(P::kLevels >= 1);
  requires(P::kIndexBits >= 1);
  requires(P::kVaBits == kPageShift + P::kLevels * P::kIndexBits);
  requires(P::kVaBits < 64);
  requires((sizeof(typename P::pte_t) << P::kIndexBits) == kPageSize);
  // Physical address bits a leaf can encode (map() refuses more).
  requires(P::kPaBits > kPageShift && P::kPaBits <= 64);
  { P::is_valid(e) } -> ptdetail::Is<bool>;
  { P::is_leaf(e) } -> ptdetail::Is<bool>;
  { P::make_leaf(pa, p) } -> ptdetail::Is<typename P::pte_t>;
  { P::make_table(pa) } -> ptdetail::Is<typename P::pte_t>;
  { P::address(e) } -> ptdetail::Is<paddr_t>;
  { P::prot(e) } -> ptdetail::Is<Prot>;
  { P::with_prot(e, p) } -> ptdetail::Is<typename P::pte_t>;
  { P::write_bits() } -> ptdetail::Is<typename P::pte_t>;
  { P::invalid() } -> ptdetail::Is<typename P::pte_t>;
  { P::is_canonical(va) } -> ptdetail::Is<bool>;
  { P::make_parked(pa) } -> ptdetail::Is<typename P::pte_t>;
  { P::is_parked(e) } -> ptdetail::Is<bool>;
};

// Where table pages come from. alloc_table() returns one zeroed page.
// free_table() may be called while a TLB or page-walk cache of some hart
// still holds translations through that page: a kernel source must not reuse
// the page before the caller's sfence.vma (defer reuse until the fence).
template <typename S>
concept TablePageSource = requires(S& s, paddr_t pa) {
  { s.alloc_table() } -> ptdetail::Is<Result<paddr_t>>;
  { s.free_table(pa) } -> ptdetail::Is<void>;
};

// A handle on one tree of tables; copying it copies the handle, not the
// tables. Destroying it frees nothing: the owner calls teardown().
template <PtePolicy P, TablePageSource S>
class PageTable {
 public:
  using pte_t = typename P::pte_t;
  static constexpr unsigned kLevels = P::kLevels;
  static constexpr unsigned kEntries = 1u << P::kIndexBits;

  static_assert(!P::is_valid(pte_t{0}), "a zeroed table must be all-invalid");
  static_assert(!P::is_valid(P::invalid()));

  // Bytes an entry at `level` maps: 4 KiB, 2 MiB, 1 GiB for Sv39.
  static constexpr u64 page_size_at(unsigned level) {
    return u64{kPageSize} << (P::kIndexBits * level);
  }

  // A new tree: one zeroed root. Error::NoMem (or the source's error).
  static Result<PageTable> create(S& source) {
    const paddr_t root = TRY(source.alloc_table());
    return PageTable(source, root);
  }
  // Wraps an existing root (e.g. the boot page table).
  static PageTable adopt(S& source, paddr_t root) {
    KASSERT(is_aligned(root, kPageSize));
    return PageTable(source, root);
  }

  paddr_t root() const { return root_; }

  // Maps [va, va+size) to [pa, pa+size) in pages of `page_size` (one of
  // page_size_at(0..kLevels-1)). All or nothing:
  //   Inval  size 0, page_size unsupported, va/pa/size not aligned to it, the
  //          range not canonical (or crossing into the other half), pa beyond
  //          what a PTE encodes, or prot without Read, Write or Exec;
  //   Exist  some page of the range is already mapped, by a leaf of any size,
  //          or a table sits where a large page would go; nothing changed;
  //   NoMem  a table page could not be allocated; nothing changed, nothing
  //          leaked (the table pages needed are counted and allocated before
  //          the first entry is written).
  Result<void> map(uptr va, paddr_t pa, u64 size, Prot prot,
                   u64 page_size = kPageSize) {
    unsigned level = 0;
    while (level < kLevels && page_size_at(level) != page_size) ++level;
    if (level == kLevels) return Error::Inval;
    TRY(check_map_args(va, pa, size, prot, page_size));
    return map_chunks(va, pa, size, prot, static_cast<int>(level));
  }

  // As map(), choosing at each point the largest page that va, pa and the
  // rest of the range allow (the kernel direct map). Needs 4 KiB alignment.
  Result<void> map_best(uptr va, paddr_t pa, u64 size, Prot prot) {
    TRY(check_map_args(va, pa, size, prot, kPageSize));
    return map_chunks(va, pa, size, prot, kBestFit);
  }

  // Unmaps every leaf in [va, va+size); holes are fine. Tables left empty are
  // freed. on_unmap(va, pa, page_size) is called for each leaf removed, after
  // its entry is cleared; stale TLB entries remain until the caller fences,
  // so frames must not be reused before that.
  // KASSERTs (caller bugs, never user input): range canonical and 4 KiB
  // aligned; no large page only partly inside the range (splitting one is not
  // supported: user mappings are 4 KiB and the direct map is never unmapped
  // in part). size 0 does nothing.
  template <typename F>
  void unmap(uptr va, u64 size, F&& on_unmap) {
    if (size == 0) return;
    KASSERT(is_aligned(va, kPageSize) && is_aligned(size, kPageSize));
    KASSERT(range_ok(va, size));
    unmap_in(root_, kLevels - 1, va, va + (size - 1), on_unmap);
  }
  void unmap(uptr va, u64 size) {
    unmap(va, size, [](uptr, paddr_t, u64) {});
  }

  // Sets the rights of every page in [va, va+size) to `prot`. All or
  // nothing: every page of the range is checked before any entry changes.
  //   NoEnt  some page of the range is not mapped;
  //   Inval  misaligned or non-canonical range, prot without Read, Write or
  //          Exec, or a large page only partly inside the range.
  // size 0 succeeds and does nothing. The caller fences TLBs afterwards.
  Result<void> protect(uptr va, u64 size, Prot prot) {
    if (size == 0) return ok();
    if (!has_any(prot, kProtAccess)) return Error::Inval;
    if (!is_aligned(va, kPageSize) || !is_aligned(size, kPageSize))
      return Error::Inval;
    if (!range_ok(va, size)) return Error::Inval;
    const uptr last = va + (size - 1);
    TRY(check_protect(root_, kLevels - 1, va, last));
    // Commit point: every page is mapped by a leaf wholly inside the range.
    for_each_leaf(va, size, [prot](uptr, pte_t& e, u64) {
      store(&e, P::with_prot(e, prot));
    });
    return ok();
  }

  struct Mapping {
    paddr_t pa;  // including va's offset within the page
    Prot prot;
    u64 page_size;
  };
  // False for unmapped or non-canonical va.
  bool lookup(uptr va, Mapping& out) const {
    unsigned level = 0;
    const pte_t* slot = find_leaf(va, level);
    if (slot == nullptr) return false;
    const pte_t e = load(slot);
    const u64 ps = page_size_at(level);
    out = Mapping{P::address(e) + (va & (ps - 1)), P::prot(e), ps};
    return true;
  }

  // The leaf entry mapping va (at any level), or nullptr. The pointer is
  // valid until the mapping is removed; writers keep it a valid leaf.
  pte_t* leaf_pte(uptr va) {
    unsigned level = 0;
    return find_leaf(va, level);
  }

  // The entry that maps or would map va as a 4 KiB page: a leaf found on the
  // way down (a large page), or va's slot in its last-level table, valid or
  // not. nullptr when a table on the way is missing (map() makes it). Lets
  // pmap_enter store a new leaf after one walk, not map()'s three.
  pte_t* last_level_slot(uptr va) {
    if (!P::is_canonical(va)) return nullptr;
    paddr_t table = root_;
    for (unsigned level = kLevels - 1; level > 0; --level) {
      pte_t* slot = slot_of(table, level, va);
      const pte_t e = resolve(slot, level, align_down(va, page_size_at(level)));
      if (!P::is_valid(e)) return nullptr;
      if (P::is_leaf(e)) return slot;
      table = P::address(e);
    }
    return slot_of(table, 0, va);
  }

  // Clears root entries [first_root_index, last_root_index], frees every
  // table below them, and reports each leaf to on_leaf(va, pa, page_size)
  // (data frames are the caller's). With free_root the root is freed too:
  // root entries outside the range are borrowed (the shared kernel half,
  // entries 256..511 copied from the kernel's root) and are dropped, never
  // followed. After free_root the PageTable must not be used again.
  // Clears root entries [first_root_index, last_root_index] without
  // following them, for an owner whose source keeps a list of every table
  // it handed out and takes them all back itself (the kernel's pmap): no
  // table below the root is read.
  void forget(unsigned first_root_index, unsigned last_root_index) {
    KASSERT(first_root_index <= last_root_index && last_root_index < kEntries);
    static_assert(P::invalid() == 0);
    pte_t* root = table_at(root_);
    for (unsigned i = first_root_index; i <= last_root_index; ++i) {
      // A process uses a few root entries: runs of eight zero ones are
      // passed over with one test, as in teardown_in.
      if (zero_root_run(root, i, last_root_index)) {
        i += kZeroRun - 1;
        continue;
      }
      if (load(&root[i]) != 0) store(&root[i], P::invalid());
    }
  }

  template <typename F>
  void teardown(unsigned first_root_index, unsigned last_root_index,
                bool free_root, F&& on_leaf) {
    teardown_impl(first_root_index, last_root_index, free_root, on_leaf);
  }

 private:
  template <typename F>
  void teardown_impl(unsigned first_root_index, unsigned last_root_index,
                     bool free_root, F&& on_leaf) {
    KASSERT(first_root_index <= last_root_index && last_root_index < kEntries);
    constexpr unsigned top = kLevels - 1;
    pte_t* root = table_at(root_);
    for (unsigned i = first_root_index; i <= last_root_index; ++i) {
      // A process uses a few root entries: runs of zero ones are passed
      // over with one test, as in teardown_in.
      if (zero_root_run(root, i, last_root_index)) {
        i += kZeroRun - 1;
        continue;
      }
      const pte_t e = load(&root[i]);
      if (P::is_parked(e)) {  // a table, as far as freeing goes
        store(&root[i], P::invalid());
        teardown_in(P::address(e), top - 1, root_entry_va(i), on_leaf);
        continue;
      }
      if (!P::is_valid(e)) continue;
      store(&root[i], P::invalid());
      const uptr va = root_entry_va(i);
      if (P::is_leaf(e)) {
        on_leaf(va, P::address(e), page_size_at(top));
      } else {
        KASSERT(top > 0);
        teardown_in(P::address(e), top - 1, va, on_leaf);
      }
    }
    if (free_root) {
      // [first, last] is clear already: only the borrowed entries remain.
      for (unsigned i = 0; i < first_root_index; ++i) store(&root[i], P::invalid());
      for (unsigned i = last_root_index + 1; i < kEntries; ++i)
        store(&root[i], P::invalid());
      source_->free_table(root_);
      root_ = 0;
    }
  }

 public:
  // Calls fn(va, pte_t& entry, page_size) for every leaf that overlaps
  // [va, va+size), in increasing va order; va is the leaf's own start. fn may
  // change the entry's rights (P::with_prot) but must keep it a valid leaf:
  // removal goes through unmap(). The range must be canonical (KASSERT).
  template <typename F>
  void for_each_leaf(uptr va, u64 size, F&& fn) {
    if (size == 0) return;
    KASSERT(range_ok(va, size));
    leaves_in(root_, kLevels - 1, va, va + (size - 1), fn);
  }

  // Parks every last-level table that maps part of [va, va+size) (the whole
  // table: leaves outside the range lose Write too when it is unparked, which
  // only costs a fault that enters them again). A large leaf overlapping the
  // range loses Write at once. Returns how many entries changed: the caller
  // fences the TLBs when it is not zero. The range must be canonical.
  u64 park(uptr va, u64 size) {
    static_assert(kLevels >= 2, "no last-level tables to park");
    if (size == 0) return 0;
    KASSERT(range_ok(va, size));
    return park_in(root_, kLevels - 1, va, va + (size - 1));
  }

  // If va's last-level table is parked, links it again, first taking Write
  // from each leaf for which keep_write(leaf_va, pa) is false. Returns whether
  // a table was parked. The caller fences nothing: the table was unreachable
  // since park()'s fence, and a leaf keeps at most the rights it had.
  template <typename F>
  bool unpark(uptr va, F&& keep_write) {
    if (!P::is_canonical(va)) return false;
    paddr_t table = root_;
    for (unsigned level = kLevels - 1; level > 0; --level) {
      pte_t* slot = slot_of(table, level, va);
      const pte_t e = load(slot);
      if (P::is_parked(e)) {
        unpark_slot(slot, level, align_down(va, page_size_at(level)), keep_write);
        return true;
      }
      if (!P::is_valid(e) || P::is_leaf(e)) return false;
      table = P::address(e);
    }
    return false;
  }

 private:
  friend class Result<PageTable>;  // Result<T> default-constructs its T
  PageTable() = default;
  PageTable(S& source, paddr_t root) : source_(&source), root_(root) {}

  static constexpr int kBestFit = -1;

  // PTEs are read and written whole: the hardware walker on other harts may
  // read an entry while it changes.
  static pte_t load(const pte_t* slot) {
    return __atomic_load_n(slot, __ATOMIC_RELAXED);
  }
  static void store(pte_t* slot, pte_t e) {
    __atomic_store_n(slot, e, __ATOMIC_RELAXED);
  }

  static pte_t* table_at(paddr_t pa) {
    return static_cast<pte_t*>(hal::phys_to_virt(pa));
  }
  static unsigned index_of(uptr va, unsigned level) {
    return static_cast<unsigned>((va >> (kPageShift + P::kIndexBits * level)) &
                                 (kEntries - 1));
  }
  static pte_t* slot_of(paddr_t table, unsigned level, uptr va) {
    return &table_at(table)[index_of(va, level)];
  }

  // Canonical va of root entry i: sign-extended from bit kVaBits-1.
  static uptr root_entry_va(unsigned i) {
    uptr va = uptr{i} << (kPageShift + P::kIndexBits * (kLevels - 1));
    if ((va >> (P::kVaBits - 1)) & 1) va |= ~((uptr{1} << P::kVaBits) - 1);
    KASSERT(P::is_canonical(va));
    return va;
  }

  // [va, va+size) non-empty, not wrapping, canonical, and in one half (both
  // ends agree in every bit from kVaBits-1 up).
  static bool range_ok(uptr va, u64 size) {
    if (size == 0) return false;
    const uptr last = va + (size - 1);
    if (last < va) return false;
    return P::is_canonical(va) && P::is_canonical(last) &&
           ((va ^ last) >> (P::kVaBits - 1)) == 0;
  }

  static Result<void> check_map_args(uptr va, paddr_t pa, u64 size, Prot prot,
                                     u64 align) {
    if (size == 0) return Error::Inval;
    if (!is_aligned(va, align) || !is_aligned(pa, align) ||
        !is_aligned(size, align))
      return Error::Inval;
    if (!has_any(prot, kProtAccess)) return Error::Inval;
    if (!range_ok(va, size)) return Error::Inval;
    const paddr_t pa_last = pa + (size - 1);
    if (pa_last < pa) return Error::Inval;
    if constexpr (P::kPaBits < 64) {
      if ((pa_last >> P::kPaBits) != 0) return Error::Inval;
    }
    return ok();
  }

  // Leaf level of the mapping at va/pa, `remaining` bytes before the end.
  static unsigned chunk_level(uptr va, paddr_t pa, u64 remaining,
                              int fixed_level) {
    if (fixed_level != kBestFit) return static_cast<unsigned>(fixed_level);
    for (unsigned level = kLevels - 1; level > 0; --level) {
      const u64 ps = page_size_at(level);
      if (is_aligned(va, ps) && is_aligned(pa, ps) && remaining >= ps)
        return level;
    }
    return 0;
  }

  // Table pages acquired before a map commits, chained through entry 0 of
  // each page (so holding them needs no memory of its own).
  struct Stash {
    paddr_t head = 0;
    u64 count = 0;
  };
  static void stash_push(Stash& s, paddr_t page) {
    if (s.count != 0) store(&table_at(page)[0], P::make_table(s.head));
    s.head = page;
    ++s.count;
  }
  static paddr_t stash_take(Stash& s) {
    KASSERT(s.count != 0);
    const paddr_t page = s.head;
    pte_t* first = &table_at(page)[0];
    if (--s.count != 0) s.head = P::address(load(first));
    store(first, P::invalid());  // back to a zeroed page
    return page;
  }

  // Pass 1 of map: refuses with Exist if any chunk's slot is taken, else
  // returns how many table pages the mapping needs. Chunks come in
  // increasing va order, so a missing table (identified by its level and the
  // aligned block it would cover) is counted the first time a chunk needs it.
  Result<u64> plan_map(uptr va, paddr_t pa, u64 size, int fixed_level) const {
    u64 missing = 0;
    uptr counted_block[kLevels] = {};
    bool counted[kLevels] = {};
    for (u64 done = 0; done < size;) {
      const uptr cur = va + done;
      const unsigned leaf =
          chunk_level(cur, pa + done, size - done, fixed_level);
      paddr_t table = root_;
      for (unsigned level = kLevels - 1;; --level) {
        const pte_t e = resolve(slot_of(table, level, cur), level,
                                align_down(cur, page_size_at(level)));
        if (level == leaf) {
          if (P::is_valid(e)) return Error::Exist;
          break;
        }
        if (!P::is_valid(e)) {
          // The tables of levels level-1 .. leaf on the way to cur are missing.
          for (unsigned t = level; t-- > leaf;) {
            const uptr block = align_down(cur, page_size_at(t + 1));
            if (!counted[t] || counted_block[t] != block) {
              counted[t] = true;
              counted_block[t] = block;
              ++missing;
            }
          }
          break;
        }
        if (P::is_leaf(e)) return Error::Exist;  // a large page covers cur
        KASSERT(level > 0);
        table = P::address(e);
      }
      done += page_size_at(leaf);
    }
    return missing;
  }

  Result<void> map_chunks(uptr va, paddr_t pa, u64 size, Prot prot,
                          int fixed_level) {
    const u64 needed = TRY(plan_map(va, pa, size, fixed_level));
    Stash stash;
    while (stash.count < needed) {
      Result<paddr_t> page = source_->alloc_table();
      if (!page.ok()) {
        while (stash.count != 0) source_->free_table(stash_take(stash));
        return page.error();
      }
      stash_push(stash, page.value());
    }
    // Commit point: the range is free and every table page is in hand;
    // nothing below fails. A new table is linked only once zeroed, so a
    // concurrent hardware walk sees invalid entries, never garbage.
    for (u64 done = 0; done < size;) {
      const uptr cur = va + done;
      const paddr_t cur_pa = pa + done;
      const unsigned leaf = chunk_level(cur, cur_pa, size - done, fixed_level);
      paddr_t table = root_;
      for (unsigned level = kLevels - 1;; --level) {
        pte_t* slot = slot_of(table, level, cur);
        if (level == leaf) {
          KASSERT(!P::is_valid(load(slot)));
          store(slot, P::make_leaf(cur_pa, prot));
          break;
        }
        const pte_t e = resolve(slot, level, align_down(cur, page_size_at(level)));
        if (P::is_valid(e)) {
          KASSERT(!P::is_leaf(e));
          table = P::address(e);
        } else {
          table = stash_take(stash);
          store(slot, P::make_table(table));
        }
      }
      done += page_size_at(leaf);
    }
    KASSERT(stash.count == 0);
    return ok();
  }

  // Calls f(slot, entry_va, lo, last) for each entry of `table` (at `level`)
  // that overlaps [lo, last], clipped to the entry, in order. [lo, last] lies
  // inside the table's span. Stops when f returns false; returns whether it
  // ran to the end.
  template <typename F>
  static bool each_entry(paddr_t table, unsigned level, uptr lo, uptr last,
                         F&& f) {
    const u64 esz = page_size_at(level);
    pte_t* entries = table_at(table);
    for (uptr cur = lo;;) {
      const uptr entry_va = align_down(cur, esz);
      const uptr entry_last = entry_va + (esz - 1);
      const uptr sub_last = entry_last < last ? entry_last : last;
      if (!f(&entries[index_of(cur, level)], entry_va, cur, sub_last))
        return false;
      if (sub_last == last) return true;  // no cur += ...: may wrap at 2^64
      cur = sub_last + 1;
    }
  }

  // The entry in slot, unparked first (every leaf losing Write) if parked.
  // Table memory is not the PageTable's own state, so const walks may do it.
  static pte_t resolve(pte_t* slot, unsigned level, uptr entry_va) {
    const pte_t e = load(slot);
    if (!P::is_parked(e)) return e;
    return unpark_all(slot, level, entry_va);
  }

  // resolve()'s rare case, out of line: inlined, its loop cost every walk
  // (pmap_enter's leaf store among them) two more saved registers.
  __attribute__((noinline)) static pte_t unpark_all(pte_t* slot, unsigned level,
                                                    uptr entry_va) {
    return unpark_slot(slot, level, entry_va, [](uptr, paddr_t) { return false; });
  }

  // Links the parked table in `slot` (an entry at `level`, mapping from
  // entry_va) again; leaves below lose Write unless keep_write says so. A
  // parked table's own entries are never parked (park() stops above them).
  template <typename F>
  static pte_t unpark_slot(pte_t* slot, unsigned level, uptr entry_va,
                           F&& keep_write) {
    KASSERT(level > 0);
    const paddr_t table = P::address(load(slot));
    const u64 esz = page_size_at(level - 1);
    pte_t* entries = table_at(table);
    static_assert(kEntries % kZeroRun == 0);
    for (unsigned run = 0; run < kEntries; run += kZeroRun) {
      // Only writable leaves change: a run of eight entries none of which
      // grants Write (empty, or the read-only text that fills a fork
      // parent's first table) is passed over with one test.
      if ((run_bits(&entries[run]) & P::write_bits()) == 0) continue;
      for (unsigned i = run; i < run + kZeroRun; ++i) {
        const pte_t x = load(&entries[i]);
        if (!P::is_leaf(x)) continue;
        const Prot p = P::prot(x);
        if (!has(p, Prot::Write) || keep_write(entry_va + i * esz, P::address(x)))
          continue;
        store(&entries[i], P::with_prot(x, p & ~Prot::Write));
      }
    }
    const pte_t linked = P::make_table(table);
    store(slot, linked);
    return linked;
  }

  u64 park_in(paddr_t table, unsigned level, uptr lo, uptr last) {
    u64 changed = 0;
    each_entry(table, level, lo, last,
               [&](pte_t* slot, uptr, uptr sub_lo, uptr sub_last) {
                 const pte_t e = load(slot);
                 if (!P::is_valid(e)) return true;  // empty or parked already
                 if (P::is_leaf(e)) {
                   const Prot p = P::prot(e);
                   if (has(p, Prot::Write)) {
                     store(slot, P::with_prot(e, p & ~Prot::Write));
                     ++changed;
                   }
                 } else if (level == 1) {
                   store(slot, P::make_parked(P::address(e)));
                   ++changed;
                 } else {
                   changed += park_in(P::address(e), level - 1, sub_lo, sub_last);
                 }
                 return true;
               });
    return changed;
  }

  // Leaf slot for va and its level, or nullptr.
  pte_t* find_leaf(uptr va, unsigned& level_out) const {
    if (!P::is_canonical(va)) return nullptr;
    paddr_t table = root_;
    for (unsigned level = kLevels - 1;; --level) {
      pte_t* slot = slot_of(table, level, va);
      const pte_t e = resolve(slot, level, align_down(va, page_size_at(level)));
      if (!P::is_valid(e)) return nullptr;
      if (P::is_leaf(e)) {
        level_out = level;
        return slot;
      }
      KASSERT(level > 0);  // a table pointer at level 0 is corrupt
      table = P::address(e);
    }
  }

  static bool table_empty(paddr_t table) {
    const pte_t* entries = table_at(table);
    for (unsigned i = 0; i < kEntries; ++i) {
      const pte_t e = load(&entries[i]);
      if (P::is_valid(e) || P::is_parked(e)) return false;
    }
    return true;
  }

  template <typename F>
  void unmap_in(paddr_t table, unsigned level, uptr lo, uptr last, F& fn) {
    const u64 esz = page_size_at(level);
    each_entry(
        table, level, lo, last,
        [&](pte_t* slot, uptr entry_va, uptr sub_lo, uptr sub_last) {
          const pte_t e = resolve(slot, level, entry_va);
          if (!P::is_valid(e)) return true;
          if (P::is_leaf(e)) {
            // Splitting a large page is not supported (see unmap()).
            KASSERT(sub_lo == entry_va && sub_last == entry_va + (esz - 1));
            store(slot, P::invalid());
            fn(entry_va, P::address(e), esz);
            return true;
          }
          KASSERT(level > 0);
          const paddr_t child = P::address(e);
          unmap_in(child, level - 1, sub_lo, sub_last, fn);
          if (table_empty(child)) {
            store(slot, P::invalid());
            source_->free_table(child);
          }
          return true;
        });
  }

  // Every page of [lo, last] mapped by a leaf wholly inside it?
  Result<void> check_protect(paddr_t table, unsigned level, uptr lo,
                             uptr last) const {
    const u64 esz = page_size_at(level);
    Error error{};
    const bool all = each_entry(
        table, level, lo, last,
        [&](pte_t* slot, uptr entry_va, uptr sub_lo, uptr sub_last) {
          const pte_t e = resolve(slot, level, entry_va);
          if (!P::is_valid(e)) {
            error = Error::NoEnt;
            return false;
          }
          if (P::is_leaf(e)) {
            if (sub_lo != entry_va || sub_last != entry_va + (esz - 1)) {
              error = Error::Inval;
              return false;
            }
            return true;
          }
          KASSERT(level > 0);
          const Result<void> r =
              check_protect(P::address(e), level - 1, sub_lo, sub_last);
          if (!r.ok()) {
            error = r.error();
            return false;
          }
          return true;
        });
    if (!all) return error;
    return ok();
  }

  template <typename F>
  static void leaves_in(paddr_t table, unsigned level, uptr lo, uptr last,
                        F& fn) {
    const u64 esz = page_size_at(level);
    each_entry(table, level, lo, last,
               [&](pte_t* slot, uptr entry_va, uptr sub_lo, uptr sub_last) {
                 const pte_t e = resolve(slot, level, entry_va);
                 if (!P::is_valid(e)) return true;
                 if (P::is_leaf(e)) {
                   fn(entry_va, *slot, esz);
                   return true;
                 }
                 KASSERT(level > 0);
                 leaves_in(P::address(e), level - 1, sub_lo, sub_last, fn);
                 return true;
               });
  }

  // Clears and frees `table` (at `level`, mapping from `va`) and all below.
  template <typename F>
  void teardown_in(paddr_t table, unsigned level, uptr va, F& on_leaf) {
    const u64 esz = page_size_at(level);
    pte_t* entries = table_at(table);
    // A process's tables are mostly empty: eight zero entries (invalid, as
    // a zeroed page is) are passed over with one test, which halved the
    // instructions a fork's child spends tearing down its tables.
    static_assert(kEntries % kZeroRun == 0);
    for (unsigned run = 0; run < kEntries; run += kZeroRun) {
      if (run_bits(&entries[run]) == 0) continue;
      for (unsigned i = run; i < run + kZeroRun; ++i) {
        const pte_t e = load(&entries[i]);
        if (!P::is_valid(e) && !P::is_parked(e)) continue;
        store(&entries[i], P::invalid());
        const uptr entry_va = va + i * esz;
        if (P::is_leaf(e)) {
          on_leaf(entry_va, P::address(e), esz);
        } else {
          KASSERT(level > 0);
          teardown_in(P::address(e), level - 1, entry_va, on_leaf);
        }
      }
    }
    source_->free_table(table);
  }

  static constexpr unsigned kZeroRun = 8;  // teardown_in's skip (unrolled)

  // A run's entries OR-ed together, so one test passes over the run.
  // Written out: GCC keeps a loop here.
  static pte_t run_bits(const pte_t* r) {
    static_assert(kZeroRun == 8);
    return load(r) | load(r + 1) | load(r + 2) | load(r + 3) | load(r + 4) |
           load(r + 5) | load(r + 6) | load(r + 7);
  }

  // Whether root entry i starts a run of kZeroRun zero entries that ends
  // at or before `last`: a process uses only a few root entries.
  static bool zero_root_run(const pte_t* root, unsigned i, unsigned last) {
    return i % kZeroRun == 0 && last - i >= kZeroRun - 1 && run_bits(&root[i]) == 0;
  }
  S* source_ = nullptr;  // borrowed; outlives the PageTable
  paddr_t root_ = 0;
};

}  // namespace tine
