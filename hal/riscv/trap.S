/* The S-mode trap vector. sscratch is 0 while the hart runs kernel code and
 * holds the hart's HartLocal pointer while it runs user code, so one swap
 * tells where the trap came from. The full frame goes on the kernel stack;
 * trap_dispatch (trap.cpp) gets a pointer to it.
 *
 * sstatus.SUM (kernel access to user pages) follows uaccess_window.h. With
 * the window, SUM is on only inside user_copy_in/out; a trap taken there
 * must not run its handler, or whatever thread the handler switches to,
 * with user access on: entry clears SUM after saving sstatus in the frame,
 * and trap_return's write of the saved sstatus gives the interrupted code
 * its SUM back. Without it, SUM is always on and entry leaves it. */
#include "hal/riscv/hart.h"
#include "hal/riscv/syscall_offsets.h"
#include "hal/riscv/trap_frame.h"
#include "hal/riscv/uaccess_window.h"

#define SAVE(n) sd x##n, TRAP_FRAME_REG(n)(sp)
#define LOAD(n) ld x##n, TRAP_FRAME_REG(n)(sp)

/* Registers a C function may change: saved on every entry. */
#define SAVE_CALLER \
  SAVE(6); SAVE(7); SAVE(10); SAVE(11); SAVE(12); SAVE(13); SAVE(14); \
  SAVE(15); SAVE(16); SAVE(17); SAVE(28); SAVE(29); SAVE(30); SAVE(31)
/* s0..s11: C code keeps them, so the fast syscall path leaves them in
 * place and saves them only when it goes slow (user_ecall below). */
#define SAVE_CALLEE \
  SAVE(8); SAVE(9); SAVE(18); SAVE(19); SAVE(20); SAVE(21); SAVE(22); \
  SAVE(23); SAVE(24); SAVE(25); SAVE(26); SAVE(27)
#define LOAD_CALLER \
  LOAD(6); LOAD(7); LOAD(10); LOAD(11); LOAD(12); LOAD(13); LOAD(14); \
  LOAD(15); LOAD(16); LOAD(17); LOAD(28); LOAD(29); LOAD(30); LOAD(31)
#define LOAD_CALLEE \
  LOAD(8); LOAD(9); LOAD(18); LOAD(19); LOAD(20); LOAD(21); LOAD(22); \
  LOAD(23); LOAD(24); LOAD(25); LOAD(26); LOAD(27)

#if TINE_UACCESS_WINDOW
/* saved, and user access off in the handler */
#define SAVE_SSTATUS li t1, TRAP_SSTATUS_SUM; csrrc t0, sstatus, t1; sd t0, TRAP_FRAME_SSTATUS(sp)
#else
/* saved; SUM stays on (uaccess_window.h) */
#define SAVE_SSTATUS csrr t0, sstatus; sd t0, TRAP_FRAME_SSTATUS(sp)
#endif

  .section .text
  .globl trap_entry
  .balign 4
trap_entry:
  csrrw tp, sscratch, tp
  bnez tp, from_user
  /* From the kernel: tp was swapped with 0; swap back. */
  csrrw tp, sscratch, tp
  addi sp, sp, -TRAP_FRAME_SIZE
  SAVE(1)
  SAVE(3)
  SAVE(4)
  SAVE(5)
  addi t0, sp, TRAP_FRAME_SIZE
  sd t0, TRAP_FRAME_REG(2)(sp)
  SAVE_CALLER
  SAVE_CALLEE
  csrr t0, sepc
  sd t0, TRAP_FRAME_SEPC(sp)
  SAVE_SSTATUS
  csrr t0, scause
  sd t0, TRAP_FRAME_SCAUSE(sp)
  j save_stval

from_user:
  sd sp, HART_USER_SP(tp)
  ld sp, HART_KERNEL_SP(tp)
  addi sp, sp, -TRAP_FRAME_SIZE
  SAVE(1)
  SAVE(5)
  ld t0, HART_USER_SP(tp)
  sd t0, TRAP_FRAME_REG(2)(sp)
  csrr t0, sscratch
  sd t0, TRAP_FRAME_REG(4)(sp)
  csrw sscratch, zero
  SAVE_CALLER
  csrr t0, sepc
  sd t0, TRAP_FRAME_SEPC(sp)
  SAVE_SSTATUS
  csrr t0, scause
  sd t0, TRAP_FRAME_SCAUSE(sp)
  li t1, TRAP_CAUSE_ECALL_U
  beq t0, t1, user_ecall
  addi t1, t0, -TRAP_CAUSE_INSN_PAGE_FAULT  /* 12, 13 or 15 (14 is reserved) */
  sltiu t1, t1, 4
  bnez t1, user_page_fault
  SAVE(3)
  SAVE_CALLEE

save_stval:
  csrr t0, stval
  sd t0, TRAP_FRAME_STVAL(sp)
  /* s0 still holds the interrupted frame pointer, so a backtrace from the
   * handler walks on into the interrupted kernel code. */
  mv a0, sp
  call trap_dispatch
  j trap_return

/* A syscall. A fast call (the process's Emul lists it in `fast`, and the
 * LWP has no work: core/proc/syscall_fast.h) runs from here with no C frame
 * around it: s0..s11 and gp are still the user's, in the registers (C code
 * and the context switch keep them), and a0..a5 in the frame are its
 * arguments. The way back is as short unless the call noted a restart,
 * failed, or the LWP has work: then syscall_fast_tail (user_trap.cpp)
 * finishes, and says whether the short way still does. Otherwise (signals
 * to deliver, a stop, a syscall that reads or writes the whole frame, a
 * traced process) the s-registers and gp go into the frame first, since
 * from there on anything may read or replace the frame, and syscall_slow
 * finishes the trap with the full frame and returns through trap_return.
 * t0 = the LWP, t1 = the call, a7 = its number (still the user's). */
user_ecall:
  ld t0, HART_CURRENT_THREAD(tp)
  lw t1, LWP_WORK(t0)
  bnez t1, 8f
  ld t1, LWP_PROC(t0)
  li t2, PROC_EMUL
  add t1, t1, t2
  ld t1, 0(t1)
  lwu t2, EMUL_NSYSCALLS(t1)
  bgeu a7, t2, 8f
  ld t1, EMUL_FAST(t1)
  slli t2, a7, 3
  add t1, t1, t2
  ld t1, 0(t1)
  beqz t1, 8f
  ld t2, TRAP_FRAME_SEPC(sp)
  addi t2, t2, 4                 /* past the ecall */
  sd t2, TRAP_FRAME_SEPC(sp)
  sb zero, LWP_SYSRESTART(t0)
  csrsi sstatus, TRAP_SSTATUS_SIE
  addi a0, sp, TRAP_FRAME_REG(10)
  jalr t1
  csrci sstatus, TRAP_SSTATUS_SIE
  /* From here nothing is posted for the LWP on this hart (interrupts are
   * off); what another hart posts later is taken at its next return. */
  ld t0, HART_CURRENT_THREAD(tp)
  bltz a0, 7f                    /* an error: a restart to note? */
  lbu t1, LWP_SYSRESTART(t0)
  bnez t1, 7f
  sd a0, TRAP_FRAME_REG(10)(sp)
  lw t1, LWP_WORK(t0)
  bnez t1, 7f
fast_return:
  ld t0, TRAP_FRAME_SSTATUS(sp)
  csrw sstatus, t0               /* SPP is 0: back to user mode */
  ld t0, TRAP_FRAME_SEPC(sp)
  csrw sepc, t0
  csrw sscratch, tp              /* next trap finds HartLocal */
  LOAD(1)
  LOAD(4)
  LOAD(5)
  LOAD_CALLER
  LOAD(2)
  sret
7:
  mv a1, a0
  mv a0, sp
  call syscall_fast_tail
  beqz a0, fast_return
  j 9f
8:
  li a0, 1                       /* kNotStarted: the call needs the frame */
9:
  sd zero, TRAP_FRAME_STVAL(sp)  /* an ecall's stval is 0 */
10:
  SAVE(3)
  SAVE_CALLEE
  mv a1, a0
  mv a0, sp
  call syscall_slow
  j trap_return

/* A page fault from U-mode, served as a fast call is: the VM layer
 * resolves it (or posts the signal) with s0..s11 and gp still the user's,
 * and user_fault_fast (user_trap.cpp) says whether the short way back
 * does (0) or userret has work (syscall_slow's kFinish). */
user_page_fault:
  csrr t0, stval
  sd t0, TRAP_FRAME_STVAL(sp)
  mv a0, sp
  call user_fault_fast
  beqz a0, fast_return
  j 10b

/* Restores the frame at sp and returns from the trap. Also the way a new
 * user thread first enters U-mode. */
  .globl trap_return
trap_return:
  ld t0, TRAP_FRAME_SSTATUS(sp)
  andi t1, t0, (1 << 8)          /* SPP: 0 means back to user mode */
  bnez t1, 1f
  csrw sscratch, tp              /* user mode: next trap finds HartLocal */
  ld tp, TRAP_FRAME_REG(4)(sp)   /* the user's tp */
1:
  /* Back to the kernel, tp stays: a thread preempted in this trap may have
   * moved to another hart, and tp is the hart's, not the thread's. */
  csrw sstatus, t0               /* SUM as the interrupted code had it */
  ld t0, TRAP_FRAME_SEPC(sp)
  csrw sepc, t0
  LOAD(1)
  LOAD(3)
  LOAD(5)
  LOAD_CALLER
  LOAD_CALLEE
  LOAD(2)
  sret
