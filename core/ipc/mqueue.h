// POSIX message queues (Linux 6.12's ipc/mqueue.c): one queue's messages,
// its senders and receivers, and its notification.
//
// Messages come out highest priority first, FIFO within a priority. A
// message is copied into a kernel buffer before the queue's lock is taken
// and out of one after it is dropped, so the lock is never held across a
// user copy (Linux's load_msg and store_msg); a message taken whose copy-out
// faults is lost, as on Linux.
//
// A queue is shared by reference: every File opened on it (mqueue_file.cpp)
// and its name while linked (mqueue_names.cpp) hold one. The last reference
// frees the messages and gives the creator's RLIMIT_MSGQUEUE bytes back.
//
// Locking: MQueue::lock (LockRank::MQueue) guards the messages, the waiter
// counts and the notification; sleepers wait on its two condition
// variables. Nothing else is taken under it but poll's wait channel; the
// notification signal is posted after it is dropped.
#pragma once

#include "core/lib/refcount.h"
#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"

namespace tine {

struct Cred;

// Linux's MQ_PRIO_MAX: priorities are 0 .. 32767.
inline constexpr u32 kMqPrioMax = 32768;
// NAME_MAX: the longest queue name, without the leading '/'.
inline constexpr size_t kMqNameMax = 255;

// sigev_notify values (asm-generic/siginfo.h).
inline constexpr i32 kSigevSignal = 0, kSigevNone = 1, kSigevThread = 2;
// si_code of a notification (SI_MESGQ).
inline constexpr i32 kSiMesgq = -3;

// What mq_getsetattr reports.
struct MqAttr {
  i64 maxmsg = 0, msgsize = 0, curmsgs = 0;
};

// One queued message; the bytes follow it.
struct MqMsg {
  MqMsg* prev = nullptr;
  MqMsg* next = nullptr;
  u32 prio = 0;
  size_t len = 0;
  u8* data() { return reinterpret_cast<u8*>(this + 1); }
};

// A registration (mq_notify): the owner's pid, 0 for none.
struct MqNotify {
  i32 pid = 0;
  i32 how = kSigevNone;  // kSigevSignal or kSigevNone
  i32 signo = 0;
  u64 value = 0;
};

struct MQueue {
  static constexpr u32 kMagic = 0x4d515545;  // "MQUE"
  u32 magic = kMagic;
  RefCount refs;
  Mutex lock{"mqueue", LockRank::MQueue};
  CondVar not_empty{"mqueue recv"};
  CondVar not_full{"mqueue send"};
  // Fixed at creation.
  i64 maxmsg, msgsize;
  u32 mode, uid, gid;  // rwx bits; the creator's effective ids
  u32 charge_uid;      // whose RLIMIT_MSGQUEUE bytes (the creator's real uid)
  u64 charge_bytes;
  u64 ino;             // fstat's inode number
  // Highest priority first, FIFO within one; curmsgs of them, qsize bytes.
  MqMsg* head GUARDED_BY(lock) = nullptr;
  MqMsg* tail GUARDED_BY(lock) = nullptr;
  i64 curmsgs GUARDED_BY(lock) = 0;
  u64 qsize GUARDED_BY(lock) = 0;
  // Receivers asleep in mq_timedreceive: a message then goes to one of
  // them, not to the notification (Linux's pipelined_send).
  u32 recv_waiters GUARDED_BY(lock) = 0;
  MqNotify notify GUARDED_BY(lock);
  // Readiness changes (atomic), for epoll's edge-triggered mode.
  u32 seq = 0;

  MQueue(i64 mm, i64 ms) : maxmsg(mm), msgsize(ms) {}
};

// A new queue with one reference, no name. Error::NoMem.
Result<MQueue*> mqueue_alloc(i64 maxmsg, i64 msgsize);
void mqueue_hold(MQueue* q);
// Drops a reference; the last frees the messages, the queue and its
// charge (mqueue_names.cpp's mqueue_discharge).
void mqueue_release(MQueue* q);

// mq_timedsend: len bytes at user_buf with priority prio (< kMqPrioMax,
// checked by the caller). Error::MsgSize past msgsize; Fault; NoMem.
// While the queue is full: Again if nonblock, else sleeps until there is
// room, the absolute guest-time deadline_ns (0: none) passes (TimedOut),
// or a signal (Intr: restartable).
Result<void> mqueue_send(MQueue* q, uptr user_buf, size_t len, u32 prio, bool nonblock,
                         u64 deadline_ns);

// mq_timedreceive: the first message into user_buf (cap bytes, at least
// msgsize, else MsgSize), its priority to *prio. Waits as mqueue_send
// while the queue is empty. Returns the message's length; Fault if the
// copy-out fails (the message is gone).
Result<size_t> mqueue_receive(MQueue* q, uptr user_buf, size_t cap, u32* prio, bool nonblock,
                              u64 deadline_ns);

MqAttr mqueue_attr(MQueue* q);

// mq_notify: registers the calling process (pid) for n (a copy of
// n.how/signo/value); Busy if another registration is in place. With
// remove: drops the registration if pid owns it, else nothing.
Result<void> mqueue_notify_set(MQueue* q, i32 pid, const MqNotify& n);
void mqueue_notify_remove(MQueue* q, i32 pid);

// Posts a taken registration's signal (SI_MESGQ, the sender's pid and uid,
// sigev_value) to its owner, if still alive (mqueue_notify.cpp). Called
// with no lock held.
void mqueue_notify_fire(const MqNotify& n, i32 sender_pid, u32 sender_uid);

// poll readiness: kPollIn while a message is queued, kPollOut while not full.
i16 mqueue_poll(MQueue* q);

// What reading an mq descriptor shows: Linux's
// "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n". Returns its length
// (buf holds at least kMqStatusMax bytes).
inline constexpr size_t kMqStatusMax = 80;
size_t mqueue_status(MQueue* q, char* buf);

}  // namespace tine
