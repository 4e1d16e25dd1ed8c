/*
 * clone_settid: CLONE_PARENT_SETTID stores the child's pid at parent_tid
 * before the child can run, as Linux's kernel_clone does (after the child's
 * memory was made, before it is woken):
 *   3BSD vfork (CLONE_VM|CLONE_VFORK): the child, which runs before the
 *     parent returns, reads its own pid there (shared memory);
 *   4.4BSD vfork (CLONE_VFORK) and fork: the parent's copy has the pid, the
 *     child's copy does not (the store is into the parent's memory only;
 *     checked on a native Linux kernel);
 *   the parent gets the pid there in each case.
 * The child reads the word and exits inside one asm statement, without
 * touching the stack it may share with its parent.
 *
 * qemu-riscv64 makes the store in the child as well, so under
 * TINE_QEMU_USER=1 the copied-memory child checks are skipped.
 */
#include "t.h"

static volatile int ptid;

#if defined(__riscv)
/* clone(flags, 0, &ptid, 0, 0). The child exits with 0 if it read its own
 * pid at ptid, 1 if it read 0, 2 otherwise. */
static long clone_settid(unsigned long flags, volatile int *tidp)
{
	register long a0 asm("a0") = (long)flags;
	register long a1 asm("a1") = 0;
	register long a2 asm("a2") = (long)tidp;
	register long a3 asm("a3") = 0;
	register long a4 asm("a4") = 0;
	register long a7 asm("a7") = 220;

	asm volatile("ecall\n\t"
		     "bnez a0, 3f\n\t"
		     "lw t0, 0(a2)\n\t"
		     "li a7, 172\n\tecall\n\t" /* getpid */
		     "li t1, 0\n\t"
		     "beq t0, a0, 2f\n\t"
		     "li t1, 1\n\t"
		     "beqz t0, 2f\n\t"
		     "li t1, 2\n"
		     "2:\tmv a0, t1\n\tli a7, 94\n\tecall\n" /* exit_group */
		     "3:\n"
		     : "+r"(a0), "+r"(a7)
		     : "r"(a1), "r"(a2), "r"(a3), "r"(a4)
		     : "t0", "t1", "memory");
	return a0;
}
#endif

static void run(const char *name, unsigned long flags, int child_sees)
{
#if defined(__riscv)
	char cname[64];
	int qemu = on_qemu_user();

	ptid = 0;
	long pid = clone_settid(flags | CLONE_PARENT_SETTID | SIGCHLD, &ptid);
	snprintf(cname, sizeof(cname), "%s_clone", name);
	if (pid < 0) {
		fail(cname, "clone: %ld", pid);
		return;
	}
	int st = wait_for((pid_t)pid);
	int code = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	snprintf(cname, sizeof(cname), "%s_parent_sees_pid", name);
	check(cname, ptid == pid, "parent_tid holds %d, the child is %ld", ptid, pid);
	snprintf(cname, sizeof(cname), "%s_child_sees", name);
	if (!child_sees && qemu)
		skip(cname, "qemu-riscv64 stores parent_tid in the child too");
	else if (child_sees)
		check(cname, code == 0,
		      "the child read %s at parent_tid before the parent returned",
		      code == 1 ? "0" : code == 2 ? "another pid" : "nothing");
	else
		check(cname, code == 1, "the child's copy of parent_tid holds %s, want 0",
		      code == 0 ? "its pid" : code == 2 ? "another pid" : "nothing");
#else
	(void)flags;
	(void)child_sees;
	skip(name, "RISC-V asm");
#endif
}

int main(void)
{
	t_begin("clone_settid");
	run("vfork", CLONE_VM | CLONE_VFORK, 1);
	run("vfork44", CLONE_VFORK, 0);
	run("fork", 0, 0);
	return t_end();
}
