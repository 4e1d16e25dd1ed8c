/*
 * crt0.S: process entry. Linux's initial stack (and Tine's) at _start:
 *   sp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv (type, value)...
 * sp is 16-byte aligned. Calls __libc_start(argc, argv, envp), which runs
 * main and exits with its result.
 */
	.text
	.globl _start
	.type _start, @function
_start:
#if defined(__riscv)
	/* The linker relaxes static accesses against gp: set it first. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	ld	a0, 0(sp)               /* argc */
	addi	a1, sp, 8               /* argv */
	slli	t0, a0, 3
	add	a2, a1, t0
	addi	a2, a2, 8               /* envp = argv + argc + 1 */
	andi	sp, sp, -16
	li	ra, 0                   /* end of the backtrace */
	li	fp, 0
	call	__libc_start
1:	j	1b
#elif defined(__x86_64__)
	xor	%ebp, %ebp
	mov	(%rsp), %rdi            /* argc */
	lea	8(%rsp), %rsi           /* argv */
	lea	16(%rsp,%rdi,8), %rdx   /* envp */
	and	$-16, %rsp
	call	__libc_start
	hlt
#endif
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
