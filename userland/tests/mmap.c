/*
 * mmap: anonymous memory and brk.
 *   a private anonymous mapping reads as zero, keeps what is written, and
 *   after munmap a touch kills (a child) with SIGSEGV;
 *   after mprotect(PROT_READ) it still reads, and a write is SIGSEGV;
 *   MAP_SHARED|MAP_ANONYMOUS stays shared across fork, MAP_PRIVATE does not;
 *   mmap of length 0 is EINVAL; munmap of an unmapped range is fine;
 *   brk(0) reports the break, brk grows and shrinks it, and a brk that
 *   cannot be satisfied returns the old break (Linux: research 5.2).
 */
#include "t.h"

#define PAGE 4096

/* Runs fn(p) in a child; returns its wait status. */
static int in_child(void (*fn)(volatile char *), volatile char *p)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(p);
		_exit(0);
	}
	return pid < 0 ? -1 : wait_for(pid);
}

static void touch_read(volatile char *p) { (void)*p; }
static void touch_write(volatile char *p) { *p = 1; }

static int sigsegv(int st)
{
	return st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

int main(void)
{
	t_begin("mmap");
	int st;

	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fail("anon_private", "mmap: %s", strerror(errno));
		return t_end();
	}
	int zero = 1, kept = 1;
	for (int i = 0; i < 4 * PAGE; i++)
		zero &= p[i] == 0;
	for (int i = 0; i < 4 * PAGE; i++)
		p[i] = (char)(i * 7);
	for (int i = 0; i < 4 * PAGE; i++)
		kept &= p[i] == (char)(i * 7);
	check("anon_zero", zero, "fresh anonymous memory is not zero");
	check("anon_write", kept, "anonymous memory lost what was written");
	check("page_aligned", ((uintptr_t)p & (PAGE - 1)) == 0, "mmap returned %p",
	      (void *)p);

	check("munmap", munmap(p + PAGE, PAGE) == 0, "munmap: %s", strerror(errno));
	st = in_child(touch_read, p + PAGE);
	check("read_after_munmap", sigsegv(st), "child ended with %s", wstr(st));
	st = in_child(touch_write, p + PAGE + 100);
	check("write_after_munmap", sigsegv(st), "child ended with %s", wstr(st));
	check("neighbours_kept", p[0] == 0 && p[2 * PAGE + 1] == (char)((2 * PAGE + 1) * 7),
	      "the pages around the hole changed");

	check("mprotect", mprotect(p, PAGE, PROT_READ) == 0, "mprotect: %s",
	      strerror(errno));
	st = in_child(touch_read, p + 8);
	check("read_after_mprotect", st == 0, "child ended with %s", wstr(st));
	st = in_child(touch_write, p + 8);
	check("write_after_mprotect", sigsegv(st), "child ended with %s", wstr(st));
	check("mprotect_rw", mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0 &&
	      (p[8] = 9, p[8] == 9), "mprotect back to RW: %s", strerror(errno));
	check("munmap_all", munmap(p, 4 * PAGE) == 0, "munmap: %s", strerror(errno));
	check("munmap_again", munmap(p, 4 * PAGE) == 0,
	      "munmap of an unmapped range: %s", strerror(errno));

	void *z = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("len0_einval", z == MAP_FAILED && errno == EINVAL, "mmap(len 0): %p (%s)",
	      z, strerror(errno));

	/* Shared and private across fork. */
	volatile char *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile char *pr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pr == MAP_FAILED) {
		fail("shared", "mmap: %s", strerror(errno));
		return t_end();
	}
	sh[0] = 1;
	pr[0] = 1;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = sh[0] != 1 || pr[0] != 1;

		sh[0] = 0x55;
		sh[PAGE - 1] = 0x66;
		pr[0] = 0x77;
		_exit(bad);
	}
	st = wait_for(pid);
	check("fork_inherits", st == 0, "child ended with %s (1: did not see 1, 1)",
	      wstr(st));
	check("shared_seen", sh[0] == 0x55 && sh[PAGE - 1] == 0x66,
	      "parent sees 0x%x 0x%x in the shared page", sh[0], sh[PAGE - 1]);
	check("private_not_seen", pr[0] == 1, "parent sees 0x%x in the private page",
	      pr[0]);
	sh[1] = 0x11;           /* and the other way */
	pid = fork();
	if (pid == 0)
		_exit(sh[1] == 0x11 ? 0 : 1);
	st = wait_for(pid);
	check("shared_seen_by_child", st == 0, "child ended with %s", wstr(st));

	/* brk */
	long b0 = sys_brk(0);
	long b1 = sys_brk((void *)(b0 + 64 * 1024));
	check("brk_grow", b0 > 0 && b1 == b0 + 64 * 1024, "brk(0)=%lx, brk(+64K)=%lx", b0,
	      b1);
	if (b1 == b0 + 64 * 1024) {
		volatile char *h = (volatile char *)b0;
		int good = 1;

		for (long i = 0; i < 64 * 1024; i += 512)
			h[i] = (char)i;
		for (long i = 0; i < 64 * 1024; i += 512)
			good &= h[i] == (char)i;
		check("brk_memory", good, "the grown heap did not keep what was written");
	}
	long b2 = sys_brk((void *)(b0 + (1L << 40)));
	check("brk_too_big", b2 == b1, "brk(+1 TiB) returned %lx, want the old break %lx",
	      b2, b1);
	long b3 = sys_brk((void *)b0);
	check("brk_shrink", b3 == b0, "brk(back to %lx) returned %lx", b0, b3);
	if (on_qemu_user()) {
		skip("brk_shrunk_unmapped", "qemu-riscv64 keeps the pages when brk shrinks");
	} else {
		st = in_child(touch_write, (volatile char *)b0 + 8192);
		check("brk_shrunk_unmapped", sigsegv(st),
		      "touch above the shrunk break: %s", wstr(st));
	}
	return t_end();
}
