#include "core/proc/plimit.h"

#include "core/fs/filedesc.h"
#include "core/proc/proc.h"

#include "core/vm/heap.h"
#include "core/lib/new.h"

namespace tine {

Result<Plimit*> lim_create_default() {
  void* m = kmalloc(sizeof(Plimit));
  if (!m) return Error::NoMem;
  Plimit* l = new (m) Plimit;
  for (Rlimit& r : l->limits) r = {kRlimInfinity, kRlimInfinity};
  // Descriptors: Linux's INR_OPEN_CUR and INR_OPEN_MAX (core/fs/filedesc.h).
  l->limits[kRlimitNofile] = {kNofileCur, kNofileMax};
  // Core files: none unless asked for, as Linux gives init (INIT_RLIMITS:
  // soft 0, hard unlimited), so a crashing program leaves no file behind
  // unless it or its shell raised the soft limit (ulimit -c).
  l->limits[kRlimitCore] = {0, kRlimInfinity};
  // Queued signals per user: Linux sets it, soft and hard, to its default
  // RLIMIT_NPROC (max_threads / 2, the size of its task table halved);
  // Tine's table is maxproc (1044), so that is the default here. One
  // process's queue may hold all of them (core/proc/sigqueue.h).
  l->limits[kRlimitSigpending] = {maxproc, maxproc};
  // Linux's INIT_RLIMITS: no nice below 0 and no real-time priority
  // without CAP_SYS_NICE.
  // POSIX message queue bytes per user: Linux's MQ_BYTES_MAX.
  l->limits[kRlimitMsgqueue] = {kMqBytesMax, kMqBytesMax};
  l->limits[kRlimitNice] = {0, 0};
  l->limits[kRlimitRtprio] = {0, 0};
  return l;
}

void lim_addref(Plimit* l) { l->refs.hold(); }

void lim_free(Plimit* l) {
  if (l->refs.release()) {
    l->~Plimit();
    kfree(l);
  }
}

Result<Plimit*> lim_copy(const Plimit* l) {
  void* m = kmalloc(sizeof(Plimit));
  if (!m) return Error::NoMem;
  Plimit* n = new (m) Plimit;
  for (unsigned i = 0; i < kRlimitCount; i++) n->limits[i] = l->limits[i];
  return n;
}

Result<void> lim_privatize(Plimit** slot) {
  Plimit* l = *slot;
  if (l->refs.count() == 1) {
    l->writeable = true;
    return ok();
  }
  Plimit* n = TRY(lim_copy(l));
  n->writeable = true;
  *slot = n;
  lim_free(l);
  return ok();
}

}  // namespace tine
