// epoll: an interest list of (open file, descriptor) pairs, and a wait
// for any of them to become ready (Linux's fs/eventpoll.c).
//
// Readiness is each File's FileOps::poll, asked afresh at every look: no
// ready list, no callbacks. A waiter waits on poll's one wait channel
// (core/fs/poll.h), which every backend wakes when its state moves, and
// naps no longer than the earliest FileOps::poll_deadline (timers).
//
// Level-triggered by default: a ready File is reported at every wait.
// kEpollEt reports it again only after FileOps::poll_seq moved (a write,
// a read, an expiry; for a File without the hook, after its readiness
// changed between two looks). kEpollOneShot disables the entry after one
// report, until EPOLL_CTL_MOD. kEpollExclusive is accepted (Tine wakes
// every waiter anyway, which Linux allows for it).
//
// As Linux, the registration is on the open file description: the entry
// holds no reference, and leaves the list when the File's last reference
// goes (epoll_file_closed, from file_release), not when one of its
// descriptors is closed. An epoll may watch another (EPOLLIN while the
// inner one has something to report), up to kEpollMaxNests deep; a loop
// is ELOOP.
//
// Locking: one mutex (LockRank::Epoll) for every interest list and every
// File's chain of entries; FileOps::poll of a watched File runs under it.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

// epoll_event.events bits (Linux's uapi eventpoll.h).
inline constexpr u32 kEpollIn = 0x001, kEpollPri = 0x002, kEpollOut = 0x004, kEpollErr = 0x008,
                     kEpollHup = 0x010, kEpollRdNorm = 0x040, kEpollRdBand = 0x080,
                     kEpollWrNorm = 0x100, kEpollWrBand = 0x200, kEpollMsg = 0x400,
                     kEpollRdHup = 0x2000;
inline constexpr u32 kEpollExclusive = 1u << 28, kEpollWakeup = 1u << 29,
                     kEpollOneShot = 1u << 30, kEpollEt = 1u << 31;
inline constexpr int kEpollCtlAdd = 1, kEpollCtlDel = 2, kEpollCtlMod = 3;
inline constexpr int kEpollCloExec = kOCloExec;
inline constexpr int kEpollMaxNests = 4;

// struct epoll_event as riscv64 lays it out (not packed: 16 bytes).
struct EpollEvent {
  u32 events;
  u64 data;
};
static_assert(sizeof(EpollEvent) == 16);

// epoll_create1(flags): Inval for flags other than EPOLL_CLOEXEC; NoMem.
Result<File*> epoll_create(int flags);
bool file_is_epoll(const File& f);

// epoll_ctl on ep (an epoll File; Inval otherwise) for target, known by
// descriptor fd. As Linux's do_epoll_ctl: Perm for a target without poll
// (a regular file), Inval for ep itself as target or a bad op, Inval for
// kEpollExclusive with MOD, on an epoll, or with other bits than Linux
// allows; Loop for a cycle or a nest too deep; Exist, NoEnt; NoMem.
Result<void> epoll_ctl(File& ep, int op, File& target, int fd, const EpollEvent& ev);

// One look: up to max ready entries into out (kernel memory), their
// one-shot and edge state consumed. Returns how many; lowers *deadline
// (0: none) to the earliest FileOps::poll_deadline of a watched File,
// and sets *device if one is a polled device.
u64 epoll_collect(File& ep, EpollEvent* out, u64 max, u64* deadline, bool* device);

// file_release's hook: f's last reference went; f leaves every interest
// list. Cheap when f is watched by none.
void epoll_file_closed(File& f);

}  // namespace tine
