/*
 * The termios and job-control ioctls on a controlling terminal, as a
 * program sees them. Run with fd 0, 1 and 2 on a terminal that is the
 * session's controlling terminal, the process leading the session (BusyBox
 * `setsid -c` on Tine; harness.py runs it the same way on the host's Linux
 * on a pty under qemu-riscv64) and nobody typing. Prints lines to compare;
 * exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void say(const char *what, long r)
{
	if (r < 0)
		printf("%s = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s = %ld\n", what, r);
	fflush(stdout);
}

/* How a child ended or stopped, without pids. */
static void report(const char *what, int st)
{
	if (WIFSTOPPED(st))
		printf("%s: stopped by %s\n", what, sigabbrev_np(WSTOPSIG(st)));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	fflush(stdout);
}

/* Runs fn in a child in a process group of its own (so in the background
 * of the terminal), with the given dispositions; reports how it ended. */
static void in_background(const char *what, int (*fn)(void), int ign_ttin, int ign_ttou)
{
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		if (ign_ttin)
			signal(SIGTTIN, SIG_IGN);
		if (ign_ttou)
			signal(SIGTTOU, SIG_IGN);
		_exit(fn());
	}
	setpgid(c, c);
	int st;
	waitpid(c, &st, WUNTRACED);
	report(what, st);
	if (WIFSTOPPED(st)) {
		kill(c, SIGKILL);
		waitpid(c, &st, 0);
	}
}

static int bg_read(void)
{
	char b;
	long r = read(0, &b, 1);
	say("  read", r);
	return r < 0 ? 3 : 0;
}

static int bg_write(void)
{
	long r = write(1, "", 0) < 0 ? -1 : write(1, "  bg write\n", 11);
	return r == 11 ? 0 : 3;
}

static int bg_setattr(void)
{
	struct termios t;
	tcgetattr(0, &t);
	say("  tcsetattr", tcsetattr(0, TCSANOW, &t));
	return 0;
}

static int bg_setpgrp(void)
{
	say("  tcsetpgrp self", tcsetpgrp(0, getpgrp()));
	return 0;
}

static int notty_child(void)
{
	say("  TIOCNOTTY", ioctl(0, TIOCNOTTY));
	say("  tcgetpgrp after", tcgetpgrp(0) < 0 ? -1 : 1);
	return 0;
}

static int new_session_child(void)
{
	say("  setsid", setsid() > 0 ? 1 : -1);
	say("  tcgetpgrp", tcgetpgrp(0) < 0 ? -1 : 1);
	say("  TIOCSCTTY 0", ioctl(0, TIOCSCTTY, 0));
	return 0;
}

static int hup_pipe[2];

static void on_hup(int sig)
{
	(void)sig;
	write(hup_pipe[1], "H", 1);
	_exit(0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Last, as it gives the terminal away. We let go of it (TIOCNOTTY as
 * leader: our group gets SIGHUP, ignored, and SIGCONT); a child starts a
 * session that takes it (TIOCSCTTY), with a grandchild in its foreground
 * group; the child, the new session's leader, exits: the grandchild gets
 * SIGHUP. */
static void hangup_on_leader_exit(void)
{
	signal(SIGHUP, SIG_IGN);
	say("TIOCNOTTY as leader", ioctl(0, TIOCNOTTY));
	say("tcgetpgrp after", tcgetpgrp(0) < 0 ? -1 : 1);
	pipe(hup_pipe);
	int ready[2];
	pipe(ready);
	pid_t c = fork();
	if (c == 0) {
		setsid();
		say("  new leader TIOCSCTTY", ioctl(0, TIOCSCTTY, 0));
		if (fork() == 0) {
			signal(SIGHUP, on_hup);
			write(ready[1], "r", 1);
			for (;;)
				pause();
		}
		char r;
		read(ready[0], &r, 1);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	struct sigaction sa = {0};
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	char h = 0;
	long r = read(hup_pipe[0], &h, 1);
	alarm(0);
	printf("grandchild after its leader exited: %s\n", r == 1 ? "SIGHUP" : "nothing");
}

int main(void)
{
	struct termios t0, t;
	struct winsize ws;

	printf("== termios_ctl\n");
	say("isatty 0", isatty(0));
	say("tcgetattr", tcgetattr(0, &t0));
	printf("ICANON %d ECHO %d ISIG %d ICRNL %d OPOST %d ONLCR %d\n",
	       !!(t0.c_lflag & ICANON), !!(t0.c_lflag & ECHO), !!(t0.c_lflag & ISIG),
	       !!(t0.c_iflag & ICRNL), !!(t0.c_oflag & OPOST), !!(t0.c_oflag & ONLCR));
	printf("VINTR %d VQUIT %d VERASE %d VKILL %d VEOF %d VSUSP %d VMIN %d VTIME %d\n",
	       t0.c_cc[VINTR], t0.c_cc[VQUIT], t0.c_cc[VERASE], t0.c_cc[VKILL],
	       t0.c_cc[VEOF], t0.c_cc[VSUSP], t0.c_cc[VMIN], t0.c_cc[VTIME]);

	/* Raw mode and back. */
	t = t0;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	say("tcsetattr raw", tcsetattr(0, TCSANOW, &t));
	struct termios got;
	tcgetattr(0, &got);
	printf("raw: ICANON %d ECHO %d ISIG %d OPOST %d VMIN %d\n", !!(got.c_lflag & ICANON),
	       !!(got.c_lflag & ECHO), !!(got.c_lflag & ISIG), !!(got.c_oflag & OPOST),
	       got.c_cc[VMIN]);
	char b;
	say("raw read, VMIN 0 VTIME 0", read(0, &b, 1));
	t.c_cc[VTIME] = 2; /* 0.2 s */
	tcsetattr(0, TCSANOW, &t);
	say("raw read, VMIN 0 VTIME 2", read(0, &b, 1));
	say("tcsetattr back (TCSAFLUSH)", tcsetattr(0, TCSAFLUSH, &t0));
	tcgetattr(0, &got);
	say("restored lflag equal", got.c_lflag == t0.c_lflag);
	int n = -1;
	say("FIONREAD", ioctl(0, FIONREAD, &n));
	printf("FIONREAD count %d\n", n);

	/* Window size. */
	ws.ws_row = 30;
	ws.ws_col = 100;
	ws.ws_xpixel = ws.ws_ypixel = 0;
	say("TIOCSWINSZ", ioctl(0, TIOCSWINSZ, &ws));
	memset(&ws, 0, sizeof ws);
	say("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &ws));
	printf("winsize %d x %d\n", ws.ws_row, ws.ws_col);

	/* The session's terminal. */
	pid_t sid = tcgetsid(0);
	say("tcgetsid", sid < 0 ? -1 : sid == getsid(0));
	say("tcgetpgrp is getpgrp", tcgetpgrp(0) == getpgrp());
	say("tcsetpgrp own group", tcsetpgrp(0, getpgrp()));
	say("tcsetpgrp -1", tcsetpgrp(0, -1));
	say("tcsetpgrp no such group", tcsetpgrp(0, 0x3ffffff0));
	say("TIOCSCTTY again", ioctl(0, TIOCSCTTY, 0));

	/* Errors. */
	int p[2];
	pipe(p);
	say("TCGETS on a pipe", ioctl(p[0], TCGETS, &t));
	say("TIOCGPGRP on a pipe", ioctl(p[0], TIOCGPGRP, &n));
	say("TCGETS on fd 99", ioctl(99, TCGETS, &t));
	say("unknown request", ioctl(0, 0x5499, 0));
	say("TCGETS to a bad pointer", ioctl(0, TCGETS, (void *)8));
	say("TIOCGWINSZ to a bad pointer", ioctl(0, TIOCGWINSZ, (void *)8));

	/* Job control from the background. */
	in_background("bg read", bg_read, 0, 0);
	in_background("bg read, SIGTTIN ignored", bg_read, 1, 0);
	in_background("bg write", bg_write, 0, 0);
	t = t0;
	t.c_lflag |= TOSTOP;
	tcsetattr(0, TCSANOW, &t);
	in_background("bg write, TOSTOP", bg_write, 0, 0);
	in_background("bg write, TOSTOP, SIGTTOU ignored", bg_write, 0, 1);
	tcsetattr(0, TCSANOW, &t0);
	in_background("bg tcsetattr", bg_setattr, 0, 0);
	in_background("bg tcsetattr, SIGTTOU ignored", bg_setattr, 0, 1);
	in_background("bg tcsetpgrp", bg_setpgrp, 0, 0);
	/* That child took the foreground; take it back (we are in the
	 * background now: SIGTTOU ignored). */
	signal(SIGTTOU, SIG_IGN);
	in_background("bg tcsetpgrp, SIGTTOU ignored", bg_setpgrp, 0, 1);
	say("tcsetpgrp back", tcsetpgrp(0, getpgrp()));
	signal(SIGTTOU, SIG_DFL);
	say("foreground again", tcgetpgrp(0) == getpgrp());

	/* A child of the session drops the terminal; one in a new session has
	 * none and cannot take ours. */
	pid_t c = fork();
	if (c == 0)
		_exit(notty_child());
	int st;
	waitpid(c, &st, 0);
	report("notty child", st);
	say("still ours", tcgetpgrp(0) == getpgrp());
	c = fork();
	if (c == 0)
		_exit(new_session_child());
	waitpid(c, &st, 0);
	report("new session child", st);
	/* An orphaned background group: its reader gets EIO, no stop. The
	 * grandchild's parent exits, leaving its group with no parent in
	 * another group of the session; it reports through a pipe. */
	int rp[2];
	pipe(rp);
	c = fork();
	if (c == 0) {
		pid_t g = fork();
		if (g == 0) {
			setpgid(0, 0);
			char b2;
			usleep(300000); /* until its parent has gone */
			long r = read(0, &b2, 1);
			int e[2] = {r < 0 ? errno : 0, 0};
			/* tcsetpgrp from there: Linux says ENOTTY, not EIO. */
			if (tcsetpgrp(0, getpgrp()) < 0)
				e[1] = errno;
			write(rp[1], e, sizeof e);
			_exit(0);
		}
		setpgid(g, g);
		_exit(0);
	}
	waitpid(c, &st, 0);
	int e[2] = {-1, -1};
	read(rp[0], e, sizeof e);
	printf("orphaned bg read: %s\n", e[0] ? strerrorname_np(e[0]) : "no error");
	printf("orphaned bg tcsetpgrp: %s\n", e[1] ? strerrorname_np(e[1]) : "no error");
	hangup_on_leader_exit();
	printf("== end\n");
	return 0;
}
