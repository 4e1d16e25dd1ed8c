// The calling LWP's PathCtx for the path syscalls' shims: its own cwd (curcwdi) and
// effective credentials (and its real ones, for faccessat).
#pragma once

#include "core/proc/cred.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vfs/vfs_at.h"

namespace tine {

inline PathCtx path_ctx() {
  Proc* p = curproc();
  const Cred* c = proc_own_cred(p);
  return PathCtx{curcwdi(), NameiCred{c->euid.value, c->egid, c->groups, c->ngroups}};
}

// The calling process's real ids (faccessat without AT_EACCESS).
inline NameiCred real_ids() {
  const Cred* c = proc_own_cred(curproc());
  return NameiCred{c->uid.value, c->gid, c->groups, c->ngroups};
}

}  // namespace tine
