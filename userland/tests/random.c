/*
 * random: getrandom(2) and AT_RANDOM come from a real generator.
 * Outputs are not zero and differ between calls and between processes
 * (two exec'd images get different AT_RANDOM); the flags Linux accepts
 * are accepted and others are EINVAL; a long request returns its full
 * count; a bad buffer is EFAULT, and one that ends in an unmapped page
 * gets the bytes up to that page, as on Linux.
 * Run as "random child FD" it writes its AT_RANDOM bytes to FD and exits.
 */
#include "t.h"

#if defined(__riscv)
#define NR_getrandom 278
#else
#define NR_getrandom 318
#endif
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

static long grnd(void *buf, size_t n, unsigned flags)
{
	return RAW3(NR_getrandom, buf, n, flags);
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* AT_RANDOM of a freshly exec'd copy of this program. */
static int child_at_random(unsigned char out[16])
{
	int fds[2];
	char fdarg[16];

	if (pipe(fds) < 0)
		return -1;
	snprintf(fdarg, sizeof(fdarg), "%d", fds[1]);
	const char *exe = tine_path("/tests/random");
	char *argv[] = { (char *)exe, "child", fdarg, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		execve(exe, argv, environ);
		_exit(127);
	}
	close(fds[1]);
	size_t got = 0;
	while (got < 16) {
		long r = read(fds[0], out + got, 16 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	int st = wait_for(pid);
	return got == 16 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "child") == 0) {
		const void *r = (const void *)getauxval(AT_RANDOM);
		return r && write(atoi(argv[2]), r, 16) == 16 ? 0 : 1;
	}
	t_begin("random");

	unsigned char a[16], b[16];
	long ra = grnd(a, sizeof(a), 0), rb = grnd(b, sizeof(b), 0);
	check("count", ra == 16 && rb == 16, "returned %ld and %ld", ra, rb);
	check("not_zero", !all_zero(a, 16) && !all_zero(b, 16), "all-zero output");
	check("calls_differ", memcmp(a, b, 16) != 0, "two calls gave the same bytes");

	check("grnd_nonblock", grnd(a, 16, GRND_NONBLOCK) == 16, "GRND_NONBLOCK refused");
	check("grnd_random", grnd(a, 16, GRND_RANDOM) == 16, "GRND_RANDOM refused");
	check("grnd_both", grnd(a, 16, GRND_RANDOM | GRND_NONBLOCK) == 16,
	      "GRND_RANDOM|GRND_NONBLOCK refused");
	check("zero_length", grnd(a, 0, 0) == 0, "length 0 not 0");
	long r = grnd(a, 16, 0x10);
	check("bad_flag_einval", r == -EINVAL, "flag 0x10: %ld", r);
	r = grnd(a, 16, 0x80000000u);
	check("high_flag_einval", r == -EINVAL, "flag 0x80000000: %ld", r);
	r = grnd(a, 16, GRND_RANDOM | GRND_INSECURE);
	check("random_insecure_einval", r == -EINVAL, "GRND_RANDOM|GRND_INSECURE: %ld", r);

	r = grnd((void *)8, 16, 0);
	check("null_page_efault", r == -EFAULT, "buffer 0x8: %ld", r);
	r = grnd((void *)0xffffffc000000000ul, 16, 0);
	check("kernel_addr_efault", r == -EFAULT, "kernel buffer: %ld", r);

	/* 1 MiB in one call: the whole count, and the end is written too. */
	size_t big = 1 << 20;
	unsigned char *m = mmap(NULL, big, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		fail("big", "mmap: %s", strerror(errno));
	} else {
		r = grnd(m, big, 0);
		check("big_full_count", r == (long)big, "returned %ld of %zu", r, big);
		check("big_tail_written", !all_zero(m + big - 64, 64) &&
		      memcmp(m, m + big - 64, 64) != 0, "tail zero or repeated");
		/* A buffer running into an unmapped page: the bytes before it. */
		munmap(m + 4096 * 2, big - 4096 * 2);
		memset(m, 0, 4096 * 2);
		r = grnd(m + 4096 * 2 - 100, 200, 0);
		if (on_qemu_user()) {
			/* qemu-user locks the whole buffer first: EFAULT. */
			skip("partial_count", "qemu-user answers EFAULT");
		} else {
			check("partial_count", r == 100, "returned %ld, want 100", r);
			check("partial_written", !all_zero(m + 4096 * 2 - 100, 100),
			      "not written");
		}
		munmap(m, 4096 * 2);
	}

	const unsigned char *mine = (const unsigned char *)getauxval(AT_RANDOM);
	unsigned char c1[16], c2[16];
	check("at_random_not_zero", mine && !all_zero(mine, 16), "AT_RANDOM zero or absent");
	if (child_at_random(c1) == 0 && child_at_random(c2) == 0) {
		check("at_random_children_differ", memcmp(c1, c2, 16) != 0,
		      "two exec'd images got the same AT_RANDOM");
		check("at_random_child_not_parent", memcmp(c1, mine, 16) != 0,
		      "child's AT_RANDOM equals the parent's");
		check("at_random_child_not_zero", !all_zero(c1, 16) && !all_zero(c2, 16),
		      "child AT_RANDOM all zero");
	} else {
		fail("at_random_children", "child did not report its AT_RANDOM");
	}
	return t_end();
}
