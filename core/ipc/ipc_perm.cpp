// System V IPC permissions (ipc_perm.h), as Linux's ipc/util.c.
#include "core/ipc/ipc_perm.h"

#include "core/proc/cred.h"

namespace tine {

void ipc_perm_init(IpcPerm& p, const Cred* c, i32 key, u32 mode) {
  p.key = key;
  p.uid = p.cuid = c->euid.value;
  p.gid = p.cgid = c->egid;
  p.mode = mode & kIpcModeMask;
}

bool ipc_perm_allows(const IpcPerm& p, const Cred* c, u32 flag) {
  const u32 requested = (flag >> 6) | (flag >> 3) | flag;
  u32 granted = p.mode;
  if (c->euid.value == p.cuid || c->euid.value == p.uid)
    granted >>= 6;
  else if (cred_in_group(c, p.cgid) || cred_in_group(c, p.gid))
    granted >>= 3;
  return !(requested & ~granted & 07) || c->euid.value == 0;
}

bool ipc_perm_owner(const IpcPerm& p, const Cred* c) {
  return c->euid.value == p.cuid || c->euid.value == p.uid || c->euid.value == 0;
}

}  // namespace tine
