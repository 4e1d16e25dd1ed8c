// POSIX named shared memory and semaphores (shm_open, sem_open), which
// glibc keeps as files in /dev/shm: a parent and a forked child share a
// counter through a shm_open'd region, take turns through two named
// semaphores, and a second process opens them by name after the first
// has them. Unlinked names are gone; O_EXCL on a live name is EEXIST.
#include "compat.h"

#include <dirent.h>
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define ROUNDS 200

static int listed(const char* name) {
  DIR* d = opendir("/dev/shm");
  if (!d) return -1;
  int found = 0;
  for (struct dirent* e; (e = readdir(d));) found |= strcmp(e->d_name, name) == 0;
  closedir(d);
  return found;
}

int main(void) {
  const char* shm = "/tine_compat_shm";
  shm_unlink(shm);
  sem_unlink("tine_ping");
  sem_unlink("tine_pong");

  int fd = shm_open(shm, O_RDWR | O_CREAT | O_EXCL, 0600);
  CHECK(fd >= 0);
  CHECK(ftruncate(fd, 4096) == 0);
  long* counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(counter != MAP_FAILED);
  close(fd);
  printf("listed in /dev/shm: %d\n", listed("tine_compat_shm"));
  errno = 0;
  printf("O_EXCL again: %d %s\n", shm_open(shm, O_RDWR | O_CREAT | O_EXCL, 0600),
         strerrorname_np(errno));

  sem_t* ping = sem_open("tine_ping", O_CREAT | O_EXCL, 0600, 0);
  sem_t* pong = sem_open("tine_pong", O_CREAT | O_EXCL, 0600, 0);
  CHECK(ping != SEM_FAILED && pong != SEM_FAILED);
  printf("semaphore listed: %d\n", listed("sem.tine_ping"));

  pid_t child = fork();
  CHECK(child >= 0);
  if (child == 0) {
    // The child opens the names afresh, as an unrelated process would.
    sem_t* a = sem_open("tine_ping", 0);
    sem_t* b = sem_open("tine_pong", 0);
    int cfd = shm_open(shm, O_RDWR, 0);
    if (a == SEM_FAILED || b == SEM_FAILED || cfd < 0) _exit(2);
    long* c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
    if (c == MAP_FAILED) _exit(3);
    for (int i = 0; i < ROUNDS; i++) {
      sem_wait(a);
      (*c)++;
      sem_post(b);
    }
    _exit(0);
  }
  int order_ok = 1;
  for (int i = 0; i < ROUNDS; i++) {
    (*counter)++;
    sem_post(ping);
    sem_wait(pong);
    order_ok &= *counter == 2 * (i + 1);
  }
  int st;
  CHECK(waitpid(child, &st, 0) == child);
  printf("child exit %d, counter %ld, turns in order %d\n", WEXITSTATUS(st), *counter, order_ok);

  CHECK(sem_close(ping) == 0 && sem_close(pong) == 0);
  CHECK(sem_unlink("tine_ping") == 0 && sem_unlink("tine_pong") == 0);
  CHECK(shm_unlink(shm) == 0);
  printf("after unlink listed: %d %d\n", listed("tine_compat_shm"), listed("sem.tine_ping"));
  errno = 0;
  printf("open unlinked: %d %s\n", shm_open(shm, O_RDWR, 0), strerrorname_np(errno));
  printf("mapping still holds %ld\n", *counter);
  return 0;
}
