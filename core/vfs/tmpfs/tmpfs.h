// tmpfs: a file system in memory (NetBSD's tmpfs, much reduced):
// directories, regular files whose pages sit in one per-vnode page array
// (the page cache that read, write and, later, mmap share), symlinks, hard
// links and FIFOs. The namespace root is a tmpfs seeded from the initrd at
// boot (core/vfs/initrd_seed.h); mount(2) makes more.
#pragma once

#include "core/vfs/mount.h"

namespace tine {

extern const FsType kTmpfsType;

inline constexpr u64 kTmpfsMagic = 0x01021994;  // statfs f_type (Linux's TMPFS_MAGIC)

// The page a regular tmpfs file holds at page index `idx`, referenced once
// more for the caller (page allocator refcount), or 0 for a hole or a
// page past the end. For the page cache's users (mmap, exec) later.
paddr_t tmpfs_get_page(Vnode& vp, u64 idx);

}  // namespace tine
