// System V IPC objects' ownership and permissions (Linux's ipc/util.c:
// ipcperms, ipcctl_obtain_check), shared by the IPC object kinds.
#pragma once

#include "core/lib/types.h"

namespace tine {

struct Cred;

// Linux's kern_ipc_perm, less its locks and links.
struct IpcPerm {
  i32 key = 0;  // 0: IPC_PRIVATE (also every removed object)
  u32 uid = 0, gid = 0, cuid = 0, cgid = 0;
  u32 mode = 0;  // the rwx bits, and the kind's own flags above them
  u16 seq = 0;
};

// IPC_CREAT, IPC_EXCL, IPC_NOWAIT (uapi/linux/ipc.h), and the rwx bits.
inline constexpr u32 kIpcCreat = 01000, kIpcExcl = 02000;
inline constexpr u32 kIpcModeMask = 0777;

// A new object's owner and creator: the caller's effective ids.
void ipc_perm_init(IpcPerm& p, const Cred* c, i32 key, u32 mode);

// Whether c may have the access asked in flag's rwx bits (any of the
// three triplets), as ipcperms: the owner or creator uid gets the first
// triplet, the owner or creator group the second, others the third;
// euid 0 (Linux's CAP_IPC_OWNER) may do anything.
bool ipc_perm_allows(const IpcPerm& p, const Cred* c, u32 flag);

// Whether c may change or remove the object (IPC_SET, IPC_RMID): its owner
// or creator, or euid 0 (CAP_SYS_ADMIN).
bool ipc_perm_owner(const IpcPerm& p, const Cred* c);

}  // namespace tine
