// Pending signals with their siginfo: one process's queue (NetBSD's
// sigpend/ksiginfo lists, small). A standard signal (1..31) is pending at
// most once per list (below) and keeps the info of its first sending, as
// Linux coalesces;
// a real-time one (32..64) queues one entry per sending. The bitmap
// p_sigpend says what is pending; the queue holds the details.
//
// Each entry also says which of Linux's lists it is on: one LWP's own
// (tkill, tgkill, rt_tgsigqueueinfo, faults, ptrace's SIGSTOP: Linux's
// PIDTYPE_PID), named by its owner, or the process's shared one (kill,
// rt_sigqueueinfo), owner null. Each list has its own pending bits: the
// owner's l_sigpend, the process's p_sigpend. PTRACE_PEEKSIGINFO shows the
// lists apart. A standard signal coalesces per list, so kill and tgkill of
// a blocked SIGUSR1 leave it pending twice and it is delivered twice, as
// on Linux. Delivery takes an LWP's own entry of a signal before a shared
// one, as Linux's dequeue_signal (which would also take any signal of the
// thread's list before a lower-numbered shared one; Tine takes the lowest
// number of either).
#pragma once

#include "core/lib/result.h"
#include "core/proc/cred.h"
#include "core/proc/siginfo.h"

namespace tine {

struct Lwp;
inline constexpr int kSigRtMin = 32;

// Who pays for a queued entry: the receiving process's real uid and its
// RLIMIT_SIGPENDING (sigpending_count.h). Posts without one (the kernel's
// own SIGKILL to siblings, faults) are not counted.
struct SigCharge {
  Uid uid;
  u64 limit;
};

// One queued signal: its info, the list it is on (its owner LWP, or null:
// the shared list) and the user it is charged to, if any.
struct SigQueueEntry {
  SigInfo info;
  const Lwp* owner = nullptr;
  Uid charged_to{};
  bool charged = false;
};

// Entries are moved by assignment and dropped without a destructor call
// (trivially copyable implies a trivial destructor).
static_assert(__is_trivially_copyable(SigQueueEntry));

struct SigQueue {
  // The first kInline entries need no allocation; past them the array
  // doubles from the heap (under p_lock: kmalloc never sleeps). Linux
  // bounds a queue by RLIMIT_SIGPENDING alone, and so does Tine; an
  // allocation that fails counts as the limit (Linux's __sigqueue_alloc
  // failing): a real-time sigqueue is EAGAIN, a standard signal is still
  // pending, with SI_USER info and no sender.
  static constexpr unsigned kInline = 32;
  // Storage only: an entry is constructed when it is posted, so a new
  // process does not zero 32 entries (4.6 KB of its Proc) it rarely uses.
  union Slots {
    Slots() {}
    SigQueueEntry at[kInline];
  } inline_slots;
  SigQueueEntry* q = inline_slots.at;  // n entries, in the order posted
  unsigned n = 0;
  unsigned cap = kInline;

  SigQueue() = default;
  SigQueue(const SigQueue&) = delete;
  SigQueue& operator=(const SigQueue&) = delete;
  // The entries still queued give their charges back (the process is
  // reaped: Linux's flush_sigqueue in __exit_signal).
  ~SigQueue();
};

// The caller holds the owning process's p_lock. `pending` is the bitmap
// of the list named by `owner` (owner->l_sigpend, or the process's
// p_sigpend for null); its bits change atomically (userret reads them
// without the lock).
//
// Makes info.si_signo pending on owner's list with `info`, charged to
// `charge` if given. A real-time signal that finds no memory for an entry
// or its user at RLIMIT_SIGPENDING is Error::Again when `must_queue` (Linux: any
// si_code but SI_USER: sigqueue, tkill, tgkill); without it the signal is
// pending with no details (kill). A standard signal past the limit is
// queued anyway when its si_code is SI_USER or the kernel's (Linux's
// override_rlimit), else pending without details.
Result<void> sigqueue_post(SigQueue& q, u64& pending, const SigInfo& info, bool must_queue,
                           const Lwp* owner = nullptr, const SigCharge* charge = nullptr);
// Takes one pending `sig` from owner's list (its queued info, or made-up
// SI_USER info) and clears its bit in `pending` when none is left there.
SigInfo sigqueue_take(SigQueue& q, u64& pending, int sig, const Lwp* owner = nullptr);
// The index-th entry (from 0, in the order posted) of owner's list; nullptr
// past the end (PTRACE_PEEKSIGINFO).
const SigInfo* sigqueue_peek(const SigQueue& q, const Lwp* owner, u64 index);
// Forgets every pending signal in `set` on every list (an action set to
// SIG_IGN, SIGCONT cancelling stops) and clears `set` in `pending`; the
// caller clears the LWPs' bits (proc_sigflush_locked).
void sigqueue_flush(SigQueue& q, u64& pending, u64 set);
// Forgets the entries of an LWP's own list (it is exiting).
void sigqueue_forget(SigQueue& q, const Lwp* owner);

}  // namespace tine
