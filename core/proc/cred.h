// Credentials and the authorization check (in the spirit of NetBSD's kauth:
// policy in one place, callers ask by action).
#pragma once

#include "core/lib/refcount.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Uid {
  u32 value;
  friend bool operator==(Uid a, Uid b) { return a.value == b.value; }
};
inline constexpr Uid kRootUid{0};

// Supplementary groups a credential may hold. Linux's NGROUPS_MAX is
// 65536; Tine keeps them inside the Cred, so setgroups above this many is
// EINVAL (as Linux's above NGROUPS_MAX).
inline constexpr u32 kNgroupsMax = 64;

// Linux's capability numbers 0 .. kCapLastNumber (CAP_CHECKPOINT_RESTORE).
inline constexpr u32 kCapLastNumber = 40;
inline constexpr u64 kCapFullSet = (u64(1) << (kCapLastNumber + 1)) - 1;

// The real, effective and saved ids (Linux's; its fsuid/fsgid follow the
// effective ones here) and the supplementary groups.
//
// A Cred shared by several processes (fork) is never changed; its own
// process changes an unshared one in place (cred_copy_for_write), so a
// Cred another LWP of the process reads stays alive (those reads may see a
// half-done setgroups: Linux's RCU replacement has no such window).
struct Cred {
  RefCount refs;
  Uid uid{0}, euid{0}, suid{0};
  u32 gid = 0, egid = 0, sgid = 0;
  // groups[0 .. ngroups-1], ascending (Linux sorts them: getgroups gives
  // them back in that order), duplicates kept.
  u32 ngroups = 0;
  u32 groups[kNgroupsMax] = {};
  // Capabilities (capget/capset). Privilege checks (kauth_authorize, the
  // VFS) go by euid 0, not by these bits; the sets follow the ids as
  // Linux's do: permitted is full while one of the uids is 0, effective
  // while euid is 0 (cred_caps). capset may only drop bits: cap_perm_keep
  // and cap_eff_keep are the bits left; cap_inh the inheritable set.
  u64 cap_perm_keep = kCapFullSet;
  u64 cap_eff_keep = kCapFullSet;
  u64 cap_inh = 0;
};

struct CapSets {
  u64 effective, permitted, inheritable;
};
// c's capability sets as capget reports them.
CapSets cred_caps(const Cred* c);

// Whether gid is c's effective group or one of its supplementary groups
// (Linux's in_group_p; fsgid follows egid).
bool cred_in_group(const Cred* c, u32 gid);

Result<Cred*> cred_create_root();
void cred_hold(Cred* c);
void cred_release(Cred* c);
// A private copy to change (setuid): the caller's reference moves to it.
Result<Cred*> cred_copy_for_write(Cred* c);

enum class KauthAction : u8 {
  ProcessFork,           // may create a process at all (maxproc check)
  ProcessRlimitBypass,   // may exceed RLIMIT_NPROC
  ProcessSetuid,         // may change uid
  ProcessSignal,         // may signal another process
  ProcessPtrace,         // may trace another process (PTRACE_ATTACH/SEIZE)
};

// True when `cred` may do `action`. Root may do everything; others may
// fork (within limits), and signal processes of their own uid.
bool kauth_authorize(const Cred* cred, KauthAction action,
                     const Cred* target = nullptr);

}  // namespace tine
