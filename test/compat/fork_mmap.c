// Mappings across fork: MAP_PRIVATE anonymous and file pages are copied
// on write, MAP_SHARED anonymous and file pages stay shared both ways,
// protections are inherited, a child's munmap or mprotect does not touch
// the parent, and brk growth in a child is its own.
#include "compat.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

static int child(void (*fn)(void)) {
  pid_t k = fork();
  if (k == 0) {
    fn();
    _exit(0);
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static char *priv, *shared, *fpriv, *fshared, *ro;
static void writes(void) {
  strcpy(priv, "child-priv");
  strcpy(shared, "child-shared");
  strcpy(fpriv, "child-fpriv");
  strcpy(fshared, "child-fshared");
}
static void unmaps(void) {
  munmap(priv, 4096);
  mprotect(shared, 4096, PROT_NONE);
}
static void writes_ro(void) { ro[0] = 1; }

int main(void) {
  priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  char path[] = "/tmp/compatmmapXXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0 && ftruncate(fd, 8192) == 0);
  unlink(path);
  fpriv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  fshared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
  ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(priv != MAP_FAILED && shared != MAP_FAILED && fpriv != MAP_FAILED &&
        fshared != MAP_FAILED && ro != MAP_FAILED);
  strcpy(priv, "parent-priv");
  strcpy(shared, "parent-shared");
  strcpy(fpriv, "parent-fpriv");
  strcpy(fshared, "parent-fshared");
  printf("child writes: exit %d\n", child(writes));
  printf("  private %s, shared %s, file private %s, file shared %s\n", priv, shared, fpriv,
         fshared);
  char buf[32] = {0};
  CHECK(pread(fd, buf, sizeof buf - 1, 4096) > 0);
  printf("  the file holds %s\n", buf);
  printf("child unmaps and protects: exit %d\n", child(unmaps));
  priv[0] = 'P';
  shared[0] = 'S';
  printf("  parent still writes both: %c %c\n", priv[0], shared[0]);
  printf("child writes a read-only page: %d\n", child(writes_ro));
  // A child's brk is its own.
  char* top = sbrk(0);
  pid_t k = fork();
  if (k == 0) {
    char* p = sbrk(1 << 20);
    if (p == (char*)-1) _exit(1);
    memset(p, 1, 1 << 20);
    _exit(sbrk(0) == p + (1 << 20) ? 0 : 2);
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("child's sbrk: exit %d, parent's break unchanged %d\n", WEXITSTATUS(st), sbrk(0) == top);
  return 0;
}
