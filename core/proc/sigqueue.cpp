#include "core/proc/sigqueue.h"

namespace tine {

namespace {
u64 bit(int sig) { return u64(1) << (sig - 1); }

void remove_at(SigQueue& q, unsigned i) {
  for (unsigned j = i + 1; j < q.n; j++) q.q[j - 1] = q.q[j];
  q.n--;
}
}  // namespace

Result<void> sigqueue_post(SigQueue& q, u64& pending, const SigInfo& info, bool must_queue) {
  const int sig = info.si_signo;
  const bool rt = sig >= kSigRtMin;
  // A standard signal already pending stays one signal with its first info.
  if (!rt && (pending & bit(sig))) return ok();
  if (q.n < SigQueue::kMax) {
    q.q[q.n++] = info;
  } else if (rt && must_queue) {
    return Error::Again;
  }
  __atomic_or_fetch(&pending, bit(sig), __ATOMIC_RELEASE);
  return ok();
}

SigInfo sigqueue_take(SigQueue& q, u64& pending, int sig) {
  SigInfo out;
  bool found = false, more = false;
  for (unsigned i = 0; i < q.n; i++) {
    if (q.q[i].si_signo != sig) continue;
    if (found) {
      more = true;
      break;
    }
    out = q.q[i];
    found = true;
    remove_at(q, i);
    i--;
  }
  if (!found) {
    // Pending without details (the queue was full): Linux's "zero info".
    out = SigInfo{};
    out.si_signo = sig;
    out.si_code = kSiUser;
  }
  if (!more) __atomic_and_fetch(&pending, ~bit(sig), __ATOMIC_RELEASE);
  return out;
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
