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
  cred_release(c);
  return n;
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
