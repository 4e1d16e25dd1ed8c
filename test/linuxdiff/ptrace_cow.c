// PTRACE_PEEKDATA/POKEDATA go through the tracee's own address space
// (man 2 ptrace: "Read a word at the address addr in the tracee's memory";
// Linux's access_process_vm with FOLL_FORCE breaks copy-on-write): a word
// the tracer pokes into its forked child, whose page both still share
// copy-on-write, changes the child's copy only. The tracer's own copy and
// a grandchild forked before the poke keep theirs.
// qemu-user has no ptrace: ptrace_cow.expected holds Linux's lines.
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

static volatile long word = 1;
static const long rodata_word = 5;

int main(void) {
  int fds[2];
  if (pipe(fds) != 0) return 1;
  fflush(stdout);
  pid_t t = fork();
  if (t == 0) {
    // The grandchild shares the page too (forked before the poke).
    pid_t g = fork();
    if (g == 0) {
      char c;
      (void)!read(fds[0], &c, 1);  // until the tracer has poked
      _exit(word == 1 ? 0 : 1);
    }
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(10);
    kill(getpid(), SIGSTOP);
    // Poked: 42 here, and the constant in read-only data too.
    int st;
    waitpid(g, &st, 0);
    _exit(word == 42 && *(volatile const long*)&rodata_word == 6 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 42 : 1);
  }
  int st;
  waitpid(t, &st, 0);
  printf("tracee stopped = %d\n", WIFSTOPPED(st));
  errno = 0;
  long v = ptrace(PTRACE_PEEKDATA, t, (void*)&word, 0);
  printf("peek before = %ld (errno %d)\n", v, errno);
  say("poke 42", ptrace(PTRACE_POKEDATA, t, (void*)&word, (void*)42L));
  v = ptrace(PTRACE_PEEKDATA, t, (void*)&word, 0);
  printf("peek after = %ld\n", v);
  printf("the tracer's own word = %ld\n", word);
  // A read-only page: the tracer may write it (FOLL_FORCE), privately.
  say("poke 6 into read-only data", ptrace(PTRACE_POKEDATA, t, (void*)&rodata_word, (void*)6L));
  printf("peek of it = %ld\n", ptrace(PTRACE_PEEKDATA, t, (void*)&rodata_word, 0));
  printf("the tracer's own constant = %ld\n", *(volatile const long*)&rodata_word);
  say("PTRACE_CONT", ptrace(PTRACE_CONT, t, 0, 0));
  (void)!write(fds[1], "x", 1);
  // Linux stops a tracee for every signal, ignored ones too (the
  // grandchild's SIGCHLD): passed on, they do nothing.
  while (waitpid(t, &st, 0) == t && WIFSTOPPED(st))
    ptrace(PTRACE_CONT, t, 0, (void*)(long)WSTOPSIG(st));
  printf("tracee exit status = %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
