/*
 * stdlib.c: process start and exit, number parsing, the environment, and a
 * small first-fit malloc over brk (falling back to mmap when brk cannot grow).
 */
#include "tine.h"

char **environ;
unsigned long *__auxv;

int main(int argc, char **argv, char **envp);

/* Called by crt0 with the initial stack decoded. */
__attribute__((noreturn, used)) void __libc_start(int argc, char **argv, char **envp)
{
	char **p = envp;

	environ = envp;
	while (*p)
		p++;
	__auxv = (unsigned long *)(p + 1);
	exit(main(argc, argv, envp));
}

unsigned long getauxval(unsigned long type)
{
	for (unsigned long *a = __auxv; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

void exit(int status)
{
	fflush_stdout();
	sys_exit_group(status);
}

void abort(void)
{
	fflush_stdout();
	sys_kill((pid_t)sys_getpid(), SIGABRT);
	sys_exit_group(127);
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (;; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'z')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z')
			d = *s - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)s;
	return v;
}

long strtol(const char *s, char **end, int base)
{
	int neg = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	unsigned long v = strtoul(s, end, base);
	return neg ? -(long)v : (long)v;
}

long atol(const char *s) { return strtol(s, NULL, 10); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }

char *getenv(const char *name)
{
	size_t n = strlen(name);

	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *tine_path(const char *p)
{
	static char bufs[4][256];
	static unsigned next;
	const char *root = getenv("TINE_ROOT");

	if (!root || !*root || p[0] != '/')
		return p;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s%s", root, p);
	return b;
}

/* ---- malloc ------------------------------------------------------------------
 * Each block has a 16-byte header holding its size (header included). Free
 * blocks sit on one list, taken first fit and split when much larger. No
 * coalescing: the programs here allocate little and mostly at start. */

struct block {
	size_t size;
	struct block *next;     /* free list link, only while free */
};

static struct block *free_list;

static void *more_core(size_t n)
{
	void *p = sbrk((long)n);

	if (p != (void *)-1)
		return p;
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void *malloc(size_t n)
{
	if (n > ((size_t)1 << 40))
		return NULL;
	size_t need = (n + sizeof(struct block) + 15) & ~(size_t)15;

	for (struct block **pp = &free_list; *pp; pp = &(*pp)->next) {
		struct block *b = *pp;

		if (b->size < need)
			continue;
		if (b->size - need >= 64) {     /* split off the tail */
			struct block *rest = (struct block *)((char *)b + need);

			rest->size = b->size - need;
			rest->next = b->next;
			b->size = need;
			*pp = rest;
		} else {
			*pp = b->next;
		}
		return b + 1;
	}
	/* Keep the break 16-byte aligned. */
	uintptr_t cur = (uintptr_t)sbrk(0);
	if (cur & 15)
		more_core(16 - (cur & 15));
	struct block *b = more_core(need);
	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	b->size = need;
	return b + 1;
}

void free(void *p)
{
	if (!p)
		return;
	struct block *b = (struct block *)p - 1;

	b->next = free_list;
	free_list = b;
}

void *calloc(size_t n, size_t size)
{
	if (size && n > ((size_t)1 << 40) / size)
		return NULL;
	void *p = malloc(n * size);

	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	struct block *b = (struct block *)p - 1;
	size_t have = b->size - sizeof(struct block);

	if (n <= have)
		return p;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}
