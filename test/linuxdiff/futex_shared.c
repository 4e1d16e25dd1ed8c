// futex(2) between processes: a shared futex is the word in MAP_SHARED
// memory (anonymous, or a file mapped by each process on its own), so a
// child's wake reaches its parent's wait; a private one, or a shared op on
// private (copy-on-write) memory, stays within its process. REQUEUE,
// CMP_REQUEUE and WAKE_OP counts with several waiters.
//
// When waiters are asleep is observed without timing: a REQUEUE of a word
// onto itself that wakes nobody counts its waiters (Linux's requeue loop
// counts what it moves).
#include "ld.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static long futex(void* uaddr, int op, uint32_t val, const void* timeout_or_val2, void* uaddr2,
                  uint32_t val3) {
  return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

// Waiters on w now (shared op).
static long waiters(uint32_t* w) {
  return futex(w, FUTEX_REQUEUE, 0, (void*)(uintptr_t)INT_MAX, w, 0);
}

// Until n waiters sleep on w; fails the program after about 10 s.
static void await_waiters(uint32_t* w, long n) {
  for (int i = 0; i < 2000; i++) {
    if (waiters(w) == n) return;
    nap_ms(5);
  }
  printf("waiters never reached %ld (%ld)\n", n, waiters(w));
  exit(1);
}

// A child that waits on w for value val (op), then exits with a code
// telling how the wait ended: 0 woken, 1 EAGAIN, 2 ETIMEDOUT, 3 other.
static pid_t waiter(uint32_t* w, int op, uint32_t val, const struct timespec* ts) {
  pid_t c = fork();
  if (c == 0) {
    long r = futex(w, op, val, ts, NULL, 0);
    _exit(r == 0 ? 0 : errno == EAGAIN ? 1 : errno == ETIMEDOUT ? 2 : 3);
  }
  return c;
}

static int reap(pid_t c) {
  int st;
  waitpid(c, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void parent_waits_child_wakes(const char* what, uint32_t* w, uint32_t* child_w) {
  *w = 0;
  pid_t c = fork();
  if (c == 0) {
    // Wake until the parent is there to be woken.
    long n;
    while ((n = futex(child_w, FUTEX_WAKE, 1, NULL, NULL, 0)) == 0) nap_ms(5);
    _exit(n == 1 ? 0 : 3);
  }
  long r = futex(w, FUTEX_WAIT, 0, NULL, NULL, 0);
  printf("%s: parent's wait = %ld, child's wake %s\n", what, r,
         reap(c) == 0 ? "woke 1" : "failed");
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  uint32_t* shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  uint32_t* priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  parent_waits_child_wakes("MAP_SHARED anonymous", &shm[0], &shm[0]);

  // A file both map on their own: the child maps it again, elsewhere.
  char path[] = "/tmp/futex_shared.XXXXXX";
  int fd = mkstemp(path);
  ftruncate(fd, 8192);
  uint32_t* file = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  {
    file[1024 + 3] = 0;
    pid_t c = fork();
    if (c == 0) {
      uint32_t* again = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      long n;
      while ((n = futex(&again[1024 + 3], FUTEX_WAKE, 1, NULL, NULL, 0)) == 0) nap_ms(5);
      _exit(again != file && n == 1 ? 0 : 3);
    }
    long r = futex(&file[1024 + 3], FUTEX_WAIT, 0, NULL, NULL, 0);
    printf("MAP_SHARED file, mapped twice: parent's wait = %ld, child's wake %s\n", r,
           reap(c) == 0 ? "woke 1 at another address" : "failed");
  }
  unlink(path);

  // Private futexes stay in their process, even in shared memory; a shared
  // op on private memory keys by the address space (copy-on-write page).
  {
    struct timespec ts = {0, 300 * 1000000};
    shm[1] = 0;
    pid_t c = waiter(&shm[1], FUTEX_WAIT_PRIVATE, 0, &ts);
    nap_ms(50);
    printf("FUTEX_WAKE_PRIVATE from the parent: %ld\n",
           futex(&shm[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    printf("FUTEX_WAKE from the parent: %ld\n", futex(&shm[1], FUTEX_WAKE, 1, NULL, NULL, 0));
    printf("child's private wait: %s\n", reap(c) == 2 ? "ETIMEDOUT" : "woken or failed");
    priv[0] = 0;
    c = waiter(&priv[0], FUTEX_WAIT, 0, &ts);
    nap_ms(50);
    printf("FUTEX_WAKE on private memory from the parent: %ld\n",
           futex(&priv[0], FUTEX_WAKE, 1, NULL, NULL, 0));
    printf("child's wait on private memory: %s\n", reap(c) == 2 ? "ETIMEDOUT" : "woken or failed");
  }

  // REQUEUE and CMP_REQUEUE: three waiters on shm[2].
  {
    shm[2] = 5;
    shm[3] = 0;
    pid_t c[3];
    for (int i = 0; i < 3; i++) c[i] = waiter(&shm[2], FUTEX_WAIT, 5, NULL);
    await_waiters(&shm[2], 3);
    say("CMP_REQUEUE, word changed", futex(&shm[2], FUTEX_CMP_REQUEUE, 1, (void*)1, &shm[3], 4));
    say("CMP_REQUEUE wake 1, move 1", futex(&shm[2], FUTEX_CMP_REQUEUE, 1, (void*)1, &shm[3], 5));
    printf("waiters now: %ld on the first, %ld on the second\n", waiters(&shm[2]),
           waiters(&shm[3]));
    say("REQUEUE wake 0, move all", futex(&shm[2], FUTEX_REQUEUE, 0, (void*)INT_MAX, &shm[3], 0));
    printf("waiters now: %ld on the first, %ld on the second\n", waiters(&shm[2]),
           waiters(&shm[3]));
    say("WAKE the second, 5", futex(&shm[3], FUTEX_WAKE, 5, NULL, NULL, 0));
    int codes = 0;
    for (int i = 0; i < 3; i++) codes += reap(c[i]);
    printf("all three woken: %s\n", codes == 0 ? "yes" : "no");
  }

  // WAKE_OP: two waiters on each word; the comparison decides the second.
  {
    shm[4] = 0;
    shm[5] = 0;
    pid_t c[4];
    c[0] = waiter(&shm[4], FUTEX_WAIT, 0, NULL);
    c[1] = waiter(&shm[4], FUTEX_WAIT, 0, NULL);
    c[2] = waiter(&shm[5], FUTEX_WAIT, 0, NULL);
    c[3] = waiter(&shm[5], FUTEX_WAIT, 0, NULL);
    await_waiters(&shm[4], 2);
    await_waiters(&shm[5], 2);
    // ADD 1 to shm[5] (waiters still sleep: a wake, not the word, ends
    // them), old value 0 == 1 is false: only the first word's waiter.
    say("WAKE_OP 1+1, cmp false",
        futex(&shm[4], FUTEX_WAKE_OP, 1, (void*)1, &shm[5],
              FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 1)));
    // Old value 1 == 1: both sides.
    say("WAKE_OP 1+1, cmp true",
        futex(&shm[4], FUTEX_WAKE_OP, 1, (void*)1, &shm[5],
              FUTEX_OP(FUTEX_OP_SET, 7, FUTEX_OP_CMP_EQ, 1)));
    printf("second word now %u\n", shm[5]);
    say("WAKE_OP 0 and 5, cmp true",
        futex(&shm[4], FUTEX_WAKE_OP, 0, (void*)5, &shm[5],
              FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GE, 0)));
    int codes = 0;
    for (int i = 0; i < 4; i++) codes += reap(c[i]);
    printf("all four woken: %s\n", codes == 0 ? "yes" : "no");
  }

  // A shared wait that times out, on each clock, in a child.
  {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 50 * 1000000;
    if (now.tv_nsec >= 1000000000) {
      now.tv_sec++;
      now.tv_nsec -= 1000000000;
    }
    shm[6] = 0;
    pid_t c = fork();
    if (c == 0) {
      long r = futex(&shm[6], FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &now, NULL, 1);
      _exit(r < 0 && errno == ETIMEDOUT ? 0 : 1);
    }
    printf("child's shared realtime wait: %s\n", reap(c) == 0 ? "ETIMEDOUT" : "other");
  }
  return 0;
}
