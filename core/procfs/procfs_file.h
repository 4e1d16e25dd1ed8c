// The open File of a /proc text file: the text rendered at open, read with
// the File's offset as a regular file is (lseek works; nothing is written).
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

// A File over text[0..len), which it takes over (kmalloc'd; freed with the
// File, or here on failure). fstat says S_IFREG, 0444, size 0, `ino`, as
// Linux's /proc files. Error::Access for a write access mode, NoMem.
Result<File*> procfs_text_file(char* text, size_t len, u64 ino, u64 dev, int flags);

// The same for a file that may be written (a sysctl with a store, whose
// vnode's mode lets only root open it for writing): a write at offset 0
// hands its bytes (at most kProcStoreMax, else EINVAL) to `store`, as
// Linux's numeric sysctls take a value whole from one write; a write
// further on is taken and ignored (sysctl_writes_strict).
inline constexpr size_t kProcStoreMax = 64;
using ProcStoreFn = Result<void> (*)(const char* text, size_t len);
Result<File*> procfs_store_file(char* text, size_t len, u64 ino, u64 dev, int flags,
                                ProcStoreFn store);

}  // namespace tine
