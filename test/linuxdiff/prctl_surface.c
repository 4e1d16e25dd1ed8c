/* prctl: the thread name (15 bytes and a NUL, kept across fork), no new
 * privileges (one way, inherited), the capability bounding set of root,
 * and their errno. */
#include "ld.h"  // first: it defines _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>


int main(void) {
  char name[32];
  show_ret("set name", prctl(PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0));
  memset(name, 'x', sizeof name);
  show_ret("get name", prctl(PR_GET_NAME, name, 0, 0, 0));
  printf("name '%s', byte 16 untouched: %d\n", name, name[16] == 'x');
  show_ret("set short", prctl(PR_SET_NAME, "short", 0, 0, 0));
  show_ret("set bad pointer", prctl(PR_SET_NAME, (char *)8, 0, 0, 0));
  show_ret("get bad pointer", prctl(PR_GET_NAME, (char *)8, 0, 0, 0));
  show_ret("no new privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show_ret("get with arg", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
  show_ret("set 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show_ret("set with arg3", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
  show_ret("set", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
  show_ret("no new privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show_ret("cap 0", prctl(PR_CAPBSET_READ, 0, 0, 0, 0));
  show_ret("cap 21", prctl(PR_CAPBSET_READ, 21, 0, 0, 0));
  show_ret("cap 40", prctl(PR_CAPBSET_READ, 40, 0, 0, 0));
  show_ret("cap 41", prctl(PR_CAPBSET_READ, 41, 0, 0, 0));
  show_ret("cap -1", prctl(PR_CAPBSET_READ, -1L, 0, 0, 0));
  show_ret("unknown option", prctl(0x7fff0000, 0, 0, 0, 0));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_GET_NAME, name, 0, 0, 0);
    printf("child name '%s', no new privs %d\n", name, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
