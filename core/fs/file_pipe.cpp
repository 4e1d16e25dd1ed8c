#include "core/fs/file_pipe.h"

#include "core/fs/poll.h"
#include "core/lib/string.h"
#include "core/lib/assert.h"
#include "core/sync/condvar.h"
#include "core/vm/heap.h"
#include "core/sync/mutex.h"
#include "core/lib/new.h"
#include "core/proc/exit.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/uaccess.h"

namespace tine {

// Both ends' Files point at one Pipe. The lock is held across copyin and
// copyout (as Linux's pipe->mutex), so bytes leave the ring only once they
// reached the reader: a fault loses nothing.
struct Pipe {
  Mutex lock{"pipe", LockRank::Pipe};
  CondVar can_read{"pipe can read"};    // data arrived, or the last writer left
  CondVar can_write{"pipe can write"};  // room freed, or the last reader left
  u8* ring;                             // kPipeSize bytes, fixed
  size_t head GUARDED_BY(lock) = 0;     // index of the oldest byte
  size_t count GUARDED_BY(lock) = 0;    // bytes in the ring
  // Open ends: each end's File counts once, however many descriptors and
  // processes share it (the File's own count covers those).
  unsigned readers GUARDED_BY(lock) = 1;
  unsigned writers GUARDED_BY(lock) = 1;
  // Opens ever made of each end (FIFOs): a waiting open wakes when the
  // other count moves, even if that end closed again since.
  u32 r_opens GUARDED_BY(lock) = 0;
  u32 w_opens GUARDED_BY(lock) = 0;
  // Readers and writers asleep for bytes or room (pipe_read and
  // pipe_write_ring's waits): moving bytes wakes the other side only when
  // it waits, which a ping-pong's every call would otherwise pay for.
  // Waits for opens and closes are woken regardless.
  u32 read_waiters GUARDED_BY(lock) = 0;
  u32 write_waiters GUARDED_BY(lock) = 0;
  // Ends not yet done with the Pipe (atomic). Freed on the last drop, which
  // comes after each end's unlock has returned: freeing at readers ==
  // writers == 0 under the lock would free the Mutex while the other
  // closer may still be inside its unlock().
  RefCount refs{2};
  u64 ino;  // fstat's st_ino, the same for both ends; fixed
  // Moves at each wake of pollers (atomic): epoll's edge-triggered mode.
  u32 seq = 0;

  Pipe(u8* r, u64 i) : ring(r), ino(i) {}
};

namespace {

static_assert(kPipeBuf <= kPipeSize);

constexpr u64 kPipeDev = 0xc;  // fstat's st_dev of every pipe (one "pipefs")

// Pipe inode numbers, one per pipe (atomic), as Linux's pipefs hands out.
u64 g_next_pipe_ino = 1;

Pipe& pipe_of(File& f) { return *static_cast<Pipe*>(f.data); }

void wake_pollers(Pipe& p) {
  __atomic_add_fetch(&p.seq, 1, __ATOMIC_RELAXED);
  poll_wakeup();
}

u32 pipe_poll_seq(File& f) { return __atomic_load_n(&pipe_of(f).seq, __ATOMIC_RELAXED); }

// Copies up to `len` ring bytes starting at ring index `at` out to user
// memory, in at most two runs (the ring wraps).
Result<void> ring_copyout(Pipe& p, size_t at, uptr user, size_t len) {
  size_t first = min(len, kPipeSize - at);
  TRY(copyout(user, p.ring + at, first));
  if (first < len) TRY(copyout(user + first, p.ring, len - first));
  return ok();
}

Result<void> ring_copyin(Pipe& p, size_t at, uptr user, size_t len) {
  size_t first = min(len, kPipeSize - at);
  TRY(copyin(p.ring + at, user, first));
  if (first < len) TRY(copyin(p.ring, user + first, len - first));
  return ok();
}

Result<size_t> pipe_read(File& f, uptr user_buf, size_t n) {
  Pipe& p = pipe_of(f);
  MutexGuard g(p.lock);
  // Data, end of file, or O_NONBLOCK; a signal ends the wait (EINTR).
  if (p.count == 0 && p.writers != 0 && !f.nonblocking()) {
    p.read_waiters++;
    Result<void> woke = sleep_until(SleepOn{.cv = &p.can_read, .m = &p.lock}, [&] {
      sleep_until_holds(p.lock);
      return p.count > 0 || p.writers == 0 || f.nonblocking();
    });
    p.read_waiters--;
    TRY(woke);
  }
  if (p.count == 0) {
    if (p.writers == 0) return size_t{0};  // end of file
    return Error::Again;
  }
  size_t want = min(n, p.count);
  Result<size_t> done = for_each_user_piece(
      user_buf, want, [&](uptr at, size_t len, size_t) -> Result<void> {
        p.lock.assert_held();  // called right here, under our guard
        TRY(ring_copyout(p, p.head, at, len));
        p.head = (p.head + len) % kPipeSize;
        p.count -= len;
        return ok();
      });
  if (done.ok() && done.value() > 0) {
    if (p.write_waiters) p.can_write.broadcast();
    wake_pollers(p);
  }
  return done;
}

// The write proper, from user memory or (kbuf non-null: sendfile) from
// kernel memory; sets *no_reader when it found the read end gone.
Result<size_t> pipe_write_ring(File& f, uptr user_buf, const u8* kbuf, size_t n,
                               bool* no_reader) {
  Pipe& p = pipe_of(f);
  MutexGuard g(p.lock);
  size_t done = 0;
  while (done < n) {
    if (p.readers == 0) {
      *no_reader = true;
      if (done > 0) return done;
      return Error::Pipe;
    }
    size_t room = kPipeSize - p.count;
    // A small write waits for room for all of it, so it lands in one piece.
    size_t need = n <= kPipeBuf ? n - done : 1;
    if (room < need) {
      // O_NONBLOCK: what went in so far, or EAGAIN; a small write still
      // goes in whole or not at all (Linux pipe_write).
      if (f.nonblocking()) {
        if (done > 0) return done;
        return Error::Again;
      }
      p.write_waiters++;
      Result<void> woke = sleep_until(SleepOn{.cv = &p.can_write, .m = &p.lock}, [&] {
        sleep_until_holds(p.lock);
        return p.readers == 0 || kPipeSize - p.count >= need;
      });
      p.write_waiters--;
      if (!woke.ok()) {
        if (done > 0) return done;
        return woke.error();  // EINTR
      }
      continue;
    }
    size_t chunk = min(n - done, room);
    if (kbuf) {  // kernel bytes cannot fault
      const size_t at = (p.head + p.count) % kPipeSize, first = min(chunk, kPipeSize - at);
      memcpy(p.ring + at, kbuf + done, first);
      memcpy(p.ring, kbuf + done + first, chunk - first);
      p.count += chunk;
      if (p.read_waiters) p.can_read.broadcast();
      wake_pollers(p);
      done += chunk;
      continue;
    }
    Result<size_t> moved = for_each_user_piece(
        user_buf + done, chunk, [&](uptr at, size_t len, size_t) -> Result<void> {
          p.lock.assert_held();
          TRY(ring_copyin(p, (p.head + p.count) % kPipeSize, at, len));
          p.count += len;
          return ok();
        });
    if (!moved.ok()) {
      if (done > 0) break;
      return moved.error();
    }
    if (moved.value() > 0) {
      if (p.read_waiters) p.can_read.broadcast();
      wake_pollers(p);
    }
    done += moved.value();
    if (moved.value() < chunk) break;  // a later page faulted
  }
  return done;
}

// As Linux's pipe_write: finding no reader sends the writer SIGPIPE (even
// when the bytes before went in), besides EPIPE. Posted after the pipe lock
// is dropped (p_lock ranks below it). Ignored, it is dropped by psignal and
// the write just fails; blocked or caught, it stays pending or runs its
// handler and the write still returns EPIPE.
Result<size_t> pipe_write_from(File& f, uptr user_buf, const u8* kbuf, size_t n) {
  bool no_reader = false;
  Result<size_t> r = pipe_write_ring(f, user_buf, kbuf, n, &no_reader);
  if (no_reader) {
    Lwp* l = curlwp();
    if (l && l->proc) psignal(l->proc, kSigPipe);
  }
  return r;
}

Result<size_t> pipe_write(File& f, uptr user_buf, size_t n) {
  return pipe_write_from(f, user_buf, nullptr, n);
}

Result<size_t> pipe_write_kernel(File& f, const void* buf, size_t n) {
  return pipe_write_from(f, 0, static_cast<const u8*>(buf), n);
}

void free_pipe(Pipe* p) {
  kfree(p->ring);
  p->~Pipe();
  kfree(p);
}

void pipe_drop(Pipe* p) {
  if (p->refs.release()) free_pipe(p);
}

void pipe_close(File& f) {
  Pipe& p = pipe_of(f);
  {
    MutexGuard g(p.lock);
    // A FIFO opened O_RDWR is both ends.
    if (f.readable()) {
      KASSERT(p.readers > 0);
      p.readers--;
      p.can_write.broadcast();  // blocked writers see EPIPE
      wake_pollers(p);
    }
    if (f.writable()) {
      KASSERT(p.writers > 0);
      p.writers--;
      p.can_read.broadcast();  // blocked readers see end of file
      wake_pollers(p);
    }
  }
  pipe_drop(&p);
}

// As Linux's pipefs: a FIFO owned by its creator with mode 0600, size 0
// (the bytes in the ring are not a size), a page as the preferred block.
void pipe_stat(File& f, FileStat& st) { pipe_stat_of(pipe_of(f), st); }

// As Linux's pipe_poll: the read end is readable with data, and POLLHUP
// once every writer is gone; the write end is writable while the ring is
// not full, and POLLERR once every reader is gone.
i16 pipe_poll(File& f) {
  Pipe& p = pipe_of(f);
  MutexGuard g(p.lock);
  i16 r = 0;
  if (f.readable()) {
    if (p.count > 0) r |= kPollIn | kPollRdNorm;
    if (p.writers == 0) r |= kPollHup;
  }
  if (f.writable()) {
    if (p.count < kPipeSize) r |= kPollOut | kPollWrNorm;
    if (p.readers == 0) r |= kPollErr;
  }
  return r;
}

const FileOps kPipeOps = {
    .name = "pipe",
    .read = pipe_read,
    .write = pipe_write,
    .close = pipe_close,
    .stat = pipe_stat,
    .seekable = false,
    .poll = pipe_poll,
    .poll_seq = pipe_poll_seq,
    .write_kernel = pipe_write_kernel,
};

Result<Pipe*> new_pipe(unsigned ends) {
  u8* ring = static_cast<u8*>(kmalloc(kPipeSize));
  if (!ring) return Error::NoMem;
  void* mem = kmalloc(sizeof(Pipe));
  if (!mem) {
    kfree(ring);
    return Error::NoMem;
  }
  Pipe* p = new (mem) Pipe(ring, __atomic_fetch_add(&g_next_pipe_ino, 1, __ATOMIC_RELAXED));
  MutexGuard g(p->lock);
  p->readers = p->writers = ends;
  return p;
}

}  // namespace

Result<Pipe*> fifo_create() {
  Pipe* p = TRY(new_pipe(0));
  pipe_drop(p);  // one reference: the node's
  return p;
}

void fifo_hold(Pipe* p) { p->refs.hold(); }

void fifo_release(Pipe* p) { pipe_drop(p); }

void pipe_stat_of(Pipe& p, FileStat& st) {
  st.dev = kPipeDev;
  st.ino = p.ino;
  st.mode = kSIfIfo | 0600;
  st.nlink = 1;
  st.size = 0;
  st.blksize = i32(kPageSize);
}

Pipe* file_pipe(File& f) { return f.ops == &kPipeOps ? &pipe_of(f) : nullptr; }

namespace {
// Linux's fifo_open; `fifo` false is its is_pipe case (a pipe's inode
// opened again through /proc/<pid>/fd): no waiting for the other end, and
// no ENXIO.
Result<File*> open_end(Pipe* p, int flags, bool fifo) {
  const int mode = flags & kOAccMode;
  const bool rd = mode == kORdOnly || mode == kORdWr;
  const bool wr = mode == kOWrOnly || mode == kORdWr;
  const bool nonblock = (flags & kONonBlock) != 0;
  {
    MutexGuard g(p->lock);
    if (fifo && wr && !rd && nonblock && p->readers == 0) return Error::NxIo;
  }
  fifo_hold(p);  // the File's
  Result<File*> made = file_create(&kPipeOps, flags, p);
  if (!made.ok()) {
    pipe_drop(p);
    return made.error();
  }
  File* f = made.value();
  Result<void> waited = ok();
  {
    MutexGuard g(p->lock);
    if (rd) {
      p->readers++;
      p->r_opens++;
      p->can_write.broadcast();
    }
    if (wr) {
      p->writers++;
      p->w_opens++;
      p->can_read.broadcast();
    }
    wake_pollers(*p);
    if (!fifo) {
      // Opened again: the ends there are stay as they are.
    } else if (rd && !wr && !nonblock && p->writers == 0) {
      const u32 seen = p->w_opens;
      waited = sleep_until(SleepOn{.cv = &p->can_read, .m = &p->lock}, [&] {
        sleep_until_holds(p->lock);
        return p->w_opens != seen;
      });
    } else if (wr && !rd && p->readers == 0) {
      const u32 seen = p->r_opens;
      waited = sleep_until(SleepOn{.cv = &p->can_write, .m = &p->lock}, [&] {
        sleep_until_holds(p->lock);
        return p->r_opens != seen;
      });
    }
  }
  if (!waited.ok()) {
    file_release(f);  // closes this end again
    return waited.error();
  }
  return f;
}
}  // namespace

Result<File*> fifo_open(Pipe* p, int flags) { return open_end(p, flags, true); }

Result<File*> pipe_open(Pipe* p, int flags) { return open_end(p, flags, false); }

Result<PipeEnds> pipe_create() {
  Pipe* p = TRY(new_pipe(1));
  Result<File*> r = file_create(&kPipeOps, kORdOnly, p);
  if (!r.ok()) {
    free_pipe(p);
    return r.error();
  }
  Result<File*> w = file_create(&kPipeOps, kOWrOnly, p);
  if (!w.ok()) {
    file_release(r.value());  // drops one of the Pipe's two references
    pipe_drop(p);             // the write end's, never handed out
    return w.error();
  }
  return PipeEnds{r.value(), w.value()};
}

}  // namespace tine
