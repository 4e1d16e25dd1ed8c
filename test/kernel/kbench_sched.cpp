// Scheduler benchmarks: thread switch, condition-variable round trip, and
// the latency of waking a thread on another hart.
#include "core/sync/condvar.h"
#include "core/lib/console.h"
#include "core/boot/kbench.h"
#include "core/sched/lwp.h"
#include "core/sync/mutex.h"
#include "core/sched/sched.h"
#include "hal/hal.h"

using namespace tine;

namespace {

constexpr unsigned kRounds = 20000;

void yield_many(void*) {
  for (unsigned i = 0; i < kRounds; i++) yield();
}

void report(const char* name, u64 total_ns, u64 ops) {
  kprintf("bench %s: %lu ns/op (%lu ops)\n", name,
          (unsigned long)(total_ns / ops), (unsigned long)ops);
}

Lwp* start(void (*fn)(void*), void* arg, int cpu) {
  LwpOptions o;
  o.joinable = true;
  o.pinned = cpu;
  return MUST(lwp_create(fn, arg, o));
}

struct PingPong {
  Mutex m{"pingpong", LockRank::Test};
  CondVar cv{"pingpong"};
  unsigned turn GUARDED_BY(m) = 0;  // 0: ping's turn, 1: pong's
};

void ping(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  MutexGuard g(p->m);
  for (unsigned i = 0; i < kRounds; i++) {
    while (p->turn != 0) p->cv.wait(p->m);
    p->turn = 1;
    p->cv.signal();
  }
}

void pong(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  MutexGuard g(p->m);
  for (unsigned i = 0; i < kRounds; i++) {
    while (p->turn != 1) p->cv.wait(p->m);
    p->turn = 0;
    p->cv.signal();
  }
}

struct Wakeup {
  Mutex m{"wakeup", LockRank::Test};
  CondVar cv{"wakeup"};
  CondVar done{"wakeup-done"};
  u64 sent_at GUARDED_BY(m) = 0;
  u64 total GUARDED_BY(m) = 0;
  unsigned seq GUARDED_BY(m) = 0;
  unsigned seen GUARDED_BY(m) = 0;
};

constexpr unsigned kWakeups = 2000;

void sleeper(void* arg) {
  auto* w = static_cast<Wakeup*>(arg);
  MutexGuard g(w->m);
  for (unsigned i = 1; i <= kWakeups; i++) {
    while (w->seq != i) w->cv.wait(w->m);
    w->total += hal::time_ns() - w->sent_at;
    w->seen = i;
    w->done.signal();
  }
}

}  // namespace

KBENCH(yield_switch_one_hart) {
  const int cpu = int(hal::online_cpus()) - 1;
  const u64 t0 = hal::time_ns();
  Lwp* a = start(yield_many, nullptr, cpu);
  Lwp* b = start(yield_many, nullptr, cpu);
  lwp_join(a);
  lwp_join(b);
  report("yield_switch_one_hart", hal::time_ns() - t0, 2 * kRounds);
}

KBENCH(condvar_round_trip_one_hart) {
  static PingPong p;
  const int cpu = int(hal::online_cpus()) - 1;
  const u64 t0 = hal::time_ns();
  Lwp* a = start(ping, &p, cpu);
  Lwp* b = start(pong, &p, cpu);
  lwp_join(a);
  lwp_join(b);
  report("condvar_round_trip_one_hart", hal::time_ns() - t0, kRounds);
}

KBENCH(wakeup_other_hart) {
  if (hal::online_cpus() < 2) {
    kprintf("bench wakeup_other_hart: needs 2 harts\n");
    return;
  }
  static Wakeup w;
  Lwp* s = start(sleeper, &w, 1);
  // Pin ourselves' partner side: we signal from whatever hart we are on,
  // which is never hart 1 once the sleeper holds it.
  for (unsigned i = 1; i <= kWakeups; i++) {
    MutexGuard g(w.m);
    w.sent_at = hal::time_ns();
    w.seq = i;
    w.cv.signal();
    while (w.seen != i) w.done.wait(w.m);
  }
  lwp_join(s);
  MutexGuard g(w.m);
  kprintf("bench wakeup_other_hart: %lu ns from signal to running (%u wakeups)\n",
          (unsigned long)(w.total / kWakeups), kWakeups);
}
