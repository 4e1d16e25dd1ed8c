// futex_waitv(2) (Linux 5.16+, kernel/futex/syscalls.c): its checks in
// Linux's order (flags, count, array pointer, clock, timeout, then each
// entry, then each word), EAGAIN when a word differs, ETIMEDOUT on both
// clocks, the index of the word a FUTEX_WAKE woke (private words from a
// thread, shared words from a forked child, 128 words), and EINTR from a
// handler.
#include "ld.h"

#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

// Newer than these headers (uapi/linux/futex.h, 6.7).
#ifndef FUTEX2_SIZE_U16
#define FUTEX2_SIZE_U16 0x01
#define FUTEX2_SIZE_U64 0x03
#define FUTEX2_NUMA 0x04
#endif

static long waitv(struct futex_waitv* w, unsigned n, unsigned flags, const struct timespec* ts,
                  clockid_t clock) {
  return syscall(SYS_futex_waitv, w, n, flags, ts, clock);
}

static long wake(uint32_t* w, int priv) {
  return syscall(SYS_futex, w, priv ? FUTEX_WAKE_PRIVATE : FUTEX_WAKE, 1, NULL, NULL, 0);
}

static uint32_t words[128];

static void fill(struct futex_waitv* w, unsigned n, uint32_t* base, unsigned flags) {
  for (unsigned i = 0; i < n; ++i) {
    w[i].val = base[i];
    w[i].uaddr = (uintptr_t)&base[i];
    w[i].flags = flags;
    w[i].__reserved = 0;
  }
}

// Wakes word `which` of base once a waiter is on it (FUTEX_WAKE answers 1).
static void wake_when_queued(uint32_t* base, unsigned which, int priv) {
  for (int tries = 0; tries < 5000; ++tries) {
    if (wake(&base[which], priv) == 1) return;
    nap_ms(1);
  }
  printf("nobody to wake on word %u\n", which);
}

struct waker_arg {
  uint32_t* base;
  unsigned which;
};

static void* waker(void* p) {
  struct waker_arg* a = p;
  wake_when_queued(a->base, a->which, 1);
  return NULL;
}

static void wake_case(const char* what, unsigned n, unsigned which) {
  struct futex_waitv w[128];
  fill(w, n, words, FUTEX_32 | FUTEX_PRIVATE_FLAG);
  struct waker_arg a = {words, which};
  pthread_t t;
  pthread_create(&t, NULL, waker, &a);
  say(what, waitv(w, n, 0, NULL, 0));
  pthread_join(t, NULL);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct futex_waitv w[129];
  for (unsigned i = 0; i < 128; ++i) words[i] = i * 7;
  fill(w, 3, words, FUTEX_32 | FUTEX_PRIVATE_FLAG);
  struct timespec past = {0, 0}, bad_nsec = {0, 1000000000}, neg = {-1, 0};

  // The call's own arguments.
  say("flags 1", waitv(w, 3, 1, NULL, 0));
  say("nr 0", waitv(w, 0, 0, NULL, 0));
  say("nr 129", waitv(w, 129, 0, NULL, 0));
  say("waiters NULL", waitv(NULL, 3, 0, NULL, 0));
  say("nr 0 beats a bad timeout", waitv(w, 0, 0, (void*)8, 0));
  say("clock BOOTTIME", waitv(w, 3, 0, &past, CLOCK_BOOTTIME));
  w[1].val = 12345;
  say("clock 99 unchecked without a timeout", waitv(w, 3, 0, NULL, 99));
  w[1].val = words[1];
  say("timeout pointer bad", waitv(w, 3, 0, (void*)8, CLOCK_MONOTONIC));
  say("bad clock beats bad timeout pointer", waitv(w, 3, 0, (void*)8, 42));
  say("timeout nsec 1e9", waitv(w, 3, 0, &bad_nsec, CLOCK_MONOTONIC));
  say("timeout sec -1", waitv(w, 3, 0, &neg, CLOCK_REALTIME));
  say("waiters pointer bad", waitv((void*)8, 3, 0, NULL, 0));

  // Each entry.
  struct futex_waitv e[2];
  fill(e, 2, words, FUTEX_32 | FUTEX_PRIVATE_FLAG);
  e[1].flags = 0;  // size U8
  say("entry size U8", waitv(e, 2, 0, NULL, 0));
  e[1].flags = FUTEX2_SIZE_U16 | FUTEX_PRIVATE_FLAG;
  say("entry size U16", waitv(e, 2, 0, NULL, 0));
  e[1].flags = FUTEX2_SIZE_U64;
  say("entry size U64", waitv(e, 2, 0, NULL, 0));
  e[1].flags = FUTEX_32 | 0x100;
  say("entry unknown flag", waitv(e, 2, 0, NULL, 0));
  e[1].flags = FUTEX_32 | FUTEX2_NUMA;
  say("entry FUTEX2_NUMA", waitv(e, 2, 0, NULL, 0));
  e[1].flags = FUTEX_32;
  e[1].__reserved = 1;
  say("entry reserved", waitv(e, 2, 0, NULL, 0));
  e[1].__reserved = 0;
  e[1].val = 1ull << 32;
  say("entry value above 32 bits", waitv(e, 2, 0, NULL, 0));
  e[1].val = words[1];
  e[1].uaddr = (uintptr_t)&words[1] + 2;
  say("entry misaligned", waitv(e, 2, 0, NULL, 0));
  e[1].uaddr = 0;
  say("entry NULL word, private", (e[1].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG, waitv(e, 2, 0, NULL, 0)));
  e[1].flags = FUTEX_32;
  say("entry NULL word, shared", waitv(e, 2, 0, NULL, 0));
  char* gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(gone, 4096);
  e[1].uaddr = (uintptr_t)gone;
  say("entry unmapped word, shared", waitv(e, 2, 0, NULL, 0));
  e[1].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
  say("entry unmapped word, private", waitv(e, 2, 0, NULL, 0));
  e[1].uaddr = (uintptr_t)&words[1];
  e[1].val = 12345;
  say("entry 1 differs", waitv(e, 2, 0, NULL, 0));
  e[0].val = 12345;
  e[1].val = words[1];
  say("entry 0 differs", waitv(e, 2, 0, NULL, 0));
  e[0].val = words[0];
  e[1].uaddr = (uintptr_t)&words[1] + 1;
  say("entry misaligned after one that differs", (e[0].val = 5, waitv(e, 2, 0, NULL, 0)));

  // Timeouts: absolute, on either clock.
  fill(w, 3, words, FUTEX_32 | FUTEX_PRIVATE_FLAG);
  say("timeout in the past", waitv(w, 3, 0, &past, CLOCK_MONOTONIC));
  long t0 = now_ms();
  struct timespec ts = abs_after(CLOCK_MONOTONIC, 60);
  long r = waitv(w, 3, 0, &ts, CLOCK_MONOTONIC);
  printf("MONOTONIC 60 ms = %ld %s, %s\n", r, r < 0 ? strerrorname_np(errno) : "",
         now_ms() - t0 >= 60 ? "waited long enough" : "returned early");
  t0 = now_ms();
  ts = abs_after(CLOCK_REALTIME, 60);
  r = waitv(w, 3, 0, &ts, CLOCK_REALTIME);
  printf("REALTIME 60 ms = %ld %s, %s\n", r, r < 0 ? strerrorname_np(errno) : "",
         now_ms() - t0 >= 59 ? "waited long enough" : "returned early");
  ts = abs_after(CLOCK_MONOTONIC, 50);
  say("no waiter left behind", wake(&words[0], 1) + wake(&words[1], 1) + wake(&words[2], 1));

  // Wakes: the index of the woken word.
  wake_case("3 words, wake word 0", 3, 0);
  wake_case("3 words, wake word 2", 3, 2);
  wake_case("128 words, wake word 126", 128, 126);
  wake_case("1 word, wake it", 1, 0);
  say("no waiter left behind", wake(&words[0], 1) + wake(&words[126], 1));

  // The same word twice: a wake of it takes one of them.
  struct futex_waitv d[2];
  fill(d, 1, words, FUTEX_32 | FUTEX_PRIVATE_FLAG);
  d[1] = d[0];
  struct waker_arg a = {words, 0};
  pthread_t t;
  pthread_create(&t, NULL, waker, &a);
  r = waitv(d, 2, 0, NULL, 0);
  printf("same word twice = %s\n", r == 0 || r == 1 ? "an index of it" : "wrong");
  pthread_join(t, NULL);
  say("the other queue entry is gone", wake(&words[0], 1));

  // Shared words across fork: the child wakes word 1 of a MAP_SHARED page.
  uint32_t* sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = 10, sh[1] = 11, sh[2] = 12;
  struct futex_waitv s[3];
  fill(s, 3, sh, FUTEX_32);
  pid_t pid = fork();
  if (pid == 0) {
    wake_when_queued(sh, 1, 0);
    _exit(0);
  }
  say("shared words, child wakes word 1", waitv(s, 3, 0, NULL, 0));
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  // A private entry on a shared page is keyed by address: a shared wake
  // does not reach it, a private one does.
  s[2].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
  ts = abs_after(CLOCK_MONOTONIC, 100);
  pid = fork();
  if (pid == 0) {
    nap_ms(30);
    _exit(wake(&sh[2], 0) == 0 ? 0 : 1);
  }
  say("shared wake misses a private entry", waitv(s, 3, 0, &ts, CLOCK_MONOTONIC));
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));

  // A handler ends the wait: EINTR.
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 50000}};
  setitimer(ITIMER_REAL, &it, NULL);
  fill(w, 3, words, FUTEX_32 | FUTEX_PRIVATE_FLAG);
  say("SIGALRM handler", waitv(w, 3, 0, NULL, 0));
  return 0;
}
