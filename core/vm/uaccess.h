// Copying between the kernel and the current process's user memory. Every
// user pointer from a syscall goes through these: a bad pointer (unmapped,
// kernel half, no permission) gives Error::Fault, never a panic. A page not
// yet present (demand zero, copy-on-write) is faulted in on the way.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

Result<void> copyin(void* kdst, uptr usrc, size_t n);
Result<void> copyout(uptr udst, const void* ksrc, size_t n);
// Copies a NUL-terminated string of at most `max` bytes including the NUL;
// returns its length. Error::NameTooLong if no NUL within max.
Result<size_t> copyinstr(char* kdst, uptr usrc, size_t max);

}  // namespace tine
