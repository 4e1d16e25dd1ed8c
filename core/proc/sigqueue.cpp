#include "core/proc/sigqueue.h"

#include "core/proc/sigpending_count.h"
#include "core/lib/new.h"
#include "core/vm/heap.h"

namespace tine {

namespace {
u64 bit(int sig) { return u64(1) << (sig - 1); }

// Back to the inline entries once the queue is empty, so that a burst
// does not keep its memory for the process's life.
void shrink_if_empty(SigQueue& q) {
  if (q.n == 0 && q.q != q.inline_slots.at) {
    kfree(q.q);
    q.q = q.inline_slots.at;
    q.cap = SigQueue::kInline;
  }
}

void remove_at(SigQueue& q, unsigned i) {
  if (q.q[i].charged) sigpending_discharge(q.q[i].charged_to);
  for (unsigned j = i + 1; j < q.n; j++) q.q[j - 1] = q.q[j];
  q.n--;
  shrink_if_empty(q);
}

// Room for one more entry: false when the array is full and no bigger one
// can be had.
bool make_room(SigQueue& q) {
  if (q.n < q.cap) return true;
  const unsigned cap = q.cap * 2;
  auto* bigger = static_cast<SigQueueEntry*>(kmalloc(cap * sizeof(SigQueueEntry)));
  if (!bigger) return false;
  for (unsigned i = 0; i < q.n; i++) new (&bigger[i]) SigQueueEntry(q.q[i]);
  if (q.q != q.inline_slots.at) kfree(q.q);
  q.q = bigger;
  q.cap = cap;
  return true;
}
}  // namespace

SigQueue::~SigQueue() {
  for (unsigned i = 0; i < n; i++)
    if (q[i].charged) sigpending_discharge(q[i].charged_to);
  if (q != inline_slots.at) kfree(q);
}

Result<void> sigqueue_post(SigQueue& q, u64& pending, const SigInfo& info, bool must_queue,
                           const Lwp* owner, const SigCharge* charge) {
  const int sig = info.si_signo;
  const bool rt = sig >= kSigRtMin;
  // A standard signal already pending on this list stays one signal with
  // its first info (Linux's legacy_queue looks at the one list).
  if (!rt && (pending & bit(sig))) return ok();
  bool room = make_room(q);
  // Linux's send_signal_locked: only a standard signal from kill (SI_USER)
  // or the kernel (si_code > 0) passes the limit.
  if (room && charge)
    room = sigpending_charge(charge->uid, charge->limit, !rt && info.si_code >= 0);
  if (room) {
    SigQueueEntry& e = *new (&q.q[q.n++]) SigQueueEntry;
    e.info = info;
    e.owner = owner;
    e.charged = charge != nullptr;
    e.charged_to = charge ? charge->uid : Uid{};
  } else if (rt && must_queue) {
    return Error::Again;
  }
  __atomic_or_fetch(&pending, bit(sig), __ATOMIC_RELEASE);
  return ok();
}

SigInfo sigqueue_take(SigQueue& q, u64& pending, int sig, const Lwp* owner) {
  unsigned at = q.n, count = 0;
  for (unsigned i = 0; i < q.n; i++) {
    if (q.q[i].info.si_signo != sig || q.q[i].owner != owner) continue;
    count++;
    if (at == q.n) at = i;
  }
  SigInfo out;
  if (at < q.n) {
    out = q.q[at].info;
    remove_at(q, at);
  } else {
    // Pending without details (the queue was full): Linux's "zero info".
    out = SigInfo{};
    out.si_signo = sig;
    out.si_code = kSiUser;
  }
  if (count <= 1) __atomic_and_fetch(&pending, ~bit(sig), __ATOMIC_RELEASE);
  return out;
}

const SigInfo* sigqueue_peek(const SigQueue& q, const Lwp* owner, u64 index) {
  for (unsigned i = 0; i < q.n; i++) {
    if (q.q[i].owner != owner) continue;
    if (index-- == 0) return &q.q[i].info;
  }
  return nullptr;
}

void sigqueue_forget(SigQueue& q, const Lwp* owner) {
  for (unsigned i = 0; i < q.n;) {
    if (q.q[i].owner == owner)
      remove_at(q, i);
    else
      i++;
  }
}

void sigqueue_flush(SigQueue& q, u64& pending, u64 set) {
  for (unsigned i = 0; i < q.n;) {
    if (set & bit(q.q[i].info.si_signo))
      remove_at(q, i);
    else
      i++;
  }
  __atomic_and_fetch(&pending, ~set, __ATOMIC_RELEASE);
}

}  // namespace tine
