/*
 * initrd_pages: files seeded from the initrd whose data the kernel keeps
 * where the archive holds it (core/vfs/initrd_seed.cpp) behave as any file.
 *   /tests/initrd_pages.data is a second copy of this program in the
 *   archive: it reads back as this program does, byte for byte;
 *   mapped MAP_PRIVATE it shows the same bytes, and zeros past the end in
 *   its last page; a write to the mapping does not reach the file;
 *   written with pwrite, it reads back the new bytes, and the program's own
 *   file (another seeded file) is untouched;
 *   truncated short and grown again, the cut part reads as zeros;
 *   unlinked and made again, it holds the new content, and the memory its
 *   old pages went back to is reused (a few MiB touched) without changing
 *   this program's own file.
 */
#include "t.h"

#include <sys/stat.h>

static unsigned char *read_all(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	unsigned char *b = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (b && got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*n = got;
	return b;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	t_begin("initrd_pages");
	const char *self_path = tine_path("/tests/initrd_pages");
	const char *data_path = tine_path("/tests/initrd_pages.data");
	size_t n = 0, dn = 0;
	unsigned char *self = read_all(self_path, &n);
	unsigned char *data = read_all(data_path, &dn);
	check("read", self && data && n > 3 * 4096 && dn == n && memcmp(self, data, n) == 0,
	      "the two copies differ (%zu and %zu bytes)", n, dn);
	if (!self || !data || dn != n)
		return t_end();

	int fd = open(data_path, O_RDWR);
	check("open", fd >= 0, "open: %s", strerror(errno));
	size_t len = (n + 4095) & ~(size_t)4095;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check("mmap", m != MAP_FAILED, "mmap: %s", strerror(errno));
	if (m != MAP_FAILED) {
		check("mmap_same", memcmp(m, self, n) == 0, "the mapping differs from read()");
		size_t nz = 0;
		for (size_t i = n; i < len; i++)
			nz += m[i] != 0;
		check("mmap_tail_zero", nz == 0, "%zu bytes past the end are not zero", nz);
		m[8192 + 20] ^= 0xff;
		unsigned char c = 0;
		check("private_write", pread(fd, &c, 1, 8192 + 20) == 1 && c == self[8192 + 20],
		      "a MAP_PRIVATE write reached the file");
		munmap(m, len);
	}

	const char news[] = "new bytes in an initrd page";
	check("pwrite", pwrite(fd, news, sizeof news, 4096 + 10) == (ssize_t)sizeof news,
	      "pwrite: %s", strerror(errno));
	size_t dn2 = 0;
	unsigned char *after = read_all(data_path, &dn2);
	int same_elsewhere = after && dn2 == n && memcmp(after, self, 4096 + 10) == 0 &&
			     memcmp(after + 4096 + 10 + sizeof news, self + 4096 + 10 + sizeof news,
				    n - 4096 - 10 - sizeof news) == 0;
	check("pwrite_read", after && memcmp(after + 4096 + 10, news, sizeof news) == 0 &&
	      same_elsewhere, "the file does not read back what was written");
	free(after);
	size_t sn = 0;
	unsigned char *self2 = read_all(self_path, &sn);
	check("other_untouched", self2 && sn == n && memcmp(self2, self, n) == 0,
	      "writing one seeded file changed another");
	free(self2);

	check("truncate", ftruncate(fd, 5000) == 0 && ftruncate(fd, (off_t)n) == 0,
	      "ftruncate: %s", strerror(errno));
	after = read_all(data_path, &dn2);
	size_t nz = 0;
	for (size_t i = 5000; after && i < dn2; i++)
		nz += after[i] != 0;
	check("truncate_zero", after && dn2 == n && nz == 0 && memcmp(after, self, 4096 + 10) == 0,
	      "after truncate and regrow: %zu bytes not zero", nz);
	free(after);
	close(fd);

	check("unlink", unlink(data_path) == 0, "unlink: %s", strerror(errno));
	fd = open(data_path, O_RDWR | O_CREAT | O_EXCL, 0644);
	const char fresh[] = "fresh";
	check("recreate", fd >= 0 && write(fd, fresh, sizeof fresh) == (ssize_t)sizeof fresh,
	      "recreate: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	/* The freed pages are reused: touch a few MiB. */
	size_t big = 8u << 20;
	unsigned char *p = malloc(big);
	if (p)
		memset(p, 0xa5, big);
	after = read_all(data_path, &dn2);
	check("recreated_content", after && dn2 == sizeof fresh && memcmp(after, fresh, dn2) == 0,
	      "the recreated file does not hold its new content");
	free(after);
	self2 = read_all(self_path, &sn);
	check("self_intact", self2 && sn == n && memcmp(self2, self, n) == 0,
	      "this program's file changed after the other was freed");
	free(self2);
	free(p);
	free(self);
	free(data);
	return t_end();
}
