// Listeners on a process's events: the part of kqueue's EVFILT_PROC that
// fork needs (NetBSD kern_event.c, filt_proc). kqueue itself is not
// implemented; a listener is a kernel callback attached to the process, as
// a knote is attached to p_klist. fork1 posts NOTE_FORK with the child's
// pid to the parent's listeners (kern_fork.c: KNOTE(&p1->p_klist,
// NOTE_FORK | p2->p_pid)).
#pragma once

#include "core/lib/list.h"
#include "core/lib/types.h"
#include "core/sync/mutex.h"

namespace tine {

struct Proc;
extern Mutex proc_lock;  // core/proc/proc.h

// EVFILT_PROC fflags, as NetBSD's sys/event.h.
inline constexpr u32 NOTE_EXIT = 0x80000000;
inline constexpr u32 NOTE_FORK = 0x40000000;
inline constexpr u32 NOTE_EXEC = 0x20000000;

struct KnoteTag {};

// One listener. `fn` runs under proc_lock in the thread that caused the
// event; it must not sleep or take proc_lock. The owner detaches it before
// the process it listens on is freed, or lets exit do it: once a process
// is a zombie, NOTE_EXIT is posted and every listener detached (NetBSD's
// exit1: KNOTE(NOTE_EXIT), then knote_proc_exit).
struct Knote : ListLink<KnoteTag> {
  u32 fflags = 0;  // the events wanted
  void (*fn)(Knote* kn, u32 event, i64 data) = nullptr;
  void* arg = nullptr;
};

void knote_attach(Proc* p, Knote* kn);
void knote_detach(Proc* p, Knote* kn);
void knote_attach_locked(Proc* p, Knote* kn) REQUIRES(proc_lock);
void knote_detach_locked(Proc* p, Knote* kn) REQUIRES(proc_lock);
// p has become a zombie with wait status `status`: NOTE_EXIT to the
// listeners that want it, then all of them are detached.
void knote_proc_exit_locked(Proc* p, i64 status) REQUIRES(proc_lock);
// Calls every listener on p that wants `event`, with `data`.
void knote_post_locked(Proc* p, u32 event, i64 data) REQUIRES(proc_lock);

}  // namespace tine
