#include "core/fs/file_epoll.h"

#include "core/fs/poll.h"
#include "core/lib/list.h"
#include "core/lib/new.h"
#include "core/sync/mutex.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

struct EpTag {};
struct ReadyTag {};
struct Epoll;

// One (File, fd) pair on one interest list. Also on its File's chain
// (File::epoll_items, through file_next), so that the File's last release
// finds every list it is on.
struct EpItem : ListLink<EpTag>, ListLink<ReadyTag> {
  EpItem* file_next = nullptr;
  Epoll* ep;
  File* file;  // not held: the entry goes when the File does
  int fd;
  u32 events;  // as asked, with EPOLLERR and EPOLLHUP
  u64 data;
  u32 seen = 0;        // poll_seq (or readiness, without the hook) last reported
  bool fresh = true;   // not reported since ADD or MOD (edge mode)
  bool disabled = false;  // one-shot, reported
  u32 ready = 0;          // readiness at the last look (epoll_collect)

  EpItem(Epoll* e, File* f, int d, u32 ev, u64 da) : ep(e), file(f), fd(d), events(ev), data(da) {}
};

Mutex g_ep_lock("epoll", LockRank::Epoll);

struct Epoll {
  List<EpItem, EpTag> items GUARDED_BY(g_ep_lock);
  // The entries found ready, in the order they were first found so, as
  // Linux's ready list: reported from the front, and a reported
  // level-triggered entry goes to the back, so a small maxevents takes
  // turns.
  List<EpItem, ReadyTag> ready GUARDED_BY(g_ep_lock);
};

constexpr u32 kEpollFlags = kEpollExclusive | kEpollWakeup | kEpollOneShot | kEpollEt;
// What Linux lets go with EPOLLEXCLUSIVE (EPOLLEXCLUSIVE_OK_BITS).
constexpr u32 kExclusiveOk = kEpollIn | kEpollOut | kEpollRdNorm | kEpollRdBand | kEpollWrNorm |
                             kEpollWrBand | kEpollErr | kEpollHup | kEpollWakeup | kEpollEt |
                             kEpollExclusive;

extern const FileOps kEpollOps;

// Entries one collect may move to the back of the ready list: its
// caller's batch (core/compat/linux/epoll.cpp gathers 64 at a time).
constexpr u64 kMaxRequeue = 64;

Epoll& ep_of(File& f) { return *static_cast<Epoll*>(f.data); }

EpItem*& chain_of(File& f) REQUIRES(g_ep_lock) {
  return *reinterpret_cast<EpItem**>(&f.epoll_items);
}

void chain_remove_locked(EpItem* it) REQUIRES(g_ep_lock) {
  for (EpItem** pp = &chain_of(*it->file); *pp; pp = &(*pp)->file_next) {
    if (*pp == it) {
      *pp = it->file_next;
      return;
    }
  }
}

void free_item(EpItem* it) {
  it->~EpItem();
  kfree(it);
}

bool has_ready_locked(Epoll& ep, int depth, u64* deadline, bool* device) REQUIRES(g_ep_lock);

// What the File behind it is ready for now, as epoll bits.
u32 readiness_locked(EpItem& it, int depth, u64* deadline, bool* device) REQUIRES(g_ep_lock) {
  File& f = *it.file;
  if (f.ops == &kEpollOps) {
    // A nested epoll is asked under the lock already held, never through
    // its FileOps::poll (which takes it).
    if (depth >= kEpollMaxNests) return 0;
    return has_ready_locked(ep_of(f), depth + 1, deadline, device) ? kEpollIn | kEpollRdNorm : 0;
  }
  if (deadline) poll_note_deadline(f, deadline);
  if (device && f.ops->polled_device && (it.events & (kEpollIn | kEpollRdNorm))) *device = true;
  const i16 r = f.ops->poll ? f.ops->poll(f) : i16(kPollIn | kPollRdNorm | kPollOut | kPollWrNorm);
  return u32(u16(r));
}

// What `it` is ready for among what it asks, or 0 while disabled.
u32 wanted_locked(EpItem& it, int depth, u64* deadline, bool* device) REQUIRES(g_ep_lock) {
  if (it.disabled) return 0;
  return readiness_locked(it, depth, deadline, device) & it.events & ~kEpollFlags;
}

// The events `it`, ready for r, reports now, or 0. `consume`: a report
// for a caller (the one-shot and edge states move), else a look (an epoll
// polled).
u32 decide_locked(EpItem& it, u32 r, bool consume) REQUIRES(g_ep_lock) {
  if (it.events & kEpollEt) {
    const bool hook = it.file->ops->poll_seq != nullptr;
    const u32 seq = hook ? it.file->ops->poll_seq(*it.file) : r;
    const bool report = r && (it.fresh || seq != it.seen);
    if (consume && (report || !hook)) it.seen = seq;
    if (!report) return 0;
    if (consume) it.fresh = false;
  }
  if (r && consume && (it.events & kEpollOneShot)) it.disabled = true;
  return r;
}

bool has_ready_locked(Epoll& ep, int depth, u64* deadline, bool* device) REQUIRES(g_ep_lock) {
  for (EpItem* it : ep.items)
    if (decide_locked(*it, wanted_locked(*it, depth, deadline, device), false)) return true;
  return false;
}

// Whether `target` reaches `ep` through nested epolls, or nests deeper than
// Linux allows (ep_loop_check).
bool loops_locked(Epoll& target, Epoll& ep, int depth) REQUIRES(g_ep_lock) {
  if (&target == &ep || depth > kEpollMaxNests) return true;
  for (EpItem* it : target.items)
    if (it->file->ops == &kEpollOps && loops_locked(ep_of(*it->file), ep, depth + 1)) return true;
  return false;
}

Result<size_t> ep_read(File&, uptr, size_t) { return Error::Inval; }
Result<size_t> ep_write(File&, uptr, size_t) { return Error::Inval; }

void ep_close(File& f) {
  Epoll* ep = &ep_of(f);
  {
    MutexGuard g(g_ep_lock);
    while (EpItem* it = ep->items.pop_front()) {
      if (static_cast<ListLink<ReadyTag>*>(it)->linked()) ep->ready.remove(it);
      chain_remove_locked(it);
      free_item(it);
    }
  }
  ep->~Epoll();
  kfree(ep);
}

i16 ep_poll(File& f) {
  MutexGuard g(g_ep_lock);
  return has_ready_locked(ep_of(f), 0, nullptr, nullptr) ? i16(kPollIn | kPollRdNorm) : i16(0);
}

u64 ep_poll_deadline(File& f) {
  MutexGuard g(g_ep_lock);
  u64 d = 0;
  bool device = false;
  (void)has_ready_locked(ep_of(f), 0, &d, &device);
  return d;
}

const FileOps kEpollOps = {
    .name = "eventpoll",
    .read = ep_read,
    .write = ep_write,
    .close = ep_close,
    .stat = anon_inode_stat,
    .seekable = false,
    .poll = ep_poll,
    .zero_len_io = true,
    .poll_deadline = ep_poll_deadline,
};

}  // namespace

bool file_is_epoll(const File& f) { return f.ops == &kEpollOps; }

Result<File*> epoll_create(int flags) {
  if (flags & ~kEpollCloExec) return Error::Inval;
  void* mem = kmalloc(sizeof(Epoll));
  if (!mem) return Error::NoMem;
  Epoll* ep = new (mem) Epoll;
  Result<File*> f = file_create(&kEpollOps, kORdWr, ep);
  if (!f.ok()) {
    ep->~Epoll();
    kfree(ep);
  }
  return f;
}

Result<void> epoll_ctl(File& epf, int op, File& tf, int fd, const EpollEvent& ev) {
  // Linux's file_can_poll: a File without poll (a regular file) is EPERM.
  if (!tf.ops->poll) return Error::Perm;
  if (&epf == &tf || !file_is_epoll(epf)) return Error::Inval;
  // EPOLLWAKEUP needs CAP_BLOCK_SUSPEND and does nothing here: dropped, as
  // Linux drops it for a caller without the capability.
  u32 events = ev.events & ~kEpollWakeup;
  if (op != kEpollCtlDel && (events & kEpollExclusive)) {
    if (op == kEpollCtlMod) return Error::Inval;
    if (op == kEpollCtlAdd && (file_is_epoll(tf) || (events & ~kExclusiveOk))) return Error::Inval;
  }
  Epoll& ep = ep_of(epf);
  {
    MutexGuard g(g_ep_lock);
    if (op == kEpollCtlAdd && file_is_epoll(tf) && loops_locked(ep_of(tf), ep, 0))
      return Error::Loop;
    EpItem* found = nullptr;
    for (EpItem* it : ep.items) {
      if (it->file == &tf && it->fd == fd) {
        found = it;
        break;
      }
    }
    switch (op) {
      case kEpollCtlAdd: {
        if (found) return Error::Exist;
        void* mem = kmalloc(sizeof(EpItem));
        if (!mem) return Error::NoMem;
        EpItem* it = new (mem) EpItem(&ep, &tf, fd, events | kEpollErr | kEpollHup, ev.data);
        ep.items.push_back(it);
        it->file_next = chain_of(tf);
        chain_of(tf) = it;
        break;
      }
      case kEpollCtlDel:
        if (!found) return Error::NoEnt;
        ep.items.remove(found);
        if (static_cast<ListLink<ReadyTag>*>(found)->linked()) ep.ready.remove(found);
        chain_remove_locked(found);
        free_item(found);
        return ok();
      case kEpollCtlMod:
        if (!found) return Error::NoEnt;
        if (found->events & kEpollExclusive) return Error::Inval;
        found->events = events | kEpollErr | kEpollHup;
        found->data = ev.data;
        found->fresh = true;
        found->disabled = false;
        break;
      default:
        return Error::Inval;
    }
  }
  poll_wakeup();  // a waiter looks again at the new or changed entry
  return ok();
}

u64 epoll_collect(File& epf, EpollEvent* out, u64 max, u64* deadline, bool* device) {
  Epoll& ep = ep_of(epf);
  MutexGuard g(g_ep_lock);
  // Every entry looked at; the newly ready join the back of the ready
  // list, the no longer ready leave it.
  for (EpItem* it : ep.items) {
    it->ready = wanted_locked(*it, 0, deadline, device);
    const bool listed = static_cast<ListLink<ReadyTag>*>(it)->linked();
    if (it->ready && !listed) ep.ready.push_back(it);
    if (!it->ready && listed) ep.ready.remove(it);
  }
  u64 n = 0;
  EpItem* requeue[kMaxRequeue];
  u64 nrequeue = 0;
  for (EpItem* it : ep.ready) {
    if (n == max) break;
    const u32 r = decide_locked(*it, it->ready, true);
    if (!r) continue;
    out[n++] = EpollEvent{r, it->data};
    if (nrequeue < kMaxRequeue) requeue[nrequeue++] = it;
  }
  // Reported: a level-triggered entry goes to the back, an edge-triggered
  // or one-shot one leaves (it comes back when found ready again).
  for (u64 i = 0; i < nrequeue; i++) {
    ep.ready.remove(requeue[i]);
    if (!(requeue[i]->events & (kEpollEt | kEpollOneShot))) ep.ready.push_back(requeue[i]);
  }
  return n;
}

void epoll_file_closed(File& f) {
  if (!__atomic_load_n(&f.epoll_items, __ATOMIC_ACQUIRE)) return;
  MutexGuard g(g_ep_lock);
  while (EpItem* it = chain_of(f)) {
    chain_of(f) = it->file_next;
    it->ep->items.remove(it);
    if (static_cast<ListLink<ReadyTag>*>(it)->linked()) it->ep->ready.remove(it);
    free_item(it);
  }
}

}  // namespace tine
