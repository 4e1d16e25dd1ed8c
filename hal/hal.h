// The narrow contract between machine-independent code (core/, fork/) and
// the machine. hal/riscv/ implements it for the kernel, hal/host/ for the
// Catch2 host tests. Generic code includes only this header from hal/.
#pragma once

#include "core/lib/types.h"

// The per-hart primitives every lock calls (irq_save, irq_restore,
// irq_enabled, cpu_index, current_thread, cpu_relax) and the direct map's
// translations are a few instructions each: the kernel's HAL defines them
// inline (hal/riscv/hal_inline.h, below),
// because an out-of-line call cost more than its body some 1,000 times a
// fork. The host HAL defines them out of line.
#if defined(TINE_KERNEL)
#define TINE_HAL_INLINE inline
#else
#define TINE_HAL_INLINE
#endif

namespace tine::hal {

// Interrupt state of the calling hart, as returned by irq_save().
using IrqState = unsigned long;

TINE_HAL_INLINE IrqState irq_save();           // disable interrupts, return the previous state
TINE_HAL_INLINE void irq_restore(IrqState s);  // put back what irq_save() returned
TINE_HAL_INLINE bool irq_enabled();

// Dense index of the calling hart (0 .. kMaxCpus-1), not the hart id: hart ids
// are sparse on some boards (hart 0 of the FU540 never runs the kernel).
TINE_HAL_INLINE unsigned cpu_index();
inline constexpr unsigned kMaxCpus = 16;

// The thread the calling hart runs, as the scheduler last set it (with
// interrupts off, at each switch). current_thread() reads it with one load
// of the hart's own word, so a thread that migrates just before or after
// still gets itself: no interrupt masking, which cost curlwp() two thirds
// of its instructions on every syscall.
void set_current_thread(void* t);
TINE_HAL_INLINE void* current_thread();

// The calling hart's preemption count: spin locks held plus explicit
// disables; while it is not 0 the scheduler switches no thread here. Every
// spin lock changes it twice, so inc and dec mask no interrupts: on RISC-V
// each is a load, an add and a store through tp (the hart's, never the
// thread's). An interrupt between them changes the count and puts it back.
// A thread preempted between the load and the store of an inc (it read 0)
// may resume on another hart, whose count is 0 too (that hart switched to
// it), and stores 1 there, which is right; a dec starts from 1 or more, so
// nothing switches inside it.
TINE_HAL_INLINE void preempt_inc();
TINE_HAL_INLINE void preempt_dec();
TINE_HAL_INLINE u32 preempt_count();

TINE_HAL_INLINE void cpu_relax();  // polite pause inside a spin loop
// A longer pause for a hart that has spun a while on another hart's word
// (core/sync/spin_wait.h): it sleeps for a few microseconds, woken by
// nothing but its own timer, and leaves the timer as it found it. An
// emulator that runs all harts in turn on one host thread and moves on
// only when a hart sleeps (QEMU 7.2 with -icount) otherwise never runs the
// hart that is awaited: the waiter spins out every turn it is given.
void cpu_nap();

// The direct map: every RAM byte has one kernel virtual address.
TINE_HAL_INLINE void* phys_to_virt(paddr_t pa);
TINE_HAL_INLINE paddr_t virt_to_phys(const void* va);

// Raw console output, usable from any context including panic.
void console_write(const char* s, size_t n);

// The same bytes as they are: no "\n" becomes "\r\n" (the tty's output
// processing, core/tty/, decides that). Callers serialise as for
// console_write (core/lib/console.cpp's lock).
void console_write_raw(const char* s, size_t n);

// Raw console input: the next byte typed (0..255), or -1 when none is
// waiting. Never blocks. Callers serialise (core/fs/file_console.cpp does).
int console_getc();

// Whether console input arrives by interrupt: then the HAL calls
// console_input_interrupt() (core/sched/interrupts.h) whenever bytes wait,
// and that must drain console_getc() until -1 (the line stays raised
// while bytes wait). False: nothing announces input; the reader polls.
bool console_input_interrupts();

// Monotonic time since boot, in nanoseconds.
u64 time_ns();
// The rate of the counter time_ns() reads, in Hz (riscv: the time CSR's
// timebase; Linux's hwprobe TIME_CSR_FREQ).
u64 time_counter_hz();

// time_ns() when the firmware handed over to the kernel's first instruction
// that can read the clock (for the boot summary).
u64 kernel_entry_ns();

// Ends the machine. exit_status 0 is a clean shutdown; anything else is a
// failure, and where the board can say so (QEMU's test finisher) the
// emulator exits with that status.
[[noreturn]] void power_off(int exit_status);

// Stops this hart for good after a panic.
[[noreturn]] void halt();

}  // namespace tine::hal

namespace tine::hal {

// Prints the caller's frame-pointer backtrace to the console (unlocked).
void print_backtrace();

// Number of harts running the kernel; cpu indices are 0 .. online_cpus()-1.
unsigned online_cpus();

// What /proc/cpuinfo tells of the online hart with index `cpu`: the
// platform's id for it, its ISA as the firmware described it ("" if it did
// not), and the MMU mode the kernel runs it in. Strings live for good.
struct HartInfo {
  unsigned hartid;
  const char* isa;
  const char* mmu;
};
HartInfo hart_info(unsigned cpu);

// Interrupts another hart; it runs ipi_interrupt() (core/sched/interrupts.h).
void send_ipi(unsigned cpu);

// Sleeps the calling hart until an interrupt arrives.
void wait_for_interrupt();

// The calling hart's one-shot timer (a hart has one): it interrupts
// (clock_interrupt(), core/sched/interrupts.h) once time_ns() reaches
// deadline_ns, at once if that has passed. A call replaces the deadline
// set before and takes back an interrupt it raised that was not taken
// yet; kTimerNever disarms it. Interrupts off. Generic code decides what
// to program (core/sched/clock.cpp), as NetBSD's and Linux's one-shot
// clock event devices leave it to the timer code above them.
inline constexpr u64 kTimerNever = ~u64(0);
void timer_program(u64 deadline_ns);
// The scheduler tick's period while a hart runs a thread.
u64 tick_period_ns();

}  // namespace tine::hal

namespace tine::hal {

// A kernel thread's saved machine context: callee-saved registers and the
// stack pointer. Opaque to generic code; each HAL static_asserts its layout
// fits. tp is not part of it: tp belongs to the hart (it points at the
// hart's own data), so a thread resumed on another hart sees that hart's.
struct Context {
  alignas(16) uptr words[16];
};

// Prepares `ctx` so that switching to it runs entry(arg) on a fresh stack
// whose top is stack_top. entry must never return.
void context_init(Context& ctx, uptr stack_top, void (*entry)(void*),
                  void* arg);

// Saves the caller's context in `from` and resumes `to`. Returns when some
// hart switches back to `from`. Interrupts must be off.
void context_switch(Context& from, Context& to);

// Kernel stacks: `size` usable bytes with an unmapped guard page below.
struct KernelStack {
  uptr base = 0;  // lowest usable address
  uptr top = 0;   // initial stack pointer
};
inline constexpr size_t kKernelStackSize = 16384;
bool kernel_stack_alloc(KernelStack& out);
void kernel_stack_free(const KernelStack& stack);

// The stack a trap from user mode lands on, for the thread now on this hart.
void set_trap_stack(uptr top);

}  // namespace tine::hal

#if defined(TINE_KERNEL)
#include "hal/riscv/hal_inline.h"
#endif
