#include "core/proc/cred.h"

#include "core/vm/heap.h"
#include "core/lib/new.h"

namespace tine {

Result<Cred*> cred_create_root() {
  void* m = kmalloc(sizeof(Cred));
  if (!m) return Error::NoMem;
  return new (m) Cred;
}

void cred_hold(Cred* c) { c->refs.hold(); }

void cred_release(Cred* c) {
  if (c->refs.release()) {
    c->~Cred();
    kfree(c);
  }
}

Result<Cred*> cred_copy_for_write(Cred* c) {
  if (c->refs.count() == 1) return c;
  void* m = kmalloc(sizeof(Cred));
  if (!m) return Error::NoMem;
  Cred* n = new (m) Cred;
  n->uid = c->uid;
  n->euid = c->euid;
  n->suid = c->suid;
  n->gid = c->gid;
  n->egid = c->egid;
  n->sgid = c->sgid;
  n->ngroups = c->ngroups;
  for (u32 i = 0; i < c->ngroups; ++i) n->groups[i] = c->groups[i];
  n->cap_perm_keep = c->cap_perm_keep;
  n->cap_eff_keep = c->cap_eff_keep;
  n->cap_inh = c->cap_inh;
  cred_release(c);
  return n;
}

CapSets cred_caps(const Cred* c) {
  const bool any_root = c->uid == kRootUid || c->euid == kRootUid || c->suid == kRootUid;
  const u64 permitted = any_root ? kCapFullSet & c->cap_perm_keep : 0;
  const u64 effective = c->euid == kRootUid ? permitted & c->cap_eff_keep : 0;
  return CapSets{effective, permitted, c->cap_inh};
}

bool cred_in_group(const Cred* c, u32 gid) {
  if (gid == c->egid) return true;
  for (u32 i = 0; i < c->ngroups; ++i)
    if (c->groups[i] == gid) return true;
  return false;
}

bool kauth_authorize(const Cred* cred, KauthAction action, const Cred* target) {
  const bool root = cred->euid == kRootUid;
  switch (action) {
    case KauthAction::ProcessFork:
      return true;  // the table-size check is maxproc's, not a privilege
    case KauthAction::ProcessRlimitBypass:
    case KauthAction::ProcessSetuid:
      return root;
    case KauthAction::ProcessSignal:
      return root || (target && (cred->uid == target->uid || cred->euid == target->uid));
    case KauthAction::ProcessPtrace:
      // Linux's ptrace_may_access without capabilities: the target runs
      // with the tracer's uid, really and effectively (not a setuid
      // program).
      return root || (target && cred->uid == target->uid && cred->uid == target->euid);
  }
  return false;
}

}  // namespace tine
