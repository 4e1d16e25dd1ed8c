// Shared futexes across processes: a word in MAP_SHARED memory (anonymous
// and a file mapped twice at different addresses) waited on by a child and
// woken by the parent, keyed by the page, not the address; a private
// futex does not cross (the child's copy is its own after fork).
#include "compat.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static long futex(uint32_t* uaddr, int op, uint32_t val) {
  return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

// The child sets *ready = 1, waits on *word while it is 0, exits with
// what the wait returned (0 woken, or errno + 10).
static pid_t waiter(uint32_t* ready, uint32_t* word) {
  pid_t k = fork();
  if (k == 0) {
    __atomic_store_n(ready, 1, __ATOMIC_SEQ_CST);
    futex(ready, FUTEX_WAKE, 1);
    long r;
    do {
      r = futex(word, FUTEX_WAIT, 0);
    } while (r == -1 && errno == EINTR);
    _exit(r == 0 ? 0 : errno + 10);
  }
  while (__atomic_load_n(ready, __ATOMIC_SEQ_CST) == 0) futex(ready, FUTEX_WAIT, 0);
  nap_ms(100);  // let it reach its sleep
  return k;
}

static void finish(const char* what, pid_t k, long woke) {
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("%s: wake returned %ld, child's wait returned %d\n", what, woke, WEXITSTATUS(st));
}

int main(void) {
  uint32_t* anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(anon != MAP_FAILED);
  pid_t k = waiter(&anon[0], &anon[1]);
  anon[1] = 1;
  finish("MAP_SHARED anonymous", k, futex(&anon[1], FUTEX_WAKE, 1));

  char path[] = "/tmp/compatfutexXXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK(ftruncate(fd, 4096) == 0);
  uint32_t* one = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uint32_t* two = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(one != MAP_FAILED && two != MAP_FAILED && one != two);
  unlink(path);
  k = waiter(&one[0], &one[1]);
  two[1] = 1;  // the same word through the other mapping
  finish("a file mapped twice", k, futex(&two[1], FUTEX_WAKE, 1));

  // The child sleeps on its private copy: a private wake in the parent
  // finds nobody; the child is then woken through the shared word.
  static uint32_t priv;
  k = fork();
  if (k == 0) {
    anon[2] = 1;
    futex(&anon[2], FUTEX_WAKE, 1);
    struct timespec ts = {0, 300000000};
    long r = syscall(SYS_futex, &priv, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
    _exit(r == 0 ? 0 : errno + 10);
  }
  while (__atomic_load_n(&anon[2], __ATOMIC_SEQ_CST) == 0) futex(&anon[2], FUTEX_WAIT, 0);
  nap_ms(50);
  long woke = futex(&priv, FUTEX_WAKE_PRIVATE, 1);
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("private word after fork: wake returned %ld, child's wait ended %s\n", woke,
         WEXITSTATUS(st) == ETIMEDOUT + 10 ? "ETIMEDOUT" : "otherwise");
  return 0;
}
