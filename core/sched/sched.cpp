#include "core/sched/sched.h"

#include "core/sched/clock.h"
#include "core/sched/cpu.h"
#include "core/sched/cputime.h"
#include "core/vm/heap.h"
#include "core/proc/proc_switch.h"
#include "core/sync/sleepq.h"
#include "core/sync/spin_wait.h"

namespace tine {

namespace {

unsigned g_next_placement = 0;  // round robin for new threads (racy is fine)

// The slice a thread starts a turn with: an RR thread keeps what it had
// left when it was preempted (Linux resets time_slice only when it runs
// out); a FIFO thread's is never counted down (sched_tick).
int slice_for(const Lwp* l) {
  switch (sched_class_of(l)) {
    case SchedClass::Rr: return l->slice > 0 ? l->slice : kRrSliceTicks;
    case SchedClass::Fifo: return kSliceTicks;
    case SchedClass::Other: break;
  }
  return kSliceTicks;
}

unsigned choose_cpu_for(Lwp* l, bool is_new) {
  if (l->pinned >= 0) return unsigned(l->pinned);
  const unsigned n = hal::online_cpus();
  if (is_new && l->place_on >= 0 && unsigned(l->place_on) < n)
    return unsigned(l->place_on);
  if (is_new) {
    unsigned c = __atomic_fetch_add(&g_next_placement, 1u, __ATOMIC_RELAXED);
    return c % n;
  }
  return l->cpu < n ? l->cpu : 0;
}

// Tries to take a thread from the busiest other queue. Interrupts off.
Lwp* steal_work(Cpu& self) {
  const unsigned n = hal::online_cpus();
  unsigned counts[hal::kMaxCpus];
  for (unsigned i = 0; i < n; i++)
    counts[i] = g_cpus[i].sched_running ? g_cpus[i].rq.count() : 0;
  int victim = choose_steal_victim(counts, n, self.index);
  if (victim < 0) return nullptr;
  RunQueue& rq = g_cpus[victim].rq;
  Lwp* l;
  {
    SpinGuard guard(rq.lock);
    l = rq.steal_for(self.index);
  }
  if (l) self.steals++;
  return l;
}

// Until the hart that switched l out has saved its context. Out of line:
// seldom needed, and sched_switch should not pay for the loop.
[[gnu::noinline, gnu::cold]] void wait_off_cpu(const Lwp* l) {
  SpinWait w;
  while (__atomic_load_n(&l->on_cpu, __ATOMIC_ACQUIRE)) w.pause();
}

}  // namespace

void sched_thread_start(void* arg) {
  sched_switch_finish();
  hal::irq_restore(~0ul);  // threads start with interrupts on
  Lwp* l = static_cast<Lwp*>(arg);
  l->entry(l->arg);
  lwp_exit();
}

void sched_init_cpu(Lwp* boot, bool boot_is_idle) {
  Cpu& c = this_cpu();
  c.index = hal::cpu_index();
  boot->static_storage = true;
  boot->state = LwpState::LSONPROC;
  boot->cpu = c.index;
  boot->on_cpu = 1;
  boot->slice = kSliceTicks;
  c.current = boot;
  hal::set_current_thread(boot);
  if (boot_is_idle) {
    boot->pinned = int(c.index);
    boot->priority = 0;
    c.idle = boot;
  } else {
    LwpOptions o;
    o.name = "idle";
    o.priority = 0;
    o.pinned = int(c.index);
    // The idle thread is never queued: make it here, not through create.
    Lwp* idle = MUST(lwp_alloc(o));
    hal::context_init(idle->ctx, idle->stack.top, sched_thread_start, idle);
    idle->entry = [](void*) { sched_idle_loop(); };
    idle->cpu = c.index;
    idle->state = LwpState::LSRUN;
    c.idle = idle;
  }
  __atomic_store_n(&c.sched_running, true, __ATOMIC_RELEASE);
}

// The direct switch (as L4's IPC or Zircon's channels hand the caller's
// CPU to the receiver): a thread woken by the hart it last ran on is not
// queued but parked in Cpu::handoff, and when the waker blocks (a pipe
// writer that goes on to read, a vfork child that exits) its hart
// switches straight to it: no run queue lock, enqueue or dequeue. A parked
// thread yields to anything queued higher, and sched_tick queues a thread
// still parked, where idle harts can steal it, so it waits no longer than
// a queued one would. One thread parks at a time; a second wake queues.
// A new thread parks only when placed on this hart on purpose (fork1's
// vfork child, whose parent sleeps next); others spread round robin.
void sched_setrunnable(Lwp* l) {
  KASSERT(l->magic == Lwp::kMagic);
  const bool is_new = l->state == LwpState::LSIDL;
  const unsigned target = choose_cpu_for(l, is_new);
  hal::IrqState s = hal::irq_save();
  Cpu& me = this_cpu();
  if (target == me.index && (!is_new || l->place_on == int(me.index)) &&
      me.handoff == nullptr) {
    l->state = LwpState::LSRUN;
    l->cpu = target;
    __atomic_store_n(&me.handoff, l, __ATOMIC_RELAXED);
    if (me.current == me.idle || l->priority > me.current->priority) cpu_need_resched(me);
    hal::irq_restore(s);
    return;
  }
  Cpu& tc = g_cpus[target];
  {
    SpinGuard guard(tc.rq.lock);
    l->state = LwpState::LSRUN;
    l->cpu = target;
    tc.rq.enqueue(l);
  }
  if (target != me.index) {
    hal::send_ipi(target);
  } else if (me.current == me.idle || l->priority > me.current->priority) {
    cpu_need_resched(me);
  }
  hal::irq_restore(s);
}

void sched_switch() {
  KASSERT(!hal::irq_enabled());
  Cpu& c = this_cpu();
  Lwp* cur = c.current;
  KASSERT(hal::preempt_count() == 0);
  c.need_resched = false;
  Lwp* next;
  Lwp* parked = c.handoff;
  if (parked) __atomic_store_n(&c.handoff, static_cast<Lwp*>(nullptr), __ATOMIC_RELAXED);
  const bool cur_stays = cur->state == LwpState::LSONPROC && cur != c.idle;
  if (parked && !cur_stays && c.rq.best_priority() < int(parked->priority)) {
    // The direct switch: cur sleeps or exits, and nothing queued comes
    // first (a racy look: a thread queued here meanwhile sent an IPI).
    cur->l_yielding = false;
    next = parked;
  } else {
    SpinGuard guard(c.rq.lock);
    if (parked) c.rq.enqueue(parked);
    if (cur_stays) {
      cur->state = LwpState::LSRUN;
      // A real-time thread still holding its turn (preempted, not yielding,
      // slice left) stays first among its equals.
      if (sched_is_rt(cur) && !cur->l_yielding && cur->slice > 0)
        c.rq.enqueue_head(cur);
      else
        c.rq.enqueue(cur);
    }
    cur->l_yielding = false;
    next = c.rq.dequeue_best();
  }
  if (!next && (cur == c.idle || cur->state != LwpState::LSONPROC))
    next = steal_work(c);
  // Nothing to run: the idle thread. A yielding thread never gets here (it
  // queued itself above). cur's state is not read again outside the queue
  // lock: a woken cur may already sit on a queue another hart steals from.
  if (!next) next = c.idle;
  if (next == cur) {
    cur->state = LwpState::LSONPROC;
    cur->slice = slice_for(cur);
    return;
  }
  // A thread queued while still switching out elsewhere: wait until that
  // hart has saved its context.
  if (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE)) wait_off_cpu(next);
  next->on_cpu = 1;
  next->state = LwpState::LSONPROC;
  next->cpu = c.index;
  next->slice = slice_for(next);
  next->runs++;
  c.switching_from = cur;
  c.current = next;
  hal::set_current_thread(next);
  c.switches++;
  hal::set_trap_stack(next->stack.top);
  proc_switch(cur, next);
  hal::context_switch(cur->ctx, next->ctx);
  sched_switch_finish();
}

void sched_switch_finish() {
  Cpu& c = this_cpu();
  Lwp* prev = c.switching_from;
  c.switching_from = nullptr;
  cputime_switch(prev, c.current);
  if (!prev) return;
  if (prev->state == LwpState::LSZOMB) {
    lwp_reap_after_switch(prev);
    return;
  }
  __atomic_store_n(&prev->on_cpu, 0u, __ATOMIC_RELEASE);
}

void yield() {
  hal::IrqState s = hal::irq_save();
  this_cpu().current->l_yielding = true;
  sched_switch();
  hal::irq_restore(s);
}

void sched_tick() {
  Cpu& c = this_cpu();
  if (!c.sched_running) return;
  // A parked thread (sched_setrunnable) still waiting: queue it, where
  // other harts see it and the slice decides as for any other.
  if (Lwp* parked = c.handoff) {
    __atomic_store_n(&c.handoff, static_cast<Lwp*>(nullptr), __ATOMIC_RELAXED);
    SpinGuard guard(c.rq.lock);
    c.rq.enqueue(parked);
  }
  Lwp* cur = c.current;
  if (cur == c.idle) {
    // An idle hart looks for work queued elsewhere on every tick.
    if (c.rq.count() > 0) {
      cpu_need_resched(c);
    } else {
      for (unsigned i = 0; i < hal::online_cpus(); i++)
        if (i != c.index && g_cpus[i].rq.count() > 0) cpu_need_resched(c);
    }
    return;
  }
  if (sched_class_of(cur) == SchedClass::Fifo) return;
  if (--cur->slice <= 0) cpu_need_resched(c);
}

void sched_set_class(Lwp* l, SchedClass cls, unsigned rtprio) {
  KASSERT(cls == SchedClass::Other ? rtprio == 0 : rtprio >= 1 && rtprio <= kRtPrioMax);
  hal::IrqState s = hal::irq_save();
  unsigned where;
  bool queued_or_running;
  for (;;) {
    // l's state and queue links change under the lock of the hart l->cpu
    // names; a thread moved meanwhile (woken elsewhere, stolen) is looked
    // for again. One woken on another hart between the load and the lock
    // is queued at the level it had: rq_level keeps the queue whole, and
    // its next turn uses the new one.
    where = __atomic_load_n(&l->cpu, __ATOMIC_RELAXED);
    RunQueue& rq = g_cpus[where].rq;
    SpinGuard guard(rq.lock);
    if (__atomic_load_n(&l->cpu, __ATOMIC_RELAXED) != where) continue;
    const u8 old = l->priority;
    const u8 pri = u8(cls != SchedClass::Other ? kPriRtBase + rtprio
                      : old >= kPriRtBase       ? kPriUser
                                                : old);
    __atomic_store_n(reinterpret_cast<u8*>(&l->l_class), u8(cls), __ATOMIC_RELAXED);
    __atomic_store_n(&l->l_rtprio, u8(rtprio), __ATOMIC_RELAXED);
    __atomic_store_n(&l->priority, pri, __ATOMIC_RELAXED);
    if (cls != SchedClass::Rr) l->slice = kSliceTicks;
    const LwpState st = l->state;
    if (st == LwpState::LSRUN && static_cast<ListLink<RunQueueTag>*>(l)->linked()) {
      rq.remove(l);
      if (pri < old)
        rq.enqueue_head(l);
      else
        rq.enqueue(l);
    }
    queued_or_running = st == LwpState::LSRUN || st == LwpState::LSONPROC;
    break;
  }
  // Its hart decides again: l may now come before or after what runs there.
  if (queued_or_running) {
    Cpu& me = this_cpu();
    if (where == me.index)
      cpu_need_resched(me);
    else
      hal::send_ipi(where);
  }
  hal::irq_restore(s);
}

void sched_lwp_fork(Lwp* l2, const Lwp* l1) {
  KASSERT(l2->state == LwpState::LSIDL);
  l2->l_class = sched_class_of(l1);
  l2->l_rtprio = __atomic_load_n(&l1->l_rtprio, __ATOMIC_RELAXED);
  l2->priority = u8(l2->l_class == SchedClass::Other ? kPriUser : kPriRtBase + l2->l_rtprio);
}

void sched_trap_exit(bool interrupted_with_irqs_on) {
  Cpu& c = this_cpu();
  if (!c.sched_running || !c.need_resched) return;
  if (!interrupted_with_irqs_on || hal::preempt_count() != 0) return;
  sched_switch();
}

void sched_idle_loop() {
  for (;;) {
    hal::IrqState s = hal::irq_save();
    Cpu& c = this_cpu();
    sched_switch();  // runs anything queued here or stealable
    // Back on the idle thread: sleep until an interrupt, with no tick
    // (core/sched/clock.h). WFI wakes on a pending interrupt even with
    // interrupts off, so nothing is missed between the check and here.
    if (!c.need_resched && c.rq.count() == 0 && !c.handoff) {
      clock_idle_enter();
      hal::wait_for_interrupt();
      clock_idle_exit();
    }
    hal::irq_restore(s);
  }
}

}  // namespace tine
