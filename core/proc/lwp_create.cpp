// lwp_create_user: a new LWP in the calling process (lwp_user.h).
#include "core/proc/lwp_user.h"

#include "core/fs/filedesc.h"
#include "core/proc/emul.h"
#include "core/proc/syscall.h"
#include "core/sched/sched.h"
#include "core/vm/vm.h"
#include "hal/user.h"

namespace tine {

u32 maxlwp = 4096;

namespace {
// LWPs beyond each process's first, against maxlwp.
u32 g_extra_lwps = 0;

// A new LWP's first instructions, on its own kernel stack (as fork's
// child_return, in the process's own space).
void child_return_thread(void* arg) {
  Lwp* l2 = static_cast<Lwp*>(arg);
  Proc* p = l2->proc;
  hal::IrqState s = hal::irq_save();
  vmspace_activate(p->p_vmspace);
  hal::fp_restore(l2->fp);
  hal::irq_restore(s);
  if (p->p_emul && p->p_emul->lwp_child_return) p->p_emul->lwp_child_return(l2);
  userret();
  hal::user_enter(hal::user_frame_of(l2->stack));
}
}  // namespace

namespace {
// l1's descriptor table and cwdinfo for a new LWP, shared (held) or
// copied, as `share` says (fork1's acquire does the same for a process).
Result<void> lwp_files(Lwp* l1, int share, FileTable*& fd, CwdInfo*& cwdi) {
  if (share & LWP_SHAREFILES) {
    filetable_hold(l1->l_fd);
    fd = l1->l_fd;
  } else {
    fd = TRY(filetable_copy(l1->l_fd));
  }
  if (share & LWP_SHARECWD) {
    cwdi = cwdshare(l1->l_cwdi);
    return ok();
  }
  Result<CwdInfo*> c = cwdinit(l1->l_cwdi);
  if (!c.ok()) {
    filetable_release(fd);
    return c.error();
  }
  cwdi = c.value();
  return ok();
}
}  // namespace

Result<Lwp*> lwp_create_user(Lwp* l1, uptr stack, uptr tls, int share) {
  Proc* p = l1->proc;
  if (__atomic_add_fetch(&g_extra_lwps, 1u, __ATOMIC_RELAXED) > maxlwp) {
    __atomic_sub_fetch(&g_extra_lwps, 1u, __ATOMIC_RELAXED);
    return Error::Again;
  }
  LwpOptions o;
  o.name = "user";
  o.priority = kPriUser;
  Result<Lwp*> got = lwp_alloc(o);  // detached: freed when it exits
  if (!got.ok()) {
    __atomic_sub_fetch(&g_extra_lwps, 1u, __ATOMIC_RELAXED);
    return got.error();
  }
  Lwp* l2 = got.value();
  if (Result<void> f = lwp_files(l1, share, l2->l_fd, l2->l_cwdi); !f.ok()) {
    lwp_free(l2);
    __atomic_sub_fetch(&g_extra_lwps, 1u, __ATOMIC_RELAXED);
    return f.error();
  }
  Result<Pid> tid = Error::Again;
  {
    MutexGuard g(proc_lock);
    tid = proc_alloc_pid(nullptr);
  }
  if (!tid.ok()) {
    lwp_release_files(l2);
    lwp_free(l2);
    __atomic_sub_fetch(&g_extra_lwps, 1u, __ATOMIC_RELAXED);
    return tid.error();
  }
  l2->l_lid = tid.value().value;
  l2->proc = p;
  sched_lwp_fork(l2, l1);  // its class and priority (NetBSD's lwp_create)
  l2->l_private = tls;
  hal::user_frame_fork(hal::user_frame_of(l2->stack), hal::user_frame_of(l1->stack), stack,
                       true, tls);
  // The caller's FP registers, saved into its own copy first (fork1 says
  // why not straight into l2's).
  hal::fp_save(l1->fp);
  l2->fp = l1->fp;
  l2->entry = child_return_thread;
  l2->arg = l2;
  hal::context_init(l2->ctx, reinterpret_cast<uptr>(hal::user_frame_of(l2->stack)),
                    sched_thread_start, l2);
  {
    MutexGuard g(p->p_lock());
    l2->l_sigmask = l1->l_sigmask;
    // No new LWP while one makes itself the only one: it would be missed.
    if (!p->p_single) {
      p->p_lwps.push_back(l2);
      p->p_nlwps++;
      return l2;
    }
  }
  {
    MutexGuard g(proc_lock);
    proc_free_pid(tid.value());
  }
  lwp_release_files(l2);
  lwp_free(l2);
  __atomic_sub_fetch(&g_extra_lwps, 1u, __ATOMIC_RELAXED);
  return Error::Intr;
}

Result<void> lwp_unshare_files(Lwp* l, int which) {
  FileTable* fd = nullptr;
  CwdInfo* cwdi = nullptr;
  if ((which & LWP_SHAREFILES) && l->l_fd->refs.count() > 1) fd = TRY(filetable_copy(l->l_fd));
  if ((which & LWP_SHARECWD) && l->l_cwdi->refs.count() > 1) {
    Result<CwdInfo*> c = cwdinit(l->l_cwdi);
    if (!c.ok()) {
      if (fd) filetable_release(fd);
      return c.error();
    }
    cwdi = c.value();
  }
  {
    // Under proc_lock, as exec and exit change them (procfs reads p_lwp's).
    MutexGuard g(proc_lock);
    if (fd) {
      FileTable* old = l->l_fd;
      l->l_fd = fd;
      fd = old;
    }
    if (cwdi) {
      CwdInfo* old = l->l_cwdi;
      l->l_cwdi = cwdi;
      cwdi = old;
    }
  }
  // Shared, so not the last reference: nothing closes here.
  if (fd) filetable_release(fd);
  if (cwdi) cwd_release(cwdi);
  return ok();
}

void lwp_extra_gone() { __atomic_sub_fetch(&g_extra_lwps, 1u, __ATOMIC_RELAXED); }

}  // namespace tine
