// poll(2): which of a set of descriptors are ready, waiting for one to
// become so (NetBSD sys_select.c's pollcommon, without selrecord lists).
//
// Readiness is each backend's FileOps::poll. Waiting is one wait channel for
// the whole system: a backend whose readiness may have changed calls
// poll_wakeup(), and every poller looks again. That costs a poller a rescan
// per unrelated event, which the few pollers a small system has can afford,
// and costs the pipe paths one atomic load while nobody polls.
#pragma once

#include "core/fs/filedesc.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// poll's event bits (Linux's asm-generic values).
inline constexpr i16 kPollRdHup = 0x2000;  // the peer shut down writing (sockets)
inline constexpr i16 kPollIn = 0x001, kPollPri = 0x002, kPollOut = 0x004, kPollErr = 0x008,
                     kPollHup = 0x010, kPollNval = 0x020, kPollRdNorm = 0x040,
                     kPollRdBand = 0x080, kPollWrNorm = 0x100, kPollWrBand = 0x200;

// struct pollfd, as user space lays it out.
struct PollFd {
  i32 fd;
  i16 events;
  i16 revents;
};

// The most descriptors one poll takes (Linux: RLIMIT_NOFILE, 1024 by
// default; EINVAL above).
inline constexpr u64 kPollMaxFds = 1024;

// A backend's readiness may have changed (data arrived or left, an end
// closed): wakes every poller to look again. Cheap when nobody polls.
void poll_wakeup();

// Lowers *deadline (0: none yet) to f's FileOps::poll_deadline, if any.
void poll_note_deadline(File& f, u64* deadline);

// Fills each fds[i].revents (fd < 0: 0; a closed fd: POLLNVAL; POLLERR and
// POLLHUP whether asked or not) and returns how many are non-zero. With none
// ready it waits until one is, until guest time `until_ns` (0: no end;
// kPollNoWait: not at all), or until a signal (Error::Intr).
//
// PollReport::Select is select(2)'s view (Linux's do_select): revents is the
// readiness masked by `events` alone (no forced POLLERR/POLLHUP), and a
// descriptor closed meanwhile reports nothing, so a caller that asks for
// exactly the bits it counts sees a non-zero revents only where it counts.
inline constexpr u64 kPollNoWait = ~u64(0);

// The wait of sys_poll for any set of Files (epoll's too): calls
// look(ctx, &device, &deadline), which counts what is ready, sets *device
// if a polled device is watched and lowers *deadline (0: none) to the
// earliest FileOps::poll_deadline, until it counts one or more, guest
// time until_ns passes (0: no end; kPollNoWait: one look), or a signal
// comes (Error::Intr).
using PollLook = u64 (*)(void* ctx, bool* device, u64* deadline);
Result<u64> poll_wait(u64 until_ns, PollLook look, void* ctx);

enum class PollReport : u8 { Poll, Select };
Result<u64> sys_poll(FileTable* t, PollFd* fds, u64 nfds, u64 until_ns,
                     PollReport report = PollReport::Poll);

}  // namespace tine
