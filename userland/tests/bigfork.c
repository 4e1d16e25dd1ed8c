/*
 * bigfork: copy-on-write at scale. The parent maps and touches 64 MiB (one
 * 64-bit word per 4 KiB page, every value distinct), forks; the child checks
 * every page and rewrites half of them (and checks those); the parent waits
 * and checks that its own values are all still there. A second fork has
 * both sides write (a quarter of the pages each, so that user memory peaks
 * at 96 MiB, which fits a 128 MiB guest) while the other holds the pages.
 */
#include "t.h"

#define SIZE (64UL << 20)
#define PAGE 4096UL
#define NPAGES (SIZE / PAGE)

static uint64_t value(unsigned long i, uint64_t salt)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ salt;
}

int main(void)
{
	t_begin("bigfork");
	char *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (m == MAP_FAILED) {
		fail("mmap", "mmap 64 MiB: %s", strerror(errno));
		return t_end();
	}
	for (unsigned long i = 0; i < NPAGES; i++)
		*(volatile uint64_t *)(m + i * PAGE) = value(i, 1);
	ok("touch");

	pid_t pid = fork();
	if (pid == 0) {
		unsigned long bad = 0, bad2 = 0;

		for (unsigned long i = 0; i < NPAGES; i++)
			if (*(volatile uint64_t *)(m + i * PAGE) != value(i, 1))
				bad++;
		for (unsigned long i = 0; i < NPAGES; i += 2)
			*(volatile uint64_t *)(m + i * PAGE) = value(i, 2);
		for (unsigned long i = 0; i < NPAGES; i++)
			if (*(volatile uint64_t *)(m + i * PAGE) != value(i, i % 2 ? 1 : 2))
				bad2++;
		_exit((bad ? 1 : 0) | (bad2 ? 2 : 0));
	}
	if (pid < 0) {
		fail("fork", "fork with 64 MiB: %s", strerror(errno));
		return t_end();
	}
	int st = wait_for(pid);
	check("child_sees_parent_pages", st >= 0 && WIFEXITED(st) && !(WEXITSTATUS(st) & 1),
	      "child ended with %s (bit 1: pages differ)", wstr(st));
	check("child_writes_own_pages", st >= 0 && WIFEXITED(st) && !(WEXITSTATUS(st) & 2),
	      "child ended with %s (bit 2: its writes did not stick)", wstr(st));
	unsigned long bad = 0, first = NPAGES;
	for (unsigned long i = 0; i < NPAGES; i++)
		if (*(volatile uint64_t *)(m + i * PAGE) != value(i, 1)) {
			if (!bad)
				first = i;
			bad++;
		}
	check("parent_pages_untouched", bad == 0, "%lu of %lu pages changed, first %lu", bad,
	      NPAGES, first);

	/* And again after the parent writes too: both sides copy. */
	pid = fork();
	if (pid == 0) {
		unsigned long b = 0;

		for (unsigned long i = 1; i < NPAGES; i += 4)
			*(volatile uint64_t *)(m + i * PAGE) = value(i, 3);
		for (unsigned long i = 0; i < NPAGES; i++)
			if (*(volatile uint64_t *)(m + i * PAGE) !=
			    value(i, i % 4 == 1 ? 3 : 1))
				b++;
		_exit(b ? 1 : 0);
	}
	for (unsigned long i = 0; i < NPAGES; i += 4)
		*(volatile uint64_t *)(m + i * PAGE) = value(i, 4);
	st = wait_for(pid);
	bad = 0;
	for (unsigned long i = 0; i < NPAGES; i++)
		if (*(volatile uint64_t *)(m + i * PAGE) != value(i, i % 4 == 0 ? 4 : 1))
			bad++;
	check("both_write", st == 0 && bad == 0, "child %s, %lu parent pages wrong",
	      wstr(st), bad);
	check("munmap", munmap(m, SIZE) == 0, "%s", strerror(errno));
	return t_end();
}
