// A pipe made by pipe2 seen as a node, as Linux's pipefs inode: what a
// walk through /proc/<pid>/fd/N reaches for a pipe end, so that stat
// reports the pipe and open makes a new end of it (core/fs/file_pipe.h,
// pipe_open). The vnode belongs to no mount and no directory; it holds
// the Pipe (not the end it was found through, whose closing must still
// count), and is freed with its last reference.
#pragma once

#include "core/fs/file.h"
#include "core/vfs/vnode.h"

namespace tine {

// A vnode for the pipe behind f (an end of a pipe: file_pipe(f) != null).
// Held. NoMem.
Result<Vnode*> pipe_vnode(File& f);

}  // namespace tine
