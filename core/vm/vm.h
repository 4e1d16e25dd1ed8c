// Address spaces: the machine-independent half of virtual memory (NetBSD's
// uvm_map and uvm_fault, small). A VmSpace is a sorted list of map entries,
// each a window onto a VmAnon (core/vm/vm_anon.h) that owns the pages, plus a
// hal::Pmap (hal/pmap.h) that caches their translations for the hardware.
//
// User layout (Sv39 lower half, [0, hal::kUserVaTop = 0x4000000000)):
//   [0, kVmMinAddr)              never mapped (null-pointer guard)
//   program, brk heap            placed by exec; the heap grows upwards
//   ... mmap area ...            [kVmMinAddr, kVmMmapTop), filled top-down
//   [kVmMmapTop, ...)            the vDSO's data page and image (exec)
//   [..., kUserVaTop)            the initial stack, mapped by exec
// Placement without `fixed` is top-down (as Linux): the highest free range
// that fits below kVmMmapTop and at or above the hint, so mmap stays far
// from brk. A hint whose range is free is taken as is; otherwise the
// highest free range at or above the hint, and failing that anywhere in
// the area (a hint is only a hint, as on Linux).
//
// Sizes are rounded up to whole pages (as mmap, munmap and mprotect do);
// addresses must be page aligned (Error::Inval otherwise). prot is any of
// Read, Write, Exec; Prot::User may be passed and is implied (user
// mappings are always user), anything else is Error::Inval.
//
// Locking: each VmSpace has a sleeping mutex (LockRank::VmMap), taken by
// every function but vmspace_hold/activate (rank 50: proc_lock, p_lock
// and the file locks held across copyin/copyout rank below it); no spin
// lock may be held. It guards the entry list, the brk state and every call
// into the pmap (hal/pmap.h wants them serialised). Shared VmAnons have a
// spin lock of their own, taken under it. The reference count is atomic.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/vm/vm_object.h"
#include "core/vm/vm_prot.h"
#include "hal/pmap.h"

namespace tine {

enum class MapShare : u8 { Private, Shared };
// What the faulting instruction tried to do.
enum class Access : u8 { Read, Write, Exec };

class VmAnon;
class VmSpace;
struct Lwp;

inline constexpr uptr kVmMinAddr = 0x1000;
inline constexpr uptr kVmMmapTop = 0x3f00000000;

// An empty address space, one reference. Error::NoMem.
Result<VmSpace*> vmspace_create();
// Another reference (FORK_SHAREVM: the child shares the parent's space).
void vmspace_hold(VmSpace* vs);
// Drops a reference. The last one unmaps everything, gives back every page
// no other space references and destroys the pmap. Contract for the last
// reference: no hart has the space active any more (each switched to
// another space or to vmspace_activate(nullptr)).
void vmspace_release(VmSpace* vs);

// The child's copy of `parent` for fork. Private entries become
// copy-on-write in both spaces: every page is referenced once more and the
// parent's translations lose write permission (with TLB shootdown), so the
// next write on either side copies (or takes the page back when it is the
// last reference). Shared entries (MAP_SHARED) keep sharing their VmAnon.
// The brk state is inherited. Error::NoMem leaves the parent unchanged and
// frees everything the partial child had.
Result<VmSpace*> vmspace_fork(VmSpace* parent);

// Maps anonymous zero-fill memory: exactly at va when `fixed` (replacing
// whatever is mapped there), else where the placement policy above puts it,
// with va as the hint (0: none). Pages are filled on first touch. prot is
// any of Read, Write, Exec (Prot::None reserves the range). Returns the
// address. Errors: Inval (va unaligned, len 0, prot with other bits, fixed
// range beyond the user half), Perm (fixed below kVmMinAddr, as Linux's
// mmap_min_addr), NoMem (no room, or memory).
Result<uptr> vm_map_anon(VmSpace* vs, uptr va, size_t len, Prot prot,
                         MapShare share, bool fixed);
// Unmaps [va, va+len): entries partly inside are split, holes are fine.
// Errors: Inval (va unaligned, len 0, range beyond the user half), NoMem (an
// entry had to be split and no memory: nothing changed).
Result<void> vm_unmap(VmSpace* vs, uptr va, size_t len);
// Changes the rights of [va, va+len), splitting entries at the ends. All or
// nothing; len 0 does nothing (as mprotect). Errors: Inval (as vm_unmap, or
// bad prot), NoMem (part of the range is not mapped, as Linux's ENOMEM; or
// no memory for a split), Access (rights beyond an entry's max_prot: the
// vDSO's pages are never writable).
Result<void> vm_protect(VmSpace* vs, uptr va, size_t len, Prot prot);

// msync: Tine's file pages are the page cache itself, so a shared
// mapping's stores are the file's already and there is nothing to write
// back. Checks only that [va, va+len) is mapped (Error::NoMem, as Linux);
// len 0 does nothing. Errors: Inval (va unaligned, range beyond the user
// half).
Result<void> vm_sync(VmSpace* vs, uptr va, size_t len);

// madvise (core/vm/vm_advise.cpp), as Linux's mm/madvise.c for what Tine
// has:
//  - Hint: accepted, nothing to do (NORMAL, RANDOM, SEQUENTIAL, WILLNEED,
//    HUGEPAGE, NOHUGEPAGE, DONTDUMP, DODUMP, COLD, PAGEOUT, MERGEABLE...).
//  - DontNeed: private pages go (anonymous memory reads zeros again, a
//    private file mapping the file's page); shared mappings only lose
//    their translations, the data stays for every sharer.
//  - Free: private anonymous only (else Error::Inval); Tine frees at once,
//    which Linux may do at any time before the next write.
//  - DontFork/DoFork, WipeOnFork/KeepOnFork (private anonymous only, else
//    Error::Inval): entries are split at the range's ends and flagged;
//    vmspace_fork leaves DontFork ranges out of the child and gives it
//    WipeOnFork ranges demand-zero.
//  - PopulateRead/PopulateWrite: every page faulted in for that access
//    (Error::Fault where the protection forbids it).
// va must be page aligned, len is rounded up to pages; len 0 does nothing.
// A hole in the range is Error::NoMem after the mapped parts got the advice
// (as Linux); an Inval from one entry comes before anything changed.
enum class Advice : u8 {
  Hint, DontNeed, Free, DontFork, DoFork, WipeOnFork, KeepOnFork,
  PopulateRead, PopulateWrite,
};
Result<void> vm_advise(VmSpace* vs, uptr va, size_t len, Advice advice);

// mincore: one byte per page of [va, va + npages pages) into out (1: the
// page is in memory, i.e. its slot holds a page; a file mapping's page that
// this mapping never touched reads 0 even when the file's cache holds it).
// Stops at the first unmapped page: returns how many pages it described,
// Error::NoMem when va itself is unmapped. va must be page aligned.
Result<size_t> vm_mincore(VmSpace* vs, uptr va, size_t npages, u8* out);

// mremap (core/vm/vm_remap.cpp), as Linux's mm/mremap.c. Lengths are page
// multiples (new_len > 0), addr page aligned: the shim checks flags and
// alignment. Shrinking unmaps the tail; growing extends in place when the
// range ends its mapping and the space after it is free, else (maymove)
// moves the mapping: its pages change address, none is copied (a private
// mapping's pages go to a new object when the old one is shared with
// other entries; COW sharing with a forked child stays as it was). fixed:
// the destination is new_addr, unmapped first. dontunmap (old_len ==
// new_len): the old range stays mapped, empty for private memory.
// old_len 0 on a shared mapping maps the same pages again. Errors as
// Linux: Fault (nothing mapped at addr, checked first; the range crosses
// the end of its mapping), Inval (overlapping fixed ranges, old_len 0 on
// private memory, destination outside the user half), NoMem (cannot grow in place and may not
// move, no room, no memory).
struct RemapFlags {
  bool maymove = false;
  bool fixed = false;
  bool dontunmap = false;
};
Result<uptr> vm_remap(VmSpace* vs, uptr addr, size_t old_len, size_t new_len,
                      RemapFlags flags, uptr new_addr);

// The brk heap. exec sets its base (rounded up to a page; the break starts
// there). vm_brk moves the break: growing maps private read/write memory up
// to the new break's page, shrinking unmaps the pages above it. It returns
// the new break, or the current one when the break cannot move there
// (below the base, the range is taken, no memory) — Linux's brk semantics;
// vm_brk(vs, 0) just reports the break.
void vm_set_brk_base(VmSpace* vs, uptr base);
uptr vm_brk(VmSpace* vs, uptr new_brk);

// For exec: maps [align_down(va), align_up(va+memsz)) private with prot
// (fixed, replacing what is there) whose bytes at va are src[0 .. filesz)
// and zero elsewhere (ELF segments, the initial stack). Pages wholly past
// filesz are left to demand zero. va need not be aligned. Errors: Inval
// (filesz > memsz, memsz 0, bad prot, range outside [kVmMinAddr,
// kUserVaTop)), NoMem (nothing of the region stays mapped).
Result<void> vm_map_copy(VmSpace* vs, uptr va, size_t memsz, const void* src,
                         size_t filesz, Prot prot);

// Maps pages of a file (mmap of a file; the object is the file's page
// cache, core/vm/vm_object.h): like vm_map_anon, onto the object's pages
// from page object_pg on. Shared: the object's pages themselves, so
// writes reach the file and every mapping and read(2) see them. Private:
// copy-on-write over the object's pages: reads see the file's page until
// this space writes to it, and the write copies it into the space's own
// memory (later file writes are not seen there). A page at or past the
// object's end cannot be faulted in (vm_fault: Error::Range, a SIGBUS).
// max_prot is the most mprotect may give (no Write for a shared mapping of
// a file opened read-only: Error::Access then, as Linux's EACCES); prot
// must lie inside it (Error::Inval). Other errors as vm_map_anon.
Result<uptr> vm_map_object(VmSpace* vs, uptr va, size_t len, Prot prot,
                           MapShare share, bool fixed, VmObject object,
                           u64 object_pg, Prot max_prot);

// For exec: an ELF PT_LOAD segment, from the file instead of a copy (as
// Linux's elf_map). The pages holding file bytes [offset, offset+filesz)
// at va are mapped private from the object (the bytes before va in the
// first page come along); when memsz > filesz, the page where the file
// part ends gets this space's own copy, zeroed past va+filesz; the rest up
// to va+memsz is demand-zero. (va - offset) must be a multiple of the page
// size. Errors: Inval (as vm_map_copy), NoMem, and the object's errors for
// that one page (Range: the file is shorter than the headers say). Part of
// the segment may stay mapped after an error (exec then drops the space).
Result<void> vm_map_segment(VmSpace* vs, uptr va, size_t memsz, VmObject object,
                            u64 offset, size_t filesz, Prot prot);

// For exec's vDSO (core/proc/vdso.cpp): maps slots first .. first+n-1 of
// `src` at va (fixed, replacing what is there), shared with every other
// space that maps them (fork just holds the object, as for MAP_SHARED), with
// prot as the most mprotect may ever give there: no space can make the
// pages writable (mprotect: Error::Access, as Linux's EACCES on a mapping
// without VM_MAYWRITE). Every slot in the window must hold a page. Errors:
// Inval (bad va or prot, range outside [kVmMinAddr, kUserVaTop)), NoMem
// (nothing changed).
Result<void> vm_map_pages(VmSpace* vs, uptr va, VmAnon* src, size_t first,
                          size_t n, Prot prot);

// The address of the vDSO image exec mapped in vs (0: none). Set by exec
// before the space runs; fork's copy inherits it; read without the lock
// (it does not change while the space is in use).
void vm_set_vdso_base(VmSpace* vs, uptr base);
uptr vm_vdso_base(const VmSpace* vs);

// Resolves a page fault at va (any address in the page) for `access`:
// demand-zero on first touch, copy-on-write on a write to a private page
// another space still references (a copy; or, when this space holds the
// last reference, the page itself made writable), and a re-entered
// translation when the pmap merely lacked one (a spurious fault after
// another hart changed the table). Errors: Fault (no entry at va, or the
// entry does not permit `access`: the caller sends SIGSEGV), NoMem.
Result<void> vm_fault(VmSpace* vs, uptr va, Access access);

// For a futex's key (core/proc/futex.h): the physical address of user
// byte va when it lies in a shared mapping (MAP_SHARED memory or file: the
// frame is the same in every space that maps it, across fork), or 0 when
// the mapping is private (its futexes are keyed by space and address, as
// Linux keys a futex in private memory even without FUTEX_PRIVATE_FLAG).
// The page is faulted in for reading first, as Linux's get_futex_key pins
// it. Errors: Fault (nothing mapped at va, or not readable; private
// anonymous memory that is not writable; a file page past the file's
// end), NoMem.
Result<paddr_t> vm_shared_frame(VmSpace* vs, uptr va);

// shmdt's unmapping (core/vm/vm_detach.cpp, as Linux's ksys_shmdt): finds
// the first entry at or above addr that maps an object with pager `ops`
// as if addr were the object's page 0, then unmaps it and every other such
// fragment of the same object that ends within pages_of(object) pages of
// addr. Returns the object (borrowed: the entries' references are gone).
// Errors: Inval (addr unaligned, no such entry).
Result<void*> vm_detach_object(VmSpace* vs, uptr addr, const VmPagerOps* ops,
                               size_t (*pages_of)(void* obj));
// Whether nothing is mapped in [va, va+len) (false also for a range
// outside the user half).
bool vm_range_free(VmSpace* vs, uptr va, size_t len);

// Pages the space's entries hold (filled slots in their windows).
u64 vm_resident_pages(VmSpace* vs);

// Loads vs's pmap on the calling hart; nullptr loads the kernel map alone.
// For the context switch (the next thread's process's space) and for exit
// (nullptr before the last vmspace_release). The caller stays on this hart.
void vmspace_activate(VmSpace* vs);

// The pmap under vs (for the HAL's and tests' inspection; the VmSpace lock
// serialises changes to it).
hal::Pmap* vmspace_pmap(VmSpace* vs);

// The current process's address space (curproc()->p_vmspace), or nullptr
// on a kernel thread (core/proc/proc.cpp); the host tests make it answer by
// giving their thread a process.
VmSpace* curvm();

// For the HAL's user trap path: a page fault at user address addr taken by
// l in user mode, resolved in l's process's address space. Returns 0 when
// it is resolved, else the signal to send the process (SIGSEGV: a kernel
// thread, no mapping there, no permission, or no memory for the page;
// SIGBUS: a file mapping's page past the end of its file, or a hole its
// file system has no room to fill).
int vm_user_fault(Lwp* l, uptr addr, Access access);
// For the fault's si_code: whether addr lies in a mapping of l's address
// space (SEGV_ACCERR: mapped, but not for that access) or not
// (SEGV_MAPERR).
bool vm_user_mapped(Lwp* l, uptr addr);

// For the HAL's kernel trap path (and the host user_copy): a page fault at
// user address va inside user_copy_in/out. Tries vm_fault on curvm()
// without sleeping (it runs in the trap, with the copy's preemption off):
// if the space lock is contended it gives up, the copy fails, and copyin
// retries vm_fault from thread context. True when the fault is resolved.
bool vm_fault_from_kernel(uptr va, bool write);

}  // namespace tine
