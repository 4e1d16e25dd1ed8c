/*
 * vfork.S: 3BSD vfork = clone(CLONE_VM|CLONE_VFORK|SIGCHLD, 0), as glibc's
 * riscv vfork.S (which passes sp as newsp; 0 means the same).
 *
 * The child runs on the parent's stack until it execs or exits, so this must
 * not keep anything on the stack across the trap: the return address stays
 * in a register (ra; on x86_64 it is popped into rdx and pushed back) and the
 * child returns straight to the caller. The caller must not return from its
 * own frame in the child.
 */
	.text
	.globl vfork
	.type vfork, @function
vfork:
#if defined(__riscv)
	li	a0, 0x4111              /* CLONE_VM | CLONE_VFORK | SIGCHLD */
	li	a1, 0
	li	a2, 0
	li	a3, 0
	li	a4, 0
	li	a7, 220                 /* clone */
	ecall
	li	t0, -4096
	bgtu	a0, t0, 1f
	ret
1:	neg	a0, a0
	lla	t0, errno
	sw	a0, 0(t0)
	li	a0, -1
	ret
#elif defined(__x86_64__)
	pop	%rdx                    /* return address: off the shared stack */
	mov	$0x4111, %edi
	xor	%esi, %esi
	xor	%r10d, %r10d
	xor	%r8d, %r8d
	mov	$56, %eax               /* clone */
	syscall
	push	%rdx
	cmp	$-4095, %rax
	jae	1f
	ret
1:	neg	%eax
	mov	%eax, errno(%rip)
	mov	$-1, %eax
	ret
#endif
	.size vfork, . - vfork
	.section .note.GNU-stack, "", @progbits
