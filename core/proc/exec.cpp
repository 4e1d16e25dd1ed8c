#include "core/proc/exec.h"

#include "core/proc/elf.h"
#include "core/proc/exec_script.h"
#include "core/proc/emul.h"
#include "core/proc/exit.h"
#include "core/proc/itimer.h"
#include "core/proc/lwp_user.h"
#include "core/proc/ptrace.h"
#include "core/proc/vdso.h"
#include "core/proc/vfork.h"
#include "core/fs/filedesc.h"
#include "core/fs/cwd.h"
#include "core/proc/cred.h"
#include "core/vfs/namei.h"
#include "core/vfs/vfs_at.h"
#include "core/vfs/vnode_pager.h"
#include "core/vm/heap.h"
#include "core/lib/random.h"
#include "core/lib/format.h"
#include "core/lib/string.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "core/vm/vm_io.h"
#include "core/vm/vm_usage.h"
#include "hal/user.h"

namespace tine {

namespace {

// Auxiliary vector keys (Linux <linux/auxvec.h>).
enum : u64 {
  AT_NULL = 0, AT_IGNORE = 1, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6,
  AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12,
  AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23,
  AT_RANDOM = 25, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33,
};

// argv and envp strings gathered in the kernel before the old image goes.
struct Args {
  char* buf = nullptr;  // all strings, NUL-separated
  size_t used = 0;
  unsigned argc = 0, envc = 0;
  ~Args() { kfree(buf); }
};

Result<void> add_string(Args& a, const char* s, size_t n) {
  if (a.used + n + 1 > kExecArgMax) return Error::TooBig;
  memcpy(a.buf + a.used, s, n);
  a.buf[a.used + n] = '\0';
  a.used += n + 1;
  return ok();
}

Result<void> gather_user(Args& a, uptr vec, unsigned& count) {
  if (!vec) return ok();
  for (;; count++) {
    uptr p;
    TRY(copyin(&p, vec + count * sizeof(uptr), sizeof p));
    if (!p) return ok();
    if (a.used >= kExecArgMax) return Error::TooBig;
    size_t n = TRY(copyinstr(a.buf + a.used, p, kExecArgMax - a.used));
    a.used += n + 1;
  }
}

// A script's arguments (Linux's load_script): argv[0] goes, and the
// interpreter's name, its optional argument and the script's path come
// first. E2BIG past kExecArgMax, as the strings a caller passes.
Result<void> args_splice_interpreter(Args& a, const char* name, const char* arg,
                                     const char* script) {
  const char* front[3] = {name, arg, script};
  size_t add = 0;
  unsigned count = 0;
  for (const char* s : front)
    if (s) {
      add += strlen(s) + 1;
      count++;
    }
  const size_t drop = a.argc ? strlen(a.buf) + 1 : 0;
  if (a.used - drop + add > kExecArgMax) return Error::TooBig;
  memmove(a.buf + add, a.buf + drop, a.used - drop);
  size_t at = 0;
  for (const char* s : front)
    if (s) {
      const size_t n = strlen(s) + 1;
      memcpy(a.buf + at, s, n);
      at += n;
    }
  a.used = a.used - drop + add;
  a.argc = a.argc - (drop ? 1 : 0) + count;
  return ok();
}

// Builds the initial stack image in `img` (the top `size` bytes of the
// stack, ending at kUserStackTop) and returns the user sp; `info` learns
// where the argument strings went (/proc/<pid>/cmdline reads them there).
Result<uptr> build_stack(const Args& a, const char* execfn, const elf::Image& im,
                         const Cred* cred, uptr vdso, u8* img, size_t size,
                         VmExecInfo& info) {
  uptr top = kUserStackTop;
  size_t off = size;  // grows down inside img
  auto push_bytes = [&](const void* src, size_t n) -> uptr {
    off -= n;
    memcpy(img + off, src, n);
    return top - (size - off);
  };
  // AT_RANDOM: glibc takes its stack and pointer guards from these 16 bytes,
  // so they come from the kernel's CSPRNG, fresh for every image.
  u8 rnd[16];
  random_bytes(rnd, sizeof rnd);
  const uptr at_random = push_bytes(rnd, sizeof rnd);
  const uptr at_execfn = push_bytes(execfn, strlen(execfn) + 1);
  const uptr strings = push_bytes(a.buf, a.used);
  size_t argv_bytes = 0;
  for (unsigned k = 0; k < a.argc; k++) argv_bytes += strlen(a.buf + argv_bytes) + 1;
  info.arg_start = strings;
  info.arg_end = info.env_start = strings + argv_bytes;
  info.env_end = strings + a.used;
  // Pointer area: argc, argv[], NULL, envp[], NULL, auxv pairs.
  const u64 aux[][2] = {
      {AT_PHDR, im.phdr_vaddr}, {AT_PHENT, im.phentsize}, {AT_PHNUM, im.phnum},
      {AT_PAGESZ, kPageSize}, {AT_BASE, 0}, {AT_FLAGS, 0}, {AT_ENTRY, im.entry},
      {AT_UID, cred->uid.value}, {AT_EUID, cred->euid.value}, {AT_GID, cred->gid},
      {AT_EGID, cred->egid}, {AT_HWCAP, hal::user_hwcap()}, {AT_CLKTCK, 100},
      {AT_SECURE, 0}, {AT_RANDOM, at_random}, {AT_EXECFN, at_execfn},
      // The vDSO (core/proc/vdso.h); none on a machine without one.
      {vdso ? AT_SYSINFO_EHDR : AT_IGNORE, vdso}, {AT_NULL, 0}};
  const size_t words = 1 + a.argc + 1 + a.envc + 1 + 2 * (sizeof aux / sizeof aux[0]);
  size_t ptr_off = (off - words * 8) & ~size_t(15);  // sp 16-byte aligned
  if (ptr_off > off) return Error::TooBig;
  // img is not zeroed: the alignment padding above the pointers must be.
  memset(img + ptr_off + words * 8, 0, off - (ptr_off + words * 8));
  u64* w = reinterpret_cast<u64*>(img + ptr_off);
  size_t i = 0;
  w[i++] = a.argc;
  uptr s = strings;
  for (unsigned k = 0; k < a.argc + a.envc; k++) {
    if (k == a.argc) w[i++] = 0;
    w[i++] = s;
    s += strlen(a.buf + (s - strings)) + 1;
  }
  if (a.argc + a.envc == a.argc) w[i++] = 0;  // no envp: argv's NULL
  w[i++] = 0;
  for (auto& pair : aux) {
    w[i++] = pair[0];
    w[i++] = pair[1];
  }
  info.start_stack = top - (size - ptr_off);
  return info.start_stack;
}

Prot segment_prot(const elf::Segment& s) {
  Prot p = Prot::User;
  if (s.read) p |= Prot::Read;
  if (s.write) p |= Prot::Write;
  if (s.exec) p |= Prot::Exec;
  return p;
}

// The program: its vnode (held) and its headers, read into a kernel
// buffer; the segments are mapped from the vnode's page cache.
struct ExecFile {
  VnodeRef vp;
  u64 size = 0;
  u8* head = nullptr;  // the file's first `avail` bytes
  size_t avail = 0;
  ExecFile() = default;
  ExecFile(const ExecFile&) = delete;
  ExecFile& operator=(const ExecFile&) = delete;
  ~ExecFile() { kfree(head); }
};

// Reads the file's first n bytes into a fresh ef.head.
Result<void> read_head(ExecFile& ef, size_t n) {
  kfree(ef.head);
  ef.avail = 0;
  ef.head = static_cast<u8*>(kmalloc(n ? n : 1));
  if (!ef.head) return Error::NoMem;
  Vnode& vp = *ef.vp;
  while (ef.avail < n) {
    const size_t got =
        TRY(vp.ops->read(vp, ef.avail, VIo{uptr(ef.head + ef.avail), false}, n - ef.avail));
    if (got == 0) break;  // truncated meanwhile
    ef.avail += got;
  }
  return ok();
}

// Program headers further into the file than this are refused (Linux: 64 KiB).
constexpr u64 kMaxHeaders = 64 * 1024;

// Reads the first page of the file at out.vp (held): only a regular file
// that the caller may execute, as Linux's do_open_execat.
Result<void> open_exec_head(Proc* p, ExecFile& out) {
  const Cred* cred = proc_own_cred(p);
  const NameiCred nc{cred->euid.value, cred->egid, cred->groups, cred->ngroups};
  Vnode& vp = *out.vp;
  if (vp.type != VType::Reg || !vp.ops->read) return Error::Access;
  if (!vnode_may(vp, nc, 1)) return Error::Access;
  VAttr va;
  vnode_getattr(vp, va);
  out.size = u64(va.size);
  // The first page holds the headers of any program a linker made.
  return read_head(out, size_t(min<u64>(out.size, kPageSize)));
}

// The ELF headers of a file open_exec_head read.
Result<elf::Image> load_elf_headers(ExecFile& out) {
  const u64 need = elf::headers_end(out.head, out.avail);
  if (need > out.avail && need <= out.size && need <= kMaxHeaders)
    TRY(read_head(out, size_t(need)));
  return elf::parse(out.head, out.avail, max<u64>(out.size, out.avail));
}

// The program's vnode, as Linux's do_open_execat finds it: `path` from
// dirfd (kAtFdCwd: the cwd; an absolute path ignores dirfd), a final
// symlink followed unless AT_SYMLINK_NOFOLLOW (then ELOOP), and with
// AT_EMPTY_PATH and "" the file open at dirfd itself (glibc's fexecve).
// EINVAL for other flags, EBADF, ENOTDIR, ENOENT as namei says.
// The calling LWP's table and cwd, as every path call.
Result<void> exec_lookup(Lwp* l, int dirfd, const char* path, int flags, ExecFile& out) {
  if (flags & ~(kAtSymlinkNoFollow | kAtEmptyPath)) return Error::Inval;
  const Cred* cred = proc_own_cred(l->proc);
  const PathCtx ctx{l->l_cwdi, NameiCred{cred->euid.value, cred->egid, cred->groups, cred->ngroups}};
  if (path[0] == '\0' && (flags & kAtEmptyPath) && dirfd != kAtFdCwd) {
    File* f = TRY(fd_get(l->l_fd, dirfd));
    Vnode* vp = f->vnode;
    if (vp) vnode_hold(vp);
    file_release(f);
    if (!vp) return Error::Access;  // a pipe or an anonymous file: not regular
    out.vp.reset(vp);
    return ok();
  }
  Nameidata nd;
  const bool follow = !(flags & kAtSymlinkNoFollow);
  TRY(at_namei(l->l_fd, dirfd, path, follow ? kNameiFollow : 0, nd, ctx));
  if (nd.vp->type == VType::Lnk) return Error::Loop;  // AT_SYMLINK_NOFOLLOW
  vnode_hold(nd.vp);
  out.vp.reset(nd.vp);
  return ok();
}

// The ELF program to run for `file`: file itself, or, for a script, its
// interpreter (args then spliced as Linux's load_script does, and exe, a
// buffer of kScriptBufSize + 1 bytes, names the interpreter; else it is
// ""). `inaccessible`: the script's path will not be there after the exec
// (a close-on-exec descriptor's /dev/fd/N), so a script fails with
// ENOENT, as Linux's BINPRM_FLAGS_PATH_INACCESSIBLE.
Result<elf::Image> find_program(Lwp* l, ExecFile& file, const char* path, Args& args,
                                bool inaccessible, char* exe) {
  exe[0] = '\0';
  ScriptLine* line = nullptr;
  Result<void> r = ok();
  for (unsigned depth = 0; r.ok(); depth++) {
    r = open_exec_head(l->proc, file);
    if (!r.ok() || !script_is(file.head, file.avail)) break;
    if (depth >= kScriptMaxDepth) {
      r = Error::Loop;
    } else if (inaccessible) {
      r = Error::NoEnt;
    } else if (!line && !(line = static_cast<ScriptLine*>(kmalloc(sizeof *line)))) {
      r = Error::NoMem;
    } else {
      r = script_parse(file.head, file.avail, *line);
      // The script is named as exec was given it, an interpreter that is a
      // script by the name its own script gave (Linux's bprm->interp).
      if (r.ok()) r = args_splice_interpreter(args, line->name, line->arg, exe[0] ? exe : path);
      if (r.ok()) {
        memcpy(exe, line->name, strlen(line->name) + 1);
        ExecFile next;
        // An empty name (the line ended at a NUL) is the cwd to Linux's
        // open_exec, which is no regular file: EACCES.
        r = exe[0] ? exec_lookup(l, kAtFdCwd, exe, 0, next) : Result<void>(Error::Access);
        if (r.ok()) file.vp = static_cast<VnodeRef&&>(next.vp);
      }
    }
  }
  kfree(line);
  if (!r.ok()) return r.error();
  return load_elf_headers(file);
}

// do_exec's work once the ELF program is found: exe is what
// /proc/<pid>/exe names (the interpreter of a script).
Result<void> exec_image(Lwp* l, ExecFile& file, const char* path, const char* exe,
                        Args& args, const elf::Image& im) {
  Proc* p = l->proc;
  // The segments come from the page cache (as Linux's elf_map): text and
  // data private over the file's pages, copy-on-write, the bss anonymous.
  const VmObject obj = vnode_vm_object(*file.vp);
  if (!obj) return Error::NoExec;

  VmSpace* vm = TRY(vmspace_create());
  uptr brk = 0;
  for (unsigned i = 0; i < im.segment_count; i++) {
    const elf::Segment& s = im.segments[i];
    Result<void> r =
        vm_map_segment(vm, s.vaddr, s.memsz, obj, s.offset, s.filesz, segment_prot(s));
    if (!r.ok() && r.error() == Error::Range) r = Error::NoExec;  // shorter than it says
    if (!r.ok()) {
      vmspace_release(vm);
      return r.error();
    }
    brk = max(brk, align_up(s.vaddr + s.memsz, kPageSize));
  }
  // The vDSO: glibc finds the signal trampoline and the trap-free clocks
  // through AT_SYSINFO_EHDR.
  Result<uptr> vdso = vdso_map(vm);
  if (!vdso.ok()) {
    vmspace_release(vm);
    return vdso.error();
  }
  // The stack: its top kImage bytes are one demand-zero entry into which
  // only the bytes the initial image uses are written (it is built at the
  // end of a buffer that can hold the largest); the rest of the stack is
  // another demand-zero entry below. (Copying all of kImage cost some 40 K
  // instructions an exec; one big entry instead would make fork copy the
  // slot table of the whole 8 MiB stack.)
  constexpr size_t kImage = kExecArgMax + 16 * 1024;
  u8* img = static_cast<u8*>(kmalloc(kImage));
  if (!img) {
    vmspace_release(vm);
    return Error::NoMem;
  }
  VmExecInfo info;
  Result<uptr> sp = build_stack(args, path, im, proc_own_cred(p), vdso.value(), img,
                                 kImage, info);
  if (sp.ok()) vm_set_exec_info(vm, info);
  Result<void> r = sp.ok() ? ok() : Result<void>(sp.error());
  if (sp.ok()) {
    const size_t used = kUserStackTop - sp.value();
    Result<uptr> top = vm_map_anon(vm, kUserStackTop - kImage, kImage,
                                   Prot::Read | Prot::Write | Prot::User, MapShare::Private,
                                   true);
    r = top.ok() ? vm_io(vm, sp.value(), img + kImage - used, used, true)
                 : Result<void>(top.error());
  }
  kfree(img);
  if (r.ok()) {
    Result<uptr> low = vm_map_anon(vm, kUserStackTop - kUserStackSize,
                                   kUserStackSize - kImage,
                                   Prot::Read | Prot::Write | Prot::User,
                                   MapShare::Private, true);
    if (!low.ok()) r = low.error();
  }
  if (!r.ok()) {
    vmspace_release(vm);
    return r.error();
  }

  // Tables this process shares with another (CLONE_FILES, CLONE_SIGHAND)
  // are unshared first, so that closing the close-on-exec descriptors and
  // resetting the caught signals below reach this process alone (NetBSD's
  // execve: fd_unshare, sigactsunshare). Taken before the point of no
  // return: a failed copy fails the exec and changes nothing. The table is
  // this LWP's, which survives the exec (Linux's de_thread, then
  // unshare_files): its other holders may be only the LWPs about to end,
  // so the copy is used only if others still hold it once they have gone.
  FileTable* own_fd = nullptr;
  if (l->l_fd && l->l_fd->refs.count() > 1) {
    Result<FileTable*> c = filetable_copy(l->l_fd);
    if (!c.ok()) {
      vmspace_release(vm);
      return c.error();
    }
    own_fd = c.value();
  }
  SigActs* own_sigacts = nullptr;
  bool shares_sigacts;
  {
    MutexGuard g(p->p_lock());
    shares_sigacts = p->p_sigacts->refs.count() > 1;
  }
  if (shares_sigacts) {
    Result<SigActs*> c = sigacts_create();
    if (!c.ok()) {
      if (own_fd) filetable_release(own_fd);
      vmspace_release(vm);
      return c.error();
    }
    own_sigacts = c.value();
  }

  // The other LWPs end first (Linux's de_thread): the new image starts
  // with this one, under the pid. If another LWP is already ending the
  // process, this exec gives up and this LWP goes with the rest.
  if (!proc_single_thread(l, true)) {
    if (own_sigacts) sigacts_release(own_sigacts);
    if (own_fd) filetable_release(own_fd);
    vmspace_release(vm);
    return Error::Intr;
  }

  // Point of no return: the old image goes. The new space and table are
  // published under proc_lock, under which procfs reads p_vmspace and
  // p_lwp's l_fd and takes references of its own
  // (core/procfs/snapshot.cpp): the old ones cannot go between its read
  // and its hold. The other LWPs have dropped their holds on this LWP's
  // table (lwp_exit_thread): if no one else holds it now, it stays and
  // the copy goes.
  vm_set_brk_base(vm, brk);
  VmSpace* old;
  FileTable* shared = nullptr;
  {
    MutexGuard g(proc_lock);
    old = p->p_vmspace;
    hal::IrqState s = hal::irq_save();
    p->p_vmspace = vm;
    vmspace_activate(vm);
    hal::irq_restore(s);
    if (own_fd && l->l_fd->refs.count() > 1) {
      shared = l->l_fd;
      l->l_fd = own_fd;
    } else {
      shared = own_fd;  // not needed after all
    }
  }
  if (old) vmspace_release(old);  // a vfork child leaves its parent's intact
  if (shared) filetable_release(shared);
  fd_close_on_exec(l->l_fd);
  timers_exec(p);  // POSIX timers go; ITIMER_REAL (alarm) stays, as Linux
  SigActs* shared_sigacts = nullptr;
  SigActs* spare_sigacts = nullptr;  // the own table left for sigacts_default
  {
    MutexGuard g(p->p_lock());
    if (own_sigacts) {
      // Copied under p_lock, which a CLONE_SIGHAND sharer shares too.
      for (unsigned i = 0; i < kNsig; i++) own_sigacts->actions[i] = p->p_sigacts->actions[i];
      shared_sigacts = p->p_sigacts;
      p->p_sigacts = own_sigacts;
    }
    // Caught signals revert to the default action (POSIX), ignored ones
    // stay ignored; flags and masks go, as Linux's flush_signal_handlers.
    // With nothing ignored the actions are all default: the process moves
    // to sigacts_default (its forks then copy no table) and its own goes.
    if (p->p_sigacts != &sigacts_default) {
      bool ignores = false;
      for (SigAction& a : p->p_sigacts->actions) {
        if (a.handler != kSigIgn) a.handler = kSigDfl;
        else ignores = true;
        a.flags = 0;
        a.mask = 0;
      }
      if (!ignores) {
        spare_sigacts = p->p_sigacts;
        p->p_sigacts = &sigacts_default;
      }
    }
    // SA_NOCLDSTOP and SA_NOCLDWAIT went with the flags; an ignored SIGCHLD
    // still reaps children at once (Linux clears every sa_flags here).
    proc_sigchld_action_locked(p, p->p_sigacts->actions[kSigChld].handler, 0);
    p->p_flag |= PK_EXEC;
  }
  if (shared_sigacts) sigacts_release(shared_sigacts);
  if (spare_sigacts) sigacts_release(spare_sigacts);
  const char* base = path;
  for (const char* c = path; *c; c++)
    if (*c == '/') base = c + 1;
  size_t n = min(strlen(base), sizeof p->p_comm - 1);
  memcpy(p->p_comm, base, n);
  p->p_comm[n] = '\0';
  n = min(strlen(exe), sizeof p->p_path - 1);
  memcpy(p->p_path, exe, n);
  p->p_path[n] = '\0';
  {
    MutexGuard g(proc_lock);
    vfork_release(p);  // the vfork parent runs again
  }
  if (p->p_emul && p->p_emul->proc_exec) p->p_emul->proc_exec(p);
  hal::user_frame_exec(hal::user_frame_of(l->stack), im.entry, sp.value());
  {
    // The new image starts with zeroed FP registers and fcsr, and keeps
    // them: the restore marks them clean, which says the LWP's saved copy
    // is current, so that copy must be the zeros too (not the old image's
    // values, which a switch-in would otherwise bring back). Interrupts
    // off so that a switch-out between the two cannot save the old
    // registers over the zeros.
    hal::IrqState s = hal::irq_save();
    l->fp = hal::FpState{};
    hal::fp_restore(l->fp);
    hal::irq_restore(s);
  }
  l->l_private = 0;
  // No alternate signal stack in the new image (Linux: the old one is
  // gone with the old address space).
  l->l_sigstk_sp = 0;
  l->l_sigstk_size = 0;
  l->l_sigstk_flags = 0;
  // A user program now (init was a kernel function); a real-time class
  // survives exec (Linux keeps the policy; SCHED_RESET_ON_FORK is for fork).
  if (l->l_class == SchedClass::Other) l->priority = kPriUser;
  ptrace_exec_event(l);    // PTRACE_EVENT_EXEC, or SIGTRAP, for a tracee
  return ok();
}

// The exec proper, shared by execve, execveat and exec_kernel: file is the
// program found by exec_lookup, path what AT_EXECFN, comm and
// /proc/<pid>/exe say.
Result<void> do_exec(Lwp* l, ExecFile& file, const char* path, Args& args,
                     bool inaccessible) {
  char* exe = static_cast<char*>(kmalloc(kScriptBufSize + 1));
  if (!exe) return Error::NoMem;
  Result<elf::Image> found = find_program(l, file, path, args, inaccessible, exe);
  if (!found.ok()) {
    kfree(exe);
    return found.error();
  }
  Result<void> r = exec_image(l, file, path, exe[0] ? exe : path, args, found.value());
  kfree(exe);
  return r;
}

}  // namespace

Result<void> sys_execveat_impl(Lwp* l, int dirfd, uptr upath, uptr argv, uptr envp,
                               int flags) {
  // Linux's order: the path (EFAULT, ENAMETOOLONG; "" is ENOENT unless
  // AT_EMPTY_PATH), the flags and the file, then argv and envp.
  UserPath path;
  TRY(path.copy(upath));
  if (path.p[0] == '\0' && !(flags & kAtEmptyPath)) return Error::NoEnt;
  ExecFile file;
  TRY(exec_lookup(l, dirfd, path.p, flags, file));
  // What the new image is told it is (AT_EXECFN): the path, or, relative to
  // a descriptor, /dev/fd/N[/path] as Linux's alloc_bprm names it.
  UserPath name;  // kPathMax bytes of heap, not of the kernel stack
  if (!name.p) return Error::NoMem;
  if (dirfd == kAtFdCwd || path.p[0] == '/')
    memcpy(name.p, path.p, strlen(path.p) + 1);  // shorter than kPathMax: copyinstr said so
  else if (path.p[0] == '\0')
    format(name.p, kPathMax, "/dev/fd/%d", dirfd);
  else if (format(name.p, kPathMax, "/dev/fd/%d/%s", dirfd, path.p) >= kPathMax)
    return Error::NameTooLong;
  Args a;
  a.buf = static_cast<char*>(kmalloc(kExecArgMax));
  if (!a.buf) return Error::NoMem;
  TRY(gather_user(a, argv, a.argc));
  // An empty or null argv gives the program argc 1 and argv[0] "", as Linux
  // since 5.18 (so no program walks past argv's NULL into envp).
  if (a.argc == 0) {
    TRY(add_string(a, "", 0));
    a.argc = 1;
  }
  TRY(gather_user(a, envp, a.envc));
  // A path through a close-on-exec descriptor is gone once the exec is
  // done: an interpreter could not open the script (Linux's alloc_bprm).
  const bool inaccessible =
      dirfd != kAtFdCwd && path.p[0] != '/' && fd_is_cloexec(l->l_fd, dirfd);
  return do_exec(l, file, name.p, a, inaccessible);
}

Result<void> sys_execve_impl(Lwp* l, uptr upath, uptr argv, uptr envp) {
  return sys_execveat_impl(l, kAtFdCwd, upath, argv, envp, 0);
}

Result<void> exec_kernel(Lwp* l, const char* path, const char* const* argv,
                         const char* const* envp) {
  ExecFile file;
  TRY(exec_lookup(l, kAtFdCwd, path, 0, file));
  Args a;
  a.buf = static_cast<char*>(kmalloc(kExecArgMax));
  if (!a.buf) return Error::NoMem;
  for (; argv && *argv; argv++, a.argc++) TRY(add_string(a, *argv, strlen(*argv)));
  for (; envp && *envp; envp++, a.envc++) TRY(add_string(a, *envp, strlen(*envp)));
  return do_exec(l, file, path, a, false);
}

}  // namespace tine
