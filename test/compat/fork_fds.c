// Descriptors across fork and exec: a shared file offset, FD_CLOEXEC and
// O_CLOEXEC kept by fork and honoured by exec, a pipe's ends and EOF.
#include "compat.h"

#include <fcntl.h>
#include <sys/wait.h>

int main(int argc, char** argv) {
  if (argc > 1) {  // the exec'd image: which descriptors survived
    for (int fd = 3; fd < 8; fd++) printf("after exec fd %d open %d\n", fd, fcntl(fd, F_GETFD) >= 0);
    return 0;
  }
  int p[2];
  CHECK(pipe(p) == 0);
  int fd = open(self_path(argv[0]), O_RDONLY);  // "\177ELF..."
  CHECK(fd >= 0);
  CHECK(lseek(fd, 2, SEEK_SET) == 2);
  pid_t k = fork();
  if (k == 0) {
    char c;
    CHECK(read(fd, &c, 1) == 1);  // moves the shared offset
    printf("child read %c\n", c);
    _exit(0);
  }
  int st;
  waitpid(k, &st, 0);
  printf("parent offset after child's read: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  // EOF only once every write end is closed, the child's copy too.
  k = fork();
  if (k == 0) {
    close(p[0]);
    CHECK(write(p[1], "hi", 2) == 2);
    _exit(0);
  }
  close(p[1]);
  char buf[8];
  ssize_t n, total = 0;
  while ((n = read(p[0], buf, sizeof buf)) > 0) total += n;
  printf("pipe read %zd then EOF %zd\n", total, n);
  waitpid(k, &st, 0);
  close(p[0]);
  close(fd);
  // Descriptors 3..7: 3 plain, 4 FD_CLOEXEC, 5 O_CLOEXEC, 6 dup of 5, 7 closed.
  CHECK(open("/dev/null", O_RDONLY) == 3);
  CHECK(open("/dev/null", O_RDONLY) == 4);
  CHECK(fcntl(4, F_SETFD, FD_CLOEXEC) == 0);
  CHECK(open("/dev/null", O_RDONLY | O_CLOEXEC) == 5);
  CHECK(dup(5) == 6);
  printf("dup clears cloexec %d, fcntl(5) %d\n", fcntl(6, F_GETFD), fcntl(5, F_GETFD));
  CHECK(fcntl(5, F_DUPFD_CLOEXEC, 7) == 7);
  close(7);
  k = fork();
  if (k == 0) {
    printf("in child fd 4 flags %d fd 5 flags %d\n", fcntl(4, F_GETFD), fcntl(5, F_GETFD));
    fflush(stdout);
    char* args[] = {(char*)self_path(argv[0]), "x", NULL};
    execv(args[0], args);
    _exit(127);
  }
  waitpid(k, &st, 0);
  printf("exec child exited %d\n", WEXITSTATUS(st));
  return 0;
}
