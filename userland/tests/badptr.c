/*
 * badptr: bad user pointers are EFAULT, an unknown system call is ENOSYS,
 * and the caller survives them all (copy-in/copy-out turn the fault into an
 * error: DESIGN.md, "Memory").
 *   write(1, bad1, 5), write from a kernel-half address, from an
 *   unmapped page: EFAULT;
 *   read into a read-only page: EFAULT;
 *   execve with a bad path pointer, a bad argv pointer: EFAULT;
 *   clock_gettime, nanosleep, uname, pipe2, sysinfo with bad pointers: EFAULT;
 *   syscall 4000 and syscall -1: ENOSYS.
 */
#include "t.h"

#define PAGE 4096
/* The start of the kernel half on Sv39 (and above x86_64's user half). */
#define KERNEL_ADDR ((void *)0xffffffc000000000UL)

/* Through a volatile, so that the compiler cannot see the bad pointer. */
static void *volatile bad1 = (void *)1;

static void expect(const char *name, long r, long want)
{
	check(name, r == want, "returned %ld (%s), want %ld (%s)", r,
	      r < 0 && r > -4096 ? strerror((int)-r) : "", want, strerror((int)-want));
}

int main(void)
{
	t_begin("badptr");
	fflush_stdout();

	expect("write_ptr_1", sys_write(1, bad1, 5), -EFAULT);
	expect("write_kernel_addr", sys_write(1, KERNEL_ADDR, 5), -EFAULT);

	char *page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		fail("mmap", "%s", strerror(errno));
		return t_end();
	}
	munmap(page + PAGE, PAGE);
	expect("write_unmapped", sys_write(1, page + PAGE, 5), -EFAULT);

	int p[2];
	if (pipe(p) < 0) {
		fail("pipe", "%s", strerror(errno));
		return t_end();
	}
	mprotect(page, PAGE, PROT_READ);
	write(p[1], "hello", 5);
	expect("read_into_readonly", sys_read(p[0], page, 5), -EFAULT);
	expect("read_into_kernel_addr", sys_read(p[0], KERNEL_ADDR, 5), -EFAULT);
	expect("write_pipe_ptr_1", sys_write(p[1], bad1, 5), -EFAULT);

	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };
	expect("execve_bad_path", sys_execve(bad1, argv, envp), -EFAULT);
	expect("execve_kernel_path", sys_execve(KERNEL_ADDR, argv, envp), -EFAULT);
	expect("execve_bad_argv", sys_execve(tine_path("/bin/true"), bad1, envp),
	       -EFAULT);
	expect("execve_bad_argv_string",
	       sys_execve(tine_path("/bin/true"), (char *[]){ "x", bad1, NULL }, envp),
	       -EFAULT);

	expect("clock_gettime", sys_clock_gettime(CLOCK_MONOTONIC, bad1), -EFAULT);
	if (on_qemu_user())
		skip("nanosleep", "qemu-riscv64 says EINVAL for a bad timespec pointer");
	else
		expect("nanosleep", sys_nanosleep(bad1, NULL), -EFAULT);
	expect("uname", sys_uname(KERNEL_ADDR), -EFAULT);
	expect("sysinfo", sys_sysinfo((void *)page), -EFAULT);   /* read-only */
	expect("pipe2", sys_pipe2((int *)page, 0), -EFAULT);
	expect("wait4_status", sys_wait4(-1, bad1, WNOHANG, NULL), -ECHILD);

	expect("unknown_4000", RAW0(4000), -ENOSYS);
	expect("unknown_minus_1", RAW0(-1), -ENOSYS);

	check("survived", getpid() > 0, "getpid failed");
	return t_end();
}
