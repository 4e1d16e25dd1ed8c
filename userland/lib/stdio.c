/*
 * stdio.c: printf and friends. One formatter writes through a sink: a
 * bounded buffer (snprintf) or stdout, which is buffered and flushed at each
 * newline, when full, and by exit() (stdlib.c). A forked child inherits the
 * buffer, so fork() flushes first; a child that leaves by _exit drops what it
 * had not flushed, as with any libc.
 */
#include "tine.h"

struct sink {
	void (*put)(struct sink *, char);
	char *buf;
	size_t size, len;       /* len counts every character, kept or not */
};

static void put_buf(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static char out_buf[256];
static size_t out_len;

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		long r = sys_write(fd, p, n);

		if (r <= 0)
			return;         /* nowhere to report it */
		p += r;
		n -= (size_t)r;
	}
}

int fflush_stdout(void)
{
	write_all(1, out_buf, out_len);
	out_len = 0;
	return 0;
}

static void put_stdout(struct sink *s, char c)
{
	out_buf[out_len++] = c;
	if (c == '\n' || out_len == sizeof(out_buf))
		fflush_stdout();
	s->len++;
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		s->put(s, c);
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	char tmp[24];

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		fmt++;
		int left = 0, zero = 0, width = 0, prec = -1, lng = 0;

		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}

		const char *str = tmp;
		size_t len = 0;
		int neg = 0;
		unsigned long u;
		unsigned base = 10;
		const char *digits = "0123456789abcdef";

		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			neg = v < 0;
			u = neg ? -(unsigned long)v : (unsigned long)v;
			goto number;
		}
		case 'u':
			u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			goto number;
		case 'X':
			digits = "0123456789ABCDEF";
			/* fall through */
		case 'x':
			u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			base = 16;
			goto number;
		case 'p':
			u = (unsigned long)va_arg(ap, void *);
			base = 16;
			tmp[sizeof(tmp) - 1] = 0;
			len = 0;
			do {
				tmp[sizeof(tmp) - 2 - len++] = digits[u % base];
				u /= base;
			} while (u);
			tmp[sizeof(tmp) - 2 - len++] = 'x';
			tmp[sizeof(tmp) - 2 - len++] = '0';
			str = tmp + sizeof(tmp) - 1 - len;
			break;
		number:
			len = 0;
			do {
				tmp[sizeof(tmp) - 1 - len++] = digits[u % base];
				u /= base;
			} while (u);
			str = tmp + sizeof(tmp) - len;
			if (neg) {
				if (zero && !left) {
					s->put(s, '-');
					width--;
				} else {
					tmp[sizeof(tmp) - 1 - len++] = '-';
					str--;
				}
			}
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			len = strlen(str);
			if (prec >= 0 && (size_t)prec < len)
				len = (size_t)prec;
			zero = 0;
			break;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			len = 1;
			zero = 0;
			break;
		case '%':
			tmp[0] = '%';
			len = 1;
			zero = 0;
			break;
		default:                /* unknown: print it as written */
			s->put(s, '%');
			if (!*fmt)
				return;
			s->put(s, *fmt);
			continue;
		}
		if (!left)
			pad(s, zero ? '0' : ' ', width - (int)len);
		for (size_t i = 0; i < len; i++)
			s->put(s, str[i]);
		if (left)
			pad(s, ' ', width - (int)len);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { put_buf, buf, size, 0 };

	format(&s, fmt, ap);
	if (size > 0)
		buf[s.len < size ? s.len : size - 1] = 0;
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { put_stdout, NULL, 0, 0 };

	format(&s, fmt, ap);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Unbuffered, to any fd; stdout's buffer is flushed first to keep order. */
int dprintf(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (fd == 1 || fd == 2)
		fflush_stdout();
	write_all(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}

int putchar(int c)
{
	struct sink s = { put_stdout, NULL, 0, 0 };

	put_stdout(&s, (char)c);
	return (unsigned char)c;
}
