// Threads on the host: every LWP context is a host thread, and a context
// switch hands a per-thread semaphore over, so exactly one host thread runs
// per simulated hart at a time. The generic scheduler, sleep queues, mutexes
// and condition variables run unchanged on top, with real concurrency
// between harts. Idle harts simulate their timer tick in wait_for_interrupt.
#include <semaphore>
#include <thread>

#include "core/sched/interrupts.h"
#include "hal/hal.h"
#include "hal/host/hal_host.h"

namespace tine::hal {

namespace {

struct HostThread {
  std::binary_semaphore go{0};
  unsigned cpu = 0;
  void (*entry)(void*) = nullptr;
  void* arg = nullptr;
  bool started = false;
};

// The record of the calling host thread when it was not made by
// context_init (a hart's boot context).
thread_local HostThread* t_self = nullptr;

HostThread* of(Context& ctx) {
  return reinterpret_cast<HostThread*>(ctx.words[0]);
}

}  // namespace

void context_init(Context& ctx, uptr, void (*entry)(void*), void* arg) {
  auto* t = new HostThread;
  t->entry = entry;
  t->arg = arg;
  ctx.words[0] = reinterpret_cast<uptr>(t);
}

void context_switch(Context& from, Context& to) {
  HostThread* f = of(from);
  if (!f) {
    if (!t_self) {
      t_self = new HostThread;
      t_self->started = true;
    }
    f = t_self;
    from.words[0] = reinterpret_cast<uptr>(f);
  }
  HostThread* t = of(to);
  t->cpu = cpu_index();
  if (!t->started) {
    t->started = true;
    std::thread([t] {
      t->go.acquire();
      host::set_cpu_index(t->cpu);
      (void)irq_save();  // a switch happens with interrupts off
      t->entry(t->arg);
    }).detach();
  }
  t->go.release();
  f->go.acquire();
  host::set_cpu_index(f->cpu);
}

void wait_for_interrupt() {
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  // The idle hart's timer tick: callouts and stealing run from here.
  interrupt_enter();
  clock_interrupt();
  interrupt_exit();
}

bool kernel_stack_alloc(KernelStack& out) {
  // Host threads bring their own stacks; this only accounts.
  void* p = ::operator new(kKernelStackSize);
  out.base = reinterpret_cast<uptr>(p);
  out.top = out.base + kKernelStackSize;
  return true;
}

void kernel_stack_free(const KernelStack& s) {
  ::operator delete(reinterpret_cast<void*>(s.base));
}

void set_trap_stack(uptr) {}

}  // namespace tine::hal
