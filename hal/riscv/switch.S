/* Kernel thread context switch: callee-saved registers, sp and gp, in the
 * layout of hal::Context (see context.cpp). tp stays: it is the hart's.
 * gp: the kernel never uses it, so a user thread's gp stays in the
 * register from its trap to its return, and trap.S's fast syscall path
 * neither saves nor reloads it; a switch in between must keep it. */
#define CTX_RA 0
#define CTX_SP 8
#define CTX_S(n) (16 + 8 * (n))
#define CTX_GP CTX_S(12)

  .section .text
  .globl context_switch_asm
  .balign 4
/* a0 = from context, a1 = to context */
context_switch_asm:
  sd ra, CTX_RA(a0)
  sd sp, CTX_SP(a0)
  sd s0, CTX_S(0)(a0)
  sd s1, CTX_S(1)(a0)
  sd s2, CTX_S(2)(a0)
  sd s3, CTX_S(3)(a0)
  sd s4, CTX_S(4)(a0)
  sd s5, CTX_S(5)(a0)
  sd s6, CTX_S(6)(a0)
  sd s7, CTX_S(7)(a0)
  sd s8, CTX_S(8)(a0)
  sd s9, CTX_S(9)(a0)
  sd s10, CTX_S(10)(a0)
  sd s11, CTX_S(11)(a0)
  sd gp, CTX_GP(a0)
  ld ra, CTX_RA(a1)
  ld sp, CTX_SP(a1)
  ld s0, CTX_S(0)(a1)
  ld s1, CTX_S(1)(a1)
  ld s2, CTX_S(2)(a1)
  ld s3, CTX_S(3)(a1)
  ld s4, CTX_S(4)(a1)
  ld s5, CTX_S(5)(a1)
  ld s6, CTX_S(6)(a1)
  ld s7, CTX_S(7)(a1)
  ld s8, CTX_S(8)(a1)
  ld s9, CTX_S(9)(a1)
  ld s10, CTX_S(10)(a1)
  ld s11, CTX_S(11)(a1)
  ld gp, CTX_GP(a1)
  ret

/* First instructions of a new thread: s1 = argument, s2 = entry. */
  .globl context_start_asm
context_start_asm:
  mv a0, s1
  mv ra, zero        /* ends backtraces */
  jr s2
