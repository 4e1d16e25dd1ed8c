/*
 * reboot_err: reboot(2)'s refusals, in Linux's order (kernel/reboot.c):
 * a caller without privilege gets EPERM whatever it passes, then a wrong
 * magic number is EINVAL, then a command Linux does not know is EINVAL.
 * The machine staying up after each is the check that none of them acted.
 * (That POWER_OFF works is test/init's poweroff-f: BusyBox's poweroff -f.)
 * Never on Linux: a root caller there could stop the host.
 */
#include "t.h"

#if defined(__riscv)
#define NR_reboot 142
#else
#define NR_reboot 169
#endif
#define MAGIC1 0xfee1deadu
#define MAGIC2 672274793u
#define CMD_POWER_OFF 0x4321fedcu

static long rb(unsigned m1, unsigned m2, unsigned cmd)
{
	long r = RAW4(NR_reboot, m1, m2, cmd, 0);

	return r;
}

int main(void)
{
	t_begin("reboot_err");
	if (on_linux()) {
		skip("all", "reboot(2) is never called on Linux");
		return t_end();
	}
	long r = rb(0x12345678u, MAGIC2, CMD_POWER_OFF);
	check("bad_magic1", r == -EINVAL, "got %ld", r);
	r = rb(MAGIC1, 12345u, CMD_POWER_OFF);
	check("bad_magic2", r == -EINVAL, "got %ld", r);
	r = rb(MAGIC1, MAGIC2, 0x11111111u);
	check("bad_cmd", r == -EINVAL, "got %ld", r);

	/* Not root: EPERM before the magic numbers are looked at. */
	fflush_stdout();
	pid_t pid = fork();
	if (pid == 0) {
		if (setuid(1000) != 0 || getuid() == 0 || geteuid() == 0)
			_exit(2);
		if (rb(0x12345678u, 1, 2) != -EPERM)
			_exit(3);
		_exit(rb(MAGIC1, MAGIC2, CMD_POWER_OFF) == -EPERM ? 0 : 4);
	}
	int st = wait_for(pid);
	check("eperm_non_root", st == 0, "child %s", wstr(st));
	return t_end();
}
