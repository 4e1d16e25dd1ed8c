// Linux's waiting on descriptors: ppoll and pselect6 (fs/select.c), over
// core/fs/poll.h. Both take a temporary signal mask and a relative
// timeout, and both end as Linux's poll_select_finish: the old mask comes
// back (after the handler's frame when a signal ended the wait), and a
// non-zero timeout is written back with the time that was left.
#include "core/compat/linux/linux.h"
#include "core/compat/linux/sigwait.h"

#include "core/fs/poll.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {

constexpr u64 kNsPerSec = 1000000000u;

// Linux's set_user_sigmask: no mask leaves the caller's; a size other
// than the kernel's sigset is EINVAL, an unreadable one EFAULT. True when
// a mask was put in place.
Result<bool> take_mask(Lwp* l, uptr user, u64 size) {
  if (!user) return false;
  if (size != kLinuxSigsetSize) return Error::Inval;
  u64 mask;
  TRY(copyin(&mask, user, sizeof mask));
  set_temporary_mask(l, mask);
  return true;
}

// Linux's poll_select_finish. A timeout it cannot write back makes a
// signal's EINTR final: restarting would wait the whole time again.
i64 finish(Lwp* l, bool masked, uptr uts, bool zero, u64 until, i64 ret) {
  const bool restart = ret == errno_of(Error::RestartNoHand);
  if (masked && !restart) restore_temporary_mask(l);
  if (!uts || zero) return ret;
  const u64 now = hal::time_ns();
  const u64 left = until > now ? until - now : 0;
  const LinuxTimespec ts{i64(left / kNsPerSec), i64(left % kNsPerSec)};
  if (!copyout(uts, &ts, sizeof ts).ok() && restart) {
    l->l_sysrestart = kRestartNever;
    return errno_of(Error::Intr);
  }
  return ret;
}

// ppoll's work (Linux's do_sys_poll): nfds over the descriptor limit is
// EINVAL, an unreadable array EFAULT; with no descriptors it is a sleep
// that a signal ends (glibc's pause is ppoll(0, 0, 0, 0)).
i64 poll_fds(uptr ufds, u64 nfds, u64 until) {
  if (nfds > kPollMaxFds) return errno_of(Error::Inval);
  if (nfds == 0) {
    if (until == kPollNoWait) return 0;
    return sleep_for_signal(until).ok() ? 0 : errno_of(Error::RestartNoHand);
  }
  PollFd* fds = static_cast<PollFd*>(kmalloc(nfds * sizeof(PollFd)));
  if (!fds) return errno_of(Error::NoMem);
  i64 ret;
  if (Result<void> c = copyin(fds, ufds, nfds * sizeof(PollFd)); !c.ok()) {
    ret = errno_of(c.error());
  } else if (Result<u64> r = sys_poll(curfd(), fds, nfds, until); !r.ok()) {
    ret = errno_of(Error::RestartNoHand);  // the mask goes back after the handler
  } else {
    ret = i64(r.value());
    Result<void> o = copyout(ufds, fds, nfds * sizeof(PollFd));
    if (!o.ok()) ret = errno_of(o.error());
  }
  kfree(fds);
  return ret;
}

// select's three sets in poll's terms (Linux's POLLIN_SET, POLLOUT_SET,
// POLLEX_SET): a descriptor counts once in each set where it is ready.
constexpr i16 kSelectIn = kPollIn | kPollRdNorm | kPollRdBand | kPollHup | kPollErr;
constexpr i16 kSelectOut = kPollOut | kPollWrNorm | kPollWrBand | kPollErr;
constexpr i16 kSelectEx = kPollPri;
constexpr i16 kSelectBits[3] = {kSelectIn, kSelectOut, kSelectEx};

// select_fds's body, over its buffers: want and got hold three sets of
// `words` words each (zeroed), fds room for n descriptors.
i64 select_sets(FileTable* t, i64 n, u64 words, const uptr (&sets)[3], u64* want, u64* got,
                PollFd* fds, u64 until) {
  const u64 bytes = words * sizeof(u64);
  for (int s = 0; s < 3; s++) {
    if (!sets[s]) continue;
    Result<void> c = copyin(want + s * words, sets[s], bytes);
    if (!c.ok()) return errno_of(c.error());
    if (n % 64) want[s * words + words - 1] &= (u64(1) << (n % 64)) - 1;
  }
  u64 nfds = 0;
  for (int fd = 0; fd < n; fd++) {
    const u64 word = u64(fd) / 64, bit = u64(1) << (fd % 64);
    i16 events = 0;
    for (int s = 0; s < 3; s++)
      if (want[s * words + word] & bit) events |= kSelectBits[s];
    if (!events) continue;
    Result<File*> f = fd_get(t, fd);
    if (!f.ok()) return errno_of(Error::BadF);
    file_release(f.value());
    fds[nfds++] = PollFd{fd, events, 0};
  }
  Result<u64> r = sys_poll(t, fds, nfds, until, PollReport::Select);
  if (!r.ok()) return errno_of(Error::RestartNoHand);
  i64 count = 0;
  for (u64 i = 0; i < nfds; i++) {
    const u64 word = u64(fds[i].fd) / 64, bit = u64(1) << (fds[i].fd % 64);
    for (int s = 0; s < 3; s++) {
      if ((want[s * words + word] & bit) && (fds[i].revents & kSelectBits[s])) {
        got[s * words + word] |= bit;
        count++;
      }
    }
  }
  for (int s = 0; s < 3; s++) {
    if (!sets[s]) continue;
    Result<void> c = copyout(sets[s], got + s * words, bytes);
    if (!c.ok()) return errno_of(c.error());
  }
  return count;
}

// pselect6's work (Linux's core_sys_select and do_select): EINVAL for a
// negative n, EFAULT for an unreadable set, EBADF when a set names a
// descriptor that is not open; then each set's first n bits (whole 64-bit
// words, as Linux copies longs) are rewritten with the ready ones and the
// count of bits returned. n is clipped to the table's size, as Linux clips
// it to max_fds: no descriptor lives past it.
i64 select_fds(i64 n, const uptr (&sets)[3], u64 until) {
  if (n < 0) return errno_of(Error::Inval);
  FileTable* t = curfd();
  const i64 slots = fd_table_size(t);
  if (n > slots) n = slots;
  if (n == 0) {  // a sleep that a signal ends (select(0, ..., &tv))
    Result<u64> r = sys_poll(t, nullptr, 0, until, PollReport::Select);
    return r.ok() ? 0 : errno_of(Error::RestartNoHand);
  }
  const u64 words = (u64(n) + 63) / 64;
  // One allocation: want[3][words], got[3][words], then n PollFds.
  const u64 set_bytes = 6 * words * sizeof(u64);
  u8* mem = static_cast<u8*>(kzalloc(set_bytes + u64(n) * sizeof(PollFd)));
  if (!mem) return errno_of(Error::NoMem);
  u64* want = reinterpret_cast<u64*>(mem);
  u64* got = want + 3 * words;
  PollFd* fds = reinterpret_cast<PollFd*>(mem + set_bytes);
  const i64 ret = select_sets(t, n, words, sets, want, got, fds, until);
  kfree(mem);
  return ret;
}

}  // namespace

// ppoll(fds, nfds, timeout, sigmask, size), in Linux's order (do_ppoll):
// the timeout is read (EFAULT, EINVAL), the mask put in place (EINVAL,
// EFAULT), then the descriptors polled; a signal ends it with EINTR
// (never restarted after a handler, as Linux's ERESTARTNOHAND).
i64 linux_sys_ppoll(const SyscallArgs& a) {
  bool zero;
  Result<u64> until = read_timeout(a.a[2], &zero);
  if (!until.ok()) return errno_of(until.error());
  Lwp* l = curlwp();
  Result<bool> masked = take_mask(l, a.a[3], a.a[4]);
  if (!masked.ok()) return errno_of(masked.error());
  const i64 r = poll_fds(a.a[0], a.a[1], zero ? kPollNoWait : until.value());
  return finish(l, masked.value(), a.a[2], zero, until.value(), r);
}

// pselect6(n, in, out, ex, timeout, sig), sig pointing at Linux's
// sigset_argpack {mask, size}: read first (EFAULT), then as ppoll.
i64 linux_sys_pselect6(const SyscallArgs& a) {
  struct {
    u64 mask, size;
  } pack{0, 0};
  if (a.a[5]) {
    Result<void> c = copyin(&pack, a.a[5], sizeof pack);
    if (!c.ok()) return errno_of(c.error());
  }
  bool zero;
  Result<u64> until = read_timeout(a.a[4], &zero);
  if (!until.ok()) return errno_of(until.error());
  Lwp* l = curlwp();
  Result<bool> masked = take_mask(l, pack.mask, pack.size);
  if (!masked.ok()) return errno_of(masked.error());
  const uptr sets[3] = {a.a[1], a.a[2], a.a[3]};
  const i64 r = select_fds(i64(int(a.a[0])), sets, zero ? kPollNoWait : until.value());
  return finish(l, masked.value(), a.a[4], zero, until.value(), r);
}

}  // namespace tine
