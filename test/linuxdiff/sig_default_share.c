// Signal actions of processes whose actions are all default (Tine shares
// one static table among them, issue 11): a fork child's change stays its
// own, before and after the parent sets a handler of its own; an exec with nothing ignored is back to all default and its own forks
// still change only their own; an exec keeps an ignored signal ignored.
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static volatile int hits;
static void on_sig(int sig) { hits += sig; }

static const char* action(int sig) {
  struct sigaction a;
  sigaction(sig, NULL, &a);
  return a.sa_handler == SIG_DFL ? "default" : a.sa_handler == SIG_IGN ? "ignore" : "caught";
}

static int wait_exit(pid_t c) {
  int st;
  if (waitpid(c, &st, __WALL) != c) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// A fork child sets a handler and SA_RESETHAND on another signal; the
// parent's actions stay default.
static void fork_child_changes(const char* who) {
  pid_t c = fork();
  if (c == 0) {
    struct sigaction sa = {0};
    sa.sa_handler = on_sig;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    raise(SIGUSR2);
    printf("%s child: hits %d, USR1 %s, USR2 %s\n", who, hits, action(SIGUSR1), action(SIGUSR2));
    _exit(3);
  }
  printf("%s child: exit %d\n", who, wait_exit(c));
  printf("%s parent: USR1 %s, USR2 %s\n", who, action(SIGUSR1), action(SIGUSR2));
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) {
    printf("after exec (%s): USR1 %s, USR2 %s, TERM %s\n", argv[1], action(SIGUSR1),
           action(SIGUSR2), action(SIGTERM));
    fork_child_changes("exec'd");
    return 0;
  }
  printf("start: USR1 %s, USR2 %s\n", action(SIGUSR1), action(SIGUSR2));
  fork_child_changes("first");

  // Setting the default on a default action changes nothing anywhere.
  signal(SIGUSR1, SIG_DFL);
  fork_child_changes("after SIG_DFL");

  // A handler of the parent's own now: a fork child's change is still
  // the child's alone. (A CLONE_SIGHAND child of an all-default parent,
  // which qemu-user cannot run, is test/compat/clone_raw's.)
  struct sigaction sa = {0};
  sa.sa_handler = on_sig;
  sigaction(SIGUSR2, &sa, NULL);
  fork_child_changes("after a handler");
  hits = 0;
  raise(SIGUSR2);
  printf("parent: hits %d\n", hits);

  // Exec with a handler set and nothing ignored: all default again.
  char buf[256];
  const char* self = self_path(argv[0], buf, sizeof buf);
  pid_t c = fork();
  if (c == 0) {
    char* args[] = {(char*)self, "caught", NULL};
    execv(self, args);
    _exit(127);
  }
  printf("exec child: exit %d\n", wait_exit(c));

  // Exec with SIGTERM ignored: it stays ignored.
  signal(SIGTERM, SIG_IGN);
  c = fork();
  if (c == 0) {
    char* args[] = {(char*)self, "ignored", NULL};
    execv(self, args);
    _exit(127);
  }
  printf("exec child: exit %d\n", wait_exit(c));
  return 0;
}
