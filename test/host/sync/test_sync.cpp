// Mutexes and condition variables under real host threads: the generic
// scheduler, sleep queues and locks against hal/host's context switch.
#include <catch2/catch.hpp>

#include <atomic>

#include "core/sync/condvar.h"
#include "core/sched/cpu.h"
#include "core/sync/mutex.h"
#include "core/sched/sched.h"
#include "core/sync/sleepq.h"
#include "hal/host/hal_host.h"
#include "test/host/sched_machine.h"

using namespace tine;
using tine::test::run_lwps;
using tine::test::start_sched_machine;

namespace {

struct Counter {
  Mutex m{"counter", LockRank::Test};
  u64 value GUARDED_BY(m) = 0;
  unsigned rounds = 0;
};

void add_under_mutex(void* arg) {
  auto* c = static_cast<Counter*>(arg);
  for (unsigned i = 0; i < c->rounds; i++) {
    MutexGuard g(c->m);
    u64 v = c->value;
    if (i % 64 == 0) yield();  // widen the window a lost update would need
    c->value = v + 1;
  }
}

}  // namespace

TEST_CASE("mutex: 8 threads on 4 harts lose no increment", "[sync]") {
  start_sched_machine();
  Counter c;
  c.rounds = 20000;
  void* args[8];
  for (auto& a : args) a = &c;
  run_lwps(8, add_under_mutex, args, LwpOptions{});
  MutexGuard g(c.m);
  REQUIRE(c.value == 8u * 20000u);
}

namespace {
struct Ring {
  static constexpr unsigned kThreads = 16;
  Mutex m{"ring", LockRank::Test};
  CondVar turn_changed[kThreads] = {
      CondVar("ring0"), CondVar("ring1"), CondVar("ring2"), CondVar("ring3"),
      CondVar("ring4"), CondVar("ring5"), CondVar("ring6"), CondVar("ring7"),
      CondVar("ring8"), CondVar("ring9"), CondVar("ring10"), CondVar("ring11"),
      CondVar("ring12"), CondVar("ring13"), CondVar("ring14"), CondVar("ring15")};
  unsigned turn GUARDED_BY(m) = 0;
  u64 handoffs GUARDED_BY(m) = 0;
  unsigned per_thread[kThreads] = {};
  unsigned rounds = 0;
};
struct RingSeat {
  Ring* ring;
  unsigned index;
};

void ring_member(void* arg) {
  auto* seat = static_cast<RingSeat*>(arg);
  Ring& r = *seat->ring;
  const unsigned me = seat->index;
  for (unsigned i = 0; i < r.rounds; i++) {
    MutexGuard g(r.m);
    while (r.turn != me) r.turn_changed[me].wait(r.m);
    r.handoffs++;
    r.per_thread[me]++;
    r.turn = (me + 1) % Ring::kThreads;
    r.turn_changed[r.turn].signal();
  }
}
}  // namespace

TEST_CASE("condvar: a token passes around a ring with every handoff counted",
          "[sync]") {
  start_sched_machine();
  Ring r;
  r.rounds = 500;
  RingSeat seats[Ring::kThreads];
  void* args[Ring::kThreads];
  for (unsigned i = 0; i < Ring::kThreads; i++) {
    seats[i] = {&r, i};
    args[i] = &seats[i];
  }
  run_lwps(Ring::kThreads, ring_member, args, LwpOptions{});
  MutexGuard g(r.m);
  REQUIRE(r.handoffs == u64(Ring::kThreads) * r.rounds);
  for (unsigned n : r.per_thread) REQUIRE(n == r.rounds);
}

namespace {
struct Alarm {
  Mutex m{"alarm", LockRank::Test};
  CondVar cv{"alarm"};
  bool timed_out = false;
  u64 waited_ns = 0;
  std::atomic<bool> waiting{false};
};

void wait_with_timeout(void* arg) {
  auto* a = static_cast<Alarm*>(arg);
  MutexGuard g(a->m);
  u64 t0 = hal::time_ns();
  a->waiting = true;
  a->timed_out = a->cv.timed_wait(a->m, 20'000'000);
  a->waited_ns = hal::time_ns() - t0;
}
}  // namespace

TEST_CASE("condvar: timed_wait times out, or returns early on a signal",
          "[sync]") {
  start_sched_machine();
  SECTION("nobody signals: it times out after about the time asked") {
    Alarm a;
    void* args[1] = {&a};
    run_lwps(1, wait_with_timeout, args, LwpOptions{});
    REQUIRE(a.timed_out);
    REQUIRE(a.waited_ns >= 20'000'000u);
    REQUIRE(a.waited_ns < 2'000'000'000u);
  }
  SECTION("a signal ends the wait early and says so") {
    Alarm a;
    LwpOptions o;
    o.joinable = true;
    Lwp* l = MUST(lwp_create(wait_with_timeout, &a, o));
    while (!a.waiting) yield();
    {
      MutexGuard g(a.m);  // the waiter is asleep once it released m
      a.cv.signal();
    }
    lwp_join(l);
    REQUIRE_FALSE(a.timed_out);
    REQUIRE(a.waited_ns < 20'000'000u);
  }
}

TEST_CASE("mutex misuse panics naming both places", "[sync]") {
  start_sched_machine();
  Mutex m("misused", LockRank::Test);
  SECTION("recursive lock") {
    m.lock();
    REQUIRE_THROWS_WITH(m.lock(), Catch::Contains("recursive lock") &&
                                      Catch::Contains("already held since"));
    m.unlock();
  }
  SECTION("unlock by a thread that does not own it") {
    REQUIRE_THROWS_WITH(m.unlock(), Catch::Contains("owned by nobody"));
  }
  SECTION("sleeping while holding a spin lock") {
    SpinLock s("held-spin", LockRank::Test);
    hal::IrqState st = hal::irq_save();
    s.lock();
    REQUIRE_THROWS_WITH(m.lock(), Catch::Contains("held-spin") &&
                                      Catch::Contains("test_sync.cpp"));
    s.unlock();
    hal::irq_restore(st);
  }
  SECTION("taking locks out of order") {
    Mutex outer("outer", LockRank::TestOuter), inner("inner", LockRank::TestInner);
    inner.lock();
    REQUIRE_THROWS_WITH(outer.lock(), Catch::Contains("lock order") &&
                                          Catch::Contains("inner"));
    inner.unlock();
  }
}
