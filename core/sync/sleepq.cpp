#include "core/sync/sleepq.h"

#include "core/sched/cpu.h"
#include "core/sched/sched.h"

namespace tine {

bool SleepQueue::block_locked(u64 timeout_ns, SrcLoc where) {
  Lwp* l = curlwp();
  KASSERT(l && l != this_cpu().idle);
  // The sleep-queue lock is the only spin lock allowed here.
  lockdebug_check_can_sleep(&lock_, where);
  if (this_cpu().preempt_off != 1)
    panic("sleeping at %s:%d with %u spin locks held", where.file, where.line,
          this_cpu().preempt_off);
  l->state = LwpState::LSSLEEP;
  l->sleepq = this;
  l->timed_out = false;
  waiters_.push_back(l);
  if (timeout_ns) callout_schedule(l->timeout, timeout_ns, on_timeout, l);
  lock_.unlock();
  sched_switch();
  if (timeout_ns) callout_stop(l->timeout);
  l->sleepq = nullptr;
  return l->timed_out;
}

void SleepQueue::wake_locked(Lwp* l) {
  waiters_.remove(l);
  sched_setrunnable(l);
}

Lwp* SleepQueue::wake_one_locked() {
  Lwp* l = waiters_.front();
  if (l) wake_locked(l);
  return l;
}

unsigned SleepQueue::wake_all_locked() {
  unsigned n = 0;
  while (Lwp* l = waiters_.front()) {
    wake_locked(l);
    n++;
  }
  return n;
}

// Runs in the timer interrupt. The sleeper stops this callout before it
// leaves block_locked, so l->sleepq is stable while we run.
void SleepQueue::on_timeout(void* arg) {
  Lwp* l = static_cast<Lwp*>(arg);
  SleepQueue* q = l->sleepq;
  SpinGuard guard(q->lock_);
  if (l->state == LwpState::LSSLEEP && l->sleepq == q) {
    l->timed_out = true;
    q->wake_locked(l);
  }
}

void sleep_ns(u64 ns) {
  SleepQueue q("sleep");
  hal::IrqState s = hal::irq_save();
  q.lock().lock();
  while (!q.block_locked(ns, {__FILE__, __LINE__})) {
    // Nobody signals this queue: only the timeout ends the sleep.
    q.lock().lock();
  }
  hal::irq_restore(s);
}

}  // namespace tine
