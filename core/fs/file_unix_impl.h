// The insides of AF_UNIX sockets, shared by file_unix.cpp (the pair, data
// and options) and file_unix_listen.cpp (names, listen, accept, connect).
// Nothing else includes this.
#pragma once

#include "core/fs/file.h"
#include "core/fs/file_unix.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"

namespace tine {

// A connection waiting in a listener's backlog: its server end.
struct UnixPending {
  UnixPending* next = nullptr;
  File* server;  // one reference, handed to accept
};

// One record (datagram, packet) or one piece of a stream write. The bytes
// follow the header; the Files it carries (SCM_RIGHTS) follow the bytes.
struct UnixMsg {
  UnixMsg* next = nullptr;
  size_t len;      // bytes
  size_t off = 0;  // bytes a stream reader consumed already
  size_t charge;   // what it counts against the sender's SO_SNDBUF
  File** files = nullptr;  // held references, until received or purged
  unsigned nfiles = 0;
  UnixCred cred;   // the sender's

  u8* data() { return reinterpret_cast<u8*>(this + 1); }
};

// What a queued message costs its sender beyond its bytes, as Linux counts
// an skb's truesize: many tiny datagrams fill the buffer too.
constexpr size_t kMsgOverhead = 512;
// The largest piece of a stream write: one page with its header.
constexpr size_t kStreamChunk = kPageSize - sizeof(UnixMsg) - 16;

// One end's receive queue and its own state.
struct UnixQueue {
  UnixMsg* head = nullptr;
  UnixMsg* tail = nullptr;
  size_t charge = 0;     // queued messages' charge: the peer's send usage
  bool open = true;      // its File is not closed yet
  bool connected = true; // has a peer (a dgram end forgets a closed one)
  u8 shutdown = 0;       // kRcvShutdown | kSendShutdown
  int err = 0;           // pending SO_ERROR (an errno)
  int sndbuf = kSockBufDefault;
  int rcvbuf = kSockBufDefault;
  bool passcred = false;
  UnixCred peercred{0, ~u32(0), ~u32(0)};  // SO_PEERCRED: none until connected
  UnixAddr addr;  // this end's name (bind; an accepted end: the listener's)
  // SO_RCVTIMEO, SO_SNDTIMEO: how long a blocking receive (accept) or
  // send (connect) waits, in ns; 0: for ever.
  u64 rcvtimeo = 0;
  u64 sndtimeo = 0;
};

// Both ends of a pair. The Files' data is the UnixConn with the end's
// side (0 or 1) in its low bit.
struct UnixConn {
  Mutex lock{"socket", LockRank::Pipe};
  // Data arrived or left, an end shut down or closed: readers and writers
  // of both ends look again (few waiters; one channel keeps it simple).
  CondVar changed{"socket"};
  UnixQueue q[2] GUARDED_BY(lock);
  const int type;
  u64 ino[2];               // fstat's st_ino of each end; fixed
  // Ends not yet closed, and the name table's hold on a bound socket
  // while a connect looks at it (atomic).
  RefCount refs{2};
  u32 seq = 0;              // moves at each wake of pollers (atomic)
  // Side 0 of a socket(2) socket that listen(2) made a listener: the
  // server ends of connections not yet accepted, oldest first.
  bool listening GUARDED_BY(lock) = false;
  u32 backlog GUARDED_BY(lock) = 0;  // the most pending (listen's, capped)
  u32 npending GUARDED_BY(lock) = 0;
  UnixPending* pending GUARDED_BY(lock) = nullptr;
  UnixPending* pending_tail GUARDED_BY(lock) = nullptr;
  bool bound GUARDED_BY(lock) = false;  // in the name table

  explicit UnixConn(int t) : type(t) {}
};

static_assert(alignof(UnixConn) >= 2);

extern const FileOps kUnixOps;

// The UnixConn behind a socket File, and which end the File is.
UnixConn& conn_of(File& f);
int side_of(File& f);
void* unix_end_data(UnixConn* c, int side);
// Data moved, an end changed: waiters and pollers look again.
void wake_all(UnixConn& c);
UnixCred current_cred();
// The guest time a wait of `timeo` ns from now ends (0: never), and one
// nap of such a wait: Again once that time has passed, Intr for a signal.
u64 unix_deadline(u64 timeo);
Result<void> unix_nap(UnixConn& c, u64 until) REQUIRES(c.lock);
// A new UnixConn with two references and fresh inode numbers. NoMem.
Result<UnixConn*> unix_new_conn(int type);
// Drops a reference to c; the last frees it.
void unix_conn_drop(UnixConn* c);
// A socket File was made or is gone (unix_live_count).
void unix_live_add(int n);
// The listener side of unix_close: out of the name table, and pending
// connections refused (their clients see ECONNRESET). No lock held.
void unix_listener_closed(UnixConn& c, int side);

}  // namespace tine
