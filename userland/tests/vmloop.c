/*
 * vmloop: mremap, madvise and mincore in a loop give back every page. Free
 * memory (sysinfo freeram * mem_unit) is read after a warm-up round and
 * after ROUNDS rounds, each of which grows a touched mapping by moving it
 * (MREMAP_MAYMOVE, a fork child holding its pages copy-on-write every
 * eighth round), moves part of its middle out, DONTUNMAPs it, shrinks it,
 * throws pages away with MADV_DONTNEED and MADV_FREE, marks a range
 * MADV_DONTFORK and asks mincore, then unmaps everything. As forkloop: on
 * Tine it may not fall by more than SLACK_PAGES (the heap keeps an empty
 * slab per size class); one lost page or map entry a round is far more.
 * On Linux only the results are checked.
 */
#include "t.h"

#include <sys/mman.h>

#define ROUNDS 300
#define SLACK_PAGES 4
#define PG 4096ul

static int round_trip(int i)
{
	int good = 1;
	unsigned char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		return 0;
	memset(a, i & 0x7f, 16 * PG);
	pid_t child = -1;
	if (i % 8 == 0) {
		child = fork();
		if (child == 0) {
			_exit(a[15 * PG] == (i & 0x7f) ? 0 : 1);
		}
	}
	/* A guard page after it forces the grow to move. */
	unsigned char *g = mmap(a + 16 * PG, PG, PROT_READ,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	unsigned char *b = mremap(a, 16 * PG, 64 * PG, MREMAP_MAYMOVE);
	if (b == MAP_FAILED)
		return 0;
	good &= b[15 * PG] == (i & 0x7f) && b[63 * PG] == 0;
	b[40 * PG] = 1;
	unsigned char *m = mremap(b + 4 * PG, 4 * PG, 8 * PG, MREMAP_MAYMOVE);
	good &= m != MAP_FAILED && m[0] == (i & 0x7f);
	unsigned char *d = mremap(b + 16 * PG, 8 * PG, 8 * PG,
				  MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	good &= d != MAP_FAILED && b[16 * PG] == 0 && d[0] == 0;
	good &= mremap(b, 64 * PG, 2 * PG, 0) == b;
	good &= madvise(m, 8 * PG, MADV_DONTNEED) == 0 && m[0] == 0;
	good &= madvise(d, 8 * PG, MADV_FREE) == 0;
	good &= madvise(m, 4 * PG, MADV_DONTFORK) == 0;
	unsigned char vec[8];
	good &= mincore(m, 8 * PG, vec) == 0;
	munmap(b, 2 * PG);
	munmap(m, 8 * PG);
	munmap(d, 8 * PG);
	if (g != MAP_FAILED)
		munmap(g, PG);
	if (child > 0) {
		int st = wait_for(child);
		good &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	return good;
}

int main(void)
{
	t_begin("vmloop");

	round_trip(0);
	round_trip(1);
	unsigned long before = free_bytes();
	if (!before)
		return t_end();
	int good = 0;
	for (int i = 0; i < ROUNDS; i++)
		good += round_trip(i);
	check("rounds", good == ROUNDS, "%d of %d rounds ended well", good, ROUNDS);

	check_no_leak(before, SLACK_PAGES);
	return t_end();
}
