// Futexes: sleeping on a 32-bit user word and waking its sleepers (Linux's
// kernel/futex/waitwake.c and requeue.c; NetBSD's sys_futex.c, the seed's
// own version, has the same shape). A waiter checks the word and enqueues
// itself under one hash bucket's lock; a waker takes the same lock, so a
// wakeup sent after the waiter's check is never lost.
//
// Keys: a futex in private memory (or any futex with FUTEX_PRIVATE_FLAG) is
// keyed by (address space, user address); one in a shared mapping by the
// physical address of the word (vm_shared_frame), which is the same in every
// process that maps it: MAP_SHARED memory across fork, a tmpfs file mapped
// by several processes. A key is only compared, never followed: a space or
// page freed while some key names it is not touched.
//
// Locking: the buckets (LockRank::Futex, spin) are leaves but for the user
// read under them (uaccess.h, copyin_nosleep) and the sleep queue of each
// waiter, taken under its bucket. No lock is held on entry or return.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

class VmSpace;

// What a futex is known by.
struct FutexKey {
  const void* space = nullptr;  // the VmSpace (private), nullptr (shared)
  u64 addr = 0;                 // user address (private), physical (shared)
  bool operator==(const FutexKey& o) const { return space == o.space && addr == o.addr; }
};

// The key of the word at uaddr in vs. `shared`: the operation lacks
// FUTEX_PRIVATE_FLAG, so the mapping decides. Errors (Linux's
// get_futex_key): Inval (uaddr not 4-aligned), Fault (beyond the user
// half; shared only: not mapped or not readable), NoMem.
Result<FutexKey> futex_key(VmSpace* vs, uptr uaddr, bool shared);

// Every bit: FUTEX_WAIT and FUTEX_WAKE are the bitset ops with this.
inline constexpr u32 kFutexBitsetAny = 0xffffffffu;
// No deadline.
inline constexpr u64 kFutexForever = ~u64(0);

// FUTEX_WAIT_BITSET: sleeps if the word at uaddr still holds val, until a
// wake whose bitset shares a bit with `bitset`, guest time deadline_ns
// (kFutexForever: none), or a signal. A wakeup wins over a timeout and a
// signal that came with it, as Linux. Errors: Inval (bitset 0, or as
// futex_key), Fault, Again (the word differs), TimedOut, Intr (a signal
// the process must act on; Linux's ERESTARTSYS, the shim decides on
// restarting).
Result<void> futex_wait(VmSpace* vs, uptr uaddr, bool shared, u32 val, u32 bitset,
                        u64 deadline_ns);

// FUTEX_WAKE_BITSET: wakes up to nr waiters (at least one, as Linux's loop,
// even for nr <= 0) whose bitset shares a bit with `bitset`, longest first.
// Returns how many. Errors: Inval (bitset 0), as futex_key.
Result<int> futex_wake(VmSpace* vs, uptr uaddr, bool shared, int nr, u32 bitset);

// FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to nr_wake waiters of uaddr
// and moves up to nr_requeue more to uaddr2; with cmpval, only if the word
// at uaddr still holds *cmpval (else Again). Returns woken + moved.
// Errors: Inval (a negative count), Again, Fault, as futex_key.
Result<int> futex_requeue(VmSpace* vs, uptr uaddr, uptr uaddr2, bool shared, int nr_wake,
                          int nr_requeue, const u32* cmpval);

// FUTEX_WAKE_OP: applies the encoded operation to the word at uaddr2
// atomically, wakes up to nr waiters of uaddr and, if the comparison of the
// old value says so, up to nr2 of uaddr2. Returns how many woke. Errors:
// NoSys (unknown operation or comparison; the operation may have been
// done, as on Linux), Fault, as futex_key.
Result<int> futex_wake_op(VmSpace* vs, uptr uaddr, uptr uaddr2, bool shared, int nr, int nr2,
                          u32 encoded_op);

// One word of a futex_waitv: its address, the value it must hold and
// whether the mapping decides the key (no FUTEX2_PRIVATE).
struct FutexWaitvWord {
  uptr uaddr = 0;
  u32 val = 0;
  bool shared = false;
};
inline constexpr unsigned kFutexWaitvMax = 128;  // Linux's FUTEX_WAITV_MAX

// futex_waitv (Linux's futex_wait_multiple): queues on every word (each
// must still hold its value) and sleeps until a wake on any of them, guest
// time deadline_ns (kFutexForever: none) or a signal. Returns the index of
// a woken word (the last one found woken, as Linux's
// futex_unqueue_multiple). A wake wins over a differing word, a timeout or
// a signal. Errors: Inval (n 0 or above kFutexWaitvMax, or as futex_key),
// Fault, Again (a word differs), TimedOut, Intr, NoMem.
Result<int> futex_waitv(VmSpace* vs, const FutexWaitvWord* words, unsigned n, u64 deadline_ns);

// Waiters on every bucket: for the host tests' leak checks.
unsigned futex_waiters_count();

}  // namespace tine
