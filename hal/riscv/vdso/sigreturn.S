/* The signal trampoline: a handler returns here (the kernel puts this
 * address in ra, core/proc/vdso.h), and rt_sigreturn restores the frame.
 * riscv64 glibc sets no sa_restorer and relies on it, as on Linux; libgcc's
 * unwinder recognises a signal frame by these two instructions, so they stay
 * exactly "li a7, 139; ecall". */
	.text
	.balign 4
	.globl __vdso_rt_sigreturn
	.type __vdso_rt_sigreturn, @function
__vdso_rt_sigreturn:
	.cfi_startproc
	.cfi_signal_frame
	li a7, 139
	ecall
	.cfi_endproc
	.size __vdso_rt_sigreturn, . - __vdso_rt_sigreturn

	.section .note.GNU-stack, "", @progbits
