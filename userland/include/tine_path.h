/*
 * tine_path.h: an absolute path p as seen from this program. On Tine it is
 * p; running on Linux (userland/run-on-linux.sh), the environment variable
 * TINE_ROOT names a directory laid out like the initrd and is put in front,
 * so /bin/true can be the one just built. Returns a pointer to a static
 * buffer (one of a few, round robin). Not inlined, so that a caller that
 * also calls vfork needs no -Wclobbered care for its locals.
 */
#ifndef TINE_PATH_H
#define TINE_PATH_H

#include <stdio.h>
#include <stdlib.h>

static __attribute__((noinline, unused)) const char *tine_path(const char *p)
{
	static char bufs[4][512];
	static unsigned next;
	const char *root = getenv("TINE_ROOT");

	if (!root || !*root || p[0] != '/')
		return p;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s%s", root, p);
	return b;
}

#endif
