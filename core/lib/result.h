// Result<T>: the return type of every fallible kernel path (see STYLE.md).
// Errors become errno values only at the syscall boundary.
#pragma once

#include "core/lib/types.h"

namespace tine {

// Values match Linux errno numbers so the syscall layer negates them directly.
enum class Error : int {
  Perm = 1,         // EPERM
  NoEnt = 2,        // ENOENT
  Srch = 3,         // ESRCH
  Intr = 4,         // EINTR
  Io = 5,           // EIO
  NxIo = 6,         // ENXIO
  TooBig = 7,       // E2BIG
  NoExec = 8,       // ENOEXEC
  BadF = 9,         // EBADF
  Child = 10,       // ECHILD
  Again = 11,       // EAGAIN
  NoMem = 12,       // ENOMEM
  Access = 13,      // EACCES
  Fault = 14,       // EFAULT
  Busy = 16,        // EBUSY
  Exist = 17,       // EEXIST
  XDev = 18,        // EXDEV
  NoDev = 19,       // ENODEV
  NotDir = 20,      // ENOTDIR
  IsDir = 21,       // EISDIR
  Inval = 22,       // EINVAL
  NFile = 23,       // ENFILE
  MFile = 24,       // EMFILE
  NotTty = 25,      // ENOTTY
  FBig = 27,        // EFBIG
  NoSpc = 28,       // ENOSPC
  SPipe = 29,       // ESPIPE
  RoFs = 30,        // EROFS
  MLink = 31,       // EMLINK
  Pipe = 32,        // EPIPE
  Dom = 33,         // EDOM
  Range = 34,       // ERANGE
  Deadlk = 35,      // EDEADLK
  NameTooLong = 36, // ENAMETOOLONG
  NoLck = 37,       // ENOLCK
  NoSys = 38,       // ENOSYS
  NotEmpty = 39,    // ENOTEMPTY
  Loop = 40,        // ELOOP
  Overflow = 75,    // EOVERFLOW
  NotSock = 88,     // ENOTSOCK
  MsgSize = 90,     // EMSGSIZE
  ProtoType = 91,   // EPROTOTYPE
  NoProtoOpt = 92,  // ENOPROTOOPT
  ProtoNoSupport = 93,  // EPROTONOSUPPORT
  SockTNoSupport = 94,  // ESOCKTNOSUPPORT
  OpNotSupp = 95,   // EOPNOTSUPP
  AfNoSupport = 97, // EAFNOSUPPORT
  AddrInUse = 98,   // EADDRINUSE
  ConnReset = 104,  // ECONNRESET
  NoBufs = 105,     // ENOBUFS
  IsConn = 106,     // EISCONN
  NotConn = 107,    // ENOTCONN
  ConnRefused = 111,  // ECONNREFUSED
  TimedOut = 110,   // ETIMEDOUT
  // Kernel-internal, never seen by a program (core/proc/syscall.cpp turns
  // it into EINTR or a restart, as Linux's ERESTARTNOHAND): interrupted,
  // EINTR if a handler runs, restarted otherwise. Plain Intr from a
  // syscall means Linux's ERESTARTSYS: restarted also under SA_RESTART.
  RestartNoHand = 514,
  // Linux's ERESTART_RESTARTBLOCK: EINTR if a handler runs; otherwise the
  // LWP's restart block (Lwp::l_restart_fn) finishes the call through the
  // restart_syscall syscall (a relative sleep goes on to its first deadline).
  RestartBlock = 516,
};

const char* error_name(Error e);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(static_cast<T&&>(value)), ok_(true) {}
  Result(Error e) : error_(e), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  Error error() const { return error_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T release_value() { return static_cast<T&&>(value_); }

 private:
  T value_{};
  Error error_{};
  bool ok_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : ok_(true) {}
  Result(Error e) : error_(e), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  Error error() const { return error_; }
  void release_value() {}

 private:
  Error error_{};
  bool ok_;
};

inline Result<void> ok() { return {}; }

}  // namespace tine

// Propagate an error to the caller; otherwise yield the value.
#define TRY(expr)                                  \
  ({                                               \
    auto _try_r = (expr);                          \
    if (!_try_r.ok()) return _try_r.error();       \
    _try_r.release_value();                        \
  })

// For results that cannot fail by construction; a failure is a kernel bug.
#define MUST(expr)                                                   \
  ({                                                                 \
    auto _must_r = (expr);                                           \
    KASSERT(_must_r.ok());                                           \
    _must_r.release_value();                                         \
  })
