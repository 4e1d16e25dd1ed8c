// Core dumps: see coredump.h. The LWPs are made quiescent the way exit
// makes them (proc_single_thread), with one difference: each leaves its
// registers in the dumper's CoreLwps as it goes (Linux keeps its threads
// parked in coredump_wait instead; here they are gone, their state kept).
// Then the space is written out while nothing of the process has been
// released yet: exit1 calls this before the emulation's exit hook.
#include "core/proc/coredump.h"

#include "core/lib/string.h"
#include "core/proc/core_elf.h"
#include "core/proc/core_pattern.h"
#include "core/proc/cred.h"
#include "core/proc/lwp_user.h"
#include "core/proc/pgrp.h"
#include "core/proc/plimit.h"
#include "core/proc/rusage.h"
#include "core/vfs/namecache.h"
#include "core/vfs/vfs_at.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm_dump.h"
#include "core/vm/vm_usage.h"
#include "hal/regset.h"
#include "hal/user.h"

namespace tine {

// One LWP's state as the dump shows it.
struct CoreLwp {
  i32 tid = 0;
  u64 regs[hal::kUserRegs] = {};
  hal::FpState fp;
  u64 sigpend = 0, sighold = 0;
  u64 utime_ns = 0, stime_ns = 0;
};

// The dumper's LWP first, then the others in the order they left.
struct CoreLwps {
  CoreLwp* lwp = nullptr;
  u32 cap = 0, n = 0;
};

namespace {
using namespace core_elf;

constexpr size_t kAuxvMax = 64;    // pairs read back from the initial stack
constexpr size_t kEnvpMax = 4096;  // envp words skipped to reach them

// l is the calling LWP: its user frame and FPU registers are its own.
void capture(Lwp* l, CoreLwp& out) {
  hal::fp_save_if_dirty(l->fp);
  out.tid = l->l_lid;
  hal::user_regs_get(hal::user_frame_of(l->stack), out.regs);
  out.fp = l->fp;
  out.sigpend = __atomic_load_n(&l->l_sigpend, __ATOMIC_ACQUIRE);
  out.sighold = l->l_sigmask;
  const CpuTimes t = lwp_cputime(l);
  out.utime_ns = t.user_ns;
  out.stime_ns = t.sys_ns;
}

Timeval timeval_of(u64 ns) { return {i64(ns / 1000000000), i64(ns % 1000000000 / 1000)}; }

// The process-wide ids the notes carry.
struct CoreIds {
  i32 pid = 0, ppid = 0, pgrp = 0, sid = 0;
  u32 uid = 0, gid = 0;
};

// The notes, built in memory: the file writes them as one piece.
class NoteBuf {
 public:
  explicit NoteBuf(size_t cap) : buf_(static_cast<u8*>(kzalloc(cap))), cap_(cap) {}
  ~NoteBuf() { kfree(buf_); }
  NoteBuf(const NoteBuf&) = delete;
  NoteBuf& operator=(const NoteBuf&) = delete;
  bool ok() const { return buf_ != nullptr; }
  const u8* data() const { return buf_; }
  size_t size() const { return used_; }
  void add(u32 type, const void* desc, size_t n) {
    const size_t need = note_size(n);
    KASSERT(used_ + need <= cap_);
    const Nhdr h{5, u32(n), type};
    memcpy(buf_ + used_, &h, sizeof h);
    memcpy(buf_ + used_ + sizeof h, "CORE", 5);
    memcpy(buf_ + used_ + sizeof h + kNoteName, desc, n);
    used_ += need;
  }

 private:
  u8* buf_;
  size_t cap_;
  size_t used_ = 0;
};

void add_lwp_status(NoteBuf& nb, const CoreLwp& c, const CoreIds& ids, int sig) {
  PrStatus s{};
  s.si_signo = sig;
  s.pr_cursig = i16(sig);
  s.pr_sigpend = c.sigpend;
  s.pr_sighold = c.sighold;
  s.pr_pid = c.tid;
  s.pr_ppid = ids.ppid;
  s.pr_pgrp = ids.pgrp;
  s.pr_sid = ids.sid;
  s.pr_utime = timeval_of(c.utime_ns);
  s.pr_stime = timeval_of(c.stime_ns);
  memcpy(s.pr_reg, c.regs, sizeof s.pr_reg);
  s.pr_fpvalid = 1;
  nb.add(kNtPrstatus, &s, sizeof s);
}

void add_lwp_fpregs(NoteBuf& nb, const CoreLwp& c) {
  FpRegs f{};
  memcpy(f.f, c.fp.f, sizeof f.f);
  f.fcsr = u32(c.fp.fcsr);
  nb.add(kNtPrfpreg, &f, sizeof f);
}

// NT_PRPSINFO: the command line as Linux's fill_psinfo gives it (the
// argument strings, NULs made spaces, at most 79 bytes).
void add_psinfo(NoteBuf& nb, Lwp* l, const CoreIds& ids, const VmExecInfo& ex) {
  PrPsInfo ps{};
  ps.pr_sname = 'R';  // state 0: running, as the dumper is
  ps.pr_nice = char(l->l_nice);
  ps.pr_uid = ids.uid;
  ps.pr_gid = ids.gid;
  ps.pr_pid = ids.pid;
  ps.pr_ppid = ids.ppid;
  ps.pr_pgrp = ids.pgrp;
  ps.pr_sid = ids.sid;
  memcpy(ps.pr_fname, l->proc->p_comm, strnlen(l->proc->p_comm, sizeof ps.pr_fname - 1));
  size_t len = min<u64>(ex.arg_end - ex.arg_start, sizeof ps.pr_psargs - 1);
  if (ex.arg_end < ex.arg_start || !copyin(ps.pr_psargs, ex.arg_start, len).ok()) len = 0;
  for (size_t i = 0; i < len; i++)
    if (ps.pr_psargs[i] == '\0') ps.pr_psargs[i] = ' ';
  ps.pr_psargs[len] = '\0';
  nb.add(kNtPrpsinfo, &ps, sizeof ps);
}

// NT_AUXV: the auxiliary vector exec left above argv and envp on the
// initial stack (Linux keeps a copy, saved_auxv; Tine reads it back),
// up to its AT_NULL, which is included. Nothing when it cannot be read.
void add_auxv(NoteBuf& nb, const VmExecInfo& ex) {
  u64 aux[kAuxvMax][2];
  u64 argc;
  uptr at = ex.start_stack;
  if (!at || !copyin(&argc, at, sizeof argc).ok() || argc > kEnvpMax) return;
  at += (1 + argc + 1) * 8;  // argc, argv[], NULL
  for (size_t i = 0;; i++) {
    u64 w;
    if (i == kEnvpMax || !copyin(&w, at, sizeof w).ok()) return;
    at += 8;
    if (!w) break;
  }
  size_t n = 0;
  while (n < kAuxvMax) {
    if (!copyin(aux[n], at + n * 16, 16).ok()) return;
    if (aux[n++][0] == 0) break;
  }
  nb.add(kNtAuxv, aux, n * 16);
}

// Writes the file front to back, holes skipped; stops for good at the
// first write that fails or would pass the limit (Linux's dump_emit).
struct CoreWriter {
  Vnode* vp;
  u64 limit;
  u64 off = 0;
  u64 end = 0;  // the end of the last byte written
  bool failed = false;

  void write(const void* p, size_t n) {
    if (failed || off + n > limit) {
      failed = true;
      return;
    }
    const Result<size_t> r = vp->ops->write(*vp, off, VIo{uptr(p), false}, n);
    if (!r.ok() || r.value() != n) {
      failed = true;
      return;
    }
    off += n;
    end = off;
  }
  void skip_to(u64 to) {
    if (to > limit) failed = true;
    if (!failed) off = to;
  }
};

// The core file, created fresh (an old one of that name goes first, as
// Linux unlinks it); held. Only a regular file of ours is replaced.
Result<Vnode*> core_create(Lwp* l, const char* name) {
  const Cred* cred = proc_own_cred(l->proc);
  const PathCtx ctx{l->l_cwdi,
                    NameiCred{cred->euid.value, cred->egid, cred->groups, cred->ngroups}};
  Nameidata nd;
  TRY(at_namei(l->l_fd, kAtFdCwd, name, kNameiParent, nd, ctx));
  if (!nd.dvp || nd.trailing_slash || nd.last_is_dot() || nd.last_is_dotdot()) return Error::Inval;
  Vnode& dir = *nd.dvp;
  if (!dir.ops->create || !dir.ops->unlink) return Error::RoFs;
  if (ctx.cred.uid != 0 && !vnode_may(dir, ctx.cred, 3)) return Error::Access;
  if (nd.vp) {
    if (nd.vp->type != VType::Reg) return Error::Exist;
    {
      MutexGuard g(nd.vp->lock);
      if (nd.vp->nlink > 1 || (ctx.cred.uid != 0 && nd.vp->uid != ctx.cred.uid))
        return Error::Exist;
    }
    const Result<void> r = dir.ops->unlink(dir, nd.last);
    namecache_purge_name(&dir, nd.last);
    TRY(r);
  }
  const VCreate c{.mode = 0600 & ~cwd_cmask(ctx.cwd), .uid = ctx.cred.uid, .gid = ctx.cred.gid};
  Vnode* vp = TRY(dir.ops->create(dir, nd.last, c));
  namecache_purge_name(&dir, nd.last);
  return vp;
}

// Writes the core of l's process (l alone in it now, the others' state in
// lwps) under `limit` bytes. true: the file was made and its writing begun.
bool core_write(Lwp* l, const SigInfo& info, const CoreLwps& lwps, u64 limit) {
  Proc* p = l->proc;
  CoreIds ids;
  VmSpace* vs;
  {
    MutexGuard g(proc_lock);
    vs = p->p_vmspace;
    ids.pid = p->p_pid.value;
    ids.ppid = p->p_ppid;
    if (p->p_pgrp) {
      ids.pgrp = p->p_pgrp->pgid.value;
      if (p->p_pgrp->session) ids.sid = p->p_pgrp->session->sid.value;
    }
  }
  const Cred* cred = proc_own_cred(p);
  ids.uid = cred->uid.value;
  ids.gid = cred->gid;
  if (!vs) return false;

  char pattern[kCorePatternMax];
  core_pattern_get(pattern);
  char name[kCorePatternMax + 64];
  if (!core_name(pattern,
                 CoreNameArgs{.pid = ids.pid, .comm = p->p_comm, .sig = info.si_signo,
                              .uid = ids.uid, .gid = ids.gid},
                 name, sizeof name))
    return false;

  // The mappings (the space cannot change: its only LWP is here), at most
  // what e_phnum can count besides the PT_NOTE.
  const size_t total = vm_dump_regions(vs, nullptr, 0);
  const size_t nreg = min<size_t>(total, 0xfffe);
  auto* regs = static_cast<VmDumpRegion*>(kmalloc(max<size_t>(nreg, 1) * sizeof(VmDumpRegion)));
  if (!regs) return false;
  (void)vm_dump_regions(vs, regs, nreg);

  const VmExecInfo ex = vm_exec_info(vs);
  const size_t notes_cap = note_size(sizeof(PrPsInfo)) + note_size(sizeof(SigInfo)) +
                           note_size(kAuxvMax * 16) +
                           lwps.n * (note_size(sizeof(PrStatus)) + note_size(sizeof(FpRegs)));
  NoteBuf nb(notes_cap);
  void* page = kmalloc(kPageSize);
  bool dumped = false;
  if (nb.ok() && page) {
    // Linux's order: the dumper's status, then the process-wide notes and
    // the dumper's other registers; then each other LWP's.
    const int sig = info.si_signo;
    add_lwp_status(nb, lwps.lwp[0], ids, sig);
    add_psinfo(nb, l, ids, ex);
    nb.add(kNtSiginfo, &info, sizeof info);
    add_auxv(nb, ex);
    add_lwp_fpregs(nb, lwps.lwp[0]);
    for (u32 i = 1; i < lwps.n; i++) {
      add_lwp_status(nb, lwps.lwp[i], ids, sig);
      add_lwp_fpregs(nb, lwps.lwp[i]);
    }
    Result<Vnode*> vp = core_create(l, name);
    if (vp.ok()) {
      VnodeRef hold(vp.value());
      dumped = true;
      CoreWriter w{.vp = vp.value(), .limit = limit};
      const u64 notes_off = sizeof(Ehdr) + (1 + nreg) * sizeof(Phdr);
      u64 data_off = align_up(notes_off + nb.size(), kPageSize);
      Ehdr eh{};
      memcpy(eh.e_ident, "\177ELF\2\1\1", 7);  // ELFCLASS64, little-endian, EV_CURRENT
      eh.e_type = kEtCore;
      eh.e_machine = kEmRiscv;
      eh.e_version = 1;
      eh.e_phoff = sizeof(Ehdr);
      eh.e_ehsize = sizeof(Ehdr);
      eh.e_phentsize = sizeof(Phdr);
      eh.e_phnum = u16(1 + nreg);
      w.write(&eh, sizeof eh);
      const Phdr note{.p_type = kPtNote, .p_flags = 0, .p_offset = notes_off, .p_vaddr = 0,
                      .p_paddr = 0, .p_filesz = nb.size(), .p_memsz = 0, .p_align = 4};
      w.write(&note, sizeof note);
      for (size_t i = 0; i < nreg; i++) {
        const VmDumpRegion& r = regs[i];
        const bool readable = has(r.prot, Prot::Read);
        Phdr ph{.p_type = kPtLoad, .p_flags = 0, .p_offset = data_off, .p_vaddr = r.start,
                .p_paddr = 0, .p_filesz = readable ? r.end - r.start : 0,
                .p_memsz = r.end - r.start, .p_align = kPageSize};
        if (readable) ph.p_flags |= kPfR;
        if (has(r.prot, Prot::Write)) ph.p_flags |= kPfW;
        if (has(r.prot, Prot::Exec)) ph.p_flags |= kPfX;
        w.write(&ph, sizeof ph);
        data_off += ph.p_filesz;
      }
      w.write(nb.data(), nb.size());
      w.skip_to(align_up(w.off, kPageSize));
      for (size_t i = 0; i < nreg && !w.failed; i++) {
        if (!has(regs[i].prot, Prot::Read)) continue;
        for (uptr va = regs[i].start; va < regs[i].end && !w.failed; va += kPageSize) {
          if (vm_dump_page(vs, va, page))
            w.write(page, kPageSize);
          else
            w.skip_to(w.off + kPageSize);
        }
      }
      // Trailing holes: the size covers them (Linux writes a last byte).
      if (!w.failed && w.off > w.end && vp.value()->ops->truncate)
        (void)vp.value()->ops->truncate(*vp.value(), w.off);
    }
  }
  kfree(page);
  kfree(regs);
  return dumped;
}
}  // namespace

void coredump_lwp_leaving(Lwp* l) {
  Proc* p = l->proc;
  MutexGuard g(p->p_lock());
  CoreLwps* c = p->p_coredump;
  if (c && c->n < c->cap) capture(l, c->lwp[c->n++]);
}

bool coredump(Lwp* l, const SigInfo& info) {
  Proc* p = l->proc;
  u64 limit;
  {
    MutexGuard g(p->p_lock());
    limit = p->p_limit->limits[kRlimitCore].cur;
  }
  if (limit < kPageSize) return false;
  // Room for every LWP, then the claim (p_single), which stops new ones: a
  // thread made in between means a bigger array and another try.
  CoreLwps lwps;
  for (;;) {
    u32 n;
    {
      MutexGuard g(p->p_lock());
      if (p->p_single) return false;  // another LWP is ending the process
      n = p->p_nlwps;
    }
    lwps.lwp = static_cast<CoreLwp*>(kzalloc(n * sizeof(CoreLwp)));
    if (!lwps.lwp) return false;
    capture(l, lwps.lwp[0]);
    bool claimed = false, lost = false;
    {
      MutexGuard g(p->p_lock());
      if (p->p_single) {
        lost = true;
      } else if (p->p_nlwps <= n) {
        p->p_single = l;
        lwps.cap = n;
        lwps.n = 1;
        p->p_coredump = &lwps;
        claimed = true;
      }
    }
    if (claimed) break;
    kfree(lwps.lwp);
    if (lost) return false;
  }
  // The others end, each leaving its registers (coredump_lwp_leaving).
  const bool alone = proc_single_thread(l, false);
  KASSERT(alone);
  {
    MutexGuard g(p->p_lock());
    p->p_coredump = nullptr;
  }
  const bool dumped = core_write(l, info, lwps, limit);
  kfree(lwps.lwp);
  if (dumped) {
    MutexGuard g(proc_lock);
    p->p_coredumped = true;
  }
  return dumped;
}

}  // namespace tine
