// Sockets: socketpair(AF_UNIX) and the message calls over
// core/fs/file_unix.h. Decoding of struct msghdr, struct cmsghdr
// (SCM_RIGHTS, SCM_CREDENTIALS) and sockaddr, and Linux's order of errors
// (net/socket.c, net/core/scm.c). Only AF_UNIX exists; socket(2) of it
// binds, listens, accepts and connects on abstract names
// (core/fs/file_unix_listen.cpp).
#include "core/compat/linux/linux.h"

#include "core/fs/file_unix.h"
#include "core/fs/filedesc.h"
#include "core/fs/sys_file.h"
#include "core/lib/new.h"
#include "core/lib/string.h"
#include "core/proc/cred.h"
#include "core/proc/proc.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

constexpr int kAfInet = 2, kAfInet6 = 10;
constexpr int kSolSocket = 1;
constexpr int kScmRights = 1, kScmCredentials = 2;
constexpr u64 kUioMaxIov = 1024;
constexpr u64 kCmsgHdr = 16;  // struct cmsghdr on 64 bits
constexpr u64 cmsg_align(u64 n) { return (n + 7) & ~u64(7); }
// The control bytes we build for recvmsg: room for credentials and every
// descriptor one message may carry.
constexpr u64 kCtlMax = 2 * kCmsgHdr + 16 + kScmMaxFd * 4 + 8;
constexpr u32 kSockaddrStorage = 128;
constexpr u32 kSunPathOff = 2, kSockaddrUn = 110;

struct UserMsgHdr {
  u64 name;
  i32 namelen;
  u32 pad0;
  u64 iov;
  u64 iovlen;
  u64 control;
  u64 controllen;
  i32 flags;
  u32 pad1;
};
static_assert(sizeof(UserMsgHdr) == 56);

struct CmsgHdr {
  u64 len;
  i32 level;
  i32 type;
};
static_assert(sizeof(CmsgHdr) == kCmsgHdr);

// The socket at fd with a reference: EBADF, or ENOTSOCK for another File.
Result<File*> sock_get(int fd) {
  File* f = TRY(fd_get(curfd(), fd));
  if (!file_is_unix(*f)) {
    file_release(f);
    return Error::NotSock;
  }
  return f;
}

class SockRef {
 public:
  explicit SockRef(File* f) : f_(f) {}
  ~SockRef() { file_release(f_); }
  SockRef(const SockRef&) = delete;
  SockRef& operator=(const SockRef&) = delete;
  File& operator*() const { return *f_; }

 private:
  File* f_;
};

// A kernel copy of a user iovec array (import_iovec): EMSGSIZE for more
// than UIO_MAXIOV, EINVAL for a length sum that overflows ssize_t. The
// total is capped at kMaxRwCount, as Linux caps it.
struct Iovs {
  UserIov* v = nullptr;
  size_t cnt = 0;
  size_t len = 0;
  UserIov one{};
  ~Iovs() {
    if (v != &one) kfree(v);
  }
};

Result<void> import_iov(Iovs& out, uptr uiov, u64 cnt) {
  if (cnt > kUioMaxIov) return Error::MsgSize;
  out.v = static_cast<UserIov*>(kmalloc(sizeof(UserIov) * (cnt ? cnt : 1)));
  if (!out.v) return Error::NoMem;
  out.cnt = size_t(cnt);
  TRY(copyin(out.v, uiov, sizeof(UserIov) * cnt));
  u64 sum = 0;
  for (size_t i = 0; i < out.cnt; i++) {
    if (i64(out.v[i].len) < 0) return Error::Inval;
    const u64 room = kMaxRwCount - sum;
    if (out.v[i].len > room) out.v[i].len = room;  // Linux shortens the rest
    sum += out.v[i].len;
  }
  out.len = size_t(sum);
  return ok();
}

void single_iov(Iovs& out, uptr buf, u64 len) {
  out.one = UserIov{buf, min(len, kMaxRwCount)};
  out.v = &out.one;
  out.cnt = 1;
  out.len = size_t(out.one.len);
}

// Files given with SCM_RIGHTS: held until sent, released when not.
struct SendFiles {
  File* f[kScmMaxFd];
  unsigned n = 0;
  ~SendFiles() {
    for (unsigned i = 0; i < n; i++) file_release(f[i]);
  }
};

// As Linux's __scm_send: each cmsghdr must lie inside the buffer; at
// SOL_SOCKET only SCM_RIGHTS (at most SCM_MAX_FD in all; EBADF for a
// descriptor not open) and SCM_CREDENTIALS (exactly a struct ucred; a
// caller without privilege may give only its own ids: EPERM) are known
// (EINVAL); other levels are skipped.
Result<void> parse_control(const u8* ctl, u64 len, UnixSendArgs& a, SendFiles& files) {
  Proc* p = curproc();
  u64 at = 0;
  while (at + kCmsgHdr <= len) {
    CmsgHdr h;
    memcpy(&h, ctl + at, sizeof h);
    if (h.len < kCmsgHdr || h.len > len - at) return Error::Inval;
    if (h.level == kSolSocket) {
      const u8* data = ctl + at + kCmsgHdr;
      const u64 dlen = h.len - kCmsgHdr;
      if (h.type == kScmRights) {
        const u64 n = dlen / 4;
        if (files.n + n > kScmMaxFd) return Error::Inval;
        for (u64 i = 0; i < n; i++) {
          int fd;
          memcpy(&fd, data + 4 * i, 4);
          files.f[files.n] = TRY(fd_get(curfd(), fd));
          files.n++;
        }
      } else if (h.type == kScmCredentials) {
        if (dlen != sizeof(UnixCred)) return Error::Inval;
        UnixCred c;
        memcpy(&c, data, sizeof c);
        const Cred* me = proc_own_cred(p);
        if (me->euid.value != 0) {
          const bool uid_ok = c.uid == me->uid.value || c.uid == me->euid.value ||
                              c.uid == me->suid.value;
          const bool gid_ok = c.gid == me->gid || c.gid == me->egid || c.gid == me->sgid;
          if (c.pid != p->p_pid.value || !uid_ok || !gid_ok) return Error::Perm;
        }
        a.has_cred = true;
        a.cred = c;
      } else {
        return Error::Inval;
      }
    }
    at += cmsg_align(h.len);
  }
  return ok();
}

// A destination address on a send: Linux's move_addr_to_kernel (EINVAL
// for a length out of range, EFAULT) and then what the socket type says
// of it. Names are not bound here, so a datagram to a name finds nobody.
Result<void> check_dest(File& f, uptr addr, i64 addrlen) {
  if (addrlen < 0 || addrlen > kSockaddrStorage) return Error::Inval;
  if (addrlen == 0) return ok();
  u8 buf[kSockaddrStorage];
  TRY(copyin(buf, addr, size_t(addrlen)));
  int type = 0;
  u32 len = sizeof type;
  MUST(unix_getsockopt(f, 3, &type, &len));  // SO_TYPE
  if (type == kSockSeqPacket) return ok();  // Linux ignores it
  if (type == kSockStream) return unix_connected(f) ? Error::IsConn : Error::OpNotSupp;
  u16 family;
  memcpy(&family, buf, 2);
  if (addrlen <= kSunPathOff || addrlen > kSockaddrUn || family != kAfUnix) return Error::Inval;
  return buf[kSunPathOff] == 0 ? Error::ConnRefused : Error::NoEnt;
}

Result<size_t> do_send(int fd, Iovs& iov, uptr uctl, u64 ctllen, uptr addr, i64 addrlen,
                       int flags) {
  SockRef s(TRY(sock_get(fd)));
  UnixSendArgs a{};
  a.iov = iov.v;
  a.iovcnt = iov.cnt;
  a.len = iov.len;
  a.flags = flags;
  SendFiles files;
  if (ctllen > 0x7fffffff) return Error::NoBufs;
  if (ctllen >= kCmsgHdr) {
    u8* ctl = static_cast<u8*>(kmalloc(size_t(ctllen)));
    if (!ctl) return Error::NoMem;
    Result<void> in = copyin(ctl, uctl, size_t(ctllen));
    if (in.ok()) in = parse_control(ctl, ctllen, a, files);
    kfree(ctl);
    TRY(in);
  }
  TRY(check_dest(*s, addr, addrlen));
  a.files = files.f;
  a.nfiles = files.n;
  Result<size_t> r = unix_send(*s, a);
  // The message holds the Files it took (a.nfiles is then 0); the rest
  // SendFiles releases.
  files.n = a.nfiles;
  return r;
}

// recvmsg's control bytes, as Linux's put_cmsg and scm_detach_fds.
class CtlOut {
 public:
  explicit CtlOut(u64 room) : room_(min(room, kCtlMax)) {}
  u8 buf[kCtlMax] = {};
  u64 used = 0;
  bool truncated = false;

  void put(int type, const void* data, u64 len) {
    const u64 left = room_ - used;
    if (left < kCmsgHdr) {
      truncated = true;
      return;
    }
    u64 cmlen = kCmsgHdr + len;
    if (left < cmlen) {
      truncated = true;
      cmlen = left;
    }
    CmsgHdr h{cmlen, kSolSocket, type};
    memcpy(buf + used, &h, sizeof h);
    memcpy(buf + used + kCmsgHdr, data, size_t(cmlen - kCmsgHdr));
    used += min(cmsg_align(kCmsgHdr + len), left);
  }
  u64 fd_room() const {
    const u64 left = room_ - used;
    return left > kCmsgHdr ? (left - kCmsgHdr) / 4 : 0;
  }

 private:
  u64 room_;
};

Result<size_t> do_recv(int fd, Iovs& iov, int flags, UserMsgHdr* hdr, uptr umsg) {
  SockRef s(TRY(sock_get(fd)));
  UnixRecvArgs* a = static_cast<UnixRecvArgs*>(kmalloc(sizeof(UnixRecvArgs)));
  if (!a) return Error::NoMem;
  new (a) UnixRecvArgs;
  struct Free {
    UnixRecvArgs* p;
    ~Free() {
      for (unsigned i = 0; i < p->nfiles; i++)
        if (p->files[i]) file_release(p->files[i]);
      kfree(p);
    }
  } free_a{a};
  a->iov = iov.v;
  a->iovcnt = iov.cnt;
  a->len = iov.len;
  a->flags = flags;
  const size_t n = TRY(unix_recv(*s, *a));
  if (!hdr) return n;  // recv, recvfrom, read

  CtlOut* ctl = static_cast<CtlOut*>(kmalloc(sizeof(CtlOut)));
  if (!ctl) return Error::NoMem;
  new (ctl) CtlOut(hdr->control ? hdr->controllen : 0);
  struct FreeCtl {
    CtlOut* p;
    ~FreeCtl() { kfree(p); }
  } free_ctl{ctl};
  if (a->has_cred) ctl->put(kScmCredentials, &a->cred, sizeof a->cred);
  // Reserve a number for each received File that fits, write the numbers,
  // and only once the control bytes reached the user make them exist.
  FileTable* t = curfd();
  int fds[kScmMaxFd];
  unsigned got = 0;
  if (a->nfiles > 0) {
    const u64 fit = min(u64(a->nfiles), ctl->fd_room());
    while (got < fit) {
      Result<int> fd = fd_alloc(t);
      if (!fd.ok()) break;
      fds[got++] = fd.value();
    }
    if (got > 0) ctl->put(kScmRights, fds, 4 * u64(got));
    if (got < a->nfiles) ctl->truncated = true;
  }
  // Linux starts msg_flags from the caller's MSG_CMSG_CLOEXEC.
  int out_flags = a->msg_flags | (ctl->truncated ? kMsgCTrunc : 0) | (flags & kMsgCmsgCloExec);
  Result<void> w = ok();
  if (ctl->used) w = copyout(hdr->control, ctl->buf, size_t(ctl->used));
  // Linux writes msg_namelen (the sender is unnamed: 0), then msg_flags,
  // then msg_controllen.
  const i32 namelen = 0;
  if (w.ok() && hdr->name) w = copyout(umsg + offsetof(UserMsgHdr, namelen), &namelen, 4);
  if (w.ok()) w = copyout(umsg + offsetof(UserMsgHdr, flags), &out_flags, 4);
  const u64 ctlused = ctl->used;
  if (w.ok()) w = copyout(umsg + offsetof(UserMsgHdr, controllen), &ctlused, 8);
  const bool cloexec = flags & kMsgCmsgCloExec;
  for (unsigned i = 0; i < got; i++) {
    if (w.ok())
      fd_affix(t, fds[i], a->files[i], cloexec);
    else
      fd_abort(t, fds[i]);
  }
  TRY(w);
  return n;
}

// A name as sockaddr_un (Linux's unix_getname: sun_family and the bytes
// bound, so 2 for an unnamed socket), through Linux's move_addr_to_user.
Result<void> put_name(const UnixAddr& a, uptr addr, uptr ulen) {
  i32 len;
  TRY(copyin(&len, ulen, sizeof len));
  if (len < 0) return Error::Inval;
  u8 buf[kSunPathOff + sizeof a.path];
  const u16 family = kAfUnix;
  memcpy(buf, &family, sizeof family);
  memcpy(buf + kSunPathOff, a.path, a.len);
  const u32 klen = kSunPathOff + a.len;
  const u32 give = min(u32(len), klen);
  if (give) TRY(copyout(addr, buf, give));
  const i32 out = i32(klen);
  return copyout(ulen, &out, sizeof out);
}

// A sockaddr_un from user space: Linux's move_addr_to_kernel (EINVAL for
// a length out of range, EFAULT) and unix_validate_addr (EINVAL for a
// length not past sun_family or past sockaddr_un, or another family).
// `autobind`: bind's bare sun_family (2 bytes) is an empty name.
Result<UnixAddr> get_name(uptr addr, i64 len, bool autobind) {
  if (len < 0 || len > kSockaddrStorage) return Error::Inval;
  u8 buf[kSockaddrStorage];
  if (len > 0) TRY(copyin(buf, addr, size_t(len)));
  u16 family = 0;
  if (len >= 2) memcpy(&family, buf, 2);
  UnixAddr a;
  if (autobind && len == kSunPathOff && family == kAfUnix) return a;
  if (len <= kSunPathOff || len > kSockaddrUn || family != kAfUnix) return Error::Inval;
  a.len = u32(len) - kSunPathOff;
  memcpy(a.path, buf + kSunPathOff, a.len);
  // A path name ends at its NUL (Linux's unix_mkname_bsd); an abstract
  // one is every byte given.
  if (a.path[0] != 0) a.len = u32(strnlen(a.path, a.len));
  return a;
}

// Linux's socket type and flag checks shared by socket and socketpair.
Result<int> check_type(int domain, int type, int protocol, int* flags) {
  *flags = type & ~kSockTypeMask;
  if (*flags & ~(kSockCloExec | kSockNonBlock)) return Error::Inval;
  type &= kSockTypeMask;
  if (domain != kAfUnix) return Error::AfNoSupport;
  if (protocol != 0 && protocol != kAfUnix) return Error::ProtoNoSupport;
  if (type == kSockRaw) type = kSockDgram;  // as Linux's unix_create
  if (type != kSockStream && type != kSockDgram && type != kSockSeqPacket)
    return Error::SockTNoSupport;
  return type;
}

Result<void> sys_socketpair(int domain, int type, int protocol, uptr usv) {
  int flags = 0;
  if (domain == kAfInet || domain == kAfInet6) {
    // Those families exist on Linux but cannot make pairs.
    if ((type & ~kSockTypeMask) & ~(kSockCloExec | kSockNonBlock)) return Error::Inval;
    return Error::OpNotSupp;
  }
  type = TRY(check_type(domain, type, protocol, &flags));
  Proc* p = curproc();
  const Cred* cr = proc_own_cred(p);
  // SO_PEERCRED reports the effective ids (Linux's cred_to_ucred).
  const UnixCred cred{p->p_pid.value, cr->euid.value, cr->egid};
  FileTable* t = curfd();
  int fds[2];
  fds[0] = TRY(fd_alloc(t));
  Result<int> second = fd_alloc(t);
  if (!second.ok()) {
    fd_abort(t, fds[0]);
    return second.error();
  }
  fds[1] = second.value();
  Result<UnixPair> pair = unix_socketpair(type, flags, cred);
  if (!pair.ok()) {
    fd_abort(t, fds[0]);
    fd_abort(t, fds[1]);
    return pair.error();
  }
  Result<void> copied = copyout(usv, fds, sizeof fds);
  const bool cloexec = flags & kSockCloExec;
  if (copied.ok()) {
    fd_affix(t, fds[0], pair.value().a, cloexec);
    fd_affix(t, fds[1], pair.value().b, cloexec);
  } else {
    fd_abort(t, fds[0]);
    fd_abort(t, fds[1]);
  }
  file_release(pair.value().a);
  file_release(pair.value().b);
  return copied;
}

Result<int> sys_socket(int domain, int type, int protocol) {
  int flags = 0;
  type = TRY(check_type(domain, type, protocol, &flags));
  File* f = TRY(unix_socket(type, flags));
  Result<int> fd = fd_install(curfd(), f, flags & kSockCloExec);
  file_release(f);
  return fd;
}

// Linux looks the socket up before it reads the msghdr (EBADF first).
Result<void> check_sock(int fd) {
  file_release(TRY(sock_get(fd)));
  return ok();
}

Result<size_t> sys_recvmsg(int fd, uptr umsg, int flags) {
  TRY(check_sock(fd));
  UserMsgHdr h;
  TRY(copyin(&h, umsg, sizeof h));
  if (h.name && h.namelen < 0) return Error::Inval;
  Iovs iov;
  TRY(import_iov(iov, h.iov, h.iovlen));
  return do_recv(fd, iov, flags, &h, umsg);
}

Result<size_t> sys_sendmsg(int fd, uptr umsg, int flags) {
  TRY(check_sock(fd));
  UserMsgHdr h;
  TRY(copyin(&h, umsg, sizeof h));
  Iovs iov;
  TRY(import_iov(iov, h.iov, h.iovlen));
  return do_send(fd, iov, h.control, h.control ? h.controllen : 0, h.name,
                 h.name ? h.namelen : 0, flags);
}

Result<size_t> sys_recvfrom(int fd, uptr buf, u64 len, int flags, uptr addr, uptr ulen) {
  Iovs iov;
  single_iov(iov, buf, len);
  const size_t n = TRY(do_recv(fd, iov, flags, nullptr, 0));
  if (addr && ulen) {
    // The sender is unnamed: Linux's move_addr_to_user of 0 bytes.
    i32 have;
    TRY(copyin(&have, ulen, sizeof have));
    if (have < 0) return Error::Inval;
    const i32 zero = 0;
    TRY(copyout(ulen, &zero, sizeof zero));
  }
  return n;
}

Result<void> sys_getsockopt(int fd, int level, int opt, uptr val, uptr ulen) {
  SockRef s(TRY(sock_get(fd)));
  if (level != kSolSocket) return Error::OpNotSupp;
  i32 len;
  TRY(copyin(&len, ulen, sizeof len));
  if (len < 0) return Error::Inval;
  u8 buf[16];
  u32 n = min(u32(len), u32(sizeof buf));
  TRY(unix_getsockopt(*s, opt, buf, &n));
  if (n) TRY(copyout(val, buf, n));
  const i32 out = i32(n);
  return copyout(ulen, &out, sizeof out);
}

Result<void> sys_setsockopt(int fd, int level, int opt, uptr val, i64 len) {
  SockRef s(TRY(sock_get(fd)));
  if (len < 0) return Error::Inval;
  if (level != kSolSocket) return Error::OpNotSupp;
  u8 buf[16] = {};
  const u32 n = u32(min(len, i64(sizeof buf)));
  if (n >= sizeof(int)) TRY(copyin(buf, val, n));  // shorter: EINVAL first
  return unix_setsockopt(*s, opt, buf, n);
}

}  // namespace

i64 linux_sys_socket(const SyscallArgs& a) {
  return syscall_result(sys_socket(int(a.a[0]), int(a.a[1]), int(a.a[2])));
}

i64 linux_sys_socketpair(const SyscallArgs& a) {
  return syscall_result(sys_socketpair(int(a.a[0]), int(a.a[1]), int(a.a[2]), a.a[3]));
}

i64 linux_sys_sendto(const SyscallArgs& a) {
  Iovs iov;
  single_iov(iov, a.a[1], a.a[2]);
  const uptr addr = a.a[4];
  return syscall_result(do_send(int(a.a[0]), iov, 0, 0, addr, addr ? i64(i32(a.a[5])) : 0,
                                int(a.a[3])));
}

i64 linux_sys_recvfrom(const SyscallArgs& a) {
  return syscall_result(sys_recvfrom(int(a.a[0]), a.a[1], a.a[2], int(a.a[3]), a.a[4], a.a[5]));
}

i64 linux_sys_sendmsg(const SyscallArgs& a) {
  return syscall_result(sys_sendmsg(int(a.a[0]), a.a[1], int(a.a[2])));
}

i64 linux_sys_recvmsg(const SyscallArgs& a) {
  return syscall_result(sys_recvmsg(int(a.a[0]), a.a[1], int(a.a[2])));
}

i64 linux_sys_shutdown(const SyscallArgs& a) {
  Result<File*> f = sock_get(int(a.a[0]));
  if (!f.ok()) return errno_of(f.error());
  Result<void> r = unix_shutdown(*f.value(), int(a.a[1]));
  file_release(f.value());
  return syscall_result(r);
}

i64 linux_sys_getsockopt(const SyscallArgs& a) {
  return syscall_result(sys_getsockopt(int(a.a[0]), int(a.a[1]), int(a.a[2]), a.a[3], a.a[4]));
}

i64 linux_sys_setsockopt(const SyscallArgs& a) {
  return syscall_result(
      sys_setsockopt(int(a.a[0]), int(a.a[1]), int(a.a[2]), a.a[3], i64(i32(a.a[4]))));
}

i64 linux_sys_getsockname(const SyscallArgs& a) {
  Result<File*> f = sock_get(int(a.a[0]));
  if (!f.ok()) return errno_of(f.error());
  const UnixAddr name = unix_name(*f.value(), false);
  file_release(f.value());
  return syscall_result(put_name(name, a.a[1], a.a[2]));
}

i64 linux_sys_getpeername(const SyscallArgs& a) {
  Result<File*> f = sock_get(int(a.a[0]));
  if (!f.ok()) return errno_of(f.error());
  const bool connected = unix_connected(*f.value());
  const UnixAddr name = unix_name(*f.value(), true);
  file_release(f.value());
  if (!connected) return errno_of(Error::NotConn);
  return syscall_result(put_name(name, a.a[1], a.a[2]));
}

i64 linux_sys_bind(const SyscallArgs& a) {
  Result<File*> f = sock_get(int(a.a[0]));
  if (!f.ok()) return errno_of(f.error());
  Result<UnixAddr> name = get_name(a.a[1], i64(i32(a.a[2])), true);
  Result<void> r = name.ok() ? unix_bind(*f.value(), name.value()) : Result<void>(name.error());
  file_release(f.value());
  return syscall_result(r);
}

i64 linux_sys_listen(const SyscallArgs& a) {
  Result<File*> f = sock_get(int(a.a[0]));
  if (!f.ok()) return errno_of(f.error());
  Result<void> r = unix_listen(*f.value(), int(a.a[1]));
  file_release(f.value());
  return syscall_result(r);
}

i64 linux_sys_connect(const SyscallArgs& a) {
  Result<File*> f = sock_get(int(a.a[0]));
  if (!f.ok()) return errno_of(f.error());
  Result<UnixAddr> name = get_name(a.a[1], i64(i32(a.a[2])), false);
  Result<void> r = name.ok() ? unix_connect(*f.value(), name.value()) : Result<void>(name.error());
  file_release(f.value());
  return syscall_result(r);
}

namespace {
// accept4(fd, addr, addrlen, flags): as Linux's do_accept, the number is
// taken before a connection is, and the peer's name written after.
Result<int> sys_accept4(int fd, uptr addr, uptr ulen, int flags) {
  if (flags & ~(kSockCloExec | kSockNonBlock)) return Error::Inval;
  SockRef s(TRY(sock_get(fd)));
  FileTable* t = curfd();
  const int nfd = TRY(fd_alloc(t));
  Result<File*> got = unix_accept(*s, flags);
  if (!got.ok()) {
    fd_abort(t, nfd);
    return got.error();
  }
  File* conn = got.value();
  Result<void> w = ok();
  if (addr) w = put_name(unix_name(*conn, true), addr, ulen);
  if (w.ok())
    fd_affix(t, nfd, conn, flags & kSockCloExec);
  else
    fd_abort(t, nfd);
  file_release(conn);
  TRY(w);
  return nfd;
}
}  // namespace

i64 linux_sys_accept(const SyscallArgs& a) {
  return syscall_result(sys_accept4(int(a.a[0]), a.a[1], a.a[2], 0));
}

i64 linux_sys_accept4(const SyscallArgs& a) {
  return syscall_result(sys_accept4(int(a.a[0]), a.a[1], a.a[2], int(a.a[3])));
}

}  // namespace tine
