#include "core/fs/file_unix.h"

#include "core/fs/file_unix_impl.h"

#include "core/fs/poll.h"
#include "hal/hal.h"
#include "core/fs/sys_file.h"
#include "core/lib/assert.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/proc/exit.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"
#include "core/sync/spinlock.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

constexpr u64 kSockDev = 0x8;  // fstat's st_dev of every socket ("sockfs")
u64 g_next_sock_ino = 1;       // atomic
u64 g_live = 0;                // sockets alive (atomic)

}  // namespace

UnixConn& conn_of(File& f) {
  return *reinterpret_cast<UnixConn*>(reinterpret_cast<uptr>(f.data) & ~uptr(1));
}
int side_of(File& f) { return int(reinterpret_cast<uptr>(f.data) & 1); }

u64 unix_deadline(u64 timeo) { return timeo ? hal::time_ns() + timeo : 0; }

Result<void> unix_nap(UnixConn& c, u64 until) {
  if (until && hal::time_ns() >= until) return Error::Again;  // SO_*TIMEO ran out
  return sleep_intr_nap(SleepOn{.cv = &c.changed, .m = &c.lock, .until_ns = until});
}

void wake_all(UnixConn& c) {
  c.changed.broadcast();
  __atomic_add_fetch(&c.seq, 1, __ATOMIC_RELAXED);
  poll_wakeup();
}

UnixCred current_cred() {
  Proc* p = curproc();
  if (!p) return UnixCred{0, 0, 0};
  const Cred* cr = proc_own_cred(p);
  return UnixCred{p->p_pid.value, cr->uid.value, cr->gid};
}

namespace {

void free_msg(UnixMsg* m) { kfree(m); }

// Messages whose Files are still to be released. Releasing a File in
// flight may close a socket whose queue holds more Files in flight, and so
// on down a chain a program can make as long as it likes: done by
// recursion, that overflowed the kernel stack. So one thread at a time
// drains this list, and a release that happens inside the drain (or on
// another hart meanwhile) only adds to it.
SpinLock g_release_lock{"unix release"};  // a leaf
UnixMsg* g_release GUARDED_BY(g_release_lock) = nullptr;
bool g_draining GUARDED_BY(g_release_lock) = false;

// Releases the Files of a chain of messages and frees them. Never under a
// socket lock: a File may be a socket of the same pair. When another
// thread is draining already, the Files go a little later, on its stack.
void free_chain(UnixMsg* m) {
  UnixMsg* carry = nullptr;  // the messages with Files
  while (m) {
    UnixMsg* next = m->next;
    if (m->nfiles == 0) {
      free_msg(m);
    } else {
      m->next = carry;
      carry = m;
    }
    m = next;
  }
  if (!carry) return;
  {
    IrqSpinGuard g(g_release_lock);
    UnixMsg* last = carry;
    while (last->next) last = last->next;
    last->next = g_release;
    g_release = carry;
    if (g_draining) return;
    g_draining = true;
  }
  for (;;) {
    UnixMsg* batch;
    {
      IrqSpinGuard g(g_release_lock);
      batch = g_release;
      g_release = nullptr;
      if (!batch) {
        g_draining = false;
        return;
      }
    }
    while (batch) {
      UnixMsg* next = batch->next;
      for (unsigned i = 0; i < batch->nfiles; i++) file_release(batch->files[i]);
      free_msg(batch);
      batch = next;
    }
  }
}

Result<UnixMsg*> new_msg(size_t len, unsigned nfiles) {
  const size_t data = (len + 7) & ~size_t(7);
  void* mem = kmalloc(sizeof(UnixMsg) + data + nfiles * sizeof(File*));
  if (!mem) return Error::NoMem;
  UnixMsg* m = new (mem) UnixMsg;
  m->len = len;
  m->charge = len + kMsgOverhead;
  if (nfiles) m->files = reinterpret_cast<File**>(m->data() + data);
  return m;
}

// Copies n bytes at byte `off` of the iovecs into dst (sending).
Result<void> iov_copyin(u8* dst, const UserIov* iov, size_t cnt, size_t off, size_t n) {
  for (size_t i = 0; i < cnt && n > 0; i++) {
    if (off >= iov[i].len) {
      off -= iov[i].len;
      continue;
    }
    const size_t take = size_t(min(u64(n), iov[i].len - off));
    TRY(copyin(dst, iov[i].base + off, take));
    dst += take;
    n -= take;
    off = 0;
  }
  return ok();
}

Result<void> iov_copyout(const UserIov* iov, size_t cnt, size_t off, const u8* src, size_t n) {
  for (size_t i = 0; i < cnt && n > 0; i++) {
    if (off >= iov[i].len) {
      off -= iov[i].len;
      continue;
    }
    const size_t give = size_t(min(u64(n), iov[i].len - off));
    TRY(copyout(iov[i].base + off, src, give));
    src += give;
    n -= give;
    off = 0;
  }
  return ok();
}

void enqueue(UnixQueue& q, UnixMsg* m) {
  if (q.tail)
    q.tail->next = m;
  else
    q.head = m;
  q.tail = m;
  q.charge += m->charge;
}

void dequeue_head(UnixQueue& q) {
  UnixMsg* m = q.head;
  q.head = m->next;
  if (!q.head) q.tail = nullptr;
  q.charge -= m->charge;
  m->next = nullptr;
}

bool nonblocking(File& f, int flags) { return f.nonblocking() || (flags & kMsgDontWait); }

// As Linux's unix_stream_sendmsg: EPIPE, and SIGPIPE to the sender unless
// MSG_NOSIGNAL. Posted with no socket lock held.
void send_sigpipe(int flags) {
  if (flags & kMsgNoSignal) return;
  Lwp* l = curlwp();
  if (l && l->proc) psignal(l->proc, kSigPipe);
}

void attach(UnixMsg* m, UnixSendArgs& a, const UnixCred& cred) {
  m->cred = cred;
  m->nfiles = a.nfiles;
  for (unsigned i = 0; i < a.nfiles; i++) m->files[i] = a.files[i];
  a.nfiles = 0;  // the message holds them now
}

Result<size_t> stream_send(File& f, UnixSendArgs& a, const UnixCred& cred) {
  UnixConn& c = conn_of(f);
  const int me = side_of(f), peer = 1 - me;
  size_t sent = 0;
  bool pipe = false;
  Result<size_t> r = size_t{0};
  u64 until = 0;
  {
    MutexGuard g(c.lock);
    if (!c.q[me].connected) return Error::NotConn;
    until = unix_deadline(c.q[me].sndtimeo);
  }
  while (sent < a.len) {
    const size_t chunk = min(a.len - sent, kStreamChunk);
    // Descriptors ride on the first piece only (Linux: the first skb).
    Result<UnixMsg*> made = new_msg(chunk, sent == 0 ? a.nfiles : 0);
    if (!made.ok()) {
      r = made.error();
      break;
    }
    UnixMsg* m = made.value();
    Result<void> in = iov_copyin(m->data(), a.iov, a.iovcnt, sent, chunk);
    if (!in.ok()) {
      free_msg(m);
      r = in.error();
      break;
    }
    MutexGuard g(c.lock);
    Result<void> woke = ok();
    while (!((c.q[me].shutdown & kSendShutdown) || !c.q[peer].open ||
             (c.q[peer].shutdown & kRcvShutdown) ||
             c.q[peer].charge < size_t(c.q[me].sndbuf) || nonblocking(f, a.flags))) {
      woke = unix_nap(c, until);
      if (!woke.ok()) break;
    }
    if ((c.q[me].shutdown & kSendShutdown) || !c.q[peer].open ||
        (c.q[peer].shutdown & kRcvShutdown)) {
      free_msg(m);
      pipe = true;
      r = Error::Pipe;
      break;
    }
    if (!woke.ok() || c.q[peer].charge >= size_t(c.q[me].sndbuf)) {
      free_msg(m);
      r = woke.ok() ? Error::Again : woke.error();
      break;
    }
    if (sent == 0) {
      attach(m, a, cred);
    } else {
      m->cred = cred;
    }
    enqueue(c.q[peer], m);
    wake_all(c);
    sent += chunk;
  }
  if (pipe && sent == 0) send_sigpipe(a.flags);
  if (sent > 0) return sent;
  return r;
}

// SOCK_DGRAM and SOCK_SEQPACKET: the whole record or nothing.
Result<size_t> record_send(File& f, UnixSendArgs& a, const UnixCred& cred) {
  UnixConn& c = conn_of(f);
  const int me = side_of(f), peer = 1 - me;
  u64 until = 0;
  {
    MutexGuard g(c.lock);
    if (a.len + 32 > size_t(c.q[me].sndbuf)) return Error::MsgSize;  // Linux: sndbuf - 32
    until = unix_deadline(c.q[me].sndtimeo);
  }
  UnixMsg* m = TRY(new_msg(a.len, a.nfiles));
  Result<void> in = iov_copyin(m->data(), a.iov, a.iovcnt, 0, a.len);
  if (!in.ok()) {
    free_msg(m);
    return in.error();
  }
  MutexGuard g(c.lock);
  for (;;) {
    UnixQueue& mine = c.q[me];
    UnixQueue& other = c.q[peer];
    Error e = Error::Inval;
    bool fail = false;
    if (!mine.connected) {
      e = Error::NotConn;
      fail = true;
    } else if (!other.open) {
      // As Linux's unix_dgram_sendmsg finding its peer dead: a datagram
      // end forgets it (ECONNREFUSED now, ENOTCONN after); a packet end
      // keeps saying EPIPE.
      if (c.type == kSockSeqPacket) {
        e = Error::Pipe;
      } else {
        mine.connected = false;
        e = Error::ConnRefused;
      }
      fail = true;
    } else if (other.shutdown & kRcvShutdown) {
      e = Error::Pipe;
      fail = true;
    } else if (c.type == kSockSeqPacket && (mine.shutdown & kSendShutdown)) {
      e = Error::Pipe;
      fail = true;
    }
    if (fail) {
      free_msg(m);
      return e;
    }
    if (other.charge < size_t(mine.sndbuf)) break;
    if (nonblocking(f, a.flags)) {
      free_msg(m);
      return Error::Again;
    }
    Result<void> napped = unix_nap(c, until);
    if (!napped.ok()) {
      free_msg(m);
      return napped.error();
    }
  }
  attach(m, a, cred);
  enqueue(c.q[peer], m);
  wake_all(c);
  return a.len;
}

// Hands the receiver a message's Files: moved out, or (MSG_PEEK) held
// again, as Linux's scm_fp_dup.
void take_files(UnixMsg* m, UnixRecvArgs& a, bool peek) {
  for (unsigned i = 0; i < m->nfiles && a.nfiles < kScmMaxFd; i++) {
    if (peek) file_hold(m->files[i]);
    a.files[a.nfiles++] = m->files[i];
  }
  if (!peek) m->nfiles = 0;
}

void take_cred(UnixQueue& q, UnixMsg* m, UnixRecvArgs& a) {
  if (!q.passcred) return;
  a.has_cred = true;
  a.cred = m->cred;
}

bool same_cred(const UnixCred& x, const UnixCred& y) {
  return x.pid == y.pid && x.uid == y.uid && x.gid == y.gid;
}

Result<size_t> stream_recv(File& f, UnixRecvArgs& a) {
  UnixConn& c = conn_of(f);
  const int me = side_of(f);
  const bool peek = a.flags & kMsgPeek;
  // As Linux's sock_rcvlowat: wait for the whole length with MSG_WAITALL,
  // else for one byte (a read of 0 bytes too waits for data).
  const size_t target = (a.flags & kMsgWaitAll) && a.len > 0 ? a.len : 1;
  size_t copied = 0;
  UnixMsg* done_msgs = nullptr;  // consumed, freed after the lock
  Result<size_t> r = size_t{0};
  {
    MutexGuard g(c.lock);
    UnixQueue& q = c.q[me];
    if (!q.connected) return Error::Inval;  // Linux: a stream not connected
    const u64 until = unix_deadline(q.rcvtimeo);
    size_t skip = 0;  // MSG_PEEK: bytes of the queue already looked at
    UnixMsg* at = q.head;
    bool first = true;
    for (;;) {
      if (!peek) at = q.head;
      if (!at) {
        if (copied >= target || (peek && copied > 0)) break;
        if (q.err) {
          if (copied == 0) r = Error(q.err);
          q.err = 0;
          break;
        }
        if (q.shutdown & kRcvShutdown) break;
        if (nonblocking(f, a.flags)) {
          if (copied == 0) r = Error::Again;
          break;
        }
        Result<void> napped = unix_nap(c, until);
        if (!napped.ok()) {
          if (copied == 0) r = napped.error();
          break;
        }
        if (peek) at = q.head;
        skip = 0;
        continue;
      }
      // Never glue messages from different writers when credentials are
      // asked for (Linux's unix_skb_scm_eq).
      if (!first && q.passcred && !same_cred(at->cred, a.cred)) break;
      if (first) take_cred(q, at, a);
      first = false;
      const size_t from = at->off + (peek ? skip : 0);
      const size_t chunk = min(at->len - from, a.len - copied);
      Result<void> out = iov_copyout(a.iov, a.iovcnt, copied, at->data() + from, chunk);
      if (!out.ok()) {
        if (copied == 0) r = out.error();
        break;
      }
      copied += chunk;
      const bool had_files = at->nfiles > 0;
      if (had_files) take_files(at, a, peek);
      if (peek) {
        if (had_files) break;
        skip = 0;
        at = at->next;
        if (!at || copied == a.len) break;
        continue;
      }
      at->off += chunk;
      if (at->off < at->len) break;  // the reader's buffer is full
      dequeue_head(q);
      at->next = done_msgs;
      done_msgs = at;
      wake_all(c);
      if (had_files || copied == a.len) break;
    }
  }
  free_chain(done_msgs);
  if (copied > 0) return copied;
  return r;
}

Result<size_t> record_recv(File& f, UnixRecvArgs& a) {
  UnixConn& c = conn_of(f);
  const int me = side_of(f);
  const bool peek = a.flags & kMsgPeek;
  UnixMsg* m = nullptr;
  size_t full = 0, copied = 0;
  {
    MutexGuard g(c.lock);
    UnixQueue& q = c.q[me];
    if (c.type == kSockSeqPacket && !q.connected) return Error::NotConn;
    const u64 until = unix_deadline(q.rcvtimeo);
    while (!q.head) {
      if (q.err) {
        const int e = q.err;
        q.err = 0;
        return Error(e);
      }
      if (nonblocking(f, a.flags)) {
        // Linux: EOF on a shut-down packet socket, EAGAIN on a datagram one.
        if (c.type == kSockSeqPacket && (q.shutdown & kRcvShutdown)) return size_t{0};
        return Error::Again;
      }
      if (q.shutdown & kRcvShutdown) return size_t{0};
      TRY(unix_nap(c, until));
    }
    m = q.head;
    full = m->len;
    copied = min(full, a.len);
    TRY(iov_copyout(a.iov, a.iovcnt, 0, m->data(), copied));
    if (full > copied) a.msg_flags |= kMsgTrunc;
    take_cred(q, m, a);
    take_files(m, a, peek);
    if (peek) {
      m = nullptr;
    } else {
      dequeue_head(q);
      wake_all(c);
    }
  }
  free_chain(m);
  return (a.flags & kMsgTrunc) ? full : copied;
}

// read(2) and write(2): recv and send with no flags.
Result<size_t> unix_read(File& f, uptr buf, size_t n) {
  // Linux's sock_read_iter: a read of nothing is 0 at once (a recv of
  // nothing takes a record).
  if (n == 0) return size_t{0};
  UserIov v{buf, n};
  UnixRecvArgs a;
  a.iov = &v;
  a.iovcnt = 1;
  a.len = n;
  a.flags = 0;
  Result<size_t> r = unix_recv(f, a);
  for (unsigned i = 0; i < a.nfiles; i++) file_release(a.files[i]);  // as Linux: dropped
  return r;
}

Result<size_t> unix_write(File& f, uptr buf, size_t n) {
  UserIov v{buf, n};
  UnixSendArgs a{};
  a.iov = &v;
  a.iovcnt = 1;
  a.len = n;
  return unix_send(f, a);
}

void unix_close(File& f) {
  UnixConn& c = conn_of(f);
  const int me = side_of(f), peer = 1 - me;
  UnixMsg* purged = nullptr;
  {
    MutexGuard g(c.lock);
    UnixQueue& q = c.q[me];
    const bool unread = q.head != nullptr;
    purged = q.head;
    q.head = q.tail = nullptr;
    q.charge = 0;
    q.open = false;
    q.shutdown = kRcvShutdown | kSendShutdown;
    // As Linux's unix_release_sock: a connected stream or packet peer can
    // neither read nor write any more, and learns ECONNRESET if data it
    // sent was never read.
    if (c.type != kSockDgram && q.connected && c.q[peer].open) {
      c.q[peer].shutdown = kRcvShutdown | kSendShutdown;
      if (unread) c.q[peer].err = int(Error::ConnReset);
    }
    wake_all(c);
  }
  free_chain(purged);
  unix_listener_closed(c, me);
  unix_live_add(-1);
  unix_conn_drop(&c);
}

// As Linux's sockfs: S_IFSOCK with every permission, one inode per end.
void unix_stat(File& f, FileStat& st) {
  st.dev = kSockDev;
  st.ino = conn_of(f).ino[side_of(f)];
  st.mode = kSIfSock | 0777;
  st.nlink = 1;
  st.size = 0;
  st.blksize = i32(kPageSize);
}

// As Linux's unix_poll (stream) and unix_dgram_poll (datagram, packet).
i16 unix_poll(File& f) {
  UnixConn& c = conn_of(f);
  const int me = side_of(f), peer = 1 - me;
  MutexGuard g(c.lock);
  const UnixQueue& q = c.q[me];
  i16 r = 0;
  // A listener is readable with a connection to accept (Linux's unix_poll
  // sees its queue of embryos).
  if (c.listening) return c.pending ? i16(kPollIn | kPollRdNorm) : i16(0);
  if (q.err) r |= kPollErr;
  if (q.shutdown == (kRcvShutdown | kSendShutdown)) r |= kPollHup;
  if (q.shutdown & kRcvShutdown) r |= kPollRdHup | kPollIn | kPollRdNorm;
  if (q.head) r |= kPollIn | kPollRdNorm;
  if (c.type != kSockDgram && !q.connected) r |= kPollHup;
  // Writable while the sender's usage is at most a quarter of its buffer
  // (Linux's unix_writable).
  if (c.q[peer].charge * 4 <= size_t(q.sndbuf)) r |= kPollOut | kPollWrNorm | kPollWrBand;
  return r;
}

u32 unix_poll_seq(File& f) { return __atomic_load_n(&conn_of(f).seq, __ATOMIC_RELAXED); }

}  // namespace

const FileOps kUnixOps = {
    .name = "socket",
    .read = unix_read,
    .write = unix_write,
    .close = unix_close,
    .stat = unix_stat,
    .seekable = false,
    .poll = unix_poll,
    .zero_len_io = true,
    .poll_seq = unix_poll_seq,
};

Result<UnixConn*> unix_new_conn(int type) {
  void* mem = kmalloc(sizeof(UnixConn));
  if (!mem) return Error::NoMem;
  UnixConn* c = new (mem) UnixConn(type);
  c->ino[0] = __atomic_fetch_add(&g_next_sock_ino, 2, __ATOMIC_RELAXED);
  c->ino[1] = c->ino[0] + 1;
  return c;
}

void unix_conn_drop(UnixConn* c) {
  if (c->refs.release()) {
    c->~UnixConn();
    kfree(c);
  }
}

void unix_live_add(int n) { __atomic_add_fetch(&g_live, u64(i64(n)), __ATOMIC_RELAXED); }

void* unix_end_data(UnixConn* c, int side) {
  return reinterpret_cast<void*>(reinterpret_cast<uptr>(c) | uptr(side));
}

bool file_is_unix(File& f) { return f.ops == &kUnixOps; }

bool unix_connected(File& f) {
  UnixConn& c = conn_of(f);
  MutexGuard g(c.lock);
  return c.q[side_of(f)].connected;
}

u64 unix_live_count() { return __atomic_load_n(&g_live, __ATOMIC_RELAXED); }

Result<UnixPair> unix_socketpair(int type, int flags, const UnixCred& cred) {
  UnixConn* c = TRY(unix_new_conn(type));
  {
    MutexGuard g(c->lock);
    c->q[0].peercred = c->q[1].peercred = cred;
  }
  const int fl = kORdWr | (flags & kSockNonBlock);
  Result<File*> a = file_create(&kUnixOps, fl, unix_end_data(c, 0));
  if (!a.ok()) {
    c->~UnixConn();
    kfree(c);
    return a.error();
  }
  unix_live_add(1);
  Result<File*> b = file_create(&kUnixOps, fl, unix_end_data(c, 1));
  if (!b.ok()) {
    // Closing end 0 drops one reference; end 1, never made, the other.
    file_release(a.value());
    if (c->refs.release()) {
      c->~UnixConn();
      kfree(c);
    }
    return b.error();
  }
  unix_live_add(1);
  return UnixPair{a.value(), b.value()};
}

Result<File*> unix_socket(int type, int flags) {
  // Linux: an unconnected socket has no peer credentials (pid 0, ids -1).
  UnixConn* c = TRY(unix_new_conn(type));
  {
    MutexGuard g(c->lock);
    c->q[0].connected = false;
    c->q[1].open = false;
    c->q[1].connected = false;
  }
  (void)c->refs.release();  // no second end: one reference, the File's
  Result<File*> f = file_create(&kUnixOps, kORdWr | (flags & kSockNonBlock), unix_end_data(c, 0));
  if (!f.ok()) {
    c->~UnixConn();
    kfree(c);
    return f.error();
  }
  unix_live_add(1);
  return f.value();
}

Result<size_t> unix_send(File& f, UnixSendArgs& a) {
  if (a.flags & kMsgOob) return Error::OpNotSupp;
  UnixCred cred = a.has_cred ? a.cred : current_cred();
  if (conn_of(f).type == kSockStream) return stream_send(f, a, cred);
  return record_send(f, a, cred);
}

Result<size_t> unix_recv(File& f, UnixRecvArgs& a) {
  if (a.flags & kMsgOob) return Error::OpNotSupp;
  if (conn_of(f).type == kSockStream) return stream_recv(f, a);
  return record_recv(f, a);
}

Result<size_t> unix_rw_vector(File& f, const UserIov* iov, size_t cnt, size_t len, bool write) {
  if (write) {
    UnixSendArgs a{};
    a.iov = iov;
    a.iovcnt = cnt;
    a.len = len;
    return unix_send(f, a);
  }
  if (len == 0) return size_t{0};
  UnixRecvArgs a;
  a.iov = iov;
  a.iovcnt = cnt;
  a.len = len;
  a.flags = 0;
  Result<size_t> r = unix_recv(f, a);
  for (unsigned i = 0; i < a.nfiles; i++) file_release(a.files[i]);  // read(2) drops them
  return r;
}

Result<void> unix_shutdown(File& f, int how) {
  if (how < kShutRd || how > kShutRdWr) return Error::Inval;
  const u8 mode = u8(how + 1);  // Linux: SHUT_RD 0 -> RCV_SHUTDOWN 1, ...
  UnixConn& c = conn_of(f);
  const int me = side_of(f), peer = 1 - me;
  MutexGuard g(c.lock);
  c.q[me].shutdown |= mode;
  // The peer of a stream or packet end sees the mirror image.
  if (c.type != kSockDgram && c.q[me].connected && c.q[peer].open) {
    u8 mirror = 0;
    if (mode & kRcvShutdown) mirror |= kSendShutdown;
    if (mode & kSendShutdown) mirror |= kRcvShutdown;
    c.q[peer].shutdown |= mirror;
  }
  wake_all(c);
  return ok();
}

namespace {
constexpr int kSoType = 3, kSoError = 4, kSoSndBuf = 7, kSoRcvBuf = 8, kSoPassCred = 16,
              kSoPeerCred = 17, kSoRcvTimeo = 20, kSoSndTimeo = 21, kSoAcceptConn = 30,
              kSoProtocol = 38, kSoDomain = 39;

// struct timeval, as SO_RCVTIMEO/SO_SNDTIMEO take it (64-bit fields).
struct TimeVal {
  i64 sec;
  i64 usec;
};
constexpr u64 kNsPerUs = 1000, kUsPerS = 1000000;
}  // namespace

Result<void> unix_getsockopt(File& f, int opt, void* buf, u32* len) {
  UnixConn& c = conn_of(f);
  int v = 0;
  {
    MutexGuard g(c.lock);
    UnixQueue& q = c.q[side_of(f)];
    switch (opt) {
      case kSoType: v = c.type; break;
      case kSoDomain: v = kAfUnix; break;
      case kSoProtocol: v = 0; break;
      case kSoAcceptConn: v = c.listening ? 1 : 0; break;
      case kSoError:
        v = q.err;
        q.err = 0;
        break;
      case kSoSndBuf: v = q.sndbuf; break;
      case kSoRcvBuf: v = q.rcvbuf; break;
      case kSoPassCred: v = q.passcred ? 1 : 0; break;
      case kSoPeerCred: {
        const u32 n = min(*len, u32(sizeof(UnixCred)));
        memcpy(buf, &q.peercred, n);
        *len = n;
        return ok();
      }
      case kSoRcvTimeo:
      case kSoSndTimeo: {
        const u64 ns = opt == kSoRcvTimeo ? q.rcvtimeo : q.sndtimeo;
        const u64 us = (ns + kNsPerUs - 1) / kNsPerUs;
        const TimeVal tv{i64(us / kUsPerS), i64(us % kUsPerS)};
        const u32 n = min(*len, u32(sizeof tv));
        memcpy(buf, &tv, n);
        *len = n;
        return ok();
      }
      default:
        return Error::NoProtoOpt;
    }
  }
  const u32 n = min(*len, u32(sizeof v));
  memcpy(buf, &v, n);
  *len = n;
  return ok();
}

Result<void> unix_setsockopt(File& f, int opt, const void* buf, u32 len) {
  UnixConn& c = conn_of(f);
  if (opt == kSoRcvTimeo || opt == kSoSndTimeo) {
    // As Linux's sock_set_timeout: EDOM for microseconds out of range, a
    // negative time is "at once", zero is "for ever".
    TimeVal tv;
    if (len < sizeof tv) return Error::Inval;
    memcpy(&tv, buf, sizeof tv);
    if (tv.usec < 0 || tv.usec >= i64(kUsPerS)) return Error::Dom;
    u64 ns = 1;
    if (tv.sec >= 0) {
      const u64 cap = ~u64(0) / 2 / (kUsPerS * kNsPerUs);
      ns = u64(min(u64(tv.sec), cap)) * kUsPerS * kNsPerUs + u64(tv.usec) * kNsPerUs;
    }
    MutexGuard g(c.lock);
    (opt == kSoRcvTimeo ? c.q[side_of(f)].rcvtimeo : c.q[side_of(f)].sndtimeo) = ns;
    return ok();
  }
  int v = 0;
  if (len < sizeof v) return Error::Inval;
  memcpy(&v, buf, sizeof v);
  MutexGuard g(c.lock);
  UnixQueue& q = c.q[side_of(f)];
  switch (opt) {
    case kSoSndBuf: {
      // As Linux's sock_setsockopt: capped, then doubled for overhead.
      const u32 val = min(u32(v), u32(kSockBufMax));
      q.sndbuf = max(int(val * 2), kSockMinSndBuf);
      wake_all(c);
      return ok();
    }
    case kSoRcvBuf: {
      const u32 val = min(u32(v), u32(kSockBufMax));
      q.rcvbuf = max(int(val * 2), kSockMinRcvBuf);
      return ok();
    }
    case kSoPassCred:
      q.passcred = v != 0;
      return ok();
    default:
      return Error::NoProtoOpt;
  }
}

}  // namespace tine
