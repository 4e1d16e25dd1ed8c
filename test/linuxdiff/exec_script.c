// execve of a script that starts with "#!" (Linux's fs/binfmt_script.c):
// the kernel runs the interpreter named on the first line, with argv
// [interpreter, optional argument, script path, the caller's argv[1..]];
// the optional argument is the rest of the line, inner blanks kept,
// outer ones trimmed. An interpreter may itself be a script, up to
// Linux's depth (a script naming itself fails with ELOOP). The errors:
// ENOENT for a missing interpreter, EACCES for one not executable,
// ENOEXEC for "#!" with no name or a name longer than the first 255
// bytes, EACCES for a file of just "#!" (its name is "", the cwd), and
// the script itself needs execute permission.
//
// The interpreter is this program (a copy in a fresh directory, so that
// the paths printed are the same everywhere but for that directory, shown
// as T). Linux runs it through qemu-riscv64's binfmt_misc entry.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];  // the fresh directory
static char interp[96];

// Prints s with the fresh directory's path shown as T.
static void put_path(const char* s) {
  size_t n = strlen(dir);
  while (*s) {
    if (strncmp(s, dir, n) == 0) {
      putchar('T');
      s += n;
    } else {
      putchar(*s++);
    }
  }
}

static void interpreted(int argc, char** argv) {
  printf("  interpreter ran, argc %d:", argc);
  for (int i = 0; i < argc; i++) {
    printf(" [");
    put_path(argv[i]);
    printf("]");
  }
  printf("\n");
}

static void write_file(const char* name, const char* text, mode_t mode) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
    printf("writing %s: %s\n", name, strerrorname_np(errno));
    exit(1);
  }
  close(fd);
  chmod(path, mode);
}

static void run(const char* what, const char* name) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    char* a[] = {"ignored-argv0", "one", "two words", NULL};
    char* e[] = {"EXEC_SCRIPT_INTERP=1", NULL};
    execve(path, a, e);
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    fflush(stdout);
    _exit(127);
  }
  int st;
  if (waitpid(p, &st, 0) != p) printf("%s: waitpid failed\n", what);
  else printf("%s: exit %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

// Copies this program (argv0) to path, executable.
static void copy_self(const char* from, const char* to) {
  int in = open(from, O_RDONLY);
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  if (in < 0 || out < 0) {
    printf("copy: %s\n", strerrorname_np(errno));
    exit(1);
  }
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, n) != n) exit(1);
  close(in);
  close(out);
}

int main(int argc, char** argv) {
  if (getenv("EXEC_SCRIPT_INTERP")) {
    // The dir is the one the interpreter lives in: argv[0] names it.
    const char* slash = strrchr(argv[0], '/');
    if (slash && (size_t)(slash - argv[0]) < sizeof dir) memcpy(dir, argv[0], slash - argv[0]);
    interpreted(argc, argv);
    return 5;
  }
  strcpy(dir, "/tmp/exec_script.XXXXXX");
  if (!mkdtemp(dir)) {
    printf("mkdtemp: %s\n", strerrorname_np(errno));
    return 1;
  }
  char* self = realpath(argv[0], NULL);
  if (!self) return 1;
  snprintf(interp, sizeof interp, "%s/interp", dir);
  copy_self(self, interp);

  char text[512];
  snprintf(text, sizeof text, "#!%s\necho not a shell\n", interp);
  write_file("plain", text, 0755);
  run("no argument", "plain");

  snprintf(text, sizeof text, "#! \t%s  an  argument\t \nrest\n", interp);
  write_file("witharg", text, 0755);
  run("one argument, inner blanks kept", "witharg");

  snprintf(text, sizeof text, "#!%s", interp);  // no newline at all
  write_file("nonewline", text, 0755);
  run("no newline", "nonewline");

  // A line longer than Linux's 256-byte buffer: the argument is cut, the
  // name is whole, so it runs.
  snprintf(text, sizeof text, "#!%s ", interp);
  size_t n = strlen(text);
  for (int i = 0; i < 300; i++) text[n++] = 'a' + i % 26;
  text[n++] = '\n';
  text[n] = '\0';
  write_file("longarg", text, 0755);
  run("argument past 255 bytes, cut", "longarg");

  // A name not ended within the buffer: ENOEXEC.
  strcpy(text, "#!/");
  n = strlen(text);
  for (int i = 0; i < 300; i++) text[n++] = 'x';
  text[n++] = '\n';
  text[n] = '\0';
  write_file("longname", text, 0755);
  run("interpreter name past 255 bytes", "longname");

  snprintf(text, sizeof text, "#!%s/plain nested\n", dir);
  write_file("nested", text, 0755);
  run("a script as the interpreter", "nested");

  snprintf(text, sizeof text, "#!%s/loop\n", dir);
  write_file("loop", text, 0755);
  run("a script naming itself", "loop");

  write_file("empty", "#!\n", 0755);
  run("no interpreter name", "empty");
  write_file("blank", "#!   \t \n", 0755);
  run("only blanks", "blank");

  write_file("missing", "#!/no/such/interpreter\n", 0755);
  run("missing interpreter", "missing");

  write_file("noexec-interp", "just text\n", 0644);
  snprintf(text, sizeof text, "#!%s/noexec-interp\n", dir);
  write_file("to-noexec", text, 0755);
  run("interpreter without execute permission", "to-noexec");

  write_file("text-interp", "just text\n", 0755);
  snprintf(text, sizeof text, "#!%s/text-interp\n", dir);
  write_file("to-text", text, 0755);
  run("interpreter neither ELF nor script", "to-text");

  snprintf(text, sizeof text, "#!%s/\n", dir);
  write_file("to-dir", text, 0755);
  run("a directory as the interpreter", "to-dir");

  snprintf(text, sizeof text, "#!%s\n", interp);
  write_file("notexec", text, 0644);
  run("script without execute permission", "notexec");

  write_file("short", "#", 0755);
  run("one byte", "short");
  write_file("bare", "#!", 0755);  // the name is "": the cwd, no file
  run("only #!", "bare");

  static const char* made[] = {"interp", "plain", "witharg", "nonewline", "longarg", "longname",
                               "nested", "loop", "empty", "blank", "missing", "noexec-interp",
                               "to-noexec", "text-interp", "to-text", "to-dir", "notexec",
                               "short", "bare"};
  for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, made[i]);
    if (unlink(path) != 0) printf("unlink %s: %s\n", made[i], strerrorname_np(errno));
  }
  if (rmdir(dir) != 0) printf("rmdir: %s\n", strerrorname_np(errno));
  return 0;
}
