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

TEST_CASE("run queue: real-time levels above every kernel and user level, "
          "highest first across the bitmap's words",
          "[sched][rt]") {
  RunQueue rq;
  Lwp user = make(kPriUser), kern = make(kPriKernel), rt1 = make(kPriRtBase + 1),
      rt50 = make(kPriRtBase + 50), rt99 = make(kPriRtBase + kRtPrioMax),
      rt50b = make(kPriRtBase + 50);
  REQUIRE(kPriRtBase + kRtPrioMax == kNumPriorities - 1);
  SpinGuard g(rq.lock);
  for (Lwp* l : {&user, &kern, &rt1, &rt50, &rt99, &rt50b}) rq.enqueue(l);
  REQUIRE(rq.best_priority() == int(kNumPriorities - 1));
  REQUIRE(rq.dequeue_best() == &rt99);
  REQUIRE(rq.dequeue_best() == &rt50);
  REQUIRE(rq.dequeue_best() == &rt50b);
  REQUIRE(rq.dequeue_best() == &rt1);
  REQUIRE(rq.best_priority() == int(kPriKernel));
  REQUIRE(rq.dequeue_best() == &kern);
  REQUIRE(rq.dequeue_best() == &user);
  REQUIRE(rq.best_priority() == -1);
}

TEST_CASE("run queue: a preempted real-time thread goes back to the head of its level",
          "[sched][rt]") {
  RunQueue rq;
  Lwp a = make(kPriRtBase + 10), b = make(kPriRtBase + 10), c = make(kPriRtBase + 10);
  SpinGuard g(rq.lock);
  rq.enqueue(&b);
  rq.enqueue(&c);
  rq.enqueue_head(&a);
  REQUIRE(rq.dequeue_best() == &a);
  REQUIRE(rq.dequeue_best() == &b);
  REQUIRE(rq.dequeue_best() == &c);
}

TEST_CASE("run queue: a queued thread whose priority changed is removed from the level "
          "it was queued at",
          "[sched][rt]") {
  RunQueue rq;
  Lwp a = make(kPriUser), b = make(kPriRtBase + 5);
  SpinGuard g(rq.lock);
  rq.enqueue(&a);
  rq.enqueue(&b);
  a.priority = u8(kPriRtBase + 20);  // as sched_set_class before its requeue
  rq.remove(&a);
  REQUIRE(rq.count() == 1);
  REQUIRE(rq.best_priority() == int(kPriRtBase + 5));
  rq.enqueue(&a);
  REQUIRE(rq.dequeue_best() == &a);
  REQUIRE(rq.dequeue_best() == &b);
  REQUIRE(rq.best_priority() == -1);
}
