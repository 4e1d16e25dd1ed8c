// Address spaces on the real MMU: copyout/copyin through sstatus.SUM and the
// kernel trap path (demand zero and copy-on-write resolved inside the copy),
// fork isolation seen through the pmaps' frames, and every page back
// afterwards; then TLB shootdowns to a hart that keeps the space loaded
// while another hart changes it (vm_remote_shootdown, two harts or more).
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
#include "core/sync/spinlock.h"
#include "core/lib/string.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "hal/hal.h"
#include "hal/pmap.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/uaccess_window.h"

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

  // Another hart runs the parent for a while. (It switches away again
  // before the parent changes: vm_remote_shootdown below keeps a space
  // loaded on the remote hart across the change.)
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
  // Shared through the anon (needs-copy): fork takes no page reference.
  KT_CHECK_EQ(pages.refcount(shared0), 1u);
  Prot prot = Prot::None;
  KT_CHECK(hal::pmap_extract(vmspace_pmap(parent), va, nullptr, &prot));
  KT_CHECK(!has(prot, Prot::Write));

  // The parent writes: copy-on-write inside copyout; the old frame is the
  // child's alone now.
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
  hal::pmap_trim();  // the roots pmap_destroy keeps
  const size_t free_before = page_allocator().free_pages();
  Spaces sp;
  copy_fork_cow(kt, sp);
  // Back to the kernel map before the spaces go (vmspace_release contract).
  enter_space(g_main_proc, nullptr);
  if (sp.child) vmspace_release(sp.child);
  if (sp.parent) vmspace_release(sp.parent);
  if (kt.failed()) return;
  heap_trim();
  hal::pmap_trim();
  KT_CHECK_EQ(page_allocator().free_pages(), free_before);
}

namespace {

// Two pinned threads: the resident keeps a space loaded on hart 1 with a
// translation in its TLB, the changer on hart 0 write-protects and then
// unmaps the page, and the resident must see each change at once. Without
// the shootdown's remote fence its TLB would still allow the store and the
// load.
//
// QEMU drops a hart's TLB when sstatus.SUM changes, and with the uaccess
// window (uaccess_window.h) copyin/copyout set and clear SUM around every
// copy: through them a stale entry never shows. So the resident makes its
// accesses in one window with SUM set and interrupts off (no trap, no
// switch, nothing else flushes), in assembly, with the hart's
// fault-recovery point armed as user_copy_in/out do.
enum Phase : u32 { kStart, kCached, kChanged, kDone, kAbort };

struct Shootdown {
  VmSpace* vs = nullptr;
  uptr va = 0;
  bool protect = true;  // else unmap
  u32 phase = kStart;   // atomic
  long outcome = -9;    // the resident's window (below)
  unsigned resident_cpu = ~0u;
};

// One SUM window: store to va (this hart's TLB now has it writable),
// publish kCached, spin until kChanged, then store (or, if !store, load)
// again. Returns 1 if the second access went through, 0 if it faulted, -1
// if the first did, -2 if the changer never came.
long sum_window(uptr va, u32* phase, bool store) {
  long outcome;
  u64 budget = 400'000'000;
  asm volatile(
      "lla t0, 3f\n"
      "sd t0, %[rec](tp)\n"
      "li %[out], -1\n"
      "li t1, %[sum]\n"
      UACCESS_OPEN
      "li t3, 0x5a\n"
      "sb t3, 0(%[va])\n"
      "lbu t3, 0(%[va])\n"
      "li %[out], -2\n"
      "li t2, %[cached]\n"
      "fence rw, rw\n"
      "sw t2, 0(%[ph])\n"
      "li t2, %[changed]\n"
      "1:\n"
      "lw t4, 0(%[ph])\n"
      "beq t4, t2, 2f\n"
      "addi %[budget], %[budget], -1\n"
      "bnez %[budget], 1b\n"
      "j 3f\n"
      "2:\n"
      "fence rw, rw\n"
      "li %[out], 0\n"
      "beqz %[store], 5f\n"
      "sb t3, 0(%[va])\n"
      "j 6f\n"
      "5:\n"
      "lbu t3, 0(%[va])\n"
      "6:\n"
      "li %[out], 1\n"
      "3:\n"
      UACCESS_CLOSE
      "sd zero, %[rec](tp)\n"
      : [out] "=&r"(outcome), [budget] "+r"(budget)
      : [va] "r"(va), [ph] "r"(phase), [store] "r"(long{store}),
        [rec] "i"(HART_FAULT_RECOVER), [sum] "i"(hal::riscv::kSstatusSUM),
        [cached] "i"(kCached), [changed] "i"(kChanged)
      : "t0", "t1", "t2", "t3", "t4", "memory");
  return outcome;
}

void resident(void* arg) {
  Shootdown& s = *static_cast<Shootdown*>(arg);
  enter_space(g_remote_proc, s.vs);
  // The page exists before the window (no fault to resolve in it).
  u8 b = 1;
  if (copyout(s.va, &b, 1).ok()) {
    preempt_disable();
    const hal::IrqState irq = hal::irq_save();
    s.resident_cpu = hal::cpu_index();
    s.outcome = sum_window(s.va, &s.phase, s.protect);
    hal::irq_restore(irq);
    preempt_enable();
  }
  __atomic_store_n(&s.phase, u32(kDone), __ATOMIC_RELEASE);
  enter_space(g_remote_proc, nullptr);
}

void changer(void* arg) {
  Shootdown& s = *static_cast<Shootdown*>(arg);
  const u64 until = hal::time_ns() + 5'000'000'000ull;
  u32 ph;
  while ((ph = __atomic_load_n(&s.phase, __ATOMIC_ACQUIRE)) != kCached) {
    if (ph == kDone || hal::time_ns() > until) return;
    hal::cpu_relax();
  }
  const bool changed = s.protect ? vm_protect(s.vs, s.va, kPageSize, Prot::Read).ok()
                                 : vm_unmap(s.vs, s.va, kPageSize).ok();
  __atomic_store_n(&s.phase, u32(changed ? kChanged : kAbort), __ATOMIC_RELEASE);
}

Result<Lwp*> start_pinned(void (*fn)(void*), Shootdown& s, unsigned cpu, const char* name) {
  LwpOptions o;
  o.name = name;
  o.pinned = int(cpu);
  o.joinable = true;
  return lwp_create(fn, &s, o);
}

// One round: returns the resident's outcome (1: it still had the old
// translation, 0: it faulted as it must).
void shootdown_round(KtestContext& kt, bool protect) {
  Shootdown s;
  s.protect = protect;
  s.vs = MUST(vmspace_create());
  Result<uptr> m = vm_map_anon(s.vs, 0, kPageSize, kRW, MapShare::Private, false);
  if (!m.ok()) {
    vmspace_release(s.vs);
    kt.fail("vm_map_anon failed");
    return;
  }
  s.va = m.value();
  Result<Lwp*> r = start_pinned(resident, s, 1, "ktest-resident");
  Result<Lwp*> c = start_pinned(changer, s, 0, "ktest-changer");
  if (r.ok()) lwp_join(r.value());
  if (c.ok()) lwp_join(c.value());
  vmspace_release(s.vs);
  KT_CHECK(r.ok() && c.ok());
  KT_CHECK_EQ(s.resident_cpu, 1u);
  KT_CHECK(s.outcome >= 0);  // the window ran: first access fine, changer came
  if (s.outcome != 0)
    kt.fail("hart 1 still %s the page after hart 0 %s it: no remote shootdown",
            protect ? "wrote" : "read", protect ? "write-protected" : "unmapped");
}

}  // namespace

KTEST(vm_remote_shootdown) {
  if (hal::online_cpus() < 2) {
    kt.skip("needs two harts (boot-ktest-smp4 runs it)");
    return;
  }
  shootdown_round(kt, true);
  if (kt.failed()) return;
  shootdown_round(kt, false);
}
