#include "core/sched/runqueue.h"

#include "core/lib/bits.h"
#include "core/sched/lwp.h"

namespace tine {

// Each queued thread remembers the level it sits on (rq_level): its
// priority may change while it is queued (sched_set_class).
void RunQueue::mark(unsigned pri) {
  bitmap_[pri / 64] |= u64(1) << (pri % 64);
  __atomic_store_n(&count_, count_ + 1, __ATOMIC_RELAXED);
}

void RunQueue::enqueue(Lwp* l) {
  const unsigned pri = __atomic_load_n(&l->priority, __ATOMIC_RELAXED);
  KASSERT(pri < kNumPriorities);
  l->rq_level = u8(pri);
  levels_[pri].push_back(l);
  mark(pri);
}

void RunQueue::enqueue_head(Lwp* l) {
  const unsigned pri = __atomic_load_n(&l->priority, __ATOMIC_RELAXED);
  KASSERT(pri < kNumPriorities);
  l->rq_level = u8(pri);
  levels_[pri].push_front(l);
  mark(pri);
}

void RunQueue::remove(Lwp* l) {
  const unsigned pri = l->rq_level;
  levels_[pri].remove(l);
  if (levels_[pri].empty()) bitmap_[pri / 64] &= ~(u64(1) << (pri % 64));
  __atomic_store_n(&count_, count_ - 1, __ATOMIC_RELAXED);
}

Lwp* RunQueue::dequeue_best() {
  const int pri = best_priority();
  if (pri < 0) return nullptr;
  Lwp* l = levels_[pri].front();
  remove(l);
  return l;
}

Lwp* RunQueue::steal_for(unsigned thief) {
  for (unsigned w = kWords; w-- > 0;) {
    for (u64 bits = bitmap_[w]; bits != 0;) {
      const unsigned bit = highest_set_bit(bits);
      bits &= ~(u64(1) << bit);
      for (Lwp* l : levels_[w * 64 + bit]) {
        if (l->pinned >= 0 && unsigned(l->pinned) != thief) continue;
        if (__atomic_load_n(&l->on_cpu, __ATOMIC_ACQUIRE)) continue;
        remove(l);  // safe: we stop iterating
        return l;
      }
    }
  }
  return nullptr;
}

int RunQueue::best_priority() const {
  for (unsigned w = kWords; w-- > 0;) {
    const u64 b = __atomic_load_n(&bitmap_[w], __ATOMIC_RELAXED);
    if (b) return int(w * 64 + highest_set_bit(b));
  }
  return -1;
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
