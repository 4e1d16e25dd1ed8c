// futex between threads (raw system calls): WAIT/WAKE counts, the
// private flag, WAKE_BITSET choosing waiters, REQUEUE and CMP_REQUEUE
// moving waiters from one word to another (and CMP_REQUEUE's EAGAIN),
// WAKE_OP's arithmetic and comparison; a mutex built on futex only.
#include "compat.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

static long futex(uint32_t* uaddr, int op, uint32_t val, long val2, uint32_t* uaddr2,
                  uint32_t val3) {
  return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

static uint32_t w1, w2;
static int woken_count, woken_bits;
static int waiting;  // waiters about to sleep on w1 (best effort: see settle)

struct waiter {
  uint32_t* word;
  uint32_t bits;
  int op;
};

static void* wait_on(void* arg) {
  struct waiter* w = arg;
  __atomic_add_fetch(&waiting, 1, __ATOMIC_SEQ_CST);
  long r;
  do {
    r = futex(w->word, w->op, 0, 0, NULL, w->bits);
  } while (r == -1 && errno == EINTR);
  __atomic_add_fetch(&woken_count, 1, __ATOMIC_SEQ_CST);
  __atomic_or_fetch(&woken_bits, (int)w->bits, __ATOMIC_SEQ_CST);
  return (void*)r;
}

// Waiters announce themselves just before the system call; a short nap
// then lets them reach the sleep. A wake that comes too early only finds
// fewer sleepers, which the counts below would show, so the nap is long.
static void settle(int n) {
  while (__atomic_load_n(&waiting, __ATOMIC_SEQ_CST) < n) nap_ms(1);
  nap_ms(200);
}

static pthread_t start(struct waiter* w) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, wait_on, w) == 0);
  return t;
}

static void reset(void) {
  w1 = w2 = 0;
  waiting = woken_count = woken_bits = 0;
}

int main(void) {
  pthread_t t[4];
  struct waiter plain = {&w1, 0, FUTEX_WAIT_PRIVATE};
  reset();
  for (int i = 0; i < 4; i++) t[i] = start(&plain);
  settle(4);
  say("WAKE 1 of 4", futex(&w1, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0));
  nap_ms(50);
  printf("  woken so far %d\n", woken_count);
  say("WAKE all", futex(&w1, FUTEX_WAKE_PRIVATE, INT32_MAX, 0, NULL, 0));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);

  reset();
  struct waiter b[4] = {{&w1, 1, FUTEX_WAIT_BITSET_PRIVATE},
                        {&w1, 2, FUTEX_WAIT_BITSET_PRIVATE},
                        {&w1, 4, FUTEX_WAIT_BITSET_PRIVATE},
                        {&w1, 8, FUTEX_WAIT_BITSET_PRIVATE}};
  for (int i = 0; i < 4; i++) t[i] = start(&b[i]);
  settle(4);
  say("WAKE_BITSET 0b0101", futex(&w1, FUTEX_WAKE_BITSET_PRIVATE, INT32_MAX, 0, NULL, 5));
  nap_ms(50);
  printf("  woken bits %d\n", woken_bits);
  say("WAKE_BITSET the rest", futex(&w1, FUTEX_WAKE_BITSET_PRIVATE, INT32_MAX, 0, NULL, 10));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);

  reset();
  for (int i = 0; i < 4; i++) t[i] = start(&plain);
  settle(4);
  say("CMP_REQUEUE with a stale value",
      futex(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, INT32_MAX, &w2, 7));
  say("CMP_REQUEUE wake 1 move 2", futex(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &w2, 0));
  nap_ms(50);
  printf("  woken so far %d\n", woken_count);
  say("WAKE on w2 (the moved)", futex(&w2, FUTEX_WAKE_PRIVATE, INT32_MAX, 0, NULL, 0));
  say("WAKE on w1 (the one left)", futex(&w1, FUTEX_WAKE_PRIVATE, INT32_MAX, 0, NULL, 0));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);

  reset();
  for (int i = 0; i < 3; i++) t[i] = start(&plain);
  settle(3);
  say("REQUEUE wake 0 move all", futex(&w1, FUTEX_REQUEUE_PRIVATE, 0, INT32_MAX, &w2, 0));
  say("WAKE on w2", futex(&w2, FUTEX_WAKE_PRIVATE, INT32_MAX, 0, NULL, 0));
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);

  // WAKE_OP: *w2 = op(*w2, arg); wake 1 on w1; wake on w2 if cmp(old, cmparg).
  reset();
  struct waiter on2 = {&w2, 0, FUTEX_WAIT_PRIVATE};
  t[0] = start(&plain);
  t[1] = start(&on2);
  settle(2);
  // w2 is 0 and its waiter waits for 0: the op stores 0 + 5, compares the
  // old value 0 == 0 and so wakes w2's waiter too.
  say("WAKE_OP add 5, old == 0",
      futex(&w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2, FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0)));
  printf("  w2 now %u\n", w2);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  say("WAKE_OP or 8 (old 5 > 9 fails)",
      futex(&w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2, FUTEX_OP(FUTEX_OP_OR, 8, FUTEX_OP_CMP_GT, 9)));
  printf("  w2 now %u\n", w2);
  say("WAKE_OP andn 1<<3 (oparg shift)",
      futex(&w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
            FUTEX_OP(FUTEX_OP_ANDN, 3, FUTEX_OP_CMP_NE, 0) | (FUTEX_OP_OPARG_SHIFT << 28)));
  printf("  w2 now %u\n", w2);
  say("WAKE_OP bad op", futex(&w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2, 7u << 28));
  return 0;
}
