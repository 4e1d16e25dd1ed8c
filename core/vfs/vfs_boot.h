// The namespace at boot: a tmpfs root filled from the initrd archives (the
// built-in one, then the loader's, which may override it), as Linux
// unpacks its initramfs, plus the directories the kernel mounts on or
// programs expect (/dev, /proc, /tmp) when the archives have none.
#pragma once

#include "core/lib/types.h"

namespace tine {

// Panics if the root cannot be made; a malformed archive is reported and
// what came before the damage stays.
void vfs_boot(const void* builtin, size_t builtin_size, const void* loader, size_t loader_size);

// mkdir of an absolute path at boot; an existing directory is fine.
void vfs_boot_mkdir(const char* path, u32 mode);

}  // namespace tine
