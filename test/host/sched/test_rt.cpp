// Real-time classes on the simulated harts (core/sched/sched.h): on one
// hart, FIFO threads run before time-sharing ones (kernel threads too),
// the higher first; equal ones take turns only at yield; a queued thread
// whose class changes moves to its new level; a real-time thread that a
// higher one preempts goes back to the head of its level, not the tail.
//
// Every thread here is pinned to the last hart. A blocker holds that hart
// (the host harts switch only when a thread calls into the scheduler)
// while the test queues and reclassifies the others, then lets go: the
// log they write, one at a time, is the order they ran in.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>

#include "core/sched/cpu.h"
#include "core/sched/sched.h"
#include "hal/host/hal_host.h"
#include "test/host/sched_machine.h"

using namespace tine;
using tine::test::kHostHarts;
using tine::test::start_sched_machine;

namespace {

constexpr int kHart = int(kHostHarts) - 1;

std::atomic<bool> g_blocker_on{false};
std::atomic<bool> g_release{false};
char g_log[64];
int g_nlog = 0;  // only threads of kHart write it, one at a time

void note(char c) { g_log[g_nlog++] = c; }

void blocker(void*) {
  g_blocker_on = true;
  while (!g_release.load()) {
  }
}

struct Worker {
  char id = '?';
  int rounds = 1;       // notes id this many times, yielding between them
  Lwp* raise = nullptr; // before its second note: made FIFO 7, then a trap exit
};

void work(void* arg) {
  auto* w = static_cast<Worker*>(arg);
  for (int i = 0; i < w->rounds; i++) {
    if (i > 0 && w->raise) {
      sched_set_class(w->raise, SchedClass::Fifo, 7);
      // What the hart does on its way out of a trap with a reschedule
      // pending (a real hart would take it at once).
      hal::IrqState s = hal::irq_save();
      sched_trap_exit(true);
      hal::irq_restore(s);
      note(char(w->id - 'a' + 'A'));
      continue;
    }
    if (i > 0) yield();
    note(w->id);
  }
}

Lwp* spawn(void (*fn)(void*), void* arg, unsigned priority) {
  LwpOptions o;
  o.pinned = kHart;
  o.joinable = true;
  o.priority = priority;
  return MUST(lwp_create(fn, arg, o));
}

// Runs `setup` (which creates and reclassifies workers) while the blocker
// holds kHart, releases it, joins everything, returns the log.
template <typename Setup>
std::string run_on_held_hart(Setup setup) {
  g_nlog = 0;
  g_release = false;
  g_blocker_on = false;
  Lwp* b = spawn(blocker, nullptr, kPriKernel);
  while (!g_blocker_on.load()) yield();
  Lwp* made[8] = {};
  const int n = setup(made);
  g_release = true;
  lwp_join(b);
  for (int i = 0; i < n; i++) lwp_join(made[i]);
  return std::string(g_log, size_t(g_nlog));
}

}  // namespace

TEST_CASE("real-time: higher FIFO first, above kernel and user levels; equal ones "
          "take turns at yield",
          "[sched][rt]") {
  start_sched_machine();
  Worker o{'o', 1}, a{'a', 2}, c{'c', 1}, b{'b', 2}, k{'k', 1};
  const std::string log = run_on_held_hart([&](Lwp** made) {
    made[0] = spawn(work, &o, kPriUser);
    made[1] = spawn(work, &a, kPriUser);
    made[2] = spawn(work, &c, kPriUser);
    made[3] = spawn(work, &b, kPriUser);
    made[4] = spawn(work, &k, kPriKernel);  // a kernel thread: below real time
    // Queued at kPriUser: each moves to its real-time level.
    sched_set_class(made[1], SchedClass::Fifo, 5);
    sched_set_class(made[2], SchedClass::Fifo, 10);
    sched_set_class(made[3], SchedClass::Fifo, 5);
    return 5;
  });
  REQUIRE(log == "cababko");
}

TEST_CASE("real-time: a FIFO thread preempted by a higher one runs before its equals "
          "again",
          "[sched][rt]") {
  start_sched_machine();
  Worker p{'p', 2}, q{'q', 1}, x{'x', 1};
  const std::string log = run_on_held_hart([&](Lwp** made) {
    made[0] = spawn(work, &p, kPriUser);
    made[1] = spawn(work, &q, kPriUser);
    made[2] = spawn(work, &x, kPriUser);
    p.raise = made[2];
    sched_set_class(made[0], SchedClass::Fifo, 5);
    sched_set_class(made[1], SchedClass::Fifo, 5);
    return 3;
  });
  // p notes, raises x above itself and is preempted: x runs, then p again
  // (head of level 5), then q.
  REQUIRE(log == "pxPq");
}

TEST_CASE("real-time: back to SCHED_OTHER, a thread runs at the user level again",
          "[sched][rt]") {
  start_sched_machine();
  Worker u{'u', 1}, v{'v', 1};
  const std::string log = run_on_held_hart([&](Lwp** made) {
    made[0] = spawn(work, &u, kPriUser);
    made[1] = spawn(work, &v, kPriUser);
    sched_set_class(made[0], SchedClass::Rr, 50);
    sched_set_class(made[1], SchedClass::Fifo, 1);
    sched_set_class(made[0], SchedClass::Other, 0);
    REQUIRE(made[0]->priority == kPriUser);
    REQUIRE(made[1]->priority == kPriRtBase + 1);
    return 2;
  });
  REQUIRE(log == "vu");
}
