// POSIX record locks (fcntl F_GETLK, F_SETLK, F_SETLKW), as Linux's
// fs/locks.c posix_* and NetBSD's vfs_lockf.c: byte ranges of a file,
// read (shared) or write (exclusive). The owner is the file table, as
// Linux's fl_owner (current->files): a forked child has locks of its own,
// CLONE_FILES shares them; a lock is reported with the pid that set it.
// An owner's locks on a file go when it closes any descriptor of that
// file (fd_close, dup3 onto it, exec's close-on-exec, the table's end at
// exit), as POSIX says and Linux does.
//
// One list for the system under one mutex, with one condition variable
// for F_SETLKW waiters: a small system holds few locks. A file is named
// by `key`: its vnode, or the backend's data for a File without one (a
// pipe), so that any File can be locked, as on Linux.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// l_type values (asm-generic).
inline constexpr i16 kFRdLck = 0, kFWrLck = 1, kFUnLck = 2;
// An end that follows the file (Linux's OFFSET_MAX).
inline constexpr u64 kLockToEof = 0x7fffffffffffffff;

struct LockRange {
  i16 type;   // kFRdLck, kFWrLck (kFUnLck to unlock)
  u64 start;  // first byte
  u64 end;    // last byte, inclusive; kLockToEof for "to the end, and on"
  i32 pid;    // who set it (reported by F_GETLK)
};

// F_GETLK: the first lock of another owner that conflicts with *want
// replaces it; with none, want->type becomes kFUnLck.
void lockf_test(const void* key, const void* owner, LockRange* want);

// F_SETLK (wait false) / F_SETLKW: sets or (kFUnLck) clears want for owner,
// replacing, splitting and merging the owner's own locks as Linux does.
// A conflict is Again, or with wait a sleep a signal ends (Intr), or
// Deadlk when the owner in the way waits, directly or through others, for
// this one. NoLck when no memory is left for a lock.
Result<void> lockf_set(const void* key, const void* owner, const LockRange& want, bool wait);

// The owner closed a descriptor of the file: all its locks there go.
void lockf_release(const void* key, const void* owner);

// What names f's file: its vnode, else the backend's object (a pipe).
inline const void* lockf_key(const File& f) {
  return f.vnode ? static_cast<const void*>(f.vnode) : f.data;
}

}  // namespace tine
