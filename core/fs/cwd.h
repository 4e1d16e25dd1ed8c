// The current directory, shared under FORK_SHARECWD (CLONE_FS) or copied
// (NetBSD's cwdinfo: cwdshare / cwdinit). Tine's only file system is the
// initrd, so the directory is a path.
#pragma once

#include "core/lib/refcount.h"
#include "core/lib/result.h"

namespace tine {

struct CwdInfo {
  RefCount refs;
  char path[128] = "/";
};

Result<CwdInfo*> cwd_create();
CwdInfo* cwdshare(CwdInfo* c);             // a reference to the same one
Result<CwdInfo*> cwdinit(const CwdInfo* c);  // a private copy
void cwd_release(CwdInfo* c);

}  // namespace tine
