// The pmap: the machine-dependent half of virtual memory, as NetBSD splits
// it (uvm above, pmap below). A Pmap is one address space's hardware page
// table plus what the TLBs of the harts may cache of it. The machine-
// independent layer (core/vm_*) owns the pages and decides what is mapped;
// the pmap only caches translations and can be told to drop any of them.
//
// hal/riscv/pmap.cpp implements this over Sv39 (ASIDs where the hart has
// them, SBI RFENCE shootdowns); hal/host/pmap.cpp implements it for the host
// tests over the same generic walker, without TLBs.
//
// Contract for every call but pmap_activate and pmap_resident_count: the
// caller serialises all use of one Pmap (the VmSpace lock). pmap_activate
// may run on any hart at any time; it touches only atomic state.
//
// TLB coherence: a Pmap remembers every hart that has it loaded or had it
// loaded since that hart last flushed it. pmap_remove, pmap_protect and a
// pmap_enter that replaces or downgrades a mapping fence those harts (at
// once where it is loaded now, else before they load it again) before they
// return, so the caller may free or reuse the old frames right after.
// An added or widened mapping is fenced only on the calling hart: another
// hart may take one spurious fault, which the fault handler resolves by
// entering the same mapping again (that fences locally).
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/vm/vm_prot.h"

namespace tine::hal {

// User virtual addresses are [0, kUserVaTop): the lower half of Sv39. Every
// pmap call that takes a user address KASSERTs it lies there.
inline constexpr uptr kUserVaTop = uptr{1} << 38;  // 0x4000000000

// [va, va + len) lies in the user half, without overflow: the one user-range
// check (pmap contracts, user_copy_in/out, core/vm's maps and copyin, ELF).
inline constexpr bool user_va_range(uptr va, size_t len) {
  return va < kUserVaTop && len <= kUserVaTop - va;
}

class Pmap;  // opaque: defined by each implementation

// A new, empty address space whose kernel half is shared with the kernel map.
// Error::NoMem.
Result<Pmap*> pmap_create();
// Frees every table page (not the mapped frames: those are the caller's) and
// the pmap's ASID. No hart uses what its TLB may still cache of it: each
// such hart is fenced now, or flushes the ASID before its next owner runs.
// Contract: no hart has it active (each switched away: pmap_activate).
void pmap_destroy(Pmap* pmap);

// Maps the 4 KiB page at va to pa for user mode with `prot` (Read, Write,
// Exec; User is implied, Global refused), replacing any mapping at va.
// Error::NoMem when a table page cannot be had; the old mapping (if any)
// stays. Contract: va page aligned and below kUserVaTop, pa page aligned.
Result<void> pmap_enter(Pmap* pmap, uptr va, paddr_t pa, Prot prot);
// Unmaps every page in [va, va+len) (holes fine) and fences every hart that
// may cache one; tables left empty are freed after the fence.
void pmap_remove(Pmap* pmap, uptr va, size_t len);
// Sets the rights of every *mapped* page in [va, va+len) to prot (holes
// skipped), then fences. prot must have an access right (to remove
// access, pmap_remove).
void pmap_protect(Pmap* pmap, uptr va, size_t len, Prot prot);
// Fork's write-protect of [va, va+len), deferred (core/vm/pagetable.h's
// parked tables): every last-level table mapping part of the range, and so
// pages around it too, is unlinked at once and loses Write from its leaves
// only when something next walks it: a pmap call (as if pmap_protect had
// taken Write), or pmap_unpark. The harts that ran the pmap may go on using
// the old translations until pmap_park_fence, called once after a batch of
// pmap_park calls.
void pmap_park(Pmap* pmap, uptr va, size_t len);
void pmap_park_fence(Pmap* pmap);
// If va's table is parked, links it again; each leaf keeps Write only if
// keep_write(ctx, leaf_va, pa) says so. Returns whether it was parked.
// Nothing to fence: no hart could reach the table while it was parked.
using PmapKeepWrite = bool (*)(void* ctx, uptr va, paddr_t pa);
bool pmap_unpark(Pmap* pmap, uptr va, PmapKeepWrite keep_write, void* ctx);
// The frame and rights (Read/Write/Exec only) mapped at va's page; false if
// none. pa is the page's address (va's offset within the page not added).
bool pmap_extract(Pmap* pmap, uptr va, paddr_t* pa, Prot* prot);

// Loads `pmap` on the calling hart (nullptr: the kernel map alone). The
// caller keeps the thread on this hart across the call (interrupts or
// preemption off, or pinned), as a context switch does.
void pmap_activate(Pmap* pmap);
// Pages mapped (leaf entries) in the pmap.
u64 pmap_resident_count(Pmap* pmap);
// Gives back the pages pmap_destroy keeps for reuse (sysinfo and leak
// checks count them free, as they do heap_trim's).
void pmap_trim();
// Page-table pages of every live pmap, roots included (/proc/meminfo's
// PageTables); a snapshot.
u64 pmap_table_pages();

}  // namespace tine::hal
