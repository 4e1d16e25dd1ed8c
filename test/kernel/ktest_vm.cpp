// Address spaces on the real MMU: copyout/copyin through sstatus.SUM and the
// kernel trap path (demand zero and copy-on-write resolved inside the copy),
// fork isolation seen through the pmaps' frames, a TLB shootdown to another
// hart, and every page back afterwards.
//
// The test thread borrows a process (a Proc with only p_vmspace set) so that
// curvm() answers and the context switch (proc_switch) keeps the space
// loaded wherever the thread runs; it gives it back before it ends.
#include "core/vm/heap.h"
#include "core/boot/ktest.h"
#include "core/sched/lwp.h"
#include "core/vm/page_alloc.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/lib/string.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "hal/hal.h"
#include "hal/pmap.h"

using namespace tine;

namespace {

constexpr Prot kRW = Prot::Read | Prot::Write;
constexpr size_t kLen = 3 * kPageSize - 100;
constexpr size_t kOff = 50;

// Borrowed processes: p_vmspace is all that is used. One per thread.
Proc g_main_proc;
Proc g_remote_proc;

// Runs the calling thread in `vs` as `p` (vs nullptr: a kernel thread again).
void enter_space(Proc& p, VmSpace* vs) {
  const hal::IrqState s = hal::irq_save();
  p.p_vmspace = vs;
  curlwp()->proc = vs ? &p : nullptr;
  vmspace_activate(vs);
  hal::irq_restore(s);
}

u8 pattern(size_t i, u8 salt) { return u8(i * 31 + salt); }

bool holds(uptr va, u8 salt) {
  static u8 buf[kLen];
  if (!copyin(buf, va + kOff, kLen).ok()) return false;
  for (size_t i = 0; i < kLen; i++)
    if (buf[i] != pattern(i, salt)) return false;
  return true;
}

bool write_pattern(uptr va, u8 salt) {
  static u8 buf[kLen];
  for (size_t i = 0; i < kLen; i++) buf[i] = pattern(i, salt);
  return copyout(va + kOff, buf, kLen).ok();
}

paddr_t frame(VmSpace* vs, uptr va) {
  paddr_t pa = 0;
  return hal::pmap_extract(vmspace_pmap(vs), va, &pa, nullptr) ? pa : 0;
}

// On another hart: load the space, check what it holds.
struct Remote {
  VmSpace* vs;
  uptr va;
  u8 salt;
  bool ok;
};
void remote_check(void* arg) {
  Remote* r = static_cast<Remote*>(arg);
  if (!r->vs) return;  // warming up
  enter_space(g_remote_proc, r->vs);
  r->ok = holds(r->va, r->salt);
  enter_space(g_remote_proc, nullptr);
}

bool run_on(unsigned cpu, Remote& r) {
  LwpOptions o;
  o.name = "ktest-vm-remote";
  o.pinned = int(cpu);
  o.joinable = true;
  Result<Lwp*> l = lwp_create(remote_check, &r, o);
  if (!l.ok()) return false;
  lwp_join(l.value());
  return true;
}

struct Spaces {
  VmSpace* parent = nullptr;
  VmSpace* child = nullptr;
};

// KT_CHECK returns from here; the KTEST below cleans up either way.
void copy_fork_cow(KtestContext& kt, Spaces& sp) {
  PageAllocator& pages = page_allocator();
  sp.parent = MUST(vmspace_create());
  VmSpace* const parent = sp.parent;
  Result<uptr> m = vm_map_anon(parent, 0, 4 * kPageSize, kRW, MapShare::Private, false);
  KT_CHECK(m.ok());
  const uptr va = m.value();
  KT_CHECK(vm_resident_pages(parent) == 0);

  enter_space(g_main_proc, parent);
  // Demand zero inside copyout: the store faults with SUM set, the trap
  // path fills the page, the copy goes on.
  KT_CHECK(write_pattern(va, 1));
  KT_CHECK_EQ(vm_resident_pages(parent), 3u);
  KT_CHECK(holds(va, 1));
  // Bad pointers are EFAULT, not a panic.
  u8 b = 1;
  KT_CHECK(copyin(&b, va + 4 * kPageSize, 1).error() == Error::Fault);
  KT_CHECK(copyin(&b, 0xffffffc000000000ull, 1).error() == Error::Fault);
  KT_CHECK(vm_protect(parent, va + 3 * kPageSize, kPageSize, Prot::Read).ok());
  KT_CHECK(copyout(va + 3 * kPageSize, &b, 1).error() == Error::Fault);
  KT_CHECK(copyin(&b, va + 3 * kPageSize, 1).ok());
  KT_CHECK_EQ(b, 0);

  // Another hart runs the parent, so it may cache its translations.
  const unsigned other = hal::online_cpus() > 1 ? 1u : 0u;
  Remote r1{parent, va, 1, false};
  KT_CHECK(run_on(other, r1));
  KT_CHECK(r1.ok);

  Result<VmSpace*> f = vmspace_fork(parent);
  KT_CHECK(f.ok());
  sp.child = f.value();
  VmSpace* const child = sp.child;
  KT_CHECK(vm_fault(child, va, Access::Read).ok());
  const paddr_t shared0 = frame(parent, va);
  KT_CHECK(shared0 != 0 && frame(child, va) == shared0);
  KT_CHECK_EQ(pages.refcount(shared0), 2u);
  Prot prot = Prot::None;
  KT_CHECK(hal::pmap_extract(vmspace_pmap(parent), va, nullptr, &prot));
  KT_CHECK(!has(prot, Prot::Write));

  // The parent writes: copy-on-write inside copyout; the old frame is the
  // child's alone now, and the other hart was fenced.
  KT_CHECK(write_pattern(va, 2));
  KT_CHECK(frame(parent, va) != shared0);
  KT_CHECK(frame(child, va) == shared0);
  KT_CHECK_EQ(pages.refcount(shared0), 1u);
  KT_CHECK(holds(va, 2));
  Remote r2{parent, va, 2, false};
  KT_CHECK(run_on(other, r2));
  KT_CHECK(r2.ok);

  // The child still sees the data of the fork; its own write takes its
  // page back (the last reference) instead of copying.
  enter_space(g_main_proc, child);
  KT_CHECK(holds(va, 1));
  KT_CHECK(write_pattern(va, 3));
  KT_CHECK(frame(child, va) == shared0);
  KT_CHECK(holds(va, 3));
  enter_space(g_main_proc, parent);
  KT_CHECK(holds(va, 2));
}

}  // namespace

KTEST(vm_copy_fork_cow) {
  KT_CHECK(curlwp()->proc == nullptr);  // a kernel thread
  // A kernel stack freed by a joined thread stays mapped for reuse (see
  // hal/riscv/kstack.cpp): warm that cache up before counting pages.
  Remote warm{nullptr, 0, 0, false};
  KT_CHECK(run_on(0, warm));
  heap_trim();
  const size_t free_before = page_allocator().free_pages();
  Spaces sp;
  copy_fork_cow(kt, sp);
  // Back to the kernel map before the spaces go (vmspace_release contract).
  enter_space(g_main_proc, nullptr);
  if (sp.child) vmspace_release(sp.child);
  if (sp.parent) vmspace_release(sp.parent);
  if (kt.failed()) return;
  heap_trim();
  KT_CHECK_EQ(page_allocator().free_pages(), free_before);
}
