// Linux's user and group ids (kernel/sys.c): setuid/setgid and
// setresuid/setresgid with their getters. A process has real, effective
// and saved ids (core/proc/cred.h); root (euid 0) stands in for
// CAP_SETUID/CAP_SETGID. Changing any id marks the process PK_SUGID.
#include "core/compat/linux/linux.h"

#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

constexpr u32 kKeep = ~u32(0);  // -1: leave that id alone

// The three ids to set, kKeep for "unchanged".
struct Ids {
  u32 r, e, s;
};

// Linux's unprivileged rule: each new id must be one of the current real,
// effective and saved ones.
bool may_take(const Ids& want, u32 r, u32 e, u32 s) {
  const u32 ids[3] = {want.r, want.e, want.s};
  for (u32 id : ids)
    if (id != kKeep && id != r && id != e && id != s) return false;
  return true;
}

// __sys_setresuid. The process counts against its real uid: a new one
// is counted first (chgproccnt), which fails with EAGAIN when that uid's
// table is full, and then nothing has changed.
i64 set_uids(Proc* p, Ids want) {
  MutexGuard g(p->p_lock());
  const Cred* old = p->p_cred;
  if (!kauth_authorize(old, KauthAction::ProcessSetuid) &&
      !may_take(want, old->uid.value, old->euid.value, old->suid.value))
    return errno_of(Error::Perm);
  const Uid old_uid = old->uid;
  const Uid uid = want.r == kKeep ? old_uid : Uid{want.r};
  const bool moves = !(old_uid == uid);
  if (moves) {
    Result<i64> n = chgproccnt_inc(uid);
    if (!n.ok()) return errno_of(n.error());
  }
  Result<Cred*> c = cred_copy_for_write(p->p_cred);
  if (!c.ok()) {
    if (moves) (void)chgproccnt(uid, -1);
    return errno_of(c.error());
  }
  if (moves) (void)chgproccnt(old_uid, -1);
  Cred* n = c.value();
  n->uid = uid;
  if (want.e != kKeep) n->euid = Uid{want.e};
  if (want.s != kKeep) n->suid = Uid{want.s};
  p->p_cred = n;
  p->p_flag |= PK_SUGID;
  return 0;
}

// __sys_setresgid: the same rule, no counts.
i64 set_gids(Proc* p, Ids want) {
  MutexGuard g(p->p_lock());
  const Cred* old = p->p_cred;
  if (!kauth_authorize(old, KauthAction::ProcessSetuid) &&
      !may_take(want, old->gid, old->egid, old->sgid))
    return errno_of(Error::Perm);
  Result<Cred*> c = cred_copy_for_write(p->p_cred);
  if (!c.ok()) return errno_of(c.error());
  Cred* n = c.value();
  if (want.r != kKeep) n->gid = want.r;
  if (want.e != kKeep) n->egid = want.e;
  if (want.s != kKeep) n->sgid = want.s;
  p->p_cred = n;
  p->p_flag |= PK_SUGID;
  return 0;
}

i64 copyout_ids(const SyscallArgs& a, const u32 (&ids)[3]) {
  for (int i = 0; i < 3; i++) {
    Result<void> c = copyout(a.a[i], &ids[i], sizeof ids[i]);
    if (!c.ok()) return errno_of(c.error());
  }
  return 0;
}

bool privileged(Proc* p) {
  MutexGuard g(p->p_lock());
  return kauth_authorize(p->p_cred, KauthAction::ProcessSetuid);
}

}  // namespace

// setuid(2): with privilege all three ids; without, the effective one, if
// it is the real or saved one (setresuid's rule, which also takes the
// current effective one: a no-op).
i64 linux_sys_setuid(const SyscallArgs& a) {
  Proc* p = curproc();
  const u32 uid = u32(a.a[0]);
  if (uid == kKeep) return errno_of(Error::Inval);
  return set_uids(p, privileged(p) ? Ids{uid, uid, uid} : Ids{kKeep, uid, kKeep});
}

i64 linux_sys_setgid(const SyscallArgs& a) {
  Proc* p = curproc();
  const u32 gid = u32(a.a[0]);
  if (gid == kKeep) return errno_of(Error::Inval);
  return set_gids(p, privileged(p) ? Ids{gid, gid, gid} : Ids{kKeep, gid, kKeep});
}

i64 linux_sys_setresuid(const SyscallArgs& a) {
  return set_uids(curproc(), Ids{u32(a.a[0]), u32(a.a[1]), u32(a.a[2])});
}

i64 linux_sys_setresgid(const SyscallArgs& a) {
  return set_gids(curproc(), Ids{u32(a.a[0]), u32(a.a[1]), u32(a.a[2])});
}

i64 linux_sys_getresuid(const SyscallArgs& a) {
  const Cred* c = proc_own_cred(curproc());
  return copyout_ids(a, {c->uid.value, c->euid.value, c->suid.value});
}

i64 linux_sys_getresgid(const SyscallArgs& a) {
  const Cred* c = proc_own_cred(curproc());
  return copyout_ids(a, {c->gid, c->egid, c->sgid});
}

}  // namespace tine
