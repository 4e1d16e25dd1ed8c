/*
 * random: what a stock static glibc program sees of the kernel's
 * randomness (getauxval(AT_RANDOM), getrandom). Prints the shape of each
 * answer, the same on Linux and on Tine; run as "random hex" it also prints
 * the raw AT_RANDOM and getrandom bytes, which scripts/boot-random-differs
 * compares across boots. Exit 0 when every check holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>

static int failed;

static void check(const char *name, int cond)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", name);
	if (!cond)
		failed = 1;
}

static int zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int show_hex;

static void hex(const char *tag, const unsigned char *p, size_t n)
{
	if (!show_hex)
		return;
	printf("%s ", tag);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	show_hex = argc > 1 && strcmp(argv[1], "hex") == 0;
	const unsigned char *at = (const unsigned char *)getauxval(AT_RANDOM);
	check("at_random present", at != NULL);
	if (!at)
		return 1;
	check("at_random not zero", !zero(at, 16));
	hex("AT_RANDOM", at, 16);

	unsigned char a[32], b[32];
	check("getrandom 32", getrandom(a, sizeof a, 0) == 32);
	check("getrandom again 32", getrandom(b, sizeof b, 0) == 32);
	check("getrandom not zero", !zero(a, 32) && !zero(b, 32));
	check("getrandom calls differ", memcmp(a, b, 32) != 0);
	check("getrandom differs from AT_RANDOM", memcmp(a, at, 16) != 0);
	hex("GETRANDOM", a, 32);
	check("GRND_NONBLOCK", getrandom(a, 8, GRND_NONBLOCK) == 8);
	check("GRND_RANDOM", getrandom(a, 8, GRND_RANDOM) == 8);
	errno = 0;
	check("bad flag EINVAL", getrandom(a, 8, 0x40) == -1 && errno == EINVAL);
	errno = 0;
	void *volatile bad = (void *)16;  /* volatile: no compile-time overflow warning */
	check("bad buffer EFAULT", getrandom(bad, 8, 0) == -1 && errno == EFAULT);

	size_t big = 3 << 20;
	unsigned char *m = malloc(big);
	check("3 MiB in one call", m && getrandom(m, big, 0) == (ssize_t)big);
	check("3 MiB tail written", m && !zero(m + big - 32, 32));
	free(m);
	/* (A buffer running into an unmapped page gets the bytes before it on
	 * Linux and Tine, but EFAULT under qemu-riscv64, which locks the whole
	 * buffer first: userland/tests/random.c checks that on Tine.) */
	/* glibc's stack protector and pointer guard were set from AT_RANDOM. */
	printf("%s\n", failed ? "some checks failed" : "all checks passed");
	return failed;
}
