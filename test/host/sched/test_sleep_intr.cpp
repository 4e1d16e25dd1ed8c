// sleep_until, the one interruptible sleep (core/sched/sleep_intr.h), on
// simulated harts: it returns when its condition becomes true, and ends
// with EINTR when the installed check reports a signal, whether the signal
// was there before the sleep or came during it. A sleeper that ignored
// signals would not finish: the tests wait for it a bounded time, then
// release it by making its condition true and fail.
#include <catch2/catch.hpp>

#include <atomic>

#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "hal/host/hal_host.h"
#include "test/host/sched_machine.h"

using namespace tine;
using tine::test::start_sched_machine;

namespace {

std::atomic<bool> g_signal{false};
bool signal_pending() { return g_signal.load(); }

// Installs the check for one test and takes it away again, so that the
// other tests in this binary sleep without polling.
struct CheckInstalled {
  CheckInstalled() {
    g_signal = false;
    sleep_intr_set_check(signal_pending);
  }
  ~CheckInstalled() {
    sleep_intr_set_check(nullptr);
    g_signal = false;
  }
};

struct Sleeper {
  Mutex m{"sleeper", LockRank::Test};
  CondVar cv{"sleeper"};
  bool ready GUARDED_BY(m) = false;
  u64 until_ns = 0;  // != 0: sleep without a cv until then
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  Result<void> result = Error::Inval;  // overwritten by the sleeper
  u64 slept_ns = 0;
  Lwp* lwp = nullptr;
};

void sleep_on_cv(void* arg) {
  auto* s = static_cast<Sleeper*>(arg);
  MutexGuard g(s->m);
  const u64 t0 = hal::time_ns();
  s->started = true;
  s->result = sleep_until(SleepOn{.cv = &s->cv, .m = &s->m}, [&] {
    s->m.assert_held();
    return s->ready;
  });
  s->slept_ns = hal::time_ns() - t0;
  s->finished = true;
}

void sleep_to_deadline(void* arg) {
  auto* s = static_cast<Sleeper*>(arg);
  const u64 t0 = hal::time_ns();
  s->started = true;
  s->result = sleep_until(SleepOn{.until_ns = s->until_ns},
                          [&] { return hal::time_ns() >= s->until_ns; });
  s->slept_ns = hal::time_ns() - t0;
  s->finished = true;
}

void start(Sleeper& s, void (*fn)(void*)) {
  LwpOptions o;
  o.joinable = true;
  s.lwp = MUST(lwp_create(fn, &s, o));
  while (!s.started) yield();
}

// Waits up to `ns` for the sleeper to finish by itself; then wakes it by
// making its condition true (a sleeper on a cv), joins it, and says whether
// it had finished in time.
bool finishes_within(Sleeper& s, u64 ns) {
  const u64 deadline = hal::time_ns() + ns;
  while (!s.finished && hal::time_ns() < deadline) yield();
  const bool in_time = s.finished;
  if (!in_time && s.until_ns == 0) {
    MutexGuard g(s.m);
    s.ready = true;
    s.cv.broadcast();
  }
  lwp_join(s.lwp);
  return in_time;
}

// Far above the 10 ms poll, for an overloaded host.
constexpr u64 kPatienceNs = 2'000'000'000;

}  // namespace

TEST_CASE("sleep_until returns when its condition becomes true", "[sched][sleep]") {
  start_sched_machine();
  CheckInstalled check;
  Sleeper s;
  start(s, sleep_on_cv);
  {
    MutexGuard g(s.m);
    s.ready = true;
    s.cv.broadcast();
  }
  REQUIRE(finishes_within(s, kPatienceNs));
  REQUIRE(s.result.ok());
}

TEST_CASE("sleep_until: a signal pending before the sleep ends it with EINTR",
          "[sched][sleep]") {
  start_sched_machine();
  CheckInstalled check;
  g_signal = true;
  Sleeper s;
  start(s, sleep_on_cv);
  REQUIRE(finishes_within(s, kPatienceNs));
  REQUIRE(s.result.error() == Error::Intr);
}

TEST_CASE("sleep_until: a signal during the sleep ends it with EINTR", "[sched][sleep]") {
  start_sched_machine();
  CheckInstalled check;
  Sleeper s;
  start(s, sleep_on_cv);
  // Let it go to sleep on the cv; nobody will broadcast.
  for (int i = 0; i < 20; i++) yield();
  {
    MutexGuard g(s.m);  // held by the sleeper until it is on the cv
  }
  g_signal = true;
  REQUIRE(finishes_within(s, kPatienceNs));
  REQUIRE(s.result.error() == Error::Intr);
}

TEST_CASE("sleep_until: a true condition wins over a pending signal", "[sched][sleep]") {
  start_sched_machine();
  CheckInstalled check;
  g_signal = true;
  Mutex m("cond", LockRank::Test);
  CondVar cv("cond");
  MutexGuard g(m);
  REQUIRE(sleep_until(SleepOn{.cv = &cv, .m = &m}, [] { return true; }).ok());
}

TEST_CASE("sleep_until without a cv: sleeps to the deadline, or a signal ends it",
          "[sched][sleep]") {
  start_sched_machine();
  CheckInstalled check;
  SECTION("no signal: it returns at the deadline, not before") {
    Sleeper s;
    s.until_ns = hal::time_ns() + 30'000'000;
    start(s, sleep_to_deadline);
    REQUIRE(finishes_within(s, kPatienceNs));
    REQUIRE(s.result.ok());
    REQUIRE(hal::time_ns() >= s.until_ns);
  }
  SECTION("a signal ends a long sleep early with EINTR") {
    Sleeper s;
    s.until_ns = hal::time_ns() + 10'000'000'000;  // 10 s
    start(s, sleep_to_deadline);
    g_signal = true;
    REQUIRE(finishes_within(s, kPatienceNs));
    REQUIRE(s.result.error() == Error::Intr);
    REQUIRE(s.slept_ns < kPatienceNs);
  }
}
