// AF_UNIX names, listen, accept and connect (Linux's unix_bind,
// unix_listen, unix_stream_connect, unix_accept), on abstract names only.
//
// A socket(2) socket is a UnixConn whose side 1 does not exist yet.
// connect makes that side 1 the server end: a new File on the same
// UnixConn, queued on the listener until accept hands it out. So a
// connected pair from connect is the same thing as one from socketpair.
//
// Locking: the name table's lock is taken alone or inside the binding
// socket's lock, and nothing is taken under it; a connect holds a reference to the
// listener's UnixConn between looking it up and queueing on it. Socket
// locks are never nested: the connecting socket's and the listener's are
// taken one after the other.
#include "core/fs/file_unix.h"

#include "core/fs/file_unix_impl.h"
#include "core/lib/format.h"
#include "core/lib/string.h"
#include "core/proc/proc.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

// Linux's net.core.somaxconn, the most a backlog may be.
constexpr u32 kSoMaxConn = 4096;

struct NameEntry {
  NameEntry* next;
  UnixAddr addr;
  UnixConn* conn;  // not held: unix_listener_closed unlinks it first
};

Mutex g_names_lock{"unix names", LockRank::Unranked};
NameEntry* g_names GUARDED_BY(g_names_lock) = nullptr;
u32 g_autobind GUARDED_BY(g_names_lock) = 0;

bool same_name(const UnixAddr& a, const UnixAddr& b) {
  return a.len == b.len && memcmp(a.path, b.path, a.len) == 0;
}

NameEntry* find_locked(const UnixAddr& a) REQUIRES(g_names_lock) {
  for (NameEntry* e = g_names; e; e = e->next)
    if (same_name(e->addr, a)) return e;
  return nullptr;
}

// SO_PEERCRED as Linux's init_peercred: pid and effective ids.
UnixCred peercred_now() {
  Proc* p = curproc();
  if (!p) return UnixCred{0, 0, 0};
  const Cred* cr = proc_own_cred(p);
  return UnixCred{p->p_pid.value, cr->euid.value, cr->egid};
}

}  // namespace

Result<void> unix_bind(File& f, const UnixAddr& want) {
  UnixConn& c = conn_of(f);
  if (want.len > 0 && want.path[0] != 0) return Error::OpNotSupp;  // no socket files yet
  NameEntry* e = static_cast<NameEntry*>(kmalloc(sizeof(NameEntry)));
  if (!e) return Error::NoMem;
  MutexGuard g(c.lock);
  if (c.bound || c.q[side_of(f)].addr.len > 0) {
    kfree(e);
    return Error::Inval;
  }
  {
    MutexGuard n(g_names_lock);
    e->conn = &c;
    e->addr = want;
    if (want.len == 0) {
      // Autobind: "\0" and five hex digits, as Linux's unix_autobind.
      for (u32 tries = 0;; tries++) {
        if (tries > 0xfffff) {
          kfree(e);
          return Error::NoSpc;
        }
        e->addr = UnixAddr{};
        e->addr.len = 6;
        format(e->addr.path + 1, 6, "%05x", unsigned(g_autobind++ & 0xfffff));
        if (!find_locked(e->addr)) break;
      }
    } else if (find_locked(want)) {
      kfree(e);
      return Error::AddrInUse;
    }
    e->next = g_names;
    g_names = e;
  }
  c.bound = true;
  c.q[side_of(f)].addr = e->addr;
  return ok();
}

Result<void> unix_listen(File& f, int backlog) {
  UnixConn& c = conn_of(f);
  if (c.type == kSockDgram) return Error::OpNotSupp;
  MutexGuard g(c.lock);
  if (!c.bound || c.q[side_of(f)].connected) return Error::Inval;
  c.backlog = backlog < 0 || u32(backlog) > kSoMaxConn ? kSoMaxConn : u32(backlog);
  c.listening = true;
  c.q[0].peercred = peercred_now();  // what a connecting client will see
  return ok();
}

Result<File*> unix_accept(File& f, int flags) {
  UnixConn& c = conn_of(f);
  UnixPending* p = nullptr;
  {
    MutexGuard g(c.lock);
    const u64 until = unix_deadline(c.q[0].rcvtimeo);  // Linux: accept's wait
    for (;;) {
      if (!c.listening) return Error::Inval;
      if (c.pending) break;
      if (f.nonblocking()) return Error::Again;
      TRY(unix_nap(c, until));
    }
    p = c.pending;
    c.pending = p->next;
    if (!c.pending) c.pending_tail = nullptr;
    c.npending--;
    wake_all(c);  // a connect waiting for room
  }
  File* s = p->server;
  kfree(p);
  if (flags & kSockNonBlock) MUST(file_set_flags(*s, kONonBlock));
  return s;
}

Result<void> unix_connect(File& f, const UnixAddr& to) {
  UnixConn& c = conn_of(f);
  if (side_of(f) != 0) return Error::IsConn;  // a server end is connected
  if (c.type == kSockDgram) return Error::OpNotSupp;  // datagram peers: not done
  {
    MutexGuard g(c.lock);
    if (c.listening) return Error::Inval;
    if (c.q[0].connected || c.q[1].open) return Error::IsConn;
  }
  if (to.len > 0 && to.path[0] != 0) return Error::NoEnt;  // no socket files yet
  UnixConn* l = nullptr;
  UnixAddr name;
  {
    MutexGuard n(g_names_lock);
    NameEntry* e = find_locked(to);
    if (!e) return Error::ConnRefused;
    l = e->conn;
    l->refs.hold();
    name = e->addr;
  }
  struct Drop {
    UnixConn* c;
    ~Drop() { unix_conn_drop(c); }
  } drop_l{l};
  if (l->type != c.type) return Error::ConnRefused;  // Linux: as if nobody were there
  UnixPending* p = static_cast<UnixPending*>(kmalloc(sizeof(UnixPending)));
  if (!p) return Error::NoMem;
  // The server end: side 1 of the connecting socket's own UnixConn.
  c.refs.hold();
  Result<File*> made = file_create(&kUnixOps, kORdWr, unix_end_data(&c, 1));
  if (!made.ok()) {
    kfree(p);
    unix_conn_drop(&c);
    return made.error();
  }
  unix_live_add(1);
  p->next = nullptr;
  p->server = made.value();
  UnixCred listener_cred{};
  {
    MutexGuard g(l->lock);
    listener_cred = l->q[0].peercred;
  }
  bool raced = false;
  u64 until = 0;
  {
    MutexGuard g(c.lock);
    until = unix_deadline(c.q[0].sndtimeo);  // Linux: connect's wait
    if (c.q[0].connected || c.q[1].open) {
      raced = true;  // another thread connected it meanwhile
    } else {
      c.q[0].connected = c.q[1].connected = true;
      c.q[1].open = true;
      c.q[1].shutdown = 0;
      c.q[1].addr = name;
      c.q[0].peercred = listener_cred;
      c.q[1].peercred = peercred_now();
    }
  }
  Result<void> queued = raced ? Result<void>(Error::IsConn) : ok();
  if (queued.ok()) {
    MutexGuard g(l->lock);
    for (;;) {
      if (!l->listening) {
        queued = Error::ConnRefused;
        break;
      }
      // Linux's unix_recvq_full: one more than the backlog may wait.
      if (l->npending <= l->backlog) break;
      if (f.nonblocking()) {
        queued = Error::Again;
        break;
      }
      Result<void> napped = unix_nap(*l, until);
      if (!napped.ok()) {
        queued = napped.error();
        break;
      }
    }
    if (queued.ok()) {
      if (l->pending_tail)
        l->pending_tail->next = p;
      else
        l->pending = p;
      l->pending_tail = p;
      l->npending++;
      wake_all(*l);
    }
  }
  if (!queued.ok()) {
    if (!raced) {
      // Unconnected again; the server end goes without touching side 0.
      MutexGuard g(c.lock);
      c.q[0].connected = c.q[1].connected = false;
      c.q[1].addr = UnixAddr{};
    }
    file_release(p->server);
    kfree(p);
    return queued.error();
  }
  return ok();
}

UnixAddr unix_name(File& f, bool peer) {
  UnixConn& c = conn_of(f);
  MutexGuard g(c.lock);
  const int side = peer ? 1 - side_of(f) : side_of(f);
  return c.q[side].addr;
}

void unix_listener_closed(UnixConn& c, int side) {
  if (side != 0) return;  // only socket(2) sockets are bound or listen
  {
    MutexGuard n(g_names_lock);
    for (NameEntry** at = &g_names; *at; at = &(*at)->next) {
      if ((*at)->conn == &c) {
        NameEntry* e = *at;
        *at = e->next;
        kfree(e);
        break;
      }
    }
  }
  UnixPending* p = nullptr;
  {
    MutexGuard g(c.lock);
    p = c.pending;
    c.pending = c.pending_tail = nullptr;
    c.npending = 0;
    c.listening = false;
    wake_all(c);
  }
  // Connections never accepted: their clients see ECONNRESET, as Linux's
  // unix_release_sock of an embryo.
  while (p) {
    UnixPending* next = p->next;
    UnixConn& pc = conn_of(*p->server);
    {
      MutexGuard g(pc.lock);
      if (pc.q[0].open) pc.q[0].err = int(Error::ConnReset);
    }
    file_release(p->server);
    kfree(p);
    p = next;
  }
}

}  // namespace tine
