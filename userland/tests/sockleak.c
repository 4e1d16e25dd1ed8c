/*
 * sockleak: 10,000 AF_UNIX socket pairs (stream, datagram and packet in
 * turn) leak nothing. Each round sends data and both ends of a pipe over
 * the pair (SCM_RIGHTS), receives the first message (its descriptor
 * arrives and is closed) and closes the sockets with the second message's
 * descriptor still in flight, which the close must release. Free memory
 * (sysinfo) is read after 50 warm-up rounds and after the 10,000, as
 * forkloop does; the pipe's read end sees end of file once its last writer
 * (the one in flight) is gone, and the descriptor table is empty again.
 * Then a chain of 5000 pairs, each in flight in the next, goes at once,
 * and 2000 listeners each accept one connection and close with another
 * pending.
 */
#include "t.h"

#include <sys/socket.h>
#include <sys/un.h>

#define ROUNDS 10000
#define SLACK_PAGES 4

static int send_fd(int s, int fd)
{
	char buf[CMSG_SPACE(sizeof(int))];
	struct iovec v = { "m", 1 };
	struct msghdr m = { 0 };

	memset(buf, 0, sizeof buf);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = buf;
	m.msg_controllen = sizeof buf;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(s, &m, 0) == 1;
}

static int recv_fd(int s)
{
	char buf[CMSG_SPACE(sizeof(int))];
	char d;
	struct iovec v = { &d, 1 };
	struct msghdr m = { 0 };
	int fd = -1;

	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = buf;
	m.msg_controllen = sizeof buf;
	if (recvmsg(s, &m, 0) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

/* One round; 1 if every step did what it should. */
static int round_trip(int i)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	int sv[2], p[2];

	if (socketpair(AF_UNIX, types[i % 3], 0, sv) < 0)
		return 0;
	if (pipe2(p, O_NONBLOCK) < 0) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	int good = send_fd(sv[0], p[0]) && send_fd(sv[0], p[1]);
	int got = recv_fd(sv[1]);
	good = good && got >= 0;
	if (got >= 0)
		close(got);
	close(p[1]);  /* the writer left is the one in flight */
	close(sv[0]);
	close(sv[1]);
	char c;
	/* It went with the sockets: end of file, not EAGAIN. */
	good = good && read(p[0], &c, 1) == 0;
	close(p[0]);
	return good;
}

/*
 * A chain: each pair's two ends travel in the next pair's queue, so only
 * the newest pair has descriptors. Closing it releases the whole chain,
 * which must not recurse once per link on a kernel stack (it overflowed
 * at a few hundred links).
 */
static int chain(int links)
{
	int prev[2] = { -1, -1 };

	for (int i = 0; i < links; i++) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
			return 0;
		if (prev[0] >= 0) {
			if (!send_fd(sv[0], prev[0]) || !send_fd(sv[0], prev[1]))
				return 0;
			close(prev[0]);
			close(prev[1]);
		}
		prev[0] = sv[0];
		prev[1] = sv[1];
	}
	close(prev[0]);
	close(prev[1]);
	return 1;
}

/*
 * A listener on an autobound abstract name, one connection accepted and
 * one left pending when it closes; 1 if every step did what it should.
 */
static int listen_round(void)
{
	struct sockaddr_un name;
	socklen_t len = sizeof name;
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	int good = l >= 0 && c1 >= 0 && c2 >= 0;

	name.sun_family = AF_UNIX;
	good = good && bind(l, (struct sockaddr *)&name, sizeof(sa_family_t)) == 0;
	good = good && getsockname(l, (struct sockaddr *)&name, &len) == 0;
	good = good && listen(l, 4) == 0;
	good = good && connect(c1, (struct sockaddr *)&name, len) == 0;
	good = good && connect(c2, (struct sockaddr *)&name, len) == 0;
	good = good && write(c2, "x", 1) == 1;
	int s = good ? accept(l, NULL, NULL) : -1;
	good = good && s >= 0 && write(s, "y", 1) == 1;
	char ch;
	good = good && read(c1, &ch, 1) == 1;
	close(s);
	close(l);
	close(c1);
	close(c2);
	return good;
}

int main(void)
{
	t_begin("sockleak");
	int first_free = dup(0);

	close(first_free);
	for (int i = 0; i < 50; i++)
		round_trip(i);
	unsigned long before = free_bytes();
	if (!before)
		return t_end();
	int good = 0;
	for (int i = 0; i < ROUNDS; i++)
		good += round_trip(i);
	check("rounds", good == ROUNDS, "%d of %d rounds ended well", good, ROUNDS);
	check("chain", chain(5000), "a chain of 5000 pairs in flight");
	good = 0;
	for (int i = 0; i < 2000; i++)
		good += listen_round();
	check("listen", good == 2000, "%d of 2000 listen rounds ended well", good);
	int fd = dup(0);
	check("no_fd_left", fd == first_free, "lowest free descriptor %d, %d before", fd, first_free);
	if (fd >= 0)
		close(fd);

	check_no_leak(before, SLACK_PAGES);
	return t_end();
}
