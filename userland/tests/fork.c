/*
 * fork: fork() = clone(SIGCHLD, 0) returns the child's pid in the parent and
 * 0 in the child; the child's parent is the caller; the child starts with a
 * copy of the parent's memory (data, heap, stack) and from then on neither
 * side sees the other's writes; the exit status comes back through wait4.
 */
#include "t.h"

static int global = 1;

/* Failure bits a child sends back as its exit status. */
enum {
	C_PPID = 1,             /* getppid() != the parent's pid */
	C_INHERIT = 2,          /* did not see the parent's values */
	C_ISOLATED = 4,         /* saw the parent's writes made after fork */
	C_PIPE = 8,             /* could not talk to the parent */
};

#if defined(__riscv)
/*
 * FPU state: the child starts with the parent's FP registers, and each
 * process keeps its own across switches. fs1 is loaded and read inside the
 * same asm statement as the syscall, so no compiler code runs in between.
 */
static void fp_checks(void)
{
	const unsigned long pi = 0x400921fb54442d18ul, e = 0x4005bf0a8b145769ul;
	register long a0 asm("a0") = 17; /* clone(SIGCHLD) */
	register long a1 asm("a1") = 0;
	register long a7 asm("a7") = 220;
	unsigned long after;
	asm volatile("fmv.d.x fs1, %[v]\n\tecall\n\tfmv.x.d %[out], fs1"
		     : "+r"(a0), [out] "=&r"(after)
		     : [v] "r"(pi), "r"(a1), "r"(a7)
		     : "fs1", "memory");
	long pid = a0;
	if (pid == 0) {
		/* Child: scribble on fs1, then give the parent the verdict. */
		asm volatile("fmv.d.x fs1, zero" ::: "fs1");
		_exit(after == pi ? 0 : 1);
	}
	check("fp_clone", pid > 0, "clone: %ld", pid);
	/* Parent: fs1 = e across a wait4 during which the child runs. */
	int status = -1;
	register long w0 asm("a0") = pid;
	register long w1 asm("a1") = (long)&status;
	register long w2 asm("a2") = 0;
	register long w3 asm("a3") = 0;
	register long w7 asm("a7") = 260;
	asm volatile("fmv.d.x fs1, %[v]\n\tecall\n\tfmv.x.d %[out], fs1"
		     : "+r"(w0), [out] "=&r"(after)
		     : [v] "r"(e), "r"(w1), "r"(w2), "r"(w3), "r"(w7)
		     : "fs1", "memory");
	check("child_fp_registers", WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child saw fs1 different from the parent's (status 0x%x)", status);
	check("parent_fp_registers_kept", after == e,
	      "fs1 changed across the child's run: %lx", after);
}
#endif

int main(void)
{
	t_begin("fork");
#if defined(__riscv)
	fp_checks();
#endif

	int *heap = malloc(sizeof(int));
	volatile int stack = 3;
	int c2p[2], p2c[2];
	pid_t parent = getpid();

	*heap = 2;
	if (pipe(c2p) < 0 || pipe(p2c) < 0) {
		fail("pipe", "pipe: %s", strerror(errno));
		return t_end();
	}

	pid_t pid = fork();
	if (pid < 0) {
		fail("returns_pid", "fork: %s", strerror(errno));
		return t_end();
	}
	if (pid == 0) {
		int bad = 0;
		pid_t me = getpid();
		char c = 0;

		if (getppid() != parent)
			bad |= C_PPID;
		if (global != 1 || *heap != 2 || stack != 3)
			bad |= C_INHERIT;
		global = 10;
		*heap = 20;
		stack = 30;
		/* Tell the parent our pid and that our writes are done, then
		 * wait until it has made its own. */
		if (write(c2p[1], &me, sizeof(me)) != sizeof(me) ||
		    read(p2c[0], &c, 1) != 1)
			bad |= C_PIPE;
		if (global != 10 || *heap != 20 || stack != 30)
			bad |= C_ISOLATED;
		_exit(bad);
	}

	pid_t childpid = 0;
	check("returns_pid", pid > 0 && pid != parent, "fork returned %d, parent is %d",
	      pid, parent);
	if (read(c2p[0], &childpid, sizeof(childpid)) != sizeof(childpid))
		fail("child_getpid", "no pid from the child");
	else
		check("child_getpid", childpid == pid,
		      "child's getpid() %d, fork returned %d", childpid, pid);
	check("child_writes_invisible", global == 1 && *heap == 2 && stack == 3,
	      "parent sees %d/%d/%d after the child wrote 10/20/30", global, *heap,
	      stack);
	global = 100;
	*heap = 200;
	stack = 300;
	if (write(p2c[1], "x", 1) != 1)
		fail("pipe", "write: %s", strerror(errno));

	int st = 0;
	pid_t w = wait4(pid, &st, 0, NULL);
	check("wait4_returns_pid", w == pid, "wait4 returned %d (%s), want %d", w,
	      w < 0 ? strerror(errno) : "", pid);
	int bad = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (bad < 0) {
		fail("child_ran", "child ended with %s", wstr(st));
	} else {
		ok("fork_returns_0_in_child");
		check("child_getppid", !(bad & C_PPID), "getppid() in the child is not %d",
		      parent);
		check("child_sees_parent_memory", !(bad & C_INHERIT),
		      "the child did not see global/heap/stack = 1/2/3");
		check("parent_writes_invisible", !(bad & C_ISOLATED),
		      "the child saw the parent's writes after fork");
		check("child_pipe", !(bad & C_PIPE), "the child could not use the pipes");
	}
	check("parent_memory_kept", global == 100 && *heap == 200 && stack == 300,
	      "parent's values %d/%d/%d", global, *heap, stack);

	/* Exit statuses pass through wait4 unchanged. */
	static const int codes[] = { 0, 1, 42, 127, 255 };
	int all = 1;
	for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		pid_t p = fork();

		if (p == 0)
			_exit(codes[i]);
		st = wait_for(p);
		if (p < 0 || st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != codes[i]) {
			fail("exit_status", "_exit(%d) came back as %s", codes[i],
			     p < 0 || st < 0 ? strerror(errno) : wstr(st));
			all = 0;
		}
	}
	if (all)
		ok("exit_status");

	/* Many children at once, reaped in any order. */
	pid_t kids[8];
	int n = 0;
	for (int i = 0; i < 8; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(i + 1);
		if (kids[i] > 0)
			n++;
	}
	int seen = 0, reaped = 0;
	for (;;) {
		pid_t r = wait4(-1, &st, 0, NULL);

		if (r < 0)
			break;
		reaped++;
		for (int i = 0; i < 8; i++)
			if (kids[i] == r && WIFEXITED(st) && WEXITSTATUS(st) == i + 1)
				seen |= 1 << i;
	}
	check("wait_any", n == 8 && reaped == 8 && seen == 0xff && errno == ECHILD,
	      "forked %d, reaped %d, matched mask 0x%x, last errno %s", n, reaped,
	      seen, strerror(errno));
	return t_end();
}
