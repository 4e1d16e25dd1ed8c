// The vDSO in every process (hal/vdso.h has what it is): exec maps the
// machine's image with its data page into each new address space and names
// it in the auxv as AT_SYSINFO_EHDR; fork's copy of the space keeps it, as
// on Linux. One set of physical pages serves every process, mapped shared
// (fork only holds them) and never writable: mprotect refuses to add write
// (EACCES). Linux lets a process make its vDSO text writable copy-on-write
// (for a debugger's breakpoint); Tine does not, which keeps fork and exec
// from copying per-process page tables of slots for it.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Proc;
class VmSpace;

// Where exec puts it: the data page at kVdsoDataAddr (the top of the mmap
// area, core/vm/vm.h), the image one page above, both below the stack.
inline constexpr uptr kVdsoDataAddr = 0x3f00000000;

// Once at boot, before the first exec: copies the HAL's image into pages
// behind a data page the HAL fills, and finds the trampoline. Error::NoMem.
// An image without the symbols is a build bug: panic.
Result<void> vdso_init();

// For the host tests: gives the pages back. No space may map them still.
void vdso_fini();

// For exec: maps the vDSO into vs (a new space, not yet running) and
// records it there. Returns the image's user address, for AT_SYSINFO_EHDR;
// 0 when the machine has no vDSO. Error::NoMem.
Result<uptr> vdso_map(VmSpace* vs);

// The user address of the rt_sigreturn trampoline (__vdso_rt_sigreturn) in
// p's address space, where a signal handler returns to (it goes in ra).
// 0 when p has no vDSO (a kernel thread).
uptr vdso_sigreturn_pc(const Proc* p);

// The offset in the image of the dynamic symbol `name` (any version), or
// 0 when the image has none by that name. For the tests and for vdso_init.
uptr vdso_symbol_offset(const char* name);

}  // namespace tine
