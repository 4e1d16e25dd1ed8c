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

}  // namespace tine
