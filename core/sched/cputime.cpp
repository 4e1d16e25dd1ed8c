#include "core/sched/cputime.h"

#include "hal/hal.h"

namespace tine {

namespace {
// The time since l's mark, and the mark moved to now.
u64 take(Lwp* l) {
  const u64 now = hal::time_ns();
  const u64 d = now > l->l_cpu_mark_ns ? now - l->l_cpu_mark_ns : 0;
  l->l_cpu_mark_ns = now;
  return d;
}
void add(u64& counter, u64 d) {
  __atomic_store_n(&counter, __atomic_load_n(&counter, __ATOMIC_RELAXED) + d, __ATOMIC_RELAXED);
}
}  // namespace

void cputime_user_to_kernel(Lwp* l) { cputime_edge(l, l->l_utime_ns, hal::time_ns()); }
void cputime_kernel_to_user(Lwp* l) { cputime_edge(l, l->l_stime_ns, hal::time_ns()); }

void cputime_sync_self(Lwp* l) {
  // An interrupt's sample (cputimer_kernel_sample) would race the mark.
  const hal::IrqState st = hal::irq_save();
  cputime_user_to_kernel(l);
  hal::irq_restore(st);
}

void cputime_switch(Lwp* prev, Lwp* next) {
  if (prev) add(prev->l_stime_ns, take(prev));
  next->l_cpu_mark_ns = prev ? prev->l_cpu_mark_ns : hal::time_ns();
}

}  // namespace tine
