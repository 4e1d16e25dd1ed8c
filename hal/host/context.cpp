// Threads on the host: every LWP context is a host thread, and a context
// switch hands a per-thread semaphore over, so exactly one host thread runs
// per simulated hart at a time. The generic scheduler, sleep queues, mutexes
// and condition variables run unchanged on top, with real concurrency
// between harts. Every hart simulates its one-shot timer: an idle one in
// wait_for_interrupt, a busy one when it turns interrupts back on.
#include <atomic>
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

namespace {
constexpr u64 kTickNs = 1'000'000;  // the simulated scheduler tick's period
// Each hart's programmed deadline (timer_program); 0 until the first
// program, so that the first chance takes an interrupt and programs it.
std::atomic<u64> g_deadline_ns[kMaxCpus];
thread_local bool t_in_tick = false;

void take_tick() {
  t_in_tick = true;
  interrupt_enter();
  clock_interrupt();
  interrupt_exit();
  t_in_tick = false;
}

// Takes the calling hart's timer interrupt if its deadline has passed.
void interrupt_if_due() {
  if (t_in_tick) return;
  std::atomic<u64>& due = g_deadline_ns[cpu_index()];
  u64 at = due.load(std::memory_order_relaxed);
  if (time_ns() < at || !due.compare_exchange_strong(at, kTimerNever)) return;
  take_tick();
}
}  // namespace

void timer_program(u64 deadline_ns) {
  g_deadline_ns[cpu_index()].store(deadline_ns, std::memory_order_relaxed);
}

u64 tick_period_ns() { return kTickNs; }

// A real hart takes a timer interrupt that came while its interrupts were
// off the moment they are on again. Without this a hart whose thread never
// idles (a test's main thread yielding in a loop) would never run the
// callouts queued on it, and a deadline sleeper placed there would sleep on.
void host::tick_if_due() { interrupt_if_due(); }

void wait_for_interrupt() {
  // Host harts take no IPIs: an idle one polls its queue (and steals) every
  // 200 us, and takes its timer interrupt here when the deadline is past.
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  interrupt_if_due();
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
