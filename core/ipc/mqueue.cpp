// One POSIX message queue's messages and waiters (mqueue.h), as Linux's
// do_mq_timedsend and do_mq_timedreceive.
#include "core/ipc/mqueue.h"

#include "core/fs/poll.h"
#include "core/ipc/mqueue_names.h"
#include "core/lib/format.h"
#include "core/lib/new.h"
#include "core/proc/cred.h"
#include "core/proc/proc.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {

// Readiness may have changed: pollers and epoll's edge mode look again.
void readiness_changed(MQueue* q) {
  __atomic_add_fetch(&q->seq, 1, __ATOMIC_RELAXED);
  poll_wakeup();
}

// After the last message of priority >= m's, so FIFO within a priority. A
// walk back from the tail: one step when every message has one priority.
void insert_locked(MQueue* q, MqMsg* m) REQUIRES(q->lock) {
  MqMsg* after = q->tail;
  while (after && after->prio < m->prio) after = after->prev;
  m->prev = after;
  m->next = after ? after->next : q->head;
  (m->next ? m->next->prev : q->tail) = m;
  (after ? after->next : q->head) = m;
  q->curmsgs++;
  q->qsize += m->len;
}

MqMsg* take_locked(MQueue* q) REQUIRES(q->lock) {
  MqMsg* m = q->head;
  q->head = m->next;
  (q->head ? q->head->prev : q->tail) = nullptr;
  m->prev = m->next = nullptr;
  q->curmsgs--;
  q->qsize -= m->len;
  return m;
}

bool passed(u64 deadline_ns) { return deadline_ns && hal::time_ns() >= deadline_ns; }

// The caller's pid and real uid, which a notification reports.
void sender_ids(i32* pid, u32* uid) {
  Proc* p = curproc();
  *pid = p ? p->p_pid.value : 0;
  *uid = p ? proc_own_cred(p)->uid.value : 0;
}

}  // namespace

Result<MQueue*> mqueue_alloc(i64 maxmsg, i64 msgsize) {
  void* mem = kmalloc(sizeof(MQueue));
  if (!mem) return Error::NoMem;
  return new (mem) MQueue(maxmsg, msgsize);
}

void mqueue_hold(MQueue* q) { q->refs.hold(); }

void mqueue_release(MQueue* q) {
  KASSERT(q->magic == MQueue::kMagic);
  if (!q->refs.release()) return;
  // The last reference: nobody else can reach q (the lock only says so).
  MqMsg* m;
  {
    MutexGuard g(q->lock);
    m = q->head;
    q->head = q->tail = nullptr;
  }
  while (m) {
    MqMsg* next = m->next;
    kfree(m);
    m = next;
  }
  mqueue_discharge(q);
  q->magic = 0;
  q->~MQueue();
  kfree(q);
}

Result<void> mqueue_send(MQueue* q, uptr user_buf, size_t len, u32 prio, bool nonblock,
                         u64 deadline_ns) {
  if (len > u64(q->msgsize)) return Error::MsgSize;
  // The message first, before the queue is touched (Linux's load_msg).
  auto* m = static_cast<MqMsg*>(kmalloc(sizeof(MqMsg) + len));
  if (!m) return Error::NoMem;
  new (m) MqMsg;
  m->prio = prio;
  m->len = len;
  if (len) {
    if (Result<void> r = copyin(m->data(), user_buf, len); !r.ok()) {
      kfree(m);
      return r.error();
    }
  }
  MqNotify fire;
  {
    MutexGuard g(q->lock);
    if (q->curmsgs >= q->maxmsg) {
      if (nonblock) {
        kfree(m);
        return Error::Again;
      }
      Result<void> r = sleep_until(
          SleepOn{.cv = &q->not_full, .m = &q->lock, .until_ns = deadline_ns}, [&] {
            sleep_until_holds(q->lock);
            return q->curmsgs < q->maxmsg || passed(deadline_ns);
          });
      if (r.ok() && q->curmsgs >= q->maxmsg) r = Error::TimedOut;
      if (!r.ok()) {
        // A wakeup this sender took and did not use goes to the next.
        if (q->curmsgs < q->maxmsg) q->not_full.signal();
        kfree(m);
        return r.error();
      }
    }
    insert_locked(q, m);
    // A message on an empty queue that no receiver waits for fires the
    // registration, which then goes (Linux's __do_notify).
    if (q->curmsgs == 1 && q->recv_waiters == 0 && q->notify.pid) {
      fire = q->notify;
      q->notify = MqNotify{};
    }
    q->not_empty.signal();
    readiness_changed(q);
  }
  if (fire.pid && fire.how == kSigevSignal && fire.signo) {
    i32 pid;
    u32 uid;
    sender_ids(&pid, &uid);
    mqueue_notify_fire(fire, pid, uid);
  }
  return ok();
}

Result<size_t> mqueue_receive(MQueue* q, uptr user_buf, size_t cap, u32* prio, bool nonblock,
                              u64 deadline_ns) {
  if (cap < u64(q->msgsize)) return Error::MsgSize;
  MqMsg* m;
  {
    MutexGuard g(q->lock);
    if (q->curmsgs == 0) {
      if (nonblock) return Error::Again;
      q->recv_waiters++;
      Result<void> r = sleep_until(
          SleepOn{.cv = &q->not_empty, .m = &q->lock, .until_ns = deadline_ns}, [&] {
            sleep_until_holds(q->lock);
            return q->curmsgs > 0 || passed(deadline_ns);
          });
      q->recv_waiters--;
      if (r.ok() && q->curmsgs == 0) r = Error::TimedOut;
      if (!r.ok()) {
        // A wakeup this receiver took and did not use goes to the next.
        if (q->curmsgs > 0) q->not_empty.signal();
        return r.error();
      }
    }
    m = take_locked(q);
    q->not_full.signal();
    // More left for another sleeper (a sender's signal may have woken one).
    if (q->curmsgs > 0) q->not_empty.signal();
    readiness_changed(q);
  }
  *prio = m->prio;
  const size_t len = m->len;
  Result<void> r = len ? copyout(user_buf, m->data(), len) : ok();
  kfree(m);
  if (!r.ok()) return r.error();
  return len;
}

MqAttr mqueue_attr(MQueue* q) {
  MutexGuard g(q->lock);
  return MqAttr{q->maxmsg, q->msgsize, q->curmsgs};
}

Result<void> mqueue_notify_set(MQueue* q, i32 pid, const MqNotify& n) {
  MutexGuard g(q->lock);
  if (q->notify.pid) return Error::Busy;
  q->notify = n;
  q->notify.pid = pid;
  return ok();
}

void mqueue_notify_remove(MQueue* q, i32 pid) {
  MutexGuard g(q->lock);
  if (q->notify.pid == pid) q->notify = MqNotify{};
}

i16 mqueue_poll(MQueue* q) {
  MutexGuard g(q->lock);
  i16 r = 0;
  if (q->curmsgs > 0) r |= kPollIn | kPollRdNorm;
  if (q->curmsgs < q->maxmsg) r |= kPollOut | kPollWrNorm;
  return r;
}

size_t mqueue_status(MQueue* q, char* buf) {
  MutexGuard g(q->lock);
  const MqNotify n = q->notify;
  const size_t len =
      format(buf, kMqStatusMax, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
             (unsigned long)q->qsize, n.pid ? n.how : 0,
             n.pid && n.how == kSigevSignal ? n.signo : 0, n.pid);
  return min(len, kMqStatusMax - 1);
}

}  // namespace tine
