// Run-queue ordering and the stealing decision, on plain objects.
#include <catch2/catch.hpp>

#include "core/sched/lwp.h"
#include "core/sched/runqueue.h"

using namespace tine;

namespace {
Lwp make(unsigned pri, int pinned = -1) {
  Lwp l;
  l.priority = static_cast<u8>(pri);
  l.pinned = pinned;
  return l;
}
}  // namespace

TEST_CASE("run queue: higher priority first, round robin within a level",
          "[sched]") {
  RunQueue rq;
  Lwp a = make(kPriKernel), b = make(kPriKernel), c = make(kPriUser),
      d = make(kPriKernel + 3);
  SpinGuard g(rq.lock);
  rq.enqueue(&a);
  rq.enqueue(&c);
  rq.enqueue(&b);
  rq.enqueue(&d);
  REQUIRE(rq.count() == 4);
  REQUIRE(rq.best_priority() == int(kPriKernel + 3));
  REQUIRE(rq.dequeue_best() == &d);
  REQUIRE(rq.dequeue_best() == &a);
  rq.enqueue(&a);  // a used its slice: behind b now
  REQUIRE(rq.dequeue_best() == &b);
  REQUIRE(rq.dequeue_best() == &a);
  REQUIRE(rq.dequeue_best() == &c);
  REQUIRE(rq.dequeue_best() == nullptr);
  REQUIRE(rq.count() == 0);
  REQUIRE(rq.best_priority() == -1);
}

TEST_CASE("run queue: a thief skips threads pinned to another hart",
          "[sched]") {
  RunQueue rq;
  Lwp pinned_high = make(20, 0), free_low = make(5), pinned_to_thief = make(10, 2);
  SpinGuard g(rq.lock);
  rq.enqueue(&pinned_high);
  rq.enqueue(&free_low);
  rq.enqueue(&pinned_to_thief);
  REQUIRE(rq.steal_for(1) == &free_low);
  REQUIRE(rq.steal_for(1) == nullptr);
  REQUIRE(rq.steal_for(2) == &pinned_to_thief);
  REQUIRE(rq.count() == 1);
  REQUIRE(rq.dequeue_best() == &pinned_high);
}

TEST_CASE("run queue: a thief skips a thread still switching out on its hart",
          "[sched]") {
  // Woken between its sleep-queue unlock and the end of its switch, a
  // thread sits on its hart's queue with on_cpu still 1. Stolen then, the
  // thief waits for that hart; if that hart stole the thief's own outgoing
  // thread, both wait for ever (the hang this test pins down).
  RunQueue rq;
  Lwp leaving = make(20), settled = make(5);
  leaving.on_cpu = 1;
  SpinGuard g(rq.lock);
  rq.enqueue(&leaving);
  rq.enqueue(&settled);
  REQUIRE(rq.steal_for(1) == &settled);
  REQUIRE(rq.steal_for(1) == nullptr);
  REQUIRE(rq.count() == 1);
  leaving.on_cpu = 0;  // its hart finished the switch: fair game now
  REQUIRE(rq.steal_for(1) == &leaving);
}

TEST_CASE("stealing takes from the busiest other hart", "[sched]") {
  const unsigned counts[] = {3, 0, 5, 5};
  REQUIRE(choose_steal_victim(counts, 4, 1) == 2);  // ties: lowest index
  REQUIRE(choose_steal_victim(counts, 4, 2) == 3);
  const unsigned idle[] = {0, 0, 0, 0};
  REQUIRE(choose_steal_victim(idle, 4, 0) == -1);
  const unsigned only_self[] = {7, 0};
  REQUIRE(choose_steal_victim(only_self, 2, 0) == -1);
}
