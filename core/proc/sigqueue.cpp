#include "core/proc/sigqueue.h"

#include "core/proc/sigpending_count.h"

namespace tine {

namespace {
u64 bit(int sig) { return u64(1) << (sig - 1); }

void remove_at(SigQueue& q, unsigned i) {
  if (q.charged[i]) sigpending_discharge(q.charged_to[i]);
  for (unsigned j = i + 1; j < q.n; j++) {
    q.q[j - 1] = q.q[j];
    q.owner[j - 1] = q.owner[j];
    q.charged_to[j - 1] = q.charged_to[j];
    q.charged[j - 1] = q.charged[j];
  }
  q.n--;
}
}  // namespace

SigQueue::~SigQueue() {
  for (unsigned i = 0; i < n; i++)
    if (charged[i]) sigpending_discharge(charged_to[i]);
}

Result<void> sigqueue_post(SigQueue& q, u64& pending, const SigInfo& info, bool must_queue,
                           const Lwp* owner, const SigCharge* charge) {
  const int sig = info.si_signo;
  const bool rt = sig >= kSigRtMin;
  // A standard signal already pending on this list stays one signal with
  // its first info (Linux's legacy_queue looks at the one list).
  if (!rt && (pending & bit(sig))) return ok();
  bool room = q.n < SigQueue::kMax;
  // Linux's send_signal_locked: only a standard signal from kill (SI_USER)
  // or the kernel (si_code > 0) passes the limit.
  if (room && charge)
    room = sigpending_charge(charge->uid, charge->limit, !rt && info.si_code >= 0);
  if (room) {
    q.owner[q.n] = owner;
    q.charged[q.n] = charge != nullptr;
    q.charged_to[q.n] = charge ? charge->uid : Uid{};
    q.q[q.n++] = info;
  } else if (rt && must_queue) {
    return Error::Again;
  }
  __atomic_or_fetch(&pending, bit(sig), __ATOMIC_RELEASE);
  return ok();
}

SigInfo sigqueue_take(SigQueue& q, u64& pending, int sig, const Lwp* owner) {
  unsigned at = q.n, count = 0;
  for (unsigned i = 0; i < q.n; i++) {
    if (q.q[i].si_signo != sig || q.owner[i] != owner) continue;
    count++;
    if (at == q.n) at = i;
  }
  SigInfo out;
  if (at < q.n) {
    out = q.q[at];
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
    if (q.owner[i] != owner) continue;
    if (index-- == 0) return &q.q[i];
  }
  return nullptr;
}

void sigqueue_forget(SigQueue& q, const Lwp* owner) {
  for (unsigned i = 0; i < q.n;) {
    if (q.owner[i] == owner)
      remove_at(q, i);
    else
      i++;
  }
}

void sigqueue_flush(SigQueue& q, u64& pending, u64 set) {
  for (unsigned i = 0; i < q.n;) {
    if (set & bit(q.q[i].si_signo))
      remove_at(q, i);
    else
      i++;
  }
  __atomic_and_fetch(&pending, ~set, __ATOMIC_RELEASE);
}

}  // namespace tine
