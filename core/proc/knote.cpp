#include "core/proc/knote.h"

#include "core/proc/proc.h"

namespace tine {

void knote_attach(Proc* p, Knote* kn) {
  MutexGuard g(proc_lock);
  knote_attach_locked(p, kn);
}

void knote_detach(Proc* p, Knote* kn) {
  MutexGuard g(proc_lock);
  knote_detach_locked(p, kn);
}

void knote_attach_locked(Proc* p, Knote* kn) {
  KASSERT(kn->fn);
  p->p_klist.push_back(kn);
}

void knote_detach_locked(Proc* p, Knote* kn) { p->p_klist.remove(kn); }

void knote_proc_exit_locked(Proc* p, i64 status) {
  knote_post_locked(p, NOTE_EXIT, status);
  while (p->p_klist.pop_front()) {
  }
}

void knote_post_locked(Proc* p, u32 event, i64 data) {
  for (Knote* kn : p->p_klist)
    if (kn->fflags & event) kn->fn(kn, event, data);
}

}  // namespace tine
