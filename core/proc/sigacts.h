// Signal actions, shared between processes under FORK_SHARESIGS
// (CLONE_SIGHAND) or copied at fork, as NetBSD's sigacts.
#pragma once

#include "core/lib/refcount.h"
#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/sync/mutex.h"
#include "core/sync/thread_safety.h"

namespace tine {

inline constexpr unsigned kNsig = 65;  // signals 1..64, as Linux's _NSIG
inline constexpr int kSigHup = 1, kSigInt = 2, kSigQuit = 3, kSigIll = 4,
                     kSigTrap = 5, kSigAbrt = 6, kSigBus = 7, kSigFpe = 8,
                     kSigKill = 9, kSigUsr1 = 10, kSigSegv = 11, kSigUsr2 = 12,
                     kSigPipe = 13, kSigAlrm = 14, kSigTerm = 15, kSigChld = 17,
                     kSigCont = 18, kSigStop = 19, kSigTstp = 20, kSigTtin = 21,
                     kSigTtou = 22;

// sa_flags, Linux's values (the actions keep what rt_sigaction was given).
inline constexpr u64 kSaNoCldStop = 0x00000001;
inline constexpr u64 kSaNoCldWait = 0x00000002;
inline constexpr u64 kSaSigInfo = 0x00000004;
inline constexpr u64 kSaOnStack = 0x08000000;
inline constexpr u64 kSaRestart = 0x10000000;
inline constexpr u64 kSaNoDefer = 0x40000000;
inline constexpr u64 kSaResetHand = 0x80000000;

// Signal n's bit in a mask or pending set.
constexpr u64 sigbit(int sig) { return u64(1) << (sig - 1); }
// What can never be blocked.
inline constexpr u64 kSigCantMask = sigbit(kSigKill) | sigbit(kSigStop);

inline constexpr uptr kSigDfl = 0;
inline constexpr uptr kSigIgn = 1;

struct SigAction {
  uptr handler = kSigDfl;
  u64 flags = 0;
  u64 mask = 0;
};

struct SigActs {
  RefCount refs;
  SigAction actions[kNsig];
};

Result<SigActs*> sigacts_create();

// The all-default actions (SIG_DFL, no flags, no mask) as one static table
// that every process whose actions are all default points at, instead of a
// copy of its own: a fork of such a process copies nothing, an exec that
// leaves nothing ignored frees its table. Never written, never freed, never
// held (its count stays 1, so it never looks shared). A process gets a
// table of its own before it changes an action (sigacts_own_locked), and
// processes that share actions (CLONE_SIGHAND) share a table of their own.
extern SigActs sigacts_default;
// *s made a table of its own (all default) if it is sigacts_default; the
// caller holds the p_lock of the process(es) *s belongs to. Error::NoMem.
Result<void> sigacts_own_locked(SigActs*& s);
// kern_fork.c's sigactsinit: share (reference) or copy the parent's.
// `parent_lock` is the parent's p_lock. Every process that shares `parent`
// shares that lock too (FORK_SHARESIGS shares both), and rt_sigaction
// writes an action under it, so holding it makes the copy a snapshot: a
// CLONE_SIGHAND sibling cannot change an action while it is half copied.
// A parent on sigacts_default: a copy is sigacts_default again; a share
// first gives the parent a table of its own (written into `parent`, the
// parent's p_sigacts) for both to share.
Result<SigActs*> sigactsinit(SigActs*& parent, bool share, const Mutex& parent_lock)
    REQUIRES(parent_lock);
void sigacts_release(SigActs* s);

}  // namespace tine
