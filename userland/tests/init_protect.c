/*
 * init_protect: init (pid 1, our /bin/init, which catches nothing) ignores
 * every signal it has no handler for, as Linux's SIGNAL_UNKILLABLE, whoever
 * sends it: kill from root with SIGTERM, SIGUSR1, SIGSEGV, SIGKILL and SIGSTOP
 * returns 0 and does nothing, and an orphan whose exit signal is SIGUSR1
 * (clone's CSIGNAL) dies under init without killing it. Before, each of
 * these powered the machine off: had init died, this test would end with
 * no summary line from the runner.
 */
#include "t.h"

#if defined(__riscv)
/* clone(SIGUSR1, 0, 0, 0, 0): the child sleeps 50 ms and exits 0. */
static long clone_usr1_sleeper(void)
{
	static const struct timespec ts = { 0, 50 * 1000000L };
	register long a0 asm("a0") = SIGUSR1;
	register long a1 asm("a1") = 0;
	register long a2 asm("a2") = 0;
	register long a3 asm("a3") = 0;
	register long a4 asm("a4") = 0;
	register long a7 asm("a7") = 220;
	register long t2 asm("t2") = (long)&ts;

	asm volatile("ecall\n\t"
		     "bnez a0, 1f\n\t"
		     "mv a0, t2\n\tli a1, 0\n\tli a7, 101\n\tecall\n\t" /* nanosleep */
		     "li a0, 0\n\tli a7, 94\n\tecall\n"               /* exit_group */
		     "1:\n"
		     : "+r"(a0), "+r"(a7)
		     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(t2)
		     : "memory");
	return a0;
}
#endif

int main(void)
{
	t_begin("init_protect");

	static const int sigs[] = { SIGTERM, SIGUSR1, SIGSEGV, SIGKILL, SIGSTOP };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int r = kill(1, sigs[i]);
		sleep_ms(20);
		int alive = kill(1, 0);
		check("kill_init", r == 0 && alive == 0,
		      "kill(1, %d) = %d (%s), then kill(1, 0) = %d", sigs[i], r,
		      r < 0 ? strerror(errno) : "-", alive);
	}

#if defined(__riscv)
	/* A goes away at once; its clone B becomes init's with exit signal
	 * SIGUSR1, which reaches init when B exits 50 ms later. */
	pid_t a = fork();
	if (a == 0) {
		long b = clone_usr1_sleeper();
		_exit(b > 0 ? 0 : 1);
	}
	int st = wait_for(a);
	check("orphan_clone", st == 0, "A ended with %s", st < 0 ? strerror(errno) : wstr(st));
	sleep_ms(150);
	check("orphan_exit_signal", kill(1, 0) == 0, "init is gone: %s", strerror(errno));
#endif
	return t_end();
}
