#include "core/sched/runqueue.h"

#include "core/sched/lwp.h"

namespace tine {

namespace {
// Index of the highest set bit of a non-zero word. Written out: without
// Zbb, __builtin_clz is a libgcc call and the kernel links no libgcc.
unsigned highest_bit(u32 v) {
  unsigned n = 0;
  if (v >> 16) { v >>= 16; n += 16; }
  if (v >> 8) { v >>= 8; n += 8; }
  if (v >> 4) { v >>= 4; n += 4; }
  if (v >> 2) { v >>= 2; n += 2; }
  if (v >> 1) n += 1;
  return n;
}
}  // namespace

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
  Lwp* l = levels_[highest_bit(bitmap_)].front();
  remove(l);
  return l;
}

Lwp* RunQueue::steal_for(unsigned thief) {
  for (u32 bits = bitmap_; bits != 0;) {
    unsigned pri = highest_bit(bits);
    bits &= ~(1u << pri);
    for (Lwp* l : levels_[pri]) {
      if (l->pinned >= 0 && unsigned(l->pinned) != thief) continue;
      remove(l);  // safe: we stop iterating
      return l;
    }
  }
  return nullptr;
}

int RunQueue::best_priority() const {
  u32 b = __atomic_load_n(&bitmap_, __ATOMIC_RELAXED);
  return b ? int(highest_bit(b)) : -1;
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
