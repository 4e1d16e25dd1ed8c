// Fills the namespace from a cpio "newc" archive at boot, as Linux unpacks
// its initramfs into the root tmpfs: directories, regular files, symlinks,
// FIFOs and hard links (entries sharing an ino with nlink > 1; cpio puts
// the data on the last of them), with the archive's modes, owners and
// mtimes. Parents missing from the archive are made (0755). A later
// archive overrides an earlier one: a name that exists already is
// replaced, except that a directory stays (its mode is updated).
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// Seeds from [base, base+size) into the namespace root. Device nodes and
// sockets are skipped (devfs provides /dev). Errors: Inval (a malformed
// archive; entries before it are in), NoMem/NoSpc.
Result<void> vfs_seed_cpio(const void* base, size_t size);

}  // namespace tine
