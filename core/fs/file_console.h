// The console as a file: what init's fds 0, 1 and 2 are.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

// A new File on the console with `flags` (access mode); one reference.
// Error::NoMem.
//
// write: the user bytes go to the console in chunks, under the console lock
// (so a chunk does not interleave with a kprintf line).
// read: like a tty in raw mode with echo: waits (polling hal::console_getc
// every 10 ms) until at least one byte is there, then returns what is
// waiting, up to n. '\r' reads as '\n'; typed bytes are echoed, and DEL or
// backspace echo as "\b \b" so a line can be edited on a terminal. With
// O_NONBLOCK (fcntl F_SETFL) a read with nothing typed is Error::Again.
// Not seekable (lseek: ESPIPE); fstat says S_IFCHR.
Result<File*> console_file_open(int flags);

// What fstat says of the console, whichever File backs it (this one or the
// tty's): Linux's /dev/console, character device 5:1 (st_rdev in the
// kernel's encoding, major << 8 | minor), mode 0620, size 0, a 1 KiB block.
void console_fill_stat(FileStat& st);

}  // namespace tine
