// The POSIX message queues' flat namespace (Linux's mqueue file system,
// one per system here), their limits (/proc/sys/fs/mqueue) and what each
// user's queues cost against RLIMIT_MSGQUEUE.
//
// A name is what follows glibc's leading '/': 1 .. kMqNameMax bytes, no
// '/', not "." or "..". The namespace holds a reference to each named
// queue; mq_unlink drops the name and that reference, and open descriptors
// keep the queue until they close.
//
// Locking: one sleeping mutex (LockRank::MQueueNames) over the names, the
// queue count and the per-user byte counts; taken alone.
#pragma once

#include "core/ipc/mqueue.h"
#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/proc/plimit.h"

namespace tine {

struct Cred;

// Linux's bounds (ipc/mq_sysctl.c, include/linux/ipc_namespace.h).
inline constexpr i64 kMqMsgMaxMin = 1, kMqMsgHardMax = 65536;
inline constexpr i64 kMqMsgsizeMin = 128, kMqMsgsizeHardMax = 16 * 1024 * 1024;

// /proc/sys/fs/mqueue: queues_max, msg_max, msgsize_max, msg_default,
// msgsize_default, as Linux's defaults.
struct MqLimits {
  i64 queues_max = 256;
  i64 msg_max = 10, msgsize_max = 8192;
  i64 msg_default = 10, msgsize_default = 8192;
};
MqLimits mqueue_limits();
// Each takes a value in Linux's range (queues_max any int; msg_max
// and msg_default 1 .. 65536; the sizes 128 .. 16 MiB), else Inval.
Result<void> mqueue_set_limit(i64 MqLimits::*field, i64 v);

// mq_open's lookup and creation, as Linux's do_mq_open and prepare_open:
// name (len bytes, not NUL-terminated) checked (Access, NameTooLong); an
// existing queue: Exist with O_CREAT|O_EXCL, Inval for O_ACCMODE 3, Access
// when c may not open it for that mode; none: NoEnt without O_CREAT, else
// a new queue owned by c's effective ids with mode (umask applied by the
// caller) and attr (null: the defaults), whose checks are Linux's: NoSpc
// past queues_max (not root), Inval for a maxmsg or msgsize outside 1 ..
// msg_max / msgsize_max (root: the hard maxima), MFile when the creator's
// real uid's queues would pass `rlimit` bytes. Returns a reference.
Result<MQueue*> mqueue_open(const char* name, size_t len, int oflag, u32 mode, const MqAttr* attr,
                            const Cred* c, u64 rlimit);

// mq_unlink: the name goes (NoEnt if none; Access for a bad name; Perm
// unless c owns the queue or is root, the sticky directory's rule).
Result<void> mqueue_unlink(const char* name, size_t len, const Cred* c);

// The queue is being freed: its bytes go back to the user charged, and it
// no longer counts against queues_max.
void mqueue_discharge(MQueue* q);

// Bytes charged to uid now (tests).
u64 mqueue_charged(u32 uid);

}  // namespace tine
