// eventfd: a 64-bit counter behind a descriptor (Linux's fs/eventfd.c).
//
// read takes 8 bytes: the whole counter and resets it to 0, or with
// kEfdSemaphore 1 and decrements it; it waits while the counter is 0
// (O_NONBLOCK: Error::Again). write adds an 8-byte value, waiting while
// the sum would reach 2^64 - 1 (O_NONBLOCK: Again); the value 2^64 - 1
// itself is Inval. Fewer than 8 bytes either way is Inval (0 included);
// a read that cannot copy the value out has still taken it (Fault), as
// Linux. poll: POLLIN while the counter is non-zero, POLLOUT while one
// more can be added, POLLERR at 2^64 - 1 (never reached through write).
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

inline constexpr int kEfdSemaphore = 1;
inline constexpr int kEfdNonBlock = kONonBlock;
inline constexpr int kEfdCloExec = kOCloExec;

// eventfd2(initval, flags): a File (O_RDWR, plus O_NONBLOCK from flags)
// with one reference. Flags other than the three are Inval; NoMem.
Result<File*> eventfd_create(u32 initval, int flags);

}  // namespace tine
