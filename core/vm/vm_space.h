// The insides of a VmSpace, shared by core/vm/vm_map.cpp (mapping), vm_fork.cpp
// and vm_fault.cpp. Everything else sees VmSpace through core/vm/vm.h.
#pragma once

#include "core/lib/assert.h"
#include "core/sync/lock_order.h"
#include "core/sync/mutex.h"
#include "core/sync/thread_safety.h"
#include "core/vm/vm_anon.h"
#include "core/vm/vm.h"
#include "core/vm/vm_object.h"
#include "core/vm/vm_usage.h"

namespace tine {

// One mapping: [start, end) onto slots anon_off .. of `anon`, and, for a
// file mapping, onto pages object_pg .. of `object` (NetBSD's map entry
// with its amap over a uvm_object). A file mapping's anon holds the pages
// it has faulted in: shared, the object's own pages; private, the object's
// pages until a write copies one (copy-on-write over the page cache, as an
// amap over a vnode), then the copy.
struct VmEntry {
  VmEntry* prev = nullptr;  // the VmSpace's list, sorted by start
  VmEntry* next = nullptr;
  uptr start = 0;  // page aligned, start < end
  uptr end = 0;
  Prot prot = Prot::None;  // Read, Write, Exec (None: reserved, no access)
  MapShare share = MapShare::Private;
  // The rights mprotect may give (Linux's VM_MAYREAD/MAYWRITE/MAYEXEC):
  // all of them, but for the vDSO's shared pages, which no space may write.
  Prot max_prot = kProtAccess;
  // One reference. nullptr only for a private entry nothing has touched yet
  // (created on first fault); a shared entry gets its anon at map time,
  // so a fork before the first touch still shares it.
  VmAnon* anon = nullptr;
  size_t anon_off = 0;  // anon's slot for start
  // A file mapping's object (one reference), none for anonymous memory.
  VmObject object;
  u64 object_pg = 0;  // object's page for start
  // madvise(MADV_DONTFORK): fork leaves the range out of the child (Linux's
  // VM_DONTCOPY). MADV_WIPEONFORK (private anonymous only): the child gets
  // the range demand-zero (VM_WIPEONFORK). A split copies both.
  bool dontfork = false;
  bool wipeonfork = false;
  // Private only: `anon` may be shared with entries of other spaces (UVM's
  // needs-copy: fork shares a private anon instead of copying it). While
  // anon->refs() > 1 its slots are read-only to this entry but for filling
  // empty ones: a write, or anything else that changes a slot, first gives
  // the entry a copy of its window (vm_own_anon_locked). At refs() == 1 the
  // anon is this entry's again. Slots outside the window may still hold
  // pages (an unmap while shared leaves them to the other sharers).
  bool needs_copy = false;

  size_t pages() const { return (end - start) / kPageSize; }
  size_t slot_of(uptr va) const { return anon_off + (va - start) / kPageSize; }
  u64 object_page_of(uptr va) const { return object_pg + (va - start) / kPageSize; }
};

class VmSpace {
 public:
  static constexpr u32 kMagic = 0x766d7370;  // "vmsp"

  u32 magic = kMagic;
  u32 refs = 1;  // atomic
  Mutex lock{"vmspace", LockRank::VmMap};
  // Set at creation, destroyed with the last reference. Calls into it that
  // change or read its tables are made with `lock` held.
  hal::Pmap* pmap = nullptr;
  // Sorted by start, never overlapping.
  VmEntry* first GUARDED_BY(lock) = nullptr;
  // The entry vm_find_entry_locked last found, or nullptr: faults come in
  // runs on one entry. An entry leaves the list only through unlink(),
  // which clears it; a split or resize changes the entry's bounds, which
  // are read afresh at each use.
  VmEntry* hint GUARDED_BY(lock) = nullptr;
  uptr brk_base GUARDED_BY(lock) = 0;  // 0 until exec sets it
  uptr brk GUARDED_BY(lock) = 0;
  // vm_vdso_base: written by exec before the space runs (and by fork into
  // the unpublished child), so it is read without the lock.
  uptr vdso_base = 0;
  // Where exec put the stack and the argument strings (vm_usage.h); the
  // same rule as vdso_base.
  VmExecInfo exec_info;
  // membarrier(2)'s registrations for this space (atomic; a new space, at
  // fork or exec, has none): core/compat/linux/membarrier.cpp.
  u32 membarrier_state = 0;
};

inline void vm_check(const VmSpace* vs) {
  KASSERT(vs && vs->magic == VmSpace::kMagic);
}

// The rights a translation of e's pages gets. A private page that may be
// shared copy-on-write is never mapped writable: may_write says the page is
// known to be this space's alone. Write alone still needs a readable PTE
// (Sv39 has no write-only encoding), so it becomes Read when Write is held
// back.
inline Prot vm_pte_prot(const VmEntry& e, bool may_write) {
  if (e.share == MapShare::Shared || may_write) return e.prot;
  const Prot p = e.prot & ~Prot::Write;
  return has_any(p, kProtAccess) ? p : Prot::Read;
}

// The entry containing va, or nullptr.
VmEntry* vm_find_entry_locked(VmSpace* vs, uptr va) REQUIRES(vs->lock);

// Makes e's anon its own to change (vm_fault_locked before a write, and
// whatever empties, replaces or grows slots): no-op unless e->needs_copy;
// when only this space's entries hold the anon it is taken back
// (vm_take_back_anon_locked: cannot fail); else e gets a copy of its
// window, each page referenced once more (copy-on-write per page from then
// on). Error::NoMem: nothing changed.
Result<void> vm_own_anon_locked(VmSpace* vs, VmEntry* e) REQUIRES(vs->lock);
// True when e's anon is this space's alone (then no entry of the space on
// it is needs-copy any more, and slots outside all their windows are
// emptied); false while another space shares it. Allocates nothing.
bool vm_take_back_anon_locked(VmSpace* vs, VmEntry* e) REQUIRES(vs->lock);

// vm_fault with the space lock held.
Result<void> vm_fault_locked(VmSpace* vs, uptr va, Access access)
    REQUIRES(vs->lock);

// An entry for the list (zeroed) and its disposal, which releases its anon.
VmEntry* vm_entry_alloc();
void vm_entry_free(VmEntry* e);

// The entry-list helpers of vm_map.cpp, for vm_advise.cpp and vm_remap.cpp.
// Rounds len up to pages into *end; false when len is 0 or the range leaves
// the user half.
bool vm_user_range(uptr va, size_t len, uptr* end);
// The first entry that ends above va (the one containing va, or the next).
VmEntry* vm_first_ending_after_locked(VmSpace* vs, uptr va) REQUIRES(vs->lock);
// Splits e at addr (inside it): e keeps the low part, `hi` (a fresh entry)
// the high part, linked after e.
void vm_split_locked(VmSpace* vs, VmEntry* e, uptr addr, VmEntry* hi)
    REQUIRES(vs->lock);
// munmap's work on [va, end): *spare is used when one entry straddles both
// ends (then *spare becomes nullptr).
void vm_remove_range_locked(VmSpace* vs, uptr va, uptr end, VmEntry** spare)
    REQUIRES(vs->lock);
// Placement without MAP_FIXED (vm.h's policy): the address, or 0.
uptr vm_place_locked(VmSpace* vs, uptr hint, size_t len) REQUIRES(vs->lock);
// Links e (overlapping nothing) into the sorted list / takes it out.
void vm_insert_locked(VmSpace* vs, VmEntry* e) REQUIRES(vs->lock);
void vm_unlink_locked(VmSpace* vs, VmEntry* e) REQUIRES(vs->lock);

}  // namespace tine
