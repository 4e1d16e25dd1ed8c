#include "core/proc/sigacts.h"

#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/lib/string.h"

namespace tine {

static_assert(__is_trivially_copyable(SigAction) && __is_trivially_copyable(RefCount),
              "sigactsinit copies a SigActs with memcpy");

Result<SigActs*> sigacts_create() {
  void* m = kmalloc(sizeof(SigActs));
  if (!m) return Error::NoMem;
  return new (m) SigActs;
}

SigActs sigacts_default;

Result<void> sigacts_own_locked(SigActs*& s) {
  if (s == &sigacts_default) s = TRY(sigacts_create());
  return ok();
}

Result<SigActs*> sigactsinit(SigActs*& parent, bool share, const Mutex& parent_lock) {
  (void)parent_lock;  // held by the caller (REQUIRES): the copy is a snapshot
  if (share) {
    TRY(sigacts_own_locked(parent));
    parent->refs.hold();
    return parent;
  }
  if (parent == &sigacts_default) return parent;  // nothing to copy
  // One copy of the parent's actions, not a default construction (every
  // action written) and then a copy over it: SigActs is an aggregate of
  // plain words, which memcpy brings to life; the count is a new one.
  void* m = kmalloc(sizeof(SigActs));
  if (!m) return Error::NoMem;
  memcpy(m, parent, sizeof(SigActs));
  SigActs* s = static_cast<SigActs*>(m);
  new (&s->refs) RefCount;
  return s;
}

void sigacts_release(SigActs* s) {
  if (s == &sigacts_default) return;
  if (s->refs.release()) {
    s->~SigActs();
    kfree(s);
  }
}

}  // namespace tine
