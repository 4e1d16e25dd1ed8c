#include "core/sync/lockdebug.h"

#include "core/lib/assert.h"
#include "core/sched/cpu.h"
#include "core/sched/lwp.h"
#include "core/sched/sched.h"

namespace tine {

namespace {
// A LockSet changes with interrupts off: a thread preempted halfway through
// an update would otherwise find its set half-edited by the scheduler's own
// locking on the way out (sched_switch runs on the preempted thread).
struct IrqOff {
  hal::IrqState saved = hal::irq_save();
  ~IrqOff() { hal::irq_restore(saved); }
};

LockSet* my_locks() {
  hal::IrqState s = hal::irq_save();
  Cpu& c = this_cpu();
  LockSet* irq_set = c.intr_depth ? &c.intr_locks : nullptr;
  hal::irq_restore(s);
  if (irq_set) return irq_set;
  Lwp* l = curlwp();
  return l ? &l->locks : nullptr;
}
const char* holder_name() {
  hal::IrqState s = hal::irq_save();
  Cpu& c = this_cpu();
  const char* n = c.intr_depth ? "an interrupt handler"
                  : c.current  ? c.current->name
                               : "?";
  hal::irq_restore(s);
  return n;
}
}  // namespace

void lockdebug_check_order_checked(const void* lock, const char* name, LockRank rank,
                           SrcLoc where) {
  if (!kLockDebug) return;
  IrqOff irq_off;
  LockSet* set = my_locks();
  if (!set) return;
  for (unsigned i = 0; i < set->count; i++) {
    const HeldLock& h = set->held[i];
    if (h.lock == lock) continue;  // self-deadlock is reported by the lock
    if (rank == LockRank::Unranked || h.rank == LockRank::Unranked) continue;
    if (static_cast<unsigned>(h.rank) >= static_cast<unsigned>(rank))
      panic("lock order: %s takes %s (rank %u) at %s:%d while holding %s "
            "(rank %u) taken at %s:%d",
            holder_name(), name, unsigned(rank), where.file, where.line,
            h.name, unsigned(h.rank), h.where.file, h.where.line);
  }
}

void lockdebug_acquired_checked(const void* lock, const char* name, LockRank rank,
                        SrcLoc where, bool spin) {
  if (!kLockDebug) return;
  IrqOff irq_off;  // see IrqOff
  LockSet* set = my_locks();
  if (!set) return;
  if (set->count == LockSet::kMax) panic("lockdebug: more than %u locks held", LockSet::kMax);
  set->held[set->count] = {lock, name, rank, where, spin};
  set->count++;
}

void lockdebug_released_checked(const void* lock) {
  if (!kLockDebug) return;
  IrqOff irq_off;
  LockSet* set = my_locks();
  if (!set) return;
  for (unsigned i = set->count; i-- > 0;) {
    if (set->held[i].lock != lock) continue;
    for (unsigned j = i; j + 1 < set->count; j++) set->held[j] = set->held[j + 1];
    set->count--;
    return;
  }
  panic("lockdebug: %s releases a lock it did not record taking",
        holder_name());
}

void lockdebug_check_can_sleep_checked(const void* allowed, SrcLoc where) {
  if (!kLockDebug) return;
  IrqOff irq_off;
  LockSet* set = my_locks();
  if (!set) return;
  for (unsigned i = 0; i < set->count; i++) {
    const HeldLock& h = set->held[i];
    if (h.spin && h.lock != allowed)
      panic("sleeping at %s:%d while holding spin lock %s taken at %s:%d",
            where.file, where.line, h.name, h.where.file, h.where.line);
  }
}

}  // namespace tine
