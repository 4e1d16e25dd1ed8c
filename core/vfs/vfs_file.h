// Open files on vnodes: vfs_open turns a vnode into a File, through the
// file system's own open (devices, FIFOs) or the generic vnode File here,
// whose reads and writes go to the vnode's ops at the File's offset
// (regular files), which fails reads of a directory with IsDir and serves
// getdents64 through readdir.
#pragma once

#include "core/fs/file.h"
#include "core/vfs/vnode.h"

namespace tine {

// A File for vp with open(2) flags (access mode and status flags; the
// flags that act only at open are dropped, O_LARGEFILE is forced on as a
// 64-bit Linux does). File::vnode holds a new reference to vp. NoMem.
Result<File*> vfs_open(Vnode* vp, int flags);

// The generic vnode File (for a file system's open op that serves some
// node types itself and leaves the rest to the VFS). vfs_open sets its
// vnode.
Result<File*> vfs_generic_file(int flags);

// The File's vnode if it is a directory, else null (openat's dirfd).
Vnode* file_dir_vnode(File* f);

// The attributes fstat reports: the vnode's, or, for a File without one,
// what its backend's stat says.
void file_getattr(File& f, VAttr& va);

// Reads/writes at a given offset, leaving the File's offset alone
// (pread64/pwrite64): SPipe for a File without an offset, BadF when not
// open for it.
Result<size_t> file_pread(File& f, uptr user_buf, size_t n, u64 off);
Result<size_t> file_pwrite(File& f, uptr user_buf, size_t n, u64 off);

// For file_release: drops the File's vnode reference and its mark on the
// mount.
void vfs_file_vnode_release(Vnode* vp);

}  // namespace tine
