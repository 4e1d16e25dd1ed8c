// System V shared memory (Linux 6.12's ipc/shm.c; NetBSD's sysv_shm.c has
// the same shape). A segment's pages live in a shared VmAnon, the object
// MAP_SHARED|MAP_ANONYMOUS memory uses; an attachment is a shared map
// entry onto the segment as a VmObject (vm_object.h), so fork shares it
// (the child's entry holds the object again), exec and exit drop it with
// the rest of the space, and mprotect or munmap may split it.
//
// shm_nattch counts the map entries that hold the segment, as Linux counts
// VMAs (shm_open, shm_close): the pager's hold and release keep it, and
// set the attach or detach time and the last pid as Linux's do. IPC_RMID
// of a segment still attached marks it SHM_DEST and makes its key private;
// the last detach then destroys it.
//
// Ids are Linux's: (sequence << 15) | index, the index cyclic in
// [0, 32768), the sequence counting its wraps, so a removed id is not
// found again soon.
//
// Locking: one sleeping mutex, ranked above the VmSpace lock, guards every
// segment: the pager's hold and release take it under the VmSpace lock, so
// it is never held across a call into the VM.
#pragma once

#include "core/ipc/ipc_perm.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

class VmSpace;

// Linux's defaults (uapi/linux/shm.h).
inline constexpr u64 kShmMin = 1;
inline constexpr u64 kShmMax = ~u64(0) - (u64(1) << 24);
inline constexpr u64 kShmAll = ~u64(0) - (u64(1) << 24);  // pages
inline constexpr u32 kShmMni = 4096;
inline constexpr u32 kIpcMni = 32768;  // the most shmmni may be set to

// The limits in force: /proc/sys/kernel/shmmax, shmall (any u64) and
// shmmni (0 .. kIpcMni, else Error::Inval), as Linux's shm_ctlmax,
// shm_ctlall and shm_ctlmni. A new limit applies to later shmget calls.
struct ShmLimits {
  u64 shmmax = kShmMax, shmall = kShmAll;
  u32 shmmni = kShmMni;
};
ShmLimits shm_limits();
void shm_set_max(u64 v);
void shm_set_all(u64 v);
Result<void> shm_set_mni(i64 v);
// Mode flags above the rwx bits.
inline constexpr u32 kShmDest = 01000, kShmLocked = 02000;
// shmat's flags.
inline constexpr u32 kShmRdonly = 010000, kShmRnd = 020000, kShmRemap = 040000,
                     kShmExec = 0100000;

// What IPC_STAT tells (Linux's shmid64_ds).
struct ShmStat {
  IpcPerm perm;
  u64 segsz = 0;
  i64 atime = 0, dtime = 0, ctime = 0;
  i32 cpid = 0, lpid = 0;
  u64 nattch = 0;
};

// SHM_INFO's totals, and the highest index in use (-1: none).
struct ShmTotals {
  u32 used_ids = 0;
  u64 tot_pages = 0, rss_pages = 0;
  int max_index = -1;
};

// shmget: the id of key's segment, or a new one (IPC_PRIVATE always new;
// else with kIpcCreat). flags: kIpcCreat, kIpcExcl, mode bits. Errors as
// Linux's: NoEnt (no such key, no IPC_CREAT), Exist (IPC_CREAT|IPC_EXCL and
// it exists), Inval (size outside [kShmMin, kShmMax], or larger than the
// existing segment), Access (mode bits asked and not granted), NoSpc
// (kShmMni segments, kShmAll pages), NoMem.
Result<int> shm_get(i32 key, u64 size, u32 flags);

// shmat: maps segment id at addr (0: where the placement policy puts it;
// else page-aligned, or rounded down with kShmRnd; a range already mapped
// is Inval unless kShmRemap). Returns the address. Errors: Inval (bad id,
// address, flags), Access, NoMem, Perm (below kVmMinAddr).
Result<uptr> shm_attach(VmSpace* vs, int id, uptr addr, u32 flags);

// shmdt: unmaps the attachment at addr (and its fragments). Inval when
// no segment's attachment starts there.
Result<void> shm_detach(VmSpace* vs, uptr addr);

// IPC_STAT (by id), SHM_STAT and SHM_STAT_ANY (by index; returns the
// id). check_read: the caller needs read permission (Access). Errors:
// Inval (no such id or index).
Result<int> shm_stat(int id_or_index, bool by_index, bool check_read, ShmStat* out);

// IPC_SET: new owner uid and gid and rwx bits; IPC_RMID. Only the owner,
// creator or root (Perm). Errors: Inval (no such id).
Result<void> shm_set(int id, u32 uid, u32 gid, u32 mode);
Result<void> shm_remove(int id);

// SHM_LOCK / SHM_UNLOCK: only the flag (Tine never swaps). Owner, creator
// or root (Perm); Inval (no such id).
Result<void> shm_lock(int id, bool lock);

ShmTotals shm_totals();

}  // namespace tine
