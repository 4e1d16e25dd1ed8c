#include "core/vfs/pipe_vnode.h"

#include "core/fs/file_pipe.h"

namespace tine {

namespace {

Pipe* pipe_of(Vnode& vp) { return static_cast<Pipe*>(vp.data); }

void pv_getattr(Vnode& vp, VAttr& va) {
  FileStat st;
  pipe_stat_of(*pipe_of(vp), st);
  va.mode = st.mode & 07777;
  va.nlink = st.nlink;
  va.size = st.size;
  va.ino = st.ino;
  va.dev = st.dev;
  va.blksize = u32(st.blksize);
}

Result<File*> pv_open(Vnode& vp, int flags) { return pipe_open(pipe_of(vp), flags); }

void pv_reclaim(Vnode& vp) { fifo_release(pipe_of(vp)); }

const VnodeOps kPipeVnodeOps = {
    .getattr = pv_getattr,
    .open = pv_open,
    .reclaim = pv_reclaim,
};

}  // namespace

Result<Vnode*> pipe_vnode(File& f) {
  Pipe* p = file_pipe(f);
  if (!p) return Error::Inval;
  FileStat st;
  pipe_stat_of(*p, st);
  fifo_hold(p);  // the vnode's, dropped by pv_reclaim
  Result<Vnode*> vp = vnode_alloc(nullptr, &kPipeVnodeOps, VType::Fifo, st.ino,
                                  VCreate{.mode = st.mode & 07777}, p);
  if (!vp.ok()) fifo_release(p);
  return vp;
}

}  // namespace tine
