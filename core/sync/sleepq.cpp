#include "core/sync/sleepq.h"

#include "core/sched/cpu.h"
#include "core/sched/sched.h"
#include "core/sync/spin_wait.h"

namespace tine {

bool SleepQueue::block_locked(u64 timeout_ns, SrcLoc where) {
  Lwp* l = curlwp();
  KASSERT(l && l != this_cpu().idle);
  // The sleep-queue lock is the only spin lock allowed here.
  lockdebug_check_can_sleep(&lock_, where);
  if (hal::preempt_count() != 1)
    panic("sleeping at %s:%d with %u spin locks held", where.file, where.line,
          hal::preempt_count());
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

SleepEnd SleepQueue::block_intr_locked(u64 timeout_ns, SrcLoc where) {
  Lwp* l = curlwp();
  // Read under our lock: a waker sets the flag before it takes the lock.
  if (__atomic_load_n(&l->l_intr_flag, __ATOMIC_RELAXED)) {
    lock_.unlock();
    return SleepEnd::Interrupted;
  }
  if (block_locked(timeout_ns, where)) return SleepEnd::TimedOut;
  return __atomic_load_n(&l->l_intr_flag, __ATOMIC_ACQUIRE) ? SleepEnd::Interrupted
                                                              : SleepEnd::Woken;
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

// No lock: the registration is a Dekker pair each way (sleepq.h). A pipe
// round trip sleeps twice, and a hashed registration lock taken twice a
// sleep was a sixth of its instructions.
void sleepq_intr_begin(SleepQueue& q) {
  Lwp* l = curlwp();
  KASSERT(l->l_intr_q == nullptr);
  __atomic_store_n(&l->l_intr_flag, 0u, __ATOMIC_RELAXED);
  __atomic_store_n(&l->l_intr_q, &q, __ATOMIC_RELEASE);
  // Before the caller looks for signals: a waker that posted one before
  // that look then finds q (it fences between its post and its load).
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void sleepq_intr_end() {
  Lwp* l = curlwp();
  __atomic_store_n(&l->l_intr_q, static_cast<SleepQueue*>(nullptr), __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  // A waker that counted itself before our store may still use q: wait it
  // out (it runs with interrupts off, a few dozen instructions).
  if (__atomic_load_n(&l->l_intr_wakers, __ATOMIC_ACQUIRE) != 0) [[unlikely]] {
    SpinWait w;
    while (__atomic_load_n(&l->l_intr_wakers, __ATOMIC_ACQUIRE) != 0) w.pause();
  }
}

bool sleepq_interrupt(Lwp* l) {
  // Interrupts off: the sleeper may wait for us in sleepq_intr_end, so we
  // must not be switched out (or interrupted) between count and uncount.
  hal::IrqState s = hal::irq_save();
  __atomic_fetch_add(&l->l_intr_wakers, 1u, __ATOMIC_SEQ_CST);
  // Pairs with the fences of begin (our caller posted the signal before)
  // and end (it either sees our count or we see its nullptr).
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  SleepQueue* q = __atomic_load_n(&l->l_intr_q, __ATOMIC_ACQUIRE);
  if (q) {
    __atomic_store_n(&l->l_intr_flag, 1u, __ATOMIC_RELAXED);
    SpinGuard qguard(q->lock_);
    // Asleep on q right now (not just woken by another): wake it. Otherwise
    // it has not blocked yet and will find the flag under this lock.
    if (l->sleepq == q && l->state == LwpState::LSSLEEP) q->wake_locked(l);
  }
  __atomic_fetch_sub(&l->l_intr_wakers, 1u, __ATOMIC_RELEASE);
  hal::irq_restore(s);
  return q != nullptr;
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
