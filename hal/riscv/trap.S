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
#include "hal/riscv/trap_frame.h"
#include "hal/riscv/uaccess_window.h"

#define SAVE(n) sd x##n, TRAP_FRAME_REG(n)(sp)
#define LOAD(n) ld x##n, TRAP_FRAME_REG(n)(sp)

/* Registers a C function may change: saved on every entry. */
#define SAVE_CALLER \
  SAVE(6); SAVE(7); SAVE(10); SAVE(11); SAVE(12); SAVE(13); SAVE(14); \
  SAVE(15); SAVE(16); SAVE(17); SAVE(28); SAVE(29); SAVE(30); SAVE(31)
/* s0..s11: C code keeps them, so the fast syscall path leaves them in
 * place and saves them only when it goes slow (syscall_fast below). */
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
  SAVE(3)
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
  SAVE_CALLEE

save_stval:
  csrr t0, stval
  sd t0, TRAP_FRAME_STVAL(sp)
  /* s0 still holds the interrupted frame pointer, so a backtrace from the
   * handler walks on into the interrupted kernel code. */
  mv a0, sp
  call trap_dispatch
  j trap_return

/* A syscall. syscall_fast (user_trap.cpp) runs it with s0..s11 still the
 * user's, in the registers (C code preserves them), and says whether the
 * way back is as short: 0 yes. Otherwise (signals to deliver, a stop, a
 * switch, a syscall that reads or writes the whole frame, a traced
 * process) the s-registers go into the frame first, since from there on
 * anything may read or replace the frame, and syscall_slow finishes the
 * trap with the full frame and returns through trap_return. */
user_ecall:
  mv a0, sp
  call syscall_fast
  bnez a0, 1f
  ld t0, TRAP_FRAME_SSTATUS(sp)
  csrw sstatus, t0               /* SPP is 0: back to user mode */
  ld t0, TRAP_FRAME_SEPC(sp)
  csrw sepc, t0
  csrw sscratch, tp              /* next trap finds HartLocal */
  LOAD(1)
  LOAD(3)
  LOAD(4)
  LOAD(5)
  LOAD_CALLER
  LOAD(2)
  sret
1:
  SAVE_CALLEE
  sd zero, TRAP_FRAME_STVAL(sp)  /* an ecall's stval is 0 */
  mv a1, a0
  mv a0, sp
  call syscall_slow

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
