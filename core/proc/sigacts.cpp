#include "core/proc/sigacts.h"

#include "core/vm/heap.h"
#include "core/lib/new.h"

namespace tine {

Result<SigActs*> sigacts_create() {
  void* m = kmalloc(sizeof(SigActs));
  if (!m) return Error::NoMem;
  return new (m) SigActs;
}

Result<SigActs*> sigactsinit(SigActs* parent, bool share, const Mutex& parent_lock) {
  (void)parent_lock;  // held by the caller (REQUIRES): the copy is a snapshot
  if (share) {
    parent->refs.hold();
    return parent;
  }
  SigActs* s = TRY(sigacts_create());
  for (unsigned i = 0; i < kNsig; i++) s->actions[i] = parent->actions[i];
  return s;
}

void sigacts_release(SigActs* s) {
  if (s->refs.release()) {
    s->~SigActs();
    kfree(s);
  }
}

}  // namespace tine
