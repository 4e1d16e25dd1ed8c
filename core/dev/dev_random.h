// /dev/random and /dev/urandom: both read the kernel's one ChaCha20 pool
// (core/lib/random.h), which is seeded before the first process runs, so
// neither ever blocks, as Linux 5.6+ where both are the same once the pool
// is initialised. Each open makes a new stateless File with `flags` and one
// reference; Error::NoMem.
//
// read: n random bytes, drawn a page at a time; a pending signal stops a
// long read after a whole page (the count so far, or Error::Intr), a fault
// returns the bytes before it or Error::Fault, as getrandom(2).
// write: the bytes are mixed into the pool (credited nothing, as Linux);
// a fault returns what was mixed in before it, or Error::Fault.
// Seekable (the offset means nothing); fstat says S_IFCHR, mode 0666, 1:8
// or 1:9. poll: always ready.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

Result<File*> dev_random_open(int flags);
Result<File*> dev_urandom_open(int flags);

}  // namespace tine
