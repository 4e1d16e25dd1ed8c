// core/proc/sigqueue: what is pending and with which siginfo. Standard
// signals coalesce and keep their first info; real-time ones queue in
// order, as many as RLIMIT_SIGPENDING allows; with no memory for an entry
// a standard signal is still pending (with made-up SI_USER info) and a
// real-time sigqueue is EAGAIN.
#include <catch2/catch.hpp>

#include "core/proc/sigacts.h"
#include "core/proc/sigpending_count.h"
#include "core/proc/sigqueue.h"
#include "core/vm/heap.h"
#include "test/host/vm_test_util.h"

using namespace tine;

namespace {
SigInfo from(int sig, i32 code, i32 pid, u64 value = 0) {
  SigInfo i = siginfo_kernel(sig, code);
  i.kill.pid = pid;
  i.kill.value = value;
  return i;
}
}  // namespace

TEST_CASE("sigqueue: a standard signal coalesces and keeps its first sender") {
  SigQueue q;
  u64 pending = 0;
  REQUIRE(sigqueue_post(q, pending, from(kSigUsr1, kSiUser, 7), false).ok());
  REQUIRE(sigqueue_post(q, pending, from(kSigUsr1, kSiUser, 8), false).ok());
  CHECK(pending == sigbit(kSigUsr1));
  CHECK(q.n == 1);
  const SigInfo got = sigqueue_take(q, pending, kSigUsr1);
  CHECK(got.si_signo == kSigUsr1);
  CHECK(got.kill.pid == 7);
  CHECK(pending == 0);
  CHECK(q.n == 0);
}

TEST_CASE("sigqueue: real-time signals queue one entry per sending, in order") {
  SigQueue q;
  u64 pending = 0;
  const int rt = kSigRtMin + 2;
  for (u64 v = 1; v <= 3; v++) REQUIRE(sigqueue_post(q, pending, from(rt, kSiQueue, 5, v), true).ok());
  for (u64 v = 1; v <= 3; v++) {
    CHECK((pending & sigbit(rt)) != 0);
    const SigInfo got = sigqueue_take(q, pending, rt);
    CHECK(got.si_code == kSiQueue);
    CHECK(got.kill.value == v);
  }
  CHECK(pending == 0);
}

TEST_CASE("sigqueue: real-time signals queue past the inline entries, in order") {
  // Linux bounds a queue by RLIMIT_SIGPENDING alone (open_posix
  // sigqueue/9-1 queues _SC_SIGQUEUE_MAX of them).
  test::VmMachine machine;  // a heap for the entries past the inline ones
  {
    SigQueue q;
    u64 pending = 0;
    const int rt = kSigRtMin + 1;
    const unsigned many = SigQueue::kInline * 40;
    for (unsigned i = 0; i < many; i++)
      REQUIRE(sigqueue_post(q, pending, from(rt, kSiQueue, 1, i), true).ok());
    CHECK(q.n == many);
    for (unsigned i = 0; i < many; i++) {
      const SigInfo got = sigqueue_take(q, pending, rt);
      REQUIRE(got.kill.value == i);
    }
    CHECK(pending == 0);
    CHECK(q.q == q.inline_slots.at);  // the heap array went with the last entry
  }
  CHECK(machine.all_back());
}

TEST_CASE("sigqueue: no memory refuses sigqueue but keeps kill's signals pending") {
  test::VmMachine machine;
  SigQueue q;
  u64 pending = 0;
  const int rt = kSigRtMin + 1;
  for (unsigned i = 0; i < SigQueue::kInline; i++)
    REQUIRE(sigqueue_post(q, pending, from(rt, kSiQueue, 1, i), true).ok());
  heap_fail_nth_alloc(1);
  CHECK(sigqueue_post(q, pending, from(rt, kSiQueue, 1, 99), true).error() == Error::Again);
  // kill of a standard signal: pending without details.
  heap_fail_nth_alloc(1);
  REQUIRE(sigqueue_post(q, pending, from(kSigTerm, kSiUser, 3), false).ok());
  CHECK((pending & sigbit(kSigTerm)) != 0);
  const SigInfo got = sigqueue_take(q, pending, kSigTerm);
  CHECK(got.si_signo == kSigTerm);
  CHECK(got.si_code == kSiUser);
  CHECK(got.kill.pid == 0);
  CHECK((pending & sigbit(kSigTerm)) == 0);
  CHECK(q.n == SigQueue::kInline);
}

TEST_CASE("sigqueue: flush forgets the signals of a set, info and all") {
  SigQueue q;
  u64 pending = 0;
  REQUIRE(sigqueue_post(q, pending, from(kSigStop, kSiUser, 2), false).ok());
  REQUIRE(sigqueue_post(q, pending, from(kSigUsr2, kSiUser, 2), false).ok());
  REQUIRE(sigqueue_post(q, pending, from(kSigRtMin, kSiQueue, 2), true).ok());
  sigqueue_flush(q, pending, sigbit(kSigStop) | sigbit(kSigRtMin));
  CHECK(pending == sigbit(kSigUsr2));
  CHECK(q.n == 1);
  CHECK(q.q[0].info.si_signo == kSigUsr2);
}

TEST_CASE("sigqueue: an LWP's list and the shared one, peeked and taken apart") {
  SigQueue q;
  u64 pending = 0, mine = 0;
  const Lwp* me = reinterpret_cast<const Lwp*>(&q);  // only compared
  const int rt = kSigRtMin + 2;
  // As kselftest ptrace/peeksiginfo.c: each sending on both lists.
  for (u64 v = 0; v < 3; v++) {
    REQUIRE(sigqueue_post(q, pending, from(rt, -2, 1, v), true).ok());
    REQUIRE(sigqueue_post(q, mine, from(rt, -1, 1, v), true, me).ok());
  }
  for (u64 v = 0; v < 3; v++) {
    const SigInfo* t = sigqueue_peek(q, me, v);
    const SigInfo* s = sigqueue_peek(q, nullptr, v);
    REQUIRE(t);
    REQUIRE(s);
    CHECK(t->si_code == -1);
    CHECK(t->kill.value == v);
    CHECK(s->si_code == -2);
    CHECK(s->kill.value == v);
  }
  CHECK(sigqueue_peek(q, me, 3) == nullptr);
  CHECK(sigqueue_peek(q, nullptr, 3) == nullptr);
  for (u64 v = 0; v < 3; v++) {
    CHECK((mine & sigbit(rt)) != 0);
    const SigInfo got = sigqueue_take(q, mine, rt, me);
    CHECK(got.si_code == -1);
    CHECK(got.kill.value == v);
  }
  CHECK(mine == 0);
  CHECK(pending == sigbit(rt));
  for (u64 v = 0; v < 3; v++) {
    const SigInfo got = sigqueue_take(q, pending, rt);
    CHECK(got.si_code == -2);
    CHECK(got.kill.value == v);
  }
  CHECK(pending == 0);
  CHECK(sigqueue_peek(q, me, 0) == nullptr);
}

TEST_CASE("sigqueue: flush keeps the lists of what stays; forget drops one LWP's") {
  SigQueue q;
  u64 pending = 0, mine = 0;
  const Lwp* me = reinterpret_cast<const Lwp*>(&q);
  REQUIRE(sigqueue_post(q, mine, from(kSigStop, kSiKernel, 0), false, me).ok());
  REQUIRE(sigqueue_post(q, pending, from(kSigUsr1, kSiUser, 2), false).ok());
  REQUIRE(sigqueue_post(q, mine, from(kSigUsr2, kSiTkill, 2), false, me).ok());
  sigqueue_flush(q, mine, sigbit(kSigStop));
  REQUIRE(sigqueue_peek(q, me, 0));
  CHECK(sigqueue_peek(q, me, 0)->si_signo == kSigUsr2);
  REQUIRE(sigqueue_peek(q, nullptr, 0));
  CHECK(sigqueue_peek(q, nullptr, 0)->si_signo == kSigUsr1);
  CHECK(sigqueue_peek(q, me, 1) == nullptr);
  sigqueue_forget(q, me);
  CHECK(sigqueue_peek(q, me, 0) == nullptr);
  CHECK(q.n == 1);
}

TEST_CASE("sigqueue: a standard signal coalesces per list, so kill and tgkill leave it twice") {
  SigQueue q;
  u64 pending = 0, mine = 0;
  const Lwp* me = reinterpret_cast<const Lwp*>(&q);
  REQUIRE(sigqueue_post(q, pending, from(kSigUsr1, kSiUser, 4), false).ok());
  REQUIRE(sigqueue_post(q, mine, from(kSigUsr1, kSiTkill, 5), false, me).ok());
  REQUIRE(sigqueue_post(q, pending, from(kSigUsr1, kSiUser, 6), false).ok());
  REQUIRE(sigqueue_post(q, mine, from(kSigUsr1, kSiTkill, 7), false, me).ok());
  CHECK(q.n == 2);
  SigInfo got = sigqueue_take(q, mine, kSigUsr1, me);
  CHECK(got.si_code == kSiTkill);
  CHECK(got.kill.pid == 5);
  CHECK(mine == 0);
  CHECK(pending == sigbit(kSigUsr1));
  got = sigqueue_take(q, pending, kSigUsr1);
  CHECK(got.si_code == kSiUser);
  CHECK(got.kill.pid == 4);
  CHECK(pending == 0);
}

TEST_CASE("sigqueue: RLIMIT_SIGPENDING counts per user, entries give their place back") {
  const Uid user{777};
  const SigCharge charge{user, 2};
  const int rt = kSigRtMin + 3;
  {
    SigQueue q;
    u64 pending = 0;
    REQUIRE(sigqueue_post(q, pending, from(rt, kSiQueue, 1, 1), true, nullptr, &charge).ok());
    REQUIRE(sigqueue_post(q, pending, from(rt, kSiQueue, 1, 2), true, nullptr, &charge).ok());
    CHECK(sigpending_count(user) == 2);
    // sigqueue and tgkill: EAGAIN; kill's real-time signal: pending, no details.
    CHECK(sigqueue_post(q, pending, from(rt, kSiQueue, 1, 3), true, nullptr, &charge).error() ==
          Error::Again);
    REQUIRE(sigqueue_post(q, pending, from(rt + 1, kSiUser, 1), false, nullptr, &charge).ok());
    CHECK((pending & sigbit(rt + 1)) != 0);
    CHECK(q.n == 2);
    // A standard signal: kill's passes the limit, sigqueue's loses its details.
    REQUIRE(sigqueue_post(q, pending, from(kSigUsr2, kSiUser, 4), false, nullptr, &charge).ok());
    CHECK(q.n == 3);
    CHECK(sigpending_count(user) == 3);
    REQUIRE(sigqueue_post(q, pending, from(kSigUsr1, kSiQueue, 4, 9), true, nullptr, &charge).ok());
    CHECK(q.n == 3);
    CHECK(sigqueue_take(q, pending, kSigUsr1).kill.value == 0);
    // Another queue of the same user shares the count.
    SigQueue other;
    u64 other_pending = 0;
    CHECK(sigqueue_post(other, other_pending, from(rt, kSiQueue, 1, 5), true, nullptr, &charge)
              .error() == Error::Again);
    CHECK(sigqueue_take(q, pending, rt).kill.value == 1);
    CHECK(sigpending_count(user) == 2);  // rt's second and kill's SIGUSR2
    CHECK(sigqueue_take(q, pending, kSigUsr2).kill.pid == 4);
    CHECK(sigpending_count(user) == 1);
    REQUIRE(sigqueue_post(other, other_pending, from(rt, kSiQueue, 1, 5), true, nullptr, &charge)
                .ok());
    CHECK(sigpending_count(user) == 2);
    // Posts without a charge are not counted.
    REQUIRE(sigqueue_post(q, pending, from(rt, kSiQueue, 1, 6), true).ok());
    CHECK(sigpending_count(user) == 2);
  }
  // Queues that go (a reaped process) give their entries' places back.
  CHECK(sigpending_count(user) == 0);
}
