// ptrace following a three-level fork/vfork/clone tree, every stop in
// order (man 2 ptrace: PTRACE_TRACEME, "execve(2) under ptrace", the
// PTRACE_O_TRACE* options and PTRACE_EVENT_* stops, PTRACE_GETEVENTMSG).
// The tracee a asks to be traced and execs this program again ("tree"):
// without PTRACE_O_TRACEEXEC the exec stops it with a plain SIGTRAP. Then,
// with fork, vfork, clone, exec, exit and vfork-done events on:
//   a forks b and waits for it (b checks that getppid is a, not the tracer);
//   b vforks c, which _exits 7 (b is released by that exit: VFORK_DONE),
//     then clones d with exit signal 0 (a clone event) and waits for it;
//   d execs this program ("leaf"), which exits 0; b exits 3; a exits 0.
// A new child's first stop (SIGSTOP) is let go only after its parent's
// event, so the order below is the only one. Other signal stops (the
// SIGCHLD a real parent gets when the tracer lets go of a dead child) are
// passed on silently. Pids print as letters.
// qemu-user has no ptrace: ptrace_tree.expected holds Linux's lines.
#include "ld.h"

#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

static char path[256];

static int leaf(void) { return 0; }

static char d_stack[65536] __attribute__((aligned(16)));

static int d_main(void* arg) {
  (void)arg;
  char* argv[] = {path, (char*)"leaf", NULL};
  execv(path, argv);
  return 126;
}

static pid_t a_pid;

static int b_main(void) {
  int st = 0;
  // Traced, b still sees a as its parent (getppid is the real parent).
  if (getppid() != a_pid) return 12;
  pid_t c = vfork();
  if (c == 0) _exit(7);
  if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 7) return 10;
  pid_t d = clone(d_main, d_stack + sizeof d_stack, 0, NULL);
  // __WALL: Linux's exec makes the exit signal SIGCHLD (de_thread), so
  // after d's exec __WCLONE would no longer select it.
  if (d < 0 || waitpid(d, &st, __WALL) != d || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return 11;
  return 3;
}

static int tree(void) {
  int st = 0;
  a_pid = getpid();
  pid_t b = fork();
  if (b == 0) _exit(b_main());
  if (b < 0 || waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 3) return 1;
  return 0;
}

// The tracer's view: pids as letters, new children held until announced.
struct t {
  pid_t pid;
  int announced, first_stop, held;
};
static struct t ts[16];
static int nts;

static struct t* find(pid_t pid) {
  for (int i = 0; i < nts; i++)
    if (ts[i].pid == pid) return &ts[i];
  if (nts == 16) exit(20);
  ts[nts].pid = pid;
  return &ts[nts++];
}
static char name(pid_t pid) { return (char)('a' + (find(pid) - ts)); }

static void release(struct t* c) {
  printf("%c first stop: SIGSTOP\n", name(c->pid));
  c->held = 0;
  ptrace(PTRACE_CONT, c->pid, 0, 0);
}

int main(int argc, char** argv) {
  snprintf(path, sizeof path, "%s", self_path(argv[0], (char[256]){0}, 256));
  if (argc > 1 && strcmp(argv[1], "tree") == 0) return tree();
  if (argc > 1 && strcmp(argv[1], "leaf") == 0) return leaf();

  fflush(stdout);
  pid_t a = fork();
  if (a == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(30);
    char* av[] = {path, (char*)"tree", NULL};
    execv(path, av);
    _exit(31);
  }
  int st;
  waitpid(a, &st, 0);
  find(a)->announced = find(a)->first_stop = 1;
  printf("a stopped after exec: status>>8 == SIGTRAP = %d\n", WIFSTOPPED(st) && (st >> 8) == SIGTRAP);
  long opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
              PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACEVFORKDONE;
  say("PTRACE_SETOPTIONS", ptrace(PTRACE_SETOPTIONS, a, 0, (void*)opts));
  ptrace(PTRACE_CONT, a, 0, 0);

  for (;;) {
    pid_t pid = waitpid(-1, &st, __WALL);
    if (pid < 0) break;
    struct t* t = find(pid);
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      if (pid == a) printf("a reaped: exit %d\n", WEXITSTATUS(st));
      continue;
    }
    const int sig = WSTOPSIG(st), event = st >> 16;
    if (sig == SIGTRAP && event) {
      unsigned long msg = 0;
      ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
      const char me = name(pid);
      switch (event) {
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK:
        case PTRACE_EVENT_CLONE: {
          const char* what = event == PTRACE_EVENT_FORK    ? "fork"
                             : event == PTRACE_EVENT_VFORK ? "vfork"
                                                           : "clone";
          struct t* c = find((pid_t)msg);
          printf("%c %s event -> %c\n", me, what, name(c->pid));
          c->announced = 1;
          if (c->held) release(c);
          break;
        }
        case PTRACE_EVENT_VFORK_DONE:
          printf("%c vfork done event -> %c\n", me, name((pid_t)msg));
          break;
        case PTRACE_EVENT_EXEC:
          printf("%c exec event, message is its pid = %d\n", me, msg == (unsigned long)pid);
          break;
        case PTRACE_EVENT_EXIT:
          printf("%c exit event: exit %d\n", me, WEXITSTATUS((int)msg));
          break;
        default: printf("%c event %d\n", me, event);
      }
      ptrace(PTRACE_CONT, pid, 0, 0);
      continue;
    }
    if (sig == SIGSTOP && !t->first_stop) {
      t->first_stop = 1;
      if (t->announced)
        release(t);
      else
        t->held = 1;
      continue;
    }
    ptrace(PTRACE_CONT, pid, 0, (void*)(long)sig);
  }
  printf("tracees seen = %d\n", nts);
  return 0;
}
