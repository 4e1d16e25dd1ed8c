// The memory-like character devices of Linux's drivers/char/mem.c, as
// Files: /dev/null, /dev/zero and /dev/full. Each open makes a new File
// with `flags` (access mode and status flags) and one reference;
// Error::NoMem. The File has no state: every reader and writer sees the
// same device.
//
//   null  read: end of file at once (0). write: swallowed, n is returned
//         and the buffer is not read (as Linux: a bad pointer is no error).
//   zero  read: n zero bytes. write: as null.
//   full  read: as zero. write: Error::NoSpc, always.
//
// A long read of zeros stops after a whole page when a signal is pending
// (returning what was written, or Error::Intr if nothing was), and a fault
// returns the bytes before it or Error::Fault, as Linux's read_iter_zero.
// All are seekable (an offset is kept and means nothing); fstat says
// S_IFCHR, mode 0666, and Linux's device number (core/dev/devnum.h).
// poll: always ready.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

Result<File*> dev_null_open(int flags);
Result<File*> dev_zero_open(int flags);
Result<File*> dev_full_open(int flags);

}  // namespace tine
