// The message queue namespace, limits and per-user charges (mqueue_names.h),
// as Linux 6.12's do_mq_open, mqueue_create_attr, mqueue_get_inode and
// mq_unlink.
#include "core/ipc/mqueue_names.h"

#include "core/fs/file.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/proc/cred.h"
#include "core/sync/mutex.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

// What Linux accounts a queue at (mqueue_get_inode): its message bytes,
// and for each message a struct msg_msg and, up to MQ_PRIO_MAX of them, a
// priority tree node (48 bytes each on a 64-bit kernel).
constexpr u64 kMsgMsgSize = 48, kTreeNodeSize = 48;

struct MqName {
  MqName* next;
  MQueue* q;  // the namespace's reference
  size_t len;
  char name[kMqNameMax];
};

// One user's queue bytes (Linux's ucounts UCOUNT_RLIMIT_MQUEUE).
struct MqCharge {
  u32 uid;
  u64 bytes;  // 0: the slot is free
};
constexpr unsigned kChargeSlots = 64;

Mutex g_lock("mqueue names", LockRank::MQueueNames);
MqName* g_names GUARDED_BY(g_lock) = nullptr;
i64 g_queues GUARDED_BY(g_lock) = 0;  // queues alive, named or not
MqCharge g_charges[kChargeSlots] GUARDED_BY(g_lock);
MqLimits g_limits GUARDED_BY(g_lock);
u64 g_next_ino GUARDED_BY(g_lock) = 1;

// Linux's lookup_one_len on the mqueue root: Access for an empty name,
// ".", "..", or a '/' inside; then NameTooLong past NAME_MAX (simple_lookup).
Result<void> check_name(const char* name, size_t len) {
  if (len == 0) return Error::Access;
  if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))) return Error::Access;
  for (size_t i = 0; i < len; i++)
    if (name[i] == '/' || name[i] == 0) return Error::Access;
  if (len > kMqNameMax) return Error::NameTooLong;
  return ok();
}

MqName** find_locked(const char* name, size_t len) REQUIRES(g_lock) {
  for (MqName** p = &g_names; *p; p = &(*p)->next)
    if ((*p)->len == len && memcmp((*p)->name, name, len) == 0) return p;
  return nullptr;
}

MqCharge* charge_slot_locked(u32 uid, bool make) REQUIRES(g_lock) {
  MqCharge* free_slot = nullptr;
  for (MqCharge& c : g_charges) {
    if (c.bytes && c.uid == uid) return &c;
    if (!c.bytes && !free_slot) free_slot = &c;
  }
  if (!make || !free_slot) return nullptr;
  free_slot->uid = uid;
  return free_slot;
}

// inode_permission on the queue for O_RDONLY, O_WRONLY or O_RDWR: the
// owner's bits, else the group's, else others'; root may do anything
// (CAP_DAC_OVERRIDE).
bool may_open(const MQueue* q, const Cred* c, int acc) {
  if (c->euid.value == 0) return true;
  const u32 want = acc == kORdOnly ? 4 : acc == kOWrOnly ? 2 : 6;
  u32 bits = q->mode;
  if (c->euid.value == q->uid)
    bits >>= 6;
  else if (cred_in_group(c, q->gid))
    bits >>= 3;
  return (want & ~bits & 7) == 0;
}

// A new queue as mqueue_create_attr and mqueue_get_inode make it.
Result<MQueue*> create_locked(const MqAttr* attr, u32 mode, const Cred* c, u64 rlimit)
    REQUIRES(g_lock) {
  const bool root = c->euid.value == 0;  // CAP_SYS_RESOURCE
  if (g_queues >= g_limits.queues_max && !root) return Error::NoSpc;
  i64 maxmsg = min(g_limits.msg_max, g_limits.msg_default);
  i64 msgsize = min(g_limits.msgsize_max, g_limits.msgsize_default);
  if (attr) {
    maxmsg = attr->maxmsg;
    msgsize = attr->msgsize;
    if (maxmsg <= 0 || msgsize <= 0) return Error::Inval;
    if (maxmsg > (root ? kMqMsgHardMax : g_limits.msg_max) ||
        msgsize > (root ? kMqMsgsizeHardMax : g_limits.msgsize_max))
      return Error::Inval;
  }
  // Both within the hard maxima: no overflow is possible (Linux's EOVERFLOW).
  const u64 bytes = u64(maxmsg) * u64(msgsize) + u64(maxmsg) * kMsgMsgSize +
                    min<u64>(u64(maxmsg), kMqPrioMax) * kTreeNodeSize;
  const u32 uid = c->uid.value;
  MqCharge* ch = charge_slot_locked(uid, true);
  if (!ch) return Error::NoMem;
  if (ch->bytes + bytes > rlimit) return Error::MFile;
  MQueue* q = TRY(mqueue_alloc(maxmsg, msgsize));
  q->mode = mode & 07777;
  q->uid = c->euid.value;
  q->gid = c->egid;
  q->charge_uid = uid;
  q->charge_bytes = bytes;
  q->ino = g_next_ino++;
  ch->bytes += bytes;
  g_queues++;
  return q;
}

}  // namespace

MqLimits mqueue_limits() {
  MutexGuard g(g_lock);
  return g_limits;
}

Result<void> mqueue_set_limit(i64 MqLimits::*field, i64 v) {
  i64 lo = -0x80000000ll, hi = 0x7fffffff;  // queues_max: any int (proc_dointvec)
  if (field == &MqLimits::msg_max || field == &MqLimits::msg_default) {
    lo = kMqMsgMaxMin;
    hi = kMqMsgHardMax;
  } else if (field == &MqLimits::msgsize_max || field == &MqLimits::msgsize_default) {
    lo = kMqMsgsizeMin;
    hi = kMqMsgsizeHardMax;
  }
  if (v < lo || v > hi) return Error::Inval;
  MutexGuard g(g_lock);
  g_limits.*field = v;
  return ok();
}

Result<MQueue*> mqueue_open(const char* name, size_t len, int oflag, u32 mode, const MqAttr* attr,
                            const Cred* c, u64 rlimit) {
  TRY(check_name(name, len));
  MutexGuard g(g_lock);
  if (MqName** p = find_locked(name, len)) {
    if ((oflag & (kOCreat | kOExcl)) == (kOCreat | kOExcl)) return Error::Exist;
    const int acc = oflag & kOAccMode;
    if (acc == kOAccMode) return Error::Inval;
    MQueue* q = (*p)->q;
    if (!may_open(q, c, acc)) return Error::Access;
    mqueue_hold(q);
    return q;
  }
  if (!(oflag & kOCreat)) return Error::NoEnt;
  auto* n = static_cast<MqName*>(kmalloc(sizeof(MqName)));
  if (!n) return Error::NoMem;
  Result<MQueue*> q = create_locked(attr, mode, c, rlimit);
  if (!q.ok()) {
    kfree(n);
    return q.error();
  }
  n->q = q.value();  // the namespace's reference; the caller's is another
  n->len = len;
  memcpy(n->name, name, len);
  n->next = g_names;
  g_names = n;
  mqueue_hold(q.value());
  return q.value();
}

Result<void> mqueue_unlink(const char* name, size_t len, const Cred* c) {
  TRY(check_name(name, len));
  MqName* n;
  {
    MutexGuard g(g_lock);
    MqName** p = find_locked(name, len);
    if (!p) return Error::NoEnt;
    n = *p;
    // The root directory is sticky (01777): only the queue's owner or root
    // removes it (Linux's check_sticky, EPERM).
    if (c->euid.value != 0 && c->euid.value != n->q->uid) return Error::Perm;
    *p = n->next;
  }
  // Outside the lock: the last reference takes it (mqueue_discharge).
  mqueue_release(n->q);
  kfree(n);
  return ok();
}

void mqueue_discharge(MQueue* q) {
  MutexGuard g(g_lock);
  g_queues--;
  if (MqCharge* ch = charge_slot_locked(q->charge_uid, false)) ch->bytes -= q->charge_bytes;
}

u64 mqueue_charged(u32 uid) {
  MutexGuard g(g_lock);
  const MqCharge* ch = charge_slot_locked(uid, false);
  return ch ? ch->bytes : 0;
}

}  // namespace tine
