// Process groups and sessions, as NetBSD keeps them (sys/proc.h struct
// pgrp and struct session; kern_proc.c proc_enterpgrp, proc_leavepgrp,
// fixjobc, orphanpg): a group lists its members, a session counts its
// groups. Everything here is under proc_lock.
//
// A process belongs to its group from fork (the parent's group) until its
// parent reaps it (a zombie is still a member, as on Linux). A group id and
// a session id are pids: such a pid is not handed out again while the group
// or session lives, even after its process is gone.
#pragma once

#include "core/lib/list.h"
#include "core/lib/result.h"
#include "core/proc/proc.h"

namespace tine {

// Called under proc_lock just before a session with a controlling
// terminal is freed, so the tty lets go of it (core/tty installs it; the
// arrow stays core/tty -> core/proc).
void pgrp_set_session_free_hook(void (*fn)(Session* s));
// Called under proc_lock when the leader of a session with a controlling
// terminal exits (core/tty: the terminal hangs up, NetBSD exit1's
// SESS_LEADER branch, Linux disassociate_ctty).
void pgrp_set_leader_exit_hook(void (*fn)(Session* s));
// exit1: p is exiting; if it leads a session with a terminal, the hook runs.
void pgrp_leader_exit_locked(Proc* p) REQUIRES(proc_lock);

// The group with this id, or nullptr.
Pgrp* pgrp_find_locked(Pid pgid) REQUIRES(proc_lock);
// p joins pg (fork1: the parent's group).
void pgrp_join_locked(Proc* p, Pgrp* pg) REQUIRES(proc_lock);
// The reaped p leaves its group; an empty group goes, and a session
// without groups. Their ids become free pids again once nothing uses them.
void pgrp_leave_locked(Proc* p) REQUIRES(proc_lock);
// Whether pid is the id of a live group or session (pid allocation and
// reaping ask: such a pid stays taken).
bool pgrp_id_in_use_locked(Pid pid) REQUIRES(proc_lock);

// setpgid(pid, pgid) for the caller `self` (POSIX, Linux's error order):
// pid 0 is self, pgid 0 is the target's pid. ESRCH: no such process, or not
// self or a child of self; EINVAL: pgid < 0; EACCES: a child that has
// exec'd; EPERM: a session leader, a child in another session, or a group
// that does not exist in the caller's session.
Result<void> pgrp_setpgid(Proc* self, i32 pid, i32 pgid);
// setsid(): a new session and group, both with the caller's pid. EPERM if
// the caller already leads a group. Returns the new session id.
Result<i32> pgrp_setsid(Proc* self);
// getpgid(pid) / getsid(pid): pid 0 is self. ESRCH: no such process
// (Linux answers getsid for a process of another session too).
Result<i32> pgrp_getpgid(Proc* self, i32 pid);
Result<i32> pgrp_getsid(Proc* self, i32 pid);

// kill(0, sig) / kill(-pgid, sig): every member the sender may signal
// (EPERM when there were members but none could be; ESRCH for no group).
Result<void> pgrp_signal_locked(Proc* sender, Pgrp* pg, int sig) REQUIRES(proc_lock);

// POSIX orphaned process group: no member has a parent in another group of
// the same session (Linux will_become_orphaned_pgrp: exiting members and
// children of init do not count).
bool pgrp_is_orphaned_locked(Pgrp* pg) REQUIRES(proc_lock);

// Orphan watch around a change to p's place (exit, setpgid): the groups
// that might become orphaned are p's own and its children's. Snapshot
// before the change, then after it each one that became orphaned with a
// stopped member gets SIGHUP and SIGCONT (NetBSD orphanpg).
struct OrphanWatch {
  static constexpr unsigned kMax = 16;
  i32 pgids[kMax] = {};  // ids, not pointers: a group may go meanwhile
  bool orphaned[kMax] = {};
  unsigned n = 0;
  bool overflow = false;  // too many to remember: every group is checked after
};
void orphan_watch_begin_locked(Proc* p, OrphanWatch& w) REQUIRES(proc_lock);
void orphan_watch_end_locked(Proc* p, OrphanWatch& w) REQUIRES(proc_lock);

}  // namespace tine
