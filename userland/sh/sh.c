/*
 * sh: a tiny interactive shell.
 *
 * Prompt "tine$ ", read a line from fd 0 (byte by byte: a console may hand
 * over one character per read; CR ends a line like LF, backspace/DEL erase),
 * split it into words at blanks, then:
 *   exit [N]   exit with N (default 0)
 *   cd [DIR]   "cd: not supported"
 *   WORD ...   fork, execve /bin/WORD (or WORD itself if it has a '/') with
 *              the words as argv and our environment, wait (reaping orphans
 *              as they come), print "[exit N]" or "[signal N]" unless it
 *              exited 0.
 * End of input exits 0. The shell does not echo: the console does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tine_path.h"

#define MAXLINE 256
#define MAXWORDS 32

/* Reads one line into buf; returns its length, or -1 at end of input. */
static int read_line(char *buf)
{
	int n = 0;

	for (;;) {
		char c;
		long r = read(0, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n > 0 ? n : -1;
		if (c == '\n' || c == '\r')
			break;
		if (c == 0x7f || c == '\b') {
			if (n > 0)
				n--;
			continue;
		}
		if (n < MAXLINE - 1)
			buf[n++] = c;
	}
	buf[n] = 0;
	return n;
}

static int split(char *line, char **words)
{
	int n = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		if (n < MAXWORDS)
			words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	words[n] = NULL;
	return n;
}

static void run(char **words)
{
	char path[MAXLINE + 8];

	if (strchr(words[0], '/'))
		snprintf(path, sizeof(path), "%s", words[0]);
	else
		snprintf(path, sizeof(path), "/bin/%s", words[0]);
	const char *exe = tine_path(path);

	pid_t pid = fork();
	if (pid == 0) {
		execve(exe, words, environ);
		dprintf(2, "sh: %s: %s\n", words[0],
			errno == ENOENT ? "not found" : strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		dprintf(2, "sh: fork: %s\n", strerror(errno));
		return;
	}
	for (;;) {
		int st = 0;
		pid_t w = wait4(-1, &st, 0, NULL);

		if (w == pid) {
			if (WIFSIGNALED(st))
				printf("[signal %d]\n", WTERMSIG(st));
			else if (WEXITSTATUS(st) != 0)
				printf("[exit %d]\n", WEXITSTATUS(st));
			return;
		}
		if (w < 0 && errno != EINTR)
			return;
	}
}

int main(void)
{
	char line[MAXLINE];
	char *words[MAXWORDS + 1];

	for (;;) {
		printf("tine$ ");
		fflush(stdout);
		if (read_line(line) < 0)
			break;
		int n = split(line, words);
		if (n == 0)
			continue;
		if (strcmp(words[0], "exit") == 0)
			exit(n > 1 ? atoi(words[1]) : 0);
		if (strcmp(words[0], "cd") == 0) {
			printf("cd: not supported\n");
			continue;
		}
		run(words);
	}
	printf("\n");
	return 0;
}
