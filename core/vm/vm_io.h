// Reading and writing another process's memory (ptrace's PEEKDATA and
// POKEDATA; NetBSD's uvm_io, Linux's access_process_vm). Works on any
// space, loaded on this hart or not, through the kernel's direct map.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

class VmSpace;

// Copies n bytes between buf and [va, va+n) of vs. Pages not yet present
// are faulted in. As Linux's FOLL_FORCE, a tracer may read any mapped page
// and write a private one it may not write itself (a breakpoint in text);
// a write to a page shared copy-on-write copies it first, so only vs sees
// the change (never the space it was forked from or into). Errors: Fault
// (a page is not mapped, or a shared page is not writable), NoMem. Part of
// the range may have been copied by then.
// Not done: the instruction cache of the harts that run vs is not synced
// after a write (no fence.i anywhere in Tine yet; QEMU keeps it coherent).
Result<void> vm_io(VmSpace* vs, uptr va, void* buf, size_t n, bool write);

}  // namespace tine
