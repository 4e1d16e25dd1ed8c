// A thread pool over socketpairs. Eight workers share one SOCK_DGRAM pair
// as their job queue (each datagram is one job, taken whole by exactly one
// worker) and answer on their own SOCK_STREAM pair; the main thread
// collects the answers with poll. Then each worker is handed a pipe by
// SCM_RIGHTS, writes to it and closes it; then every worker blocked in recv
// is woken by shutdown of the queue and ends.
#include "compat.h"

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#define WORKERS 8
#define JOBS 2000

struct job {
  int id;
  int kind;  // 0 compute, 1 take a descriptor, 2 stop
};

struct answer {
  int id;
  int worker;
  long value;
};

static int queue[2];              // [0] main sends jobs, [1] workers receive
static int reply[WORKERS][2];     // [0] main reads, [1] worker writes
static int done_by[WORKERS];

static long work(int id) {
  long v = id;
  for (int i = 0; i < 50; i++) v = (v * 31 + i) % 1000003;
  return v;
}

static void* worker(void* arg) {
  int me = (int)(long)arg;
  for (;;) {
    struct job j;
    int fd;
    long n = recv_with_fd(queue[1], &j, sizeof j, &fd, 0);
    if (n == 0) break;  // the queue was shut down
    if (n != sizeof j) return (void*)1;
    if (j.kind == 1) {
      if (fd < 0) return (void*)2;
      char line[8];
      int len = snprintf(line, sizeof line, "%c", 'a' + (j.id % 26));
      if (write(fd, line, len) != len) return (void*)3;
      close(fd);
      continue;
    }
    struct answer a = {j.id, me, work(j.id)};
    if (write(reply[me][1], &a, sizeof a) != sizeof a) return (void*)4;
    done_by[me]++;
  }
  return NULL;
}

int main(void) {
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, queue) == 0);
  for (int i = 0; i < WORKERS; i++) CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, reply[i]) == 0);
  pthread_t t[WORKERS];
  for (int i = 0; i < WORKERS; i++) CHECK(pthread_create(&t[i], NULL, worker, (void*)(long)i) == 0);

  // Jobs go out as the queue takes them; answers come back through poll.
  static char seen[JOBS];
  long sum = 0, want = 0;
  int sent = 0, got = 0;
  while (got < JOBS) {
    struct pollfd p[WORKERS + 1];
    for (int i = 0; i < WORKERS; i++) p[i] = (struct pollfd){reply[i][0], POLLIN, 0};
    p[WORKERS] = (struct pollfd){queue[0], sent < JOBS ? POLLOUT : 0, 0};
    CHECK(poll(p, WORKERS + 1, 10000) > 0);
    if (p[WORKERS].revents & POLLOUT) {
      struct job j = {sent, 0};
      if (send(queue[0], &j, sizeof j, MSG_DONTWAIT) == sizeof j) {
        want += work(sent);
        sent++;
      }
    }
    for (int i = 0; i < WORKERS; i++) {
      if (!(p[i].revents & POLLIN)) continue;
      struct answer a;
      CHECK(recv(reply[i][0], &a, sizeof a, MSG_WAITALL) == sizeof a);
      if (a.worker != i || a.id < 0 || a.id >= JOBS || seen[a.id]) {
        printf("bad answer\n");
        return 1;
      }
      seen[a.id] = 1;
      sum += a.value;
      got++;
    }
  }
  printf("answers %d, sum matches %d\n", got, sum == want);

  // Descriptors as jobs: each worker that takes one writes a letter.
  int pp[2];
  CHECK(pipe(pp) == 0);
  for (int k = 0; k < 52; k++) {
    struct job j = {k, 1};
    CHECK(send_with_fd(queue[0], &j, sizeof j, pp[1]) == sizeof j);
  }
  close(pp[1]);
  int counts[26] = {0};
  char buf[64];
  long n, total = 0;
  while ((n = read(pp[0], buf, sizeof buf)) > 0) {
    for (long i = 0; i < n; i++) counts[buf[i] - 'a']++;
    total += n;
  }
  int even = 1;
  for (int i = 0; i < 26; i++) even &= counts[i] == 2;
  printf("letters %ld, each twice %d, then EOF %d\n", total, even, n == 0);

  // Shut the queue's reading side: every blocked worker returns 0.
  CHECK(shutdown(queue[1], SHUT_RD) == 0);
  int bad = 0, busy = 0;
  for (int i = 0; i < WORKERS; i++) {
    void* r;
    pthread_join(t[i], &r);
    bad += r != NULL;
    busy += done_by[i] > 0;
  }
  printf("workers ended %d, failed %d, all took work %d\n", WORKERS, bad, busy > 0);
  return 0;
}
