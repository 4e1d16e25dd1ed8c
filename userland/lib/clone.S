/*
 * clone.S: int clone(int (*fn)(void *), void *stack, unsigned long flags,
 *                    void *arg)
 * as glibc's riscv clone.S: fn and arg are put on the child's new stack,
 * the raw clone(flags, stack, 0, 0, 0) is made, and the child calls fn(arg)
 * and then exit (93) with its result. The parent gets the pid, or -1/errno.
 */
	.text
	.globl clone
	.type clone, @function
clone:
#if defined(__riscv)
	andi	a1, a1, -16
	addi	a1, a1, -16
	sd	a0, 0(a1)               /* fn */
	sd	a3, 8(a1)               /* arg */
	mv	a0, a2                  /* flags; a1 = newsp */
	li	a2, 0
	li	a3, 0
	li	a4, 0
	li	a7, 220                 /* clone */
	ecall
	beqz	a0, 2f
	li	t0, -4096
	bgtu	a0, t0, 1f
	ret
1:	neg	a0, a0
	lla	t0, errno
	sw	a0, 0(t0)
	li	a0, -1
	ret
2:	/* child, sp = the new stack */
	ld	t1, 0(sp)
	ld	a0, 8(sp)
	li	ra, 0
	li	fp, 0
	jalr	t1
	li	a7, 93                  /* exit */
	ecall
3:	j	3b
#elif defined(__x86_64__)
	and	$-16, %rsi
	sub	$16, %rsi
	mov	%rdi, 0(%rsi)           /* fn */
	mov	%rcx, 8(%rsi)           /* arg */
	mov	%rdx, %rdi              /* flags; rsi = newsp */
	xor	%edx, %edx
	xor	%r10d, %r10d
	xor	%r8d, %r8d
	mov	$56, %eax               /* clone */
	syscall
	test	%rax, %rax
	jz	2f
	cmp	$-4095, %rax
	jae	1f
	ret
1:	neg	%eax
	mov	%eax, errno(%rip)
	mov	$-1, %eax
	ret
2:	xor	%ebp, %ebp
	pop	%rax                    /* fn */
	pop	%rdi                    /* arg */
	call	*%rax
	mov	%eax, %edi
	mov	$60, %eax               /* exit */
	syscall
	hlt
#endif
	.size clone, . - clone
	.section .note.GNU-stack, "", @progbits
