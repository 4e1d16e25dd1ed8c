/*
 * fpregs: every process keeps its own FP registers (the callee-saved fs0-fs11
 * and fcsr) across fork, 4.4BSD vfork, 3BSD vfork and exec.
 *   fork, vfork44, vfork: the parent loads distinctive values, makes the raw
 *     clone in the same asm statement and reads its registers right after it;
 *     the child (in asm, no stack) stores what it got into a MAP_SHARED page,
 *     zeroes its registers and fcsr, yields and exits. The child must see the
 *     parent's values, and the parent its own, also after a wait4 during
 *     which the child scribbled (the bug: fork1 saved the parent's registers
 *     into the child only, marking them clean, so the parent's switch-out in
 *     vfork's wait skipped the save and it came back with stale ones);
 *   exec: a child loads distinctive values, sleeps (so they are saved as its
 *     own), and execs this program again; the new image must see zeros in
 *     fs0-fs11 and fcsr, and still zeros after sleeping and yielding while
 *     another process dirties its FP registers.
 * Each variant runs several rounds: at 4 harts the switch points move.
 */
#include "t.h"

#if defined(__riscv)
#define NREG 13 /* fs0-fs11, fcsr */
#define ROUNDS 5

typedef unsigned long u64;

/* Loads fs0-fs11 and fcsr from in[], makes syscall nr, stores them to out[]. */
#define FP_LOAD                                                                \
	"fld fs0, 0(%[in])\n\tfld fs1, 8(%[in])\n\tfld fs2, 16(%[in])\n\t"     \
	"fld fs3, 24(%[in])\n\tfld fs4, 32(%[in])\n\tfld fs5, 40(%[in])\n\t"   \
	"fld fs6, 48(%[in])\n\tfld fs7, 56(%[in])\n\tfld fs8, 64(%[in])\n\t"   \
	"fld fs9, 72(%[in])\n\tfld fs10, 80(%[in])\n\tfld fs11, 88(%[in])\n\t" \
	"ld t0, 96(%[in])\n\tfscsr t0\n\t"
#define FP_STORE(p)                                                            \
	"fsd fs0, 0(" p ")\n\tfsd fs1, 8(" p ")\n\tfsd fs2, 16(" p ")\n\t"     \
	"fsd fs3, 24(" p ")\n\tfsd fs4, 32(" p ")\n\tfsd fs5, 40(" p ")\n\t"   \
	"fsd fs6, 48(" p ")\n\tfsd fs7, 56(" p ")\n\tfsd fs8, 64(" p ")\n\t"   \
	"fsd fs9, 72(" p ")\n\tfsd fs10, 80(" p ")\n\tfsd fs11, 88(" p ")\n\t" \
	"frcsr t0\n\tsd t0, 96(" p ")\n\t"
#define FP_CLOBBERS                                                            \
	"fs0", "fs1", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",  \
		"fs10", "fs11", "t0", "memory"

/* A syscall with the FP registers loaded from in[] before and stored to
 * out[] after (in == NULL: nothing loaded). */
static long fp_syscall(long nr, long a, long b, long c, long d, const u64 *in, u64 *out)
{
	register long a0 asm("a0") = a;
	register long a1 asm("a1") = b;
	register long a2 asm("a2") = c;
	register long a3 asm("a3") = d;
	register long a7 asm("a7") = nr;

	if (in)
		asm volatile(FP_LOAD "ecall\n\t" FP_STORE("%[out]")
			     : "+r"(a0)
			     : [in] "r"(in), [out] "r"(out), "r"(a1), "r"(a2), "r"(a3), "r"(a7)
			     : FP_CLOBBERS);
	else
		asm volatile("ecall\n\t" FP_STORE("%[out]")
			     : "+r"(a0)
			     : [out] "r"(out), "r"(a1), "r"(a2), "r"(a3), "r"(a7)
			     : FP_CLOBBERS);
	return a0;
}

/*
 * clone(flags, 0, 0, 0, 0) with in[] loaded. The parent stores its registers
 * to out[]. The child, without touching the (possibly shared) stack, stores
 * its registers to child_out[], zeroes them and fcsr, yields a few times and
 * exits with status 0.
 */
static long fp_clone(unsigned long flags, const u64 *in, u64 *out, u64 *child_out)
{
	register long a0 asm("a0") = (long)flags;
	register long a1 asm("a1") = 0;
	register long a2 asm("a2") = 0;
	register long a3 asm("a3") = 0;
	register long a4 asm("a4") = 0;
	register long a7 asm("a7") = 220;

	asm volatile(FP_LOAD "ecall\n\t"
		     "bnez a0, 2f\n\t"
		     /* child */
		     FP_STORE("%[cout]")
		     "fmv.d.x fs0, zero\n\tfmv.d.x fs1, zero\n\tfmv.d.x fs2, zero\n\t"
		     "fmv.d.x fs3, zero\n\tfmv.d.x fs4, zero\n\tfmv.d.x fs5, zero\n\t"
		     "fmv.d.x fs6, zero\n\tfmv.d.x fs7, zero\n\tfmv.d.x fs8, zero\n\t"
		     "fmv.d.x fs9, zero\n\tfmv.d.x fs10, zero\n\tfmv.d.x fs11, zero\n\t"
		     "fscsr zero\n\t"
		     "li t1, 20\n"
		     "1:\tli a7, 124\n\tecall\n\t" /* sched_yield */
		     "addi t1, t1, -1\n\tbnez t1, 1b\n\t"
		     "li a0, 0\n\tli a7, 94\n\tecall\n" /* exit_group(0) */
		     "2:\t" FP_STORE("%[out]")
		     : "+r"(a0), "+r"(a7)
		     : [in] "r"(in), [out] "r"(out), [cout] "r"(child_out), "r"(a1),
		       "r"(a2), "r"(a3), "r"(a4)
		     : FP_CLOBBERS, "t1");
	return a0;
}

static void pattern(u64 *v, u64 seed)
{
	for (int i = 0; i < 12; i++)
		v[i] = 0x4000000000000000ul ^ (seed << 20) ^ ((u64)i << 8) ^ 0x5a5a;
	/* rounding mode (bits 7:5) and accrued flags (4:0), all distinctive */
	v[12] = ((seed % 5) << 5) | ((seed * 7 + 3) & 0x1f);
}

/* Index of the first register where a and b differ, or -1. */
static int differ(const u64 *a, const u64 *b)
{
	for (int i = 0; i < NREG; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

static const char *regname(int i)
{
	static const char *const n[NREG] = { "fs0", "fs1", "fs2",  "fs3",  "fs4",
					    "fs5", "fs6", "fs7",  "fs8",  "fs9",
					    "fs10", "fs11", "fcsr" };
	return i >= 0 && i < NREG ? n[i] : "?";
}

static void clone_variant(const char *name, unsigned long flags, u64 *shared)
{
	char cname[64];
	int bad_parent = -1, bad_child = -1, bad_wait = -1, bad_status = 0;
	u64 in[NREG], out[NREG], in2[NREG], out2[NREG];

	for (int r = 0; r < ROUNDS; r++) {
		pattern(in, (u64)r * 3 + 1 + flags);
		pattern(in2, (u64)r * 3 + 2 + flags);
		memset(shared, 0, NREG * sizeof(u64));
		long pid = fp_clone(flags, in, out, shared);
		if (pid < 0) {
			snprintf(cname, sizeof(cname), "%s_clone", name);
			fail(cname, "clone(0x%lx): %ld", flags, pid);
			return;
		}
		int d = differ(in, out);
		if (d >= 0 && bad_parent < 0)
			bad_parent = d;
		/* The parent holds other values across a wait4 while the child
		 * (a fork child) may still be scribbling on its own. */
		int st = -1;
		long w = fp_syscall(260, pid, (long)&st, 0, 0, in2, out2);
		if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad_status = 1;
		d = differ(in2, out2);
		if (d >= 0 && bad_wait < 0)
			bad_wait = d;
		d = differ(in, shared);
		if (d >= 0 && bad_child < 0)
			bad_child = d;
	}
	snprintf(cname, sizeof(cname), "%s_parent_keeps", name);
	check(cname, bad_parent < 0, "the parent's %s changed across the clone",
	      regname(bad_parent));
	snprintf(cname, sizeof(cname), "%s_child_inherits", name);
	check(cname, bad_child < 0, "the child's %s differs from the parent's",
	      regname(bad_child));
	snprintf(cname, sizeof(cname), "%s_parent_keeps_across_wait", name);
	check(cname, bad_wait < 0, "the parent's %s changed across wait4",
	      regname(bad_wait));
	snprintf(cname, sizeof(cname), "%s_child_exit", name);
	check(cname, !bad_status, "wait4 did not report a clean exit");
}

/* The exec'd image: zeros at the start, and after sleeping and yielding
 * while a child dirties its FP registers. Exit status: 0 good, 1 not zero at
 * the start, 2 not zero later. */
static int exec_child(void)
{
	u64 first[NREG], later[NREG], zero[NREG] = { 0 };
	register long y asm("a7") = 124;
	register long r0 asm("a0") = 0;

	/* Read at once: sched_yield, then the registers. */
	asm volatile("ecall\n\t" FP_STORE("%[out]")
		     : "+r"(r0)
		     : [out] "r"(first), "r"(y)
		     : FP_CLOBBERS);
	if (differ(first, zero) >= 0)
		return 1;
	for (int r = 0; r < ROUNDS; r++) {
		pid_t d = fork();
		if (d == 0) {
			u64 junk[NREG], o[NREG];
			pattern(junk, 99 + r);
			for (int i = 0; i < 20; i++)
				fp_syscall(124, 0, 0, 0, 0, junk, o);
			_exit(0);
		}
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		fp_syscall(101, (long)&ts, 0, 0, 0, NULL, later);
		if (differ(later, zero) >= 0)
			return 2;
		fp_syscall(124, 0, 0, 0, 0, NULL, later);
		if (differ(later, zero) >= 0)
			return 2;
		int st = -1;
		fp_syscall(260, d, (long)&st, 0, 0, NULL, later);
		if (differ(later, zero) >= 0)
			return 2;
	}
	return 0;
}

static void exec_variant(const char *self)
{
	int bad = 0, why = 0;

	for (int r = 0; r < ROUNDS && !bad; r++) {
		pid_t pid = fork();
		if (pid == 0) {
			u64 in[NREG], out[NREG];
			char *argv[] = { (char *)self, "exec-child", NULL };
			char *envp[] = { NULL };
			struct timespec ts = { 0, 2 * 1000 * 1000 };

			pattern(in, 50 + r);
			/* The values become this LWP's saved copy while it sleeps. */
			fp_syscall(101, (long)&ts, 0, 0, 0, in, out);
			fp_syscall(221, (long)self, (long)argv, (long)envp, 0, in, out);
			_exit(127);
		}
		int st = wait_for(pid);
		if (pid < 0 || st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			bad = 1;
			why = st < 0 ? -1 : st;
		}
	}
	check("exec_starts_zeroed", !bad,
	      "the exec'd image ended with %s (1: FP not zero at start, 2: not zero "
	      "after a switch, 127: exec failed)",
	      why < 0 ? "no status" : wstr(why));
}

#endif

int main(int argc, char **argv)
{
#if !defined(__riscv)
	(void)argc;
	(void)argv;
	t_begin("fpregs");
	skip("all", "RISC-V registers");
	return t_end();
#else
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
		return exec_child();
	t_begin("fpregs");
	u64 *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		fail("mmap_shared", "mmap: %s", strerror(errno));
		return t_end();
	}
	clone_variant("fork", SIGCHLD, shared);
	clone_variant("vfork44", CLONE_VFORK | SIGCHLD, shared);
	clone_variant("vfork", CLONE_VM | CLONE_VFORK | SIGCHLD, shared);
	exec_variant(tine_path("/tests/fpregs"));
	return t_end();
#endif
}
