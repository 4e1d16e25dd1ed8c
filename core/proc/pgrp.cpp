// Process groups and sessions (see pgrp.h): NetBSD kern_proc.c's
// proc_enterpgrp/proc_leavepgrp/orphanpg, kern_prot.c's sys_setpgid and
// sys_setsid, with Linux's error cases (kernel/sys.c).
#include "core/proc/pgrp.h"

#include "core/lib/new.h"
#include "core/proc/exit.h"

namespace tine {

namespace {
List<Pgrp> g_pgrps GUARDED_BY(proc_lock);  // every live group

// A process that no longer counts: a zombie (Linux's exit_state). One in
// exit1 before that (SDYING) still does: exit1 looks at the groups before
// and after it becomes a zombie.
bool gone(const Proc* p) REQUIRES(proc_lock) {
  return p->p_stat == ProcStat::SZOMB || p->p_stat == ProcStat::SDEAD;
}

bool session_in_use_locked(Pid sid) REQUIRES(proc_lock) {
  for (Pgrp* pg : g_pgrps)
    if (pg->session->sid == sid) return true;
  return false;
}

// pid was a group's or session's id: free it unless a process, group or
// session still holds it.
void id_release_locked(Pid pid) REQUIRES(proc_lock) {
  if (pid.value <= 0 || proc_find_locked(pid) || pgrp_id_in_use_locked(pid)) return;
  proc_free_pid(pid);
}

void (*g_session_free_hook)(Session*) = nullptr;  // set once at boot
void (*g_leader_exit_hook)(Session*) = nullptr;   // set once at boot

void pgrp_free_locked(Pgrp* pg) REQUIRES(proc_lock) {
  KASSERT(pg->pg_members.empty());
  g_pgrps.remove(pg);
  Session* s = pg->session;
  const Pid pgid = pg->pgid;
  delete pg;
  if (--s->s_count == 0) {
    const Pid sid = s->sid;
    if (s->s_ttyp && g_session_free_hook) g_session_free_hook(s);
    delete s;
    // The leader's own group carries the session's id too: one id, freed
    // once (below), or a second proc_free_pid finds it free already.
    if (sid != pgid) id_release_locked(sid);
  }
  id_release_locked(pgid);
}

// Moves p from its group to pg (which may be new); frees an emptied group.
void pgrp_move_locked(Proc* p, Pgrp* pg) REQUIRES(proc_lock) {
  Pgrp* old = p->p_pgrp;
  if (old == pg) return;
  // Out of the old list first (one link); the old group goes after the
  // new one holds its session, which they may share.
  if (old) old->pg_members.remove(p);
  pgrp_join_locked(p, pg);
  if (old && old->pg_members.empty()) pgrp_free_locked(old);
}

bool has_stopped_member(Pgrp* pg) REQUIRES(proc_lock) {
  for (Proc* m : pg->pg_members)
    if (m->p_stat == ProcStat::SSTOP) return true;
  return false;
}

void watch_add(OrphanWatch& w, Pgrp* pg) REQUIRES(proc_lock) {
  if (!pg) return;
  for (unsigned i = 0; i < w.n; i++)
    if (w.pgids[i] == pg->pgid.value) return;
  if (w.n == OrphanWatch::kMax) {
    w.overflow = true;
    return;
  }
  w.pgids[w.n] = pg->pgid.value;
  w.orphaned[w.n] = pgrp_is_orphaned_locked(pg);
  w.n++;
}

// NetBSD orphanpg: a group that has just become orphaned and has stopped
// members gets SIGHUP, then SIGCONT (POSIX: nobody is left to continue them).
void orphanpg_locked(Pgrp* pg) REQUIRES(proc_lock) {
  for (Proc* m : pg->pg_members) {
    if (gone(m)) continue;
    psignal(m, kSigHup);
    sig_post_jobctl_locked(m, kSigCont);
    psignal(m, kSigCont);
  }
}
}  // namespace

Pgrp* pgrp_find_locked(Pid pgid) {
  for (Pgrp* pg : g_pgrps)
    if (pg->pgid == pgid) return pg;
  return nullptr;
}

bool pgrp_id_in_use_locked(Pid pid) {
  return pgrp_find_locked(pid) != nullptr || session_in_use_locked(pid);
}

void pgrp_join_locked(Proc* p, Pgrp* pg) {
  if (!pg->linked()) {
    // A group not yet listed: proc0's first, set up at boot.
    g_pgrps.push_back(pg);
    pg->session->s_count++;
  }
  pg->pg_members.push_back(p);
  p->p_pgrp = pg;
}

void pgrp_leave_locked(Proc* p) {
  Pgrp* pg = p->p_pgrp;
  if (!pg) return;
  pg->pg_members.remove(p);
  p->p_pgrp = nullptr;
  if (pg->pg_members.empty()) pgrp_free_locked(pg);
}

bool pgrp_is_orphaned_locked(Pgrp* pg) {
  if (!pg) return false;
  for (Proc* m : pg->pg_members) {
    if (gone(m)) continue;
    const Proc* pp = m->p_pptr;
    if (!pp || pp == initproc || !pp->p_pgrp) continue;
    if (pp->p_pgrp != pg && pp->p_pgrp->session == pg->session) return false;
  }
  return true;
}

void orphan_watch_begin_locked(Proc* p, OrphanWatch& w) {
  watch_add(w, p->p_pgrp);
  for (Proc* c : p->p_children) watch_add(w, c->p_pgrp);
}

void orphan_watch_end_locked(Proc*, OrphanWatch& w) {
  for (unsigned i = 0; i < w.n; i++) {
    if (w.orphaned[i]) continue;
    Pgrp* pg = pgrp_find_locked(Pid{w.pgids[i]});
    if (pg && pgrp_is_orphaned_locked(pg) && has_stopped_member(pg)) orphanpg_locked(pg);
  }
  if (w.overflow) {
    // Some groups were not remembered: check every orphaned group with a
    // stopped member (a stopped member of an orphaned group can only be
    // there by SIGSTOP, which is what orphanpg undoes anyway).
    for (Pgrp* pg : g_pgrps)
      if (pgrp_is_orphaned_locked(pg) && has_stopped_member(pg)) orphanpg_locked(pg);
  }
}

Result<void> pgrp_setpgid(Proc* self, i32 pid, i32 pgid) {
  if (pgid < 0) return Error::Inval;
  // Allocated before the lock: setpgid may need a new group.
  Pgrp* fresh = new (std::nothrow) Pgrp;
  if (!fresh) return Error::NoMem;
  MutexGuard g(proc_lock);
  Proc* target = pid == 0 ? self : proc_find_locked(Pid{pid});
  // Linux: ESRCH unless it is the caller or the caller's child.
  if (!target || gone(target) || (target != self && target->p_pptr != self)) {
    delete fresh;
    return Error::Srch;
  }
  if (pgid == 0) pgid = target->p_pid.value;
  Result<void> err = ok();
  if (target != self) {
    bool execd;
    {
      MutexGuard tg(target->p_lock());
      execd = (target->p_flag & PK_EXEC) != 0;
    }
    if (target->p_pgrp->session != self->p_pgrp->session) {
      err = Error::Perm;
    } else if (execd) {
      err = Error::Access;
    }
  }
  Session* sess = self->p_pgrp->session;
  if (err.ok() && target->p_pid == sess->sid) err = Error::Perm;  // a session leader
  Pgrp* pg = nullptr;
  if (err.ok()) {
    pg = pgrp_find_locked(Pid{pgid});
    if (pg && pg->session != sess) err = Error::Perm;
    // A new group only with the target's own pid as its id.
    if (!pg && pgid != target->p_pid.value) err = Error::Perm;
  }
  if (!err.ok()) {
    delete fresh;
    return err;
  }
  if (pg == target->p_pgrp) {
    delete fresh;
    return ok();
  }
  if (!pg) {
    fresh->pgid = Pid{pgid};
    fresh->session = sess;
    pg = fresh;
  } else {
    delete fresh;
  }
  OrphanWatch w;
  orphan_watch_begin_locked(target, w);
  pgrp_move_locked(target, pg);
  // The group it joined may stop being orphaned; the one it left, or its
  // children's, may become orphaned (NetBSD fixjobc).
  orphan_watch_end_locked(target, w);
  return ok();
}

void pgrp_set_session_free_hook(void (*fn)(Session* s)) { g_session_free_hook = fn; }
void pgrp_set_leader_exit_hook(void (*fn)(Session* s)) { g_leader_exit_hook = fn; }

void pgrp_leader_exit_locked(Proc* p) {
  if (!p->p_pgrp) return;
  Session* s = p->p_pgrp->session;
  if (s->sid == p->p_pid && s->s_ttyp && g_leader_exit_hook) g_leader_exit_hook(s);
}

Result<i32> pgrp_setsid(Proc* self) {
  Pgrp* pg = new (std::nothrow) Pgrp;
  Session* s = new (std::nothrow) Session;
  if (!pg || !s) {
    delete pg;
    delete s;
    return Error::NoMem;
  }
  MutexGuard g(proc_lock);
  // EPERM if a group has our id (we lead one, or our id is a group's).
  if (pgrp_id_in_use_locked(self->p_pid)) {
    delete pg;
    delete s;
    return Error::Perm;
  }
  s->sid = self->p_pid;
  pg->pgid = self->p_pid;
  pg->session = s;
  OrphanWatch w;
  orphan_watch_begin_locked(self, w);
  pgrp_move_locked(self, pg);  // joins: s_count becomes 1
  orphan_watch_end_locked(self, w);
  // A new session has no controlling terminal (NetBSD sys_setsid,
  // Linux proc_clear_tty).
  self->p_lflag &= ~PL_CONTROLT;
  return self->p_pid.value;
}

Result<i32> pgrp_getpgid(Proc* self, i32 pid) {
  MutexGuard g(proc_lock);
  Proc* p = pid == 0 ? self : proc_find_locked(Pid{pid});
  if (!p || !p->p_pgrp) return Error::Srch;
  return p->p_pgrp->pgid.value;
}

Result<i32> pgrp_getsid(Proc* self, i32 pid) {
  MutexGuard g(proc_lock);
  Proc* p = pid == 0 ? self : proc_find_locked(Pid{pid});
  if (!p || !p->p_pgrp) return Error::Srch;
  return p->p_pgrp->session->sid.value;
}

Result<void> pgrp_signal_locked(Proc* sender, Pgrp* pg, int sig) {
  if (!pg) return Error::Srch;
  bool any = false, sent = false;
  for (Proc* m : pg->pg_members) {
    if (m->p_stat == ProcStat::SDEAD) continue;
    any = true;
    {
      MutexGuard mg(m->p_lock());
      if (m->p_flag & PK_SYSTEM) continue;
      if (!kauth_authorize(proc_own_cred(sender), KauthAction::ProcessSignal, m->p_cred))
        continue;
    }
    sent = true;
    if (sig == 0 || m->p_stat == ProcStat::SZOMB) continue;
    sig_post_jobctl_locked(m, sig);
    psignal(m, sig);
    if (sig == kSigKill) proc_waitcv.broadcast();  // a ptrace stop sleeps there
  }
  if (!any) return Error::Srch;
  if (!sent) return Error::Perm;
  return ok();
}

}  // namespace tine
