// The current directory and the file-creation mask, shared under
// FORK_SHARECWD (CLONE_FS) or copied (NetBSD's cwdinfo, which keeps
// cwdi_cdir and cwdi_cmask together: cwdshare / cwdinit).
//
// The directory is a vnode reference; null means the namespace root (so
// proc0 can have a cwd before the root is mounted, and host tests that
// never touch paths need no file system).
#pragma once

#include "core/lib/refcount.h"
#include "core/lib/result.h"
#include "core/sync/mutex.h"

namespace tine {

struct Vnode;

struct CwdInfo {
  RefCount refs;
  // Guards the fields below; nothing nests inside it (the old directory is
  // released after it is dropped).
  Mutex lock{"cwd"};
  Vnode* dir GUARDED_BY(lock) = nullptr;  // held; null: the root
  u32 cmask GUARDED_BY(lock) = 022;       // umask
};

Result<CwdInfo*> cwd_create();
CwdInfo* cwdshare(CwdInfo* c);             // a reference to the same one
Result<CwdInfo*> cwdinit(CwdInfo* c);      // a private copy
void cwd_release(CwdInfo* c);

// The directory, held (the root when unset). c may be null: the root.
Vnode* cwd_get(CwdInfo* c);
// Makes dir (held by the caller; a new reference is taken) the directory.
void cwd_set(CwdInfo* c, Vnode* dir);
// umask(2): sets the mask to mask & 0777, returns the old one.
u32 cwd_umask(CwdInfo* c, u32 mask);
u32 cwd_cmask(CwdInfo* c);

}  // namespace tine
