// The initrd file system: read-only regular files and directories served
// straight from cpio archives in memory.
//
// Two archives at most: the one linked into the kernel image
// (initrd_set_archive) and the loader's, from the FDT's /chosen
// linux,initrd-start/end (initrd_add_archive). A path is looked up in the
// loader's first, so it can override or add programs without a rebuild.
// A directory exists if the archive has an entry for it, or if some entry
// lies beneath it (archives made by `find | cpio` may leave out parents);
// the root always exists. Symlinks and device nodes are not supported:
// opening one is Error::Access.
#pragma once

#include "core/fs/cpio.h"
#include "core/fs/file.h"
#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/vfs/vnode.h"  // kPathMax, kNameMax

namespace tine {


// Contract: called at boot, before any lookup, and never concurrently with
// one (the host tests swap archives between tests). A null base or size 0
// removes that archive. The memory must stay mapped for good.
void initrd_set_archive(const void* base, size_t size);
void initrd_add_archive(const void* base, size_t size);

// Looks a path up, resolving "." and ".." and relative paths against `base`
// (an absolute directory path, or nullptr for "/"). Errors as open(2):
// NoEnt, NotDir (a component that is a file, or a trailing "/" after one),
// NameTooLong, Access (a symlink or device). For a directory without an
// entry of its own, the result has mode kCpioDir, name "" and no data.
// For exec: `initrd_lookup(nullptr, "/bin/sh")`.
Result<CpioFile> initrd_lookup(const char* base, const char* path);

// openat(2) on the initrd, with Linux's answers for a read-only file system:
// write access or O_TRUNC on a file is Error::RoFs, on a directory
// Error::IsDir; O_CREAT of a missing name Error::RoFs (NoEnt if its
// directory is missing too), O_CREAT|O_EXCL of an existing one Error::Exist,
// O_CREAT alone of an existing file opens it; O_DIRECTORY of a file
// Error::NotDir. Reading a directory is Error::IsDir. One reference.
Result<File*> initrd_open(const char* base, const char* path, int flags);

// An open initrd File is seekable (lseek) and reports through fstat the
// archive's mode, the file's size, one link (two for a directory), and an
// inode number derived from its path, so it is the same for every open of
// one path and for initrd_stat_path below.

// stat(2) of a path, resolved as initrd_lookup does (errors alike), into st.
Result<void> initrd_stat_path(const char* base, const char* path, FileStat& st);

// The absolute path of an initrd directory File (for openat's dirfd), or
// nullptr if f is something else. Valid while f is held.
const char* initrd_dir_path(File* f);

}  // namespace tine
