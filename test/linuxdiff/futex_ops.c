// futex(2) in one process: every operation's answers and errors, in
// Linux's order of checks (kernel/futex/syscalls.c: the timeout first,
// then FUTEX_CLOCK_REALTIME, then the op), timeouts on both clocks, and a
// wait a signal handler interrupts (EINTR) or SA_RESTART restarts (the
// restarted wait finds the word changed: EAGAIN).
#include "ld.h"

#include <linux/futex.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>

static long futex(void* uaddr, int op, uint32_t val, const void* timeout_or_val2, void* uaddr2,
                  uint32_t val3) {
  return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static uint32_t word, word2;

static void timeout_on(const char* what, uint32_t* w, int op, uint32_t val,
                       const struct timespec* ts, uint32_t bitset, long min_ms) {
  const long t0 = now_ms();
  long r = futex(w, op, val, ts, NULL, bitset);
  const long took = now_ms() - t0;
  printf("%s = %ld %s, %s\n", what, r, r < 0 ? strerrorname_np(errno) : "",
         took >= min_ms ? "waited long enough" : "returned early");
}

static void timeout_case(const char* what, int op, uint32_t val, const struct timespec* ts,
                         uint32_t bitset, long min_ms) {
  timeout_on(what, &word, op, val, ts, bitset, min_ms);
}

static volatile int handled;
static void on_alarm(int sig) {
  (void)sig;
  handled++;
  word = 99;  // a restarted wait then finds the word changed
}

static void signal_case(const char* what, int flags, const struct timespec* ts) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = flags;
  sigaction(SIGALRM, &sa, NULL);
  word = 0;
  handled = 0;
  struct itimerval it = {{0, 0}, {0, 50000}};
  setitimer(ITIMER_REAL, &it, NULL);
  long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, ts, NULL, 0);
  printf("%s = %ld %s (handler ran %d)\n", what, r, r < 0 ? strerrorname_np(errno) : "", handled);
}

static uint32_t wake_op(int op, int oparg, int cmp, int cmparg) {
  return FUTEX_OP(op, oparg, cmp, cmparg);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  word = 1;
  say("WAIT value differs", futex(&word, FUTEX_WAIT, 0, NULL, NULL, 0));
  say("WAIT_PRIVATE value differs", futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
  say("WAIT_BITSET value differs",
      futex(&word, FUTEX_WAIT_BITSET, 0, NULL, NULL, FUTEX_BITSET_MATCH_ANY));
  say("WAIT misaligned", futex((char*)&word + 1, FUTEX_WAIT, 1, NULL, NULL, 0));
  say("WAKE misaligned", futex((char*)&word + 2, FUTEX_WAKE, 1, NULL, NULL, 0));
  say("WAIT_BITSET bitset 0", futex(&word, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0));
  say("WAKE_BITSET bitset 0", futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
  say("WAKE nobody", futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0));
  say("WAKE_PRIVATE nobody", futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
  say("WAKE_BITSET nobody", futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 5));
  say("unknown op", futex(&word, 99, 0, NULL, NULL, 0));
  say("FUTEX_FD", futex(&word, 2, 0, NULL, NULL, 0));
  say("WAIT|CLOCK_REALTIME", futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0));
  say("WAKE|CLOCK_REALTIME", futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));

  // Bad pointers: NULL, unmapped, PROT_NONE, read-only.
  char* none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  uint32_t* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(gone, 4096);
  say("WAIT NULL", futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0));
  say("WAIT_PRIVATE unmapped", futex(gone, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
  say("WAIT unmapped", futex(gone, FUTEX_WAIT, 0, NULL, NULL, 0));
  say("WAIT PROT_NONE", futex(none, FUTEX_WAIT, 0, NULL, NULL, 0));
  say("WAKE unmapped", futex(gone, FUTEX_WAKE, 1, NULL, NULL, 0));
  say("WAKE_PRIVATE unmapped", futex(gone, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
  say("WAKE PROT_NONE", futex(none, FUTEX_WAKE, 1, NULL, NULL, 0));
  say("WAKE_PRIVATE kernel address",
      futex((void*)0xffffffc000000000ul, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
  // A shared op on private anonymous memory that cannot be written is
  // EFAULT (get_futex_key); a private op reads it.
  struct timespec short_ts = {0, 20 * 1000000};
  say("WAIT read-only anonymous", futex(ro, FUTEX_WAIT, 0, &short_ts, NULL, 0));
  say("WAKE read-only anonymous", futex(ro, FUTEX_WAKE, 1, NULL, NULL, 0));
  say("WAIT_PRIVATE read-only differs", futex(ro, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0));
  timeout_on("WAIT_PRIVATE read-only, 20 ms", ro, FUTEX_WAIT_PRIVATE, 0, &short_ts, 0, 20);

  // Timeouts: checked before the op's own arguments.
  struct timespec bad_nsec = {0, 1000000000}, neg_sec = {-1, 0};
  say("WAIT bad timeout pointer", futex(&word, FUTEX_WAIT, 1, (void*)8, NULL, 0));
  say("WAIT misaligned, bad timeout pointer",
      futex((char*)&word + 1, FUTEX_WAIT, 1, (void*)8, NULL, 0));
  say("WAIT nsec 1e9", futex(&word, FUTEX_WAIT, 1, &bad_nsec, NULL, 0));
  say("WAIT sec -1", futex(&word, FUTEX_WAIT, 1, &neg_sec, NULL, 0));
  say("WAKE ignores its timeout pointer", futex(&word, FUTEX_WAKE, 1, (void*)8, NULL, 0));
  say("WAIT|CLOCK_REALTIME bad timeout", futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1,
                                               &bad_nsec, NULL, 0));
  word = 1;
  struct timespec rel = {0, 60 * 1000000};
  timeout_case("WAIT 60 ms", FUTEX_WAIT_PRIVATE, 1, &rel, 0, 60);
  struct timespec mono = abs_after(CLOCK_MONOTONIC, 60);
  timeout_case("WAIT_BITSET monotonic +60 ms", FUTEX_WAIT_BITSET_PRIVATE, 1, &mono,
               FUTEX_BITSET_MATCH_ANY, 50);
  struct timespec real = abs_after(CLOCK_REALTIME, 60);
  timeout_case("WAIT_BITSET realtime +60 ms", FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &real,
               FUTEX_BITSET_MATCH_ANY, 50);
  struct timespec past = {0, 0};
  timeout_case("WAIT_BITSET monotonic 0", FUTEX_WAIT_BITSET, 1, &past, 1, 0);
  timeout_case("WAIT_BITSET realtime 0", FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &past, 1, 0);
  struct timespec zero = {0, 0};
  timeout_case("WAIT 0", FUTEX_WAIT, 1, &zero, 0, 0);

  // Requeue: counts, and CMP_REQUEUE's word check.
  word = 7;
  say("REQUEUE nobody", futex(&word, FUTEX_REQUEUE, 1, (void*)1, &word2, 0));
  say("REQUEUE negative nr_wake", futex(&word, FUTEX_REQUEUE, (uint32_t)-1, (void*)1, &word2, 0));
  say("REQUEUE negative nr_requeue",
      futex(&word, FUTEX_REQUEUE, 1, (void*)(uintptr_t)0xffffffffu, &word2, 0));
  say("CMP_REQUEUE word differs", futex(&word, FUTEX_CMP_REQUEUE, 1, (void*)1, &word2, 6));
  say("CMP_REQUEUE word equal", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void*)1, &word2, 7));
  say("CMP_REQUEUE misaligned 2nd", futex(&word, FUTEX_CMP_REQUEUE, 1, (void*)1,
                                          (char*)&word2 + 1, 7));
  say("CMP_REQUEUE unmapped 1st", futex(gone, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void*)1, &word2, 7));
  say("CMP_REQUEUE unmapped 2nd", futex(&word, FUTEX_CMP_REQUEUE, 1, (void*)1, gone, 7));

  // WAKE_OP: the operation on the second word, and its errors.
  const struct {
    const char* what;
    int op, oparg, cmp;
    uint32_t before;
  } ops[] = {
      {"SET 5", FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 1},
      {"ADD 3", FUTEX_OP_ADD, 3, FUTEX_OP_CMP_NE, 1},
      {"ADD -2", FUTEX_OP_ADD, -2, FUTEX_OP_CMP_LT, 1},
      {"OR 6", FUTEX_OP_OR, 6, FUTEX_OP_CMP_LE, 1},
      {"ANDN 1", FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_GT, 3},
      {"XOR 15", FUTEX_OP_XOR, 15, FUTEX_OP_CMP_GE, 5},
      {"SET 1<<4", FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_EQ, 0},
      {"OR 1<<31", FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 31, FUTEX_OP_CMP_EQ, 1},
      {"unknown op 5", 5, 1, FUTEX_OP_CMP_EQ, 9},
      {"unknown op 7", 7, 1, FUTEX_OP_CMP_EQ, 9},
      {"ADD 1, unknown cmp 6", FUTEX_OP_ADD, 1, 6, 9},
      {"ADD 1, unknown cmp 15", FUTEX_OP_ADD, 1, 15, 9},
  };
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    word2 = ops[i].before;
    long r = futex(&word, FUTEX_WAKE_OP, 1, (void*)1, &word2,
                   wake_op(ops[i].op, ops[i].oparg, ops[i].cmp, 2));
    printf("WAKE_OP %s: %ld %s, word %u -> %u\n", ops[i].what, r,
           r < 0 ? strerrorname_np(errno) : "", ops[i].before, word2);
  }
  say("WAKE_OP 2nd unmapped", futex(&word, FUTEX_WAKE_OP, 1, (void*)1, gone, 0));
  say("WAKE_OP 2nd read-only", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void*)1, ro, 0));
  say("WAKE_OP 2nd misaligned", futex(&word, FUTEX_WAKE_OP, 1, (void*)1, (char*)&word2 + 2, 0));
  say("WAKE_OP 1st misaligned", futex((char*)&word + 2, FUTEX_WAKE_OP, 1, (void*)1, gone, 0));

  // Signals: a handler without SA_RESTART ends the wait with EINTR; with
  // SA_RESTART an untimed wait is restarted, and the restarted wait finds
  // the word the handler changed.
  signal_case("WAIT, handler without SA_RESTART", 0, NULL);
  signal_case("WAIT, handler with SA_RESTART", SA_RESTART, NULL);
  struct timespec long_ts = {5, 0};
  signal_case("WAIT 5 s, handler without SA_RESTART", 0, &long_ts);
  return 0;
}
