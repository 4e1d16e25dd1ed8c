#include "core/fs/file_eventfd.h"

#include "core/fs/poll.h"
#include "core/lib/new.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

constexpr u64 kMax = ~u64(0);  // ULLONG_MAX: the counter never reaches it by write

struct EventFd {
  Mutex lock{"eventfd", LockRank::EventFd};
  CondVar changed{"eventfd"};  // the counter moved: readers and writers look again
  u64 count GUARDED_BY(lock);
  bool semaphore;  // fixed
  // Readiness changes (atomic), for epoll's edge-triggered mode.
  u32 seq = 0;

  EventFd(u64 c, bool s) : count(c), semaphore(s) {}
};

EventFd& efd_of(File& f) { return *static_cast<EventFd*>(f.data); }

void notify(EventFd& e) {
  __atomic_add_fetch(&e.seq, 1, __ATOMIC_RELAXED);
  e.changed.broadcast();
  poll_wakeup();
}

Result<size_t> efd_read(File& f, uptr user_buf, size_t n) {
  if (n < sizeof(u64)) return Error::Inval;
  EventFd& e = efd_of(f);
  u64 value;
  {
    MutexGuard g(e.lock);
    if (e.count == 0 && f.nonblocking()) return Error::Again;
    TRY(sleep_until(SleepOn{.cv = &e.changed, .m = &e.lock}, [&] {
      sleep_until_holds(e.lock);
      return e.count > 0;
    }));
    value = e.semaphore ? 1 : e.count;
    e.count -= value;
    notify(e);
  }
  // Taken already: a bad buffer loses the value, as on Linux.
  TRY(copyout(user_buf, &value, sizeof value));
  return sizeof value;
}

Result<size_t> efd_write(File& f, uptr user_buf, size_t n) {
  if (n < sizeof(u64)) return Error::Inval;
  u64 value;
  TRY(copyin(&value, user_buf, sizeof value));
  if (value == kMax) return Error::Inval;
  EventFd& e = efd_of(f);
  MutexGuard g(e.lock);
  if (kMax - e.count <= value) {
    if (f.nonblocking()) return Error::Again;
    TRY(sleep_until(SleepOn{.cv = &e.changed, .m = &e.lock}, [&] {
      sleep_until_holds(e.lock);
      return kMax - e.count > value;
    }));
  }
  e.count += value;
  if (e.count) notify(e);
  return sizeof value;
}

void efd_close(File& f) {
  EventFd* e = &efd_of(f);
  e->~EventFd();
  kfree(e);
}

i16 efd_poll(File& f) {
  EventFd& e = efd_of(f);
  MutexGuard g(e.lock);
  i16 r = 0;
  if (e.count > 0) r |= kPollIn | kPollRdNorm;
  if (e.count == kMax) r |= kPollErr;
  if (kMax - 1 > e.count) r |= kPollOut | kPollWrNorm;
  return r;
}

u32 efd_poll_seq(File& f) { return __atomic_load_n(&efd_of(f).seq, __ATOMIC_RELAXED); }

const FileOps kEventFdOps = {
    .name = "eventfd",
    .read = efd_read,
    .write = efd_write,
    .close = efd_close,
    .stat = anon_inode_stat,
    .seekable = false,
    .poll = efd_poll,
    .zero_len_io = true,
    .poll_seq = efd_poll_seq,
};

}  // namespace

Result<File*> eventfd_create(u32 initval, int flags) {
  if (flags & ~(kEfdSemaphore | kEfdNonBlock | kEfdCloExec)) return Error::Inval;
  void* mem = kmalloc(sizeof(EventFd));
  if (!mem) return Error::NoMem;
  EventFd* e = new (mem) EventFd(initval, (flags & kEfdSemaphore) != 0);
  Result<File*> f = file_create(&kEventFdOps, kORdWr | (flags & kONonBlock), e);
  if (!f.ok()) {
    e->~EventFd();
    kfree(e);
  }
  return f;
}

}  // namespace tine
