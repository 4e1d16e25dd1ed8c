// Copying between the kernel and the current process's user memory. Every
// user pointer from a syscall goes through these: a bad pointer (unmapped,
// kernel half, no permission) gives Error::Fault, never a panic. A page not
// yet present (demand zero, copy-on-write) is faulted in on the way.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"
#include "hal/uaccess.h"

namespace tine {

Result<void> copyin(void* kdst, uptr usrc, size_t n);
Result<void> copyout(uptr udst, const void* ksrc, size_t n);
// Copies a NUL-terminated string of at most `max` bytes including the NUL;
// returns its length. Error::NameTooLong if no NUL within max.
Result<size_t> copyinstr(char* kdst, uptr usrc, size_t max);

// For a caller holding a spin lock (a futex bucket): copyin that never
// sleeps. False when the range is bad or a page is not there and could
// not be faulted in without sleeping (the space lock was busy); the caller
// then drops its lock, faults the page in with copyin and tries again (as
// Linux's futex_get_value_locked with page faults disabled).
bool copyin_nosleep(void* kdst, uptr usrc, size_t n);

// Atomic read-modify-write of the 4-aligned user word at uaddr (futex
// WAKE_OP, robust lists): returns the old value. A page not there is
// faulted in for writing (a copy-on-write page is copied). Errors: Fault
// (bad or misaligned pointer, or no write access), NoMem.
using hal::UserAmo;
Result<u32> user_amo32(uptr uaddr, UserAmo op, u32 arg);
// Stores desired at uaddr if the word equals expected; returns the value
// found (== expected: stored). Errors as user_amo32.
Result<u32> user_cmpxchg32(uptr uaddr, u32 expected, u32 desired);

}  // namespace tine
