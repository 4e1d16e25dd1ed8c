#include "core/proc/knote.h"

#include "core/proc/proc.h"

namespace tine {

void knote_attach(Proc* p, Knote* kn) {
  KASSERT(kn->fn);
  MutexGuard g(proc_lock);
  p->p_klist.push_back(kn);
}

void knote_detach(Proc* p, Knote* kn) {
  MutexGuard g(proc_lock);
  p->p_klist.remove(kn);
}

void knote_post_locked(Proc* p, u32 event, i64 data) {
  for (Knote* kn : p->p_klist)
    if (kn->fflags & event) kn->fn(kn, event, data);
}

}  // namespace tine
