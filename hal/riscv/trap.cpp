// Trap dispatch: interrupts to their handlers, kernel faults to a recovery
// point or a panic naming the faulting address and instruction.
#include "hal/riscv/trap.h"

#include "core/lib/assert.h"
#include "core/lib/console.h"
#include "core/sched/interrupts.h"
#include "core/sched/cputime.h"
#include "core/sched/sched.h"
#include "core/vm/vm.h"
#include "core/proc/cputimer_userret.h"
#include "core/proc/syscall.h"
#include "hal/riscv/user_trap.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/kmap.h"
#include "hal/riscv/memlayout.h"
#include "hal/riscv/plic.h"
#include "hal/riscv/timer.h"

namespace tine::hal::riscv {

static_assert(TRAP_SSTATUS_SUM == kSstatusSUM, "trap.S clears this bit");
static_assert(TRAP_CAUSE_ECALL_U == u64(Exception::EcallFromU), "trap.S's syscall path");
static_assert(TRAP_SSTATUS_SIE == kSstatusSIE, "trap.S's fast call");
static_assert(TRAP_CAUSE_INSN_PAGE_FAULT == u64(Exception::InstructionPageFault) &&
                  u64(Exception::LoadPageFault) == TRAP_CAUSE_INSN_PAGE_FAULT + 1 &&
                  u64(Exception::StorePageFault) == TRAP_CAUSE_INSN_PAGE_FAULT + 3,
              "trap.S's page-fault path");

namespace {
BreakpointHook g_breakpoint_hook = nullptr;

const char* const kRegNames[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

// Length of the instruction at pc: 2 when compressed.
unsigned insn_length(u64 pc) {
  u16 low = *reinterpret_cast<const u16*>(pc);
  return (low & 3) == 3 ? 4 : 2;
}

void handle_interrupt(TrapFrame& f) {
  switch (static_cast<Interrupt>(f.scause & ~kCauseInterrupt)) {
    case Interrupt::Timer:
      tine::clock_interrupt();  // it programs the next deadline
      return;
    case Interrupt::Software:
      clear_sip(kIntSoftware);
      tine::ipi_interrupt();
      return;
    case Interrupt::External:
      plic_handle_interrupt();
      return;
    default:
      panic("unexpected interrupt scause=%#lx", (unsigned long)f.scause);
  }
}

[[noreturn]] void kernel_fault(TrapFrame& f) {
  kprintf("\nkernel fault: %s at pc %#lx, address %#lx\n",
          cause_name(f.scause), (unsigned long)f.sepc, (unsigned long)f.stval);
  dump_frame(f);
  panic("kernel fault (%s) at pc %#lx touching %#lx", cause_name(f.scause),
        (unsigned long)f.sepc, (unsigned long)f.stval);
}

bool is_page_fault(Exception e) {
  return e == Exception::LoadPageFault || e == Exception::StorePageFault ||
         e == Exception::InstructionPageFault;
}

bool kernel_mapping_allows(u64 va, Exception e) {
  if (va < KERNEL_DIRECT_MAP_BASE) return false;
  KernelPageTable::Mapping m;
  if (!kernel_page_table().lookup(va, m)) return false;
  switch (e) {
    case Exception::LoadPageFault: return has(m.prot, Prot::Read);
    case Exception::StorePageFault: return has(m.prot, Prot::Write);
    default: return has(m.prot, Prot::Exec);
  }
}

void handle_kernel_exception(TrapFrame& f) {
  auto cause = static_cast<Exception>(f.scause);
  if (cause == Exception::Breakpoint && g_breakpoint_hook &&
      g_breakpoint_hook(f)) {
    f.sepc += insn_length(f.sepc);
    return;
  }
  if (is_page_fault(cause) && kernel_mapping_allows(f.stval, cause)) {
    // Another hart added this mapping after our TLB looked: refetch.
    sfence_vma_page(f.stval);
    return;
  }
  // A user page that user_copy_in/out (SUM set) found missing, demand-zero
  // or copy-on-write: the VM layer fills it and the copy retries. What it
  // cannot resolve goes on to the copy's recovery point (EFAULT).
  if ((cause == Exception::LoadPageFault ||
       cause == Exception::StorePageFault) &&
      (f.sstatus & kSstatusSUM) && f.stval < hal::kUserVaTop &&
      tine::vm_fault_from_kernel(f.stval, cause == Exception::StorePageFault))
    return;
  HartLocal& h = this_hart();
  bool recoverable = cause == Exception::LoadPageFault ||
                     cause == Exception::StorePageFault ||
                     cause == Exception::LoadAccessFault ||
                     cause == Exception::StoreAccessFault;
  if (recoverable && h.fault_recover_pc != 0) {
    f.sepc = h.fault_recover_pc;
    h.fault_recover_pc = 0;
    return;
  }
  kernel_fault(f);
}
}  // namespace

void set_breakpoint_hook(BreakpointHook hook) { g_breakpoint_hook = hook; }

void trap_init_hart() {
  write_sscratch(0);
  write_stvec(reinterpret_cast<u64>(&trap_entry));
}

const char* cause_name(u64 scause) {
  if (scause & kCauseInterrupt) {
    switch (static_cast<Interrupt>(scause & ~kCauseInterrupt)) {
      case Interrupt::Software: return "software interrupt";
      case Interrupt::Timer: return "timer interrupt";
      case Interrupt::External: return "external interrupt";
    }
    return "interrupt";
  }
  switch (static_cast<Exception>(scause)) {
    case Exception::InstructionMisaligned: return "instruction misaligned";
    case Exception::InstructionAccessFault: return "instruction access fault";
    case Exception::IllegalInstruction: return "illegal instruction";
    case Exception::Breakpoint: return "breakpoint";
    case Exception::LoadMisaligned: return "load misaligned";
    case Exception::LoadAccessFault: return "load access fault";
    case Exception::StoreMisaligned: return "store misaligned";
    case Exception::StoreAccessFault: return "store access fault";
    case Exception::EcallFromU: return "ecall from U-mode";
    case Exception::EcallFromS: return "ecall from S-mode";
    case Exception::InstructionPageFault: return "instruction page fault";
    case Exception::LoadPageFault: return "load page fault";
    case Exception::StorePageFault: return "store page fault";
  }
  return "unknown exception";
}

void dump_frame(const TrapFrame& f) {
  kprintf("scause %#018lx (%s)\nsepc   %#018lx\nstval  %#018lx\n",
          (unsigned long)f.scause, cause_name(f.scause), (unsigned long)f.sepc,
          (unsigned long)f.stval);
  for (unsigned i = 1; i < 32; i++) {
    kprintf("%4s %#018lx%s", kRegNames[i], (unsigned long)f.x[i],
            i % 4 == 3 ? "\n" : "  ");
  }
  kprintf("\n");
}

}  // namespace tine::hal::riscv

using namespace tine::hal::riscv;

extern "C" void trap_dispatch(TrapFrame* frame) {
  const bool from_user = !(frame->sstatus & kSstatusSPP);
  // A trap runs on its thread's stack: the thread is the same at the end.
  tine::Lwp* const l = from_user ? tine::curlwp() : nullptr;
  if (from_user) tine::cputime_user_to_kernel(l);
  if (frame->scause & kCauseInterrupt) {
    if (!from_user) {
      // A user LWP's kernel code, or a kernel thread's (no process): the
      // sample that charges a fast syscall's time as system time.
      tine::Lwp* const cur = tine::curlwp();
      if (cur && cur->proc) tine::cputimer_kernel_sample(cur, tine::hal::time_ns());
    }
    tine::interrupt_enter();
    handle_interrupt(*frame);
    tine::interrupt_exit();
  } else if (!from_user) {
    handle_kernel_exception(*frame);
    return;
  } else {
    user_exception(*frame);
  }
  if (from_user) {
    // Pending signals act on the way out (a killed process never returns).
    set_sstatus(kSstatusSIE);
    tine::userret(l);
    clear_sstatus(kSstatusSIE);
  }
  tine::sched_trap_exit(from_user || (frame->sstatus & kSstatusSPIE));
  if (from_user) tine::cputime_kernel_to_user(l);
}
