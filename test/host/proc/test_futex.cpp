// The futex layer (core/proc/futex.h) on simulated harts: waiters are real
// LWPs asleep in futex_wait, "user memory" is host memory at a low address
// (fake_uaccess.cpp: below the Sv39 user top, as futex_key requires), and
// keys are private, keyed by a stand-in space pointer that is never
// followed. Every test ends with no waiter left on any bucket.
#include <catch2/catch.hpp>

#include <sys/mman.h>

#include <atomic>

#include "core/proc/futex.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "hal/hal.h"
#include "test/host/fake_uaccess.h"
#include "test/host/sched_machine.h"

using namespace tine;
using tine::test::start_sched_machine;

namespace {

// A page of "user memory" below kUserVaTop (ASan leaves low memory alone).
u32* user_words() {
  static void* page = [] {
    void* p = mmap(reinterpret_cast<void*>(0x30000000), 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    REQUIRE(p == reinterpret_cast<void*>(0x30000000));
    return p;
  }();
  return static_cast<u32*>(page);
}
uptr ua(u32* w) { return reinterpret_cast<uptr>(w); }

int g_space_a, g_space_b;  // two stand-in address spaces
VmSpace* space_a() { return reinterpret_cast<VmSpace*>(&g_space_a); }
VmSpace* space_b() { return reinterpret_cast<VmSpace*>(&g_space_b); }

std::atomic<bool> g_signal{false};
bool signal_pending() { return g_signal.load(); }

struct Waiter {
  VmSpace* vs = space_a();
  u32* word = nullptr;
  u32 val = 0;
  u32 bitset = kFutexBitsetAny;
  u64 deadline = kFutexForever;
  std::atomic<bool> finished{false};
  Result<void> result = Error::Inval;
  Lwp* lwp = nullptr;
};

void wait_fn(void* arg) {
  auto* w = static_cast<Waiter*>(arg);
  w->result = futex_wait(w->vs, ua(w->word), false, w->val, w->bitset, w->deadline);
  w->finished = true;
}

// Starts w and returns once it is asleep (in its futex, nothing else sleeps).
void start(Waiter& w) {
  LwpOptions o;
  o.joinable = true;
  w.lwp = MUST(lwp_create(wait_fn, &w, o));
  while (lwp_state_load(w.lwp) != LwpState::LSSLEEP && !w.finished) yield();
}

constexpr u64 kPatienceNs = 2'000'000'000;

// Whether w finishes within the patience; joins it either way (a waiter
// that did not finish is woken by force first, and the test fails).
bool finishes(Waiter& w) {
  const u64 deadline = hal::time_ns() + kPatienceNs;
  while (!w.finished && hal::time_ns() < deadline) yield();
  const bool in_time = w.finished;
  while (!w.finished) {
    (void)futex_wake(w.vs, ua(w.word), false, 100, kFutexBitsetAny);
    yield();
  }
  lwp_join(w.lwp);
  return in_time;
}

}  // namespace

TEST_CASE("futex_wait: a word that differs is EAGAIN, bad input EINVAL/EFAULT", "[futex]") {
  start_sched_machine();
  u32* w = user_words();
  w[0] = 5;
  REQUIRE(futex_wait(space_a(), ua(w), false, 4, kFutexBitsetAny, kFutexForever).error() ==
          Error::Again);
  REQUIRE(futex_wait(space_a(), ua(w) + 1, false, 5, kFutexBitsetAny, kFutexForever).error() ==
          Error::Inval);
  REQUIRE(futex_wait(space_a(), ua(w), false, 5, 0, kFutexForever).error() == Error::Inval);
  REQUIRE(futex_wake(space_a(), ua(w), false, 1, 0).error() == Error::Inval);
  // Beyond the user half, and a user address that faults.
  REQUIRE(futex_wake(space_a(), uptr{1} << 40, false, 1, kFutexBitsetAny).error() ==
          Error::Fault);
  REQUIRE(futex_wait(space_a(), 0x1000, false, 0, kFutexBitsetAny, kFutexForever).error() ==
          Error::Fault);
  // A private wake needs no memory behind the address: nobody waits there.
  REQUIRE(futex_wake(space_a(), 0x1000, false, 1, kFutexBitsetAny).value() == 0);
  REQUIRE(futex_waiters_count() == 0);
}

TEST_CASE("futex_wait: a word that could not be read under the lock is read again", "[futex]") {
  start_sched_machine();
  u32* w = user_words();
  w[0] = 5;
  test::fake_uaccess_fail_nosleep(3);
  REQUIRE(futex_wait(space_a(), ua(w), false, 4, kFutexBitsetAny, kFutexForever).error() ==
          Error::Again);
  REQUIRE(test::g_nosleep_failures.load() <= 0);
  test::fake_uaccess_fail_nosleep(0);
}

TEST_CASE("futex_wake wakes a sleeping waiter, and only one of the same key and bits",
          "[futex]") {
  start_sched_machine();
  u32* words = user_words();
  words[1] = 7;
  Waiter a, b, other_space, other_bits;
  for (Waiter* x : {&a, &b, &other_space, &other_bits}) {
    x->word = &words[1];
    x->val = 7;
  }
  a.bitset = b.bitset = other_space.bitset = 0x1;
  other_space.vs = space_b();
  other_bits.bitset = 0x2;
  for (Waiter* x : {&a, &b, &other_space, &other_bits}) start(*x);
  REQUIRE(futex_waiters_count() == 4);
  // No waiter of space A has bit 0x4; the other space's key differs.
  // Bit 0x1 wakes only those with it.
  REQUIRE(futex_wake(space_a(), ua(&words[1]), false, 10, 0x4).value() == 0);
  // One at a time, longest waiter first; at least one for a count of 0.
  REQUIRE(futex_wake(space_a(), ua(&words[1]), false, 0, 0x1).value() == 1);
  REQUIRE(finishes(a));
  REQUIRE(a.result.ok());
  REQUIRE_FALSE(b.finished);
  REQUIRE(futex_wake(space_a(), ua(&words[1]), false, 10, kFutexBitsetAny).value() == 2);
  REQUIRE(finishes(b));
  REQUIRE(finishes(other_bits));
  REQUIRE(b.result.ok());
  REQUIRE_FALSE(other_space.finished);
  REQUIRE(futex_wake(space_b(), ua(&words[1]), false, 1, kFutexBitsetAny).value() == 1);
  REQUIRE(finishes(other_space));
  REQUIRE(futex_waiters_count() == 0);
}

TEST_CASE("futex_wait: a timeout and a signal end the wait and leave no waiter behind",
          "[futex]") {
  start_sched_machine();
  u32* words = user_words();
  words[2] = 1;
  SECTION("timeout") {
    Waiter w;
    w.word = &words[2];
    w.val = 1;
    w.deadline = hal::time_ns() + 20'000'000;
    start(w);
    REQUIRE(finishes(w));
    REQUIRE(w.result.error() == Error::TimedOut);
    REQUIRE(hal::time_ns() >= w.deadline);
  }
  SECTION("a deadline already past") {
    Waiter w;
    w.word = &words[2];
    w.val = 1;
    w.deadline = 0;
    start(w);
    REQUIRE(finishes(w));
    REQUIRE(w.result.error() == Error::TimedOut);
  }
  SECTION("signal") {
    g_signal = false;
    sleep_intr_set_check(signal_pending);
    Waiter w;
    w.word = &words[2];
    w.val = 1;
    start(w);
    // A wake for a signal the check does not report: it sleeps on.
    sleep_intr_wake(w.lwp);
    for (int i = 0; i < 50; i++) yield();
    REQUIRE_FALSE(w.finished);
    g_signal = true;
    sleep_intr_wake(w.lwp);
    REQUIRE(finishes(w));
    REQUIRE(w.result.error() == Error::Intr);
    sleep_intr_set_check(nullptr);
    g_signal = false;
  }
  REQUIRE(futex_waiters_count() == 0);
}

TEST_CASE("futex_requeue wakes some, moves some, and CMP_REQUEUE checks the word",
          "[futex]") {
  start_sched_machine();
  u32* words = user_words();
  words[3] = 3;
  words[4] = 0;
  Waiter w[3];
  for (Waiter& x : w) {
    x.word = &words[3];
    x.val = 3;
    start(x);
  }
  const u32 stale = 2, current = 3;
  REQUIRE(futex_requeue(space_a(), ua(&words[3]), ua(&words[4]), false, 1, 1, &stale).error() ==
          Error::Again);
  REQUIRE(futex_requeue(space_a(), ua(&words[3]), ua(&words[4]), false, -1, 1, nullptr).error() ==
          Error::Inval);
  // Counting without moving: requeue onto itself, nobody woken.
  REQUIRE(futex_requeue(space_a(), ua(&words[3]), ua(&words[3]), false, 0, 100, nullptr).value() ==
          3);
  REQUIRE(futex_requeue(space_a(), ua(&words[3]), ua(&words[4]), false, 1, 1, &current).value() ==
          2);
  REQUIRE(finishes(w[0]));
  REQUIRE(w[0].result.ok());
  // w[1] now waits on words[4], w[2] still on words[3].
  REQUIRE(futex_wake(space_a(), ua(&words[4]), false, 10, kFutexBitsetAny).value() == 1);
  REQUIRE(finishes(w[1]));
  REQUIRE(futex_wake(space_a(), ua(&words[3]), false, 10, kFutexBitsetAny).value() == 1);
  REQUIRE(finishes(w[2]));
  REQUIRE(futex_waiters_count() == 0);
}

TEST_CASE("futex_wake_op changes the second word and wakes by its old value", "[futex]") {
  start_sched_machine();
  u32* words = user_words();
  words[5] = 0;
  words[6] = 10;
  auto encode = [](u32 op, u32 cmp, u32 oparg, u32 cmparg) {
    return (op & 0xf) << 28 | (cmp & 0xf) << 24 | (oparg & 0xfff) << 12 | (cmparg & 0xfff);
  };
  // ADD 5 to words[6]; old value 10 > 9: both sides woken.
  Waiter a, b;
  a.word = &words[5];
  b.word = &words[6];
  b.val = 10;
  start(a);
  start(b);
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), ua(&words[6]), false, 1, 1,
                        encode(1, 4, 5, 9)).value() == 2);
  REQUIRE(words[6] == 15);
  REQUIRE(finishes(a));
  REQUIRE(finishes(b));
  // ANDN with the shift flag clears bit 0; old 15 == 0 is false: no wake.
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), ua(&words[6]), false, 1, 1,
                        encode(8 | 3, 0, 0, 0)).value() == 0);
  REQUIRE(words[6] == 14);
  // SET, OR, XOR; a negative oparg is sign-extended.
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), ua(&words[6]), false, 1, 1,
                        encode(0, 0, 0xfff, 0)).value() == 0);
  REQUIRE(words[6] == 0xffffffffu);
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), ua(&words[6]), false, 1, 1,
                        encode(4, 0, 0xf0, 0)).value() == 0);
  REQUIRE(words[6] == 0xffffff0fu);
  words[6] = 1;
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), ua(&words[6]), false, 1, 1,
                        encode(2, 0, 6, 0)).value() == 0);
  REQUIRE(words[6] == 7);
  // An unknown operation changes nothing; an unknown comparison comes
  // after the operation, as on Linux.
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), ua(&words[6]), false, 1, 1,
                        encode(5, 0, 1, 0)).error() == Error::NoSys);
  REQUIRE(words[6] == 7);
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), ua(&words[6]), false, 1, 1,
                        encode(1, 6, 1, 0)).error() == Error::NoSys);
  REQUIRE(words[6] == 8);
  REQUIRE(futex_wake_op(space_a(), ua(&words[5]), 0x1000, false, 1, 1, encode(0, 0, 1, 0))
              .error() == Error::Fault);
  REQUIRE(futex_waiters_count() == 0);
}
