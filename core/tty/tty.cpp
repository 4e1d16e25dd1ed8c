#include "core/tty/tty.h"

#include "core/fs/file_console.h"
#include "core/fs/filedesc.h"
#include "core/fs/poll.h"
#include "core/lib/console.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/proc/exit.h"
#include "core/proc/pgrp.h"
#include "core/proc/sigacts.h"
#include "core/sched/lwp.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/tty/tty_internal.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {

// Bytes moved per copy: on the kernel stack.
constexpr size_t kChunk = 256;
constexpr u64 kDeciSecondNs = 100'000'000;  // VTIME's unit

Tty g_console;

// The discipline's echo and output go to the console, as they are.
void put_console(void*, const char* s, size_t n) { console_write_raw(s, n); }
constexpr TtyOut kConsoleOut{put_console, nullptr};

bool proc_ignores_or_blocks(Proc* p, Lwp* l, int sig) {
  MutexGuard g(p->p_lock());
  return p->p_sigacts->actions[sig].handler == kSigIgn || (l->l_sigmask & sigbit(sig));
}

// VMIN/VTIME for a read of `want` bytes in non-canonical mode (POSIX
// "Non-Canonical Mode Input Processing"): how many bytes end the wait, and
// after how long (0: no limit) it ends anyway.
struct RawWait {
  size_t min;
  u64 timeout_ns;
};
RawWait raw_wait(const Termios& t, size_t want) {
  size_t vmin = t.c_cc[kVMin];
  u64 vtime = u64(t.c_cc[kVTime]) * kDeciSecondNs;
  if (vmin == 0) return {1, vtime ? vtime : 0};
  // VMIN > 0 with VTIME: Linux times between bytes once one came; Tine
  // (basic) waits for the first byte, then at most VTIME for the rest.
  return {min(vmin, want), vtime};
}

Result<size_t> tty_read(File& f, uptr user_buf, size_t n) {
  Tty& t = *static_cast<Tty*>(f.data);
  TRY(tty_job_check(t, kSigTtin));
  char buf[kChunk];
  size_t want = min(n, kChunk);
  size_t got = 0;
  {
    MutexGuard g(t.lock);
    const Termios& tio = t.ld.t;
    if (tio.c_lflag & kTICanon) {
      if (!ldisc_can_read(t.ld) && f.nonblocking()) return Error::Again;
      TRY(sleep_until(SleepOn{.cv = &t.readable, .m = &t.lock}, [&] {
        sleep_until_holds(t.lock);
        return ldisc_can_read(t.ld);
      }));
    } else if (!ldisc_can_read(t.ld, 1)) {
      // Linux n_tty_read: VMIN 0 and VTIME 0 read what is there, even
      // nothing; otherwise O_NONBLOCK is EAGAIN.
      if (tio.c_cc[kVMin] == 0 && tio.c_cc[kVTime] == 0) return size_t(0);
      if (f.nonblocking()) return Error::Again;
    }
    if (!(tio.c_lflag & kTICanon)) {
      RawWait w = raw_wait(tio, want);
      // VMIN 0: the timer runs from the read; VMIN > 0: from the first byte.
      u64 deadline = tio.c_cc[kVMin] == 0 && w.timeout_ns ? hal::time_ns() + w.timeout_ns : 0;
      for (;;) {
        if (ldisc_can_read(t.ld, w.min)) break;
        if (deadline == 0 && w.timeout_ns && ldisc_can_read(t.ld, 1))
          deadline = hal::time_ns() + w.timeout_ns;  // the first byte starts it
        if (deadline != 0 && hal::time_ns() >= deadline) break;
        if (tio.c_cc[kVMin] == 0 && tio.c_cc[kVTime] == 0) break;
        TRY(sleep_intr_nap(SleepOn{.cv = &t.readable, .m = &t.lock, .until_ns = deadline}));
      }
    }
    got = ldisc_read(t.ld, buf, want);
  }
  // The bytes are consumed even if this faults, as on Linux.
  if (got) TRY(copyout(user_buf, buf, got));
  return got;
}

// TOSTOP: a background writer's group gets SIGTTOU (tty_job_check).
Result<void> tty_write_check(Tty& t) {
  bool tostop;
  {
    MutexGuard g(t.lock);
    tostop = t.ld.t.c_lflag & kTToStop;
  }
  if (tostop) TRY(tty_job_check(t, kSigTtou));
  return ok();
}

// sendfile to the console: the bytes are the kernel's already.
Result<size_t> tty_write_kernel(File& f, const void* buf, size_t n) {
  Tty& t = *static_cast<Tty*>(f.data);
  TRY(tty_write_check(t));
  const char* s = static_cast<const char*>(buf);
  for (size_t off = 0; off < n;) {
    size_t c = min(n - off, kChunk);
    MutexGuard g(t.lock);
    ldisc_output(t.ld, s + off, c, kConsoleOut);
    off += c;
  }
  return n;
}

Result<size_t> tty_write(File& f, uptr user_buf, size_t n) {
  Tty& t = *static_cast<Tty*>(f.data);
  TRY(tty_write_check(t));
  char buf[kChunk];
  return for_each_user_piece(user_buf, n, [&](uptr at, size_t len, size_t) -> Result<void> {
    for (size_t off = 0; off < len;) {
      size_t c = min(len - off, kChunk);
      TRY(copyin(buf, at + off, c));
      MutexGuard g(t.lock);
      ldisc_output(t.ld, buf, c, kConsoleOut);
      off += c;
    }
    return ok();
  });
}

i16 tty_poll(File& f) {
  Tty& t = *static_cast<Tty*>(f.data);
  MutexGuard g(t.lock);
  i16 r = kPollOut | kPollWrNorm;
  if (ldisc_can_read(t.ld)) r |= kPollIn | kPollRdNorm;
  return r;
}

void tty_close(File&) {}  // the tty outlives its Files

void tty_stat(File&, FileStat& st) { console_fill_stat(st); }

const FileOps kTtyOps = {
    .name = "tty",
    .read = tty_read,
    .write = tty_write,
    .close = tty_close,
    .stat = tty_stat,
    .seekable = false,
    .poll = tty_poll,
    .polled_device = false,  // the input thread calls poll_wakeup
    .ioctl = tty_ioctl,
    .write_kernel = tty_write_kernel,
};


}  // namespace

Tty& console_tty() { return g_console; }

bool tty_is_ctty_locked(const Tty& t, Proc* p) {
  if (!p || !(p->p_lflag & PL_CONTROLT) || !p->p_pgrp) return false;
  return p->p_pgrp->session == t.session && t.session != nullptr;
}

Result<void> tty_acquire_locked(Tty& t, Proc* p, bool steal) {
  if (!p || !p->p_pgrp) return Error::Perm;
  Session* s = p->p_pgrp->session;
  if (s->sid != p->p_pid) return Error::Perm;   // not a session leader
  if (t.session == s) {
    p->p_lflag |= PL_CONTROLT;
    return ok();
  }
  if (s->s_ttyp) return Error::Perm;            // it has another terminal
  if (t.session) {
    if (!steal) return Error::Perm;             // another session's
    tty_release_locked(t, false);
  }
  t.session = s;
  t.fg_pgid = p->p_pgrp->pgid.value;
  s->s_ttyp = &t;
  s->has_ctty = true;
  p->p_lflag |= PL_CONTROLT;
  return ok();
}

void tty_release_locked(Tty& t, bool hangup) {
  if (!t.session) return;
  if (hangup) {
    tty_signal_fg_locked(t, kSigHup);
    tty_signal_fg_locked(t, kSigCont);
  }
  t.session->s_ttyp = nullptr;
  t.session->has_ctty = false;
  t.session = nullptr;
  t.fg_pgid = 0;
}

void tty_signal_fg_locked(Tty& t, int sig) {
  if (!t.session || t.fg_pgid == 0) return;
  Pgrp* pg = pgrp_find_locked(Pid{t.fg_pgid});
  if (!pg || pg->session != t.session) return;
  for (Proc* m : pg->pg_members) {
    if (m->p_stat == ProcStat::SZOMB || m->p_stat == ProcStat::SDEAD) continue;
    {
      MutexGuard mg(m->p_lock());
      if (m->p_flag & PK_SYSTEM) continue;
    }
    sig_post_jobctl_locked(m, sig);
    psignal(m, sig);
  }
}

Result<void> tty_job_check(Tty& t, int sig) {
  Proc* p = curproc();
  Lwp* l = curlwp();
  MutexGuard g(proc_lock);
  // Only a process whose controlling terminal this is, outside the
  // foreground group, is held back (NetBSD ttread/ttwrite, Linux
  // __tty_check_change).
  if (!tty_is_ctty_locked(t, p) || p->p_pgrp->pgid.value == t.fg_pgid) return ok();
  bool held = proc_ignores_or_blocks(p, l, sig);
  if (held) return sig == kSigTtin ? Result<void>(Error::Io) : ok();
  if (pgrp_is_orphaned_locked(p->p_pgrp)) return Error::Io;
  for (Proc* m : p->p_pgrp->pg_members) {
    if (m->p_stat == ProcStat::SZOMB || m->p_stat == ProcStat::SDEAD) continue;
    sig_post_jobctl_locked(m, sig);
    psignal(m, sig);
  }
  return Error::Intr;  // restarted after the stop (ERESTARTSYS)
}

void tty_receive(Tty& t, const u8* bytes, size_t n) {
  int sigs[8];
  size_t nsig = 0;
  {
    MutexGuard g(t.lock);
    for (size_t i = 0; i < n; i++) {
      int sig = ldisc_input(t.ld, bytes[i], kConsoleOut);
      if (sig && nsig < 8) sigs[nsig++] = sig;
    }
  }
  t.readable.broadcast();
  poll_wakeup();
  if (nsig == 0) return;
  MutexGuard g(proc_lock);
  for (size_t i = 0; i < nsig; i++) tty_signal_fg_locked(t, sigs[i]);
}

Result<File*> tty_open_console(int flags) {
  Tty& t = g_console;
  File* f = TRY(file_create(&kTtyOps, flags & (kOAccMode | kOSetFlMask), &t));
  if (!(flags & kONoCtty)) {
    Proc* p = curlwp() ? curlwp()->proc : nullptr;
    MutexGuard g(proc_lock);
    // A session leader without a terminal acquires it; for anyone else
    // the open just opens.
    if (p && p->p_pgrp && p->p_pgrp->session->sid == p->p_pid &&
        !p->p_pgrp->session->s_ttyp && !t.session)
      (void)tty_acquire_locked(t, p, false);
  }
  return f;
}

}  // namespace tine
