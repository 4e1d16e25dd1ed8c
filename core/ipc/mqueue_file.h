// A message queue descriptor: an ordinary File (Linux's mqueue files), so
// close, dup, fork, O_CLOEXEC, poll, select and epoll treat it as any
// other. Reading it shows the queue's status line (mqueue.h); writing is
// Inval, as a file without a write method on Linux; fstat shows a regular
// file with the queue's mode, owner and Linux's size of 80 (FILENT_SIZE).
// Any close of a descriptor by the process registered for notification
// drops the registration (Linux's mqueue_flush_file).
#pragma once

#include "core/fs/file.h"
#include "core/ipc/mqueue.h"

namespace tine {

// A File on q with the access mode and O_NONBLOCK of oflag; it takes the
// caller's reference to q, also on failure (NoMem).
Result<File*> mqueue_file_create(MQueue* q, int oflag);

// The queue behind f, or null when f is no message queue (EBADF).
MQueue* mqueue_of_file(File& f);

}  // namespace tine
