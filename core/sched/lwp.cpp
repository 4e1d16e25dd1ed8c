#include "core/sched/lwp.h"

#include "core/sync/condvar.h"
#include "core/sched/cpu.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/sched/sched.h"
#include "core/sync/sleepq.h"
#include "core/sync/spin_wait.h"

namespace tine {

namespace {
u64 g_live_lwps = 0;
}  // namespace

void lwp_free(Lwp* l) {
  KASSERT(l->magic == Lwp::kMagic && !l->static_storage);
  l->magic = 0;
  hal::kernel_stack_free(l->stack);
  l->l_waitcv->~CondVar();  // in the Lwp's own block (lwp_alloc)
  if (l->join_waiters) {
    l->join_waiters->~SleepQueue();
    kfree(l->join_waiters);
  }
  l->~Lwp();
  kfree(l);
  __atomic_fetch_sub(&g_live_lwps, 1, __ATOMIC_RELAXED);
}

const char* lwp_state_name(LwpState s) {
  switch (s) {
    case LwpState::LSIDL: return "LSIDL";
    case LwpState::LSRUN: return "LSRUN";
    case LwpState::LSSLEEP: return "LSSLEEP";
    case LwpState::LSSTOP: return "LSSTOP";
    case LwpState::LSZOMB: return "LSZOMB";
    case LwpState::LSONPROC: return "LSONPROC";
  }
  return "?";
}

// An Lwp and its l_waitcv are one heap block, the CondVar right after the
// Lwp (lwp.h cannot hold a CondVar: condvar.h includes it): one kmalloc and
// one kfree a thread.
static_assert(sizeof(Lwp) % alignof(CondVar) == 0);

Result<Lwp*> lwp_alloc(const LwpOptions& opts) {
  void* mem = kmalloc(sizeof(Lwp) + sizeof(CondVar));
  if (!mem) return Error::NoMem;
  Lwp* l = new (mem) Lwp;
  if (!hal::kernel_stack_alloc(l->stack)) {
    l->~Lwp();
    kfree(mem);
    return Error::NoMem;
  }
  l->l_waitcv = new (static_cast<u8*>(mem) + sizeof(Lwp)) CondVar("l_waitcv");
  if (!opts.joinable) {
    l->detached = true;
  } else {
    void* q = kmalloc(sizeof(SleepQueue));
    if (!q) {
      l->l_waitcv->~CondVar();
      hal::kernel_stack_free(l->stack);
      l->~Lwp();
      kfree(mem);
      return Error::NoMem;
    }
    l->join_waiters = new (q) SleepQueue("lwp_join");
    l->detached = false;
  }
  l->name = opts.name;
  l->priority = static_cast<u8>(opts.priority);
  l->pinned = opts.pinned;
  l->place_on = opts.place_on;
  __atomic_fetch_add(&g_live_lwps, 1, __ATOMIC_RELAXED);
  return l;
}

Result<Lwp*> lwp_create(void (*entry)(void*), void* arg,
                        const LwpOptions& opts) {
  KASSERT(opts.priority > 0 && opts.priority < kNumPriorities);
  KASSERT(opts.pinned < int(hal::online_cpus()));
  Lwp* l = TRY(lwp_alloc(opts));
  l->entry = entry;
  l->arg = arg;
  hal::context_init(l->ctx, l->stack.top, sched_thread_start, l);
  sched_setrunnable(l);
  return l;
}

void lwp_exit() {
  (void)hal::irq_save();
  Lwp* l = curlwp();
  KASSERT(!l->static_storage);
  if (l->locks.count != 0)
    panic("thread %s exits holding %s taken at %s:%d", l->name,
          l->locks.held[0].name, l->locks.held[0].where.file,
          l->locks.held[0].where.line);
  l->state = LwpState::LSZOMB;
  sched_switch();
  panic("zombie thread %s ran again", l->name);
}

// On the next thread's stack, interrupts off: the zombie's stack is free to
// go. A detached thread is freed; a joinable one wakes its joiner, and is
// released (on_cpu 0) only after that, so the joiner frees it safely.
void lwp_reap_after_switch(Lwp* l) {
  if (l->detached) {
    __atomic_store_n(&l->on_cpu, 0u, __ATOMIC_RELEASE);
    lwp_free(l);
    return;
  }
  if (l->join_waiters) {
    SpinGuard guard(l->join_waiters->lock());
    l->join_waiters->wake_all_locked();
  }
  // Joiners and process reapers wait for this before freeing it.
  __atomic_store_n(&l->on_cpu, 0u, __ATOMIC_RELEASE);
}

void lwp_join(Lwp* l) {
  KASSERT(!l->detached && l->join_waiters);
  SleepQueue* q = l->join_waiters;
  hal::IrqState s = hal::irq_save();
  q->lock().lock();
  while (l->state != LwpState::LSZOMB || __atomic_load_n(&l->on_cpu, __ATOMIC_ACQUIRE)) {
    if (l->state == LwpState::LSZOMB) {
      // Exited, its hart is finishing the switch: a few instructions.
      q->lock().unlock();
      SpinWait w;
      while (__atomic_load_n(&l->on_cpu, __ATOMIC_ACQUIRE)) w.pause();
      q->lock().lock();
      continue;
    }
    q->block_locked(0, {__FILE__, __LINE__});
    q->lock().lock();
  }
  q->lock().unlock();
  hal::irq_restore(s);
  lwp_free(l);
}

u64 lwp_live_count() { return __atomic_load_n(&g_live_lwps, __ATOMIC_RELAXED); }

}  // namespace tine
