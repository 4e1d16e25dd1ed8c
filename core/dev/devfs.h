// devfs, mounted on /dev at boot: the character devices Linux programs
// open by name (null, zero, full, random, urandom, console, tty) and the
// links into /proc that shells use (fd, stdin, stdout, stderr). The set is
// fixed: no node is made or removed (RoFs), as a /dev without udev.
//
// Opening a node opens its device (core/dev/dev_mem.h, dev_random.h); the
// console and /dev/tty open the console tty (core/tty/tty.h's
// tty_open_console where the tty layer is built, else the console File of
// core/fs/file_console.h).
#pragma once

#include "core/vfs/mount.h"

namespace tine {

extern const FsType kDevfsType;

// The name under /dev of the character device `rdev` (dev_encode'd), or
// nullptr: what /proc/<pid>/fd/N shows of an open device ("/dev/null").
const char* devfs_name_of(u64 rdev);

}  // namespace tine
