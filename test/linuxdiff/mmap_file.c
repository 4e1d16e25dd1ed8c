// mmap of regular files: MAP_SHARED is the file's own pages (write() and
// the mapping see each other at once, a child's store reaches the parent
// and the file), MAP_PRIVATE is copy-on-write over them (each process sees
// its own stores, the file never does; pages not yet written still show
// later writes to the file, as on Linux), offsets, munmap/mprotect of file
// mappings, SIGBUS past the end of the file, unlink and truncate while
// mapped, /dev/zero, and the errors (EINVAL, EACCES, EBADF, ENODEV).
// Works in a fresh directory under /tmp.
#include "ld.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PG 4096

static void say_map(const char* what, void* p) {
  if (p == MAP_FAILED)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = ok\n", what);
}

// How a child that touches p ended: "ok" or the signal.
static void touch_in_child(const char* what, volatile char* p, int write) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (write)
      *p = 'w';
    else
      (void)*p;
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  if (WIFSIGNALED(st))
    printf("%s: %s\n", what, sigabbrev_np(WTERMSIG(st)));
  else
    printf("%s: ok\n", what);
}

// The file's byte at off, through read().
static char file_byte(int fd, off_t off) {
  char c = '?';
  if (pread(fd, &c, 1, off) != 1) return '!';
  return c;
}

static int make_file(const char* name, int pages) {
  int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
  char buf[PG];
  for (int i = 0; i < pages; i++) {
    memset(buf, 'a' + i, sizeof buf);
    if (write(fd, buf, sizeof buf) != PG) return -1;
  }
  return fd;
}

static void shared_maps(void) {
  int fd = make_file("s", 3);
  char* p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  say_map("mmap shared rw", p);
  printf("bytes %c %c %c\n", p[0], p[PG + 7], p[3 * PG - 1]);
  // A store through the mapping is the file's at once.
  p[5] = 'X';
  printf("read() after store: %c\n", file_byte(fd, 5));
  // A write() is the mapping's at once.
  say("pwrite Y", pwrite(fd, "Y", 1, PG + 9));
  printf("mapping after pwrite: %c\n", p[PG + 9]);
  // A child's stores reach the parent and the file.
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    printf("child sees %c %c\n", p[5], p[PG + 9]);
    p[2 * PG] = 'C';
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  printf("parent sees child's store: %c, file: %c\n", p[2 * PG], file_byte(fd, 2 * PG));
  // A second, independent mapping of the same file shares the pages.
  char* q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 2 * PG);
  say_map("mmap shared offset 2 pages", q);
  printf("second mapping: %c\n", q[0]);
  p[2 * PG + 1] = 'D';
  printf("second mapping after store: %c\n", q[1]);
  say("msync", msync(p, 3 * PG, MS_SYNC));
  say("munmap second", munmap(q, PG));
  // munmap of the middle page: the others stay.
  say("munmap middle", munmap(p + PG, PG));
  touch_in_child("touch unmapped middle", p + PG, 0);
  printf("first and last stay: %c %c\n", p[5], p[2 * PG]);
  // mprotect of a file mapping.
  say("mprotect read-only", mprotect(p, PG, PROT_READ));
  touch_in_child("store into read-only", p, 1);
  say("mprotect rw again", mprotect(p, PG, PROT_READ | PROT_WRITE));
  p[6] = 'Z';
  printf("store after mprotect: %c\n", file_byte(fd, 6));
  munmap(p, 3 * PG);
  close(fd);
}

static void private_maps(void) {
  int fd = make_file("p", 2);
  char* p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  say_map("mmap private rw", p);
  printf("bytes %c %c\n", p[0], p[PG]);
  // A page not written yet shows a later write to the file (Linux).
  say("pwrite P", pwrite(fd, "P", 1, PG + 1));
  printf("untouched page after pwrite: %c\n", p[PG + 1]);
  // A store copies the page: the file does not see it.
  p[0] = 'M';
  printf("private store: %c, file: %c\n", p[0], file_byte(fd, 0));
  // ... and later writes to the file are not seen in the copied page.
  say("pwrite Q", pwrite(fd, "Q", 1, 2));
  printf("copied page after pwrite: %c\n", p[2]);
  // Across fork: each side sees its own stores.
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    p[1] = 'c';
    p[PG + 2] = 'c';
    printf("child: %c %c %c\n", p[0], p[1], p[PG + 2]);
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  p[PG + 3] = 'p';
  printf("parent: %c %c %c %c\n", p[0], p[1], p[PG + 2], p[PG + 3]);
  printf("file: %c %c %c %c\n", file_byte(fd, 0), file_byte(fd, 1), file_byte(fd, PG + 2),
         file_byte(fd, PG + 3));
  munmap(p, 2 * PG);

  // A read-only descriptor may be mapped private and written (a copy).
  int ro = open("p", O_RDONLY);
  char* r = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
  say_map("mmap private rw of O_RDONLY", r);
  r[0] = 'R';
  printf("private copy %c, file %c\n", r[0], file_byte(ro, 0));
  munmap(r, PG);
  // Exec rights follow PROT_EXEC only: a private read-only map of data.
  char* x = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, PG);
  say_map("mmap private ro offset 1 page", x);
  printf("offset page: %c %c\n", x[0], x[1]);
  touch_in_child("store into PROT_READ private", x, 1);
  munmap(x, PG);
  close(ro);
  close(fd);
}

static void past_the_end(void) {
  int fd = open("e", O_RDWR | O_CREAT | O_TRUNC, 0644);
  say("write 10 bytes", write(fd, "0123456789", 10));
  say("ftruncate 100", ftruncate(fd, 100));
  char* p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  say_map("mmap 3 pages of 100 bytes", p);
  printf("in the last page: %c, past the end in it: %d\n", p[3], p[200]);
  touch_in_child("read page past EOF", p + PG, 0);
  touch_in_child("write page past EOF", p + 2 * PG + 5, 1);
  // read() into the part past EOF: EFAULT, not a signal.
  say("read into page past EOF", pread(fd, p + PG, 10, 0));
  // Growing the file makes the page reachable.
  say("ftruncate 2 pages", ftruncate(fd, 2 * PG));
  p[PG] = 'g';
  printf("grown page: %c, file: %c\n", p[PG], file_byte(fd, PG));
  // Truncating it again: a page not touched since is past EOF.
  say("ftruncate 1 page", ftruncate(fd, PG));
  munmap(p, 3 * PG);
  p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
  say_map("mmap private 2 pages of 1", p);
  touch_in_child("private page past EOF", p + PG, 0);
  printf("private first page: %c\n", p[0]);
  munmap(p, 2 * PG);
  close(fd);
}

static void unlinked(void) {
  int fd = make_file("u", 2);
  char* p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  say_map("mmap before unlink", p);
  say("close", close(fd));
  say("unlink", unlink("u"));
  // The mapping keeps the file's pages.
  printf("after unlink and close: %c %c\n", p[0], p[PG]);
  p[1] = 'k';
  printf("store after unlink: %c\n", p[1]);
  munmap(p, 2 * PG);
}

static void errors(void) {
  int fd = make_file("x", 1);
  int ro = open("x", O_RDONLY);
  int wo = open("x", O_WRONLY);
  int pfd[2];
  if (pipe(pfd)) return;
  say_map("unaligned offset", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100));
  say_map("shared rw of O_RDONLY", mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
  say_map("private of O_WRONLY", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0));
  say_map("shared of O_WRONLY", mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, wo, 0));
  say_map("fd -1", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0));
  say_map("closed fd", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 77, 0));
  say_map("pipe", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0));
  int dfd = open(".", O_RDONLY | O_DIRECTORY);
  say_map("directory", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dfd, 0));
  say_map("length 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
  say_map("neither shared nor private", mmap(NULL, PG, PROT_READ, 0, fd, 0));
  // A shared read-only mapping of an O_RDONLY file never becomes writable.
  char* p = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
  say_map("shared ro of O_RDONLY", p);
  say("mprotect it writable", mprotect(p, PG, PROT_READ | PROT_WRITE));
  munmap(p, PG);
  close(dfd);
  close(pfd[0]);
  close(pfd[1]);
  close(wo);
  close(ro);
  close(fd);
}

static void dev_zero(void) {
  int fd = open("/dev/zero", O_RDWR);
  char* p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  say_map("mmap /dev/zero private", p);
  printf("zero: %d %d\n", p[0], p[2 * PG - 1]);
  p[10] = 7;
  printf("stored: %d\n", p[10]);
  munmap(p, 2 * PG);
  close(fd);
}

int main(void) {
  char dir[] = "/tmp/ldmmapXXXXXX";
  if (!mkdtemp(dir)) return 1;
  if (chdir(dir)) return 1;
  shared_maps();
  private_maps();
  past_the_end();
  unlinked();
  errors();
  dev_zero();
  unlink("s");
  unlink("p");
  unlink("e");
  unlink("x");
  chdir("/");
  say("rmdir", rmdir(dir));
  return 0;
}
