// tmpfs: a file system in memory (NetBSD's tmpfs, much reduced):
// directories, regular files whose pages sit in one per-vnode page array
// (the page cache that read, write, mmap and exec share: VnodeOps::getpage), symlinks, hard
// links and FIFOs. The namespace root is a tmpfs seeded from the initrd at
// boot (core/vfs/initrd_seed.h); mount(2) makes more.
#pragma once

#include "core/vfs/mount.h"

namespace tine {

extern const FsType kTmpfsType;

inline constexpr u64 kTmpfsMagic = 0x01021994;  // statfs f_type (Linux's TMPFS_MAGIC)

}  // namespace tine
