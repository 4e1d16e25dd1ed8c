// AF_UNIX sockets: a connected pair of Files (socketpair(2)), each end
// with its own receive queue of messages, as Linux's net/unix/af_unix.c.
//
// SOCK_STREAM reads across messages (never past one that carried
// descriptors); SOCK_DGRAM and SOCK_SEQPACKET keep record boundaries (a
// short read drops the rest and says MSG_TRUNC). A message may carry Files
// (SCM_RIGHTS: the queue holds a reference to each until it is received,
// or until the receiving end closes, which releases them) and the sender's
// credentials (SCM_CREDENTIALS).
//
// Locking: one mutex per pair (LockRank::Pipe, as a pipe's: held across
// copyout of a receive). Files in flight are never released under it: a
// File may be a socket of the same pair.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// socket(2) domains, types and flags (Linux's values).
inline constexpr int kAfUnix = 1;
inline constexpr int kSockStream = 1, kSockDgram = 2, kSockRaw = 3, kSockSeqPacket = 5;
inline constexpr int kSockTypeMask = 0xf;
inline constexpr int kSockCloExec = kOCloExec, kSockNonBlock = kONonBlock;

// send/recv flags (Linux's MSG_*).
inline constexpr int kMsgOob = 0x1, kMsgPeek = 0x2, kMsgCTrunc = 0x8, kMsgTrunc = 0x20,
                     kMsgDontWait = 0x40, kMsgEor = 0x80, kMsgWaitAll = 0x100,
                     kMsgNoSignal = 0x4000, kMsgCmsgCloExec = 0x40000000;

// shutdown(2)'s how and the bits an end keeps of it.
inline constexpr int kShutRd = 0, kShutWr = 1, kShutRdWr = 2;
inline constexpr u8 kRcvShutdown = 1, kSendShutdown = 2;

// The most descriptors one message carries (Linux's SCM_MAX_FD).
inline constexpr unsigned kScmMaxFd = 253;
// SO_SNDBUF/SO_RCVBUF as Linux starts them (net.core.wmem_default) and
// the most setsockopt gives (wmem_max, doubled by Linux's setsockopt).
inline constexpr int kSockBufDefault = 212992;
inline constexpr int kSockBufMax = 212992;
inline constexpr int kSockMinSndBuf = 4608, kSockMinRcvBuf = 2304;

// struct ucred (SO_PEERCRED, SCM_CREDENTIALS).
struct UnixCred {
  i32 pid;
  u32 uid;
  u32 gid;
};

// An AF_UNIX name: sun_path's bytes as given (len 0: unnamed; an
// abstract name starts with a NUL byte).
struct UnixAddr {
  u32 len = 0;
  char path[108] = {};
};

// A user iovec, copied into the kernel.
struct UserIov {
  uptr base;
  u64 len;
};

struct UnixSendArgs {
  const UserIov* iov;
  size_t iovcnt;
  size_t len;     // the bytes the iovecs hold (capped at kMaxRwCount)
  int flags;      // kMsg*
  File** files;   // SCM_RIGHTS: held references, taken over on success
  unsigned nfiles;
  bool has_cred;  // SCM_CREDENTIALS given (checked by the caller)
  UnixCred cred;
};

struct UnixRecvArgs {
  const UserIov* iov;
  size_t iovcnt;
  size_t len;
  int flags;
  // Out: the Files received (the caller installs or releases each), the
  // sender's credentials if the receiving end has SO_PASSCRED, MSG_TRUNC.
  File* files[kScmMaxFd];
  unsigned nfiles = 0;
  bool has_cred = false;
  UnixCred cred{};
  int msg_flags = 0;
};

struct UnixPair {
  File* a;  // each one reference
  File* b;
};

// A connected pair of type kSockStream, kSockDgram or kSockSeqPacket; flags
// kSockNonBlock on both Files. `cred` is SO_PEERCRED of both ends (the
// creator's, as Linux's init_peercred). NoMem.
Result<UnixPair> unix_socketpair(int type, int flags, const UnixCred& cred);
// An unconnected socket (socket(2)): sends say ENOTCONN.
Result<File*> unix_socket(int type, int flags);

// The File is an AF_UNIX socket.
bool file_is_unix(File& f);

// sendmsg: the byte count sent. Errors as Linux: Pipe (with SIGPIPE unless
// kMsgNoSignal, for stream), Again, MsgSize, NotConn, ConnRefused, Intr,
// Fault, NoMem.
Result<size_t> unix_send(File& f, UnixSendArgs& a);
// recvmsg: the bytes copied (the whole record's length with kMsgTrunc).
Result<size_t> unix_recv(File& f, UnixRecvArgs& a);
Result<void> unix_shutdown(File& f, int how);
// readv/writev: one send or receive over all the iovecs (one record for
// a datagram), as Linux's sock_read_iter/sock_write_iter.
Result<size_t> unix_rw_vector(File& f, const UserIov* iov, size_t cnt, size_t len, bool write);

// Socket options at SOL_SOCKET (Linux's SO_* numbers); getsockopt fills
// up to *len bytes of buf and sets *len. NoProtoOpt for others.
Result<void> unix_getsockopt(File& f, int opt, void* buf, u32* len);
Result<void> unix_setsockopt(File& f, int opt, const void* buf, u32 len);
// getpeername: NotConn for an unconnected socket.
bool unix_connected(File& f);

// Names, listen, accept, connect (file_unix_listen.cpp), for stream and
// packet sockets made by unix_socket, on abstract names (a NUL first
// byte). bind: Inval if bound already, AddrInUse for a name taken; an
// empty name autobinds a 5-hex-digit abstract one as Linux. listen: Inval
// unbound or connected, OpNotSupp for datagrams. connect: ConnRefused
// without a listener there (or its backlog full and MSG_DONTWAIT:
// Again; also for a listener of another type), IsConn. accept: Inval if
// not listening, Again, Intr; the new File (one reference) gets
// kSockNonBlock from flags.
Result<void> unix_bind(File& f, const UnixAddr& a);
Result<void> unix_listen(File& f, int backlog);
Result<void> unix_connect(File& f, const UnixAddr& a);
Result<File*> unix_accept(File& f, int flags);
// This end's name, or (peer) the other end's.
UnixAddr unix_name(File& f, bool peer);

// Sockets alive (the leak checks).
u64 unix_live_count();

}  // namespace tine
