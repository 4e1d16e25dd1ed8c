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

// The real, effective and saved ids (Linux's; its fsuid/fsgid follow the
// effective ones here).
struct Cred {
  RefCount refs;
  Uid uid{0}, euid{0}, suid{0};
  u32 gid = 0, egid = 0, sgid = 0;
};

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
