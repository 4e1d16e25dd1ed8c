// The tty's ioctls (Linux tty_ioctl/n_tty_ioctl/tty_jobctrl_ioctl, NetBSD
// ttioctl): termios, window size, the foreground group, the controlling
// terminal, FIONREAD. Argument layouts are Linux riscv64's.
#include "core/proc/exit.h"
#include "core/proc/pgrp.h"
#include "core/proc/sigacts.h"
#include "core/proc/cred.h"
#include "core/sched/sched.h"
#include "core/lib/string.h"
#include "core/tty/tty_internal.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

constexpr int kSigWinch = 28;

Result<i64> set_termios(Tty& t, u32 cmd, uptr arg) {
  // Changing a terminal's settings from the background is SIGTTOU's
  // business, as writing is under TOSTOP (Linux tty_check_change).
  TRY(tty_job_check(t, kSigTtou));
  Termios tio;
  TRY(copyin(&tio, arg, sizeof tio));
  {
    MutexGuard g(t.lock);
    // TCSETSW and TCSETSF wait for output to drain: it never waits here
    // (console writes are synchronous). TCSETSF also drops pending input.
    if (cmd == kTcSetsF) ldisc_flush(t.ld);
    ldisc_set_termios(t.ld, tio);
  }
  t.readable.broadcast();  // leaving canonical mode may make bytes readable
  return 0;
}

Result<i64> set_pgrp(Tty& t, uptr arg) {
  i32 pgid;
  TRY(copyin(&pgid, arg, sizeof pgid));
  // Linux tiocspgrp: an orphaned background group is told ENOTTY, not EIO.
  Result<void> jc = tty_job_check(t, kSigTtou);
  if (!jc.ok()) return jc.error() == Error::Io ? Error::NotTty : jc.error();
  Proc* p = curproc();
  MutexGuard g(proc_lock);
  if (!tty_is_ctty_locked(t, p)) return Error::NotTty;
  if (pgid < 0) return Error::Inval;
  Pgrp* pg = pgrp_find_locked(Pid{pgid});
  if (!pg) return Error::Srch;
  if (pg->session != p->p_pgrp->session) return Error::Perm;
  t.fg_pgid = pgid;
  return 0;
}

Result<i64> set_ctty(Tty& t, File& f, uptr arg) {
  Proc* p = curproc();
  // Root (euid 0) stands in for Linux's CAP_SYS_ADMIN.
  const bool root = proc_own_cred(p)->euid.value == 0;
  MutexGuard g(proc_lock);
  if (tty_is_ctty_locked(t, p)) return 0;
  // Linux: the file must be open for reading unless the caller is root.
  if (!f.readable() && !root) return Error::Perm;
  TRY(tty_acquire_locked(t, p, arg == 1 && root));
  return 0;
}

Result<i64> no_ctty(Tty& t) {
  Proc* p = curproc();
  MutexGuard g(proc_lock);
  if (!tty_is_ctty_locked(t, p)) return Error::NotTty;
  // A session leader takes the terminal from its whole session; anyone
  // else just stops having one (Linux disassociate_ctty / no_tty).
  if (p->p_pgrp->session->sid == p->p_pid) tty_release_locked(t, true);
  p->p_lflag &= ~PL_CONTROLT;
  return 0;
}

}  // namespace

Result<i64> tty_ioctl(File& f, u32 cmd, uptr arg) {
  Tty& t = *static_cast<Tty*>(f.data);
  switch (cmd) {
    case kTcGets: {
      Termios tio;
      {
        MutexGuard g(t.lock);
        tio = t.ld.t;
      }
      TRY(copyout(arg, &tio, sizeof tio));
      return 0;
    }
    case kTcSets:
    case kTcSetsW:
    case kTcSetsF:
      return set_termios(t, cmd, arg);
    case kTiocGwinsz: {
      Winsize ws;
      {
        MutexGuard g(t.lock);
        ws = t.ws;
      }
      TRY(copyout(arg, &ws, sizeof ws));
      return 0;
    }
    case kTiocSwinsz: {
      Winsize ws;
      TRY(copyin(&ws, arg, sizeof ws));
      bool changed;
      {
        MutexGuard g(t.lock);
        changed = memcmp(&ws, &t.ws, sizeof ws) != 0;
        t.ws = ws;
      }
      if (changed) {
        MutexGuard g(proc_lock);
        tty_signal_fg_locked(t, kSigWinch);
      }
      return 0;
    }
    case kTiocGpgrp: {
      i32 pgid;
      {
        MutexGuard g(proc_lock);
        if (!tty_is_ctty_locked(t, curproc())) return Error::NotTty;
        pgid = t.fg_pgid;
      }
      TRY(copyout(arg, &pgid, sizeof pgid));
      return 0;
    }
    case kTiocSpgrp:
      return set_pgrp(t, arg);
    case kTiocGsid: {
      i32 sid;
      {
        MutexGuard g(proc_lock);
        if (!tty_is_ctty_locked(t, curproc())) return Error::NotTty;
        sid = t.session->sid.value;
      }
      TRY(copyout(arg, &sid, sizeof sid));
      return 0;
    }
    case kTiocSctty:
      return set_ctty(t, f, arg);
    case kTiocNotty:
      return no_ctty(t);
    case kFionread: {
      i32 n;
      {
        MutexGuard g(t.lock);
        n = i32(ldisc_readable(t.ld));
      }
      TRY(copyout(arg, &n, sizeof n));
      return 0;
    }
    case kTiocOutq: {
      i32 zero = 0;  // output is written synchronously: nothing queued
      TRY(copyout(arg, &zero, sizeof zero));
      return 0;
    }
    case kTcSbrk:  // tcdrain (arg 1) and breaks: the output has drained already
    case kTcXonc:
      return 0;
    case kTcFlsh:
      if (arg > kTcIOFlush) return Error::Inval;
      if (arg != kTcOFlush) {
        MutexGuard g(t.lock);
        ldisc_flush(t.ld);
      }
      return 0;
    default:
      return Error::NotTty;
  }
}

}  // namespace tine
