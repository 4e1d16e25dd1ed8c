#include "core/sched/runqueue.h"

#include "core/lib/bits.h"
#include "core/sched/lwp.h"

namespace tine {

void RunQueue::enqueue(Lwp* l) {
  KASSERT(l->priority < kNumPriorities);
  levels_[l->priority].push_back(l);
  bitmap_ |= 1u << l->priority;
  __atomic_store_n(&count_, count_ + 1, __ATOMIC_RELAXED);
}

void RunQueue::remove(Lwp* l) {
  levels_[l->priority].remove(l);
  if (levels_[l->priority].empty()) bitmap_ &= ~(1u << l->priority);
  __atomic_store_n(&count_, count_ - 1, __ATOMIC_RELAXED);
}

Lwp* RunQueue::dequeue_best() {
  if (bitmap_ == 0) return nullptr;
  Lwp* l = levels_[highest_set_bit(bitmap_)].front();
  remove(l);
  return l;
}

Lwp* RunQueue::steal_for(unsigned thief) {
  for (u32 bits = bitmap_; bits != 0;) {
    unsigned pri = highest_set_bit(bits);
    bits &= ~(1u << pri);
    for (Lwp* l : levels_[pri]) {
      if (l->pinned >= 0 && unsigned(l->pinned) != thief) continue;
      if (__atomic_load_n(&l->on_cpu, __ATOMIC_ACQUIRE)) continue;
      remove(l);  // safe: we stop iterating
      return l;
    }
  }
  return nullptr;
}

int RunQueue::best_priority() const {
  u32 b = __atomic_load_n(&bitmap_, __ATOMIC_RELAXED);
  return b ? int(highest_set_bit(b)) : -1;
}

int choose_steal_victim(const unsigned* counts, unsigned ncpus, unsigned self) {
  int victim = -1;
  unsigned most = 0;
  for (unsigned i = 0; i < ncpus; i++) {
    if (i == self) continue;
    if (counts[i] > most) {
      most = counts[i];
      victim = int(i);
    }
  }
  return victim;
}

}  // namespace tine
