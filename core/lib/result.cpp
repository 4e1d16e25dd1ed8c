#include "core/lib/result.h"

namespace tine {

const char* error_name(Error e) {
  switch (e) {
    case Error::Perm: return "EPERM";
    case Error::NoEnt: return "ENOENT";
    case Error::Srch: return "ESRCH";
    case Error::Intr: return "EINTR";
    case Error::Io: return "EIO";
    case Error::NxIo: return "ENXIO";
    case Error::TooBig: return "E2BIG";
    case Error::NoExec: return "ENOEXEC";
    case Error::BadF: return "EBADF";
    case Error::Child: return "ECHILD";
    case Error::Again: return "EAGAIN";
    case Error::NoMem: return "ENOMEM";
    case Error::Access: return "EACCES";
    case Error::Fault: return "EFAULT";
    case Error::Busy: return "EBUSY";
    case Error::Exist: return "EEXIST";
    case Error::XDev: return "EXDEV";
    case Error::NoDev: return "ENODEV";
    case Error::NotDir: return "ENOTDIR";
    case Error::IsDir: return "EISDIR";
    case Error::Inval: return "EINVAL";
    case Error::MFile: return "EMFILE";
    case Error::NotTty: return "ENOTTY";
    case Error::FBig: return "EFBIG";
    case Error::NoSpc: return "ENOSPC";
    case Error::SPipe: return "ESPIPE";
    case Error::RoFs: return "EROFS";
    case Error::MLink: return "EMLINK";
    case Error::Pipe: return "EPIPE";
    case Error::Range: return "ERANGE";
    case Error::Deadlk: return "EDEADLK";
    case Error::NameTooLong: return "ENAMETOOLONG";
    case Error::NoLck: return "ENOLCK";
    case Error::NoSys: return "ENOSYS";
    case Error::NotEmpty: return "ENOTEMPTY";
    case Error::Loop: return "ELOOP";
    case Error::Overflow: return "EOVERFLOW";
    case Error::NFile: return "ENFILE";
    case Error::Dom: return "EDOM";
    case Error::NotSock: return "ENOTSOCK";
    case Error::MsgSize: return "EMSGSIZE";
    case Error::ProtoType: return "EPROTOTYPE";
    case Error::AddrInUse: return "EADDRINUSE";
    case Error::NoProtoOpt: return "ENOPROTOOPT";
    case Error::ProtoNoSupport: return "EPROTONOSUPPORT";
    case Error::SockTNoSupport: return "ESOCKTNOSUPPORT";
    case Error::OpNotSupp: return "EOPNOTSUPP";
    case Error::AfNoSupport: return "EAFNOSUPPORT";
    case Error::ConnReset: return "ECONNRESET";
    case Error::NoBufs: return "ENOBUFS";
    case Error::IsConn: return "EISCONN";
    case Error::NotConn: return "ENOTCONN";
    case Error::ConnRefused: return "ECONNREFUSED";
    case Error::TimedOut: return "ETIMEDOUT";
    case Error::RestartNoHand: return "ERESTARTNOHAND";
    case Error::RestartBlock: return "ERESTART_RESTARTBLOCK";
  }
  return "E?";
}

}  // namespace tine
