// Linux's user and group ids (kernel/sys.c, kernel/groups.c,
// kernel/capability.c): setuid/setgid and setresuid/setresgid with their
// getters, getgroups/setgroups, capget/capset. A process has real,
// effective and saved ids and supplementary groups (core/proc/cred.h);
// root (euid 0) stands in for CAP_SETUID/CAP_SETGID. Changing any id marks
// the process PK_SUGID.
#include "core/compat/linux/linux.h"

#include "core/proc/lwp_user.h"
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
  // Linux's cap_emulate_setxuid: an effective uid that becomes 0 again
  // gets the whole permitted set back as effective.
  if (want.e != kKeep && want.e == 0 && !(n->euid == kRootUid)) n->cap_eff_keep = kCapFullSet;
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

// Linux's capability ABI (linux/capability.h).
constexpr u32 kCapVersion1 = 0x19980330;  // one 32-bit set of each
constexpr u32 kCapVersion2 = 0x20071026;  // two (deprecated, as 3)
constexpr u32 kCapVersion3 = 0x20080522;
struct CapHeader {
  u32 version;
  i32 pid;
};
struct CapData {
  u32 effective, permitted, inheritable;
};

// cap_validate_magic: how many CapData the version carries; an unknown
// version gets the kernel's preferred one written back, and EINVAL.
i64 cap_version(uptr header, u32* sets) {
  u32 version;
  if (!copyin(&version, header, sizeof version).ok()) return errno_of(Error::Fault);
  switch (version) {
    case kCapVersion1: *sets = 1; return 0;
    case kCapVersion2:
    case kCapVersion3: *sets = 2; return 0;
    default:
      if (!copyout(header, &kCapVersion3, sizeof kCapVersion3).ok())
        return errno_of(Error::Fault);
      return errno_of(Error::Inval);
  }
}

// Whether id names p or one of its LWPs.
bool names_proc(Proc* p, i32 id) {
  if (id == p->p_pid.value) return true;
  MutexGuard g(p->p_lock());
  return lwp_find_locked(p, id) != nullptr;
}

// The process whose tid or pid is `id` (0: the caller), its capability
// sets read under its lock. false: ESRCH.
bool caps_of(i32 id, CapSets* out) {
  Proc* self = curproc();
  if (id == 0 || names_proc(self, id)) {
    *out = cred_caps(proc_own_cred(self));
    return true;
  }
  MutexGuard g(proc_lock);
  Proc* p = proc_find_locked(Pid{id});
  if (!p) {
    for (Proc* q : allproc) {
      MutexGuard ql(q->p_lock());
      if (lwp_find_locked(q, id)) {
        if (!q->p_cred) return false;
        *out = cred_caps(q->p_cred);
        return true;
      }
    }
    return false;
  }
  MutexGuard pl(p->p_lock());
  if (!p->p_cred) return false;
  *out = cred_caps(p->p_cred);
  return true;
}

}  // namespace

// getgroups(size, list): with size 0 only the count; a list too short is
// EINVAL (kernel/groups.c).
i64 linux_sys_getgroups(const SyscallArgs& a) {
  const i32 size = i32(a.a[0]);
  if (size < 0) return errno_of(Error::Inval);
  const Cred* c = proc_own_cred(curproc());
  const u32 n = c->ngroups;
  if (size == 0) return n;
  if (u32(size) < n) return errno_of(Error::Inval);
  u32 groups[kNgroupsMax];
  for (u32 i = 0; i < n; ++i) groups[i] = c->groups[i];
  if (n && !copyout(a.a[1], groups, n * sizeof(u32)).ok()) return errno_of(Error::Fault);
  return n;
}

// setgroups(size, list): EPERM without privilege (CAP_SETGID: root), then
// EINVAL past kNgroupsMax (Linux: NGROUPS_MAX), then EFAULT. The groups
// are kept sorted, as Linux's groups_sort. A fork child inherits them
// (the Cred is shared), exec keeps them.
i64 linux_sys_setgroups(const SyscallArgs& a) {
  Proc* p = curproc();
  if (!privileged(p)) return errno_of(Error::Perm);
  const u32 n = u32(a.a[0]);
  if (n > kNgroupsMax) return errno_of(Error::Inval);
  u32 groups[kNgroupsMax];
  if (n && !copyin(groups, a.a[1], n * sizeof(u32)).ok()) return errno_of(Error::Fault);
  for (u32 i = 1; i < n; ++i)  // insertion sort: n is small
    for (u32 j = i; j > 0 && groups[j - 1] > groups[j]; --j) {
      const u32 t = groups[j];
      groups[j] = groups[j - 1];
      groups[j - 1] = t;
    }
  MutexGuard g(p->p_lock());
  Result<Cred*> c = cred_copy_for_write(p->p_cred);
  if (!c.ok()) return errno_of(c.error());
  Cred* nc = c.value();
  for (u32 i = 0; i < n; ++i) nc->groups[i] = groups[i];
  nc->ngroups = n;
  p->p_cred = nc;
  return 0;
}

// capget(header, data): root has every capability, others none
// (cred_caps). A null data pointer only probes the version: 0 even for an
// unknown one, whose header then holds the preferred version (libcap's
// probe). EINVAL for a negative pid, ESRCH for an unknown one.
i64 linux_sys_capget(const SyscallArgs& a) {
  const uptr header = a.a[0], data = a.a[1];
  u32 sets = 0;
  const i64 r = cap_version(header, &sets);
  if (data == 0 || r != 0) return data == 0 && r == errno_of(Error::Inval) ? 0 : r;
  CapHeader h;
  if (!copyin(&h, header, sizeof h).ok()) return errno_of(Error::Fault);
  if (h.pid < 0) return errno_of(Error::Inval);
  CapSets cs;
  if (!caps_of(h.pid, &cs)) return errno_of(Error::Srch);
  const CapData d[2] = {
      {u32(cs.effective), u32(cs.permitted), u32(cs.inheritable)},
      {u32(cs.effective >> 32), u32(cs.permitted >> 32), u32(cs.inheritable >> 32)}};
  if (!copyout(data, d, sets * sizeof(CapData)).ok()) return errno_of(Error::Fault);
  return 0;
}

// capset(header, data): the caller's own sets only (another pid: EPERM).
// Sets can only shrink, as cap_capset checks: permitted within the old
// permitted, effective within the new permitted, inheritable within the
// old inheritable and permitted (root holds CAP_SETPCAP, so within the
// full bounding set). Version 1 carries 32 bits: the upper ones become 0.
i64 linux_sys_capset(const SyscallArgs& a) {
  const uptr header = a.a[0], data = a.a[1];
  u32 sets = 0;
  if (const i64 r = cap_version(header, &sets); r != 0) return r;
  CapHeader h;
  if (!copyin(&h, header, sizeof h).ok()) return errno_of(Error::Fault);
  Proc* p = curproc();
  if (h.pid != 0 && !names_proc(p, h.pid))
    return errno_of(Error::Perm);
  CapData d[2] = {};
  if (!copyin(d, data, sets * sizeof(CapData)).ok()) return errno_of(Error::Fault);
  auto join = [](u32 lo, u32 hi) { return (u64(lo) | u64(hi) << 32) & kCapFullSet; };
  const u64 eff = join(d[0].effective, d[1].effective);
  const u64 perm = join(d[0].permitted, d[1].permitted);
  const u64 inh = join(d[0].inheritable, d[1].inheritable);
  MutexGuard g(p->p_lock());
  const CapSets old = cred_caps(p->p_cred);
  const bool setpcap = old.effective & (u64(1) << 8);  // CAP_SETPCAP
  if (!setpcap && (inh & ~(old.inheritable | old.permitted))) return errno_of(Error::Perm);
  if ((perm & ~old.permitted) || (eff & ~perm)) return errno_of(Error::Perm);
  Result<Cred*> c = cred_copy_for_write(p->p_cred);
  if (!c.ok()) return errno_of(c.error());
  Cred* nc = c.value();
  nc->cap_perm_keep &= perm;
  nc->cap_eff_keep = eff;
  nc->cap_inh = inh;
  p->p_cred = nc;
  return 0;
}

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
