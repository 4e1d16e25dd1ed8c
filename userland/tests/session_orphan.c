/*
 * session_orphan: a session leader that exits before the members of its
 * group. Its pid stays the session's and the group's id while they live
 * (POSIX), the members become init's children, and when the last one is
 * reaped the group and the session end together (their ids are one pid,
 * released once: a second release once brought the kernel down).
 *
 * Each round: child L calls setsid() and forks M; L exits at once; M waits
 * until it has been handed to init, reports getppid(), getsid(0) and
 * getpgrp() through a pipe, and exits; init reaps it.
 */
#include "t.h"

#define ROUNDS 20

struct report {
	int ppid, sid, pgrp;
};

int main(void)
{
	t_begin("session_orphan");
	int bad_ids = 0, bad_ppid = 0, rounds = 0;

	for (int i = 0; i < ROUNDS; i++) {
		int p[2];

		if (pipe(p) < 0) {
			fail("pipe", "%s", strerror(errno));
			return t_end();
		}
		pid_t l = fork();
		if (l == 0) {
			close(p[0]);
			if (setsid() < 0)
				_exit(2);
			pid_t m = fork();
			if (m == 0) {
				struct report r;

				for (int n = 0; n < 200 && getppid() == getsid(0); n++)
					sleep_ms(5);
				r.ppid = getppid();
				r.sid = getsid(0);
				r.pgrp = getpgrp();
				_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 3);
			}
			_exit(m < 0 ? 4 : 0);       /* before its member */
		}
		close(p[1]);
		int st = wait_for(l);
		struct report r = { 0, 0, 0 };
		ssize_t n = read(p[0], &r, sizeof(r));
		close(p[0]);
		if (l < 0 || st != 0 || n != sizeof(r)) {
			fail("rounds", "round %d: leader %s, report %zd bytes", i,
			     l < 0 ? strerror(errno) : wstr(st), n);
			return t_end();
		}
		bad_ids += r.sid != l || r.pgrp != l;
		bad_ppid += r.ppid != 1;
		rounds++;
		sleep_ms(20);   /* init reaps the member, ending group and session */
	}
	check("rounds", rounds == ROUNDS, "%d of %d", rounds, ROUNDS);
	check("ids_outlive_leader", bad_ids == 0,
	      "%d members saw a session or group id other than their leader's pid", bad_ids);
	if (on_linux())
		skip("member_goes_to_init", "Linux hands orphans to the nearest subreaper");
	else
		check("member_goes_to_init", bad_ppid == 0,
		      "%d members never had init as their parent", bad_ppid);
	check("fork_after", fork_once(), "fork failed after the rounds: %s", strerror(errno));
	return t_end();
}
