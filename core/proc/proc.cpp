#include "core/proc/proc.h"

#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/sched/sched.h"
#include "core/lib/string.h"
#include "core/vm/vm.h"

namespace tine {

Mutex proc_lock("proc_lock", LockRank::ProcLock);
CondVar proc_waitcv("proc_wait");
List<Proc, AllProcTag> allproc;
u32 nprocs = 0;
// NetBSD's NPROC for MAXUSERS 64 (20 + 16 * MAXUSERS): room for a thousand
// processes, as LTP's futex_cmp_requeue01 forks; zombies count.
u32 maxproc = 1044;
ForkCounters fork_counters;
Proc* initproc = nullptr;

namespace {

// One bit per pid; the cursor makes pids grow before they wrap, so a pid is
// not reused right after it was freed (helps both humans and tests).
u64 g_pid_used[(kPidMax + 63) / 64] GUARDED_BY(proc_lock);
i32 g_last_pid GUARDED_BY(proc_lock) = 0;

bool pid_used(i32 pid) REQUIRES(proc_lock) {
  return g_pid_used[pid / 64] & (u64(1) << (pid % 64));
}

// A uid's process count is one word, (uid << 32) | count, changed by
// compare-and-swap: a fork and a reap take no lock. A slot whose count is
// 0 is free. Only the claim of a free slot for a new uid takes the lock,
// so that two claimants cannot give one uid two slots; a slot freed and
// claimed by another uid meanwhile fails the swap, as the uid is in it.
SpinLock g_uid_lock("uidcount", LockRank::UidCount);
u64 g_uid_counts[kUidSlots];

constexpr u64 uid_word(Uid uid, u32 count) { return u64(uid.value) << 32 | count; }
constexpr u32 word_uid(u64 w) { return u32(w >> 32); }
constexpr u32 word_count(u64 w) { return u32(w); }

// Adds diff to uid's count if uid has a slot: the new count, or -1 when it
// has none (a count of 0 is no slot).
i64 uid_count_add(Uid uid, int diff) {
  for (u64& slot : g_uid_counts) {
    u64 w = __atomic_load_n(&slot, __ATOMIC_RELAXED);
    while (word_uid(w) == uid.value && word_count(w) != 0) {
      KASSERT(i64(word_count(w)) + diff >= 0);
      if (__atomic_compare_exchange_n(&slot, &w, w + u64(i64(diff)), false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_RELAXED))
        return i64(word_count(w)) + diff;
    }
  }
  return -1;
}

}  // namespace

i32 pid_max = 30000;

Result<void> proc_set_pid_max(i64 v) {
  if (v < kPidMaxMin || v > kPidMax) return Error::Inval;
  MutexGuard g(proc_lock);
  pid_max = i32(v);
  return ok();
}

i32 proc_pid_max() {
  MutexGuard g(proc_lock);
  return pid_max;
}

i32 proc_last_pid() {
  MutexGuard g(proc_lock);
  return g_last_pid;
}

Result<void> proc_set_last_pid(i64 v) {
  MutexGuard g(proc_lock);
  if (v < 0 || v > pid_max) return Error::Inval;
  g_last_pid = i32(v);
  return ok();
}

Result<Pid> proc_alloc_pid(Proc* p) {
  proc_lock.assert_held();
  (void)p;
  for (i32 tries = 0; tries < pid_max; tries++) {
    i32 pid = g_last_pid + 1;
    if (pid >= pid_max) pid = 1;
    g_last_pid = pid;
    if (!pid_used(pid)) {
      g_pid_used[pid / 64] |= u64(1) << (pid % 64);
      return Pid{pid};
    }
  }
  return Error::Again;
}

void proc_free_pid(Pid pid) {
  proc_lock.assert_held();
  KASSERT(pid.value > 0 && pid.value < kPidMax && pid_used(pid.value));
  g_pid_used[pid.value / 64] &= ~(u64(1) << (pid.value % 64));
}

Proc* proc_find_locked(Pid pid) {
  proc_lock.assert_held();
  for (Proc* p : allproc)
    if (p->p_pid == pid) return p;
  return nullptr;
}

void proc_list_insert_locked(Proc* p) {
  proc_lock.assert_held();
  allproc.push_back(p);
}

void proc_list_remove_locked(Proc* p) {
  proc_lock.assert_held();
  allproc.remove(p);
}

Result<i64> chgproccnt_inc(Uid uid) {
  if (i64 n = uid_count_add(uid, 1); n > 0) return n;
  IrqSpinGuard guard(g_uid_lock);
  if (i64 n = uid_count_add(uid, 1); n > 0) return n;  // claimed meanwhile
  for (u64& slot : g_uid_counts) {
    u64 w = __atomic_load_n(&slot, __ATOMIC_RELAXED);
    while (word_count(w) == 0) {
      if (__atomic_compare_exchange_n(&slot, &w, uid_word(uid, 1), false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_RELAXED))
        return i64(1);
    }
  }
  // One more uid than the table holds: setuid or fork answers EAGAIN, as
  // for a full process table. What a user controls never panics.
  return Error::Again;
}

i64 chgproccnt(Uid uid, int diff) {
  KASSERT(diff <= 0);
  const i64 n = uid_count_add(uid, diff);
  if (n >= 0) return n;
  KASSERT(diff == 0);  // a decrement for a uid that owns no process
  return 0;            // a query for a uid with no processes
}

VmSpace* curvm() {
  Proc* p = curproc();
  return p ? p->p_vmspace : nullptr;
}

FileTable* curfd() { return curlwp()->l_fd; }

CwdInfo* curcwdi() { return curlwp()->l_cwdi; }

namespace {
// A Proc's heap block: the Proc at its start, then room for a p_lock object
// (proc_own_lockobj), then the count of the block's owners: the Proc, and
// the lock object while it has references. One kmalloc and one kfree a
// process instead of two.
constexpr size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }
constexpr size_t kLockObjAt = align_up(sizeof(Proc), alignof(ProcLockObj));
constexpr size_t kOwnersAt = align_up(kLockObjAt + sizeof(ProcLockObj), alignof(RefCount));
constexpr size_t kProcBlock = kOwnersAt + sizeof(RefCount);

RefCount* block_owners(void* block) {
  return reinterpret_cast<RefCount*>(static_cast<u8*>(block) + kOwnersAt);
}

void block_release(void* block) {
  RefCount* owners = block_owners(block);
  if (!owners->release()) return;
  owners->~RefCount();
  kfree(block);
}
}  // namespace

Result<Proc*> proc_struct_alloc() {
  void* m = kmalloc(kProcBlock);
  if (!m) return Error::NoMem;
  new (block_owners(m)) RefCount;  // the Proc's
  return new (m) Proc;
}

ProcLockObj* proc_own_lockobj(Proc* p) {
  void* block = p;  // the Proc is at its block's start
  block_owners(block)->hold();
  auto* lo = new (static_cast<u8*>(block) + kLockObjAt) ProcLockObj;
  lo->block = block;
  return lo;
}

void proc_lockobj_release(ProcLockObj* lo) {
  if (!lo->refs.release()) return;
  void* block = lo->block;
  lo->~ProcLockObj();
  if (block)
    block_release(block);
  else
    kfree(lo);
}

void proc_struct_free(Proc* p) {
  KASSERT(p->p_magic == Proc::kMagic);
  p->p_magic = 0;
  p->~Proc();
  block_release(p);
}

}  // namespace tine
