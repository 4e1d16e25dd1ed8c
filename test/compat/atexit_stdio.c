// exit versus _exit in a forked child: atexit handlers and stdio flushing
// run on exit() only; a fully buffered stream with unwritten bytes at fork
// is written twice (once by each process) unless flushed first.
#include "compat.h"

#include <fcntl.h>
#include <sys/wait.h>

static int out;
static void handler1(void) { (void)!write(out, "[atexit 1]", 10); }
static void handler2(void) { (void)!write(out, "[atexit 2]", 10); }

static void show(const char* what, int fd) {
  char buf[256] = {0};
  lseek(fd, 0, SEEK_SET);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  printf("%s: %s\n", what, n > 0 ? buf : "(nothing)");
  CHECK(ftruncate(fd, 0) == 0);
  lseek(fd, 0, SEEK_SET);
}

int main(void) {
  char path[] = "/tmp/compatatexitXXXXXX";
  out = mkstemp(path);
  CHECK(out >= 0);
  unlink(path);
  atexit(handler1);
  atexit(handler2);
  FILE* f = fdopen(dup(out), "w");
  setvbuf(f, NULL, _IOFBF, 4096);
  int st;

  fprintf(f, "<buffered>");
  pid_t k = fork();
  if (k == 0) exit(0);  // flushes the copy and runs the handlers
  waitpid(k, &st, 0);
  show("child exit()", out);
  fflush(f);  // the parent's copy now
  show("parent flush", out);

  fprintf(f, "<buffered>");
  k = fork();
  if (k == 0) _exit(0);  // neither
  waitpid(k, &st, 0);
  show("child _exit()", out);
  fflush(f);
  show("parent flush", out);

  fprintf(f, "<flushed first>");
  fflush(f);
  k = fork();
  if (k == 0) exit(0);
  waitpid(k, &st, 0);
  show("flushed before fork, child exit()", out);
  fclose(f);
  out = open("/dev/null", O_WRONLY);  // the parent's handlers write there
  return 0;
}
