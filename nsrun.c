/* nsrun — a container runtime for appliances.
 *
 * One start, in the order this file follows:
 *   cli      -> parse argv
 *   config   -> parse and validate the JSON (cJSON), every error with file:line:col
 *   image    -> nsrun's own mount namespace; loop + squashfs, tmpfs upper, overlay
 *   ns+init  -> one clone into the namespaces; maps, mounts, pivot_root; PID 1
 *   teardown -> the undo stack, run on success and failure alike
 * `grep -n '^/\* ==\[' nsrun.c` is the table of contents.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/dm-ioctl.h>
#include <linux/keyctl.h>
#include <linux/loop.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <asm/unistd.h>

#include "cJSON.h"
#include "nsrun.h"

#ifndef NSRUN_CJSON_VERSION
#define NSRUN_CJSON_VERSION "unknown"
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef LOOP_CONFIGURE
#define LOOP_CONFIGURE 0x4C0A
#endif
/* Syscalls newer than some libcs: the number of the generic table, which
 * every arch nsrun builds for shares since 5.1, plus the ABI's base on MIPS
 * (o32 4000, n64 5000, n32 6000). */
#if defined(__mips__) && _MIPS_SIM == _ABIO32
#define NSRUN_SYS(n) (4000 + (n))
#elif defined(__mips__) && _MIPS_SIM == _ABIN32
#define NSRUN_SYS(n) (6000 + (n))
#elif defined(__mips__)
#define NSRUN_SYS(n) (5000 + (n))
#else
#define NSRUN_SYS(n) (n)
#endif
#ifndef SYS_clone3
#define SYS_clone3 NSRUN_SYS(435)
#endif
#ifndef SYS_close_range
#define SYS_close_range NSRUN_SYS(436)
#endif
#ifndef SYS_openat2
#define SYS_openat2 NSRUN_SYS(437)
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr NSRUN_SYS(442)
#endif
#ifndef SYS_statmount
#define SYS_statmount NSRUN_SYS(457)
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal NSRUN_SYS(424)
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open NSRUN_SYS(434)
#endif
#define NSRUN_CLONE_INTO_CGROUP 0x200000000ULL
#define NSRUN_CGROUP2_MAGIC 0x63677270
/* MOUNT_ATTR_RDONLY, _NOSUID, _NODEV and _NOEXEC are MS_RDONLY, MS_NOSUID,
 * MS_NODEV and MS_NOEXEC: 1, 2, 4, 8. */
#define NSRUN_MOUNT_ATTRS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define NSRUN_MOUNT_TIMES (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | 256 /* MS_NOSYMFOLLOW */)
struct nsrun_mount_attr {               /* <linux/mount.h> clashes with some libcs */
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* ==[ 1. log + errors ]====================================================
 * Owns:  g_err, the one message of a failed start.  Setup code never exits:
 *        it records the first failure (the root cause) and returns -1; main
 *        prints it once, after the undo stack has run.
 * Entry: fail() (appends strerror(errno)), failx(), step() (fault points)
 * ====================================================================== */
static char g_err[512];
static const char *g_fault;             /* the step whose fault was injected */

#define X(s) #s,
static const char *const step_names[] = { NSRUN_STEPS(X) };
#undef X

/* Formatting: the part of printf that nsrun uses, in a few hundred bytes
 * (libc's printf brings 10 KiB, floating point and wide characters among
 * it).  Conversions %s %c %d %u %o %x %%; flags '-' and '0'; a width (a
 * number); a precision for %s (a number or '*'); sizes l, ll, z.  Nothing
 * else: gcc checks every call against printf's rules, and tests/unit.c
 * holds each conversion against libc's snprintf and each format in this
 * file against the subset.  strfmt() and vstrfmt() follow snprintf (the
 * result always ends in a NUL; they return the length the whole output
 * would have); fdfmt() writes to a file descriptor, in pieces of 256. */
struct out {
	char *buf;
	size_t size;                    /* of buf */
	size_t n;                       /* bytes in buf */
	size_t total;                   /* the length of the whole output */
	int fd;                         /* -1: a string; else buf goes to fd when full */
};

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w, len -= (size_t)w;
	}
}

static void out_put(struct out *o, const char *s, size_t len)
{
	o->total += len;
	while (len) {
		size_t room = o->size - o->n - (o->fd < 0), k;   /* a string keeps a byte for its NUL */

		if (o->fd < 0 && o->n + 1 >= o->size)
			return;
		if (!room) {
			write_all(o->fd, o->buf, o->n);
			o->n = 0;
			continue;
		}
		k = len < room ? len : room;
		memcpy(o->buf + o->n, s, k);
		o->n += k, s += k, len -= k;
	}
}

static void out_pad(struct out *o, char c, size_t n)
{
	while (n--)
		out_put(o, &c, 1);
}

static void out_vfmt(struct out *o, const char *f, va_list ap)
{
	for (; *f; f++) {
		char num[24], *d = num + sizeof num, pad = ' ';
		const char *s = f;
		size_t len = 1, width = 0, prec = (size_t)-1;
		unsigned long long u;
		int left = 0, size = 0, neg = 0, base = 10;

		if (*f != '%') {
			len = (size_t)(strchrnul(f, '%') - f);
			out_put(o, f, len);
			f += len - 1;
			continue;
		}
		for (; *++f == '-' || *f == '0';)
			*f == '-' ? (left = 1) : (pad = '0');
		for (; *f >= '0' && *f <= '9'; f++)
			width = width * 10 + (size_t)(*f - '0');
		if (*f == '.') {
			if (*++f == '*') {
				int p = va_arg(ap, int);

				prec = p < 0 ? (size_t)-1 : (size_t)p;
				f++;
			} else {
				for (prec = 0; *f >= '0' && *f <= '9'; f++)
					prec = prec * 10 + (size_t)(*f - '0');
			}
		}
		for (; *f == 'l' || *f == 'z'; f++)
			size = *f == 'z' ? 3 : size + 1;        /* 1 l, 2 ll, 3 z */
		switch (*f) {
		case 's':
			if (!(s = va_arg(ap, const char *)))
				s = "(null)";
			len = strnlen(s, prec);
			break;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			s = num;
			break;
		case 'd':
		case 'u':
		case 'o':
		case 'x':
			if (*f == 'd') {
				long long v = size == 2 ? va_arg(ap, long long) :
					      size ? va_arg(ap, long) : va_arg(ap, int);

				neg = v < 0;
				u = neg ? -(unsigned long long)v : (unsigned long long)v;
			} else {
				u = size == 2 ? va_arg(ap, unsigned long long) :
				    size == 3 ? va_arg(ap, size_t) :
				    size ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
				base = *f == 'o' ? 8 : *f == 'x' ? 16 : 10;
			}
			do
				*--d = "0123456789abcdef"[u % (unsigned)base];
			while (u /= (unsigned)base);
			if (neg)
				*--d = '-';
			s = d;
			len = (size_t)(num + sizeof num - d);
			if (neg && pad == '0' && !left) {      /* the sign before the zeros */
				out_put(o, s++, 1);
				len--, width -= !!width;
			}
			break;
		case 0:                         /* a '%' ending the format */
			return;
		}                               /* (%%: s is f, len 1) */
		if (left)
			pad = ' ';
		if (!left && width > len)
			out_pad(o, pad, width - len);
		out_put(o, s, len);
		if (left && width > len)
			out_pad(o, pad, width - len);
	}
}

__attribute__((format(printf, 3, 0)))
static int vstrfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0, 0, -1 };

	out_vfmt(&o, fmt, ap);
	if (size)
		buf[o.n] = 0;
	return (int)o.total;
}

__attribute__((format(printf, 3, 4)))
static int strfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vstrfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

__attribute__((format(printf, 2, 0)))
static void vfdfmt(int fd, const char *fmt, va_list ap)
{
	char buf[256];
	struct out o = { buf, sizeof buf, 0, 0, fd };

	out_vfmt(&o, fmt, ap);
	write_all(fd, buf, o.n);
}

__attribute__((format(printf, 2, 3)))
static void fdfmt(int fd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfdfmt(fd, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void ofmt(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vfmt(o, fmt, ap);
	va_end(ap);
}

/* The other way: strtoull (and atoi) for the numbers nsrun reads, in its
 * config and from the kernel (libc's brings 2 KiB: its scanner and a FILE).
 * Blanks (space, tab) skipped, then the digits of BASE (10, 8 or 16; no
 * sign, no "0x"); past ULLONG_MAX: ULLONG_MAX, errno ERANGE.  *END (when
 * END) is after the digits, or S if there are none. */
static unsigned long long scan_num(const char *s, char **end, unsigned base)
{
	const char *p = s + strspn(s, " \t"), *start = p;
	unsigned long long v = 0;
	int over = 0;

	for (;; p++) {
		unsigned c = (unsigned char)*p, d = c - '0' <= 9 ? c - '0' : (c | 32) - 'a' <= 5 ? (c | 32) - 'a' + 10 : base;

		if (d >= base)
			break;
		over |= v > (ULLONG_MAX - d) / base;
		v = v * base + d;
	}
	if (over)
		v = ULLONG_MAX, errno = ERANGE;
	if (end)
		*end = (char *)(p == start ? s : p);
	return v;
}

/* The message stays one line: a control byte in it (a config value with a
 * newline, a file name with one) is written as \xNN. */
static void one_line(char *s, size_t size)
{
	size_t len = strlen(s);
	char hex[5];

	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 32)
			continue;
		if (len + 3 >= size) {
			s[i] = '?';
			continue;
		}
		strfmt(hex, sizeof hex, "\\x%02x", (unsigned char)s[i]);
		memmove(s + i + 4, s + i + 1, len - i);        /* the rest and its NUL */
		memcpy(s + i, hex, 4);
		len += 3, i += 3;
	}
}

static void vfail(int e, const char *fmt, va_list ap)
{
	size_t n;

	if (g_err[0])
		return;
	vstrfmt(g_err, sizeof g_err, fmt, ap);
	one_line(g_err, sizeof g_err);
	n = strlen(g_err);
	if (e)
		strfmt(g_err + n, sizeof g_err - n, ": %s", strerror(e));
	n = strlen(g_err);
	if (WITH_FAULTS && g_fault)
		strfmt(g_err + n, sizeof g_err - n, " (fault injected at %s)", g_fault);
}

__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	int e = errno;                  /* first: nothing may clobber it */
	va_list ap;

	va_start(ap, fmt);
	vfail(e, fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

__attribute__((format(printf, 1, 2)))
static int failx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(0, fmt, ap);
	va_end(ap);
	return -1;
}

void err_reset(void)
{
	g_err[0] = 0;
	g_fault = NULL;
}

/* Is S the step $NSRUN_FAULT names (in a --with-faults build)? */
static int fault_is(enum step s)
{
	const char *f = WITH_FAULTS ? getenv("NSRUN_FAULT") : NULL;

	return f && !strcmp(f, step_names[s]);
}

/* A fault point: in a --with-faults build, the step named by $NSRUN_FAULT
 * fails here as if its syscall had returned EIO.  Elsewhere: always 0. */
static int step(enum step s)
{
	if (!fault_is(s))
		return 0;
	g_fault = step_names[s];
	errno = EIO;
	return -1;
}

__attribute__((format(printf, 1, 2)))
static void warn(const char *fmt, ...)
{
	int e = errno;
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vstrfmt(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fdfmt(2, "nsrun: warning: %s: %s\n", buf, strerror(e));
	errno = e;
}

/* The failure's one line (g_err) on stderr; 125, nsrun's own failure. */
static int err_line(void)
{
	fdfmt(2, "nsrun: %s\n", g_err);
	return 125;
}

/* The memory nsrun allocates: cJSON's tree of the config and libc's DIR
 * for /proc, all at start.  A bump arena in .bss replaces libc's allocator
 * (7 KiB of code): untouched pages cost no RAM, the size is a hard bound,
 * and freeing the newest block reclaims it, which is the pattern of
 * opendir/closedir.
 * Unit and fuzz builds, and a sanitizer build of nsrun itself
 * (-DNSRUN_LIBC_MALLOC), keep the libc allocator, which ASan replaces. */
#if defined(NSRUN_UNIT) && !defined(NSRUN_LIBC_MALLOC)
#define NSRUN_LIBC_MALLOC 1
#endif
#ifndef NSRUN_LIBC_MALLOC
#define ARENA_SIZE (4u << 20)
#define ARENA_HDR 16u                   /* a block's size, kept in front of it */

static unsigned char g_arena[ARENA_SIZE] __attribute__((aligned(16)));
static size_t g_arena_used;
static int g_arena_full;                /* an allocation failed: say so, not "syntax error" */

void *malloc(size_t n)
{
	size_t need = (n + ARENA_HDR + 15) & ~(size_t)15;
	unsigned char *p = g_arena + g_arena_used;

	if (n > ARENA_SIZE || need > ARENA_SIZE - g_arena_used) {
		g_arena_full = 1;
		errno = ENOMEM;
		return NULL;
	}
	memcpy(p, &need, sizeof need);
	g_arena_used += need;
	return p + ARENA_HDR;
}

void free(void *ptr)
{
	unsigned char *p = (unsigned char *)ptr - ARENA_HDR;
	size_t size;

	if (!ptr)
		return;
	memcpy(&size, p, sizeof size);
	if (p + size == g_arena + g_arena_used)        /* the newest block */
		g_arena_used -= size;
}

void *calloc(size_t a, size_t b)
{
	void *p;

	if (b && a > SIZE_MAX / b) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = malloc(a * b)))
		memset(p, 0, a * b);
	return p;
}

void *realloc(void *ptr, size_t n)
{
	unsigned char *b = (unsigned char *)ptr - ARENA_HDR;
	size_t old, need = (n + ARENA_HDR + 15) & ~(size_t)15;
	void *p;

	if (!ptr)
		return malloc(n);
	memcpy(&old, b, sizeof old);
	if (n <= ARENA_SIZE && need <= old) {
		if (b + old == g_arena + g_arena_used) {        /* the newest block: give back the rest */
			g_arena_used -= old - need;
			memcpy(b, &need, sizeof need);
		}
		return ptr;
	}
	if ((p = malloc(n)))
		memcpy(p, ptr, old - ARENA_HDR);
	return p;
}
#else
static int g_arena_full;
#endif

/* ==[ 2. undo ]============================================================
 * Owns:  what outlives nsrun's process unless removed: the state file, the
 *        container's first process, its cgroup and veth, a dm-verity device
 *        (whose removal is also deferred to its last close), a signature's
 *        key (which also goes with nsrun's thread).  Everything else
 *        (the mounts, in the container's namespace or nsrun's own; loop
 *        devices with autoclear) the kernel releases when the namespaces
 *        die.
 * Entry: undo_add() right after a thing exists; undo_all() pops LIFO, on
 *        success and on failure alike, so every run exercises the rollback.
 * ====================================================================== */
enum undo_kind { U_UNLINK, U_KILL, U_CGROUP, U_CGPARENT, U_LINK, U_BRIDGE, U_FILE, U_DM, U_KEY, U_NAT, U_OCI };

struct undo {
	enum undo_kind kind;
	pid_t pid;
	char path[NSRUN_PATH_MAX];
};

static struct undo g_undo[16];
static int g_nundo;
static pid_t g_undo_owner;              /* a forked child never tears down */

/* Called right after the object exists.  The stack is sized for the fixed
 * set of objects one start makes; running out is a bug, reported and undone
 * on the spot so nothing is ever unrecorded. */
static struct undo *undo_add(enum undo_kind kind, const char *path, pid_t pid)
{
	struct undo *u;

	if (g_nundo == (int)(sizeof g_undo / sizeof g_undo[0])) {
		failx("internal error: undo stack full");
		return NULL;
	}
	g_undo_owner = getpid();
	u = &g_undo[g_nundo++];
	u->kind = kind;
	u->pid = pid;
	strfmt(u->path, sizeof u->path, "%s", path ? path : "");
	return u;
}

/* Mark an entry done (the object is already gone).  (Out of line: 16
 * bytes less than inlined at its three callers.) */
__attribute__((noinline))
static void undo_done(struct undo *u)
{
	if (u)
		u->path[0] = 0, u->pid = 0;
}

static void cg_destroy(const char *path);
static void oci_remove(const char *dir);
static void cg_parent_remove(const char *path);
static void net_link_del(const char *name);
static void net_bridge_remove(const char *name);
static void dm_undo(const char *name);
static void nat_del(const char *name, int restore);
static char g_net_left[IFNAMSIZ];     /* net: our host end, left to the kernel */
static int g_rundir = -1;               /* NSRUN_RUNDIR, open (section teardown) */

static void undo_all(void)
{
	int st;

	if (getpid() != g_undo_owner)
		return;
	while (g_nundo > 0) {
		struct undo *u = &g_undo[--g_nundo];

		if (!u->path[0] && !u->pid)
			continue;
		switch (u->kind) {
		case U_KILL:
			if (kill(u->pid, SIGKILL) < 0 && errno != ESRCH)
				warn("kill container pid %d", (int)u->pid);
			while (waitpid(u->pid, &st, 0) < 0 && errno == EINTR)
				;
			break;
		case U_UNLINK:          /* the state file: through g_rundir, never covered */
			if (unlinkat(g_rundir, u->path + sizeof NSRUN_RUNDIR, 0) < 0 && errno != ENOENT)
				warn("remove %s", u->path);
			break;
		case U_CGROUP:
			cg_destroy(u->path);
			break;
		case U_CGPARENT:
			cg_parent_remove(u->path);
			break;
		case U_LINK:
			if (strcmp(u->path, g_net_left))
				net_link_del(u->path);
			break;
		case U_BRIDGE:
			net_bridge_remove(u->path);
			break;
		case U_NAT:             /* pid: the forwarding sysctls nsrun switched on */
			if (WITH_NAT)
				nat_del(u->path, (int)u->pid);
			break;
		case U_OCI:             /* an OCI create's ROOT/ID */
			if (WITH_OCI)
				oci_remove(u->path);
			break;
		case U_FILE:            /* run --pidfile */
			if (unlink(u->path) < 0 && errno != ENOENT)
				warn("remove %s", u->path);
			break;
		case U_DM:              /* root.verity's device, when nsrun is its last user */
			if (WITH_VERITY)
				dm_undo(u->path);
			break;
		case U_KEY:             /* the signature's key: pid is its serial */
			if (WITH_VERITY && syscall(SYS_keyctl, KEYCTL_UNLINK, (long)u->pid, (long)KEY_SPEC_THREAD_KEYRING) < 0 &&
			    errno != ENOKEY && errno != ENOENT)
				warn("unlink the signature key %d", (int)u->pid);
			break;
		}
	}
}

/* ==[ 3. cli ]=============================================================
 * Owns:  argv: the table of verbs (name, its lines of --help, whether this
 *        build has it, its function, defined with main at the end).  --help
 *        is made from the table; the README's CLI block is it, word for word
 *        (a test compares them).
 * Entry: main() dispatches; usage errors exit 125 with "(see nsrun --help)".
 * ====================================================================== */
struct verb {
	const char *name;
	const char *usage;              /* its lines of --help; NULL: an alias, or not shown */
	int on;                         /* in this build (WITH_X of the feature it needs) */
	int (*fn)(int argc, char **argv);       /* argv[0] is the verb */
};

static int v_run(int argc, char **argv);
static int v_check(int argc, char **argv);
static int v_exec(int argc, char **argv);
static int v_signal(int argc, char **argv);
static int v_list(int argc, char **argv);
static int v_features(int argc, char **argv);
static int v_version(int argc, char **argv);
static int v_help(int argc, char **argv);
static int v_fault_points(int argc, char **argv);

/* The lifecycle verbs (issue 15) may add at most 6 KiB: build.sh
 * --verbs-cost builds nsrun once more with NSRUN_NO_LIFECYCLE=1, their rows
 * pointing at v_help (gc-sections then drops their code), and prints the
 * difference. */
#ifndef NSRUN_NO_LIFECYCLE
#define NSRUN_NO_LIFECYCLE 0
#endif
#define LIFECYCLE(fn) (NSRUN_NO_LIFECYCLE ? v_help : (fn))

static const struct verb verbs[] = {
	{ "run", "  nsrun run [--pidfile FILE] [--ready-fd N] CONFIG [-- ARG...]\n"
		 "                                 run the container in the foreground;\n"
		 "                                 ARG... replaces process.args\n", 1, v_run },
	{ "check", "  nsrun check CONFIG             validate CONFIG alone (syntax, schema,\n"
		   "                                 this build's features); exit 0 or 1\n", 1, v_check },
	{ "exec", "  nsrun exec NAME [-u UID:GID] [-e KEY=VAL]... [--cwd DIR] -- CMD [ARG...]\n"
		  "                                 run CMD inside the running container NAME\n", 1, LIFECYCLE(v_exec) },
	{ "stop", "  nsrun stop NAME [-t SECONDS]   TERM to the app, KILL after SECONDS\n", 1, LIFECYCLE(v_signal) },
	{ "kill", "  nsrun kill NAME [SIGNAL]       send SIGNAL (default TERM) to the app\n", 1, LIFECYCLE(v_signal) },
	{ "list", "  nsrun list [--json]            the running containers\n", 1, LIFECYCLE(v_list) },
	{ "state", "  nsrun state NAME               a running container's state, in JSON\n", 1, LIFECYCLE(v_list) },
	{ "features", "  nsrun features                 JSON: this build's features, the kernel's\n", 1, LIFECYCLE(v_features) },
	/* the OCI mode (section 9b): main hands these to oci_main first */
	{ "create", WITH_OCI ? "  nsrun [--root DIR] ... VERB    the OCI runtime CLI (runc's)\n" : NULL, WITH_OCI, v_help },
	{ "--version", "  nsrun --version                version, cJSON version, feature table\n", 1, v_version },
	{ "--help", "  nsrun --help                   this text\n", 1, v_help },
	{ "-h", NULL, 1, v_help },
	{ "--fault-points", NULL, WITH_FAULTS, v_fault_points },
};

static const char usage_tail[] =
	"\n"
	"Exit status of run and exec: the app's (CMD's); 128+N if a signal N\n"
	"killed it; 125 if nsrun failed (one line on stderr starting \"nsrun: \");\n"
	"126 if it cannot be executed; 127 if it is not found.  exec, stop, kill\n"
	"and state: 1 if NAME is not running.\n"
	"State: " NSRUN_RUNDIR "/NAME.pid while a container runs.\n";

__attribute__((noreturn, format(printf, 1, 2)))
static void usage_die(const char *fmt, ...)
{
	va_list ap;

	fdfmt(2, "nsrun: ");
	va_start(ap, fmt);
	vfdfmt(2, fmt, ap);
	va_end(ap);
	fdfmt(2, " (see nsrun --help)\n");
	exit(125);
}

/* VERB CONFIG, nothing after it but (when REST) "-- ARG...". */
static const char *cli_config(int argc, char **argv, int rest)
{
	if (argc < 2 || !strcmp(argv[1], "--"))
		usage_die("%s: missing CONFIG", argv[0]);
	if (argc > 2 && (!rest || strcmp(argv[2], "--")))
		usage_die("%s: unexpected argument '%s'", argv[0], argv[2]);
	return argv[1];
}

/* A container's name on the command line (it names a file: checked). */
static const char *cli_name(const char *verb, const char *s)
{
	if (!s || !valid_name(s))
		usage_die("%s: expected a container NAME, got '%s'", verb, s ? s : "");
	return s;
}

/* A number 0..MAX, digits only. */
static long long cli_num(const char *what, const char *s, long long max)
{
	char *end;
	unsigned long long v = scan_num(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v > (unsigned long long)max)
		usage_die("%s: expected a number from 0 to %lld, got '%s'", what, max, s);
	return (long long)v;
}

/* A signal: a number, or a name with or without "SIG".  STOP would stop
 * the nsrun that forwards it: refused.  The names one after the other, in
 * the order of their numbers in sig_nums (a table of names and numbers
 * took 232 bytes). */
static const char sig_names[] = "HUP\0INT\0QUIT\0ILL\0TRAP\0ABRT\0BUS\0FPE\0KILL\0USR1\0SEGV\0USR2\0PIPE\0ALRM\0"
	"TERM\0CHLD\0CONT\0TSTP\0TTIN\0TTOU\0URG\0XCPU\0XFSZ\0VTALRM\0PROF\0WINCH\0IO\0PWR\0SYS";
static const unsigned char sig_nums[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE,
	SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF,
	SIGWINCH, SIGIO, SIGPWR, SIGSYS,
};

static int cli_signal(const char *s)
{
	const char *n = strncmp(s, "SIG", 3) ? s : s + 3, *p = sig_names;

	if (*s >= '0' && *s <= '9') {
		int sig = (int)cli_num("kill: SIGNAL", s, NSIG - 1);

		if (sig != SIGSTOP)
			return sig;
	}
	for (size_t i = 0; i < sizeof sig_nums; i++, p += strlen(p) + 1)
		if (!strcmp(n, p))
			return sig_nums[i];
	usage_die("kill: unknown signal '%s'", s);
}

/* ==[ 3b. seccomp ]=======================================================
 * Owns:  the syscall table (every name nsrun knows on any of its arches;
 *        this build's number for each, from the target's <asm/unistd.h>;
 *        the default profile's rule) and the classic BPF program that
 *        sc_build() makes from it and the config, once, when the config is
 *        read.  The app loads it last, right before its execve (section 8).
 * Entry: sc_index() (a config's name), sc_build() (cfg_check), sc_load()
 *        (become_app).  Before the config's section, which reads its table.
 * ====================================================================== */

/* One row per syscall name of x86_64, aarch64, arm EABI and mips o32 (the
 * names of Linux 6.1's headers, sorted), plus vm86old (i386's): the name,
 * the arches that have it (x86_64 a aarch64 r arm m mips; a test holds
 * this against each arch's headers) and its rule in the default profile:
 *   DENY      always refused (the errno)
 *   CAP_NAME  refused unless process.capabilities grants CAP_NAME
 *   CLONE     refused with CLONE_NEWUSER in its flags (the first argument)
 *   UNSHARE   likewise; without CAP_SYS_ADMIN refused whatever the flags
 *   PERS      refused but for the queries 0, 0xffffffff and PER_LINUX32
 *   ENOSYS    clone3: ENOSYS, its flags are in memory a filter cannot read
 *   _         allowed.
 * The numbers are never written here: SC_NR picks __NR_name where the
 * tag says the arch has it, and the compiler fails where its headers lack it. */
#define NSRUN_SYSCALLS(X) \
	X(_llseek, rm, _) X(_newselect, rm, _) X(_sysctl, xrm, _) X(accept, xarm, _) X(accept4, xarm, _) \
	X(access, xrm, _) X(acct, xarm, DENY) X(add_key, xarm, DENY) X(adjtimex, xarm, CAP_SYS_TIME) \
	X(afs_syscall, xm, _) X(alarm, xm, _) X(arch_prctl, x, _) X(arm_fadvise64_64, r, _) \
	X(arm_sync_file_range, r, _) X(bdflush, rm, _) X(bind, xarm, _) X(bpf, xarm, DENY) X(break, m, _) \
	X(brk, xarm, _) X(cachectl, m, _) X(cacheflush, m, _) X(capget, xarm, _) X(capset, xarm, _) \
	X(chdir, xarm, _) X(chmod, xrm, _) X(chown, xrm, _) X(chown32, r, _) X(chroot, xarm, CAP_SYS_CHROOT) \
	X(clock_adjtime, xarm, CAP_SYS_TIME) X(clock_adjtime64, rm, CAP_SYS_TIME) X(clock_getres, xarm, _) \
	X(clock_getres_time64, rm, _) X(clock_gettime, xarm, _) X(clock_gettime64, rm, _) \
	X(clock_nanosleep, xarm, _) X(clock_nanosleep_time64, rm, _) X(clock_settime, xarm, CAP_SYS_TIME) \
	X(clock_settime64, rm, CAP_SYS_TIME) X(clone, xarm, CLONE) X(clone3, xarm, ENOSYS) X(close, xarm, _) \
	X(close_range, xarm, _) X(connect, xarm, _) X(copy_file_range, xarm, _) X(creat, xrm, _) \
	X(create_module, xm, _) X(delete_module, xarm, CAP_SYS_MODULE) X(dup, xarm, _) X(dup2, xrm, _) \
	X(dup3, xarm, _) X(epoll_create, xrm, _) X(epoll_create1, xarm, _) X(epoll_ctl, xarm, _) \
	X(epoll_ctl_old, x, _) X(epoll_pwait, xarm, _) X(epoll_pwait2, xarm, _) X(epoll_wait, xrm, _) \
	X(epoll_wait_old, x, _) X(eventfd, xrm, _) X(eventfd2, xarm, _) X(execve, xarm, _) \
	X(execveat, xarm, _) X(exit, xarm, _) X(exit_group, xarm, _) X(faccessat, xarm, _) \
	X(faccessat2, xarm, _) X(fadvise64, xam, _) X(fallocate, xarm, _) X(fanotify_init, xarm, _) \
	X(fanotify_mark, xarm, _) X(fchdir, xarm, _) X(fchmod, xarm, _) X(fchmodat, xarm, _) \
	X(fchown, xarm, _) X(fchown32, r, _) X(fchownat, xarm, _) X(fcntl, xarm, _) X(fcntl64, rm, _) \
	X(fdatasync, xarm, _) X(fgetxattr, xarm, _) X(finit_module, xarm, CAP_SYS_MODULE) \
	X(flistxattr, xarm, _) X(flock, xarm, _) X(fork, xrm, _) X(fremovexattr, xarm, _) \
	X(fsconfig, xarm, DENY) X(fsetxattr, xarm, _) X(fsmount, xarm, DENY) X(fsopen, xarm, DENY) \
	X(fspick, xarm, DENY) X(fstat, xarm, _) X(fstat64, rm, _) X(fstatat64, rm, _) X(fstatfs, xarm, _) \
	X(fstatfs64, rm, _) X(fsync, xarm, _) X(ftime, m, _) X(ftruncate, xarm, _) X(ftruncate64, rm, _) \
	X(futex, xarm, _) X(futex_time64, rm, _) X(futex_waitv, xarm, _) X(futimesat, xrm, _) \
	X(get_kernel_syms, xm, _) X(get_mempolicy, xarm, _) X(get_robust_list, xarm, _) \
	X(get_thread_area, x, _) X(getcpu, xarm, _) X(getcwd, xarm, _) X(getdents, xrm, _) \
	X(getdents64, xarm, _) X(getegid, xarm, _) X(getegid32, r, _) X(geteuid, xarm, _) \
	X(geteuid32, r, _) X(getgid, xarm, _) X(getgid32, r, _) X(getgroups, xarm, _) X(getgroups32, r, _) \
	X(getitimer, xarm, _) X(getpeername, xarm, _) X(getpgid, xarm, _) X(getpgrp, xrm, _) \
	X(getpid, xarm, _) X(getpmsg, xm, _) X(getppid, xarm, _) X(getpriority, xarm, _) \
	X(getrandom, xarm, _) X(getresgid, xarm, _) X(getresgid32, r, _) X(getresuid, xarm, _) \
	X(getresuid32, r, _) X(getrlimit, xam, _) X(getrusage, xarm, _) X(getsid, xarm, _) \
	X(getsockname, xarm, _) X(getsockopt, xarm, _) X(gettid, xarm, _) X(gettimeofday, xarm, _) \
	X(getuid, xarm, _) X(getuid32, r, _) X(getxattr, xarm, _) X(gtty, m, _) X(idle, m, _) \
	X(init_module, xarm, CAP_SYS_MODULE) X(inotify_add_watch, xarm, _) X(inotify_init, xrm, _) \
	X(inotify_init1, xarm, _) X(inotify_rm_watch, xarm, _) X(io_cancel, xarm, _) \
	X(io_destroy, xarm, _) X(io_getevents, xarm, _) X(io_pgetevents, xarm, _) \
	X(io_pgetevents_time64, rm, _) X(io_setup, xarm, _) X(io_submit, xarm, _) \
	X(io_uring_enter, xarm, _) X(io_uring_register, xarm, _) X(io_uring_setup, xarm, _) \
	X(ioctl, xarm, _) X(ioperm, xm, DENY) X(iopl, xm, DENY) X(ioprio_get, xarm, _) \
	X(ioprio_set, xarm, _) X(ipc, m, _) X(kcmp, xarm, CAP_SYS_PTRACE) X(kexec_file_load, xar, DENY) \
	X(kexec_load, xarm, DENY) X(keyctl, xarm, DENY) X(kill, xarm, _) X(landlock_add_rule, xarm, _) \
	X(landlock_create_ruleset, xarm, _) X(landlock_restrict_self, xarm, _) X(lchown, xrm, _) \
	X(lchown32, r, _) X(lgetxattr, xarm, _) X(link, xrm, _) X(linkat, xarm, _) X(listen, xarm, _) \
	X(listxattr, xarm, _) X(llistxattr, xarm, _) X(lock, m, _) X(lookup_dcookie, xarm, DENY) \
	X(lremovexattr, xarm, _) X(lseek, xarm, _) X(lsetxattr, xarm, _) X(lstat, xrm, _) \
	X(lstat64, rm, _) X(madvise, xarm, _) X(mbind, xarm, _) X(membarrier, xarm, _) \
	X(memfd_create, xarm, _) X(memfd_secret, xa, _) X(migrate_pages, xarm, _) X(mincore, xarm, _) \
	X(mkdir, xrm, _) X(mkdirat, xarm, _) X(mknod, xrm, _) X(mknodat, xarm, _) X(mlock, xarm, _) \
	X(mlock2, xarm, _) X(mlockall, xarm, _) X(mmap, xam, _) X(mmap2, rm, _) X(modify_ldt, xm, _) \
	X(mount, xarm, CAP_SYS_ADMIN) X(mount_setattr, xarm, DENY) X(move_mount, xarm, DENY) \
	X(move_pages, xarm, _) X(mprotect, xarm, _) X(mpx, m, _) X(mq_getsetattr, xarm, _) \
	X(mq_notify, xarm, _) X(mq_open, xarm, _) X(mq_timedreceive, xarm, _) \
	X(mq_timedreceive_time64, rm, _) X(mq_timedsend, xarm, _) X(mq_timedsend_time64, rm, _) \
	X(mq_unlink, xarm, _) X(mremap, xarm, _) X(msgctl, xarm, _) X(msgget, xarm, _) X(msgrcv, xarm, _) \
	X(msgsnd, xarm, _) X(msync, xarm, _) X(munlock, xarm, _) X(munlockall, xarm, _) X(munmap, xarm, _) \
	X(name_to_handle_at, xarm, _) X(nanosleep, xarm, _) X(newfstatat, xa, _) X(nfsservctl, xarm, DENY) \
	X(nice, rm, _) X(open, xrm, _) X(open_by_handle_at, xarm, DENY) X(open_tree, xarm, DENY) \
	X(openat, xarm, _) X(openat2, xarm, _) X(pause, xrm, _) X(pciconfig_iobase, r, DENY) \
	X(pciconfig_read, r, DENY) X(pciconfig_write, r, DENY) X(perf_event_open, xarm, DENY) \
	X(personality, xarm, PERS) X(pidfd_getfd, xarm, _) X(pidfd_open, xarm, _) \
	X(pidfd_send_signal, xarm, _) X(pipe, xrm, _) X(pipe2, xarm, _) X(pivot_root, xarm, CAP_SYS_ADMIN) \
	X(pkey_alloc, xarm, _) X(pkey_free, xarm, _) X(pkey_mprotect, xarm, _) X(poll, xrm, _) \
	X(ppoll, xarm, _) X(ppoll_time64, rm, _) X(prctl, xarm, _) X(pread64, xarm, _) X(preadv, xarm, _) \
	X(preadv2, xarm, _) X(prlimit64, xarm, _) X(process_madvise, xarm, _) X(process_mrelease, xarm, _) \
	X(process_vm_readv, xarm, CAP_SYS_PTRACE) X(process_vm_writev, xarm, CAP_SYS_PTRACE) X(prof, m, _) \
	X(profil, m, _) X(pselect6, xarm, _) X(pselect6_time64, rm, _) X(ptrace, xarm, CAP_SYS_PTRACE) \
	X(putpmsg, xm, _) X(pwrite64, xarm, _) X(pwritev, xarm, _) X(pwritev2, xarm, _) \
	X(query_module, xm, _) X(quotactl, xarm, DENY) X(quotactl_fd, xarm, DENY) X(read, xarm, _) \
	X(readahead, xarm, _) X(readdir, m, _) X(readlink, xrm, _) X(readlinkat, xarm, _) \
	X(readv, xarm, _) X(reboot, xarm, DENY) X(recv, rm, _) X(recvfrom, xarm, _) X(recvmmsg, xarm, _) \
	X(recvmmsg_time64, rm, _) X(recvmsg, xarm, _) X(remap_file_pages, xarm, _) X(removexattr, xarm, _) \
	X(rename, xrm, _) X(renameat, xarm, _) X(renameat2, xarm, _) X(request_key, xarm, DENY) \
	X(restart_syscall, xarm, _) X(rmdir, xrm, _) X(rseq, xarm, _) X(rt_sigaction, xarm, _) \
	X(rt_sigpending, xarm, _) X(rt_sigprocmask, xarm, _) X(rt_sigqueueinfo, xarm, _) \
	X(rt_sigreturn, xarm, _) X(rt_sigsuspend, xarm, _) X(rt_sigtimedwait, xarm, _) \
	X(rt_sigtimedwait_time64, rm, _) X(rt_tgsigqueueinfo, xarm, _) X(sched_get_priority_max, xarm, _) \
	X(sched_get_priority_min, xarm, _) X(sched_getaffinity, xarm, _) X(sched_getattr, xarm, _) \
	X(sched_getparam, xarm, _) X(sched_getscheduler, xarm, _) X(sched_rr_get_interval, xarm, _) \
	X(sched_rr_get_interval_time64, rm, _) X(sched_setaffinity, xarm, _) X(sched_setattr, xarm, _) \
	X(sched_setparam, xarm, _) X(sched_setscheduler, xarm, _) X(sched_yield, xarm, _) \
	X(seccomp, xarm, _) X(security, x, _) X(select, x, _) X(semctl, xarm, _) X(semget, xarm, _) \
	X(semop, xar, _) X(semtimedop, xar, _) X(semtimedop_time64, rm, _) X(send, rm, _) \
	X(sendfile, xarm, _) X(sendfile64, rm, _) X(sendmmsg, xarm, _) X(sendmsg, xarm, _) \
	X(sendto, xarm, _) X(set_mempolicy, xarm, _) X(set_mempolicy_home_node, xarm, _) \
	X(set_robust_list, xarm, _) X(set_thread_area, xm, _) X(set_tid_address, xarm, _) \
	X(setdomainname, xarm, _) X(setfsgid, xarm, _) X(setfsgid32, r, _) X(setfsuid, xarm, _) \
	X(setfsuid32, r, _) X(setgid, xarm, _) X(setgid32, r, _) X(setgroups, xarm, _) \
	X(setgroups32, r, _) X(sethostname, xarm, _) X(setitimer, xarm, _) X(setns, xarm, CAP_SYS_ADMIN) \
	X(setpgid, xarm, _) X(setpriority, xarm, _) X(setregid, xarm, _) X(setregid32, r, _) \
	X(setresgid, xarm, _) X(setresgid32, r, _) X(setresuid, xarm, _) X(setresuid32, r, _) \
	X(setreuid, xarm, _) X(setreuid32, r, _) X(setrlimit, xarm, _) X(setsid, xarm, _) \
	X(setsockopt, xarm, _) X(settimeofday, xarm, CAP_SYS_TIME) X(setuid, xarm, _) X(setuid32, r, _) \
	X(setxattr, xarm, _) X(sgetmask, m, _) X(shmat, xarm, _) X(shmctl, xarm, _) X(shmdt, xarm, _) \
	X(shmget, xarm, _) X(shutdown, xarm, _) X(sigaction, rm, _) X(sigaltstack, xarm, _) \
	X(signal, m, _) X(signalfd, xrm, _) X(signalfd4, xarm, _) X(sigpending, rm, _) \
	X(sigprocmask, rm, _) X(sigreturn, rm, _) X(sigsuspend, rm, _) X(socket, xarm, _) \
	X(socketcall, m, _) X(socketpair, xarm, _) X(splice, xarm, _) X(ssetmask, m, _) X(stat, xrm, _) \
	X(stat64, rm, _) X(statfs, xarm, _) X(statfs64, rm, _) X(statx, xarm, _) X(stime, m, CAP_SYS_TIME) \
	X(stty, m, _) X(swapoff, xarm, DENY) X(swapon, xarm, DENY) X(symlink, xrm, _) \
	X(symlinkat, xarm, _) X(sync, xarm, _) X(sync_file_range, xam, _) X(sync_file_range2, r, _) \
	X(syncfs, xarm, _) X(syscall, m, _) X(sysfs, xrm, _) X(sysinfo, xarm, _) X(syslog, xarm, DENY) \
	X(sysmips, m, _) X(tee, xarm, _) X(tgkill, xarm, _) X(time, xm, _) X(timer_create, xarm, _) \
	X(timer_delete, xarm, _) X(timer_getoverrun, xarm, _) X(timer_gettime, xarm, _) \
	X(timer_gettime64, rm, _) X(timer_settime, xarm, _) X(timer_settime64, rm, _) X(timerfd, m, _) \
	X(timerfd_create, xarm, _) X(timerfd_gettime, xarm, _) X(timerfd_gettime64, rm, _) \
	X(timerfd_settime, xarm, _) X(timerfd_settime64, rm, _) X(times, xarm, _) X(tkill, xarm, _) \
	X(truncate, xarm, _) X(truncate64, rm, _) X(tuxcall, x, _) X(ugetrlimit, r, _) X(ulimit, m, _) \
	X(umask, xarm, _) X(umount, m, CAP_SYS_ADMIN) X(umount2, xarm, CAP_SYS_ADMIN) X(uname, xarm, _) \
	X(unlink, xrm, _) X(unlinkat, xarm, _) X(unshare, xarm, UNSHARE) X(uselib, xrm, DENY) \
	X(userfaultfd, xarm, DENY) X(ustat, xrm, _) X(utime, xm, _) X(utimensat, xarm, _) \
	X(utimensat_time64, rm, _) X(utimes, xrm, _) X(vfork, xr, _) X(vhangup, xarm, _) X(vm86, m, DENY) \
	X(vm86old, none, DENY) X(vmsplice, xarm, _) X(vserver, xrm, _) X(wait4, xarm, _) \
	X(waitid, xarm, _) X(waitpid, m, _) X(write, xarm, _) X(writev, xarm, _)

#define SC_T_xarm 1, 1, 1, 1
#define SC_T_xam 1, 1, 0, 1
#define SC_T_xar 1, 1, 1, 0
#define SC_T_xa 1, 1, 0, 0
#define SC_T_xrm 1, 0, 1, 1
#define SC_T_xm 1, 0, 0, 1
#define SC_T_xr 1, 0, 1, 0
#define SC_T_x 1, 0, 0, 0
#define SC_T_rm 0, 0, 1, 1
#define SC_T_r 0, 0, 1, 0
#define SC_T_m 0, 0, 0, 1
#define SC_T_none 0, 0, 0, 0
#if defined(__x86_64__)
#define SC_AUDIT_ARCH AUDIT_ARCH_X86_64
#define SC_PICK(x, a, r, m) x
#elif defined(__aarch64__)
#define SC_AUDIT_ARCH AUDIT_ARCH_AARCH64
#define SC_PICK(x, a, r, m) a
#elif defined(__arm__) && defined(__ARM_EABI__)
#define SC_AUDIT_ARCH AUDIT_ARCH_ARM
#define SC_PICK(x, a, r, m) r
#elif defined(__mips__) && _MIPS_SIM == _ABIO32 && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SC_AUDIT_ARCH AUDIT_ARCH_MIPS
#define SC_PICK(x, a, r, m) m
#elif defined(__mips__) && _MIPS_SIM == _ABIO32
#define SC_AUDIT_ARCH AUDIT_ARCH_MIPSEL
#define SC_PICK(x, a, r, m) m
#elif WITH_SECCOMP
#error "seccomp: no syscall table for this architecture: build nsrun --without-seccomp"
#else
#define SC_AUDIT_ARCH 0
#define SC_PICK(x, a, r, m) 0
#endif
#define SC_HAS_(...) SC_PICK(__VA_ARGS__)
#define SC_HAS(tag) SC_HAS_(SC_T_##tag)
/* Each X pastes its name at once: an argument passed on is expanded first,
 * and musl's "#define stat64 stat" would rename the row. */
#define SC_NR_(has, nr) SC_NR__(has, nr)
#define SC_NR__(has, nr) SC_NR_##has(nr)
#define SC_NR_1(nr) ((nr) - SC_NR0)
#define SC_NR_0(nr) 511

#define X(name, tag, rule) SC_##name,
enum { NSRUN_SYSCALLS(X) SC__N };
#undef X
_Static_assert(SC__N <= NSRUN_SYSCALLS_MAX, "NSRUN_SYSCALLS_MAX is too small");

#if NSRUN_DOCS
/* The names, each ended by a NUL, in the rows' order (the README's). */
static const char sc_names[] =
#define X(name, tag, rule) #name "\0"
	NSRUN_SYSCALLS(X);
#undef X
#endif

/* The names as nsrun carries them (and "@default" after them, for
 * seccomp.deny): in the rows' order, each as the length
 * it shares with the one before (a symbol of code P), the rest's
 * characters and a NUL (symbols of code C); both canonical Huffman codes,
 * each as 12 counts (COUNT[l] codes of length l + 1) and its symbols in
 * code order.  The
 * block is `build/unit --sc-names`, which the unit tests check against the
 * table.  Code C also has a symbol, 128 + I, for the piece of sc_tok at I
 * (the longest that fits is taken). */
static const char sc_tok[] = "_time64\0" "64\0" "xattr\0" "32\0" "time\0" "get\0" "_module\0" "_file_\0" "ock\0"
	"rea\0" "ctl\0" "at\0" "gid\0" "name";
_Static_assert(sizeof sc_tok <= 128, "code C's pieces are 128 + their offset");
/* -- build/unit --sc-names -- */
static const unsigned char sc_pcode[] = {
	0, 1, 3, 4, 2, 3, 1, 1, 2, 0, 0, 0, 1, 2, 3, 4, 0, 5, 6, 9,
	7, 8, 10, 13, 15, 12, 11, 20, 21,
};
static const unsigned char sc_ccode[] = {
	0, 1, 0, 4, 10, 5, 8, 8, 5, 5, 2, 0, 0, 101, 105, 115, 116, 95, 97, 99,
	100, 108, 109, 110, 111, 112, 114, 102, 103, 117, 121, 184, 104, 107, 118, 119, 136, 145, 148, 153,
	50, 98, 128, 139, 172, 176, 180, 187, 113, 120, 157, 165, 191, 49, 51, 52, 54, 106, 56, 64,
};
static const unsigned char sc_dflt[] = {
	22, 16, 240, 23, 138, 240, 240, 246, 240, 48, 32, 102, 15, 15, 97, 20, 17, 16, 16, 15,
	15, 15, 102, 31, 16, 147, 16, 16, 16, 29, 15, 182, 16, 16, 15, 23, 18, 16, 19, 16,
	16, 16, 64, 181, 157, 144, 148, 21, 16, 22, 26, 15, 15, 15, 183, 253, 15, 252, 17, 16,
	25, 15, 185, 176, 83, 16, 16, 23, 16,
};
static const unsigned char sc_pk[] =
	"\025J1\22134\271\232\024I\016\266\333\027\025S\222\341\314\077\304\014;\344\034\316\262\243\377"
	"\036\077a\261`\273\245X\012\2248+\314t\012c~\241\032\226\230/jr\0137b{K\277gl\253P\257y)\233\235@["
	"\206\261\300\347\031\235\251\024\323I\276\350\245lvB\343\211M\034NY'\252=\243~m\364\035\315\336"
	"\035\312G\210\371\277\007\357\215yN1~o\354\203\367\306\264\330\272\025\221\301\367\306\230\370\203"
	"\367\206\233\320\177c\023:\314\330V\201\336\232$Gc\377=c[\005>\235\226_T\226\042.\277`\033\370\005"
	"\377M\311\350\245\204\364\351\302\357/\216\0276\364\222\231q\215\352\374\2750\327\250\316\023z\311"
	"p\221\346K\346\274\300OI\027a\016\244N\302:\3736\250\045\246$f\007\373\202\362EMn\250\224\236\016A"
	"\255\273.{\320\246\316\3268\317\220NY'\256=3\007\356\327\306\334\231\0035/\364\015\362\021mo\011"
	"\236\357\240M\375\027\0245\177G\037\320\347\031\246\324~\221w\260\324\333\242+\022\177G\265o\315Q"
	"\037\322\320\320tF~\3207\372\270\321\213qnho\011\036hn-\035\302\336`s\371I\2771\327\250~\301Z\305"
	"\016\352\031\3162\233\224`{5R\245\216^4\355d\366\327\315<\0245'~\372\314!~\34246r\3158Ks\343\336"
	"\260|s\356d\323\314\271\343o\346Nf\337\206\261w\254\217\211\207\310\374C\276\3519\210fRm\045C3\231"
	"\332\247\372\216gl\271W\042\366\315\336\231M3{'E\253:\331,\256\202M3\371\370\303\351\303\261k\246"
	"\253\364\045\307\035o\232\231;~\007\367\235\322\134\004\232\372/\324]\227=\304\234\303\365H'\2566u"
	"~\177qg\015\327#\235\240\207\024[\222\202\263\230\317\276\343\247\134\244\271\341\361\224\21347"
	"\3367l\342\333 \333kU\307\333\324\266\006i.\223\235\262\252\271L\326\304\267\201\276\320\220Yq\301"
	"S{xrL\034F\242\316\251\016\220\237\222~\227\0363Sz\314h\377\002-\205*\261\345\362\021b\316anE\330"
	"\364\351\022\346V\304\304\331)\346S\223\007\223\262@:\365kc\356\360|\007mgr si\344\035\212\232\277"
	"\303\007\352\347m\204\234z\077\253\300\224\332/\362\016&r\306\376\216\374\240oT\215\371\242&\360"
	"\252-\203\324\3278\247\312\304K\016\351\323\2051IS\034t\235\207\204\021W1\324R\237\002\347\254\223"
	">P\353\231>\240|\320/t,\005j\034\344\005z\326e\017\045;\332\232\323\301\304\017\237\350\042\241"
	"\366\2559=\342*\006cv\227\344\350'\374\010O\023\077|\342\326]\227\035\367!\015\077\362\224$z\021"
	"\2767\256I\313\374\336\360\326\212\2663L\251q\200\255_\370\211g\272`k\031\355-\301\326\312\007'"
	"\226\202k\034\324\237\340=\234b\313E\302\201Z\267\0422@\256\213\371q\300b&\363\362\005\232\204\352"
	"C\032\011\257{8\305\226\213\204\203\366)B\016\346\205\032q3\201\244\251\267E\327\240\3755\232\360|"
	"f\236\353T\027\220\271\004\271H\363\320\2074l\275\305\242\276\203\346\045\207\347\222\231>\2441&-"
	"\007\323\265\305\202\206\220\027t\351\036f\357\016g\331C,\245'z\231\042t\035\263\273$\207^\012\214"
	"^\012\375\006\363\013I\3147\372\302\274\240\242U\375\206z\022\263Pc\276\250\011;\245H4\341^j\370"
	"\314\027\376\256S].x!Z\300\244H\362\177\271o\3403&\201\315G\265\025\256S]n\314\205\363B\375\330d"
	"\356\277P\367\370\305\015K\246>3\211'\211\231d\235\244h;s\017rA\257\275;J\027\262\314^I\255\266r"
	"\337h[Q\215\343\367\210\253\030\356\027yG\177\230\203\373\202~lb\036\316\262#\3638=\330n)\226\0025"
	"\353\004\223\037\340\301t\215\311\2657fH\313\332V\316\354\251F;3\0776\331D\333\322\231)\276\315"
	"\306\330fCZf\036\371\032\325\371\336\260\257\246\353\217M6\321\266t\312\322Irx\2061\265O\365=\324"
	"\370\223\177\332\330\270,\332\324w\036\367\311\2168ce-\235$oE&3gx\006m.\363\022\013\377\337\030"
	"\023\217\313\242M}\347q\237\354\2103V\326\322I\362Vd2\273J\311 )\365:\3606\325wT$9\252_\370\211"
	"\373\300\217\334\007\317\033j\231,Z\204{#\265\332J\333J\274#\017U\352\350E\323\316\033N\275Jh=\013"
	"\231\375u3\017E\315\211\237>s\210\237\264\346\020s\236b\206s\257Q\333\037\274\3307\367No\232\271w"
	"\374\315\334\311\354\3330\366\216O\335\374\017\326\307\304\315\360\370&S\373T\337\361\224o\356\235"
	"\266o\366\316l\232\331;\275i\346\336I\321\252\216M3\371\350\303\361\243/9\356x\323\314\334\361;<k"
	"\2643\234\352\201\277pv\374D\233\347~m\240kL\256\275\221\342\3461\235q\213\205Y2\367\037<\244em+"
	"\231=\325hg<\305\267\331\260m6\244e\370\020gR,\205\031Q'\214\242I\300\304k\2643\370And1\346F~\042"
	"\255\202|\207k\034}Y\350\006{-\332\316\234\003\265D~\317\330V\341{!\213!K\261\024\274\030\326\266t"
	"\134\372\212\253\016\243\134\004\326\263\226\002Z\205\314\220>]\230,E\134\230g\277\310\234[c\037"
	"\2747\306\304\037\2747z\311\234\220>]\270\317\007\337\215k\342\017\276\03318k)0\267\226\016\341"
	"\336`\373\231b)\324\366\234E\253:\024\255\352P\243\235Q\337\2323/\360\007\025mg\346@v\212S\300\244"
	"\350+\236K\334\212/\031\371\001\017\272\331\301\276\321F]\226>\317p\212m\335\006\324\377\375Kz\311"
	"\310F\321$`2/2\251kT\377\207h&C3Lu\241/\324\377\263,q+\016";
/* -- end -- */

/* The symbol of a canonical code (CODE: its 12 counts, then its symbols)
 * at bit POS of sc_pk (low bits first). */
static unsigned sc_sym(unsigned *pos, const unsigned char *code)
{
	const unsigned char *sym = code + 12;
	unsigned d = 0, p = *pos;               /* d: the code so far less the first of its length */

	for (;; code++) {                       /* (the unit tests decode every name: no code is longer) */
		d += sc_pk[p >> 3] >> (p & 7) & 1;
		p++;
		if (d < *code)
			break;
		sym += *code;
		d = (d - *code) << 1;
	}
	*pos = p;
	return sym[d];
}

#define X(name, tag, rule) _Static_assert(sizeof #name <= 40, #name ": longer than sc_next's buffer");
NSRUN_SYSCALLS(X)
#undef X
/* The name after the one in NAME (at bit POS of sc_pk) into NAME. */
static void sc_next(unsigned *pos, char name[40])
{
	char *q = name + sc_sym(pos, sc_pcode);
	unsigned c;

	while ((c = sc_sym(pos, sc_ccode)))     /* (each name fits: asserted above) */
		if (c < 128)
			*q++ = (char)c;
		else
			q = stpcpy(q, sc_tok + (c - 128));     /* (not sc_tok + c: past the array, UB) */
	*q = 0;
}

/* This build's number of each row, less SC_NR0 (mips o32's __NR_Linux), in
 * 9 bits: the low 8 in sc_lo, the 9th in sc_hi; 511: this arch has none. */
#ifdef __NR_Linux
#define SC_NR0 __NR_Linux
#else
#define SC_NR0 0
#endif
#define X(name, tag, rule) SC_N_##name = SC_NR_(SC_HAS(tag), __NR_##name),
enum { NSRUN_SYSCALLS(X) };
#undef X
#define X(name, tag, rule) _Static_assert(SC_N_##name >= 0 && SC_N_##name < 511 + !SC_HAS(tag), #name " is not below 511");
NSRUN_SYSCALLS(X)
#undef X
static const unsigned char sc_lo[SC__N] = {
#define X(name, tag, rule) (unsigned char)SC_N_##name,
	NSRUN_SYSCALLS(X)
#undef X
};
#define SC_HIB(i, v, w) | (uint64_t)((v) >> 8 & ((i) >> 6 == (w))) << ((i) & 63)
#define SC_HI0(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 0)
#define SC_HI1(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 1)
#define SC_HI2(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 2)
#define SC_HI3(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 3)
#define SC_HI4(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 4)
#define SC_HI5(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 5)
#define SC_HI6(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 6)
#define SC_HI7(name, tag, rule) SC_HIB(SC_##name, SC_N_##name, 7)
_Static_assert(SC__N <= 8 * 64, "sc_hi has 8 words");
static const uint64_t sc_hi[8] = {
	0 NSRUN_SYSCALLS(SC_HI0), 0 NSRUN_SYSCALLS(SC_HI1), 0 NSRUN_SYSCALLS(SC_HI2), 0 NSRUN_SYSCALLS(SC_HI3),
	0 NSRUN_SYSCALLS(SC_HI4), 0 NSRUN_SYSCALLS(SC_HI5), 0 NSRUN_SYSCALLS(SC_HI6), 0 NSRUN_SYSCALLS(SC_HI7),
};

/* Row I's number on this arch less SC_NR0, 511 when it has none. */
static unsigned sc_v(unsigned i)
{
	return sc_lo[i] | (unsigned)(sc_hi[i >> 6] >> (i & 63) & 1) << 8;
}

/* Row I's number on this arch, or -1. */
static inline int sc_nr(int i)
{
	return sc_v(i) == 511 ? -1 : (int)sc_v(i) + SC_NR0;
}

/* The default profile: the rows with a rule, each rule in 4 bits: a
 * capability's is CAP_N + R_CAP (R_CAPS and up). */
enum { R_DENY = 1, R_ENOSYS, R_CLONE, R_PERS, R_UNSHARE, R_CAPS, R_CAP = -10 };
_Static_assert(CAP_SYS_MODULE + R_CAP >= R_CAPS && CAP_SYS_CHROOT + R_CAP >= R_CAPS && CAP_SYS_PTRACE + R_CAP >= R_CAPS &&
	       CAP_SYS_ADMIN + R_CAP >= R_CAPS && CAP_SYS_TIME + R_CAP < 16, "a rule is 4 bits");
#if NSRUN_UNIT
#define SC_RULE__(sc)
#define SC_RULE_DENY(sc) SC_DROW(sc, R_DENY)
#define SC_RULE_CLONE(sc) SC_DROW(sc, R_CLONE)
#define SC_RULE_UNSHARE(sc) SC_DROW(sc, R_UNSHARE)
#define SC_RULE_PERS(sc) SC_DROW(sc, R_PERS)
#define SC_RULE_ENOSYS(sc) SC_DROW(sc, R_ENOSYS)
#define SC_RULE_CAP_SYS_ADMIN(sc) SC_DROW(sc, R_CAP + CAP_SYS_ADMIN)
#define SC_RULE_CAP_SYS_CHROOT(sc) SC_DROW(sc, R_CAP + CAP_SYS_CHROOT)
#define SC_RULE_CAP_SYS_PTRACE(sc) SC_DROW(sc, R_CAP + CAP_SYS_PTRACE)
#define SC_RULE_CAP_SYS_TIME(sc) SC_DROW(sc, R_CAP + CAP_SYS_TIME)
#define SC_RULE_CAP_SYS_MODULE(sc) SC_DROW(sc, R_CAP + CAP_SYS_MODULE)
/* For the tests, each row of it in 16 bits: the row (9 bits), the rule;
 * nsrun carries it as sc_dflt (in the block `build/unit --sc-names` writes). */
#define SC_DROW(sc, rule) (sc) | (rule) << 9,
#define SC_DSC(d) ((d) & 511)
#define SC_DRULE(d) ((d) >> 9)
static const unsigned short sc_default[] = {
#define X(name, tag, rule) SC_RULE_##rule(SC_##name)
	NSRUN_SYSCALLS(X)
#undef X
};
#endif

#if NSRUN_DOCS
/* For the README (tests/schema.c): the arches of each row, and why each
 * row of the default profile is there (rows that share a reason together). */
static const char *const sc_tags[] = {
#define X(name, tag, rule) #tag,
	NSRUN_SYSCALLS(X)
#undef X
};
static const struct { const char *names, *why; } sc_docs[] = {
	{ "kexec_load kexec_file_load reboot", "replace or stop the host's kernel" },
	{ "keyctl add_key request_key", "the kernel's keyrings are not namespaced: the host's keys" },
	{ "bpf perf_event_open", "kernel attack surface; tracing of the host" },
	{ "userfaultfd", "stalls the kernel in a page fault, the tool of many exploits" },
	{ "open_by_handle_at", "opens any file of a mounted file system by its handle, out of the root (shocker)" },
	{ "acct swapon swapoff quotactl quotactl_fd syslog", "the host's process accounting, swap, quotas and kernel log" },
	{ "iopl ioperm pciconfig_iobase pciconfig_read pciconfig_write vm86 vm86old",
	  "hardware and legacy-mode access" },
	{ "lookup_dcookie nfsservctl uselib", "obsolete; nothing needs them" },
	{ "personality", "other personalities (e.g. READ_IMPLIES_EXEC) weaken the address space" },
	{ "fsopen fsconfig fsmount fspick open_tree move_mount mount_setattr",
	  "the new mount API, whose unprivileged half reaches file system parsers" },
	{ "clone unshare", "new user namespaces give a full capability set over new namespaces, the entry to many kernel bugs" },
	{ "clone3", "its flags are in memory a filter cannot read; `ENOSYS` makes every libc fall back to `clone`" },
	{ "mount umount2 umount pivot_root setns", "what `CAP_SYS_ADMIN` would allow" },
	{ "chroot", "what `CAP_SYS_CHROOT` would allow" },
	{ "ptrace process_vm_readv process_vm_writev kcmp", "what `CAP_SYS_PTRACE` would allow" },
	{ "settimeofday stime clock_settime clock_settime64 clock_adjtime clock_adjtime64 adjtimex",
	  "what `CAP_SYS_TIME` would allow (a read of `adjtimex`, `modes` 0, is refused too: "
	  "`modes` is in memory a filter cannot read)" },
	{ "init_module finit_module delete_module", "what `CAP_SYS_MODULE` would allow" },
};
#endif

/* The row of NAME among the first N of sc_pk's names (its last,
 * "@default", is row SC__N), or -1. */
static int sc_find(const char *name, unsigned n)
{
	char s[40];
	unsigned pos = 0;

	for (unsigned i = 0; i < n; i++) {
		sc_next(&pos, s);
		if (!strcmp(s, name))
			return (int)i;
	}
	return -1;
}

/* The row of syscall NAME, or -1. */
static int sc_index(const char *name)
{
	return sc_find(name, SC__N);
}

/* What the program does with one number: an entry of sc_acts (A_DFLT, in
 * sc_far only: the profile's default). */
enum { A_ALLOW, A_ERRNO, A_ENOSYS, A_NEWUSER, A_PERS, A_KILL, A_DFLT };
_Static_assert((int)A_ERRNO == R_DENY && (int)A_ENOSYS == R_ENOSYS && (int)A_NEWUSER == R_CLONE && (int)A_PERS == R_PERS,
	       "a rule without a condition is its action");

struct sc_iv {                          /* numbers from LO to the next one's LO */
	uint32_t lo;
	unsigned char act;
};

/* Numbers past the table's (9 bits): slot 511's action, the profile's
 * default (511 is no arch's number: a row's 511 means "none"), but x32's
 * on x86_64 (__X32_SYSCALL_BIT: another ABI, killed) and arm's private
 * calls (__ARM_NR_BASE: set_tls, cacheflush, ...; every libc's start needs
 * set_tls, and no list can name them: allowed in every profile).  Empty
 * on the other arches. */
static const struct sc_iv sc_far[] = {
#ifdef __X32_SYSCALL_BIT
	{ __X32_SYSCALL_BIT, A_KILL },
#endif
#ifdef __ARM_NR_BASE
	{ __ARM_NR_BASE, A_ALLOW }, { __ARM_NR_BASE + 0x800, A_DFLT },
#endif
};
#define SC_NFAR (int)(sizeof sc_far / sizeof sc_far[0])
#ifdef __X32_SYSCALL_BIT
#define SC_X32 1
#else
#define SC_X32 0
#endif
#ifdef __ARM_NR_BASE
#define SC_ARM_FAR 1
#else
#define SC_ARM_FAR 0
#endif

#define SC_ARG0 (offsetof(struct seccomp_data, args) + 4 * (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
#define SC_I(code, jt, jf, k) { BPF_##code, jt, jf, k }

/* The program's head: the arch (any other ABI is killed), the number into A. */
static const struct sock_filter sc_head[] = {
	SC_I(LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch)),
	SC_I(JMP | BPF_JEQ | BPF_K, 1, 0, SC_AUDIT_ARCH),
	SC_I(RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
	SC_I(LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr)),
};
/* Its end, where the search jumps: each action at sc_at[action].  The two
 * argument checks, personality's queries (0, 0xffffffff, PER_LINUX32) and
 * CLONE_NEWUSER in clone's or unshare's flags, end in the RETs after them. */
static const struct sock_filter sc_acts[] = {
	SC_I(LD | BPF_W | BPF_ABS, 0, 0, SC_ARG0),              /* A_PERS */
	SC_I(JMP | BPF_JEQ | BPF_K, 4, 0, 0),
	SC_I(JMP | BPF_JEQ | BPF_K, 3, 0, 0xffffffff),
	SC_I(JMP | BPF_JEQ | BPF_K, 2, 3, 0x0008),              /* PER_LINUX32 */
	SC_I(LD | BPF_W | BPF_ABS, 0, 0, SC_ARG0),              /* A_NEWUSER */
	SC_I(JMP | BPF_JSET | BPF_K, 1, 0, CLONE_NEWUSER),
	SC_I(RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW),             /* A_ALLOW */
	SC_I(RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO),             /* A_ERRNO (| the config's errno) */
	SC_I(RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS),    /* A_ENOSYS */
	SC_I(RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS),      /* A_KILL */
};
static const unsigned char sc_at[] = { 6, 7, 8, 4, 0, 9 };
#define SC_NACTS (int)(sizeof sc_acts / sizeof sc_acts[0])
/* The head, a JGE per interval but the first (at most 511 + SC_NFAR), a JA
 * before one for each target too far for its jt or jf, the actions: always
 * far below BPF_MAXINSNS. */
#define SC_ROOM (4 + 3 * (511 + SC_NFAR) + SC_NACTS + 1)
_Static_assert(SC_ROOM <= BPF_MAXINSNS, "the program fits the kernel's limit");

/* The binary search over the intervals LO..HI, a JGE per level (jt: the
 * right half), written backward into F, ending at *AT (which it moves
 * down to its start); the actions at ACTS.  Returns its first instruction
 * (of one interval: its action's).  A target too far for a jt or jf goes
 * through a JA right after the JGE. */
static int sc_tree(struct sock_filter *f, int *at, const struct sc_iv *iv, unsigned lo, unsigned hi, int acts)
{
	unsigned mid = (lo + hi + 1) >> 1;
	int t[2];

	if (lo == hi)
		return acts + sc_at[iv[lo].act];
	for (int j = 0; j < 2; j++)             /* the right half, then the left */
		t[j] = sc_tree(f, at, iv, j ? lo : mid, j ? mid - 1 : hi, acts);
	for (int j = 0; j < 2; j++)
		if (t[j] - *at > 250) {
			--*at;
			f[*at] = (struct sock_filter)SC_I(JMP | BPF_JA, 0, 0, (uint32_t)(t[j] - *at - 1));
			t[j] = *at;
		}
	--*at;
	f[*at] = (struct sock_filter)SC_I(JMP | BPF_JGE | BPF_K, (unsigned char)(t[0] - *at - 1),
					  (unsigned char)(t[1] - *at - 1), iv[mid].lo);
	return *at;
}

/* Is row K (SC__N: "@default") in the config's list?  Put it there. */
#define SC_IN(s, k) ((s)->bits[(k) >> 6] >> ((k) & 63) & 1)
#define SC_ADD(s, k) ((s)->bits[(k) >> 6] |= 1ULL << ((k) & 63))

/* Each number's action (BY_NR[number - SC_NR0]): the default profile's
 * rules (for "default" and "@default"), then the list's names; clone3
 * ENOSYS wherever clone is held back and it is not named itself.  A row
 * this arch lacks writes BY_NR[511], which no number is. */
static void sc_actions(const struct cfg *c, unsigned char *by_nr, unsigned char dflt)
{
	const struct seccomp_cfg *s = &c->sc;

	memset(by_nr, dflt, 512);
	for (int i = 0, row = -1; (s->mode == SCM_DEFAULT || SC_IN(s, SC__N)) && i < (int)sizeof sc_dflt; i++) {
		int r = sc_dflt[i] >> 4;
		unsigned char a = (unsigned char)r;     /* R_DENY R_ENOSYS R_CLONE R_PERS: their actions */

		row += (sc_dflt[i] & 15) + 1;
		if (r >= R_UNSHARE)             /* unshare: CLONE_NEWUSER refused with CAP_SYS_ADMIN */
			a = !(c->proc.caps >> (r == R_UNSHARE ? CAP_SYS_ADMIN : r - R_CAP) & 1) ? A_ERRNO :
			    r == R_UNSHARE ? A_NEWUSER : A_ALLOW;
		by_nr[sc_v(row)] = a;           /* (0, a step of 16 rows: A_ALLOW, as it is) */
	}
	for (unsigned i = 0; i < SC__N; i++)
		if (SC_IN(s, i))
			by_nr[sc_v(i)] = s->mode == SCM_ALLOW ? A_ALLOW : A_ERRNO;
	if (WITH_OCI && s->mode == SCM_OCI)     /* an OCI profile's: read by p_osc */
		memcpy(by_nr, s->by_nr, 512);
	if (!SC_IN(s, SC_clone3) && (s->mode == SCM_ALLOW || by_nr[SC_N_clone] != A_ALLOW))
		by_nr[SC_N_clone3] = A_ENOSYS;
	by_nr[511] = dflt;
}

/* The config's program into C->proc.filter (NULL: no filter): the head,
 * the search over the intervals of numbers that share an action, the
 * actions; built from the end of sc_prog (one config a process). */
static struct sock_filter sc_prog[SC_ROOM];

static void sc_build(struct cfg *c)
{
	unsigned char by_nr[512], dflt = c->sc.mode == SCM_ALLOW ? A_ERRNO : WITH_OCI ? c->sc.dflt : A_ALLOW;
	struct sc_iv iv[512 + SC_NFAR];
	struct sock_filter *f = sc_prog;
	int at = SC_ROOM - SC_NACTS;
	size_t k = 0;

	if (!WITH_SECCOMP || c->sc.mode == SCM_NONE)
		return;
	sc_actions(c, by_nr, dflt);
	for (int v = 0; v < 512 + SC_NFAR; v++) {       /* the intervals: where the action changes */
		struct sc_iv n = v < 512 ? (struct sc_iv){ (uint32_t)v + SC_NR0, by_nr[v] } : sc_far[v - 512];

		if (SC_ARM_FAR)                 /* (by_nr has no A_DFLT, only arm's sc_far) */
			n.act = n.act == A_DFLT ? dflt : n.act;
		if (!k || n.act != iv[k - 1].act)
			iv[k++] = n;
	}
	/* One interval: a JGE with both ways to it.  (Never on x86_64 without
	 * OCI profiles: x32's A_KILL, no other number's action, ends another.) */
	if ((WITH_OCI || !SC_X32) && k == 1)
		iv[k++] = iv[0];
	memcpy(f + at, sc_acts, sizeof sc_acts);
	f[at + sc_at[A_ERRNO]].k |= (uint32_t)c->sc.err & SECCOMP_RET_DATA;
	if (WITH_OCI && c->sc.mask)             /* an OCI profile's clone flags (p_osc) */
		f[at + sc_at[A_NEWUSER] + 1].k = c->sc.mask;
	sc_tree(f, &at, iv, 0, k - 1, at);
	at -= 4;
	memcpy(f + at, sc_head, sizeof sc_head);
	c->proc.filter = f + at;
	c->proc.filter_len = (unsigned short)(SC_ROOM - at);
}

/* The app's filter (become_app): seccomp(2), or prctl before 3.17; with
 * no_new_privs at the end (LATE), else while CAP_SYS_ADMIN is held. */
_Static_assert(offsetof(struct proc_cfg, filter) - offsetof(struct proc_cfg, filter_len) == offsetof(struct sock_fprog, filter) &&
	       offsetof(struct sock_fprog, len) == 0, "proc_cfg's program is a struct sock_fprog");
static int sc_load(const struct proc_cfg *p, int late)
{
	const void *prog = &p->filter_len;      /* (struct sock_fprog) */

	if (!WITH_SECCOMP || !p->filter || p->no_new_privs != late || (step(S_app_seccomp) == 0 &&
	    (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0 ||
	     (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) == 0))))
		return 0;
	return fail("seccomp");                 /* (prctl PR_SET_SECCOMP where it has none) */
}

/* ==[ 4. config ]==========================================================
 * Owns:  the JSON config: syntax (cJSON), schema, defaults, this build's
 *        features.  Every error is one line "FILE:LINE:COL: FIELD: what";
 *        cJSON keeps no positions, so cfg_where() re-walks the accepted text
 *        by the index path of the offending node.
 * Entry: cfg_load() (reads the file), cfg_parse() (pure; unit-tested/fuzzed)
 * ====================================================================== */
struct field;
struct ctx {
	const char *file;
	const char *text;
	const cJSON *root;
	struct cfg *c;                  /* what the rows fill */
	const struct field *rows;       /* the schema the text is read by */
	size_t nrows;
	int lax;                        /* an unknown key is ignored (OCI), not refused */
};

/* Sizes: bytes, or a number with one of K M G (powers of 1024). */
int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mul = 1;

	if (!s || *s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	switch (*s) {
	case 0: break;
	case 'K': case 'k': mul = 1ULL << 10; s++; break;
	case 'M': case 'm': mul = 1ULL << 20; s++; break;
	case 'G': case 'g': mul = 1ULL << 30; s++; break;
	default: return -1;
	}
	if (*s || (v && v > UINT64_MAX / mul))
		return -1;
	*out = v * mul;
	return 0;
}

int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > NSRUN_NAME_MAX || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", *s))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

int exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 125;
}

/* Whitespace as cJSON skips it: every byte from 1 to 32. */
static const char *js_ws(const char *p)
{
	while (*p && (unsigned char)*p <= 32)
		p++;
	return p;
}

static const char *js_str_end(const char *p)    /* p at '"' */
{
	for (p += !!*p; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

static const char *js_skip(const char *p)       /* past one whole value */
{
	int depth = 0;

	do {
		p = js_ws(p);
		if (*p == '"')
			p = js_str_end(p);
		else if (*p == '{' || *p == '[')
			depth++, p++;
		else if (*p == '}' || *p == ']')
			depth--, p++;
		else if (*p == ',' || *p == ':')
			p++;
		else if (*p)
			while ((unsigned char)*p > 32 && !strchr(",:]}", *p))
				p++;
	} while (depth > 0 && *p);
	return p;
}

#define CFG_DEPTH 16                    /* the schema is 4 deep; errors are never deeper */

/* The index path from AT down to WANT, as child positions; -1 if absent. */
static int js_path(const cJSON *at, const cJSON *want, int *idx, int depth)
{
	int i = 0;

	if (at == want)
		return depth;
	if (depth == CFG_DEPTH)
		return -1;
	for (const cJSON *c = at->child; c; c = c->next, i++) {
		int d;

		idx[depth] = i;
		if ((d = js_path(c, want, idx, depth + 1)) >= 0)
			return d;
	}
	return -1;
}

/* Byte offset in the text of NODE's value, or of its key when AT_KEY. */
/* Past the separator SEP (and the whitespace around it), if it is there. */
static const char *js_past(const char *p, char sep)
{
	p = js_ws(p);
	return *p == sep ? js_ws(p + 1) : p;
}

static size_t cfg_where(const struct ctx *x, const cJSON *node, int at_key)
{
	int idx[CFG_DEPTH], depth = js_path(x->root, node, idx, 0);
	const char *p = x->text, *key;

	if (!strncmp(p, "\xEF\xBB\xBF", 3))     /* cJSON skips a UTF-8 BOM too */
		p += 3;
	key = p = js_ws(p);
	for (int d = 0; d < depth && *p; d++) {
		int obj = *p == '{';

		p = js_ws(p + 1);
		for (int i = 0; i <= idx[d] && *p; i++) {
			key = p;
			if (obj)
				p = js_past(js_str_end(p), ':');        /* past "key" : */
			if (i < idx[d])
				p = js_past(js_skip(p), ',');           /* past value , */
		}
	}
	return (size_t)((at_key && depth > 0 ? key : p) - x->text);
}

static void line_col(const char *text, size_t off, int *line, int *col)
{
	*line = 1, *col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n')
			++*line, *col = 1;
		else
			++*col;
	}
}

__attribute__((format(printf, 5, 6)))
static int cfg_err(const struct ctx *x, const cJSON *node, int at_key, const char *field,
		   const char *fmt, ...)
{
	char msg[320];
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vstrfmt(msg, sizeof msg, fmt, ap);
	va_end(ap);
	line_col(x->text, cfg_where(x, node, at_key), &line, &col);
	return failx("%s:%d:%d: %s: %s", x->file, line, col, field, msg);
}

static const char *js_type(const cJSON *v)
{
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsNumber(v)) return "a number";
	if (cJSON_IsBool(v)) return "a boolean";
	if (cJSON_IsNull(v)) return "null";
	if (cJSON_IsArray(v)) return "an array";
	return "an object";
}

/* Edit distance, for "did you mean"; keys longer than 31 bytes never match. */
__attribute__((noinline))        /* (out of line: its one caller, cfg_obj, shrinks more than it grows) */
static int edit_distance(const char *a, const char *b)
{
	int row[33], n = (int)strlen(b);

	if (strlen(a) > 31 || n > 31)
		return 99;
	for (int j = 0; j <= n; j++)
		row[j] = j;
	for (int i = 1; a[i - 1]; i++) {
		int diag = row[0];

		row[0] = i;
		for (int j = 1; j <= n; j++) {
			int up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best) best = up + 1;
			if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[n];
}

static int cfg_want(const struct ctx *x, const cJSON *v, const char *field, int type,
		    const char *what)
{
	if ((v->type & 0xff) == type || (type == cJSON_True && cJSON_IsBool(v)))
		return 0;
	return cfg_err(x, v, 0, field, "expected %s, got %s", what, js_type(v));
}

static int cfg_string(const struct ctx *x, const cJSON *v, const char *field, const char **out)
{
	if (cfg_want(x, v, field, cJSON_String, "a string") < 0)
		return -1;
	if (!*v->valuestring)
		return cfg_err(x, v, 0, field, "expected a non-empty string");
	if (strlen(v->valuestring) >= NSRUN_PATH_MAX)
		return cfg_err(x, v, 0, field, "longer than %d bytes", NSRUN_PATH_MAX - 1);
	*out = v->valuestring;
	return 0;
}

/* A value as an error message shows it: a string quoted, a number as it
 * stands in the text (no float formatting in nsrun), else its type. */
static const char *js_show(const struct ctx *x, const cJSON *v, char *buf, size_t len)
{
	if (cJSON_IsString(v)) {
		strfmt(buf, len, "\"%.40s%s\"", v->valuestring, strlen(v->valuestring) > 40 ? "..." : "");
	} else if (cJSON_IsNumber(v)) {
		const char *p = x->text + cfg_where(x, v, 0);

		strfmt(buf, len, "%.*s", (int)strspn(p, "-+.0123456789eE"), p);
	} else if (cJSON_IsBool(v))
		strfmt(buf, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else
		strfmt(buf, len, "%s", js_type(v));
	return buf;
}

/* One error line: "expected WHAT, got V", V as js_show() shows it. */
static int cfg_expected(const struct ctx *x, const cJSON *v, const char *field, const char *what)
{
	char shown[64];

	return cfg_err(x, v, 0, field, "expected %s, got %s", what, js_show(x, v, shown, sizeof shown));
}

/* V as one of the quoted words of LIST ("\"a\", \"b\" or \"c\"", and
 * whatever else the message says beside them): *OUT its index; else one
 * error line, "expected LIST, got V". */
static int cfg_word(const struct ctx *x, const cJSON *v, const char *name, const char *list, int *out)
{
	int i = 0;

	for (const char *p = list; cJSON_IsString(v) && (p = strchr(p, '"')); i++) {
		size_t w = strcspn(++p, "\"");

		if (!strncmp(p, v->valuestring, w) && !v->valuestring[w])
			return *out = i, 0;
		p += w + 1;
	}
	return cfg_expected(x, v, name, list);
}

/* cJSON finds where a number ends with strtod() and keeps its value as a
 * double, which nsrun never reads: js_integer() reads every number from its
 * text (valuedouble and valueint are 0 here: never use them).  This scan
 * ends where strtod would on what cJSON hands it (digits, sign, '.',
 * exponent: never "inf", "nan" or hex), with no floating point at all, so
 * that musl's decimal-to-floating-point code (5 KiB on x86_64, more with
 * mips's soft float) stays out of nsrun.  The unit and fuzz builds keep
 * libc's strtod, and test this one against it. */
__attribute__((unused))         /* where libc's strtod stays, the unit tests call it */
static double json_strtod(const char *s, char **end)
{
	const char *p = s + (*s == '-' || *s == '+'), *q;
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits) {
		*end = (char *)s;
		return 0;
	}
	if (*p == 'e' || *p == 'E') {
		q = p + 1 + (p[1] == '-' || p[1] == '+');
		if (*q >= '0' && *q <= '9')
			for (p = q; *p >= '0' && *p <= '9'; p++)
				;
	}
	*end = (char *)p;
	return 0;
}

#ifndef NSRUN_LIBC_MALLOC
double strtod(const char *restrict s, char **restrict end)
{
	return json_strtod(s, end);
}

/* cJSON's printer (cJSON_Print*, cJSON_Version: nsrun writes its JSON
 * itself and calls none of them) formats numbers with sprintf and reads
 * them back with sscanf.  --gc-sections drops that code, but only after
 * libc's stdio members were pulled in for those names, and they leave
 * their exit-time flush behind in exit() (__stdio_exit, its file locks:
 * 0.4 KB).  These stand in for them and fail: a printer called some day
 * returns NULL (its "sprintf failed"), never a wrong number. */
int sprintf(char *restrict s, const char *restrict fmt, ...)
{
	(void)s, (void)fmt;
	errno = ENOSYS;
	return -1;
}

int sscanf(const char *restrict s, const char *restrict fmt, ...)
{
	(void)s, (void)fmt;
	errno = ENOSYS;
	return EOF;
}
#endif

/* The integer a JSON number stands for, read from its text: nsrun.c does
 * no floating point (routers such as MT7621 and ath79 have no FPU, and
 * their toolchains are soft-float), so cJSON's double is never used.
 * -1 for a fraction, an exponent, or more than 64 bits. */
static int js_integer(const struct ctx *x, const cJSON *v, int *neg, uint64_t *mag)
{
	const char *p = x->text + cfg_where(x, v, 0);

	*mag = 0;
	if (!cJSON_IsNumber(v))
		return -1;
	if ((*neg = *p == '-'))
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*mag > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		*mag = *mag * 10 + (uint64_t)(*p - '0');
	}
	return *p == '.' || *p == 'e' || *p == 'E' ? -1 : 0;
}

/* A non-negative JSON integer, as its decimal text in BUF; NULL otherwise. */
static const char *js_uint_text(const struct ctx *x, const cJSON *v, char *buf, size_t len)
{
	uint64_t mag;
	int neg;

	if (js_integer(x, v, &neg, &mag) < 0 || (neg && mag))
		return NULL;
	strfmt(buf, len, "%llu", (unsigned long long)mag);
	return buf;
}

/* A size above 0: a string like "8M" or an integer number of bytes.  ALT
 * names what else the field takes (" or false"). */
static int cfg_size(const struct ctx *x, const cJSON *v, const char *field, const char *alt,
		    uint64_t *out)
{
	char shown[64];

	int neg;

	*out = 0;
	if (cJSON_IsNumber(v) && (js_integer(x, v, &neg, out) < 0 || neg))
		*out = 0;
	else if (cJSON_IsString(v) && parse_size(v->valuestring, out) < 0)
		*out = 0;
	if (*out)
		return 0;
	return cfg_err(x, v, 0, field, "expected a size like \"8M\" (K, M, G: powers of 1024)%s, got %s",
		       alt, js_show(x, v, shown, sizeof shown));
}

/* An integer in [lo, hi]. */
static int cfg_int(const struct ctx *x, const cJSON *v, const char *field, long long lo, long long hi,
		   int64_t *out)
{
	uint64_t mag;
	int neg;

	if (cfg_want(x, v, field, cJSON_Number, "an integer") < 0)
		return -1;
	if (js_integer(x, v, &neg, &mag) < 0 || mag > (uint64_t)INT64_MAX ||
	    (neg ? -(int64_t)mag : (int64_t)mag) < lo || (neg ? -(int64_t)mag : (int64_t)mag) > hi)
		return cfg_err(x, v, 0, field, "expected an integer from %lld to %lld", lo, hi);
	*out = neg ? -(int64_t)mag : (int64_t)mag;
	return 0;
}

/* An absolute path with no ".." component (mount targets, cwd). */
static int cfg_abspath(const struct ctx *x, const cJSON *v, const char *field, const char **out)
{
	const char *p;

	if (cfg_string(x, v, field, out) < 0)
		return -1;
	p = *out;
	if (*p != '/')
		return cfg_err(x, v, 0, field, "expected an absolute path, got \"%s\"", p);
	for (; *p; p += strcspn(p, "/")) {
		p += strspn(p, "/");
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return cfg_err(x, v, 0, field, "a \"..\" component is not allowed: \"%s\"", *out);
	}
	return 0;
}

/* Is absolute path P NSRUN_RUNDIR or below it ("//" and "." aside)?  The
 * work tmpfs covers that directory where the root is built (section
 * image), so a bind from it would see the tmpfs, not the host's files. */
static int in_rundir(const char *p)
{
	const char *d = NSRUN_RUNDIR;

	for (;;) {
		size_t n, m;

		p += strspn(p, "/");
		while (p[0] == '.' && (p[1] == '/' || !p[1]))
			p += 1 + strspn(p + 1, "/");
		d += strspn(d, "/");
		if (!*d)
			return 1;
		n = strcspn(p, "/"), m = strcspn(d, "/");
		if (n != m || strncmp(p, d, n))
			return 0;
		p += n, d += m;
	}
}

static int cfg_outside_rundir(const struct ctx *x, const cJSON *v, const char *field, const char *p)
{
	if (*p == '/' && in_rundir(p))
		return cfg_err(x, v, 0, field, "expected a path outside %s (nsrun's own directory), got \"%s\"",
			       NSRUN_RUNDIR, p);
	return 0;
}

/* ---- the schema ---------------------------------------------------------
 * One row per config key, in the order they are checked.  PATH is the key's
 * place: "root.overlay"; a key of each element of a list "mounts[].target".
 * cfg_obj() walks an object by its rows: it refuses a key without a row
 * (with a "did you mean"), a key given twice and a key of a compiled-out
 * feature, says which required key is missing, and hands each value to
 * its row's parser with the field it fills (OFF: in struct cfg, or in the
 * list element for "mounts[]."); a list's parser stops at its row's MAX.
 * The same rows make the README's config tables, the fuzz dictionary and
 * its seeds (tests/schema.c prints them; the suite checks the README), so
 * none of them can drift from the parser.  The README columns and seed
 * values exist only in NSRUN_DOCS builds: nsrun carries none of that text.
 * The walker reads the table it is given (ctx.rows): an OCI config.json
 * will be a second table of rows filling the same struct cfg, each value
 * keeping its place in the text for FILE:LINE:COL errors; a row there
 * accepts a field, or refuses it with a line (a compiled-out feature is
 * refused the same way today), and an ignored field is a row whose
 * parser takes nothing.
 * ====================================================================== */
typedef int (*cfg_fn)(const struct ctx *x, const cJSON *v, const char *name, const struct field *f,
		      void *out);

/* A list row's UNIT ("more than MAX UNIT"): an index of unit_names. */
#define FIELD_UNITS(X) X(entries) X(ranges) X(paths) X(addresses) X(sysctls) X(syscalls) X(namespaces) \
	X(mounts) X(capabilities) X(ports) X(limits) X(hosts) X(hooks) X(rules)
/* A required row's MISSING ("missing (...)"): an index of missing_names. */
#define FIELD_MISSING(X) X(name, "1-12 characters of [a-z0-9_-]") \
	X(image_or_path, "an object with \"image\" or \"path\"") \
	X(root_hash, "the \"Root hash:\" of veritysetup format") X(args, "an object with \"args\"") \
	X(program, "the program and its arguments") X(with_userns, "required with the \"user\" namespace") \
	X(inside_path, "an absolute path inside the container") X(host_path, "a path on the host") \
	X(bridge, "the bridge the container's veth joins") X(host_port, "the host port, 1-65535") \
	X(ctr_port, "the container's port, 1-65535") X(version, "\"1.x.y\"") X(path_obj, "an object with \"path\"") \
	X(root_dir, "the root directory") X(args_cwd, "an object with \"args\" and \"cwd\"") \
	X(abspath, "an absolute path")
#define FIELD_MISSING_ENUM(n, text) MS_##n,
#define FIELD_MISSING_TEXT(n, text) text "\0"
enum { MS_none, FIELD_MISSING(FIELD_MISSING_ENUM) };
static const char missing_names[] = FIELD_MISSING(FIELD_MISSING_TEXT);
#define FIELD_UNIT_ENUM(n) UN_##n,
#define FIELD_UNIT_NAME(n) #n "\0"
enum { UN_none, FIELD_UNITS(FIELD_UNIT_ENUM) };
static const char unit_names[] = FIELD_UNITS(FIELD_UNIT_NAME);

/* A row's parser: an index (PF_p_NAME) of field_parsers, every one a cfg_fn;
 * a compiled-out feature's are NULL there (its rows are refused, never
 * parsed), so --gc-sections drops them. */
#define FIELD_PARSERS(X) X(p_string, 1) X(p_abspath, 1) X(p_bool, 1) X(p_name, 1) X(p_hostname, 1) \
	X(p_namespaces, 1) X(p_object, 1) X(p_root, 1) X(p_rootpath, 1) X(p_overlay, 1) \
	X(p_verity, WITH_VERITY) X(p_vhash, WITH_VERITY) X(p_valg, WITH_VERITY) X(p_voffset, WITH_VERITY) \
	X(p_strlist, 1) X(p_user, 1) X(p_umask, 1) X(p_oom, 1) X(p_wait, 1) X(p_stop_timeout, 1) \
	X(p_rlimits, 1) X(p_caps, 1) X(p_paths, 1) X(p_sysctl, 1) X(p_idmap, 1) X(p_offset, 1) X(p_mode, 1) \
	X(p_size, 1) X(p_mtype, 1) X(p_below_root, 1) X(p_source, 1) X(p_mounts, 1) X(p_cg, 1) \
	X(p_cgroup, 1) X(p_ifname, 1) X(p_addrs, 1) X(p_gateway, 1) X(p_mtu, 1) X(p_mac, 1) X(p_hosts, 1) \
	X(p_port, 1) X(p_proto, 1) X(p_ports, 1) X(p_net, 1) X(p_seccomp, 1) X(p_sc_list, 1) \
	X(p_sc_errno, 1) X(p_ociver, WITH_OCI) X(p_oid, WITH_OCI) X(p_ohooks, WITH_OCI) \
	X(p_oannot, WITH_OCI) X(p_ocg, WITH_OCI) X(p_ocpu, WITH_OCI) X(p_osub, WITH_OCI) X(p_orefuse, WITH_OCI) \
	X(p_olist, WITH_OCI) X(p_osc, WITH_OCI && WITH_SECCOMP) X(p_oprop, WITH_OCI)
#define FIELD_PARSER_ENUM(fn, on) PF_##fn,
#define FIELD_PARSER_DECL(fn, on) \
	static int fn(const struct ctx *, const cJSON *, const char *, const struct field *, void *);
#define FIELD_PARSER_ROW(fn, on) [PF_##fn] = (on) ? fn : NULL,
enum { FIELD_PARSERS(FIELD_PARSER_ENUM) PF__N };
FIELD_PARSERS(FIELD_PARSER_DECL)
static const cfg_fn field_parsers[PF__N];

struct field {
	unsigned short path;             /* its offset in field_paths: fpath() */
	unsigned short off, off_n;      /* the field; a list's count (int) */
	unsigned short max;             /* a list: at most this many UNIT */
	unsigned char feature;          /* enum feature: refused when compiled out */
	unsigned char only;             /* mounts[]: a key of type ONLY - 1 alone */
	unsigned char needs;            /* enum ns_bit: an error without that namespace */
	unsigned char req_ns;           /* with MISSING: required only with this namespace, new */
	unsigned char arg;              /* the parser's: a cg_keys index; or a flag */
	unsigned char unit;             /* a list's: UN_X */
	unsigned char parse;            /* PF_p_NAME */
	unsigned char missing;          /* required: MS_X, what it is, for "missing (...)" */
#if NSRUN_DOCS
	const char *type, *def, *what;  /* README: type, default (or file), what the kernel sees */
	const char *example, *with;     /* a valid value; the members it needs beside it */
#endif
};

/* The rows' paths, in one string: a row holds its path's offset (FP), so
 * a row is 16 bytes, not 24 with a pointer; the cgroup rows' paths from
 * NSRUN_CG_KEYS.  fpath(F) is row F's. */
#define FIELD_PATHS(X) \
	X(name, "name") X(namespaces, "namespaces") X(hostname, "hostname") X(root, "root") \
	X(root_image, "root.image") X(root_path, "root.path") X(root_overlay, "root.overlay") \
	X(root_verity, "root.verity") X(root_verity_root_hash, "root.verity.root_hash") \
	X(root_verity_algorithm, "root.verity.algorithm") \
	X(root_verity_hash_offset, "root.verity.hash_offset") \
	X(root_verity_hash_image, "root.verity.hash_image") X(root_verity_signature, "root.verity.signature") \
	X(process, "process") X(process_args, "process.args") X(process_env, "process.env") \
	X(process_cwd, "process.cwd") X(process_user, "process.user") \
	X(process_no_new_privileges, "process.no_new_privileges") X(process_umask, "process.umask") \
	X(process_oom_score_adj, "process.oom_score_adj") X(process_rlimits, "process.rlimits") \
	X(process_wait, "process.wait") X(process_capabilities, "process.capabilities") X(seccomp, "seccomp") \
	X(seccomp_deny, "seccomp.deny") X(seccomp_allow, "seccomp.allow") X(seccomp_errno, "seccomp.errno") \
	X(stop_timeout, "stop_timeout") X(uid_map, "uid_map") X(gid_map, "gid_map") \
	X(time_offsets, "time_offsets") X(time_offsets_monotonic, "time_offsets.monotonic") \
	X(time_offsets_boottime, "time_offsets.boottime") X(mounts, "mounts") \
	X(mounts___type, "mounts[].type") X(mounts___target, "mounts[].target") \
	X(mounts___source, "mounts[].source") X(mounts___readonly, "mounts[].readonly") \
	X(mounts___size, "mounts[].size") X(mounts___mode, "mounts[].mode") X(sysctl, "sysctl") \
	X(masked_paths, "masked_paths") X(readonly_paths, "readonly_paths") X(cgroup, "cgroup") \
	X(cgroup_parent, "cgroup.parent") X(net, "net") X(net_bridge, "net.bridge") \
	X(net_bridge_address, "net.bridge_address") X(net_host_if, "net.host_if") \
	X(net_container_if, "net.container_if") X(net_address, "net.address") X(net_gateway, "net.gateway") \
	X(net_gateway6, "net.gateway6") X(net_mtu, "net.mtu") X(net_mac, "net.mac") X(net_dns, "net.dns") \
	X(net_hosts, "net.hosts") X(net_masquerade, "net.masquerade") X(net_ports, "net.ports") \
	X(net_ports___host, "net.ports[].host") X(net_ports___container, "net.ports[].container") \
	X(net_ports___proto, "net.ports[].proto") X(net_ports___host_address, "net.ports[].host_address") \
	X(net_ip_forward, "net.ip_forward") X(uidMappings, "uidMappings") X(gidMappings, "gidMappings") \
	X(maskedPaths, "maskedPaths") X(readonlyPaths, "readonlyPaths") X(devices, "devices") \
	X(rootfsPropagation, "rootfsPropagation") X(cgroupsPath, "cgroupsPath") X(resources, "resources") \
	X(timeOffsets, "timeOffsets") X(memory, "memory") X(memory_limit, "memory.limit") X(pids, "pids") \
	X(pids_limit, "pids.limit") X(cpu, "cpu") X(cpu_shares, "cpu.shares") X(cpu_quota, "cpu.quota") \
	X(cpu_cpus, "cpu.cpus") X(cpu_mems, "cpu.mems") X(memory_swap, "memory.swap") \
	X(cpu_realtimeRuntime, "cpu.realtimeRuntime") X(hugepageLimits, "hugepageLimits") \
	X(unified, "unified") X(destination, "destination") X(type, "type") X(source, "source") \
	X(options, "options") X(path, "path") X(args, "args") X(env, "env") X(terminal, "terminal") X(timeout, "timeout") \
	X(cwd, "cwd") X(user, "user") X(user_uid, "user.uid") X(user_gid, "user.gid") \
	X(user_additionalGids, "user.additionalGids") X(user_umask, "user.umask") \
	X(capabilities, "capabilities") X(capabilities_bounding, "capabilities.bounding") \
	X(capabilities_inheritable, "capabilities.inheritable") \
	X(capabilities_ambient, "capabilities.ambient") X(noNewPrivileges, "noNewPrivileges") \
	X(major, "major") X(minor, "minor") X(fileMode, "fileMode") X(uid, "uid") X(gid, "gid") X(oomScoreAdj, "oomScoreAdj") X(rlimits, "rlimits") X(ociVersion, "ociVersion") X(linux, "linux") \
	X(root_readonly, "root.readonly") X(hooks, "hooks") X(annotations, "annotations")
#define X(id, s) char f_##id[sizeof s];
#define X_CG(k, f, ctl, kind) char f_cgroup_##k[sizeof "cgroup." #k];
struct field_paths { FIELD_PATHS(X) NSRUN_CG_KEYS(X_CG) };
#undef X
#undef X_CG
#define X(id, s) s,
#define X_CG(k, f, ctl, kind) "cgroup." #k,
static const struct field_paths field_paths = { FIELD_PATHS(X) NSRUN_CG_KEYS(X_CG) };
#undef X
#undef X_CG
#define FP(id) offsetof(struct field_paths, f_##id)
#define fpath(f) ((const char *)&field_paths + (f)->path)

/* The Kth (from 1) string of the packed NAMES. */
static const char *packed_name(const char *names, int k)
{
	while (--k > 0)
		names += strlen(names) + 1;
	return names;
}

/* S's index among NAMES (packed, an empty one after the last); their
 * number when S is not one of them. */
static int packed_find(const char *names, const char *s)
{
	int k = 0;

	for (; *names && strcmp(names, s); names += strlen(names) + 1)
		k++;
	return k;
}

/* F's unit, as its "more than" error says it; what a missing F is. */
static const char *field_unit(const struct field *f)
{
	return packed_name(unit_names, f->unit);
}

static const char *field_missing(const struct field *f)
{
	return packed_name(missing_names, f->missing);
}

#if NSRUN_DOCS
#define DOC(t, d, w, ex, wi) .type = t, .def = d, .what = w, .example = ex, .with = wi
#else
#define DOC(t, d, w, ex, wi)
#endif
#define OFF(member) offsetof(struct cfg, member)
#define MOFF(member) offsetof(struct mount_cfg, member)
#define POFF(member) offsetof(struct net_port, member)

static const char *const feature_names[] = {
	NULL,
#define X(name, FLAG, what) #name,
	NSRUN_FEATURES(X)
#undef X
};
static const unsigned char feature_on[] = {
	1,
#define X(name, FLAG, what) WITH_##FLAG,
	NSRUN_FEATURES(X)
#undef X
};

static const char *const ns_names[] = { "pid", "mount", "uts", "ipc", "net", "cgroup", "user", "time" };

static const char *ns_name(unsigned bit)
{
	return ns_names[__builtin_ctz(bit)];
}

__attribute__((noinline))
static const char *row_leaf(const struct field *f)
{
	const char *dot = strrchr(fpath(f), '.');

	return dot ? dot + 1 : fpath(f);
}

/* Is row F a key of the object at PARENT ("" the top, "mounts[]" an
 * element), for an element of type VARIANT? */
static int row_in(const struct field *f, const char *parent, int variant)
{
	const char *leaf = row_leaf(f);
	size_t n = strlen(parent);

	if (leaf == fpath(f))
		return n == 0;
	return (size_t)(leaf - 1 - fpath(f)) == n && !strncmp(fpath(f), parent, n) &&
	       (!f->only || f->only == variant);
}

/* A key, or a namespace's name, that needs FEATURE, left out of this build. */
static int cfg_compiled_out(const struct ctx *x, const cJSON *v, int at_key, const char *field, int feature)
{
	return cfg_err(x, v, at_key, field, "feature '%s' was compiled out of this nsrun (see nsrun --version)",
		       feature_names[feature]);
}

/* Where a list row keeps its count: OFF_N of the struct whose OFF is OUT. */
static int *list_count(void *out, const struct field *f)
{
	return (int *)((char *)out - f->off + f->off_n);
}

/* "SHOWN.KEY", or KEY at the top. */
static const char *field_name(char *buf, size_t len, const char *shown, const char *key)
{
	strfmt(buf, len, "%s%s%s", shown, *shown ? "." : "", key);
	return buf;
}

/* The rows of one object, picked from the table once per object. */
#define CFG_OBJ_ROWS 24                 /* the most keys an object has (the top: 13) */
struct obj_rows {
	const struct field *f[CFG_OBJ_ROWS];
	const char *leaf[CFG_OBJ_ROWS];
	int n;
};

/* Has a member of OBJ before C the same key?  (cJSON keeps duplicates.) */
static int key_seen(const cJSON *obj, const cJSON *c)
{
	for (const cJSON *d = obj->child; d != c; d = d->next)
		if (!strcmp(d->string, c->string))
			return 1;
	return 0;
}

/* Every key of OBJ must have a row in O, be present once, and be in this
 * build.  A key that is fine costs a strcmp per row of its object: the edit
 * distances are worked out only for a message. */
static int cfg_keys(const struct ctx *x, const cJSON *obj, const char *shown, const struct obj_rows *o)
{
	char field[128];

	for (const cJSON *c = obj->child; c; c = c->next) {
		const struct field *k = NULL;
		int best = 3, near = -1, dup = key_seen(obj, c);

		for (int i = 0; i < o->n && !k; i++)
			if (!strcmp(c->string, o->leaf[i]))
				k = o->f[i];
		if (!dup && ((k && feature_on[k->feature]) || (!k && x->lax)))
			continue;
		field_name(field, sizeof field, shown, c->string);
		if (dup)
			return cfg_err(x, c, 1, field, "duplicate key");
		if (k)
			return cfg_compiled_out(x, c, 1, field, k->feature);
		for (int i = 0; i < o->n; i++) {
			int dist = edit_distance(c->string, o->leaf[i]);

			if (dist < best && dist < (int)strlen(o->leaf[i]))
				best = dist, near = i;
		}
		if (near >= 0)
			return cfg_err(x, c, 1, field, "unknown key; did you mean \"%s\"?", o->leaf[near]);
		return cfg_err(x, c, 1, field, "unknown key");
	}
	return 0;
}

/* The object OBJ, shown as SHOWN, by the rows of PARENT; BASE is what their
 * offsets are in. */
static int cfg_obj(const struct ctx *x, const cJSON *obj, const char *parent, const char *shown,
		   void *base, int variant)
{
	struct obj_rows o;
	char name[128];

	o.n = 0;
	for (size_t i = 0; i < x->nrows; i++) {
		if (!row_in(&x->rows[i], parent, variant))
			continue;
		if (o.n == CFG_OBJ_ROWS)
			return failx("internal error: more than %d rows for \"%s\"", CFG_OBJ_ROWS, parent);
		o.f[o.n] = &x->rows[i];
		o.leaf[o.n++] = row_leaf(&x->rows[i]);
	}
	if (cfg_want(x, obj, *shown ? shown : "(top level)", cJSON_Object, "an object") < 0 ||
	    cfg_keys(x, obj, shown, &o) < 0)
		return -1;
	for (int i = 0; i < o.n; i++) {
		const struct field *f = o.f[i];
		const cJSON *v;

		if (!feature_on[f->feature])
			continue;               /* (present, cfg_keys refused it) */
		field_name(name, sizeof name, shown, o.leaf[i]);
		if (!(v = cJSON_GetObjectItemCaseSensitive(obj, o.leaf[i]))) {
			/* (a namespace joined by path brings its own: a user
			 * namespace its mappings) */
			if (f->missing && (!f->req_ns || ((x->c->ns & f->req_ns) &&
							  !(WITH_OCI && x->c->oci.ns_path[__builtin_ctz(f->req_ns)]))))
				return cfg_err(x, obj, 0, name, "missing (%s)", field_missing(f));
			continue;
		}
		if (f->needs && !(x->c->ns & f->needs))
			return cfg_err(x, v, 1, name, "needs the \"%s\" namespace", ns_name(f->needs));
		if (field_parsers[f->parse](x, v, name, f, (char *)base + f->off) < 0)
			return -1;
	}
	return 0;
}

typedef int (*cfg_elem_fn)(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
			   void *out, int i);

/* The list V, at most F->max elements: FN for each, then its count (at
 * OFF_N of the same base as OUT).  An empty list is allowed here. */
static int cfg_each(const struct ctx *x, const cJSON *v, const char *name, const struct field *f,
		    void *out, cfg_elem_fn fn)
{
	char el[128];
	int i = 0;

	if (cfg_want(x, v, name, cJSON_Array, "an array") < 0)
		return -1;
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		strfmt(el, sizeof el, "%s[%d]", name, i);
		if (i == f->max)
			return cfg_err(x, e, 0, el, "more than %d %s", f->max, field_unit(f));
		if (fn(x, e, el, f, out, i) < 0)
			return -1;
	}
	if (f->off_n)
		*list_count(out, f) = i;
	return i;
}

/* ---- the parsers: (config, value, its name, its row, the field) -------- */
static int p_string(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_string(x, v, name, out);
}

static int p_abspath(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_abspath(x, v, name, out);
}

/* ARG 1: the field is its negation (OCI's root.readonly, nsrun's root.rw). */
static int p_bool(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	if (cfg_want(x, v, name, cJSON_True, "true or false") < 0)
		return -1;
	*(int *)out = cJSON_IsTrue(v) ^ f->arg;
	return 0;
}

static int p_name(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	if (cfg_want(x, v, name, cJSON_String, "a string") < 0)
		return -1;
	if (!valid_name(v->valuestring))
		return cfg_err(x, v, 0, name, "expected 1-12 characters of [a-z0-9_-] starting with a letter or "
			       "digit, got \"%s\"", v->valuestring);
	*(const char **)out = v->valuestring;
	return 0;
}

static int p_hostname(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	if (cfg_string(x, v, name, out) < 0)
		return -1;
	if (strlen(v->valuestring) > 64)
		return cfg_err(x, v, 0, name, "longer than 64 bytes");
	return 0;
}

static int p_namespace(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		       void *out, int i)
{
	unsigned *ns = out, bit = 0;

	(void)f, (void)i;
	if (cfg_want(x, e, name, cJSON_String, "a namespace name") < 0)
		return -1;
	unsigned j = 0;

	while (j < 8 && strcmp(e->valuestring, ns_names[j]))
		j++;
	if (j == 8)
		return cfg_err(x, e, 0, name, "unknown namespace \"%s\" (expected pid mount uts ipc net cgroup user time)",
			       e->valuestring);
	if (*ns & (bit = 1u << j))
		return cfg_err(x, e, 0, name, "\"%s\" is listed twice", e->valuestring);
	if (!(bit & (NS_PID | NS_MOUNT | NS_UTS | NS_IPC | NS_NET | NS_CGROUP | NS_USER | NS_TIME)))
		return cfg_compiled_out(x, e, 0, name, bit == 1u << 6 ? FEAT_userns : FEAT_timens);
	*ns |= bit;
	return 0;
}

static int p_namespaces(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	if (cfg_want(x, v, name, cJSON_Array, "an array of namespace names") < 0)
		return -1;
	*(unsigned *)out = 0;
	if (cfg_each(x, v, name, f, out, p_namespace) < 0)
		return -1;
	if (!(*(unsigned *)out & NS_MOUNT))
		return cfg_err(x, v, 0, name, "\"mount\" is required");
	return 0;
}

/* An object whose keys are rows of their own (their offsets in struct cfg). */
static int p_object(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)out;
	return cfg_obj(x, v, fpath(f), name, x->c, 0);
}

static int p_root(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const struct root_cfg *r = out;

	if (p_object(x, v, name, f, out) < 0)
		return -1;
	if (r->image && r->path)
		return cfg_err(x, cJSON_GetObjectItemCaseSensitive(v, "path"), 1, "root.path",
			       "give exactly one of \"image\" and \"path\"");
	if (!r->image && !r->path)
		return cfg_err(x, v, 0, name, "missing \"image\" (a squashfs file) or \"path\" (a directory)");
	if (r->verity.on && r->path)
		return cfg_err(x, r->verity.node, 1, "root.verity",
			       "only with \"image\": a directory root cannot be verified");
	return 0;
}

/* root.verity: an object of its own rows, then what binds them: exactly one
 * place for the tree, a root hash of the algorithm's length. */
static int p_verity(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct verity_cfg *vc = out;
	const cJSON *h;

	vc->node = v;
	if (p_object(x, v, name, f, out) < 0)
		return -1;
	vc->on = 1;
	if (!vc->alg)
		vc->alg = "sha256";
	if (!!vc->hash_offset == !!vc->hash_image)
		return cfg_err(x, vc->hash_offset ? cJSON_GetObjectItemCaseSensitive(v, "hash_image") : v,
			       !!vc->hash_offset, vc->hash_offset ? "root.verity.hash_image" : name,
			       "give exactly one of \"hash_offset\" (the tree appended to the image) and "
			       "\"hash_image\" (the tree in its own file)");
	h = cJSON_GetObjectItemCaseSensitive(v, "root_hash");
	if (strlen(vc->root_hash) != (vc->alg[3] == '5' ? 128u : 64u))
		return cfg_err(x, h, 0, "root.verity.root_hash", "expected %s hex digits (%s), got %zu",
			       vc->alg[3] == '5' ? "128" : "64", vc->alg, strlen(vc->root_hash));
	return 0;
}

static int p_vhash(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const char *s;

	(void)f;
	if (cfg_string(x, v, name, &s) < 0)
		return -1;
	if (strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return cfg_err(x, v, 0, name, "expected hex digits (the \"Root hash:\" of veritysetup format), "
			       "got \"%.40s%s\"", s, strlen(s) > 40 ? "..." : "");
	*(const char **)out = s;
	return 0;
}

static int p_valg(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	int i;

	(void)f;
	if (cfg_word(x, v, name, "\"sha256\" or \"sha512\"", &i) < 0)
		return -1;
	*(const char **)out = v->valuestring;
	return 0;
}

static int p_voffset(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	uint64_t mag;
	int neg;

	(void)f;
	if (cfg_want(x, v, name, cJSON_Number, "an integer") < 0)
		return -1;
	if (js_integer(x, v, &neg, &mag) < 0 || neg || mag < 4096 || mag % 4096 || mag > (1ULL << 62))
		return cfg_err(x, v, 0, name, "expected a multiple of 4096, at least 4096 (the image's size "
			       "before veritysetup format)");
	*(uint64_t *)out = mag;
	return 0;
}

static int p_rootpath(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_string(x, v, name, out) < 0 ? -1 : cfg_outside_rundir(x, v, name, *(const char **)out);
}

/* The overlay's tmpfs holds at least a page: the kernel rounds smaller
 * sizes up to one, which no upper layer fits in. */
static int p_overlay(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	if (cJSON_IsFalse(v))
		return 0;
	if (cfg_size(x, v, name, " or false", out) < 0)
		return -1;
	if (*(uint64_t *)out < 4096)
		return cfg_expected(x, v, name, "at least 4096 bytes (\"4K\", one page)");
	return 0;
}

static int p_str_elem(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		      void *out, int i)
{
	if (cfg_want(x, e, name, cJSON_String, "a string") < 0)
		return -1;
	if (f->arg == 1 && (e->valuestring[0] == '=' || !strchr(e->valuestring, '=')))
		return cfg_err(x, e, 0, name, "expected \"NAME=value\", got \"%s\"", e->valuestring);
	((const char **)out)[i] = e->valuestring;
	((const char **)out)[i + 1] = NULL;
	return 0;
}

/* process.args (ARG 0) and process.env (ARG 1: "NAME=value"). */
static int p_strlist(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const char **list = out;
	int n;

	if (cfg_want(x, v, name, cJSON_Array, "an array of strings") < 0)
		return -1;
	list[0] = NULL;
	if ((n = cfg_each(x, v, name, f, out, p_str_elem)) < 0)
		return -1;
	if (!f->arg && (n == 0 || !*list[0]))
		return cfg_err(x, v, 0, name, "expected a non-empty array whose first entry names the program");
	return 0;
}

static int p_user(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct proc_cfg *p = (struct proc_cfg *)((char *)out - offsetof(struct proc_cfg, uid));
	unsigned long long u, g;
	const char *s;
	char *e;

	(void)f;
	if (cfg_string(x, v, name, &s) < 0)
		return -1;
	errno = 0;
	u = scan_num(s, &e, 10);
	if (*s >= '0' && *s <= '9' && *e == ':' && e[1] >= '0' && e[1] <= '9') {
		g = scan_num(e + 1, &e, 10);
		if (!*e && !errno && u < 0xffffffffUL && g < 0xffffffffUL) {
			p->uid = (uid_t)u, p->gid = (gid_t)g;
			return 0;
		}
	}
	return cfg_err(x, v, 0, name, "expected \"UID:GID\" (numbers), got \"%s\"", s);
}

/* "0022": an octal string from "0000" to "0777". */
static int p_umask(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const char *s = cJSON_IsString(v) ? v->valuestring : "";

	(void)f;
	if (strlen(s) != 4 || s[0] != '0' || strspn(s, "01234567") != 4)
		return cfg_expected(x, v, name, "an octal string from \"0000\" to \"0777\"");
	*(unsigned *)out = (unsigned)scan_num(s, NULL, 8);
	return 0;
}

static int p_oom(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct proc_cfg *p = (struct proc_cfg *)((char *)out - offsetof(struct proc_cfg, oom_score_adj));

	(void)f;
	p->has_oom = 1;
	return cfg_int(x, v, name, -1000, 1000, out);
}

/* process.wait: "app" (the container ends with the app) or "all" (init
 * waits for every process; it needs the pid namespace, whose init it is). */
static int p_wait(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	if (cfg_word(x, v, name, "\"app\" or \"all\"", out) < 0)
		return -1;
	if (*(int *)out && !(x->c->ns & NS_PID))
		return cfg_err(x, v, 0, name, "\"all\" needs the pid namespace");
	return 0;
}

static int p_stop_timeout(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_int(x, v, name, 0, 3600, out);
}

/* process.rlimits: the RLIMIT_ names in lower case, without the prefix. */
static const struct { const char *name; int res; } rlim_names[NSRUN_RLIMITS] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

/* Limit S's row (lower case, no prefix); NSRUN_RLIMITS when none.  Also
 * the OCI rows' RLIMIT_ names (p_orlimit). */
static int rlim_find(const char *s)
{
	int k = 0;

	while (k < NSRUN_RLIMITS && strcmp(s, rlim_names[k].name))
		k++;
	return k;
}

/* One bound: a non-negative integer or "unlimited". */
static int rlim_value(const struct ctx *x, const cJSON *v, uint64_t *out)
{
	char buf[32];

	if (cJSON_IsString(v) && !strcmp(v->valuestring, "unlimited")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	return js_uint_text(x, v, buf, sizeof buf) ? (*out = scan_num(buf, NULL, 10), 0) : -1;
}

static int p_rlimits(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct proc_cfg *p = (struct proc_cfg *)((char *)out - offsetof(struct proc_cfg, rlim));
	char rf[96], shown[64];

	(void)f;
	if (cfg_want(x, v, name, cJSON_Object, "an object of \"name\": [soft, hard]") < 0)
		return -1;
	for (const cJSON *e = v->child; e; e = e->next) {
		struct rlim_cfg *l = &p->rlim[p->n_rlim];
		int k = rlim_find(e->string);

		strfmt(rf, sizeof rf, "%s.%.32s", name, e->string);
		if (k == NSRUN_RLIMITS)
			return cfg_err(x, e, 1, rf, "unknown limit (expected as core cpu data fsize locks memlock "
				       "msgqueue nice nofile nproc rss rtprio rttime sigpending stack)");
		if (key_seen(v, e))
			return cfg_err(x, e, 1, rf, "duplicate key");
		if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 2 || rlim_value(x, e->child, &l->soft) < 0 ||
		    rlim_value(x, e->child->next, &l->hard) < 0)
			return cfg_err(x, e, 0, rf, "expected [soft, hard], each a non-negative integer or "
				       "\"unlimited\"%s%s", cJSON_IsArray(e) ? "" : ", got ",
				       cJSON_IsArray(e) ? "" : js_show(x, e, shown, sizeof shown));
		if (l->soft > l->hard)
			return cfg_err(x, e, 0, rf, "the soft limit is above the hard one");
		l->which = k;
		p->n_rlim++;
	}
	return 0;
}

/* The capabilities of <linux/capability.h> after "CAP_", in their numbers'
 * order: one string, each name ended by a NUL, an empty one after the last. */
static const char cap_names[] =
	"CHOWN\0DAC_OVERRIDE\0DAC_READ_SEARCH\0FOWNER\0FSETID\0KILL\0SETGID\0SETUID\0SETPCAP\0"
	"LINUX_IMMUTABLE\0NET_BIND_SERVICE\0NET_BROADCAST\0NET_ADMIN\0NET_RAW\0IPC_LOCK\0IPC_OWNER\0"
	"SYS_MODULE\0SYS_RAWIO\0SYS_CHROOT\0SYS_PTRACE\0SYS_PACCT\0SYS_ADMIN\0SYS_BOOT\0SYS_NICE\0"
	"SYS_RESOURCE\0SYS_TIME\0SYS_TTY_CONFIG\0MKNOD\0LEASE\0AUDIT_WRITE\0AUDIT_CONTROL\0SETFCAP\0"
	"MAC_OVERRIDE\0MAC_ADMIN\0SYSLOG\0WAKE_ALARM\0BLOCK_SUSPEND\0AUDIT_READ\0PERFMON\0BPF\0"
	"CHECKPOINT_RESTORE\0";

#define NSRUN_CAPS 41                   /* CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40) */

/* Capability N's name without "CAP_"; "" past the last one. */
static const char *cap_name(int n)
{
	const char *s = cap_names;

	while (n-- > 0 && *s)
		s += strlen(s) + 1;
	return s;
}

/* The number of capability "CAP_NAME", or -1. */
static int cap_index(const char *s)
{
	const char *c = "";
	int n = 0;

	if (!strncmp(s, "CAP_", 4))
		while (*(c = cap_name(n)) && strcmp(c, s + 4))
			n++;
	return *c ? n : -1;
}

/* A name of a list of them (capabilities, syscalls: WHAT), as the bit
 * INDEX gives it (-1: unknown) in SET; named twice is an error too. */
static int cfg_name_bit(const struct ctx *x, const cJSON *e, const char *name, const char *what,
			int (*index)(const char *), uint64_t *set)
{
	const char *s;
	int k;

	if (cfg_string(x, e, name, &s) < 0)
		return -1;
	if ((k = index(s)) < 0 || set[k >> 6] >> (k & 63) & 1)
		return cfg_err(x, e, 0, name, "%s %s \"%s\"", k < 0 ? "unknown" : "duplicate", what, s);
	set[k >> 6] |= 1ULL << (k & 63);
	return 0;
}

static int p_cap_elem(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		      void *out, int i)
{
	(void)f, (void)i;
	return cfg_name_bit(x, e, name, "capability", cap_index, out);
}

/* process.capabilities: the set replaces the default one; [] is none. */
static int p_caps(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	*(uint64_t *)out = 0;
	return cfg_each(x, v, name, f, out, p_cap_elem) < 0 ? -1 : 0;
}

static int p_path_elem(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		       void *out, int i)
{
	(void)f;
	return cfg_abspath(x, e, name, &((struct path_list *)out)->given[i]);
}

/* masked_paths, readonly_paths: the list replaces the default one. */
static int p_paths(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct path_list *l = out;

	l->path = l->given;
	return (l->n = cfg_each(x, v, name, f, out, p_path_elem)) < 0 ? -1 : 0;
}

/* The namespaced sysctls: names with one of these prefixes (or, EXACT,
 * this name), and the namespace each needs. */
static const struct { const char *name; unsigned char ns, exact; } sysctl_ns[] = {
	{ "net.", NS_NET, 0 }, { "kernel.shm", NS_IPC, 0 }, { "kernel.msg", NS_IPC, 0 },
	{ "kernel.sem", NS_IPC, 0 }, { "fs.mqueue.", NS_IPC, 0 },
	{ "kernel.hostname", NS_UTS, 1 }, { "kernel.domainname", NS_UTS, 1 },
};

/* Sysctl NAME as a path under /proc/sys, as sysctl(8) maps it ('.' the
 * separator, '/' a dot in a component: "net.ipv4.conf.eth0/1.rp_filter");
 * -1 when a component would be empty, "." or "..". */
static int sysctl_path(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	if (n >= len || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") != n)
		return -1;
	for (size_t i = 0; i <= n; i++)
		buf[i] = name[i] == '.' ? '/' : name[i] == '/' ? '.' : name[i];
	for (const char *p = buf;; p++) {
		size_t c = strcspn(p, "/");

		if (c == 0 || (p[0] == '.' && (c == 1 || (c == 2 && p[1] == '.'))))
			return -1;
		if (!p[c])
			return 0;
		p += c;
	}
}

/* "sysctl": its keys are sysctl names, not rows. */
static int p_sysctl(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct sysctl_cfg *s = out;
	char sf[128], path[128];
	size_t k = 0;

	if (cfg_want(x, v, name, cJSON_Object, "an object of \"name\": \"value\"") < 0)
		return -1;
	for (const cJSON *e = v->child; e; e = e->next, k = 0) {
		strfmt(sf, sizeof sf, "%s.%.100s", name, e->string);
		while (k < sizeof sysctl_ns / sizeof sysctl_ns[0] &&
		       (sysctl_ns[k].exact ? strcmp(e->string, sysctl_ns[k].name)
					   : strncmp(e->string, sysctl_ns[k].name, strlen(sysctl_ns[k].name))))
			k++;
		if (k == sizeof sysctl_ns / sizeof sysctl_ns[0] || sysctl_path(e->string, path, sizeof path) < 0)
			return cfg_err(x, e, 1, sf, "not a namespaced sysctl");
		if (key_seen(v, e))
			return cfg_err(x, e, 1, sf, "duplicate key");
		if (!(x->c->ns & sysctl_ns[k].ns))
			return cfg_err(x, e, 1, sf, "needs the \"%s\" namespace", ns_name(sysctl_ns[k].ns));
		if (s->n == f->max)
			return cfg_err(x, e, 1, sf, "more than %d %s", f->max, field_unit(f));
		if (cfg_want(x, e, sf, cJSON_String, "a string") < 0)
			return -1;
		s->node[s->n] = e;
		s->value[s->n] = e->valuestring;
		s->name[s->n++] = e->string;
	}
	return 0;
}

/* A member of E, "NAME.KEY" in FN for its errors. */
static const cJSON *js_member(const cJSON *e, const char *key, char *fn, size_t len, const char *name)
{
	field_name(fn, len, name, key);
	return cJSON_GetObjectItemCaseSensitive(e, key);
}

/* One range: nsrun's [inside, outside, count]; OCI's {containerID, hostID,
 * size} (g_oci_parse, section 4's OCI rows). */
static int g_oci_parse;

static int p_idrange(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		     void *out, int i)
{
	static const char keys[] = "containerID\0hostID\0size";
	const char *key = keys;
	const cJSON *n3 = e->child;
	int oci = WITH_OCI && g_oci_parse;
	int64_t t[3];

	(void)f;
	if (!oci && (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 3))  /* (OCI's: a missing key) */
		return cfg_err(x, e, 0, name, "expected [inside, outside, count]");
	for (int k = 0; k < 3; k++, key += strlen(key) + 1) {
		char fk[160];

		if (oci && !(n3 = js_member(e, key, fk, sizeof fk, name)))
			return cfg_err(x, e, 0, fk, "missing");
		if (!oci)
			strfmt(fk, sizeof fk, "%s[%d]", name, k);
		if (cfg_int(x, n3, fk, k == 2 ? 1 : 0, 4294967295LL, &t[k]) < 0)
			return -1;
		n3 = n3->next;
	}
	if (t[0] + t[2] > 4294967296LL || t[1] + t[2] > 4294967296LL)
		return cfg_err(x, e, 0, name, "range runs past 4294967295");
	((struct idmap *)out)[i] = (struct idmap){ (uint32_t)t[0], (uint32_t)t[1], (uint32_t)t[2] };
	return 0;
}

static int p_idmap(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	int n;

	if (cfg_want(x, v, name, cJSON_Array, "an array of [inside, outside, count]") < 0 ||
	    (n = cfg_each(x, v, name, f, out, p_idrange)) < 0)
		return -1;
	if (n == 0)
		return cfg_err(x, v, 0, name, "expected at least one [inside, outside, count]");
	return 0;
}

/* The kernel refuses offsets that could make a clock negative or wrap;
 * ten years either way is far inside its bounds. */
static int p_offset(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_int(x, v, name, -315576000, 315576000, out);
}

static int p_mode(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const char *s;
	char *e;

	(void)f;
	if (cfg_string(x, v, name, &s) < 0)
		return -1;
	*(unsigned *)out = (unsigned)scan_num(s, &e, 8);
	if (*e || strlen(s) > 4 || strspn(s, "01234567") != strlen(s))
		return cfg_err(x, v, 0, name, "expected an octal mode like \"1777\", got \"%s\"", s);
	return 0;
}

static int p_size(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_size(x, v, name, "", out);
}

static int p_mtype(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_word(x, v, name, "\"bind\" or \"tmpfs\"", out);   /* M_BIND M_TMPFS */
}

/* An absolute path below "/": a mount target (ARG 0), a cgroup parent (1). */
static int p_below_root(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	static const char *const why[] = {
		"cannot mount over the root itself", "expected a cgroup below a cgroup2 mount, got \"/\"",
	};
	const char **t = out;

	if (cfg_abspath(x, v, name, t) < 0)
		return -1;
	if ((*t)[strspn(*t, "/")] == 0)
		return cfg_err(x, v, 0, name, "%s", why[f->arg]);
	return 0;
}

static int p_source(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const char **s = out;

	(void)f;
	if (cfg_string(x, v, name, s) < 0)
		return -1;
	if (**s != '/')
		return cfg_err(x, v, 0, name, "expected an absolute path on the host, got \"%s\"", *s);
	return cfg_outside_rundir(x, v, name, *s);
}

/* One of "mounts": its type first, which decides the keys it may have. */
static int p_mount(const struct ctx *x, const cJSON *m, const char *name, const struct field *f,
		   void *out, int i)
{
	struct mount_cfg *mc = (struct mount_cfg *)out + i;
	const cJSON *t;
	char tn[160];

	(void)f;
	if (cfg_want(x, m, name, cJSON_Object, "an object") < 0)
		return -1;
	field_name(tn, sizeof tn, name, "type");
	if (!(t = cJSON_GetObjectItemCaseSensitive(m, "type")))
		return cfg_err(x, m, 0, tn, "missing (\"bind\" or \"tmpfs\")");
	if (p_mtype(x, t, tn, f, &mc->type) < 0)
		return -1;
	mc->mode = 01777;
	return cfg_obj(x, m, "mounts[]", name, mc, 1 + (int)mc->type);
}

static int p_mounts(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	if (cfg_want(x, v, name, cJSON_Array, "an array of mounts") < 0)
		return -1;
	return cfg_each(x, v, name, f, out, p_mount) < 0 ? -1 : 0;
}

enum cg_kind { CG_SIZE, CG_COUNT, CG_CPUMAX, CG_WEIGHT, CG_CPUSET, CG_IOMAX };

static const struct cg_key {
	const char *key, *file, *ctrl;
	enum cg_kind kind;
} cg_keys[] = {
#define X(k, f, ctl, kind) { #k, f, ctl, CG_##kind },
	NSRUN_CG_KEYS(X)
#undef X
};

/* "N" or "max": a decimal number in [lo, hi], into OUT. */
static int cg_number(const char *s, uint64_t lo, uint64_t hi, int size, char *out, size_t len)
{
	uint64_t v;
	char *e;

	if (!strcmp(s, "max")) {
		strfmt(out, len, "max");
		return 0;
	}
	if (size) {
		if (parse_size(s, &v) < 0)
			return -1;
	} else {
		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		v = scan_num(s, &e, 10);
		if (*e || errno)
			return -1;
	}
	if (v < lo || v > hi)
		return -1;
	strfmt(out, len, "%llu", (unsigned long long)v);
	return 0;
}

/* "MAJ:MIN KEY=VAL..." with KEY one of rbps wbps riops wiops, VAL a number or max. */
static int cg_iomax_ok(const char *s)
{
	size_t maj = strspn(s, "0123456789"), min = maj ? strspn(s + maj + 1, "0123456789") : 0;
	int kv = 0;

	if (!maj || s[maj] != ':' || !min || (s[maj + 1 + min] != ' ' && s[maj + 1 + min]))
		return 0;
	for (s += maj + 1 + min; *(s += strspn(s, " ")); kv++) {
		size_t k = strcspn(s, "="), w = strcspn(s, " ");
		char val[24];

		if (k >= w || w - k - 1 == 0 || w - k - 1 >= sizeof val)
			return 0;
		if (!((k == 4 && (!strncmp(s, "rbps", 4) || !strncmp(s, "wbps", 4))) ||
		      (k == 5 && (!strncmp(s, "riops", 5) || !strncmp(s, "wiops", 5)))))
			return 0;
		memcpy(val, s + k + 1, w - k - 1);
		val[w - k - 1] = 0;
		if (cg_number(val, 0, UINT64_MAX, 0, val, sizeof val) < 0)
			return 0;
		s += w;
	}
	return kv > 0;
}

/* What a key of each kind takes, as its error line says. */
static const char *const cg_expect[] = {
	[CG_SIZE] = "a size like \"32M\" or \"max\"",
	[CG_COUNT] = "a number from 1 to 4194304 or \"max\"",
	[CG_CPUMAX] = "\"QUOTA PERIOD\" in microseconds like \"50000 100000\", or \"max\"",
	[CG_WEIGHT] = "a weight from 1 to 10000",
	[CG_CPUSET] = "a list like \"0-1,3\"",
	[CG_IOMAX] = "\"MAJ:MIN rbps=N wbps=N riops=N wiops=N\" (N a number or max)",
};

static int cfg_cg_value(const struct ctx *x, const cJSON *v, const struct cg_key *k, const char *field,
			struct cg_write *w)
{
	char tmp[48];
	const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
	int ok = 0;

	*w = (struct cg_write){ .key = k->key, .file = k->file, .ctrl = k->ctrl, .node = v };
	w->value = w->num;
	if (cJSON_IsNumber(v))
		s = js_uint_text(x, v, tmp, sizeof tmp);
	switch (k->kind) {
	case CG_SIZE:
		ok = s && cg_number(s, 0, UINT64_MAX, 1, w->num, sizeof w->num) == 0;
		break;
	case CG_COUNT:
		ok = s && cg_number(s, 1, 4194304, 0, w->num, sizeof w->num) == 0;
		break;
	case CG_WEIGHT:
		/* (OCI's cpu.shares: p_ocg's weight, a string in the number's place) */
		ok = (cJSON_IsNumber(v) || (WITH_OCI && g_oci_parse)) && s && cg_number(s, 1, 10000, 0, tmp, sizeof tmp) == 0;
		if (ok)
			strfmt(w->num, sizeof w->num, "%s%s", !strcmp(k->ctrl, "io") ? "default " : "", tmp);
		break;
	case CG_CPUMAX: {
		char q[24] = "", p[24] = "100000";
		const char *t = cJSON_IsString(v) ? v->valuestring : "";
		size_t qn = strcspn(t, " "), pn = t[qn] ? strcspn(t + qn + 1, " ") : 0;

		if (qn < sizeof q && pn < sizeof p && (!t[qn] || !t[qn + 1 + pn])) {
			strfmt(q, sizeof q, "%.*s", (int)qn, t);
			if (pn)
				strfmt(p, sizeof p, "%.*s", (int)pn, t + qn + 1);
		}
		ok = (!t[qn] || pn) && cg_number(q, 1000, UINT32_MAX, 0, q, sizeof q) == 0 &&
		     cg_number(p, 1000, 1000000, 0, p, sizeof p) == 0 && strcmp(p, "max");
		if (ok)
			strfmt(w->num, sizeof w->num, "%s %s", q, p);
		break;
	}
	case CG_CPUSET:
		ok = cJSON_IsString(v) && *s && strlen(s) < sizeof w->num && strspn(s, "0123456789,-") == strlen(s);
		w->value = s;
		break;
	case CG_IOMAX:
		ok = cJSON_IsString(v) && cg_iomax_ok(s);
		w->value = s;
		break;
	}
	return ok ? 0 : cfg_expected(x, v, field, cg_expect[k->kind]);
}

static int p_cg_elem(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		     void *out, int i)
{
	struct cg_cfg *cg = out;

	(void)i;
	return cfg_cg_value(x, e, &cg_keys[f->arg], name, &cg->w[cg->n++]);
}

/* One "cgroup" key: a write into its file; io_max one for each entry. */
static int p_cg(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct cg_cfg *cg = out;
	const struct cg_key *k = &cg_keys[f->arg];

	if (k->kind == CG_IOMAX)
		return cfg_want(x, v, name, cJSON_Array, "an array of \"MAJ:MIN KEY=VAL...\"") < 0 ||
		       cfg_each(x, v, name, f, out, p_cg_elem) < 0 ? -1 : 0;
	if (p_cg_elem(x, v, name, f, out, 0) < 0)
		return -1;
	if (!strcmp(k->key, "memory_max"))
		cg->memory_max = cJSON_IsString(v) ? v->valuestring : cg->w[cg->n - 1].num;
	return 0;
}

static int p_cgroup(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct cg_cfg *cg = out;

	cg->on = 1;
	cg->node = v;
	return p_object(x, v, name, f, out);
}
static int cfg_ifname(const struct ctx *x, const cJSON *v, const char *field, const char **out)
{
	const char *s;

	if (cfg_string(x, v, field, &s) < 0)
		return -1;
	if (strlen(s) > 15 || strpbrk(s, "/: \t\n") || !strcmp(s, ".") || !strcmp(s, ".."))
		return cfg_err(x, v, 0, field, "expected an interface name of 1-15 bytes without '/', ':' "
			       "or spaces, got \"%s\"", s);
	*out = s;
	return 0;
}

/* The dotted quad S..END into A[4], as inet_pton(AF_INET) reads it: four
 * decimal parts, 0-255, without leading zeros.  0, or -1 (then A may hold
 * the parts read so far). */
static int ip4_parse(const char *s, const char *end, unsigned char *a)
{
	for (int i = 0; i < 4; i++) {
		const char *p = s;
		unsigned v = 0;

		for (; (unsigned)(*s - '0') < 10; s++) {
			if (s > p && !v)                /* a leading zero */
				return -1;
			v = 10 * v + (unsigned)(*s - '0');
			if (v > 255)
				return -1;
		}
		if (s == p || (i < 3 ? *s++ != '.' : s != end))
			return -1;
		a[i] = (unsigned char)v;
	}
	return 0;
}

/* S..END as musl's inet_pton reads it, AF_INET tried first (libc's costs
 * 0.8 KB): the family, its 4 or 16 bytes in A, or 0.  A comes zeroed.
 * IPv6: eight groups of 1-4 hex digits, the last two of which may be a
 * dotted quad; one "::" stands for one or more zero groups: it is one
 * where it stands, widened at the end.  That needs A zero past N: bytes
 * go in in order, and a token that fails as a dotted quad after writing
 * some has digits and a '.', so it fails as a group too.  The unit tests
 * hold it to libc's inet_pton. */
static int ip_parse(const char *s, const char *end, unsigned char *a)
{
	int n = 0, brk = 16;                            /* bytes so far; where "::" is */

	if (*s == ':' && *++s != ':')
		return 0;
	while (s != end) {
		const char *p;
		unsigned v = 0;

		if (n == 16)
			return 0;
		if (*s == ':') {                        /* "::", once: a zero group for now */
			if (brk < 16)
				return 0;
			brk = n;
			n += 2;
			s++;
			continue;
		}
		if (n <= 12 && !ip4_parse(s, end, a + n)) {
			if (!n)
				return AF_INET;
			n += 4;
			break;
		}
		for (p = s; s - p < 4; s++) {
			unsigned c = (unsigned char)*s, d = c - '0';

			if (d > 9 && (d = (c | 32) - 'a' + 10) - 10 > 5)
				break;
			v = v << 4 | d;
		}
		if (s == p)
			return 0;
		a[n++] = (unsigned char)(v >> 8);
		a[n++] = (unsigned char)v;
		if (*s == ':' ? ++s == end : s != end)  /* a ':' is followed by more */
			return 0;
	}
	if (brk > n)                            /* no "::", fewer than 8 groups */
		return 0;
	for (int k = 16 - n; n-- > brk; ) {             /* the "::" widened by K bytes */
		unsigned char t = a[n];

		a[n] = 0;
		a[n + k] = t;
	}
	return AF_INET6;
}

/* "10.42.0.2/24", "fd42::2/64"; or, WITH_PREFIX 0, a plain address.
 * FAMILY 0 takes either. */
static int parse_addr(const char *s, int with_prefix, int family, struct net_addr *a)
{
	const char *end = strchrnul(s, '/');            /* of the address */
	char *e;

	if (with_prefix != !!*end)
		return -1;
	memset(a, 0, sizeof *a);
	a->text = s;
	if (!(a->family = ip_parse(s, end, a->a)) || (family && a->family != family))
		return -1;
	a->prefix = a->family == AF_INET ? 32 : 128;
	if (*end) {
		unsigned long long p;

		if (end[1] < '0' || end[1] > '9')
			return -1;
		p = scan_num(end + 1, &e, 10);
		if (*e || p > a->prefix)
			return -1;
		a->prefix = (unsigned)p;
	}
	return 0;
}

/* One address or a list of them (CIDR when WITH_PREFIX). */
static int cfg_addrs(const struct ctx *x, const cJSON *v, const char *field, int with_prefix,
		     int family, struct net_addr *out, int max, int *n)
{
	const cJSON *one = cJSON_IsArray(v) ? v->child : v;
	char f[64];

	*n = 0;
	if (!cJSON_IsArray(v) && !cJSON_IsString(v))
		return cfg_err(x, v, 0, field, "expected an address or a list of them, got %s", js_type(v));
	for (; one; one = cJSON_IsArray(v) ? one->next : NULL) {
		strfmt(f, sizeof f, cJSON_IsArray(v) ? "%s[%d]" : "%s", field, *n);
		if (*n == max)
			return cfg_err(x, one, 0, f, "more than %d addresses", max);
		if (!cJSON_IsString(one) || parse_addr(one->valuestring, with_prefix, family, &out[*n]) < 0) {
			char shown[64];

			return cfg_err(x, one, 0, f, "expected %s%s, got %s",
				       family == AF_INET ? "an IPv4 address" : family == AF_INET6 ? "an IPv6 address"
				       : "an IPv4 or IPv6 address", with_prefix ? " with a prefix like \"10.42.0.2/24\"" : "",
				       js_show(x, one, shown, sizeof shown));
		}
		++*n;
	}
	return 0;
}

static int p_ifname(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)f;
	return cfg_ifname(x, v, name, out);
}

/* A list of addresses (or one); its count at OFF_N.  ARG 1: with a prefix. */
static int p_addrs(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	return cfg_addrs(x, v, name, f->arg, 0, out, f->max, list_count(out, f));
}

/* One address: IPv4 for "gateway" (ARG 0), IPv6 for "gateway6" (1), either
 * for "ports[].host_address" (2). */
static int p_gateway(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	static const char what[][13] = { "IPv4", "IPv6", "IPv4 or IPv6" };
	int family = f->arg == 1 ? AF_INET6 : f->arg ? 0 : AF_INET, n;

	if (!cJSON_IsArray(v) && cfg_addrs(x, v, name, 0, family, out, 1, &n) == 0)
		return 0;
	return g_err[0] ? -1 : cfg_err(x, v, 0, name, "expected one %s address", what[f->arg]);
}

static int p_mtu(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	int64_t mtu;

	(void)f;
	if (cfg_int(x, v, name, 68, 65535, &mtu) < 0)
		return -1;
	*(unsigned *)out = (unsigned)mtu;
	return 0;
}

static int p_mac(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct net_cfg *nc = (struct net_cfg *)((char *)out - offsetof(struct net_cfg, mac));
	unsigned char *m = nc->mac;
	const char *s = cJSON_IsString(v) ? v->valuestring : "";
	int ok = strlen(s) == 17;

	(void)f;
	for (int i = 0; ok && i < 6; i++) {
		char h[3] = { s[3 * i], s[3 * i + 1], 0 }, *end;

		m[i] = (unsigned char)scan_num(h, &end, 16);
		ok = !*end && isxdigit((unsigned char)h[0]) && (i == 5 || s[3 * i + 2] == ':');
	}
	if (!ok || (m[0] & 1) || !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return cfg_expected(x, v, name, "a unicast MAC like \"02:42:0a:2a:00:02\"");
	nc->has_mac = 1;
	return 0;
}

/* "hosts": its keys are host names, not rows. */
static int p_hosts(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct net_cfg *nc = (struct net_cfg *)((char *)out - offsetof(struct net_cfg, host_name));
	char hf[128];
	int n;

	if (cfg_want(x, v, name, cJSON_Object, "an object of \"name\": \"address\"") < 0)
		return -1;
	for (const cJSON *h = v->child; h; h = h->next) {
		const char *host = h->string;

		strfmt(hf, sizeof hf, "%s.%.64s", name, host);
		if (nc->n_hosts == f->max)
			return cfg_err(x, h, 1, hf, "more than %d %s", f->max, field_unit(f));
		if (!*host || strlen(host) > 253 || strspn(host, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != strlen(host) || *host == '-')
			return cfg_err(x, h, 1, hf, "expected a host name of letters, digits, '.', '-' and '_'");
		if (key_seen(v, h))
			return cfg_err(x, h, 1, hf, "duplicate key");
		if (cfg_addrs(x, h, hf, 0, 0, &nc->host_addr[nc->n_hosts], 1, &n) < 0 || cJSON_IsArray(h))
			return g_err[0] ? -1 : cfg_err(x, h, 0, hf, "expected one address");
		nc->host_name[nc->n_hosts++] = host;
	}
	return 0;
}

/* The container's first address of FAMILY, or NULL. */
static const struct net_addr *net_first(const struct net_cfg *nc, int family)
{
	for (int i = 0; i < nc->n_addr; i++)
		if (nc->addr[i].family == family)
			return &nc->addr[i];
	return NULL;
}

/* A port number (net.ports[].host, .container). */
static int p_port(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	int64_t n;

	(void)f;
	if (cfg_int(x, v, name, 1, 65535, &n) < 0)
		return -1;
	*(unsigned short *)out = (unsigned short)n;
	return 0;
}

static int p_proto(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	int i;

	(void)f;
	if (cfg_word(x, v, name, "\"tcp\" or \"udp\"", &i) < 0)
		return -1;
	*(unsigned char *)out = i ? IPPROTO_UDP : IPPROTO_TCP;
	return 0;
}

/* Do two published ports collide: one proto, one host port, overlapping
 * host addresses (none is every address)? */
static int port_clash(const struct net_port *a, const struct net_port *b)
{
	return a->proto == b->proto && a->host == b->host &&
	       (!a->addr.family || !b->addr.family ||
		(a->addr.family == b->addr.family && !memcmp(a->addr.a, b->addr.a, 16)));
}

/* One of net.ports, refused when an earlier one publishes the same port. */
static int p_port_elem(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		       void *out, int i)
{
	struct net_port *p = (struct net_port *)out + i;

	(void)f;
	p->proto = IPPROTO_TCP;
	if (cfg_want(x, e, name, cJSON_Object, "an object") < 0 || cfg_obj(x, e, "net.ports[]", name, p, 0) < 0)
		return -1;
	if (!net_first(&x->c->net, p->addr.family ? p->addr.family : AF_INET) &&
	    !net_first(&x->c->net, p->addr.family ? p->addr.family : AF_INET6))
		return cfg_err(x, e, 0, name, "the container has no %saddress to publish it at (net.address)",
			       p->addr.family == AF_INET ? "IPv4 " : p->addr.family ? "IPv6 " : "");
	for (int j = 0; j < i; j++)
		if (port_clash(p, p - i + j))
			return cfg_err(x, e, 0, name, "%s port %u is already published by net.ports[%d]",
				       p->proto == IPPROTO_TCP ? "tcp" : "udp", p->host, j);
	return 0;
}

static int p_ports(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	if (cfg_want(x, v, name, cJSON_Array, "an array of ports") < 0)
		return -1;
	return cfg_each(x, v, name, f, out, p_port_elem) < 0 ? -1 : 0;
}

static int p_net(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct net_cfg *nc = out;

	nc->on = 1;
	strfmt(nc->host_if_buf, sizeof nc->host_if_buf, "ve-%s", x->c->name);
	nc->host_if = nc->host_if_buf;
	nc->container_if = "eth0";
	return p_object(x, v, name, f, out);
}

/* "seccomp": "default" (also when absent), "none", or an object of one
 * list, "deny" or "allow", and "errno". */
#define SC_ONE_LIST "give exactly one of \"deny\" and \"allow\""
static int p_seccomp(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct seccomp_cfg *s = out;

	if (!WITH_SECCOMP)                      /* (compiled out: never called) */
		return -1;
	if ((v->type & 0xff) == cJSON_Object) {
		int r = p_object(x, v, name, f, out);

		return r < 0 || s->mode != SCM_DEFAULT ? r : cfg_err(x, v, 0, name, SC_ONE_LIST);
	}
	return cfg_word(x, v, name, "\"default\", \"none\" or an object", (int *)&s->mode);   /* SCM_DEFAULT SCM_NONE */
}

/* A name of seccomp.deny: its row, "@default" SC__N. */
static int sc_index_deny(const char *name)
{
	return sc_find(name, SC__N + 1);
}

static int p_sc_elem(const struct ctx *x, const cJSON *e, const char *name, const struct field *f,
		     void *out, int i)
{
	struct seccomp_cfg *s = out;

	(void)f, (void)i;
	if (!WITH_SECCOMP)                      /* (compiled out: never called) */
		return -1;
	return cfg_name_bit(x, e, name, "syscall", s->mode == SCM_DENY ? sc_index_deny : sc_index, s->bits);
}

/* seccomp.deny (ARG SCM_DENY), seccomp.allow (SCM_ALLOW): one of them. */
static int p_sc_list(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct seccomp_cfg *s = out;

	if (!WITH_SECCOMP)                      /* (compiled out: never called) */
		return -1;
	if (s->mode != SCM_DEFAULT)
		return cfg_err(x, v, 1, name, SC_ONE_LIST);
	s->mode = f->arg;
	return cfg_each(x, v, name, f, out, p_sc_elem);         /* (its count: a row's parser fails below 0) */
}

/* The errno names seccomp.errno takes (or a number), and their values. */
#define SC_ERRNOS "\"EPERM\", \"ENOENT\", \"EIO\", \"EBADF\", \"EAGAIN\", \"ENOMEM\", \"EACCES\", \"EFAULT\", " \
	"\"EBUSY\", \"EINVAL\", \"ENOSYS\", \"EOPNOTSUPP\""
static const unsigned char sc_errno_v[] = {
	EPERM, ENOENT, EIO, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY, EINVAL, ENOSYS, EOPNOTSUPP,
};

static int p_sc_errno(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	int i;

	(void)f;
	if (!WITH_SECCOMP)                      /* (compiled out: never called) */
		return -1;
	if ((v->type & 0xff) == cJSON_Number)
		return cfg_int(x, v, name, 1, 4095, out);
	if (cfg_word(x, v, name, SC_ERRNOS " or a number", &i) < 0)      /* (a number: cfg_int says 1-4095) */
		return -1;
	*(int64_t *)out = sc_errno_v[i];
	return 0;
}

/* ---- the rows ------------------------------------------------------------ */
#define CG_ROW(k, f, ctl, kind) \
	{ .path = FP(cgroup_##k), .parse = PF_p_cg, .off = OFF(cg), .max = CG_MAX_##kind, .unit = UN_entries, \
	  .arg = CGK_##k, DOC(CG_DOC_TYPE_##kind, "`" f "`", CG_DOC_##k, CG_EX_##kind, NULL) },
#define X(k, f, ctl, kind) CGK_##k,
enum { NSRUN_CG_KEYS(X) };
#undef X
#define CG_MAX_SIZE 0
#define CG_MAX_COUNT 0
#define CG_MAX_CPUMAX 0
#define CG_MAX_WEIGHT 0
#define CG_MAX_CPUSET 0
#define CG_MAX_IOMAX NSRUN_IO_MAX             /* a list: one write each */
#define CG_DOC_TYPE_SIZE "size or `\"max\"`"
#define CG_DOC_TYPE_COUNT "1–4194304 or `\"max\"`"
#define CG_DOC_TYPE_CPUMAX "`\"QUOTA PERIOD\"` or `\"QUOTA\"` or `\"max\"`"
#define CG_DOC_TYPE_WEIGHT "1–10000"
#define CG_DOC_TYPE_CPUSET "`\"0-1,3\"`"
#define CG_DOC_TYPE_IOMAX "array of `\"MAJ:MIN KEY=N ...\"` (≤ 16)"
#define CG_EX_SIZE "\"32M\""
/* A compiled-out feature's rows are never parsed: no parser for them
 * (field_parsers has NULL). */
#define VERITY_FN(fn) PF_##fn
#define VERITY_EX_HASH "6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811"
#define CG_EX_COUNT "64"
#define CG_EX_CPUMAX "\"50000 100000\""
#define CG_EX_WEIGHT "100"
#define CG_EX_CPUSET "\"0\""
#define CG_EX_IOMAX "\"254:0 rbps=1048576 wbps=max\""
#define CG_DOC_memory_max "bytes, `K M G` suffixes"
#define CG_DOC_memory_high "as above"
#define CG_DOC_memory_swap_max "as above; `0` forbids swap"
#define CG_DOC_pids_max "the number of tasks"
#define CG_DOC_cpu_max "µs; quota ≥ 1000, period 1000–1000000 (default 100000)"
#define CG_DOC_cpu_weight "relative share (100 = default)"
#define CG_DOC_cpuset_cpus "CPU list"
#define CG_DOC_cpuset_mems "memory node list"
#define CG_DOC_io_max "one write per entry; keys `rbps wbps riops wiops`, N a number or `max`"
#define CG_DOC_io_weight "written as `default N`"

static const struct field schema[] = {
	{ .path = FP(name), .parse = PF_p_name, .off = OFF(name), .missing = MS_name,
	  DOC("string, required", "—", "1–12 of `[a-z0-9_-]`, first a letter or digit; names `/run/nsrun/NAME.pid`",
	      "\"web\"", NULL) },
	{ .path = FP(namespaces), .parse = PF_p_namespaces, .off = OFF(ns), .max = 8, .unit = UN_namespaces,
	  DOC("array of `pid mount uts ipc net cgroup user time`", "`[\"pid\",\"mount\",\"uts\",\"ipc\",\"net\",\"cgroup\"]`",
	      "`clone()` flags; `mount` is required; `time` uses `unshare(CLONE_NEWTIME)` before the clone",
	      "[\"pid\",\"mount\",\"uts\",\"ipc\",\"net\",\"cgroup\"]", NULL) },
	{ .path = FP(hostname), .parse = PF_p_hostname, .off = OFF(hostname), .needs = NS_UTS,
	  DOC("string ≤ 64 bytes", "`name` when `uts` is on",
	      "`sethostname()` in the new uts namespace; an error without `uts`", "\"web\"", NULL) },
	{ .path = FP(root), .parse = PF_p_root, .off = OFF(root), .missing = MS_image_or_path,
	  DOC(NULL, NULL, NULL, NULL, NULL) },
	{ .path = FP(root_image), .parse = PF_p_string, .off = OFF(root.image), .feature = FEAT_squashfs,
	  DOC("path, feature `squashfs`", "—", "attached read-only to a free loop device with autoclear "
	      "(`LOOP_CONFIGURE`, else `LOOP_SET_FD` + `LOOP_SET_STATUS64`), mounted `squashfs` read-only",
	      "\"/x.sqfs\"", NULL) },
	{ .path = FP(root_path), .parse = PF_p_rootpath, .off = OFF(root.path),
	  DOC("path", "—", "a directory, recursively bind-mounted; exactly one of `image` and `path`; not inside "
	      "`/run/nsrun`", NULL, NULL) },
	{ .path = FP(root_overlay), .parse = PF_p_overlay, .off = OFF(root.overlay),
	  DOC("size ≥ 4K or `false`", "`false`", "a size: overlayfs with the image as lower layer and a tmpfs of "
	      "that size holding upper and work; writes go to RAM and vanish at exit. `false`: the root is "
	      "read-only (a directory root is remounted read-only)", "\"8M\"", NULL) },
	{ .path = FP(root_verity), .parse = VERITY_FN(p_verity), .off = OFF(root.verity), .feature = FEAT_verity,
	  DOC(NULL, NULL, NULL, NULL, NULL) },
	{ .path = FP(root_verity_root_hash), .parse = VERITY_FN(p_vhash), .off = OFF(root.verity.root_hash),
	  .missing = MS_root_hash,
	  DOC("hex string, required, feature `verity`", "—", "the `Root hash:` line of `veritysetup format`, "
	      "upper or lower case: 64 digits for sha256, 128 for sha512. The image is mounted through a "
	      "dm-verity device (`verity` target, read-only, set up by nsrun with the device-mapper ioctls): "
	      "every block read is checked against it, a changed block reads as `EIO`",
	      "\"" VERITY_EX_HASH "\"", "\"root\":{\"verity\":{\"hash_offset\":4096}}") },
	{ .path = FP(root_verity_algorithm), .parse = VERITY_FN(p_valg), .off = OFF(root.verity.alg),
	  DOC("`\"sha256\"` or `\"sha512\"`", "`\"sha256\"`", "must be the algorithm of the image's verity "
	      "superblock", "\"sha256\"", "\"root\":{\"verity\":{\"hash_offset\":4096}}") },
	{ .path = FP(root_verity_hash_offset), .parse = VERITY_FN(p_voffset), .off = OFF(root.verity.hash_offset),
	  DOC("integer bytes, a multiple of 4096, ≥ 4096", "—", "the hash tree (and its superblock) is appended "
	      "to `image` here: the `--hash-offset` of `veritysetup format IMAGE IMAGE --hash-offset=N`, the "
	      "squashfs's size before `format`; exactly one of `hash_offset` and `hash_image`", "1052672", NULL) },
	{ .path = FP(root_verity_hash_image), .parse = VERITY_FN(p_string), .off = OFF(root.verity.hash_image),
	  DOC("path", "—", "the hash tree is in this file (`veritysetup format IMAGE HASHFILE`), attached to a "
	      "loop device of its own", "\"/x.verity\"", NULL) },
	{ .path = FP(root_verity_signature), .parse = VERITY_FN(p_string), .off = OFF(root.verity.signature),
	  DOC("path", "none", "a PKCS#7 (DER) signature of the root hash's hex text, as "
	      "`veritysetup open --root-hash-signature` takes it: added as a `user` key to nsrun's thread "
	      "keyring for the table load (`root_hash_sig_key_desc`), unlinked after it; the kernel checks it "
	      "against its trusted keyrings (`CONFIG_DM_VERITY_VERIFY_ROOTHASH_SIG`)", "\"/x.sig\"",
	      "\"root\":{\"verity\":{\"hash_offset\":4096}}") },
	{ .path = FP(process), .parse = PF_p_object, .off = OFF(proc), .missing = MS_args,
	  DOC(NULL, NULL, NULL, NULL, NULL) },
	{ .path = FP(process_args), .parse = PF_p_strlist, .off = OFF(proc.args), .max = NSRUN_ARGS_MAX,
	  .unit = UN_entries, .missing = MS_program,
	  DOC("array of strings, required", "—", "`execve()` argv; `args[0]` without `/` is searched in the "
	      "container's `PATH`; `nsrun run CONFIG -- ARG...` replaces it", "\"/bin/true\"", NULL) },
	{ .path = FP(process_env), .parse = PF_p_strlist, .off = OFF(proc.env), .max = NSRUN_ARGS_MAX,
	  .unit = UN_entries, .arg = 1,
	  DOC("array of `\"NAME=value\"`", "`[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]`",
	      "exactly the app's environment: nothing of the host's", "\"TZ=UTC\"", NULL) },
	{ .path = FP(process_cwd), .parse = PF_p_abspath, .off = OFF(proc.cwd),
	  DOC("absolute path", "`/`", "`chdir()` after the user change", "\"/\"", NULL) },
	{ .path = FP(process_user), .parse = PF_p_user, .off = OFF(proc.uid),
	  DOC("`\"UID:GID\"` (numbers)", "`\"0:0\"`", "`setgroups(0)` (no supplementary groups), `setresgid`, "
	      "`setresuid`", "\"1000:1000\"", NULL) },
	{ .path = FP(process_no_new_privileges), .parse = PF_p_bool, .off = OFF(proc.no_new_privs),
	  DOC("boolean", "`true`", "`prctl(PR_SET_NO_NEW_PRIVS)` before exec: a setuid or file-capability "
	      "binary in the image gains nothing", "false", NULL) },
	{ .path = FP(process_umask), .parse = PF_p_umask, .off = OFF(proc.umask),
	  DOC("octal string `\"0000\"`–`\"0777\"`", "`\"0022\"`", "`umask()` of the app", "\"0027\"", NULL) },
	{ .path = FP(process_oom_score_adj), .parse = PF_p_oom, .off = OFF(proc.oom_score_adj),
	  DOC("integer −1000…1000", "inherited", "written to the app's `/proc/self/oom_score_adj` before exec",
	      "500", NULL) },
	{ .path = FP(process_rlimits), .parse = PF_p_rlimits, .off = OFF(proc.rlim),
	  DOC("object `\"nofile\": [soft, hard]`; names `as core cpu data fsize locks memlock msgqueue nice "
	      "nofile nproc rss rtprio rttime sigpending stack`; a bound an integer or `\"unlimited\"`",
	      "inherited", "`setrlimit()` of each before exec; soft ≤ hard", "{\"nofile\":[1024,1024]}", NULL) },
	{ .path = FP(process_wait), .parse = PF_p_wait, .off = OFF(proc.wait_all),
	  DOC("`\"app\"` or `\"all\"`", "`\"app\"`", "`\"app\"`: the container ends when the app exits (what it left is "
	      "killed); `\"all\"`: the container's init waits until every process in it has exited (an app that "
	      "daemonizes), the status is still the app's, and signals go to all of them once the app is gone; "
	      "needs `pid`", "\"all\"", NULL) },
	{ .path = FP(process_capabilities), .parse = PF_p_caps, .off = OFF(proc.caps), .max = NSRUN_CAPS, .unit = UN_capabilities,
	  DOC("array of `CAP_` names (`CAP_CHOWN` … `CAP_CHECKPOINT_RESTORE`)", "`CAP_CHOWN CAP_DAC_OVERRIDE "
	      "CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SETFCAP`",
	      "every other capability leaves the bounding set before exec; uid 0 gets the set as permitted and "
	      "effective, another user none; inheritable and ambient are empty; `[]`: none",
	      "\"CAP_NET_RAW\"", NULL) },
	{ .path = FP(seccomp), .parse = PF_p_seccomp, .off = OFF(sc), .feature = FEAT_seccomp,
	  DOC("`\"default\"`, `\"none\"` or an object, feature `seccomp`", "`\"default\"`", "`\"default\"`: the "
	      "default profile (see the `seccomp` section below), loaded with `seccomp(SECCOMP_SET_MODE_FILTER)` as the app's last "
	      "step before `execve`; `\"none\"`: no filter", "\"none\"", NULL) },
	{ .path = FP(seccomp_deny), .parse = PF_p_sc_list, .off = OFF(sc), .max = SC__N + 1, .unit = UN_syscalls,
	  .arg = SCM_DENY,
	  DOC("array of syscall names and `\"@default\"`", "—", "these fail with `errno`, the rest pass; "
	      "`\"@default\"`: the default profile's rows", "\"ptrace\"", NULL) },
	{ .path = FP(seccomp_allow), .parse = PF_p_sc_list, .off = OFF(sc), .max = SC__N, .unit = UN_syscalls,
	  .arg = SCM_ALLOW,
	  DOC("array of syscall names", "—", "only these pass, the rest fail with `errno` (`clone3` with `ENOSYS` "
	      "unless named); exactly one of `deny` and `allow`", "\"read\"", NULL) },
	{ .path = FP(seccomp_errno), .parse = PF_p_sc_errno, .off = OFF(sc.err),
	  DOC("`" SC_ERRNOS "` or 1–4095",
	      "`\"EPERM\"`", "the error a refused call returns", "\"ENOSYS\"", "\"seccomp\":{\"deny\":[\"ptrace\"]}") },
	{ .path = FP(stop_timeout), .parse = PF_p_stop_timeout, .off = OFF(stop_timeout),
	  DOC("integer seconds 0–3600", "10", "how long `nsrun stop` waits after SIGTERM before it SIGKILLs "
	      "everything in the container", "30", NULL) },
	{ .path = FP(uid_map), .parse = PF_p_idmap, .off = OFF(userns.uid_map), .off_n = OFF(userns.n_uid_map),
	  .max = NSRUN_IDMAP_MAX, .unit = UN_ranges, .feature = FEAT_userns, .needs = NS_USER, .req_ns = NS_USER,
	  .missing = MS_with_userns,
	  DOC("`[[inside, outside, count], …]` (≤ 5), feature `userns`", "—", "required with `user`, an error "
	      "without it; written by nsrun to `/proc/PID/uid_map` before the container goes on",
	      "[0,100000,65536]", "\"namespaces\":[\"mount\",\"user\"],\"gid_map\":[[0,100000,65536]]") },
	{ .path = FP(gid_map), .parse = PF_p_idmap, .off = OFF(userns.gid_map), .off_n = OFF(userns.n_gid_map),
	  .max = NSRUN_IDMAP_MAX, .unit = UN_ranges, .feature = FEAT_userns, .needs = NS_USER, .req_ns = NS_USER,
	  .missing = MS_with_userns,
	  DOC("as `uid_map`", "—", "`/proc/PID/gid_map`, likewise", "[0,100000,65536]",
	      "\"namespaces\":[\"mount\",\"user\"],\"uid_map\":[[0,100000,65536]]") },
	{ .path = FP(time_offsets), .parse = PF_p_object, .off = OFF(time), .feature = FEAT_timens, .needs = NS_TIME,
	  DOC(NULL, NULL, NULL, NULL, NULL) },
	{ .path = FP(time_offsets_monotonic), .parse = PF_p_offset, .off = OFF(time.monotonic),
	  DOC("integer seconds, ±10 years, feature `timens`", "0", "`/proc/self/timens_offsets`, written before "
	      "the container's first process enters the namespace; an error without `time`", "86400",
	      "\"namespaces\":[\"mount\",\"time\"]") },
	{ .path = FP(time_offsets_boottime), .parse = PF_p_offset, .off = OFF(time.boottime),
	  DOC("as `monotonic`", "0", "likewise, for `CLOCK_BOOTTIME`", "-86400", "\"namespaces\":[\"mount\",\"time\"]") },
	{ .path = FP(mounts), .parse = PF_p_mounts, .off = OFF(mounts), .off_n = OFF(n_mounts),
	  .max = NSRUN_MOUNTS_MAX, .unit = UN_mounts,
	  DOC(NULL, NULL, NULL, "{\"type\":\"tmpfs\",\"target\":\"/t\"}", NULL) },
	{ .path = FP(mounts___type), .parse = PF_p_mtype, .off = MOFF(type),
	  DOC("`\"bind\"` or `\"tmpfs\"`", "—", "", "{\"type\":\"tmpfs\",\"target\":\"/t\"}", NULL) },
	{ .path = FP(mounts___target), .parse = PF_p_below_root, .off = MOFF(target),
	  .missing = MS_inside_path,
	  DOC("absolute path, no `..`", "—", "resolved inside the root as if it were `/` (symlinks and `..` in "
	      "the image never lead out); created when missing (needs a writable root, i.e. an overlay, unless it "
	      "exists in the image)", "{\"type\":\"tmpfs\",\"target\":\"/t\"}", NULL) },
	{ .path = FP(mounts___source), .parse = PF_p_source, .off = MOFF(source), .only = 1 + M_BIND,
	  .missing = MS_host_path,
	  DOC("absolute host path (bind), not inside `/run/nsrun`", "—", "`MS_BIND \\| MS_REC`, then "
	      "`MOUNT_ATTR_NODEV`: device nodes in it do not open",
	      "{\"type\":\"bind\",\"source\":\"/srv\",\"target\":\"/data\"}", NULL) },
	{ .path = FP(mounts___readonly), .parse = PF_p_bool, .off = MOFF(readonly), .only = 1 + M_BIND,
	  DOC("boolean (bind)", "`false`", "`mount_setattr(MOUNT_ATTR_RDONLY, AT_RECURSIVE)`; before 5.12 a "
	      "read-only remount of the top mount", "{\"type\":\"bind\",\"source\":\"/srv\",\"target\":\"/data\","
	      "\"readonly\":true}", NULL) },
	{ .path = FP(mounts___size), .parse = PF_p_size, .off = MOFF(size), .only = 1 + M_TMPFS,
	  DOC("size (tmpfs)", "the kernel's (half of RAM)", "`size=`",
	      "{\"type\":\"tmpfs\",\"target\":\"/t\",\"size\":\"4M\"}", NULL) },
	{ .path = FP(mounts___mode), .parse = PF_p_mode, .off = MOFF(mode), .only = 1 + M_TMPFS,
	  DOC("octal string (tmpfs)", "`\"1777\"`", "`mode=`",
	      "{\"type\":\"tmpfs\",\"target\":\"/t\",\"mode\":\"0755\"}", NULL) },
	{ .path = FP(sysctl), .parse = PF_p_sysctl, .off = OFF(sysctl), .max = NSRUN_SYSCTL_MAX, .unit = UN_sysctls,
	  DOC("object `\"name\": \"value\"` (≤ 32)", "none", "written under the container's `/proc/sys` before "
	      "it is made read-only; only namespaced ones: `net.*` (needs `net`), `kernel.shm*`, `kernel.msg*`, "
	      "`kernel.sem*`, `fs.mqueue.*` (need `ipc`), `kernel.hostname`, `kernel.domainname` (need `uts`)",
	      "{\"net.ipv4.ip_unprivileged_port_start\":\"0\"}", NULL) },
	{ .path = FP(masked_paths), .parse = PF_p_paths, .off = OFF(masked), .max = NSRUN_PATHS_MAX, .unit = UN_paths,
	  DOC("array of absolute paths (≤ 32)", "`/proc/acpi /proc/asound /proc/kcore /proc/keys "
	      "/proc/latency_stats /proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi /sys/firmware`",
	      "a file gets `/dev/null` bound over it, a directory an empty read-only tmpfs; a missing path is "
	      "skipped; resolved inside the root; replaces the default list, `[]`: none", "\"/proc/kcore\"",
	      NULL) },
	{ .path = FP(readonly_paths), .parse = PF_p_paths, .off = OFF(readonly), .max = NSRUN_PATHS_MAX, .unit = UN_paths,
	  DOC("array of absolute paths (≤ 32)", "`/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger`",
	      "each bound onto itself and made read-only (`EROFS` on a write); a missing path is skipped; "
	      "replaces the default list, `[]`: none", "\"/proc/sys\"", NULL) },
	{ .path = FP(cgroup), .parse = PF_p_cgroup, .off = OFF(cg), .feature = FEAT_cgroup,
	  DOC(NULL, NULL, NULL, NULL, NULL) },
	{ .path = FP(cgroup_parent), .parse = PF_p_below_root, .off = OFF(cg.parent), .arg = 1,
	  DOC("absolute path", "—", "the parent cgroup; default `nsrun` under the cgroup2 mount that "
	      "`/proc/self/mountinfo` shows (usually `/sys/fs/cgroup`). Created when missing, marked with the "
	      "xattr `trusted.nsrun`, and removed by the last container that leaves it empty; a parent nsrun did "
	      "not create is never removed", "\"/sys/fs/cgroup/apps\"", NULL) },
	NSRUN_CG_KEYS(CG_ROW)
	{ .path = FP(net), .parse = PF_p_net, .off = OFF(net), .feature = FEAT_net, .needs = NS_NET,
	  DOC(NULL, NULL, NULL, NULL, NULL) },
	{ .path = FP(net_bridge), .parse = PF_p_ifname, .off = OFF(net.bridge),
	  .missing = MS_bridge,
	  DOC("interface name, required", "—", "the bridge the host end joins (`IFLA_MASTER`); must exist unless "
	      "`bridge_address` is given", "\"br-lan\"", NULL) },
	{ .path = FP(net_bridge_address), .parse = PF_p_addrs, .off = OFF(net.bridge_addr),
	  .off_n = OFF(net.n_bridge_addr), .max = NSRUN_NET_ADDRS, .unit = UN_addresses, .arg = 1,
	  DOC("CIDR or list of CIDRs (IPv4, IPv6)", "—", "when the bridge is missing nsrun creates it, marks it "
	      "with the alias `nsrun`, gives it a random MAC of its own (so the gateway's MAC stays when ports "
	      "come and go), these addresses, and sets it up; the last nsrun container to leave it with no port "
	      "removes it. A bridge nsrun did not create is never changed beyond its own veth "
	      "joining and leaving", "\"10.42.0.1/24\"", NULL) },
	{ .path = FP(net_host_if), .parse = PF_p_ifname, .off = OFF(net.host_if),
	  DOC("interface name", "`ve-NAME`", "the host end of the pair", "\"ve-web\"", NULL) },
	{ .path = FP(net_container_if), .parse = PF_p_ifname, .off = OFF(net.container_if),
	  DOC("interface name", "`eth0`", "the peer, inside", "\"eth0\"", NULL) },
	{ .path = FP(net_address), .parse = PF_p_addrs, .off = OFF(net.addr), .off_n = OFF(net.n_addr),
	  .max = NSRUN_NET_ADDRS, .unit = UN_addresses, .arg = 1,
	  DOC("CIDR or list of CIDRs", "none", "`RTM_NEWADDR` on the peer (IPv6 without duplicate detection, so "
	      "usable at once)", "\"10.42.0.2/24\"", NULL) },
	{ .path = FP(net_gateway), .parse = PF_p_gateway, .off = OFF(net.gw),
	  DOC("IPv4 address", "none", "default route via it", "\"10.42.0.1\"", NULL) },
	{ .path = FP(net_gateway6), .parse = PF_p_gateway, .off = OFF(net.gw6), .arg = 1,
	  DOC("IPv6 address", "none", "default IPv6 route via it", "\"fd42::1\"", NULL) },
	{ .path = FP(net_mtu), .parse = PF_p_mtu, .off = OFF(net.mtu),
	  DOC("68–65535", "the kernel's", "`IFLA_MTU` of both ends", "1500", NULL) },
	{ .path = FP(net_mac), .parse = PF_p_mac, .off = OFF(net.mac),
	  DOC("`\"02:42:0a:2a:00:02\"` (unicast)", "random", "`IFLA_ADDRESS` of the peer",
	      "\"02:42:0a:2a:00:02\"", NULL) },
	{ .path = FP(net_dns), .parse = PF_p_addrs, .off = OFF(net.dns), .off_n = OFF(net.n_dns),
	  .max = NSRUN_DNS_MAX, .unit = UN_addresses,
	  DOC("list of ≤ 3 addresses", "none", "`/etc/resolv.conf`, bound read-only over the image's",
	      "\"10.42.0.1\"", NULL) },
	{ .path = FP(net_hosts), .parse = PF_p_hosts, .off = OFF(net.host_name), .max = NSRUN_HOSTS_MAX, .unit = UN_hosts,
	  DOC("object `\"name\": \"address\"` (≤ 32)", "none; `/etc/hosts` is written whenever `net.address` "
	      "is set", "`/etc/hosts` with `localhost`, the container's own addresses as its hostname, and these; "
	      "bound read-only over the image's", "{\"nas\":\"10.42.0.10\"}", NULL) },
	{ .path = FP(net_masquerade), .parse = PF_p_bool, .off = OFF(net.masquerade), .feature = FEAT_nat,
	  DOC("boolean, feature `nat`", "`false`", "a `masquerade` rule in `table inet nsrun` (chain `postrouting`) "
	      "for each of the container's addresses: packets from it leaving through any interface but the "
	      "bridge get the outgoing interface's address", "true", NULL) },
	{ .path = FP(net_ports), .parse = PF_p_ports, .off = OFF(net.port), .off_n = OFF(net.n_ports),
	  .max = NSRUN_PORTS_MAX, .unit = UN_ports, .feature = FEAT_nat,
	  DOC(NULL, NULL, NULL, "{\"host\":8080,\"container\":80}", NULL) },
	{ .path = FP(net_ports___host), .parse = PF_p_port, .off = POFF(host), .missing = MS_host_port,
	  DOC("1–65535, required", "—", "a `dnat` rule in chains `prerouting` and `output` for packets to this "
	      "port of one of the host's own addresses (`fib daddr type local`); for each family the container "
	      "has an address of (≤ 12 ports); with any port, a hairpin `masquerade` rule per family in "
	      "`postrouting` (below)", "{\"host\":8080,\"container\":80}", NULL) },
	{ .path = FP(net_ports___container), .parse = PF_p_port, .off = POFF(container),
	  .missing = MS_ctr_port,
	  DOC("1–65535, required", "—", "the port they go to, at the container's first address of the family",
	      "{\"host\":8080,\"container\":80}", NULL) },
	{ .path = FP(net_ports___proto), .parse = PF_p_proto, .off = POFF(proto),
	  DOC("`\"tcp\"` or `\"udp\"`", "`\"tcp\"`", "`meta l4proto`",
	      "{\"host\":5353,\"container\":53,\"proto\":\"udp\"}", NULL) },
	{ .path = FP(net_ports___host_address), .parse = PF_p_gateway, .off = POFF(addr), .arg = 2,
	  DOC("IPv4 or IPv6 address", "every address of the host", "`ip daddr` (or `ip6 daddr`) instead of "
	      "`fib daddr type local`: the port is published on that address only, in its family",
	      "{\"host\":8080,\"container\":80,\"host_address\":\"192.0.2.1\"}", NULL) },
	{ .path = FP(net_ip_forward), .parse = PF_p_bool, .off = OFF(net.ip_forward), .feature = FEAT_nat,
	  DOC("boolean, feature `nat`", "`false`", "`false`: a warning when `net.ipv4.ip_forward` (or, with an "
	      "IPv6 address, `net.ipv6.conf.all.forwarding`) is 0; `true`: nsrun sets it to 1, and back to 0 "
	      "at exit if it switched it and no other nsrun container has rules left", "true", NULL) },
};
static const size_t schema_len = sizeof schema / sizeof schema[0];

static const char *const default_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
static const char *const default_masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
};
static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* ---- the OCI rows: an OCI bundle's config.json (issue 17) ---------------
 * A second table for the same walker, filling the same struct cfg: keys
 * without a row are ignored (the spec's rule: ctx.lax), OCI's shapes are
 * read by the small parsers below and land in nsrun's own fields; the
 * README's "OCI runtime mode" has the map.  g_oci_parse (declared with
 * p_idrange, which reads both shapes of a range) picks the table: 1 a
 * config.json, 2 exec's process.json (the "process" rows at the top). */
static int p_ociver(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const char *s;

	(void)f, (void)out;
	if (cfg_string(x, v, name, &s) < 0)
		return -1;
	if (strncmp(s, "1.", 2) || s[2] < '0' || s[2] > '9')
		return cfg_err(x, v, 0, name, "expected a 1.x.y version, got \"%s\"", s);
	return 0;
}

/* uid, gid, a device's major and minor (ARG 0); umask (ARG 1); a device's
 * fileMode (ARG 2): 32-bit fields. */
static int p_oid(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	int64_t t;

	if (cfg_int(x, v, name, 0, f->arg == 2 ? 07777 : f->arg ? 0777 : 4294967294LL, &t) < 0)
		return -1;
	*(uint32_t *)out = (uint32_t)t;
	return 0;
}

/* process.user.additionalGids: the app's supplementary groups. */
static int p_ogid(const struct ctx *x, const cJSON *e, const char *name, const struct field *f, void *out, int i)
{
	int64_t t;

	(void)f;
	if (cfg_int(x, e, name, 0, 4294967294LL, &t) < 0)
		return -1;
	((uint32_t *)out)[i] = (uint32_t)t;
	return 0;
}

/* process.rlimits[]: {type: "RLIMIT_NOFILE", soft, hard}. */
static int p_orlimit(const struct ctx *x, const cJSON *e, const char *name, const struct field *f, void *out, int i)
{
	struct rlim_cfg *l = (struct rlim_cfg *)out + i;
	char fn[160], lc[16] = "";
	const cJSON *t = js_member(e, "type", fn, sizeof fn, name), *s = cJSON_GetObjectItemCaseSensitive(e, "soft"),
		    *h = cJSON_GetObjectItemCaseSensitive(e, "hard");
	const char *ts = cJSON_IsString(t) ? t->valuestring : "";
	int k;

	(void)f;
	if (!t || !s || !h || rlim_value(x, s, &l->soft) < 0 || rlim_value(x, h, &l->hard) < 0)
		return cfg_err(x, e, 0, name, "expected {type, soft, hard}");
	for (k = 0; !strncmp(ts, "RLIMIT_", 7) && k < 15 && ts[7 + k]; k++)
		lc[k] = ts[7 + k] | 32;         /* RLIMIT_NOFILE: nofile */
	if ((l->which = rlim_find(lc)) == NSRUN_RLIMITS)
		return cfg_err(x, t, 0, fn, "unknown limit \"%s\"", ts);
	if (l->soft > l->hard)
		return cfg_err(x, e, 0, name, "the soft limit is above the hard one");
	return 0;
}

/* linux.namespaces[]: {type, path}: a new one, or (path) one to join. */
static int p_onamespace(const struct ctx *x, const cJSON *e, const char *name, const struct field *f, void *out, int i)
{
	char fn[160], fp[160];
	const cJSON *t = js_member(e, "type", fn, sizeof fn, name), *p = js_member(e, "path", fp, sizeof fp, name);
	unsigned before = *(unsigned *)out, bit;
	const char **path;

	if (!t)                                 /* (or E is not an object) */
		return cfg_err(x, e, 0, fn, "missing");
	/* OCI's "network" is nsrun's "net": the rest are the same names */
	if (cJSON_IsString(t) && !strcmp(t->valuestring, "network"))
		strcpy(t->valuestring, "net");
	if (p_namespace(x, t, fn, f, out, i) < 0)
		return -1;
	bit = *(unsigned *)out & ~before;
	if (!p)
		return 0;
	path = &x->c->oci.ns_path[__builtin_ctz(bit)];
	if (cfg_abspath(x, p, fp, path) < 0)
		return -1;
	if (bit != NS_USER)                     /* joined, not made (oci_join); a joined user namespace */
		*(unsigned *)out &= ~bit;       /* is one still: its mount namespace, its /dev's binds */
	return 0;
}

/* The objects read by their own rows (oci_sub: oci_subs[OS_X]). */
enum { OS_LINUX, OS_RESOURCES, OS_PROCESS, OS_MOUNT, OS_HOOK, OS_DEV };
static int oci_sub(const struct ctx *x, const cJSON *v, const char *name, int k, void *base);

/* mounts[]: proc, sysfs, devpts, mqueue and cgroup at their usual places,
 * and tmpfs on /dev and /dev/shm, are nsrun's own standard mounts (section
 * 8's std_mounts: mnt_is_std); bind/rbind and other tmpfs become nsrun's
 * "mounts".  Options: the words of om_words (mount(8)'s), each setting or
 * clearing one MS_ bit (om_bits: its number, + 0x80 to clear), a leading
 * "r" also MS_REC (rbind, rprivate; rro...: nsrun's attributes are
 * recursive anyway); "key=value" words are a tmpfs's data (ignored on a
 * bind and a standard mount, which keeps nsrun's); any other word is
 * refused (tmpcopyup too).  nsrun's own flags stay whatever a word clears. */
static int mnt_is_std(const char *type, const char *dest, unsigned char *extra, unsigned fl);

static const char om_words[] = "suid\0dev\0exec\0atime\0diratime\0symfollow\0relatime\0strictatime\0ro\0rw\0sync\0"
			       "async\0dirsync\0bind\0unbindable\0private\0slave\0shared\0newinstance\0";
static const unsigned char om_bits[] = { 0x81, 0x82, 0x83, 0x8a, 0x8b, 0x88, 21, 24, 0, 0x80, 4, 0x84, 7, 12, 17, 18, 19, 20 };
enum { OM_NO = 8, OM_BIND = 13, OM_PROP, OM_NOOP = OM_PROP + 4, OM_N };

static int p_omount(const struct ctx *x, const cJSON *e, const char *name, const struct field *f, void *out, int i)
{
	struct cfg *c = x->c;
	struct oci_mount *m = &c->oci.m;
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(e, "options");
	struct mount_cfg mc = { .mode = 01777, .type = M_TMPFS };
	char fn[160];
	int n = 0;
	const char *type;

	(void)f, (void)out;
	*m = (struct oci_mount){ 0 };
	i = 0;
	if (oci_sub(x, e, name, OS_MOUNT, m) < 0)
		return -1;
	type = m->type ? m->type : "";
	for (const cJSON *w = opts ? opts->child : NULL; w; w = w->next, i++) {
		const char *s = w->valuestring;
		const char *t = s;
		int k, r = 0, no = 0;
		unsigned *to, bit;

		/* rbind, rprivate (rro, rnosuid...: as ro, nosuid); nosuid... */
		while ((k = packed_find(om_words, t)) == OM_N && !no && (*t == 'r' || (*t == 'n' && t[1] == 'o')))
			r = *t == 'r' ? t++, MS_REC : (t += 2, no = 0x80, 0);
		if (no && k >= OM_NO)
			k = OM_N;
		if (k == OM_N && (!strchr(s, '=') || (size_t)(n += strfmt(mc.data + n, sizeof mc.data - (size_t)n, ",%s", s)) >=
						      sizeof mc.data)) {
			strfmt(fn, sizeof fn, "%s.options[%d]", name, i);
			return cfg_err(x, w, 0, fn, "%s \"%s\"", n < (int)sizeof mc.data ? "unknown mount option" :
				       "past the 95 bytes of a mount's data", s);
		}
		if (k >= OM_NOOP)
			continue;
		bit = 1u << (om_bits[k] & 31);
		to = k >= OM_PROP ? &mc.prop : &mc.flags;
		*to = (om_bits[k] ^ no) & 0x80 ? *to & ~bit : *to | bit | (k >= OM_BIND ? r : 0);
	}
	if (!strcmp(type, "bind") || (mc.flags & MS_BIND))
		mc.type = M_BIND;
	if (mc.type == M_TMPFS && mnt_is_std(type, m->dest, c->oci.std_fl, mc.flags & NSRUN_MOUNT_ATTRS))
		return 0;
	if (mc.type == M_TMPFS && strcmp(type, "tmpfs"))
		return cfg_err(x, e, 0, name, "a \"%s\" mount on %s is not supported", type, m->dest);
	if (c->n_mounts == NSRUN_MOUNTS_MAX)
		return cfg_err(x, e, 0, name, "more than %d mounts", NSRUN_MOUNTS_MAX);
	if (mc.type == M_BIND && (!m->src || *m->src != '/' || in_rundir(m->src)))
		return cfg_err(x, e, 0, name, "a bind needs an absolute source outside " NSRUN_RUNDIR);
	mc.source = m->src, mc.target = m->dest;
	c->mounts[c->n_mounts++] = mc;
	return 0;
}

/* hooks.X[]: {path, args, env, timeout} (the "hooks[]" rows); run by
 * oci_hooks, which finds the timeout + 1 (0: none) in the hook's valueint. */
static int p_ohook(const struct ctx *x, const cJSON *e, const char *name, const struct field *f, void *out, int i)
{
	struct oci_mount *m = &x->c->oci.m;

	(void)f, (void)out, (void)i;
	m->timeout = ~0u;                       /* none */
	if (oci_sub(x, e, name, OS_HOOK, m) < 0)
		return -1;
	((cJSON *)e)->valueint = (int)(m->timeout + 1); /* for oci_hooks (cJSON leaves it 0: cfg_int) */
	return 0;
}

/* hooks: an object of the six lists (oci_hook_names); other keys ignored. */
static const char oci_hook_names[] = "prestart\0createRuntime\0createContainer\0startContainer\0poststart\0poststop\0";

static int p_ohooks(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	const char *n = oci_hook_names;
	char fh[64];

	if (cfg_want(x, v, name, cJSON_Object, "an object") < 0)
		return -1;
	for (int i = 0; i < OCI_HOOKS; i++, n += strlen(n) + 1) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(v, n);

		if (h && cfg_each(x, h, field_name(fh, sizeof fh, name, n), f, out, p_ohook) < 0)
			return -1;
		((const void **)out)[i] = h;
	}
	return 0;
}

/* annotations: an object of strings, kept for state as its text. */
static int p_oannot(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct oci_cfg *o = out;
	char fa[160];

	(void)f;
	if (cfg_want(x, v, name, cJSON_Object, "an object of strings") < 0)
		return -1;
	for (const cJSON *e = v->child; e; e = e->next)
		if (cfg_want(x, e, field_name(fa, sizeof fa, name, e->string), cJSON_String, "a string") < 0)
			return -1;
	o->annot = x->text + cfg_where(x, v, 0);
	o->alen = (int)(js_skip(o->annot) - o->annot);
	return 0;
}

/* linux.resources: a value that is no limit (what a new cgroup has anyway)
 * is skipped, so a spec without a real limit needs no cgroup; the rest are
 * nsrun's own cgroup keys (ARG: the cg_keys row), fail closed at start.
 * cpu.shares becomes cpu.weight (runc's formula), cpu.quota + period one
 * cpu.max, memory.limit/pids.limit -1 (or 0) none. */
static int p_ocg(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct cg_cfg *cg = out;                /* (at most 7 writes: never full) */
	const struct cg_key *k = &cg_keys[f->arg];
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(x->c->oci.cpu, "period");
	cJSON *n = (cJSON *)v;
	char num[48], *vs = v->valuestring;
	uint64_t mag, per = 100000;
	int64_t t;
	int neg, rc, type = v->type;

	if (cJSON_IsNumber(v)) {
		if (cfg_int(x, v, name, INT64_MIN, INT64_MAX, &t) < 0)
			return -1;
		if (t <= 0 || (k->kind == CG_WEIGHT && t == 1024))
			return 0;               /* no limit */
		mag = (uint64_t)t;
		if (k->kind == CG_WEIGHT)       /* shares 2..262144 -> weight 1..10000 */
			mag = 1 + ((mag < 2 ? 0 : mag > 262144 ? 262142 : mag - 2) * 9999) / 262142;
		if (f->arg == CGK_memory_swap_max) {    /* memory + swap: the swap above memory.limit */
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(x->c->oci.cpu, "limit");
			uint64_t lim = 0;

			if (!l || js_integer(x, l, &neg, &lim) < 0 || neg || !lim || lim > mag)
				return cfg_err(x, v, 0, name, "expected -1, or a limit with memory.limit at most it");
			mag -= lim;
		}
		if (p)
			js_integer(x, p, &neg, &per);
		strfmt(num, sizeof num, k->kind == CG_CPUMAX ? "%llu %llu" : "%llu", (unsigned long long)mag,
		       (unsigned long long)per);
		n->type = cJSON_String, n->valuestring = num;   /* checked as nsrun's string, in its place */
	} else if (cJSON_IsString(v) && !*v->valuestring) {
		return 0;
	}
	rc = cfg_cg_value(x, v, k, name, &cg->w[cg->n]);
	n->type = type, n->valuestring = vs;
	if (rc < 0)
		return -1;
	cg->n++;
	cg->on = 1;
	return 0;
}

static int p_ocpu(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	x->c->oci.cpu = v;
	return p_object(x, v, name, f, out);
}

/* The parts of OCI nsrun does not do: one line, never silently ignored. */
static int p_orefuse(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)out;
	if (cJSON_IsNull(v) || (cJSON_IsArray(v) && !v->child) || cJSON_IsFalse(v))
		return 0;
	(void)f;
	return cfg_err(x, v, 0, name, "not supported");
}

/* linux.rootfsPropagation: the root's, set by oci_child. */
static int p_oprop(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	static const unsigned fl[] = { MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE };
	int i;

	(void)f;
	if (cfg_word(x, v, name, "\"shared\", \"slave\", \"private\" or \"unbindable\"", &i) < 0)
		return -1;
	return *(unsigned *)out = fl[i], 0;
}

/* linux.devices[]: {path, type c|u|b|p, major, minor, fileMode, uid, gid}, by
 * their rows (oci_dev_rows); the type checked here. */
static int p_odev(const struct ctx *x, const cJSON *e, const char *name, const struct field *f, void *out, int i)
{
	struct oci_dev *d = (struct oci_dev *)out + i;
	char fn[160];
	const cJSON *v = js_member(e, "type", fn, sizeof fn, name);

	(void)f;
	d->mode = 0666;
	if (oci_sub(x, e, name, OS_DEV, d) < 0)
		return -1;
	if (!d->type || !*d->type || !strchr("cubp", *d->type) || d->type[1])
		return cfg_err(x, v ? v : e, 0, fn, "expected c, u, b or p");
	return 0;
}

/* The lists: a row's ARG picks the parser of its elements. */
enum { OE_NS, OE_IDMAP, OE_RLIMIT, OE_MOUNT, OE_GID, OE_DEV };
static const cfg_elem_fn oci_elems[] = { p_onamespace, p_idrange, p_orlimit, p_omount, p_ogid, p_odev };

static int p_olist(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	return cfg_each(x, v, name, f, out, oci_elems[f->arg]) < 0 ? -1 : 0;
}

/* linux.seccomp: OCI's profile into section 3b's builder (its actions for
 * each number: sc_actions, sc_build).  An action of oci_sc_acts (LOG:
 * allowed; KILL*, TRAP: the process killed); ERRNO with errnoRet: one errno
 * (the default's, else the first rule's) and ENOSYS.  A rule with args is
 * one of the builder's two checks when it allows personality(0, 8 or
 * 0xffffffff) (A_PERS: all three) or clone/unshare with (flags & MASK) == 0
 * (A_NEWUSER), over a denying errno; any other allowing rule with args is
 * left out, a denying one applies whatever the args: never weaker.  Names
 * nsrun does not know (other arches') are ignored; architectures and flags
 * too (any other arch is killed). */
static const char oci_sc_acts[] = "ALLOW\0LOG\0ERRNO\0KILL\0KILL_PROCESS\0KILL_THREAD\0TRAP\0";
static const unsigned char oci_sc_av[] = { A_ALLOW, A_ALLOW, A_ERRNO, A_KILL, A_KILL, A_KILL, A_KILL, A_DFLT };

/* O's action (key K: "action", "defaultAction"; its errno: KErrnoRet) for
 * S: an A_ code, or -1. */
static int p_osc_act(const struct ctx *x, const cJSON *o, const char *k, const char *name, struct seccomp_cfg *s)
{
	char fn[160];
	const cJSON *a = js_member(o, k, fn, sizeof fn, name);
	const char *n = cJSON_GetStringValue(a);
	int i = oci_sc_av[n && !strncmp(n, "SCMP_ACT_", 9) ? packed_find(oci_sc_acts, n + 9) : 7];
	int64_t e = EPERM;

	if (i != A_ERRNO)
		return i != A_DFLT ? i : cfg_err(x, a ? a : o, 0, fn, "expected a supported SCMP_ACT_ action");
	if ((a = js_member(o, *k == 'a' ? "errnoRet" : "defaultErrnoRet", fn, sizeof fn, name)) &&
	    cfg_int(x, a, fn, 0, 4095, &e) < 0)
		return -1;
	if (e == ENOSYS)
		return A_ENOSYS;
	if (s->err < 0)
		s->err = e;
	return s->err == e ? A_ERRNO : cfg_err(x, a ? a : o, 0, fn, "a second errno besides ENOSYS is not supported");
}

/* Argument G's K: a missing one 0, one that is no integer ~0 (matches
 * none of the checks). */
static uint64_t p_osc_arg(const struct ctx *x, const cJSON *g, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(g, k);
	uint64_t m = 0;
	int neg;

	return !v || (js_integer(x, v, &neg, &m) == 0 && !neg) ? m : ~0ULL;
}

/* syscalls[]: {names, action, errnoRet, args}. */
static int p_osc_rule(const struct ctx *x, const cJSON *e, const char *name, const struct field *f, void *out, int i)
{
	struct seccomp_cfg *s = out;
	char fn[160];
	const cJSON *names = js_member(e, "names", fn, sizeof fn, name), *g = cJSON_GetObjectItemCaseSensitive(e, "args");
	int a = p_osc_act(x, e, "action", name, s), k;
	unsigned pers = 0, mask = 0;

	(void)f, (void)i;
	if (a < 0 || !names || cfg_want(x, names, fn, cJSON_Array, "an array of names") < 0)
		return a < 0 || names ? -1 : cfg_err(x, e, 0, fn, "missing");
	if (g && (g = g->child) && a == A_ALLOW) {      /* allowed with a condition: left out (A_DFLT) ... */
		const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "op"));
		uint64_t v = p_osc_arg(x, g, "value");

		a = A_DFLT;                     /* ... but for one on the first argument: personality's values, clone's mask */
		if (!g->next && op && !p_osc_arg(x, g, "index") && v <= 0xffffffff) {
			if (!strcmp(op, "SCMP_CMP_EQ"))
				pers = v == 0 ? 1 : v == 8 ? 2 : v == 0xffffffff ? 4 : 0;
			if (!strcmp(op, "SCMP_CMP_MASKED_EQ") && !p_osc_arg(x, g, "valueTwo"))
				mask = (unsigned)v;
		}
	}
	for (const cJSON *n = names->child; n; n = n->next) {
		if (cfg_want(x, n, fn, cJSON_String, "a string") < 0)
			return -1;
		if ((k = sc_index(n->valuestring)) < 0)
			continue;
		SC_ADD(s, k);
		if (a != A_DFLT)
			s->by_nr[sc_v(k)] = (unsigned char)a;
		else if (k == SC_personality)
			s->pers |= (unsigned char)pers;
		else if (mask && (k == SC_clone || k == SC_unshare))
			s->mask |= mask, s->pers |= (unsigned char)(8 << (k == SC_unshare));
	}
	return 0;
}

static int p_osc(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	struct seccomp_cfg *s = out;
	char fn[160];
	const cJSON *l = js_member(v, "syscalls", fn, sizeof fn, name);
	int d;
	static const unsigned short chk[] = { SC_N_personality, SC_N_clone, SC_N_unshare };
	static const unsigned char pat[] = { 7, 8, 16 }, act[] = { A_PERS, A_NEWUSER, A_NEWUSER };

	s->err = -1;
	if ((d = p_osc_act(x, v, "defaultAction", name, s)) < 0)
		return -1;
	s->mode = SCM_OCI, s->dflt = (unsigned char)d;
	memset(s->by_nr, d, 512);
	if (l && cfg_each(x, l, fn, f, s, p_osc_rule) < 0)
		return -1;
	if (s->err < 0)
		s->err = EPERM;
	for (int k = 0; k < 3; k++)             /* a check where the number is refused with the errno */
		if ((s->pers & pat[k]) == pat[k] && s->by_nr[chk[k]] == A_ERRNO)
			s->by_nr[chk[k]] = act[k];
	return 0;
}

#define OOFF(member) offsetof(struct oci_mount, member)
/* The rows of "linux", "linux.resources" and "process", their paths below
 * them (p_osub reads each object by its own rows). */
static const struct field oci_linux_rows[] = {
	{ .path = FP(namespaces), .parse = PF_p_olist, .off = OFF(ns), .max = 8, .unit = UN_namespaces,
	  .arg = OE_NS },
	{ .path = FP(uidMappings), .parse = PF_p_olist, .off = OFF(userns.uid_map), .off_n = OFF(userns.n_uid_map),
	  .max = NSRUN_IDMAP_MAX, .unit = UN_ranges, .feature = FEAT_userns, .needs = NS_USER, .req_ns = NS_USER,
	  .missing = MS_with_userns, .arg = OE_IDMAP },
	{ .path = FP(gidMappings), .parse = PF_p_olist, .off = OFF(userns.gid_map), .off_n = OFF(userns.n_gid_map),
	  .max = NSRUN_IDMAP_MAX, .unit = UN_ranges, .feature = FEAT_userns, .needs = NS_USER, .req_ns = NS_USER,
	  .missing = MS_with_userns, .arg = OE_IDMAP },
	{ .path = FP(maskedPaths), .parse = PF_p_paths, .off = OFF(masked), .max = NSRUN_PATHS_MAX, .unit = UN_paths },
	{ .path = FP(readonlyPaths), .parse = PF_p_paths, .off = OFF(readonly), .max = NSRUN_PATHS_MAX, .unit = UN_paths },
	{ .path = FP(sysctl), .parse = PF_p_sysctl, .off = OFF(sysctl), .max = NSRUN_SYSCTL_MAX, .unit = UN_sysctls },
	{ .path = FP(devices), .parse = PF_p_olist, .off = OFF(oci.dev), .off_n = OFF(oci.n_dev), .max = NSRUN_DEVS_MAX,
	  .unit = UN_entries, .arg = OE_DEV },
	{ .path = FP(rootfsPropagation), .parse = PF_p_oprop, .off = OFF(oci.rprop) },
	{ .path = FP(cgroupsPath), .parse = PF_p_string, .off = OFF(oci.cgroups_path), .feature = FEAT_cgroup },
	{ .path = FP(resources), .parse = PF_p_osub, .arg = OS_RESOURCES },
	{ .path = FP(seccomp), .parse = PF_p_osc, .off = OFF(sc), .max = 1024, .unit = UN_rules, .feature = FEAT_seccomp },
	{ .path = FP(timeOffsets), .parse = PF_p_orefuse },
};

static const struct field oci_res_rows[] = {
	{ .path = FP(memory), .parse = PF_p_ocpu },
	{ .path = FP(memory_limit), .parse = PF_p_ocg, .off = OFF(cg), .arg = CGK_memory_max,
	  .feature = FEAT_cgroup },
	{ .path = FP(pids), .parse = PF_p_object },
	{ .path = FP(pids_limit), .parse = PF_p_ocg, .off = OFF(cg), .arg = CGK_pids_max,
	  .feature = FEAT_cgroup },
	{ .path = FP(cpu), .parse = PF_p_ocpu },
	{ .path = FP(cpu_shares), .parse = PF_p_ocg, .off = OFF(cg), .arg = CGK_cpu_weight,
	  .feature = FEAT_cgroup },
	{ .path = FP(cpu_quota), .parse = PF_p_ocg, .off = OFF(cg), .arg = CGK_cpu_max,
	  .feature = FEAT_cgroup },
	{ .path = FP(cpu_cpus), .parse = PF_p_ocg, .off = OFF(cg), .arg = CGK_cpuset_cpus,
	  .feature = FEAT_cgroup },
	{ .path = FP(cpu_mems), .parse = PF_p_ocg, .off = OFF(cg), .arg = CGK_cpuset_mems,
	  .feature = FEAT_cgroup },
	{ .path = FP(memory_swap), .parse = PF_p_ocg, .off = OFF(cg), .arg = CGK_memory_swap_max,
	  .feature = FEAT_cgroup },
	{ .path = FP(cpu_realtimeRuntime), .parse = PF_p_orefuse },
	{ .path = FP(hugepageLimits), .parse = PF_p_orefuse },
	{ .path = FP(unified), .parse = PF_p_orefuse },
};

static const struct field oci_mount_rows[] = {         /* mounts[] */
	{ .path = FP(destination), .parse = PF_p_below_root, .off = OOFF(dest), .missing = MS_abspath },
	{ .path = FP(type), .parse = PF_p_string, .off = OOFF(type) },
	{ .path = FP(source), .parse = PF_p_string, .off = OOFF(src) },
	{ .path = FP(options), .parse = PF_p_strlist, .off = OOFF(opt), .max = 64, .unit = UN_entries, .arg = 2 },
};

#define DOFF(member) offsetof(struct oci_dev, member)
static const struct field oci_dev_rows[] = {           /* linux.devices[] */
	{ .path = FP(path), .parse = PF_p_abspath, .off = DOFF(path), .missing = MS_abspath },
	{ .path = FP(type), .parse = PF_p_string, .off = DOFF(type) },
	{ .path = FP(major), .parse = PF_p_oid, .off = DOFF(major) },
	{ .path = FP(minor), .parse = PF_p_oid, .off = DOFF(minor) },
	{ .path = FP(fileMode), .parse = PF_p_oid, .off = DOFF(mode), .arg = 2 },
	{ .path = FP(uid), .parse = PF_p_oid, .off = DOFF(uid) },
	{ .path = FP(gid), .parse = PF_p_oid, .off = DOFF(gid) },
};

static const struct field oci_hook_rows[] = {          /* hooks.X[] */
	{ .path = FP(path), .parse = PF_p_abspath, .off = OOFF(dest), .missing = MS_abspath },
	{ .path = FP(args), .parse = PF_p_strlist, .off = OOFF(opt), .max = NSRUN_ARGS_MAX, .unit = UN_entries,
	  .arg = 2 },
	{ .path = FP(env), .parse = PF_p_strlist, .off = OOFF(env), .max = NSRUN_ARGS_MAX, .unit = UN_entries,
	  .arg = 1 },
	{ .path = FP(timeout), .parse = PF_p_oid, .off = OOFF(timeout) },
};

static const struct field oci_proc_rows[] = {
	{ .path = FP(terminal), .parse = PF_p_bool, .off = OFF(proc.terminal) },
	{ .path = FP(args), .parse = PF_p_strlist, .off = OFF(proc.args), .max = NSRUN_ARGS_MAX, .unit = UN_entries,
	  .missing = MS_program },
	{ .path = FP(env), .parse = PF_p_strlist, .off = OFF(proc.env), .max = NSRUN_ARGS_MAX, .unit = UN_entries,
	  .arg = 1 },
	{ .path = FP(cwd), .parse = PF_p_abspath, .off = OFF(proc.cwd), .missing = MS_abspath },
	{ .path = FP(user), .parse = PF_p_object },
	{ .path = FP(user_uid), .parse = PF_p_oid, .off = OFF(proc.uid) },
	{ .path = FP(user_gid), .parse = PF_p_oid, .off = OFF(proc.gid) },
	{ .path = FP(user_additionalGids), .parse = PF_p_olist, .off = OFF(proc.groups), .off_n = OFF(proc.n_groups),
	  .max = NSRUN_GROUPS_MAX, .unit = UN_entries, .arg = OE_GID },
	{ .path = FP(user_umask), .parse = PF_p_oid, .off = OFF(proc.umask), .arg = 1 },
	{ .path = FP(capabilities), .parse = PF_p_object },
	{ .path = FP(capabilities_bounding), .parse = PF_p_caps, .off = OFF(proc.caps), .max = NSRUN_CAPS,
	  .unit = UN_capabilities },
	{ .path = FP(capabilities_inheritable), .parse = PF_p_caps, .off = OFF(proc.icaps), .max = NSRUN_CAPS,
	  .unit = UN_capabilities },
	{ .path = FP(capabilities_ambient), .parse = PF_p_caps, .off = OFF(proc.acaps), .max = NSRUN_CAPS,
	  .unit = UN_capabilities },
	{ .path = FP(noNewPrivileges), .parse = PF_p_bool, .off = OFF(proc.no_new_privs) },
	{ .path = FP(oomScoreAdj), .parse = PF_p_oom, .off = OFF(proc.oom_score_adj) },
	{ .path = FP(rlimits), .parse = PF_p_olist, .off = OFF(proc.rlim), .off_n = OFF(proc.n_rlim),
	  .max = NSRUN_RLIMITS, .unit = UN_limits, .arg = OE_RLIMIT },
};

/* (the tables and their counts apart: 45 bytes, not 80 of {pointer, size_t}) */
#define OCI_ROWS(t) sizeof t / sizeof t[0]
static const struct field *const oci_subs[] = { oci_linux_rows, oci_res_rows, oci_proc_rows, oci_mount_rows, oci_hook_rows,
						oci_dev_rows };
static const unsigned char oci_subs_n[] = {
	OCI_ROWS(oci_linux_rows), OCI_ROWS(oci_res_rows), OCI_ROWS(oci_proc_rows), OCI_ROWS(oci_mount_rows), OCI_ROWS(oci_hook_rows),
	OCI_ROWS(oci_dev_rows),
};

/* Object V by its own rows (oci_subs[K]), named NAME, into BASE. */
static int oci_sub(const struct ctx *x, const cJSON *v, const char *name, int k, void *base)
{
	struct ctx y = *x;

	y.rows = oci_subs[k], y.nrows = oci_subs_n[k];
	return cfg_obj(&y, v, "", name, base, 0);
}

static int p_osub(const struct ctx *x, const cJSON *v, const char *name, const struct field *f, void *out)
{
	(void)out;
	return oci_sub(x, v, name, f->arg, x->c);
}

static const struct field oci_rows[] = {
	{ .path = FP(ociVersion), .parse = PF_p_ociver, .missing = MS_version },
	{ .path = FP(linux), .parse = PF_p_osub, .arg = OS_LINUX },
	{ .path = FP(root), .parse = PF_p_object, .missing = MS_path_obj },
	{ .path = FP(root_path), .parse = PF_p_string, .off = OFF(root.path), .missing = MS_root_dir },
	{ .path = FP(root_readonly), .parse = PF_p_bool, .off = OFF(root.rw), .arg = 1 },
	{ .path = FP(hostname), .parse = PF_p_hostname, .off = OFF(hostname) },      /* (uts: oci_check) */
	{ .path = FP(process), .parse = PF_p_osub, .arg = OS_PROCESS, .missing = MS_args_cwd },
	{ .path = FP(mounts), .parse = PF_p_olist, .max = 4 * NSRUN_MOUNTS_MAX, .unit = UN_mounts,
	  .arg = OE_MOUNT },
	{ .path = FP(hooks), .parse = PF_p_ohooks, .off = OFF(oci.hooks), .max = 16, .unit = UN_hooks },
	{ .path = FP(annotations), .parse = PF_p_oannot, .off = OFF(oci) },
};

static const cfg_fn field_parsers[PF__N] = { FIELD_PARSERS(FIELD_PARSER_ROW) };

/* An OCI config.json (g_oci_parse 1) or exec's process (2): OCI's defaults
 * where they differ from nsrun's, then the rows. */
static int oci_check(const struct ctx *x, struct cfg *c)
{
	c->proc.caps = 0;
	c->proc.no_new_privs = 0;
	c->proc.env[0] = NULL;
	c->masked.n = c->readonly.n = 0;
	c->root.rw = 1;
	c->sc.mode = SCM_NONE;
	c->oci.annot = "{}", c->oci.alen = 2;
	if (g_oci_parse == 2)
		return oci_sub(x, x->root, "", OS_PROCESS, c);
	if (cfg_obj(x, x->root, "", "", c, 0) < 0)
		return -1;
	if (c->hostname && !(c->ns & NS_UTS) && !c->oci.ns_path[2])     /* a new uts namespace, or one joined */
		return cfg_err(x, x->root, 0, "hostname", "needs the \"uts\" namespace");
	if (!(c->ns & NS_MOUNT) && !c->oci.ns_path[1])
		return cfg_err(x, x->root, 0, "linux.namespaces", "a \"mount\" namespace is required (new or joined)");
	sc_build(c);
	return 0;
}

/* The whole config: defaults, then the rows from the top. */
static int cfg_check(const struct ctx *x, struct cfg *c)
{
	c->ns = NS_PID | NS_MOUNT | NS_UTS | NS_IPC | NS_NET | NS_CGROUP;
	if (cfg_obj(x, x->root, "", "", c, 0) < 0)
		return -1;
	if (!c->hostname && (c->ns & NS_UTS))
		c->hostname = c->name;
	sc_build(c);
	return 0;
}

/* Byte B as an error line shows it: itself, or escaped ('\n', '\x01'),
 * so the line stays one line. */
static const char *show_byte(char b, char buf[8])
{
	static const char esc[] = "\nn\tt\rr";
	const char *e = b ? strchr(esc, b) : NULL;
	unsigned char u = (unsigned char)b;

	if (e && (e - esc) % 2 == 0)
		strfmt(buf, 8, "\\%c", e[1]);
	else if (u < 32 || u == 127)
		strfmt(buf, 8, "\\x%02x", u);
	else
		strfmt(buf, 8, "%c", b);
	return buf;
}

/* Parse and check BUF (LEN bytes and a NUL, from malloc: C keeps it, or
 * it is freed on error). */
static int cfg_parse_buf(struct cfg *c, const char *file, char *buf, size_t len)
{
	struct ctx x = { file, buf, NULL, c, schema, schema_len, 0 };
	const char *end = NULL;
	cJSON *root;
	int line, col;
	int rc = -1;

	memset(c, 0, sizeof *c);
	c->file = file;
	c->proc.cwd = "/";
	c->proc.no_new_privs = 1;
	c->proc.umask = 022;
	c->proc.caps = NSRUN_CAPS_DEFAULT;
	c->sc.err = EPERM;
	c->stop_timeout = 10;
	c->masked.path = default_masked;
	c->masked.n = sizeof default_masked / sizeof default_masked[0];
	c->readonly.path = default_readonly;
	c->readonly.n = sizeof default_readonly / sizeof default_readonly[0];
	memcpy(c->proc.env, default_env, sizeof default_env);
	if (len > NSRUN_CONFIG_MAX || memchr(buf, 0, len)) {
		const char *nul = memchr(buf, 0, len);
		size_t off = nul && nul - buf <= NSRUN_CONFIG_MAX ? (size_t)(nul - buf) : NSRUN_CONFIG_MAX;

		line_col(buf, off, &line, &col);
		if (off == NSRUN_CONFIG_MAX)
			failx("%s:%d:%d: config larger than %d bytes", file, line, col, NSRUN_CONFIG_MAX);
		else
			failx("%s:%d:%d: not a text file (a NUL byte)", file, line, col);
		free(buf);
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);     /* len + 1: the NUL */
	if (!root && g_arena_full) {
		failx("%s: config too large to hold in memory", file);
	} else if (!root) {
		size_t off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
		char near[8];

		/* A comment ("//", "slash-star"): cJSON stops at its second byte. */
		if (off > 0 && off < len && buf[off - 1] == '/' && (buf[off] == '/' || buf[off] == '*'))
			off--;
		line_col(buf, off, &line, &col);
		if (off >= len)
			failx("%s:%d:%d: syntax error: unexpected end of input", file, line, col);
		else
			failx("%s:%d:%d: syntax error near '%s'", file, line, col, show_byte(buf[off], near));
	} else {
		c->json = root;
		c->text = buf;
		x.root = root;
		if (WITH_OCI && g_oci_parse)
			x.rows = oci_rows, x.nrows = sizeof oci_rows / sizeof oci_rows[0], x.lax = 1;
		if ((rc = x.lax ? oci_check(&x, c) : cfg_check(&x, c)) < 0)
			cfg_free(c);
		return rc;
	}
	free(buf);
	return rc;
}

/* TEXT (LEN bytes, no NUL needed) as a config: a copy is parsed. */
int cfg_parse(struct cfg *c, const char *file, const char *text, size_t len)
{
	char *buf = malloc(len + 1);

	if (!buf) {
		memset(c, 0, sizeof *c);
		return fail("%s: read config", file);
	}
	memcpy(buf, text, len);
	buf[len] = 0;
	return cfg_parse_buf(c, file, buf, len);
}

void cfg_free(struct cfg *c)
{
	c->proc.filter = NULL;                  /* (sc_prog) */
	cJSON_Delete(c->json);
	free(c->text);
	c->json = NULL;
	c->text = NULL;
}

/* A config error found at start (a cgroup limit the kernel refuses, a
 * missing controller): the same one line, at the value that asked for it. */
__attribute__((format(printf, 4, 5)))
static int cfg_err_at(const struct cfg *c, const void *node, const char *field, const char *fmt, ...)
{
	struct ctx x = { c->file, c->text, c->json, (struct cfg *)c, schema, schema_len, 0 };
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vstrfmt(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return cfg_err(&x, node, 0, field, "%s", msg);
}

/* Read FILE (at most NSRUN_CONFIG_MAX bytes) and parse it. */
static int cfg_load(const char *file, struct cfg *c)
{
	/* Read into the arena, right where cJSON's nodes will follow once the
	 * block is cut to the text's size: one page touched for both. */
	char *buf = malloc(NSRUN_CONFIG_MAX + 2), *p;
	size_t len = 0;
	ssize_t n = -1;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		fail("%s: %s config", file, fd < 0 ? "open" : "read");
		free(buf);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, buf + len, NSRUN_CONFIG_MAX + 1 - len)) > 0)
		if ((len += (size_t)n) == NSRUN_CONFIG_MAX + 1)
			break;
	if (n < 0) {
		fail("%s: read config", file);
		close(fd);
		free(buf);
		return -1;
	}
	close(fd);
	if ((p = realloc(buf, len + 1)))        /* smaller: the same block */
		buf = p;
	buf[len] = 0;
	return cfg_parse_buf(c, file, buf, len);
}

/* ==[ 5. image ]===========================================================
 * Owns:  the container's root: the work tmpfs (sized for the overlay), the
 *        image on a loop device (read-only, autoclear) or a directory bind,
 *        the overlay.  The loop device is found or attached by nsrun; the
 *        mounts are made where they cost least and never reach the host's
 *        mount table.  The work tmpfs covers NSRUN_RUNDIR itself, in the
 *        namespace that builds the root: a mount point that always exists
 *        and is private to that namespace, so nothing is made or removed on
 *        the host's file system for it (bind sources in NSRUN_RUNDIR are
 *        refused by the config check: they would be hidden).  It is made:
 *        - by the container itself, right after the clone, in its own mount
 *          namespace (a slave of the host's): the default.  nsrun keeps no
 *          mount namespace of its own, so there is none to detach or to
 *          tear down at exit (each costs an RCU grace period);
 *        - with a user namespace, by nsrun before the clone, in a private
 *          mount namespace of its own (squashfs cannot be mounted from
 *          inside a user namespace); the clone copies them.  nsrun keeps
 *          its copy until it exits and the namespace goes with it: a
 *          detach would cost a grace period of its own while the
 *          container's pivot waits for one (they serialize), and the
 *          namespace's teardown at exit costs one anyway.  Meanwhile
 *          NSRUN_RUNDIR is covered there: nsrun reaches it through g_rundir.
 * Entry: img_prepare() (nsrun); img_mount() through img_root() (section 8),
 *        on the side that mounts
 * Undo:  none: the mounts go with their namespace
 * ====================================================================== */
#define WORK_DIR NSRUN_RUNDIR           /* the work tmpfs's mount point */
#define WORK_ROOT WORK_DIR "/root"      /* the container's root */
struct run {
	struct cfg *c;
	char state[256];                /* NSRUN_RUNDIR/NAME.pid */
	int state_fd;
	struct undo *u_child;
	uid_t root_uid;                 /* host ids of the container's root */
	gid_t root_gid;
	pid_t child;
	char cg[NSRUN_PATH_MAX + 16];   /* the container's cgroup, PARENT/NAME */
	int cg_fd;                      /* its directory, for clone3 */
	int go[2];                      /* nsrun -> container: maps are written; the signal set */
	int errp[2];                    /* container -> nsrun: setup error text, read at its end */
	int own_ns;                     /* nsrun mounts, in its own namespace (user namespace) */
	int img_lock, img_file, img_loop; /* the image, its lock and loop device: held until mounted */
	char img_dev[32];
	unsigned img_comp;              /* its squashfs compressor (img_head), for a mount's error */
	uint64_t sig_ign;               /* the app resets these (sig_ignored) */
	unsigned long long start_ticks; /* the container's start (state_record); 0: unknown */
	const char *pidfile;            /* run --pidfile: the init's host pid goes there */
	int ready_fd;                   /* run --ready-fd N, or -1 */
	int ready[2];                   /* init -> nsrun: the app's execve succeeded */
	int exec_fd;                    /* NAME.sock, listening: init serves nsrun exec */
	int oci;                        /* an OCI create: the app is the container's process (9b. oci) */
};

/* The OCI mode's options and state (section 9b. oci). */
enum { O_ROOT, O_LOG, O_LOGFMT, O_SYSTEMD, O_DEBUG, O_ROOTLESS, O_CRIU,         /* global */
       O_BUNDLE, O_PIDFILE, O_CONSOLE, O_NOPIVOT, O_NOKEYRING, O_PRESERVE, O_DETACH, O_PROCESS, O_ALL, O_FORCE,
       O_FORMAT, O__N };
static const char oci_opt_names[] = "root\0log\0log-format\0systemd-cgroup\0debug\0rootless\0criu\0bundle\0pid-file\0"
	"console-socket\0no-pivot\0no-new-keyring\0preserve-fds\0detach\0process\0all\0force\0format\0";
static const char oci_opt_short[O__N] = { [O_BUNDLE] = 'b', [O_DETACH] = 'd', [O_ALL] = 'a', [O_FORCE] = 'f',
					  [O_FORMAT] = 'f' };
#define OB(o) (1u << O_##o)
#define O_VALUED (OB(ROOT) | OB(LOG) | OB(LOGFMT) | OB(ROOTLESS) | OB(CRIU) | OB(BUNDLE) | OB(PIDFILE) | \
		  OB(CONSOLE) | OB(PRESERVE) | OB(PROCESS) | OB(FORMAT))
#define O_GLOBAL (OB(ROOT) | OB(LOG) | OB(LOGFMT) | OB(SYSTEMD) | OB(DEBUG) | OB(ROOTLESS) | OB(CRIU))
#define O_CREATE (OB(BUNDLE) | OB(PIDFILE) | OB(CONSOLE) | OB(NOPIVOT) | OB(NOKEYRING) | OB(PRESERVE))

static struct {
	const char *opt[O__N];          /* the options given: a value, or "" */
	const char *id;
	char dir[NSRUN_PATH_MAX];       /* ROOT/ID */
	char bundle[NSRUN_PATH_MAX], rootfs[NSRUN_PATH_MAX], cg[NSRUN_PATH_MAX];
	int fifo, ready;                /* the child's: exec.fifo (O_PATH), its end of "set up" */
	int nsfd[8];                    /* linux.namespaces' paths kept open (enum ns_bit's bit number): the
					 * mount one joined by the child, user by ns_clone's helper */
	int time;                       /* with a time namespace joined: nsrun's own (oci_join) */
	int preserve;                   /* --preserve-fds N */
	int tty;                        /* --console-socket, connected (process.terminal) */
	pid_t pid;                      /* the container's host pid */
	const struct cfg *c;
} g_oci;                                /* fifo, ready: 0 (in .bss) until set */


/* LEN bytes of BUF written to PATH, opened write-only with FLAGS (mode
 * 0644): write's count, or -1 and errno (open's or write's). */
static ssize_t write_path(const char *path, int flags, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0644), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	e = errno;
	close(fd);
	errno = e;
	return n;
}

static int write_file(const char *path, const char *s)
{
	return write_path(path, 0, s, strlen(s)) < 0 ? -1 : 0;
}

/* Read a small file (/proc/misc, cgroup.controllers, memory.events) into BUF. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* getcwd(3) into BUF as musl's does it (an unreachable cwd, the kernel's
 * "(unreachable)/...", is ENOENT), without libc's, which links strdup()
 * for a NULL BUF: BUF, or NULL and errno. */
static char *cwd_get(char *buf, size_t len)
{
	long n = syscall(SYS_getcwd, buf, len);

	if (n < 0)
		return NULL;
	if (n == 0 || buf[0] != '/')
		return errno = ENOENT, NULL;
	return buf;
}

/* fcntl(2) with an int argument (F_GETFD, F_SETFD, F_DUPFD_CLOEXEC), raw:
 * musl's fcntl (0.4 KB) adds what nsrun never needs (F_GETOWN, F_SETLKW,
 * the F_DUPFD_CLOEXEC of kernels before 2.6.24, and after each dup an
 * F_SETFD for them). */
static int fd_ctl(int fd, int cmd, int arg)
{
#ifdef SYS_fcntl64
	return (int)syscall(SYS_fcntl64, fd, cmd, arg);         /* (what musl calls on 32-bit arches) */
#else
	return (int)syscall(SYS_fcntl, fd, cmd, arg);
#endif
}

/* Create PATH (mode 0644) holding LEN bytes of BUF. */
static int write_new(const char *path, const char *buf, size_t len)
{
	ssize_t n = write_path(path, O_CREAT | O_TRUNC, buf, len);

	if (n >= 0)
		errno = EIO;            /* (when short) */
	return n == (ssize_t)len ? 0 : -1;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[NSRUN_PATH_MAX];

	strfmt(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/* A file read line by line: fgets on a file descriptor (stdio's FILE
 * would bring 3 KiB of libc for /proc/self/mountinfo alone). */
struct lines {
	int fd;
	size_t at, end;                 /* what of buf is still to be read */
	char buf[1024];
};

/* The next line of L into LINE (SIZE bytes, the newline kept), or as much
 * of it as fits: the rest comes next, as with fgets.  Returns its length,
 * 0 at the end. */
static size_t lines_next(struct lines *l, char *line, size_t size)
{
	size_t n = 0;

	while (n + 1 < size && (!n || line[n - 1] != '\n')) {
		if (l->at == l->end) {
			ssize_t k = read(l->fd, l->buf, sizeof l->buf);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			l->at = 0, l->end = (size_t)k;
		}
		line[n++] = l->buf[l->at++];
	}
	line[n] = 0;
	return n;
}

/* One line of /proc/partitions: the device open if it is a loop device
 * bound to the image (same inode, read-only, offset 0, no size limit), else
 * -1.  Only devices of the image's size are opened and asked. */
static int img_loop_try(char *line, const struct stat *st, char *dev, size_t devlen)
{
	unsigned long long want = (unsigned long long)st->st_size >> 10;   /* 1 KiB blocks */
	/* "major minor #blocks name": loop is major 7; "loopNpM" is a partition */
	unsigned long long major = scan_num(line, &line, 10);
	struct loop_info64 li;
	char *name;
	int fd;

	scan_num(line, &line, 10);                              /* minor */
	if (major != 7 || scan_num(line, &line, 10) != want)
		return -1;
	name = line + strspn(line, " \t");
	if (strncmp(name, "loop", 4) || !name[4] || name[4 + strspn(name + 4, "0123456789")] || strlen(name) > 16)
		return -1;
	strfmt(dev, devlen, "/dev/%s", name);
	if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (ioctl(fd, LOOP_GET_STATUS64, &li) == 0 && li.lo_inode == st->st_ino &&
	    li.lo_device == (uint64_t)st->st_dev && !li.lo_offset && !li.lo_sizelimit &&
	    (li.lo_flags & LO_FLAGS_READ_ONLY))
		return fd;
	close(fd);
	return -1;
}

/* A loop device already bound to the image (same inode, read-only, offset
 * 0, no size limit), attached by another container or by the vendor's own
 * `mount -o loop`: mounting it again hands back the mounted superblock and
 * its warm cache instead of decompressing into a cold one.  The candidates
 * come from /proc/partitions, which lists exactly the loop devices that are
 * bound (an unbound one has no capacity), with their size.  (A scan of
 * /sys/block costs a sysfs lookup per device, bound or not.)  Returns the
 * device open: held, it can be neither cleared nor rebound until the mount
 * has its own reference.  -1: there is none. */
static int img_loop_find(const struct stat *st, char *dev, size_t devlen)
{
	char line[128];
	struct lines f = { .fd = open("/proc/partitions", O_RDONLY | O_CLOEXEC) };
	int fd = -1;

	/* lines_next: plain reads (no stdio buffer to allocate) */
	while (f.fd >= 0 && fd < 0 && lines_next(&f, line, sizeof line)) {
		line[strcspn(line, "\n")] = 0;
		fd = img_loop_try(line, st, dev, devlen);
	}
	if (f.fd >= 0)
		close(f.fd);
	return fd;
}

/* Attach the image FFD (named FILE) read-only with autoclear: the device
 * goes away when its last user (the squashfs superblock) does; nsrun never
 * detaches a device itself.  SIZELIMIT is 0, or for root.verity the file's
 * size: a mark that keeps img_loop_find from ever handing a device that a
 * dm-verity table holds to an unverified start (its mount would get EBUSY).  LOOP_CONFIGURE (5.8) in one call, else
 * LOOP_SET_FD + LOOP_SET_STATUS64; EBUSY means another attacher won the
 * free device first: ask again. */
static int img_loop_attach(int ffd, const char *file, uint64_t sizelimit, char *dev, size_t devlen)
{
	struct loop_config lc;
	int ctl, lfd = -1, n;

	if ((ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) < 0)
		return fail("open /dev/loop-control");
	memset(&lc, 0, sizeof lc);
	lc.fd = (uint32_t)ffd;
	lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	lc.info.lo_sizelimit = sizelimit;
	strfmt((char *)lc.info.lo_file_name, sizeof lc.info.lo_file_name, "%s", file);
	for (int tries = 0; tries < 64; tries++) {
		if ((n = ioctl(ctl, LOOP_CTL_GET_FREE)) < 0) {
			fail("get a free loop device");
			break;
		}
		strfmt(dev, devlen, "/dev/loop%d", n);
		if ((lfd = open(dev, O_RDONLY | O_CLOEXEC)) < 0) {
			fail("open %s", dev);
			break;
		}
		if (ioctl(lfd, LOOP_CONFIGURE, &lc) == 0)
			break;
		if (errno == EINVAL || errno == ENOTTY) {               /* before 5.8 */
			if (ioctl(lfd, LOOP_SET_FD, ffd) == 0) {
				if (ioctl(lfd, LOOP_SET_STATUS64, &lc.info) == 0)
					break;
				fail("configure %s", dev);
				ioctl(lfd, LOOP_CLR_FD, 0);
				close(lfd), lfd = -1;
				break;
			}
		}
		if (errno != EBUSY) {
			fail("attach %s to %s", file, dev);
			close(lfd), lfd = -1;
			break;
		}
		close(lfd), lfd = -1;
	}
	if (lfd < 0 && !g_err[0])
		failx("attach %s: every free loop device was taken by someone else", file);
	close(ctl);
	return lfd;
}

/* Squashfs compressor ids (the superblock's u16 at 20): each one's name
 * and the kernel option that reads it, CONFIG_SQUASHFS_ and this (none
 * reads lzma: mainline Linux never did).  img_mount's message has the
 * rest ("gzip-compressed squashfs (CONFIG_SQUASHFS_ZLIB)"). */
static const char sqfs_comp[][2][5] = {
	[1] = { "gzip", "ZLIB" }, [2] = { "lzma" }, [3] = { "lzo", "LZO" }, [4] = { "xz", "XZ" },
	[5] = { "lz4", "LZ4" }, [6] = { "zstd", "ZSTD" },
};

/* What an image that is not a squashfs looks like: magic bytes at an
 * offset, and (the row's string of img_what) what that says it is.  (No
 * pointers in the rows: 8 bytes each on 64-bit.) */
static const struct {
	unsigned short at;
	unsigned char len;
	char magic[6];
} img_magic[] = {
	{ 0, 4, "sqsh" }, { 0, 2, "\x1f\x8b" }, { 0, 6, "\xfd" "7zXZ\0" }, { 0, 4, "\x7f" "ELF" },
	{ 0, 4, "\x27\x05\x19\x56" }, { 0, 4, "\xd0\x0d\xfe\xed" }, { 0, 4, "UBI#" }, { 257, 5, "ustar" },
	{ 1080, 2, "\x53\xef" },
};
static const char img_what[] = "a big-endian squashfs (version 3 or older; Linux reads only 4.0)\0"
	"gzip-compressed data\0xz-compressed data\0an ELF executable\0a U-Boot image\0"
	"a FIT image or device tree\0a UBI image\0a tar archive\0an ext2/3/4 file system";
#define IMG_HEAD 96                     /* the squashfs superblock */
#define IMG_LOOK 1082                   /* the bytes img_magic looks at */

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The first N bytes H of the image (SIZE bytes; 0: a device, size unknown):
 * the squashfs's compressor id, or -1 and WHY it is no squashfs Linux can
 * mount (what it looks like, when N reaches IMG_LOOK).  Pure: unit-tested. */
static int img_head(const unsigned char *h, size_t n, uint64_t size, char *why, size_t len)
{
	const char *what = NULL;
	size_t i = 0, text = 0;

	if (n >= 4 && !memcmp(h, "hsqs", 4)) {
		if (n < IMG_HEAD)
			strfmt(why, len, "truncated: %zu bytes, shorter than a squashfs superblock", n);
		else if (get_le(h + 28, 2) != 4)
			strfmt(why, len, "squashfs version %u.%u (Linux reads only 4.0)", (unsigned)get_le(h + 28, 2),
			       (unsigned)get_le(h + 30, 2));
		else if (size && get_le(h + 40, 8) > size)
			strfmt(why, len, "truncated: its superblock says %llu bytes, the file has %llu",
			       (unsigned long long)get_le(h + 40, 8), (unsigned long long)size);
		else
			return (int)get_le(h + 20, 2);
		return -1;
	}
	for (const char *w = img_what; i < sizeof img_magic / sizeof img_magic[0] && !what; i++, w += strlen(w) + 1)
		if (n >= (size_t)img_magic[i].at + img_magic[i].len &&
		    !memcmp(h + img_magic[i].at, img_magic[i].magic, img_magic[i].len))
			what = w;
	while (text < n && text < IMG_HEAD && h[text] >= 9 && h[text] != 127 && (h[text] <= 13 || h[text] >= 32))
		text++;
	if (!what && n && text == (n < IMG_HEAD ? n : IMG_HEAD))
		what = "text";
	i = (size_t)strfmt(why, len, "%snot a squashfs image", n ? "" : "an empty file, ");
	if (what && i < len)
		strfmt(why + i, len - i, " (it looks like %s)", what);
	return -1;
}

/* Before any loop device is looked for: a squashfs 4.0, one read of its
 * superblock on the image's descriptor FD; r->img_comp is its compressor.
 * Only when it is not is the rest of IMG_LOOK read, to say what it is. */
static int img_check(struct run *r, int fd, const struct stat *st)
{
	const char *file = r->c->root.image;
	unsigned char h[IMG_LOOK];
	uint64_t size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	char why[160];
	ssize_t n;
	int comp;

	if (S_ISDIR(st->st_mode))
		return failx("image %s is a directory: a directory root is root.path, not root.image", file);
	if ((n = pread(fd, h, IMG_HEAD, 0)) < 0)
		return fail("read image %s", file);
	if ((comp = img_head(h, (size_t)n, size, why, sizeof why)) >= 0) {
		r->img_comp = (unsigned)comp;
		return 0;
	}
	if (n == IMG_HEAD && (n = pread(fd, h, sizeof h, 0)) > 0)
		img_head(h, (size_t)n, size, why, sizeof why);
	return failx("image %s: %s", file, why);
}

/* The image again, on its own descriptor r->img_file (to attach: see
 * img_loop), and the file the lock is on (ST): the path may have been
 * replaced since.  0, or -1 and a message. */
static int img_reopen(struct run *r, const struct stat *st)
{
	const char *file = r->c->root.image;
	struct stat st2;

	if ((r->img_file = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(r->img_file, &st2) < 0)
		return fail("open image %s", file);
	if (st2.st_ino != st->st_ino || st2.st_dev != st->st_dev)
		return failx("open image %s: the file was replaced while nsrun opened it", file);
	return 0;
}

/* ---- root.verity: a dm-verity device between the loop and the squashfs --
 * Set up with the device-mapper ioctls on /dev/mapper/control: no
 * libdevmapper, veritysetup or udev; the node is devtmpfs's /dev/dm-N.
 * nsrun never loads a module: /proc/misc must list device-mapper before
 * the control node is opened (opening it would load dm-mod), and the
 * verity target must be in DM_LIST_VERSIONS before a table names it (a
 * table load would load dm-verity).  The device is named
 * nsrun-DEV-INO-HASH (the image file and a hash of every other parameter):
 * starts of the same file with the same parameters find it under the
 * image's lock and share it, and its mounted superblock.  Its maker opens
 * it once it is live (the disk exists from the first table load on) and at
 * once asks for its removal with DM_DEFERRED_REMOVE: the kernel removes it
 * at its last close (the last container's mount, or nsrun's own
 * descriptor, whenever nsrun dies), and its loops, autoclear, then go too.
 * Each start holds the device open until its container has exited, reads
 * the target's status (V, or C once a block failed), and then removes it
 * when it is the last user (U_DM): at once, not after the kernel's work
 * queue.  A device found half-made (its maker died between create and
 * resume) is removed and made again; one left live (its maker died before
 * the deferred removal) is shared, and its last user removes it; a device
 * that vanishes between the look and the open is made again. */
#define VERITY_SB 512                   /* veritysetup's superblock */
static int g_dm_ctl = -1, g_dm_fd = -1; /* /dev/mapper/control; our device, held */
static char g_dm_name[64];              /* its name */

struct vsb {
	char alg[32];
	unsigned dbs, hbs;              /* data and hash block sizes */
	uint64_t blocks;                /* data blocks */
	unsigned salt_len;
	unsigned char salt[256];
};

/* The superblock `veritysetup format` writes (512 bytes, little-endian):
 * "verity\0\0", version 1, hash type, uuid, algorithm, the block sizes, the
 * number of data blocks, the salt.  0, or -1 and WHY.  Pure: unit-tested on
 * veritysetup's own output.  It need not be trusted: every value it gives
 * changes the tree, so a forged one fails the root hash. */
__attribute__((noinline))        /* (out of line: its one caller, img_verity, shrinks more than it grows) */
static int verity_sb_parse(const unsigned char *b, size_t n, struct vsb *sb, char *why, size_t len)
{
	uint64_t v;

	if (n < VERITY_SB || memcmp(b, "verity\0\0", 8)) {
		strfmt(why, len, "no verity superblock there (made with --no-superblock, or a wrong hash_offset?)");
		return -1;
	}
	if ((v = get_le(b + 8, 4)) != 1 || (v = get_le(b + 12, 4)) != 1) {
		strfmt(why, len, "verity superblock %s %u (nsrun reads version 1, hash type 1: veritysetup's "
		       "default)", get_le(b + 8, 4) != 1 ? "version" : "hash type", (unsigned)v);
		return -1;
	}
	memcpy(sb->alg, b + 32, sizeof sb->alg);
	sb->dbs = (unsigned)get_le(b + 64, 4);
	sb->hbs = (unsigned)get_le(b + 68, 4);
	sb->blocks = get_le(b + 72, 8);
	sb->salt_len = (unsigned)get_le(b + 80, 2);
	if (!memchr(sb->alg, 0, sizeof sb->alg) || !sb->alg[0] || sb->dbs < 512 || sb->dbs > 65536 ||
	    (sb->dbs & (sb->dbs - 1)) || sb->hbs < 512 || sb->hbs > 65536 || (sb->hbs & (sb->hbs - 1)) ||
	    !sb->blocks || sb->blocks > (1ULL << 48) || sb->salt_len > sizeof sb->salt) {
		strfmt(why, len, "a verity superblock with impossible values (block sizes %u/%u, %llu blocks, "
		       "salt %u bytes)", sb->dbs, sb->hbs, (unsigned long long)sb->blocks, sb->salt_len);
		return -1;
	}
	memcpy(sb->salt, b + 88, sb->salt_len);
	return 0;
}

/* The verity target's line: "1 DATA HASH DBS HBS BLOCKS HASHSTART ALG ROOT
 * SALT", and with a signature key KEY "2 root_hash_sig_key_desc KEY".
 * HASHSTART is in hash blocks: the first one after the superblock at
 * HASH_AT (as veritysetup open gives it).  No *_on_corruption option: a bad
 * block is EIO.  ROOT is lower-cased.  0, or -1 when BUF is too small.
 * Pure: unit-tested. */
static int verity_table(char *buf, size_t len, const struct vsb *sb, dev_t data, dev_t hash, uint64_t hash_at,
			const char *root, const char *key)
{
	char salt[2 * sizeof sb->salt + 1] = "-", hex[129];
	size_t i;

	for (i = 0; i < sb->salt_len; i++)
		strfmt(salt + 2 * i, 3, "%02x", sb->salt[i]);
	for (i = 0; root[i] && i < sizeof hex - 1; i++)
		hex[i] = (char)tolower((unsigned char)root[i]);
	hex[i] = 0;
	return strfmt(buf, len, "1 %u:%u %u:%u %u %u %llu %llu %s %s %s%s%s", major(data), minor(data),
		      major(hash), minor(hash), sb->dbs, sb->hbs, (unsigned long long)sb->blocks,
		      (unsigned long long)((hash_at + VERITY_SB + sb->hbs - 1) / sb->hbs), sb->alg, hex, salt,
		      key ? " 2 root_hash_sig_key_desc " : "", key ? key : "") < (int)len ? 0 : -1;
}

/* The device's name: "nsrun-" DEV-INO of the image, then a 64-bit FNV-1a of
 * the rest (algorithm, root hash in lower case, where the tree is, whether
 * a signature was checked).  Pure: unit-tested. */
static void verity_name(char *buf, size_t len, const struct verity_cfg *v, const struct stat *img,
			const struct stat *hash)
{
	char p[200];
	uint64_t h = 0xcbf29ce484222325ULL;

	strfmt(p, sizeof p, "%s:%s:%llx:%llx:%llx:%c", v->alg, v->root_hash, (unsigned long long)v->hash_offset,
	       hash ? (unsigned long long)hash->st_dev : 0ULL, hash ? (unsigned long long)hash->st_ino : 0ULL,
	       v->signature ? 's' : '-');
	for (const char *c = p; *c; c++)
		h = (h ^ (unsigned char)tolower((unsigned char)*c)) * 0x100000001b3ULL;
	strfmt(buf, len, "nsrun-%llx-%llx-%016llx", (unsigned long long)img->st_dev,
	       (unsigned long long)img->st_ino, (unsigned long long)h);
}

/* One root.verity error line: "FILE: root.verity: ...", errno's text when E. */
__attribute__((format(printf, 3, 4)))
static int verity_fail(const struct cfg *c, int e, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vstrfmt(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errno = e;
	return e ? fail("%s: root.verity: %s", c->file, msg) : failx("%s: root.verity: %s", c->file, msg);
}

/* The request buffer: a struct dm_ioctl, then what the command carries. */
static union {
	struct dm_ioctl h;
	char b[16384];
} g_dm;

static struct dm_ioctl *dm_req(const char *name, unsigned flags)
{
	struct dm_ioctl *h = &g_dm.h;

	memset(h, 0, sizeof *h + 256);
	h->version[0] = DM_VERSION_MAJOR;       /* minor 0: any 4.x kernel */
	h->data_size = sizeof g_dm;
	h->data_start = sizeof *h;
	h->flags = flags;
	strfmt(h->name, sizeof h->name, "%s", name ? name : "");
	return h;
}

static uint32_t proc_words(const char *file, const char *const *w, int stride, uint32_t mask);

/* The command REQ on the device NAME (FLAGS): ioctl's result; the answer
 * is in g_dm. */
static int dm_do(unsigned long req, const char *name, unsigned flags)
{
	return ioctl(g_dm_ctl, req, dm_req(name, flags));
}

/* The node of the device g_dm's answer names, in DEV (devtmpfs's). */
static void dm_node(char *dev, size_t devlen)
{
	strfmt(dev, devlen, "/dev/dm-%u", minor((dev_t)g_dm.h.dev));
}

/* /dev/mapper/control, in g_dm_ctl; only on a kernel that has device-mapper. */
static int dm_control(const struct cfg *c)
{
	static const char *const dm = "device-mapper";

	if (g_dm_ctl >= 0)
		return 0;
	if (!proc_words("/proc/misc", &dm, 1, 1))
		return verity_fail(c, 0, "this kernel has no device-mapper (CONFIG_BLK_DEV_DM, or its module "
				   "dm-mod not loaded): dm-verity needs it");
	if ((g_dm_ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC)) < 0)
		return verity_fail(c, errno, "open /dev/mapper/control");
	return 0;
}

/* Can this kernel's device-mapper make the table?  The verity target
 * (DM_LIST_VERSIONS names only the loaded ones, and never loads one), and
 * for a signature CONFIG_DM_VERITY_VERIFY_ROOTHASH_SIG, which is the only
 * thing that gives dm-verity its require_signatures parameter. */
static int dm_can(const struct cfg *c)
{
	struct dm_ioctl *h = &g_dm.h;
	const struct dm_target_versions *t;
	int found = 0;

	if (dm_do(DM_LIST_VERSIONS, NULL, 0) < 0)
		return verity_fail(c, errno, "list the device-mapper targets");
	for (size_t at = h->data_start; !found && at + sizeof *t < sizeof g_dm; at += t->next) {
		t = (const void *)(g_dm.b + at);
		found = memchr(t->name, 0, sizeof g_dm - at - sizeof *t) && !strcmp(t->name, "verity");
		if (!t->next)
			break;
	}
	if (!found)
		return verity_fail(c, 0, "this kernel's device-mapper has no verity target (CONFIG_DM_VERITY, "
				   "or its module dm-verity not loaded)");
	if (c->root.verity.signature && access("/sys/module/dm_verity/parameters/require_signatures", F_OK) < 0)
		return verity_fail(c, 0, "this kernel's dm-verity cannot check a signature "
				   "(CONFIG_DM_VERITY_VERIFY_ROOTHASH_SIG): root.verity.signature needs it");
	return 0;
}

/* The live device NAME, open (held: it cannot go while we hold it), its
 * node in DEV.  -1: none, none live, or it vanished meanwhile. */
static int dm_open(const char *name, char *dev, size_t devlen)
{
	struct dm_ioctl *h = &g_dm.h;
	struct stat st;
	dev_t d;
	int fd;

	if (dm_do(DM_DEV_STATUS, name, 0) < 0 || !(h->flags & DM_ACTIVE_PRESENT_FLAG) ||
	    (h->flags & DM_SUSPEND_FLAG))
		return -1;
	d = (dev_t)h->dev;
	dm_node(dev, devlen);
	if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != d) {
		close(fd);
		return -1;
	}
	return fd;
}

/* U_DM: let go of the device and remove it if nobody else holds it (EBUSY:
 * someone does; its removal stays deferred to their last close). */
static void dm_undo(const char *name)
{
	if (g_dm_fd >= 0)
		close(g_dm_fd), g_dm_fd = -1;
	if (g_dm_ctl >= 0 && dm_do(DM_DEV_REMOVE, name, 0) < 0 && errno != ENXIO &&
	    errno != EBUSY && errno != ENODEV)
		warn("remove device-mapper device %s", name);
}

/* After the container: the target's status, "C" once dm-verity refused a
 * block (a corruption the app's reads met), is one line. */
static void dm_report(const struct cfg *c, const char *name)
{
	struct dm_ioctl *h = &g_dm.h;

	if (g_dm_fd >= 0 && dm_do(DM_TABLE_STATUS, name, 0) == 0 && h->target_count == 1 &&
	    h->data_start + sizeof(struct dm_target_spec) < sizeof g_dm &&
	    g_dm.b[h->data_start + sizeof(struct dm_target_spec)] == 'C')
		fdfmt(2, "nsrun: %s: root.verity: %s is corrupted (dm-verity refused a block)\n", c->file,
		      c->root.image);
}

/* The signature file as a user key in nsrun's thread keyring, where the
 * kernel's request_key() finds it during the table load; its description
 * in DESC.  Unlinked right after the load (and by U_KEY on a failure). */
static long dm_key(const struct cfg *c, char *desc, size_t len, struct undo **u)
{
	char sig[8192];
	int fd = open(c->root.verity.signature, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, sig, sizeof sig);
	long k;

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return verity_fail(c, errno, "read signature %s", c->root.verity.signature);
	if (n == 0 || n == (ssize_t)sizeof sig)
		return verity_fail(c, 0, "signature %s: %s", c->root.verity.signature,
				   n ? "larger than 8 KiB: not a PKCS#7 signature of a root hash" : "empty file");
	strfmt(desc, len, "nsrun:verity:%d", (int)getpid());
	if (step(S_dm_key) < 0 ||
	    (k = syscall(SYS_add_key, "user", desc, sig, (size_t)n, (long)KEY_SPEC_THREAD_KEYRING)) < 0)
		return verity_fail(c, errno, "add the signature as a key (CONFIG_KEYS)");
	return (*u = undo_add(U_KEY, "key", (pid_t)k)) ? k : -1;
}

/* Make the device NAME over DATA and HASH (loop devices, open in the
 * caller) with the table of SB: create, load (read-only), resume, open,
 * removal deferred to the last close.  The device open, or -1.  (The
 * disk is registered at the first table load: no node to open before.) */
static int dm_make(const struct cfg *c, const char *name, const struct vsb *sb, dev_t data, dev_t hash,
		   uint64_t hash_at, char *dev, size_t devlen)
{
	const struct verity_cfg *v = &c->root.verity;
	struct dm_ioctl *h;
	struct dm_target_spec *t;
	struct undo *uk = NULL;
	char desc[48], *params;
	long key = 0;
	int fd = -1;

	for (int tries = 0; ; tries++) {
		if (step(S_dm_create) < 0)
			return verity_fail(c, errno, "create device-mapper device %s", name);
		if (dm_do(DM_DEV_CREATE, name, 0) == 0)
			break;
		/* EBUSY: the name is taken by a device half-made by a start
		 * that died, or by one on its way out: remove it, again. */
		if (errno != EBUSY || tries == 50)
			return verity_fail(c, errno, "create device-mapper device %s", name);
		dm_do(DM_DEV_REMOVE, name, 0);
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);      /* 2 ms */
	}
	dm_node(dev, devlen);
	if (!undo_add(U_DM, name, 0))
		return -1;
	if (v->signature && (key = dm_key(c, desc, sizeof desc, &uk)) < 0)
		return -1;
	h = dm_req(name, DM_READONLY_FLAG);
	h->target_count = 1;
	t = (void *)(g_dm.b + h->data_start);
	t->sector_start = 0;
	t->length = sb->blocks * (sb->dbs / 512);
	strfmt(t->target_type, sizeof t->target_type, "verity");
	params = (char *)(t + 1);
	if (verity_table(params, sizeof g_dm - h->data_start - sizeof *t, sb, data, hash, hash_at, v->root_hash,
			 key ? desc : NULL) < 0)
		return verity_fail(c, 0, "the verity table does not fit in %zu bytes", sizeof g_dm);
	h->data_size = (unsigned)((params - g_dm.b) + strlen(params) + 1 + 7) & ~7u;
	if (step(S_dm_load) < 0 || ioctl(g_dm_ctl, DM_TABLE_LOAD, h) < 0) {
		if (v->signature && errno != EIO)
			return verity_fail(c, errno, "the kernel refused the signature %s of the root hash",
					   v->signature);
		return verity_fail(c, errno, "load the verity table of %s", name);
	}
	if (uk) {
		if (syscall(SYS_keyctl, KEYCTL_UNLINK, key, (long)KEY_SPEC_THREAD_KEYRING) < 0)
			return verity_fail(c, errno, "unlink the signature key");
		undo_done(uk);
	}
	if (step(S_dm_resume) < 0 || dm_do(DM_DEV_SUSPEND, name, 0) < 0)
		return verity_fail(c, errno, "resume device-mapper device %s", name);
	/* The disk (and devtmpfs's node) exists from the first table load on. */
	if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) < 0)
		return verity_fail(c, errno, "open %s (device-mapper device %s; /dev needs devtmpfs)", dev, name);
	g_dm_fd = fd;
	if (dm_do(DM_DEV_REMOVE, name, DM_DEFERRED_REMOVE) < 0)
		return verity_fail(c, errno, "defer the removal of %s", name);
	return fd;
}

/* The image's dm-verity device: found, or made over loops attached here;
 * open in g_dm_fd, its node in r->img_dev (what img_mount mounts).  Called
 * with the image's shared lock held on r->img_lock; ST is the image. */
static int img_verity(struct run *r, const struct stat *st)
{
	const struct cfg *c = r->c;
	const struct verity_cfg *v = &c->root.verity;
	const char *hfile = v->hash_image ? v->hash_image : c->root.image;
	unsigned char b[VERITY_SB];
	char *name = g_dm_name, why[200], hdev[32];
	struct stat hs;
	struct vsb sb;
	uint64_t hash_at = v->hash_offset, have;
	int hfd = -1, hloop = -1, fd, rc = -1;
	ssize_t n;

	if (v->hash_image && ((hfd = open(v->hash_image, O_RDONLY | O_CLOEXEC)) < 0 || fstat(hfd, &hs) < 0))
		return verity_fail(c, errno, "open hash_image %s", v->hash_image);
	verity_name(name, sizeof g_dm_name, v, st, v->hash_image ? &hs : NULL);
	if (dm_control(c) < 0)
		goto out;
	if ((fd = dm_open(name, r->img_dev, sizeof r->img_dev)) >= 0)
		goto found;
	if (flock(r->img_lock, LOCK_EX) < 0) {
		fail("lock image %s", c->root.image);
		goto out;
	}
	if ((fd = dm_open(name, r->img_dev, sizeof r->img_dev)) >= 0)
		goto found;
	/* Cold: the kernel's support, the superblock, the loops, the device. */
	if (dm_can(c) < 0)
		goto out;
	if ((n = pread(v->hash_image ? hfd : r->img_lock, b, sizeof b, (off_t)hash_at)) < 0) {
		verity_fail(c, errno, "read the verity superblock of %s", hfile);
		goto out;
	}
	if (verity_sb_parse(b, (size_t)n, &sb, why, sizeof why) < 0) {
		verity_fail(c, 0, "%s at %llu: %s", hfile, (unsigned long long)hash_at, why);
		goto out;
	}
	if (strcmp(sb.alg, v->alg)) {
		verity_fail(c, 0, "%s's verity superblock says %s, root.verity.algorithm is %s", hfile, sb.alg,
			    v->alg);
		goto out;
	}
	have = v->hash_image ? (uint64_t)st->st_size : hash_at;
	if (sb.blocks > have / sb.dbs) {
		verity_fail(c, 0, "its verity superblock says %llu data blocks of %u bytes, %s has %llu bytes%s",
			    (unsigned long long)sb.blocks, sb.dbs, c->root.image, (unsigned long long)have,
			    v->hash_image ? "" : " before hash_offset");
		goto out;
	}
	if (img_reopen(r, st) < 0)
		goto out;
	if (step(S_loop_attach) < 0 ||
	    (r->img_loop = img_loop_attach(r->img_file, c->root.image, (uint64_t)st->st_size, hdev,
					   sizeof hdev)) < 0 ||
	    (v->hash_image && (hloop = img_loop_attach(hfd, v->hash_image, (uint64_t)hs.st_size, hdev,
						       sizeof hdev)) < 0)) {
		if (!g_err[0])
			fail("attach %s", c->root.image);
		goto out;
	}
	{
		struct stat ds, hls;

		if (fstat(r->img_loop, &ds) < 0 || (hloop >= 0 && fstat(hloop, &hls) < 0)) {
			fail("stat the loop devices of %s", c->root.image);
			goto out;
		}
		if ((fd = dm_make(c, name, &sb, ds.st_rdev, hloop >= 0 ? hls.st_rdev : ds.st_rdev, hash_at,
				  r->img_dev, sizeof r->img_dev)) < 0)
			goto out;
		rc = 0;
		goto out;               /* (U_DM is on the stack) */
	}
found:
	g_dm_fd = fd;
	rc = undo_add(U_DM, name, 0) ? 0 : -1;
out:
	/* The table holds the loops now; ours go (autoclear, when it does not). */
	if (hloop >= 0)
		close(hloop);
	if (hfd >= 0)
		close(hfd);
	if (r->img_loop >= 0)
		close(r->img_loop), r->img_loop = -1;
	return rc;
}

/* The image's loop device, reused or attached, open in r->img_loop.
 * Starts of the same image share a lock on it while they look (a device
 * found is held open: it can be neither cleared nor rebound), and take it
 * alone to attach: the first attaches, the others find its device.  The
 * lock is held until the image is mounted.  The lock
 * is on its own open file description: the loop device keeps the one it
 * was given (a second one, opened only to attach) for as long as it is
 * bound, and a lock on that one would outlive the start.  Whoever mounts
 * releases all three (img_release); a container that dies first releases
 * them by dying. */
static int img_loop(struct run *r)
{
	const char *file = r->c->root.image;
	struct stat st;

	if (step(S_loop_attach) < 0 || (r->img_lock = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return fail("open image %s", file);
	if (flock(r->img_lock, LOCK_SH) < 0 || fstat(r->img_lock, &st) < 0)
		return fail("lock image %s", file);
	if (img_check(r, r->img_lock, &st) < 0)
		return -1;
	if (WITH_VERITY && r->c->root.verity.on)
		return img_verity(r, &st);
	if ((r->img_loop = img_loop_find(&st, r->img_dev, sizeof r->img_dev)) >= 0)
		return 0;
	/* None: alone now (the shared lock is dropped first, so two starts
	 * that both missed cannot wait on each other), then look again: the
	 * start that had the lock before us may have attached it. */
	if (flock(r->img_lock, LOCK_EX) < 0)
		return fail("lock image %s", file);
	if ((r->img_loop = img_loop_find(&st, r->img_dev, sizeof r->img_dev)) >= 0)
		return 0;
	if (img_reopen(r, &st) < 0)
		return -1;
	r->img_loop = img_loop_attach(r->img_file, file, 0, r->img_dev, sizeof r->img_dev);
	return r->img_loop < 0 ? -1 : 0;
}

/* Close the image's descriptors: the next start of it goes on, and a
 * device nobody mounted clears itself (autoclear). */
static void img_release(struct run *r)
{
	int *fds[] = { &r->img_loop, &r->img_file, &r->img_lock };

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0)
			close(*fds[i]), *fds[i] = -1;
}

/* FLAGS (of MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC) added to a bind
 * mount, recursively where the kernel can (mount_setattr, 5.12); else a
 * remount of the top mount that keeps its locked flags.  An OCI mount's
 * atime flags and MS_NOSYMFOLLOW (NSRUN_MOUNT_TIMES) go by that remount
 * too, and PROP (MS_SHARED ... | MS_REC, 0: none) is set first. */
static int mnt_attr(const char *path, unsigned flags, unsigned long prop)
{
	struct nsrun_mount_attr a = { .attr_set = flags & NSRUN_MOUNT_ATTRS };
	struct statfs sv;                /* (statvfs: the same syscall, and 0.2 KB of libc to copy it) */
	unsigned long fl = MS_BIND | MS_REMOUNT | (flags & NSRUN_MOUNT_ATTRS);
	int fd, r;

	if ((WITH_OCI && prop && mount(NULL, path, NULL, prop, NULL) < 0) || (fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	r = (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a);
	close(fd);
	if (r < 0 ? errno != ENOSYS : !(WITH_OCI && (flags & NSRUN_MOUNT_TIMES)))
		return r;
	/* (the atime flags and nosymfollow OCI asks: on the top mount) */
	fl |= WITH_OCI ? flags & NSRUN_MOUNT_TIMES : 0;
	if (statfs(path, &sv) < 0)
		return -1;
	fl |= (sv.f_flags & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flags & ST_NODEV ? MS_NODEV : 0) |
	      (sv.f_flags & ST_NOEXEC ? MS_NOEXEC : 0) | (sv.f_flags & ST_NOATIME ? MS_NOATIME : 0) |
	      (sv.f_flags & ST_NODIRATIME ? MS_NODIRATIME : 0) | (sv.f_flags & ST_RELATIME ? MS_RELATIME : 0);
	return mount(NULL, path, NULL, fl, NULL);
}

/* The host uid/gid that the container's root maps to (for the upper layer). */
static uint32_t img_root_id(const struct idmap *map, int n)
{
	uint32_t id = 0;

	for (int i = 0; i < n; i++)
		if (map[i].inside == 0)
			id = map[i].outside;
	return id;
}

static void img_root_ids(struct run *r)
{
	struct cfg *c = r->c;

	r->root_uid = img_root_id(c->userns.uid_map, c->userns.n_uid_map);
	r->root_gid = img_root_id(c->userns.gid_map, c->userns.n_gid_map);
}

/* The work tmpfs over WORK_DIR, the image or directory, the overlay: by
 * nsrun in its own mount namespace (r->own_ns) or by the container.  The
 * container never adds to nsrun's undo stack: its mounts go with it. */
static int img_mount(struct run *r)
{
	static const char lower[] = WORK_DIR "/lower", upper[] = WORK_DIR "/upper", work[] = WORK_DIR "/work";
	struct cfg *c = r->c;
	char opts[64];
	const char *at;
	struct stat st;
	mode_t mask;
	int bad;

	/* 0711: the container's root (in its user namespace) walks through to
	 * root/ but cannot list or read what is beside it. */
	strfmt(opts, sizeof opts, "mode=0711,size=%llu",
	       (unsigned long long)(c->root.overlay ? c->root.overlay : 16384));
	if (step(S_mount_work) < 0 || mount("nsrun", WORK_DIR, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return fail("mount tmpfs on %s", WORK_DIR);

	at = c->root.overlay ? lower : WORK_ROOT;
	if (mkdir(WORK_ROOT, 0755) < 0 || (c->root.overlay && mkdir(lower, 0755) < 0))
		return fail("create directories in %s", WORK_DIR);

	if (WITH_SQUASHFS && c->root.image) {
		int e = step(S_mount_image) < 0 ? -1 : mount(r->img_dev, at, "squashfs", MS_RDONLY | MS_NODEV, NULL);

		/* EINVAL from a squashfs 4.0 that fits its file (img_check): the
		 * kernel lacks its decompressor. */
		if (e < 0 && errno == EINVAL && r->img_comp - 1 < sizeof sqfs_comp / sizeof sqfs_comp[0] - 1)
			fail("mount squashfs %s (%s): this kernel cannot read %s-compressed squashfs (%s%s)",
			     c->root.image, r->img_dev, sqfs_comp[r->img_comp][0], r->img_comp == 2 ?
			     "no Linux kernel can: remake it with xz" : "CONFIG_SQUASHFS_", sqfs_comp[r->img_comp][1]);
		else if (e < 0 && errno == EIO && WITH_VERITY && c->root.verity.on && !(WITH_FAULTS && g_fault))
			verity_fail(c, 0, "%s does not match its root hash (wrong root_hash or corrupted image)",
				    c->root.image);
		else if (e < 0)
			fail("mount squashfs %s (%s)", c->root.image, r->img_dev);
		img_release(r);
		if (e < 0)
			return -1;
	} else {
		if (step(S_mount_rootdir) < 0 || mount(c->root.path, at, NULL, MS_BIND | MS_REC, NULL) < 0)
			return fail("bind root directory %s", c->root.path);
		if (!c->root.overlay && !c->root.rw && (step(S_remount_ro) < 0 || mnt_attr(at, MS_RDONLY | MS_NODEV, 0) < 0))
			return fail("make root %s read-only", c->root.path);
	}
	if (!c->root.overlay)
		return 0;

	/* upper/ is the container's /: the image root's mode exactly (no umask;
	 * mkdir leaves out set-id bits: chmod then), owned by its root. */
	mask = umask(0);
	bad = stat(lower, &st) < 0 || mkdir(upper, st.st_mode & 01777) < 0 ||
	      ((st.st_mode & 06000) && chmod(upper, st.st_mode & 07777) < 0) || mkdir(work, 0700) < 0;
	umask(mask);
	if (bad)
		return fail("create overlay directories in %s", WORK_DIR);
	img_root_ids(r);
	if ((r->root_uid != geteuid() || r->root_gid != getegid()) && chown(upper, r->root_uid, r->root_gid) < 0)
		return fail("chown %s to the container's root", upper);
	if (step(S_mount_overlay) < 0 ||
	    mount("overlay", WORK_ROOT, "overlay", MS_NODEV,
		  "lowerdir=" WORK_DIR "/lower,upperdir=" WORK_DIR "/upper,workdir=" WORK_DIR "/work") < 0)
		return fail("mount overlay on %s", WORK_ROOT);
	return 0;
}

/* nsrun's part, before the clone: the loop device, and with a user
 * namespace a mount namespace of nsrun's own for the mounts (see the
 * section's head; img_root() makes them, on one side or the other). */
static int img_prepare(struct run *r)
{
	struct cfg *c = r->c;

	r->own_ns = !!(c->ns & NS_USER);
	if (r->own_ns && (step(S_mount_ns) < 0 || unshare(CLONE_NEWNS) < 0))
		return fail("unshare mount namespace");
	return WITH_SQUASHFS && c->root.image ? img_loop(r) : 0;
}

/* ==[ 6. cgroup ]=========================================================
 * Owns:    PARENT/NAME in the cgroup v2 hierarchy (PARENT defaults to "nsrun"
 *          under the cgroup2 mount /proc/self/mountinfo shows): created,
 *          controllers enabled top-down, limits written (fail closed), the
 *          container born in it (clone3 CLONE_INTO_CGROUP), OOM kills read
 *          back, then killed and removed.  A parent nsrun created carries the
 *          xattr trusted.nsrun and goes with the last container that leaves
 *          it empty; nothing nsrun did not create is ever removed.
 * Entry:   cg_setup(), cg_report()
 * Undo:    U_CGROUP (cgroup.kill, rmdir with retry), U_CGPARENT
 * Feature: WITH_CGROUP; config keys under "cgroup"
 * ====================================================================== */

/* Is WORD one of the space-separated words of LIST? */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p; p += strcspn(p, " \n"), p += strspn(p, " \n"))
		if (!strncmp(p, word, n) && (p[n] == 0 || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

/* Which of the words W[0], W[STRIDE], W[2 * STRIDE] ... (bit I: W[I *
 * STRIDE]; those of MASK) are a word of a line of FILE after a blank:
 * /proc/misc "236 device-mapper", /proc/filesystems "nodev\toverlay",
 * /proc/kallsyms "ffffffffc0a1b2c3 t veth_xmit\t[veth]".  One pass for
 * all of them: features' probes, dm-verity's device-mapper. */
static uint32_t proc_words(const char *file, const char *const *w, int stride, uint32_t mask)
{
	struct lines f = { .fd = open(file, O_RDONLY | O_CLOEXEC) };
	char line[256];
	uint32_t have = 0;

	while (f.fd >= 0 && lines_next(&f, line, sizeof line))
		for (const char *p = line; *p; p++)     /* a blank, then a word */
			for (int i = 0; *p <= ' ' && mask >> i; i++) {
				const char *k = w[i * stride];
				size_t n = strlen(k);

				if (mask >> i & 1 && !strncmp(p + 1, k, n) && (unsigned char)p[n + 1] <= ' ')
					have |= 1u << i;
			}
	if (f.fd >= 0)
		close(f.fd);
	return have;
}

/* /proc/self/mountinfo, one mount at a time: its mount point (octal
 * escapes undone), fstype and super options.  Over-long lines are skipped. */
static int mi_next(struct lines *f, char mp[NSRUN_PATH_MAX], char fstype[32], char opts[1024])
{
	char line[4096], *dash, *p;
	size_t len;
	int skip = 0;

	while ((len = lines_next(f, line, sizeof line))) {
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			skip = 1;               /* the rest of a long line follows */
			continue;
		}
		if (skip) {
			skip = 0;
			continue;
		}
		for (dash = line; *dash && strncmp(dash, " - ", 3); dash++)
			;
		if (!*dash)
			continue;
		p = line;
		for (int i = 0; i < 4 && p; i++)
			p = strchr(p + 1, ' ');
		if (!p || p > dash)
			continue;
		size_t n = 0;

		for (p++; *p && *p != ' ' && n + 1 < NSRUN_PATH_MAX; p++) {
			if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
				mp[n++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
				p += 3;
			} else {
				mp[n++] = *p;
			}
		}
		mp[n] = 0;
		/* " - FSTYPE SOURCE SUPEROPTS" */
		p = dash + 3;
		n = strcspn(p, " \n");
		strfmt(fstype, 32, "%.*s", (int)n, p);
		p += n + strspn(p + n, " ");
		p += strcspn(p, " \n");
		p += strspn(p, " ");
		strfmt(opts, 1024, "%.*s", (int)strcspn(p, " \n"), p);
		return 1;
	}
	return 0;
}

/* One walk of /proc/self/mountinfo for two questions.  Without V1: the
 * cgroup2 mount to use, the deepest one holding PARENT, else (no PARENT)
 * /sys/fs/cgroup if it is one, else the first; -1 if mountinfo cannot be
 * read.  With V1 (a controller): why it is missing, bound to a v1
 * hierarchy ("; it is bound ..."), or "" (not in the kernel). */
static int cg_mounts(const char *parent, const char *v1, char *out, size_t len)
{
	char mp[NSRUN_PATH_MAX], ft[32], opts[1024];
	size_t best = 0;
	struct lines f = { .fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC) };

	*out = 0;
	if (f.fd < 0)
		return v1 ? 0 : fail("open /proc/self/mountinfo");
	while (mi_next(&f, mp, ft, opts)) {
		size_t n = strlen(mp);

		if (v1) {
			if (strcmp(ft, "cgroup"))
				continue;
			for (char *o = opts; *o; o++)   /* (has_word, not strtok: 161 bytes of libc) */
				if (*o == ',')
					*o = ' ';
			if (has_word(opts, strcmp(v1, "io") ? v1 : "blkio")) {  /* v1's name */
				strfmt(out, len, "; it is bound to the cgroup v1 hierarchy at %s", mp);
				break;
			}
		} else if (strcmp(ft, "cgroup2")) {
			continue;
		} else if (parent) {
			if (!strncmp(parent, mp, n) && (parent[n] == '/' || n == 1) && n > best)
				best = n, strfmt(out, len, "%s", mp);
		} else if (!*out || !strcmp(mp, "/sys/fs/cgroup")) {
			strfmt(out, len, "%s", mp);
		}
	}
	close(f.fd);
	return 0;
}

/* The cgroup2 mount to use (v_features asks too). */
static inline int cg_find_mount(const char *parent, char *out, size_t len)
{
	return cg_mounts(parent, NULL, out, len);
}

/* Kill what is left in PATH and remove it; EBUSY while the kernel reaps:
 * retry for up to 5 s (crun's way). */
static void cg_destroy(const char *path)
{
	char f[NSRUN_PATH_MAX + 16], buf[4096];

	strfmt(f, sizeof f, "%s/cgroup.kill", path);
	if (write_file(f, "1") < 0 && errno == ENOENT && access(path, F_OK) == 0) {
		strfmt(f, sizeof f, "%s/cgroup.procs", path);        /* before 5.14 */
		if (read_small(f, buf, sizeof buf) == 0)
			for (char *p = buf; *p; p += strcspn(p, "\n"), p += !!*p)
				kill((pid_t)scan_num(p, NULL, 10), SIGKILL);
	}
	for (int i = 0; i < 500; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);     /* 10 ms */
	}
	warn("remove cgroup %s", path);
}

/* A parent nsrun created goes when it is empty (another container still
 * in it: it stays, and that container removes it later). */
static void cg_parent_remove(const char *path)
{
	char v[4];

	if (getxattr(path, "trusted.nsrun", v, sizeof v) < 0)
		return;
	if (rmdir(path) < 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY)
		warn("remove cgroup %s", path);
}

/* Create the levels from the mount down to PARENT (marking the ones nsrun
 * makes), enabling the needed controllers in each cgroup.subtree_control. */
__attribute__((noinline))        /* (out of line: its one caller, cg_setup, shrinks more than it grows) */
static int cg_parents(struct run *r, const char *mnt, const char *parent)
{
	struct cfg *c = r->c;
	char level[NSRUN_PATH_MAX], f[NSRUN_PATH_MAX + 32], have[512], sub[512];
	size_t at = strlen(mnt);

	strfmt(level, sizeof level, "%s", mnt);
	for (;;) {
		strfmt(f, sizeof f, "%s/cgroup.controllers", level);
		if (read_small(f, have, sizeof have) < 0)
			return fail("read %s", f);
		have[strcspn(have, "\n")] = 0;
		for (int i = 0; i < c->cg.n; i++) {
			char why[NSRUN_PATH_MAX + 64];
			char field[64];

			if (has_word(have, c->cg.w[i].ctrl))
				continue;
			cg_mounts(NULL, c->cg.w[i].ctrl, why, sizeof why);
			strfmt(field, sizeof field, "cgroup.%s", c->cg.w[i].key);
			return cfg_err_at(c, c->cg.w[i].node, field, "controller \"%s\" is not available (%s: %s%s)",
					  c->cg.w[i].ctrl, f, *have ? have : "none", why);
		}
		if (c->cg.n) {          /* the controllers the limits need, each once: "+a +b" */
			char need[128] = "";
			size_t n = 0;

			strfmt(f, sizeof f, "%s/cgroup.subtree_control", level);
			if (read_small(f, sub, sizeof sub) < 0)
				return fail("read %s", f);
			for (int i = 0; i < c->cg.n; i++) {
				char w[16];

				strfmt(w, sizeof w, "+%s", c->cg.w[i].ctrl);
				if (!has_word(sub, w + 1) && !has_word(need, w))
					n += (size_t)strfmt(need + n, sizeof need - n, "%s%s", n ? " " : "", w);
			}
			if (*need && (step(S_cg_enable) < 0 || write_file(f, need) < 0))
				return fail("enable %s in %s", need, f);
		}
		if (!strcmp(level, parent))
			return 0;
		at += strspn(parent + at, "/");
		at += strcspn(parent + at, "/");
		strfmt(level, sizeof level, "%.*s", (int)at, parent);
		if (step(S_cg_parent) < 0 || mkdir(level, 0755) < 0) {
			if (errno != EEXIST)
				return fail("create cgroup %s", level);
			continue;
		}
		if (setxattr(level, "trusted.nsrun", "1", 1, 0) < 0)
			warn("mark cgroup %s as nsrun's (it will not be removed)", level);
		if (!undo_add(U_CGPARENT, level, 0))
			return -1;
	}
}

static int cg_setup(struct run *r)
{
	struct cfg *c = r->c;
	char mnt[NSRUN_PATH_MAX], parent[NSRUN_PATH_MAX], f[NSRUN_PATH_MAX + 48];
	struct statfs sf;

	if (cg_find_mount(c->cg.parent, mnt, sizeof mnt) < 0)
		return -1;
	if (!*mnt && c->cg.parent)
		return cfg_err_at(c, cJSON_GetObjectItemCaseSensitive(c->cg.node, "parent"), "cgroup.parent",
				  "%s is not inside a cgroup2 mount", c->cg.parent);
	if (!*mnt)
		return cfg_err_at(c, c->cg.node, "cgroup", "no cgroup v2 hierarchy is mounted "
				  "(mount -t cgroup2 none /sys/fs/cgroup)");
	if (statfs(mnt, &sf) < 0 || sf.f_type != NSRUN_CGROUP2_MAGIC)
		return failx("%s is not a cgroup2 mount", mnt);
	strfmt(parent, sizeof parent, "%s%s", c->cg.parent ? c->cg.parent : mnt, c->cg.parent ? "" : "/nsrun");
	strfmt(r->cg, sizeof r->cg, "%s/%s", parent, c->name);
	/* Another container's teardown may remove an empty nsrun parent between
	 * our mkdir of it and of NAME: then make it again. */
	for (int tries = 0;; tries++) {
		if (cg_parents(r, mnt, parent) < 0)
			return -1;
		if (step(S_cg_create) == 0 && mkdir(r->cg, 0755) == 0)
			break;
		if (errno == EEXIST) {          /* left by a killed nsrun: the name is ours */
			cg_destroy(r->cg);
			continue;
		}
		if (errno != ENOENT || tries == 3)
			return fail("create cgroup %s", r->cg);
	}
	if (!undo_add(U_CGROUP, r->cg, 0))
		return -1;
	for (int i = 0; i < c->cg.n; i++) {
		char field[64];

		strfmt(f, sizeof f, "%s/%s", r->cg, c->cg.w[i].file);
		if (step(S_cg_limits) < 0 || write_file(f, c->cg.w[i].value) < 0) {
			strfmt(field, sizeof field, "cgroup.%s", c->cg.w[i].key);
			return cfg_err_at(c, c->cg.w[i].node, field, "write \"%s\" to %s: %s", c->cg.w[i].value, f,
					  strerror(errno));
		}
	}
	if ((r->cg_fd = open(r->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail("open cgroup %s", r->cg);
	return 0;
}

/* After the container: did the OOM killer strike in it? */
/* oom_kill and max of CG's memory.events; -1 when it cannot be read. */
static int cg_events(const char *cg, long *oom_kill, long *max)
{
	char f[NSRUN_PATH_MAX + 32], buf[512];

	*oom_kill = *max = 0;
	strfmt(f, sizeof f, "%s/memory.events", cg);
	if (read_small(f, buf, sizeof buf) < 0)
		return -1;
	for (char *p = buf; *p; p += strcspn(p, "\n"), p += !!*p) {
		if (!strncmp(p, "oom_kill ", 9))
			*oom_kill = (long)scan_num(p + 9, NULL, 10);
		if (!strncmp(p, "max ", 4))
			*max = (long)scan_num(p + 4, NULL, 10);
	}
	return 0;
}

static void cg_report(struct run *r)
{
	long oom_kill, max;

	if (cg_events(r->cg, &oom_kill, &max) == 0 && oom_kill > 0)
		fdfmt(2, "nsrun: %s: killed by the OOM killer (memory_max %s; oom_kill %ld, max %ld)\n",
			r->c->name, r->c->cg.memory_max ? r->c->cg.memory_max : "max", oom_kill, max);
}

/* ==[ 7. net ]============================================================
 * Owns:    the container's veth pair (host end HOST_IF enslaved to BRIDGE; the
 *          peer is born inside the container's net namespace), a bridge
 *          nsrun creates (alias "nsrun", removed by the last container that
 *          leaves it with no port), the container's addresses and default
 *          routes, its /etc/resolv.conf and /etc/hosts.  Raw NETLINK_ROUTE
 *          only: no ip, no brctl, no shell.  Every error names the object and
 *          carries the kernel's answer with its extended ack text.
 * Entry:   net_files() and net_host() (nsrun), net_inside() (the container)
 * Undo:    U_LINK (delete the host end: the pair goes), U_BRIDGE
 * Teardown after a run with a pid namespace deletes nothing itself: the
 *          container's processes are gone, so its net namespace dies and the
 *          kernel removes the pair with it, in the background.  Deleting
 *          the host end would cost the exit an rcu_barrier() (about 20 ms)
 *          for the same result.  The host end carries the alias
 *          "nsrun:NAME" for that: the next start of NAME that meets it
 *          still there (a respawn faster than the kernel, which finishes
 *          namespaces one batch at a time, tens of ms apart under churn; or
 *          the namespace pinned from outside) sets it down, renames it
 *          "nsrun-left%d" (alias "nsrun left") and goes on: one expedited
 *          RCU grace period (0.05-0.9 ms) where a delete would cost 20 ms.
 * Feature: WITH_NET; config keys under "net"
 * ====================================================================== */
#define NET_ALIAS "nsrun"               /* marks a bridge nsrun created */
#define NET_VETH_ALIAS "nsrun:"         /* + NAME: the host end of NAME's pair */
#define NET_LEFT_ALIAS "nsrun left"     /* a host end its container has left */

/* A request, or a batch of them sent at once: BASE holds them back to
 * back, H is the one being built, CAP the room from H on.  Each request
 * carries a label saying what it does ("add address 10.42.0.2/24 to
 * eth0"), so that a refusal names it.  Replies are matched to requests
 * by sequence number, not by order: a request may get no answer at all
 * (NL_NOACK: nfnetlink's batch begin and end). */
#define NL_REQS 64                      /* requests in one batch (nat: up to 64) */
#define NL_WHAT 96                      /* a label: "add default route via ADDR dev IF" */
#define NL_NOACK 0x10000                /* nl_add: the kernel answers it only to refuse it */

struct nl {
	void *base;
	struct nlmsghdr *h;
	size_t cap;
	int count;
	int overflow;                   /* sticky, like ferror(): reported once, by nl_talk */
	uint64_t acks;                  /* bit I: request I expects an answer */
	uint64_t want;                  /* nl_talk: the answers still awaited */
	uint32_t seq;                   /* nl_talk: request 0's sequence number */
	int failed, err;                /* the first refused request (batch order), its errno */
	char ext[160];                  /* ... the kernel's extended ack text, "" if none */
	char what[NL_REQS][NL_WHAT];
};

static uint32_t nl_seq;                 /* the last sequence number sent, on any socket */

static void nl_init(struct nl *m, void *buf, size_t cap)
{
	memset(m, 0, sizeof *m);
	m->base = m->h = buf;
	m->cap = cap;
}

/* Append LEN zeroed bytes, 4-aligned; NULL (and overflow) if they do not fit. */
static void *nl_reserve(struct nl *m, size_t len)
{
	size_t at = NLMSG_ALIGN(m->h->nlmsg_len);

	if (m->overflow || at + RTA_ALIGN(len) > m->cap) {
		m->overflow = 1;
		return NULL;
	}
	memset((char *)m->h + at, 0, RTA_ALIGN(len));
	m->h->nlmsg_len = (uint32_t)(at + RTA_ALIGN(len));
	return (char *)m->h + at;
}

/* Start one more request after those in M, labelled FMT with the strings
 * A and B (as many as it takes; not variadic: a va_list's prologue costs
 * more than the labels' numbers would be worth); returns its
 * zeroed family header of FAMLEN bytes (NULL on overflow).  FLAGS: NLM_F_*,
 * and NL_NOACK for a request without NLM_F_ACK. */
static void *nl_add(struct nl *m, int type, int flags, size_t famlen, const char *fmt, const char *a,
		    const char *b)
{
	size_t at = m->count ? NLMSG_ALIGN(m->h->nlmsg_len) : 0;
	int i = m->count;

	if (m->overflow || i == NL_REQS) {
		m->overflow = 1;
		return NULL;
	}
	m->count++;                     /* counted even if it does not fit: its label names the overflow */
	strfmt(m->what[i], NL_WHAT, fmt, a, b);
	if (at + NLMSG_HDRLEN > m->cap) {
		m->overflow = 1;
		return NULL;
	}
	if (!(flags & NL_NOACK)) {
		flags |= NLM_F_ACK;
		m->acks |= 1ull << i;
	}
	m->h = (struct nlmsghdr *)((char *)m->h + at);
	m->cap -= at;
	memset(m->h, 0, NLMSG_HDRLEN);
	m->h->nlmsg_len = NLMSG_HDRLEN;
	m->h->nlmsg_type = (uint16_t)type;
	m->h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	return nl_reserve(m, famlen);
}

static struct rtattr *nl_put(struct nl *m, int type, const void *data, size_t len)
{
	struct rtattr *a = nl_reserve(m, RTA_LENGTH(len));

	if (a) {
		a->rta_type = (unsigned short)type;
		a->rta_len = (unsigned short)RTA_LENGTH(len);
		if (len)
			memcpy(RTA_DATA(a), data, len);
	}
	return a;
}

/* Host order for rtnetlink; nfnetlink's numbers are big-endian (be16/be32). */
static inline void nl_put_u8(struct nl *m, int type, uint8_t v) { nl_put(m, type, &v, sizeof v); }
static inline void nl_put_u16(struct nl *m, int type, uint16_t v) { nl_put(m, type, &v, sizeof v); }
static inline void nl_put_u32(struct nl *m, int type, uint32_t v) { nl_put(m, type, &v, sizeof v); }
static inline void nl_put_u64(struct nl *m, int type, uint64_t v) { nl_put(m, type, &v, sizeof v); }
static inline void nl_put_be16(struct nl *m, int type, uint16_t v) { nl_put_u16(m, type, htons(v)); }
static inline void nl_put_be32(struct nl *m, int type, uint32_t v) { nl_put_u32(m, type, htonl(v)); }

static void nl_put_str(struct nl *m, int type, const char *s)
{
	nl_put(m, type, s, strlen(s) + 1);
}

/* A nested attribute (TYPE | NLA_F_NESTED for nfnetlink): what is put
 * until nl_nest_end(). */
static struct rtattr *nl_nest(struct nl *m, int type)
{
	return nl_put(m, type, NULL, 0);
}

static void nl_nest_end(struct nl *m, struct rtattr *a)
{
	if (a && !m->overflow)
		a->rta_len = (unsigned short)((char *)m->h + m->h->nlmsg_len - (char *)a);
}

/* A socket for PROTO (NETLINK_ROUTE, NETLINK_NETFILTER); -1 and errno if
 * none.  No message: teardown opens one too. */
static int nl_open(int proto)
{
	int one = 1, fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	if (fd >= 0) {          /* best effort: older kernels lack these and still answer */
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
	}
	return fd;
}

/* A reply that is not an answer: a RTM_NEWLINK answering a GET or a dump. */
typedef void (*nl_cb)(const struct nlmsghdr *h, void *arg);

/* One buffer of replies to the batch M, each matched to its request by
 * sequence number: an ACK, a refusal or a dump's end answers it (clears
 * its bit of M->want); a refusal also records M->failed, M->err and
 * M->ext if it is the first in batch order.  A request that expects no
 * answer and is refused ends the batch: nfnetlink then drops the rest.
 * Other replies go to CB.  Pure: unit-tested. */
static void nl_replies(struct nl *m, const void *buf, size_t n, nl_cb cb, void *arg)
{
	int len = (int)n;

	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, (unsigned)len); h = NLMSG_NEXT(h, len)) {
		const struct nlmsgerr *e = NLMSG_DATA(h);
		uint32_t i = h->nlmsg_seq - m->seq;
		const struct rtattr *a;
		int err, alen;

		if (i >= (uint32_t)m->count)
			continue;               /* not this batch's */
		if (h->nlmsg_type != NLMSG_ERROR && h->nlmsg_type != NLMSG_DONE) {
			if (cb)
				cb(h, arg);
			continue;
		}
		if (h->nlmsg_type == NLMSG_DONE)        /* a dump's end: its error, if any */
			err = h->nlmsg_len < NLMSG_LENGTH(sizeof(int)) ? 0 : -e->error;
		else
			err = h->nlmsg_len < NLMSG_LENGTH(sizeof *e) ? EPROTO : -e->error;
		m->want &= ~(1ull << i);
		if (err && !(m->acks & 1ull << i))
			m->want = 0;
		if (!err || i >= (uint32_t)m->failed)
			continue;
		m->failed = (int)i;
		m->err = err;
		m->ext[0] = 0;
		/* With CAP_ACK the request is not echoed back: the TLVs follow. */
		a = (const struct rtattr *)(e + 1);
		alen = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *e);
		if (h->nlmsg_type != NLMSG_ERROR || (h->nlmsg_flags & (NLM_F_ACK_TLVS | NLM_F_CAPPED)) !=
		    (NLM_F_ACK_TLVS | NLM_F_CAPPED))
			alen = 0;
		for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
			if (a->rta_type == NLMSGERR_ATTR_MSG && RTA_PAYLOAD(a) > 0)
				strfmt(m->ext, sizeof m->ext, "%.*s", (int)RTA_PAYLOAD(a),       /* (to a NUL) */
				       (const char *)RTA_DATA(a));
		m->ext[strcspn(m->ext, "\n")] = 0;
	}
}

/* Send the requests in M at once and read until each that expects an
 * answer has one.  Returns 0, or -1 with errno the kernel's answer to
 * request M->failed (the first refused; the kernel goes on with the later
 * ones) and M->ext its extended ack text; nl_fail() says so.  Replies
 * that are not answers go to CB. */
static int nl_talk(int fd, struct nl *m, nl_cb cb, void *arg)
{
	char buf[8192];
	char *p = m->base, *end = (char *)m->h + m->h->nlmsg_len;
	ssize_t n = 0;

	m->want = m->acks;
	m->seq = nl_seq + 1;
	m->failed = -1;
	m->ext[0] = 0;
	if (m->overflow) {
		m->failed = m->count - 1;
		m->err = EMSGSIZE;
	} else {
		for (struct nlmsghdr *h; p < end; p += NLMSG_ALIGN(h->nlmsg_len))
			(h = (struct nlmsghdr *)p)->nlmsg_seq = ++nl_seq;
		if (send(fd, m->base, (size_t)(end - (char *)m->base), 0) < 0)
			n = -1;
		while (n >= 0 && m->want) {
			n = recv(fd, buf, sizeof buf, 0);
			if (n > 0)
				nl_replies(m, buf, (size_t)n, cb, arg);
			else if (n < 0 && errno == EINTR)
				n = 0;
		}
		if (n < 0 && m->failed < 0) {   /* the socket's error: the first request unanswered */
			m->err = errno;
			m->failed = m->want ? __builtin_ctzll(m->want) : 0;
		}
	}
	if (m->failed < 0)
		return 0;
	errno = m->err;
	return -1;
}

/* The message of nl_talk's failure: "WHAT: strerror (kernel: extack)". */
static int nl_fail(const struct nl *m)
{
	const char *what = m->what[m->failed];

	errno = m->err;
	if (*m->ext)
		return failx("%s: %s (kernel: %s)", what, strerror(m->err), m->ext);
	return fail("%s", what);
}

/* M, in BUF of CAP bytes, made one request TYPE (FLAGS) on the link NAME,
 * by name, labelled FMT with NAME and ARG; the caller may put attributes
 * after it. */
static void net_link_req(struct nl *m, void *buf, size_t cap, int type, int flags, const char *fmt,
			 const char *name, const char *arg)
{
	nl_init(m, buf, cap);
	nl_add(m, type, flags, sizeof(struct ifinfomsg), fmt, name, arg);
	nl_put_str(m, IFLA_IFNAME, name);
}

/* nl_talk without replies to read, and nl_fail's message if refused. */
static int nl_ask(int fd, struct nl *m)
{
	return nl_talk(fd, m, NULL, NULL) < 0 ? nl_fail(m) : 0;
}

struct link_info {
	int index;
	char alias[32];
	int master;                     /* set: count the ports of this bridge */
	int ports;                      /* ... but those marked NET_LEFT_ALIAS */
};

static void link_info_cb(const struct nlmsghdr *h, void *arg)
{
	struct link_info *li = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *ifi), port = 0;

	if (h->nlmsg_type != RTM_NEWLINK || len < 0)
		return;
	li->alias[0] = 0;
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFALIAS)
			strfmt(li->alias, sizeof li->alias, "%.*s", (int)RTA_PAYLOAD(a), (char *)RTA_DATA(a));
		if (a->rta_type == IFLA_MASTER && li->master && RTA_PAYLOAD(a) >= 4 &&
		    *(const uint32_t *)RTA_DATA(a) == (uint32_t)li->master)
			port = 1;
	}
	if (port && strcmp(li->alias, NET_LEFT_ALIAS))
		li->ports++;
	if (!li->master)
		li->index = ifi->ifi_index;
}

/* The link NAME: its index (0: none) and alias.  -1 on a real error;
 * QUIET as nl_talk's (teardown warns instead). */
static int net_link_get(int fd, const char *name, struct link_info *li, int quiet)
{
	char buf[256];
	struct nl m;

	memset(li, 0, sizeof *li);
	net_link_req(&m, buf, sizeof buf, RTM_GETLINK, 0, "look up link %s", name, NULL);
	nl_put_u32(&m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);        /* name, index, alias: enough */
	if (nl_talk(fd, &m, link_info_cb, li) < 0 && errno != ENODEV)
		return quiet ? -1 : nl_fail(&m);
	return 0;
}

/* The alias of the link NAME (by name: index 0); QUIET: errno only, no
 * message. */
static int net_link_alias(int fd, const char *name, const char *alias, int quiet)
{
	char buf[128];
	struct nl m;

	net_link_req(&m, buf, sizeof buf, RTM_NEWLINK, 0, "mark %s as %s", name, alias);
	nl_put_str(&m, IFLA_IFALIAS, alias);
	if (nl_talk(fd, &m, NULL, NULL) == 0)
		return 0;
	return quiet ? -1 : nl_fail(&m);
}

/* Requests appended to M: an address of link INDEX (named IFNAME in its
 * label), a default route through it. */
static void net_addr_msg(struct nl *m, int index, const struct net_addr *a, const char *ifname)
{
	struct ifaddrmsg *ifa = nl_add(m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa,
				       "add address %s to %s", a->text, ifname);
	size_t len = a->family == AF_INET ? 4 : 16;

	if (!ifa)
		return;
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)a->prefix;
	ifa->ifa_index = (unsigned)index;
	/* A static address on a fresh link: no duplicate detection, so that it
	 * is usable at once rather than "tentative" for a second or two. */
	ifa->ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0;
	nl_put(m, IFA_LOCAL, a->a, len);
	nl_put(m, IFA_ADDRESS, a->a, len);
}

static void net_route_msg(struct nl *m, int index, const struct net_addr *gw, const char *ifname)
{
	struct rtmsg *rt = nl_add(m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt,
				  "add default route via %s dev %s", gw->text, ifname);

	if (!rt)
		return;
	rt->rtm_family = (unsigned char)gw->family;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	nl_put(m, RTA_GATEWAY, gw->a, gw->family == AF_INET ? 4 : 16);
	nl_put_u32(m, RTA_OIF, (uint32_t)index);
}

/* A request appended to M, labelled FMT with ARG (a string, or none):
 * link INDEX up (UP) or down; the caller may put attributes after it.
 * (Not variadic: its prologue would cost more than it saves.) */
static void net_link_msg(struct nl *m, int index, int up, const char *fmt, const char *arg)
{
	struct ifinfomsg *ifi = nl_add(m, RTM_NEWLINK, 0, sizeof *ifi, fmt, arg, NULL);

	if (ifi) {
		ifi->ifi_index = index;
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = up ? IFF_UP : 0;
	}
}

/* Bridge operations of concurrent starts and teardowns are serialized by a
 * lock on the state directory itself (no lock file to leave behind).
 * Returns the locked descriptor, or -1 and errno: the caller says (a start
 * fails, a teardown warns). */
static int net_lock(void)
{
	/* Through g_rundir (opened by state_lock, before any step that locks):
	 * NSRUN_RUNDIR is covered by the work tmpfs in nsrun's own mount
	 * namespace (with a user namespace), and "." of the descriptor is the
	 * host's directory. */
	int fd = openat(g_rundir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;

	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		e = errno;
		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

/* The bridge: found, or created (with its addresses, marked, up). */
static int net_bridge(int fd, struct cfg *c)
{
	struct net_cfg *nc = &c->net;
	struct link_info li;
	struct rtattr *info;
	char buf[1024];
	struct nl m;

	if (net_link_get(fd, nc->bridge, &li, 0) < 0)
		return -1;
	if (!li.index && !nc->n_bridge_addr)
		return failx("bridge %s does not exist (give net.bridge_address to let nsrun create it)", nc->bridge);
	if (!li.index) {
		/* A bridge whose address was never set takes its lowest port's:
		 * a container leaving would change the gateway's MAC under the
		 * others (their neighbour entries go stale for seconds).  A
		 * random one of its own, given at creation, stays. */
		unsigned char mac[6];

		if (syscall(SYS_getrandom, mac, sizeof mac, 0) != sizeof mac)
			return fail("getrandom");
		mac[0] = (unsigned char)((mac[0] & 0xfe) | 0x02);       /* unicast, locally administered */
		net_link_req(&m, buf, sizeof buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "create bridge %s",
			     nc->bridge, NULL);
		nl_put(&m, IFLA_ADDRESS, mac, sizeof mac);
		info = nl_nest(&m, IFLA_LINKINFO);
		nl_put_str(&m, IFLA_INFO_KIND, "bridge");
		nl_nest_end(&m, info);
		if (step(S_net_bridge) < 0)
			return fail("create bridge %s", nc->bridge);
		if (nl_ask(fd, &m) < 0)
			return -1;
		if (!undo_add(U_BRIDGE, nc->bridge, 0) || net_link_get(fd, nc->bridge, &li, 0) < 0)
			return -1;
		nl_init(&m, buf, sizeof buf);
		net_link_msg(&m, li.index, 1, "set bridge %s up", nc->bridge);
		nl_put_str(&m, IFLA_IFALIAS, NET_ALIAS);
		for (int i = 0; i < nc->n_bridge_addr; i++)
			net_addr_msg(&m, li.index, &nc->bridge_addr[i], nc->bridge);
		if (nl_ask(fd, &m) < 0)
			return -1;
		return li.index;
	}
	if (!strcmp(li.alias, NET_ALIAS) && !undo_add(U_BRIDGE, nc->bridge, 0))
		return -1;
	return li.index;
}

/* The pair in one request: the host end on bridge MASTER and up; the peer,
 * with its own ifinfomsg inside VETH_INFO_PEER, born in the net namespace
 * of PID (our unreaped child: its pid cannot be reused), so deleting the
 * host end (U_LINK) or that namespace dying removes both.  Each end asks
 * for one tx and one rx queue, what veth uses unless told otherwise: left
 * to itself it allocates one per possible CPU and then cuts back to one,
 * and that cut waits for an RCU grace period per end.  Pure: unit-tested. */
static void net_veth_msg(struct nl *m, void *buf, size_t cap, const struct net_cfg *nc, pid_t pid,
			 int master)
{
	struct ifinfomsg *ifi;
	struct rtattr *info = NULL, *data = NULL, *peer = NULL;

	nl_init(m, buf, cap);
	ifi = nl_add(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi, "create veth %s", nc->host_if, NULL);
	if (ifi)
		ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	for (int end = 0;; end++) {     /* the host end's attributes, then the peer's */
		nl_put_str(m, IFLA_IFNAME, end ? nc->container_if : nc->host_if);
		nl_put_u32(m, end ? IFLA_NET_NS_PID : IFLA_MASTER, (uint32_t)(end ? pid : master));
		if (nc->mtu)
			nl_put_u32(m, IFLA_MTU, nc->mtu);
		nl_put_u32(m, IFLA_NUM_TX_QUEUES, 1);
		nl_put_u32(m, IFLA_NUM_RX_QUEUES, 1);
		if (end)
			break;
		info = nl_nest(m, IFLA_LINKINFO);
		nl_put_str(m, IFLA_INFO_KIND, "veth");
		data = nl_nest(m, IFLA_INFO_DATA);
		peer = nl_nest(m, VETH_INFO_PEER);
		nl_reserve(m, sizeof(struct ifinfomsg));
	}
	if (nc->has_mac)
		nl_put(m, IFLA_ADDRESS, nc->mac, 6);
	nl_nest_end(m, peer);
	nl_nest_end(m, data);
	nl_nest_end(m, info);
}

/* Rename the link INDEX "nsrun-left%d", mark it left and set it down, in
 * one request (renamed first: since 6.2 a link that is up can be). */
static int net_put_left(int fd, int index, const char *name)
{
	char buf[128];
	struct nl m;

	nl_init(&m, buf, sizeof buf);
	net_link_msg(&m, index, 0, "put %s out of the way", name);
	nl_put_str(&m, IFLA_IFNAME, "nsrun-left%d");
	nl_put_str(&m, IFLA_IFALIAS, NET_LEFT_ALIAS);
	return nl_talk(fd, &m, NULL, NULL);
}

/* HOST_IF exists: if it is the host end of an earlier run of NAME or one
 * its container has left (see the section's head), it is put out of the
 * way: renamed, marked left and set down (it stops forwarding at once);
 * the kernel deletes it with its namespace.  Before 6.2 the rename of a
 * link that is up is EBUSY: down first.  If that fails, deleted.  Returns
 * 1 when the name is free again, 0 if the link is someone else's (errno
 * EEXIST again). */
static int net_leftover(int fd, const char *name, const char *host_if)
{
	char mine[sizeof NET_VETH_ALIAS + NSRUN_NAME_MAX], buf[128];
	struct link_info li;
	struct nl m;

	strfmt(mine, sizeof mine, "%s%s", NET_VETH_ALIAS, name);
	if (net_link_get(fd, host_if, &li, 0) < 0 ||
	    (li.index && strcmp(li.alias, mine) && strcmp(li.alias, NET_LEFT_ALIAS))) {
		errno = EEXIST;
		return 0;
	}
	if (!li.index || net_put_left(fd, li.index, host_if) == 0 || errno == ENODEV)
		return 1;               /* gone meanwhile, or out of the way */
	if (errno == EBUSY) {
		nl_init(&m, buf, sizeof buf);
		net_link_msg(&m, li.index, 0, "set %s down", host_if);
		if (nl_talk(fd, &m, NULL, NULL) == 0 &&
		    (net_put_left(fd, li.index, host_if) == 0 || errno == ENODEV))
			return 1;
	}
	net_link_del(host_if);
	return 1;
}

/* ---- nat: nf_tables rules over NETLINK_NETFILTER ------------------------
 * The same requests and batches as above, for nfnetlink: one batch
 * (BATCH_BEGIN ... BATCH_END, which the kernel applies whole or not at all,
 * inside send()) per start and one per exit.  nsrun's rules live in one
 * table of its own, `table inet nsrun` of the net namespace nsrun runs in,
 * with the base chains of nat_chains (created when missing, left empty).
 * A container's rules are a masquerade rule per address of it (in
 * postrouting) and, per published port and family, a dnat rule in
 * prerouting and one in output; with ports, per family, a hairpin rule in
 * postrouting (what the host routes to it from its own subnet, which a
 * dnat does, is masqueraded to the bridge's address, so that the answer
 * comes back through the host).  Each carries the nft comment (userdata)
 * "nsrun:NAME", a port's "nsrun:NAME tcp 8080" (and " ADDR" with a
 * host_address): that is how a container finds its own rules to delete
 * and a port another container publishes.  Nothing outside the table is
 * ever touched.  Numbers in nfnetlink attributes are big-endian (nl_put_be32):
 * the kernel refuses a host-order priority but takes any compared bytes, so
 * ports and addresses are written in network order by hand. */
#define NFT(msg) (NFNL_SUBSYS_NFTABLES << 8 | (msg))
#define NAT_TABLE "nsrun"
#define NAT_RULES (4 * NSRUN_PORTS_MAX + NSRUN_NET_ADDRS + 2)
#define NAT_TAG 48                      /* "nsrun:NAME udp 65535 " and an IPv6 address */

static const struct { char name[12]; unsigned char hook; signed char prio; } nat_chains[] = {
	{ "prerouting", NF_INET_PRE_ROUTING, -100 },    /* dstnat */
	{ "output", NF_INET_LOCAL_OUT, -100 },          /* dstnat: the host's own connections */
	{ "postrouting", NF_INET_POST_ROUTING, 100 },   /* srcnat */
};
static const char *ip_str(int family, const unsigned char *a, char *buf);
static const char nat_fwd_names[][29] = { "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding" };
static char nat_buf[32768];             /* the batch (up to NL_REQS rules of ~450 bytes) */
/* The NETLINK_NETFILTER socket of a start, kept until the process ends:
 * releasing it right after a batch waits in the kernel for the batch's
 * memory to be freed, an RCU grace period (8 ms here), on the way to the app. */
static int g_nat_fd = -1;

/* A request to nf_tables (TYPE NFT(NFT_MSG_...)) in table inet nsrun, or
 * a batch's begin or end (NFNL_MSG_BATCH_*, no answer but a refusal). */
static void nft_msg(struct nl *m, int type, int flags, const char *fmt, const char *a, const char *b)
{
	struct nfgenmsg *g = nl_add(m, type, type >> 8 ? flags : NL_NOACK, sizeof *g, fmt, a, b);

	if (!g)
		return;
	g->version = NFNETLINK_V0;
	g->nfgen_family = type >> 8 ? NFPROTO_INET : AF_UNSPEC;
	if (!(type >> 8))
		g->res_id = htons(NFNL_SUBSYS_NFTABLES);
	else    /* NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE */
		nl_put_str(m, 1, NAT_TABLE);
}

/* The expressions nsrun's rules are made of, each of one shape: NAME, its
 * attributes 1..N big-endian numbers V (register 1 or 2 first, where it
 * has one), then, with DATA, attribute N + 1 a value (struct nft_rule's
 * DATA: the bytes compared or loaded).  A V from NV_SOFF on stands for a
 * number of the rule's family.  A match is two rows: a load into register
 * 1 (meta, payload, fib), then cmp.  Rules are strings of rows, 'a' the
 * first (nft_progs). */
enum { D_NONE, D_FAM, D_PROTO, D_ADDR, D_HOSTADDR, D_BRIDGE, D_LOCAL, D_HPORT, D_CPORT, D_LO, D_HI, D__N };
enum { NV_SOFF = 250, NV_DOFF, NV_ALEN, NV_FAM };       /* saddr, daddr offsets; address length; family */
static const char nft_names[] = "meta\0cmp\0payload\0fib\0immediate\0nat\0masq";
enum { X_META = 0, X_CMP = 5, X_PAYLOAD = 9, X_FIB = 17, X_IMMEDIATE = 21, X_NAT = 31, X_MASQ = 35 };
static const struct { unsigned char name, n, v[5], data; } nft_ops[] = {
	{ X_META, 2, { 1, NFT_META_NFPROTO }, 0 },                              /* a: meta nfproto */
	{ X_CMP, 2, { 1, NFT_CMP_EQ }, D_FAM },                                 /* b:   == family */
	{ X_PAYLOAD, 4, { 1, NFT_PAYLOAD_NETWORK_HEADER, NV_SOFF, NV_ALEN }, 0 },/* c: ip saddr */
	{ X_CMP, 2, { 1, NFT_CMP_EQ }, D_ADDR },                                /* d:   == the container's */
	{ X_META, 2, { 1, NFT_META_OIFNAME }, 0 },                              /* e: oifname, all 16 bytes */
	{ X_CMP, 2, { 1, NFT_CMP_NEQ }, D_BRIDGE },                             /* f:   != the bridge */
	{ X_MASQ, 0, { 0 }, 0 },                                                /* g: masquerade */
	{ X_META, 2, { 1, NFT_META_L4PROTO }, 0 },                              /* h: meta l4proto */
	{ X_CMP, 2, { 1, NFT_CMP_EQ }, D_PROTO },                               /* i:   == tcp, udp */
	{ X_FIB, 3, { 1, NFT_FIB_RESULT_ADDRTYPE, NFTA_FIB_F_DADDR }, 0 },      /* j: fib daddr type */
	{ X_CMP, 2, { 1, NFT_CMP_EQ }, D_LOCAL },                               /* k:   local */
	{ X_PAYLOAD, 4, { 1, NFT_PAYLOAD_NETWORK_HEADER, NV_DOFF, NV_ALEN }, 0 },/* l: ip daddr */
	{ X_CMP, 2, { 1, NFT_CMP_EQ }, D_HOSTADDR },                            /* m:   == host_address */
	{ X_PAYLOAD, 4, { 1, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2 }, 0 },         /* n: th dport */
	{ X_CMP, 2, { 1, NFT_CMP_EQ }, D_HPORT },                               /* o:   == host */
	{ X_IMMEDIATE, 1, { 1 }, D_ADDR },                                      /* p: reg 1 = address */
	{ X_IMMEDIATE, 1, { 2 }, D_CPORT },                                     /* q: reg 2 = port */
	{ X_NAT, 5, { NFT_NAT_DNAT, NV_FAM, 1, 1, 2 }, 0 },                     /* r: dnat (type, family, */
					/* address min, max, proto min registers) */
	{ X_CMP, 2, { 1, NFT_CMP_GTE }, D_LO },                                 /* s: >= the subnet's first */
	{ X_CMP, 2, { 1, NFT_CMP_LTE }, D_HI },                                 /* t: <= its last address */
	{ X_CMP, 2, { 1, NFT_CMP_EQ }, D_BRIDGE },                              /* u: == the bridge */
};
/* masquerade out; dnat; dnat at host_address; hairpin: masquerade what
 * the host routes from the container's subnet to it, back to the bridge
 * (the bridge itself: a bridged packet's oif, with br_netfilter, is the
 * port), which only a dnat makes it do */
static const char nft_progs[][12] = { "abcdefg", "abhijknopqr", "abhilmnopqr", "abcstldeug" };

/* What a rule's rows take their values from. */
struct nft_rule {
	int chain, family;              /* a row of nat_chains, AF_INET or AF_INET6 */
	unsigned char fam;              /* the family as meta nfproto has it (NFPROTO_IPV4 is AF_INET) */
	const char *prog;
	const void *data[D__N];
	unsigned char len[D__N];
};

/* The rule R in M, with the comment TAG (nft's userdata TLV 0). */
static void nft_rule(struct nl *m, const struct nft_rule *r, const char *tag)
{
	unsigned char ud[2 + NAT_TAG] = { 0, (unsigned char)(strlen(tag) + 1) };
	unsigned alen = r->family == AF_INET ? 4 : 16;
	const unsigned nv[] = { alen == 4 ? 12 : 8, alen == 4 ? 16 : 24, alen, (unsigned)r->family };
	struct rtattr *list, *e, *d, *x;

	nft_msg(m, NFT(NFT_MSG_NEWRULE), NLM_F_CREATE | NLM_F_APPEND, "add rule \"%s\" to chain %s", tag,
		nat_chains[r->chain].name);
	nl_put_str(m, NFTA_RULE_CHAIN, nat_chains[r->chain].name);
	memcpy(ud + 2, tag, ud[1]);
	nl_put(m, NFTA_RULE_USERDATA, ud, 2u + ud[1]);
	list = nl_nest(m, NFTA_RULE_EXPRESSIONS | NLA_F_NESTED);
	for (const char *p = r->prog; *p; p++) {
		const __typeof__(nft_ops[0]) *op = &nft_ops[*p - 'a'];

		e = nl_nest(m, NFTA_LIST_ELEM | NLA_F_NESTED);
		nl_put_str(m, NFTA_EXPR_NAME, nft_names + op->name);
		d = nl_nest(m, NFTA_EXPR_DATA | NLA_F_NESTED);
		for (int i = 0; i < op->n; i++)
			nl_put_be32(m, i + 1, op->v[i] >= NV_SOFF ? nv[op->v[i] - NV_SOFF] : op->v[i]);
		if (op->data) {
			x = nl_nest(m, (op->n + 1) | NLA_F_NESTED);
			nl_put(m, NFTA_DATA_VALUE, r->data[op->data], r->len[op->data]);
			nl_nest_end(m, x);
		}
		nl_nest_end(m, d);
		nl_nest_end(m, e);
	}
	nl_nest_end(m, list);
}

/* What the rules of table inet nsrun say: the handles (and chains) of
 * NAME's; how many others there are; the first of C's ports (if C)
 * one of them publishes, and whose it is. */
struct nat_seen {
	const struct cfg *c;
	const char *name;
	int n, others, clash;
	uint64_t handle[NAT_RULES];     /* big-endian, as the kernel gave it */
	unsigned char chain[NAT_RULES];
	char owner[NSRUN_NAME_MAX + 1];
};

/* A batch in M (in nat_buf), begun with the deletion of the rules S
 * lists (NAME's), if S. */
static void nat_begin(struct nl *m, const struct nat_seen *s)
{
	nl_init(m, nat_buf, sizeof nat_buf);
	nft_msg(m, NFNL_MSG_BATCH_BEGIN, 0, "begin", NULL, NULL);
	for (int i = 0; s && i < s->n; i++) {
		nft_msg(m, NFT(NFT_MSG_DELRULE), 0, "delete", NULL, NULL);
		nl_put_str(m, NFTA_RULE_CHAIN, nat_chains[s->chain[i]].name);
		nl_put_u64(m, NFTA_RULE_HANDLE, s->handle[i]);
	}
}

/* The batch of C's rules in M, the stale ones S lists deleted first (a
 * SIGKILLed nsrun's): the table and chains (each created if missing), a
 * masquerade rule per address, a dnat rule per port, family and dnat
 * chain, a hairpin rule per family.  Pure: unit-tested. */
static void nat_batch(struct nl *m, const struct cfg *c, const struct nat_seen *s)
{
	const struct net_cfg *nc = &c->net;
	char tag[NAT_TAG], ip[INET6_ADDRSTRLEN], br[IFNAMSIZ] = { 0 };
	uint32_t rtn_local = RTN_LOCAL;         /* fib's result: host order, as the kernel stores it */
	uint16_t hport, cport;
	unsigned char lo[16], hi[16];
	struct nft_rule r = { .data = { NULL, &r.fam, NULL, NULL, NULL, br, &rtn_local, &hport, &cport, lo, hi },
			      .len = { 0, 1, 1, 0, 0, sizeof br, 4, 2, 2 } };
	struct rtattr *h;

	nat_begin(m, s);
	nft_msg(m, NFT(NFT_MSG_NEWTABLE), NLM_F_CREATE, "add table inet " NAT_TABLE, NULL, NULL);
	for (int i = 0; i < 3; i++) {
		nft_msg(m, NFT(NFT_MSG_NEWCHAIN), NLM_F_CREATE, "add chain inet " NAT_TABLE " %s", nat_chains[i].name,
			NULL);
		nl_put_str(m, NFTA_CHAIN_NAME, nat_chains[i].name);
		h = nl_nest(m, NFTA_CHAIN_HOOK | NLA_F_NESTED);
		nl_put_be32(m, NFTA_HOOK_HOOKNUM, nat_chains[i].hook);
		nl_put_be32(m, NFTA_HOOK_PRIORITY, (uint32_t)(int)nat_chains[i].prio);
		nl_nest_end(m, h);
		nl_put_str(m, NFTA_CHAIN_TYPE, "nat");
	}
	strfmt(br, sizeof br, "%s", nc->bridge);
	strfmt(tag, sizeof tag, "nsrun:%s", c->name);
	r.chain = 2;
	for (int i = 0; i < nc->n_addr; i++) {  /* masquerade; hairpin (with ports, to the family's first) */
		const struct net_addr *a = &nc->addr[i];
		unsigned alen = a->family == AF_INET ? 4 : 16;

		r.fam = (unsigned char)(r.family = a->family);
		r.data[D_ADDR] = a->a;
		r.len[D_ADDR] = r.len[D_LO] = r.len[D_HI] = (unsigned char)alen;
		for (unsigned b = 0; b < alen; b++) {   /* its subnet, first and last */
			unsigned bits = a->prefix > b * 8 ? a->prefix - b * 8 : 0;
			unsigned char mask = (unsigned char)(bits >= 8 ? 0xff : 0xff00 >> bits);

			lo[b] = a->a[b] & mask, hi[b] = lo[b] | (unsigned char)~mask;
		}
		for (int k = 0; k < 2; k++)
			if (k ? nc->n_ports && a == net_first(nc, a->family) : nc->masquerade)
				r.prog = nft_progs[3 * k], nft_rule(m, &r, tag);
	}
	for (int i = 0; i < nc->n_ports; i++) {
		const struct net_port *p = &nc->port[i];
		const char *proto = p->proto == IPPROTO_TCP ? "tcp" : "udp";
		int n = strfmt(tag, sizeof tag, "nsrun:%s %s %u", c->name, proto, p->host);

		if (p->addr.family)
			strfmt(tag + n, sizeof tag - (size_t)n, " %s", ip_str(p->addr.family, p->addr.a, ip));
		hport = htons(p->host), cport = htons(p->container);
		r.prog = nft_progs[1 + !!p->addr.family];
		r.data[D_PROTO] = &p->proto;
		r.data[D_HOSTADDR] = p->addr.a;
		for (int k = 0; k < 4; k++) {   /* IPv4, IPv6 x prerouting, output */
			const struct net_addr *a = net_first(nc, r.family = k < 2 ? AF_INET : AF_INET6);

			if (!a || (p->addr.family && p->addr.family != r.family))
				continue;
			r.fam = (unsigned char)r.family;
			r.chain = k & 1;
			r.data[D_ADDR] = a->a;
			r.len[D_ADDR] = r.len[D_HOSTADDR] = r.family == AF_INET ? 4 : 16;
			nft_rule(m, &r, tag);
		}
	}
	nft_msg(m, NFNL_MSG_BATCH_END, 0, "commit", NULL, NULL);
}

/* A rule of the dump, which the request limits to table inet nsrun (and
 * so to nat_chains): NFTA_RULE_ attributes CHAIN, HANDLE, USERDATA (a
 * comment "nsrun:...", its NUL included, as nsrun writes it). */
static void nat_seen_cb(const struct nlmsghdr *h, void *arg)
{
	struct nat_seen *s = arg;
	const struct rtattr *a = (const struct rtattr *)((const char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct nfgenmsg)));
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct nfgenmsg))), ch = 0;
	const char *name = NULL;
	struct net_port p = { 0 };
	uint64_t handle = 0;
	char *rest;
	size_t n;

	if (h->nlmsg_type != NFT(NFT_MSG_NEWRULE))
		return;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const char *d = RTA_DATA(a);
		size_t l = RTA_PAYLOAD(a);

		if (a->rta_type == NFTA_RULE_CHAIN)    /* prerouting, output, postrouting */
			ch = *d == 'o' ? 1 : d[1] == 'o' ? 2 : 0;
		if (a->rta_type == NFTA_RULE_HANDLE && l == 8)
			memcpy(&handle, d, 8);
		if (a->rta_type == NFTA_RULE_USERDATA && l > 8 && !d[0] && (size_t)d[1] + 2 <= l && !d[d[1] + 1] &&
		    !strncmp(d + 2, "nsrun:", 6))
			name = d + 8;
	}
	n = name ? strcspn(name, " ") : 0;
	if (name && !strncmp(name, s->name, n) && !s->name[n]) {
		if (s->n < NAT_RULES)
			s->handle[s->n] = handle, s->chain[s->n++] = (unsigned char)ch;
		return;
	}
	s->others++;
	rest = (char *)name + n;
	if (!s->c || !name || (strncmp(rest, " tcp ", 5) && strncmp(rest, " udp ", 5)))
		return;
	p.proto = rest[1] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	p.host = (unsigned short)scan_num(rest + 5, &rest, 10);
	if (*rest == ' ')
		parse_addr(rest + 1, 0, 0, &p.addr);
	for (int i = 0; i < s->c->net.n_ports && (s->clash < 0 || i < s->clash); i++)
		if (port_clash(&s->c->net.port[i], &p)) {
			s->clash = i;
			strfmt(s->owner, sizeof s->owner, "%.*s", (int)n, name);
		}
}

/* The dump of table inet nsrun's rules into S; -1 and errno (no message). */
static int nat_list(int fd, const struct cfg *c, const char *name, struct nat_seen *s)
{
	char buf[128];
	struct nl m;

	memset(s, 0, sizeof *s);
	s->c = c, s->name = name, s->clash = -1;
	nl_init(&m, buf, sizeof buf);
	nft_msg(&m, NFT(NFT_MSG_GETRULE), NLM_F_DUMP, "list the rules of table inet " NAT_TABLE, NULL, NULL);
	return nl_talk(fd, &m, nat_seen_cb, s) < 0 && errno != ENOENT ? -1 : 0;
}

/* Forwarding sysctl I (0 IPv4, 1 IPv6) of nsrun's net namespace: its
 * first byte, or with SET that byte written; -1 and errno. */
static int nat_fwd(int i, char set)
{
	char path[48], v[2];

	strfmt(path, sizeof path, "/proc/sys/%s", nat_fwd_names[i]);
	for (char *p = path; *p; p++)
		if (*p == '.')
			*p = '/';
	if (set)
		return write_path(path, 0, &set, 1) == 1 ? set : -1;
	return read_small(path, v, sizeof v) == 0 && v[0] ? v[0] : -1;
}

/* Under net_lock, after the pair exists: C's rules in one batch, after
 * removing its stale ones (a SIGKILLed nsrun's) and refusing a port
 * another container publishes; then the forwarding sysctls. */
static int nat_add(struct cfg *c)
{
	static struct nat_seen s;
	struct net_cfg *nc = &c->net;
	struct undo *u = NULL;
	int fd = nl_open(NETLINK_NETFILTER), rc = -1;
	struct nl m;

	if (fd < 0 || nat_list(fd, c, c->name, &s) < 0) {
		if (fd >= 0 && errno != EINVAL && errno != EOPNOTSUPP)
			fail("list the rules of table inet " NAT_TABLE);
		else    /* no NETLINK_NETFILTER, or no nf_tables behind it */
			fail("%s: nat needs nf_tables (CONFIG_NF_TABLES, CONFIG_NF_TABLES_INET, CONFIG_NFT_NAT, "
			     "CONFIG_NFT_MASQ, CONFIG_NFT_FIB_INET)", c->name);
		goto out;
	}
	if (s.clash >= 0) {
		const struct net_port *p = &nc->port[s.clash];

		failx("%s: net.ports[%d]: %s port %u is already published by %s", c->name, s.clash,
		      p->proto == IPPROTO_TCP ? "tcp" : "udp", p->host, s.owner);
		goto out;
	}
	nat_batch(&m, c, &s);
	if (step(S_net_nat) < 0) {
		fail("add the nat rules of %s", c->name);
		goto out;
	}
	if (nl_ask(fd, &m) < 0)
		goto out;
	if (!(u = undo_add(U_NAT, c->name, 0)))
		goto out;
	rc = 0;
	g_nat_fd = fd, fd = -1;
	for (int i = 0; i < 2; i++) {
		if (!net_first(nc, i ? AF_INET6 : AF_INET) || nat_fwd(i, 0) != '0')
			continue;       /* 1, or no such sysctl (no IPv6) */
		if (!nc->ip_forward)
			fdfmt(2, "nsrun: %s: warning: %s is 0: masquerade and published ports will not forward\n",
			      c->name, nat_fwd_names[i]);
		else if (nat_fwd(i, '1') < 0)
			rc = fail("set %s to 1", nat_fwd_names[i]);
		else
			u->pid |= 1 << i;
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* U_NAT: NAME's rules go, in one batch; a forwarding sysctl nsrun switched
 * on (bit I of RESTORE) goes back to 0 unless another container's rules
 * are left.  The app has run: a failure is a warning. */
static void nat_del(const char *name, int restore)
{
	static struct nat_seen s;
	int fd = g_nat_fd, lock = net_lock(), rc = -1;  /* (U_NAT comes only after nat_add's batch) */
	struct nl m;

	if (lock >= 0 && nat_list(fd, NULL, name, &s) == 0) {  /* NAME's rules, the table if no other's */
		nat_begin(&m, &s);
		if (!s.others)
			nft_msg(&m, NFT(NFT_MSG_DELTABLE), 0, "delete table inet " NAT_TABLE, NULL, NULL);
		nft_msg(&m, NFNL_MSG_BATCH_END, 0, "commit", NULL, NULL);
		rc = nl_talk(fd, &m, NULL, NULL) < 0 && errno != ENOENT ? -1 : 0;
	}
	if (rc < 0)
		warn("the nat rules of %s may be left", name);
	else
		for (int i = 0; i < 2; i++)
			if ((restore & 1 << i) && !s.others && nat_fwd(i, '0') < 0)
				warn("set %s to 0", nat_fwd_names[i]);
	if (lock >= 0)
		close(lock);
	/* The socket's release waits for the batch's memory to be freed
	 * (nft_rcv_nl_event flushes nf_tables' destroy work, which waits an
	 * RCU grace period: 7 ms here) and nsrun's exit status with it; the
	 * rules are gone and acked: a child of nsrun holds the socket alone
	 * and releases it after nsrun has exited. */
	if (syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) == 0) {     /* a fork: raw syscalls only */
		dup2(fd, 0);
		syscall(SYS_close_range, 1, ~0U, 0);    /* (before 5.9, 1 and 2 stay open until it exits) */
		_exit(0);
	}
	close(fd);
}

/* Host side, between the clone and "go": the bridge, then the pair in one
 * request (the peer created right inside the container's namespace, the
 * host end on the bridge and up). */
static int net_host(struct cfg *c, pid_t child)
{
	struct net_cfg *nc = &c->net;
	char buf[512];
	struct nl m;
	int fd, lock, br, rc = -1;

	if ((fd = nl_open(NETLINK_ROUTE)) < 0)
		return fail("open a NETLINK_ROUTE socket");
	if ((lock = net_lock()) < 0) {
		fail("lock %s", NSRUN_RUNDIR);
		close(fd);
		return -1;
	}
	if ((br = net_bridge(fd, c)) < 0)
		goto out;
	net_veth_msg(&m, buf, sizeof buf, nc, child, br);
	if (step(S_net_veth) < 0) {
		fail("create veth %s", nc->host_if);
		goto out;
	}
	if (nl_ask(fd, &m) < 0) {
		if (m.err != EEXIST || !net_leftover(fd, c->name, nc->host_if))
			goto out;
		err_reset();            /* an old host end of ours, out of the way: again */
		if (nl_ask(fd, &m) < 0)
			goto out;
	}
	rc = undo_add(U_LINK, nc->host_if, 0) ? 0 : -1;
	if (rc == 0 && WITH_NAT && (nc->masquerade || nc->n_ports))
		rc = nat_add(c);
out:
	close(lock);
	close(fd);
	return rc;
}

/* After "go", while the container sets up: the host end's alias, which
 * says whose it is (net_leftover).  Not on the way to the app: each rtnl
 * request may wait for the kernel finishing earlier namespaces. */
static int net_mark(struct cfg *c)
{
	char alias[sizeof NET_VETH_ALIAS + NSRUN_NAME_MAX];
	int fd = nl_open(NETLINK_ROUTE), rc;

	if (fd < 0)
		return fail("open a NETLINK_ROUTE socket");
	strfmt(alias, sizeof alias, "%s%s", NET_VETH_ALIAS, c->name);
	if (step(S_net_alias) < 0)
		rc = fail("mark %s as %s", c->net.host_if, alias);
	else
		rc = net_link_alias(fd, c->net.host_if, alias, 0);
	close(fd);
	return rc;
}

/* In the container, after pivot_root: lo up, its link's addresses, the
 * link up, its default routes, in one batch (one request each would wait
 * for the kernel's lock on its own). */
static int net_inside(struct cfg *c)
{
	struct net_cfg *nc = &c->net;
	struct ifreq ifr = { 0 };
	char buf[1024];
	struct nl m;
	int fd = nl_open(NETLINK_ROUTE), index, rc;

	if (fd < 0)
		return fail("open a NETLINK_ROUTE socket");
	/* Any socket answers this, without the kernel's rtnl lock. */
	strfmt(ifr.ifr_name, sizeof ifr.ifr_name, "%s", nc->container_if);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		close(fd);
		return fail("find %s in the container", nc->container_if);
	}
	index = ifr.ifr_ifindex;
	nl_init(&m, buf, sizeof buf);
	net_link_msg(&m, 1, 1, "bring up lo", NULL);  /* lo: index 1 in every namespace */
	for (int i = 0; i < nc->n_addr; i++)
		net_addr_msg(&m, index, &nc->addr[i], nc->container_if);
	net_link_msg(&m, index, 1, "set %s up", nc->container_if);
	if (nc->gw.family)
		net_route_msg(&m, index, &nc->gw, nc->container_if);
	if (nc->gw6.family)
		net_route_msg(&m, index, &nc->gw6, nc->container_if);
	if (step(S_lo_up) < 0)
		rc = fail("bring up lo");
	else if (step(S_net_addr) < 0)
		rc = fail("add address to %s", nc->container_if);
	else if (step(S_net_route) < 0)
		rc = fail("add default route");
	else
		rc = nl_ask(fd, &m);
	close(fd);
	return rc;
}

/* U_LINK: the pair goes.  Once the container's pid namespace is gone
 * (net_leave), the kernel deletes it with the net namespace instead. */
static void net_link_del(const char *name)
{
	char buf[128];
	struct nl m;
	int fd = nl_open(NETLINK_ROUTE);

	if (fd < 0) {
		warn("delete link %s: netlink socket", name);
		return;
	}
	net_link_req(&m, buf, sizeof buf, RTM_DELLINK, 0, "delete link %s", name, NULL);
	if (nl_talk(fd, &m, NULL, NULL) < 0 && errno != ENODEV)
		warn("%s", m.what[0]);
	close(fd);
}

/* The container has exited and its pid namespace is gone: nothing can
 * hold its net namespace but a process from outside, so the kernel deletes
 * the pair with it (the section's head says why nsrun does not). */
static void net_leave(const struct cfg *c)
{
	if (c->net.on && (c->ns & NS_PID))
		strfmt(g_net_left, sizeof g_net_left, "%s", c->net.host_if);
}

/* Teardown of a bridge nsrun created: gone when no port is left.  A host
 * end left to the kernel may still be a port for a moment: it is marked
 * first, under the lock, so that of two containers leaving at once the
 * second one sees both gone.  The app has run: a failure here is a
 * warning (g_err is the start's), and nsrun exits with the app's status. */
static void net_bridge_remove(const char *name)
{
	struct link_info li, ports = { 0 };
	char buf[128];
	struct nl m;
	int fd = nl_open(NETLINK_ROUTE), lock = fd < 0 ? -1 : net_lock();

	if (fd < 0 || lock < 0 || net_link_get(fd, name, &li, 1) < 0) {
		warn("bridge %s may be left: %s", name,
		     fd < 0 ? "netlink socket" : lock < 0 ? "lock " NSRUN_RUNDIR : "look it up");
		goto out;
	}
	if (!li.index || strcmp(li.alias, NET_ALIAS))
		goto out;
	if (g_net_left[0] && net_link_alias(fd, g_net_left, NET_LEFT_ALIAS, 1) < 0 && errno != ENODEV)
		warn("mark %s as left", g_net_left);
	ports.master = li.index;
	nl_init(&m, buf, sizeof buf);
	nl_add(&m, RTM_GETLINK, NLM_F_DUMP, sizeof(struct ifinfomsg), "list the ports of bridge %s", name, NULL);
	if (nl_talk(fd, &m, link_info_cb, &ports) < 0) {
		warn("%s", m.what[0]);
		goto out;
	}
	if (ports.ports == 0)
		net_link_del(name);
out:
	if (lock >= 0)
		close(lock);
	if (fd >= 0)
		close(fd);
}

/* Address A of FAMILY as text, in BUF (INET6_ADDRSTRLEN bytes), as
 * inet_ntop writes it (which would link libc's printf): IPv6 in RFC 5952's
 * form, lower-case hex, the first of the longest runs of two or more zero
 * groups written "::"; ::ffff:a.b.c.d for an IPv4-mapped address.  Two
 * corners differ from a libc: a run at the start tied with a later one
 * (0:0:1:0:0:1:1:1) is shortened first, as RFC 5952 and glibc have it
 * (musl's inet_ntop shortened the later); ::/96, IPv4-compatible, is hex,
 * as in musl (glibc writes ::a.b.c.d). */
static const char *ip_str(int family, const unsigned char *a, char *buf)
{
	size_t n = 0;
	int best = -1, max = 1;

	if (family == AF_INET || !memcmp(a, "\0\0\0\0\0\0\0\0\0\0\377\377", 12)) {
		if (family != AF_INET)
			a += 12, n = (size_t)strfmt(buf, INET6_ADDRSTRLEN, "::ffff:");
		strfmt(buf + n, INET6_ADDRSTRLEN - n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return buf;
	}
	for (int i = 0, run = 0; i < 8; i++) {
		run = a[2 * i] || a[2 * i + 1] ? 0 : run + 1;
		if (run > max)
			max = run, best = i + 1 - run;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			n += (size_t)strfmt(buf + n, INET6_ADDRSTRLEN - n, "::");
			i += max - 1;
			continue;
		}
		n += (size_t)strfmt(buf + n, INET6_ADDRSTRLEN - n, "%s%x", i && i != best + max ? ":" : "",
				    (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
	}
	return buf;
}

/* FILE (in WORK_DIR), LEN bytes of BUF, made one more read-only bind of
 * the config's "mounts" over TARGET (room is kept for them). */
static int net_file(struct cfg *c, const char *file, const char *target, const char *buf, size_t len)
{
	if (write_new(file, buf, len) < 0)
		return fail("write %s", file);
	c->mounts[c->n_mounts++] = (struct mount_cfg){
		.type = M_BIND, .source = file, .target = target, .readonly = 1 };
	return 0;
}

/* /etc/resolv.conf and /etc/hosts for the container, in WORK_DIR; each
 * becomes one more read-only bind of the config's "mounts" (net_file), so
 * the container mounts them as it mounts any volume. */
static int net_files(struct run *r)
{
	struct cfg *c = r->c;
	struct net_cfg *nc = &c->net;
	static const char resolv[] = WORK_DIR "/resolv.conf", hosts[] = WORK_DIR "/hosts";
	char buf[4096], ip[INET6_ADDRSTRLEN];
	size_t n = 0;

	if (step(S_net_files) < 0)
		return fail("write %s", resolv);
	for (int i = 0; i < nc->n_dns; i++)
		n += (size_t)strfmt(buf + n, sizeof buf - n, "nameserver %s\n",
				    ip_str(nc->dns[i].family, nc->dns[i].a, ip));
	if (nc->n_dns && net_file(c, resolv, "/etc/resolv.conf", buf, n) < 0)
		return -1;
	n = (size_t)strfmt(buf, sizeof buf, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	for (int i = 0, h; i < nc->n_addr + nc->n_hosts && n < sizeof buf; i++) {   /* its own, then net.hosts */
		const struct net_addr *a = (h = i - nc->n_addr) < 0 ? &nc->addr[i] : &nc->host_addr[h];

		n += (size_t)strfmt(buf + n, sizeof buf - n, "%s\t%s\n", ip_str(a->family, a->a, ip),
				    h >= 0 ? nc->host_name[h] : c->hostname ? c->hostname : c->name);
	}
	if ((nc->n_hosts || nc->n_addr) &&
	    net_file(c, hosts, "/etc/hosts", buf, n < sizeof buf ? n : sizeof buf - 1) < 0)
		return -1;
	return 0;
}

static int oci_wait(void);
static void oci_child(struct run *r) __attribute__((noreturn));
static int oci_tty(uid_t uid);
static int oci_hooks(const struct cfg *c, int which, const char *status, pid_t pid);

/* ==[ 8. namespaces + init ]===============================================
 * Owns:  the one clone; the user-namespace maps and time offsets (written
 *        by nsrun before the container goes on); "go" (the signals the app
 *        resets); inside: its root's mounts (without a user namespace),
 *        hostname, /proc, /sys, /dev, volumes, pivot_root; then nsrun is PID
 *        1 of the container: it starts the app, forwards signals, reaps every
 *        zombie, serves nsrun exec.  code_trim(): the code's pages unmapped
 *        once a process waits (run_wait, init's loop).
 * Entry: ns_start() (host side), child_main() (container side, never returns)
 * Undo:  U_KILL the container's first process
 * ====================================================================== */

/* The supplementary groups (none, but OCI's additionalGids), then GID, then UID.  Raw syscalls: nsrun has
 * one thread, and libc's wrappers would stop every thread to apply them
 * (musl's __synccall, 1.5 KiB); fchown too (musl's, 150 bytes, retries
 * by the fd's /proc path).  32-bit ARM and x86 keep 16-bit ids in
 * the old numbers; the *32 ones take full ids. */
#ifdef SYS_setresuid32
#define NSRUN_SYS_SETGROUPS SYS_setgroups32
#define NSRUN_SYS_SETRESGID SYS_setresgid32
#define NSRUN_SYS_SETRESUID SYS_setresuid32
#define NSRUN_SYS_FCHOWN SYS_fchown32
#else
#define NSRUN_SYS_SETGROUPS SYS_setgroups
#define NSRUN_SYS_SETRESGID SYS_setresgid
#define NSRUN_SYS_SETRESUID SYS_setresuid
#define NSRUN_SYS_FCHOWN SYS_fchown
#endif
static int set_ids(uid_t uid, gid_t gid, int n, const uint32_t *groups)
{
	if (syscall(NSRUN_SYS_SETGROUPS, n, groups) < 0 || syscall(NSRUN_SYS_SETRESGID, gid, gid, gid) < 0)
		return -1;
	return (int)syscall(NSRUN_SYS_SETRESUID, uid, uid, uid);
}

/* In the container, before the app runs: send the one message, stop. */
__attribute__((noreturn))
static void child_die(struct run *r)
{
	ssize_t w = write(r->errp[1], g_err, strlen(g_err));

	(void)w;
	_exit(125);
}

static int ns_write_map(pid_t pid, const char *which, const struct idmap *m, int n)
{
	char path[64], buf[NSRUN_IDMAP_MAX * 40] = "";
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += (size_t)strfmt(buf + len, sizeof buf - len, "%u %u %u\n",
				      m[i].inside, m[i].outside, m[i].count);
	strfmt(path, sizeof path, "/proc/%d/%s", (int)pid, which);
	if (step(which[0] == 'u' ? S_uid_map : S_gid_map) < 0 || write_file(path, buf) < 0)
		return fail("write %s", path);
	return 0;
}

/* Open PATH inside the directory ROOTFD as if ROOTFD were "/": symlinks are
 * followed by hand, absolute ones and ".." stop at the root, so nothing
 * outside it is ever opened, created or mounted on (the effect of openat2's
 * RESOLVE_IN_ROOT, on every kernel).  With CREATE, missing directories are
 * made, and the last component as a directory or, with !LAST_DIR, an empty
 * file.  Returns an O_PATH fd. */
static int in_root_open(int rootfd, const char *path, int create, int last_dir)
{
	char rest[2 * NSRUN_PATH_MAX], link[NSRUN_PATH_MAX], comp[NAME_MAX + 1];
	int fds[64], depth = 0, links = 0, fd = -1, e = 0;
	size_t n;

	fds[0] = rootfd;
	strfmt(rest, sizeof rest, "%s", path);
	for (char *p = rest;;) {
		struct stat st;
		int last;

		p += strspn(p, "/");
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n > NAME_MAX) {
			e = ENAMETOOLONG;
			goto out;
		}
		memcpy(comp, p, n);
		comp[n] = 0;
		p += n;
		last = p[strspn(p, "/")] == 0;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (depth > 0)
				close(fds[depth--]);
			continue;
		}
		fd = openat(fds[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (last && !last_dir) {
				fd = openat(fds[depth], comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (fd >= 0)
					close(fd);
			} else {
				fd = mkdirat(fds[depth], comp, 0755);
			}
			if (fd < 0 && errno != EEXIST) {
				e = errno;
				goto out;
			}
			fd = openat(fds[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0 || fstat(fd, &st) < 0) {
			e = errno;
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t ln = readlinkat(fd, "", link, sizeof link - 1);

			close(fd), fd = -1;
			if (ln < 0 || ++links > 40) {
				e = ln < 0 ? errno : ELOOP;
				goto out;
			}
			link[ln] = 0;
			if (strlen(link) + 1 + strlen(p) >= sizeof rest) {
				e = ENAMETOOLONG;
				goto out;
			}
			memmove(rest + ln + 1, p, strlen(p) + 1);      /* link + "/" + rest */
			memcpy(rest, link, (size_t)ln);
			rest[ln] = '/';
			p = rest;
			if (link[0] == '/')
				while (depth > 0)
					close(fds[depth--]);
			continue;
		}
		if (!S_ISDIR(st.st_mode) && !last) {
			close(fd), fd = -1;
			e = ENOTDIR;
			goto out;
		}
		if (depth == 63) {
			close(fd), fd = -1;
			e = ENAMETOOLONG;
			goto out;
		}
		fds[++depth] = fd, fd = -1;
	}
	fd = depth ? fds[depth--] : fd_ctl(rootfd, F_DUPFD_CLOEXEC, 0);
out:
	while (depth > 0)
		close(fds[depth--]);
	if (e)
		errno = e;
	return e ? -1 : fd;
}

#define NSRUN_RESOLVE_NO_MAGICLINKS 0x02
#define NSRUN_RESOLVE_IN_ROOT 0x10
struct nsrun_open_how {                 /* struct open_how of <linux/openat2.h> */
	uint64_t flags, mode, resolve;
};

static int g_no_openat2;                /* ENOSYS once: in_root_open from then on */

/* PATH inside the directory ROOT as if ROOT were "/": an O_PATH fd.  OFLAGS
 * may add O_DIRECTORY and O_NOFOLLOW (the last component itself must then
 * not be a symlink: ENOTDIR with O_DIRECTORY).  openat2 with RESOLVE_IN_ROOT
 * does it in one call; RESOLVE_NO_MAGICLINKS keeps /proc/PID/root and the
 * like, once a proc is inside the root, from leading out of it.  Kernels
 * before 5.6 get in_root_open, the same walk by hand.  EAGAIN: a rename or
 * mount somewhere on the system raced a ".." (RESOLVE_IN_ROOT's check is
 * global), so ask again; the hand walk ends a streak of them. */
static int mnt_open(int root, const char *path, int oflags)
{
	struct nsrun_open_how how = { .flags = (uint64_t)(O_PATH | O_CLOEXEC | oflags),
				      .resolve = NSRUN_RESOLVE_IN_ROOT | NSRUN_RESOLVE_NO_MAGICLINKS };
	const char *last = strrchr(path, '/');
	char dir[NSRUN_PATH_MAX];
	int fd, dfd;

	for (int tries = 0; !g_no_openat2 && tries < 4; tries++) {
		fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
		if (fd >= 0 || (errno != ENOSYS && errno != EAGAIN))
			return fd;
		g_no_openat2 = errno == ENOSYS;
	}
	if (!(oflags & O_NOFOLLOW))
		return in_root_open(root, path, 0, 1);
	/* The directories inside the root by hand, the last one with openat. */
	if (!last || last == path)
		return openat(root, last ? last + 1 : path, O_PATH | O_CLOEXEC | oflags);
	if ((size_t)(last - path) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, (size_t)(last - path));
	dir[last - path] = 0;
	if ((dfd = in_root_open(root, dir, 0, 1)) < 0)
		return -1;
	fd = openat(dfd, last + 1, O_PATH | O_CLOEXEC | oflags);
	close(dfd);
	return fd;
}

/* How mount(2) is pointed at the target an fd holds, so that the mount
 * lands on what was resolved and not on whatever a path names by then:
 * a directory is made the cwd and mounted on as "." (a lookup of nothing);
 * anything else through "/proc/self/fd/N", which mount(2) follows to the
 * fd's object.  That is the host's /proc, nsrun's mount namespace's: every
 * mount is made before the pivot, so it is there even for the container's
 * own /proc.  (It costs a lookup through procfs, about 2.5 us more than
 * the fchdir on the build host.)  NULL: fchdir failed. */
static const char *mnt_at(int fd, int dir, char *buf, size_t len)
{
	if (dir)
		return fchdir(fd) < 0 ? NULL : ".";
	strfmt(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

/* ---- mounts as data ----------------------------------------------------
 * Every mount of the container is one row of this kind, run by mop_run(),
 * in order: the standard rows (std_mounts), then the config's "mounts" as
 * rows of their own (mop_volume).  Each target is opened inside the new
 * root (mnt_open) and mounted on through its fd (mnt_at).  Masked paths,
 * read-only paths and OCI mounts are meant to become more rows. */
enum mop_kind {
	MO_FS,          /* a filesystem of its own: SRC (default FSTYPE) of FSTYPE */
	MO_BIND,        /* SRC, a host path, bound recursively */
	MO_NODE,        /* a character device MAJ:MIN */
	MO_LINK,        /* a symlink whose text is SRC */
	MO_MASK,        /* a masked path: /dev/null over a file, an empty read-only tmpfs over a directory */
	MO_RO,          /* a read-only path: bound onto itself, then FLAGS */
};

/* Not a namespace: /dev is nodev and its nodes are the host's, bound.  In
 * a user namespace, which can make no device node; and when the config
 * grants CAP_MKNOD, which would let the app make one in /dev and open it
 * (nsrun has no device cgroup to stop that). */
#define MNT_HOSTDEV (1 << 8)
#define NSRUN_CAP_MKNOD 27

struct mop {                            /* small types: 48 bytes a row */
	const char *target;             /* absolute, inside the root */
	unsigned char kind;             /* enum mop_kind */
	unsigned char maj, min;         /* MO_NODE; a FOLLOW row's MAJ: the propagation set after it, >> 14 */
	/* In a user namespace that does not own the namespace OWN, the kernel
	 * refuses a fresh instance: the host's own TARGET is bound instead; for
	 * a filesystem the host has not mounted (ENOENT) the row is skipped.
	 * With MNT_HOSTDEV a device node is the host's TARGET, bound.  Without
	 * OWN a fresh one is always made. */
	unsigned char own;
	unsigned short need, unless;    /* enum ns_bit, MNT_HOSTDEV: the row runs with all of NEED, none of UNLESS */
	/* FOLLOW (the config's mounts): a symlink at the target is followed
	 * inside the root, missing directories on the way are made.  Else the
	 * target must be the image's own directory, made only in a directory
	 * of nsrun's (/dev), never through a symlink.  An image whose /proc,
	 * /sys or /dev is a symlink is refused (mop_refuse): following it,
	 * even inside the root, would put proc or a tmpfs wherever the image
	 * says, over /etc or over the root itself, and runc refuses proc and
	 * sysfs there for that reason. */
	unsigned char follow;
	unsigned char step;             /* enum step: the fault point, right before the mount */
	unsigned short make;            /* a missing target is made: S_IFDIR, S_IFREG, S_IFCHR + mode */
	unsigned flags;                 /* MS_*; on a bind MS_RDONLY, MS_NODEV...: mnt_attr() after it;
					 * a bind with MS_BIND is recursive only with MS_REC (OCI's "bind") */
	const char *src, *fstype, *data;
};

#define MOP_NX (MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define MOP_NODE(n, a, b) { "/dev/" n, MO_NODE, a, b, .make = S_IFCHR | 0666, .step = S_mount_dev }
#define MOP_LINK(n, to) { "/dev/" n, MO_LINK, .src = to, .step = S_mount_dev }
static const struct mop std_mounts[] = {
	{ "/proc", MO_FS, .fstype = "proc", .flags = MOP_NX, .own = NS_PID, .step = S_mount_proc },
	{ "/dev", MO_FS, .fstype = "tmpfs", .flags = MS_NOSUID | MS_NOEXEC, .data = "mode=0755,size=64k",
	  .unless = MNT_HOSTDEV, .step = S_mount_dev },
	{ "/dev", MO_FS, .fstype = "tmpfs", .flags = MOP_NX, .data = "mode=0755,size=64k",
	  .need = MNT_HOSTDEV, .step = S_mount_dev },
	/* /dev's nodes and links: the step of /dev, whose mount fails first */
	MOP_NODE("null", 1, 3), MOP_NODE("zero", 1, 5), MOP_NODE("full", 1, 7),
	MOP_NODE("random", 1, 8), MOP_NODE("urandom", 1, 9), MOP_NODE("tty", 5, 0),
	MOP_LINK("fd", "/proc/self/fd"), MOP_LINK("stdin", "/proc/self/fd/0"),
	MOP_LINK("stdout", "/proc/self/fd/1"), MOP_LINK("stderr", "/proc/self/fd/2"),
	MOP_LINK("ptmx", "pts/ptmx"),
	/* gid 5 (tty) only where the container has its host's ids */
	{ "/dev/pts", MO_FS, .unless = NS_USER, .make = S_IFDIR | 0755, .fstype = "devpts",
	  .flags = MS_NOSUID | MS_NOEXEC, .data = "newinstance,ptmxmode=0666,mode=0620,gid=5", .step = S_mount_devpts },
	{ "/dev/pts", MO_FS, .need = NS_USER, .make = S_IFDIR | 0755, .fstype = "devpts",
	  .flags = MS_NOSUID | MS_NOEXEC, .data = "newinstance,ptmxmode=0666,mode=0620", .step = S_mount_devpts },
	{ "/dev/shm", MO_FS, .make = S_IFDIR | 01777, .src = "shm", .fstype = "tmpfs", .flags = MS_NOSUID | MS_NODEV,
	  .data = "mode=1777", .step = S_mount_shm },
	{ "/dev/mqueue", MO_FS, .make = S_IFDIR | 0755, .fstype = "mqueue", .flags = MOP_NX, .own = NS_IPC,
	  .step = S_mount_mqueue },
	/* /sys after /dev's: OCI's order (runtime-tools checks it) */
	{ "/sys", MO_FS, .fstype = "sysfs", .flags = MS_RDONLY | MOP_NX, .own = NS_NET, .step = S_mount_sys },
	{ "/sys/fs/cgroup", MO_FS, .fstype = "cgroup2", .flags = MS_RDONLY | MOP_NX, .need = NS_CGROUP,
	  .step = S_mount_cgroup },
};
#undef MOP_NODE
#undef MOP_LINK

/* Is a TYPE mount on DEST (an OCI mount's; "cgroup" is cgroup2) one of the
 * rows above, which nsrun makes anyway (p_omount)?  FL (of MS_RDONLY,
 * MS_NOSUID, MS_NODEV, MS_NOEXEC), what the mount asks, is added to its
 * rows (EXTRA: by row, ORed in by ns_mounts): never weaker than asked,
 * even where it breaks the row (nodev on /dev: its nodes do not open; ro:
 * they cannot be made, the start fails). */
static int mnt_is_std(const char *type, const char *dest, unsigned char *extra, unsigned fl)
{
	int n = 0;

	if (!strcmp(type, "cgroup"))
		type = "cgroup2";
	for (size_t i = 0; i < sizeof std_mounts / sizeof std_mounts[0]; i++) {
		const struct mop *o = &std_mounts[i];

		if (o->kind != MO_FS || strcmp(o->fstype, type) || strcmp(o->target, dest))
			continue;
		extra[i] |= (unsigned char)(fl & ~o->flags);
		n = 1;
	}
	return n;
}
_Static_assert(sizeof std_mounts / sizeof std_mounts[0] <= sizeof ((struct oci_cfg *)0)->std_fl, "std_fl: a byte a row");

struct mnt_ctx {
	int root;                       /* the new root, O_PATH */
	unsigned ns;                    /* the container's enum ns_bit, and MNT_HOSTDEV */
	int dir;                        /* the directory the last target was made in, or -1, */
	const char *dir_of;             /* kept for the next row: DIR_LEN bytes of DIR_OF name it */
	size_t dir_len;
	int cwd;                        /* DIR when it is the cwd, else -1 */
	unsigned more;                  /* MS_ flags added to the row's */
};

static void mop_forget_dir(struct mnt_ctx *x)
{
	if (x->dir >= 0)
		close(x->dir);
	x->dir = x->cwd = -1;
}

/* The directory of TARGET (the last one is kept: /dev's rows share it);
 * *NAME: TARGET's last component. */
static int mop_dir(struct mnt_ctx *x, const char *target, const char **name)
{
	const char *slash = strrchr(target, '/');
	size_t len = slash ? (size_t)(slash - target) : 0;
	char buf[NSRUN_PATH_MAX];

	*name = slash ? slash + 1 : target;
	if (len == 0)
		return x->root;
	if (x->dir >= 0 && len == x->dir_len && !strncmp(target, x->dir_of, len))
		return x->dir;
	mop_forget_dir(x);
	if (len >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, target, len);
	buf[len] = 0;
	if ((x->dir = mnt_open(x->root, buf, O_DIRECTORY)) >= 0)
		x->dir_of = target, x->dir_len = len;
	return x->dir;
}

/* A row's error: "mount proc on /proc", "bind /dev/null on /dev/null"... */
static int mop_fail(const struct mop *o)
{
	if (o->kind == MO_NODE)
		return fail("bind %s on %s", o->target, o->target);     /* the host's node */
	if (o->kind >= MO_MASK)
		return fail("%s %s", o->kind == MO_MASK ? "mask" : "make read-only", o->target);
	return fail("mount %s on %s", o->kind == MO_BIND ? o->src : o->fstype, o->target);
}

/* A standard row's target would not open as a directory (ENOTDIR): one
 * line when the image has a symlink there, else the mount's own error. */
static int mop_refuse(struct mnt_ctx *x, const struct mop *o)
{
	int e = errno, fd = mnt_open(x->root, o->target, O_NOFOLLOW), link;
	struct stat st;

	link = fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
	if (fd >= 0)
		close(fd);
	if (link)
		return failx("%s in the image is a symlink; it must be a directory (nsrun does not mount "
			     "through a symlink there)", o->target);
	errno = e;
	return mop_fail(o);
}

/* The target of a row that mounts: NAME in DIR when it was made there
 * (DIR >= 0); else resolved in the root, and for a FOLLOW row with CREATE
 * made when missing, directories on the way too. */
static int mop_open(struct mnt_ctx *x, const struct mop *o, int dir, const char *name, int create)
{
	int fd;

	if (dir >= 0)
		return openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC | (S_ISDIR(o->make) ? O_DIRECTORY : 0));
	if (!o->follow)
		return mnt_open(x->root, o->target, O_NOFOLLOW | O_DIRECTORY);
	fd = mnt_open(x->root, o->target, 0);
	if (fd < 0 && errno == ENOENT && create && o->make)
		fd = in_root_open(x->root, o->target, 1, S_ISDIR(o->make));
	return fd;
}

/* One row: its target made where the row says so, then a mount, a bind,
 * a node or a link there; a bind made read-only after.  Moves the cwd.
 * -1: g_err says why. */
static int mop_run(struct mnt_ctx *x, const struct mop *o)
{
	int host = o->kind == MO_NODE ? x->ns & MNT_HOSTDEV : o->own && (x->ns & NS_USER) && !(x->ns & o->own);
	int isdir = !S_ISREG(o->make) && o->kind != MO_NODE, bind = host || o->kind == MO_BIND || o->kind == MO_RO;
	int dir = -1, fd = -1, made = 0, rc;
	const char *name = NULL, *at;
	char fp[32];
	unsigned long prop, fl = o->flags | x->more;

	if ((x->ns & o->need) != o->need || (x->ns & o->unless))
		return 0;
	/* Made in a directory of nsrun's (/dev): nodes, links, mount points. */
	if (!o->follow && (o->make || o->kind == MO_LINK)) {
		if ((dir = mop_dir(x, o->target, &name)) < 0)
			return fail("create %s", o->target);
		if (o->kind == MO_LINK)
			rc = symlinkat(o->src, dir, name);
		else if (o->kind == MO_NODE)    /* in a user namespace, a file to bind the host's on */
			rc = mknodat(dir, name, host ? S_IFREG | (o->make & 07777) : o->make,
				     host ? 0 : makedev(o->maj, o->min));
		else
			rc = mkdirat(dir, name, o->make & 07777);
		if (rc < 0 && !(S_ISDIR(o->make) && errno == EEXIST))
			return fail("create %s", o->target);
		if (o->kind == MO_LINK || (o->kind == MO_NODE && !host))
			return 0;
		made = rc == 0;
	}
	/* What nsrun has just made is mounted on by its name in its directory
	 * (the cwd): it is nsrun's own, mkdirat and mknodat make nothing where
	 * something is, so there is nothing to pin with an fd. */
	if (made) {
		if (x->cwd != dir && fchdir(dir) == 0)
			x->cwd = dir;
		at = x->cwd == dir ? name : NULL;
	} else if ((fd = mop_open(x, o, dir, name, 1)) >= 0) {
		struct stat st;

		if (o->kind >= MO_MASK)         /* a file or a directory, whichever is there */
			isdir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
		at = mnt_at(fd, isdir, fp, sizeof fp);
		x->cwd = -1;
	} else if (errno == ENOENT && o->kind >= MO_MASK) {
		return 0;                       /* not in this kernel's /proc, or this image */
	} else if (o->follow) {
		return o->kind >= MO_MASK ? mop_fail(o) : fail("create mount target %s", o->target);
	} else {
		return errno == ENOTDIR ? mop_refuse(x, o) : mop_fail(o);
	}
	if (!at || step(o->step) < 0)
		rc = -1;
	else if (o->kind == MO_MASK && isdir)
		rc = mount("tmpfs", at, "tmpfs", MS_RDONLY | MOP_NX, "mode=0555");
	else if (o->kind == MO_MASK)            /* the host's, reachable until the pivot */
		rc = mount("/dev/null", at, NULL, MS_BIND, NULL);
	else if (bind)
		rc = mount(host ? o->target : o->kind == MO_RO ? at : o->src, at, NULL,
			   MS_BIND | (WITH_OCI && (o->flags & (MS_BIND | MS_REC)) == MS_BIND ? 0 : MS_REC), NULL);
	else
		rc = mount(o->src ? o->src : o->fstype, at, o->fstype, fl, o->data);
	if (fd >= 0)
		close(fd), fd = -1;
	if (rc < 0 && host && o->kind == MO_FS && errno == ENOENT)
		return 0;                       /* the host has none to bind */
	if (rc < 0)
		return mop_fail(o);
	/* A mount elsewhere than in the kept directory may cover it. */
	if (x->dir >= 0 && dir != x->dir)
		mop_forget_dir(x);
	prop = WITH_OCI && o->follow ? (unsigned long)o->maj << 14 : 0;
	if ((bind && (fl & NSRUN_MOUNT_ATTRS)) || prop) {
		/* The new mount is on top now: a name leads into it, a cwd or
		 * an fd taken before it does not; open it again. */
		if (!made) {
			at = (fd = mop_open(x, o, dir, name, 0)) < 0 ? NULL : mnt_at(fd, isdir, fp, sizeof fp);
			x->cwd = -1;
		}
		rc = at ? mnt_attr(at, (unsigned)fl, prop) : -1;
		if (fd >= 0)
			close(fd);
		if (rc < 0)
			return fail("make %s %s", o->target, fl & MS_RDONLY ? "read-only" : "nodev");
	}
	return 0;
}

/* A config "mounts" entry as a row (OPTS: room for a tmpfs's options). */
static int mop_volume(const struct mount_cfg *m, struct mop *o, char *opts, size_t len)
{
	struct stat st;
	int n;

	*o = (struct mop){ .target = m->target, .maj = WITH_OCI ? (unsigned char)(m->prop >> 14) : 0,
			   .make = S_IFDIR | 0755, .follow = 1, .step = S_mount_volumes,
			   .flags = (WITH_OCI ? m->flags : 0) | MS_NODEV };
	if (m->type == M_BIND) {
		if (stat(m->source, &st) < 0)
			return fail("bind %s: source", m->source);
		o->kind = MO_BIND;
		o->src = m->source;
		o->flags |= m->readonly ? MS_RDONLY : 0;
		if (!S_ISDIR(st.st_mode))
			o->make = S_IFREG | 0644;
		return 0;
	}
	/* OCI's data after nsrun's: the kernel takes the last */
	n = strfmt(opts, len, "mode=%o%s", m->mode, WITH_OCI ? m->data : "");
	if (m->size)
		strfmt(opts + n, len - (size_t)n, ",size=%llu", (unsigned long long)m->size);
	o->kind = MO_FS;
	o->fstype = "tmpfs";
	o->flags |= MS_NOSUID;
	o->data = opts;
	return 0;
}

/* The config's sysctls, under the container's new /proc/sys: the net, ipc
 * and uts namespaces' own (p_sysctl takes no other), never the host's. */
static int ns_sysctls(struct mnt_ctx *x, const struct cfg *c)
{
	const struct sysctl_cfg *s = &c->sysctl;
	char path[128], field[128];
	int dir, fd, rc = 0;

	if (!s->n)
		return 0;
	if ((dir = mnt_open(x->root, "/proc/sys", O_DIRECTORY)) < 0)
		return fail("open /proc/sys");
	for (int i = 0; rc == 0 && i < s->n; i++) {
		size_t len = strlen(s->value[i]);

		sysctl_path(s->name[i], path, sizeof path);
		fd = step(S_sysctl) < 0 ? -1 : openat(dir, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || write(fd, s->value[i], len) != (ssize_t)len)
			rc = cfg_err_at(c, s->node[i], field_name(field, sizeof field, "sysctl", s->name[i]),
					"write \"%s\" to /proc/sys/%s: %s", s->value[i], path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	close(dir);
	return rc;
}

/* Every mount of the container, in the new root WORK_ROOT: the standard
 * rows, then the volumes; the sysctls; the masked and the read-only paths
 * (after the sysctls, which /proc/sys read-only would stop); then the root
 * is the cwd, for the pivot.  Under
 * umask 0: each row says its mode, the volumes' targets are made 0755 and
 * 0644. */
static int ns_mounts(struct cfg *c)
{
	struct mnt_ctx x = { .ns = c->ns | ((c->ns & NS_USER) || (c->proc.caps >> NSRUN_CAP_MKNOD & 1) ? MNT_HOSTDEV : 0),
			     .dir = -1, .cwd = -1 };
	mode_t mask;
	int rc = 0;

	if ((x.root = openat(AT_FDCWD, WORK_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail("enter the new root %s", WORK_ROOT);
	mask = umask(0);
	for (size_t i = 0; rc == 0 && i < sizeof std_mounts / sizeof std_mounts[0]; i++) {
		x.more = WITH_OCI ? c->oci.std_fl[i] : 0;      /* what OCI's mounts[] ask beyond the row */
		rc = mop_run(&x, &std_mounts[i]);
	}
	x.more = 0;
	for (int i = 0; rc == 0 && i < c->n_mounts; i++) {
		struct mop o;
		char opts[160];

		rc = mop_volume(&c->mounts[i], &o, opts, sizeof opts) < 0 ? -1 : mop_run(&x, &o);
	}
	if (rc == 0)
		rc = ns_sysctls(&x, c);
	for (int l = 0; l < 2; l++) {           /* masked_paths, then readonly_paths */
		const struct path_list *pl = l ? &c->readonly : &c->masked;
		struct mop o = { .kind = l ? MO_RO : MO_MASK, .follow = 1, .flags = l ? MS_RDONLY | MS_NODEV : 0,
				 .step = l ? S_readonly_paths : S_mask_paths };

		for (int i = 0; rc == 0 && i < pl->n; i++) {
			o.target = pl->path[i];
			rc = mop_run(&x, &o);
		}
	}
	umask(mask);
	if (rc == 0 && fchdir(x.root) < 0)     /* ns_pivot pivots into "." */
		rc = fail("enter the new root %s", WORK_ROOT);
	mop_forget_dir(&x);
	close(x.root);
	return rc;
}

static int ns_lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return fail("bring up lo: socket");
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (step(S_lo_up) == 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (rc < 0)
		fail("bring up lo");
	close(fd);
	return rc;
}

/* pivot_root into the cwd and drop the old root.  An initramfs root
 * (rootfs) cannot be pivoted (EINVAL): then move the new root over "/" and
 * chroot, as switch_root and runc's no-pivot do; the old root stays
 * reachable to a process that can escape a chroot (see README). */
static int ns_pivot(void)
{
	if (step(S_pivot_root) < 0)
		return fail("pivot_root");
	if (!(WITH_OCI && g_oci.opt[O_NOPIVOT]) && syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) < 0)
			return fail("detach the old root");
	} else if ((WITH_OCI && g_oci.opt[O_NOPIVOT]) || errno == EINVAL) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return fail("move the new root over /");
		if (chroot(".") < 0)
			return fail("chroot into the new root");
	} else {
		return fail("pivot_root");
	}
	if (chdir("/") < 0)
		return fail("chdir /");
	return 0;
}

/* Wait for "go": nsrun's part after the clone is done (the id maps, the
 * cgroup before 5.7, the veth).  It carries the set of signals to reset
 * in the app (sig_ignored).  Then the cgroup namespace, the ids and the
 * death signal, unless ARMED: no user or cgroup namespace, and the death
 * signal set before the read (a dead nsrun made it read nothing). */
static int ns_go(struct run *r, int armed)
{
	struct cfg *c = r->c;
	struct pollfd pf = { .fd = r->go[0], .events = POLLIN };

	if (read(r->go[0], &r->sig_ign, sizeof r->sig_ign) != sizeof r->sig_ign)
		_exit(125);                     /* nsrun died before its part was done */
	if (armed) {                            /* death signal set before the read */
		close(r->go[0]);
		return 0;
	}
	if ((c->ns & NS_CGROUP) && (step(S_cgroup_ns) < 0 || unshare(CLONE_NEWCGROUP) < 0))
		return fail("unshare cgroup namespace");
	if ((c->ns & NS_USER) &&
	    (step(S_child_creds) < 0 || set_ids(0, 0, 0, NULL) < 0))
		return fail("become root of the user namespace");
	/* Set after the uid change (which clears it), then checked: nsrun keeps
	 * its end of the go pipe open until the app runs, so a hangup here means
	 * it died before the death signal was armed. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail("prctl PR_SET_PDEATHSIG");
	if (poll(&pf, 1, 0) != 0)
		_exit(125);
	close(r->go[0]);
	return 0;
}

/* Everything between the clone and the app, in the container.  Without a
 * user or a cgroup namespace nothing before the network needs nsrun's part:
 * the container mounts /proc, /sys, /dev and pivots while nsrun makes the
 * veth, and waits for "go" only then, its death signal armed at once. */
static int ns_setup(struct run *r)
{
	struct cfg *c = r->c;
	int early = !(c->ns & (NS_USER | NS_CGROUP));

	if (early && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail("prctl PR_SET_PDEATHSIG");
	if (!early && ns_go(r, 0) < 0)
		return -1;
	if (c->hostname && (step(S_hostname) < 0 || sethostname(c->hostname, strlen(c->hostname)) < 0))
		return fail("set hostname %s", c->hostname);
	/* Mounts copied into a namespace owned by a new user namespace are
	 * locked, and pivot_root refuses a locked new root: bind the root onto
	 * itself here, which makes an unlocked mount of our own to pivot into. */
	if ((c->ns & NS_USER) && mount(WORK_ROOT, WORK_ROOT, NULL, MS_BIND, NULL) < 0)
		return fail("bind the new root %s onto itself", WORK_ROOT);
	if (ns_mounts(c) < 0 || ns_pivot() < 0)
		return -1;
	if (early && ns_go(r, 1) < 0)
		return -1;
	if (WITH_NET && c->net.on)
		return net_inside(c);           /* lo up too */
	if ((c->ns & NS_NET) && ns_lo_up() < 0)
		return -1;
	return 0;
}

/* PATH of the environment ENV, or the default. */
static const char *app_path(const char *const *env)
{
	for (int i = 0; env[i]; i++)
		if (!strncmp(env[i], "PATH=", 5))
			return env[i] + 5;
	return default_env[0] + 5;
}

/* The signals nsrun ignores (SIGPIPE, and whatever its own parent
 * ignored): they would stay ignored across the app's execve, which resets
 * only caught ones.  The app inherits its dispositions from nsrun unchanged
 * (the container's init catches nothing), so nsrun asks for the set after
 * the clone, while the container mounts, and sends it with "go"; the app
 * resets just those.  (Asking in the app, from the container's fresh /proc,
 * cost it tens of microseconds before its execve.) */
static uint64_t sig_ignored(void)
{
	uint64_t ign = 0;
	struct sigaction sa;

	for (int s = 1; s < NSIG && s <= 64; s++)
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			ign |= 1ULL << (s - 1);
	return ign;
}

/* The app's ids, unless it has them already (root of its namespaces, no
 * supplementary groups: the usual case): each change of credentials makes
 * a new set and frees the old one after an RCU grace period. */
static int app_ids(const struct proc_cfg *p)
{
	uid_t ru, eu, su, uid = p->uid;
	gid_t rg, eg, sg, gid = p->gid;

	if (getresuid(&ru, &eu, &su) == 0 && getresgid(&rg, &eg, &sg) == 0 && ru == uid && eu == uid &&
	    su == uid && rg == gid && eg == gid && sg == gid && getgroups(0, NULL) == 0 && !(WITH_OCI && p->n_groups))
		return 0;
	return set_ids(uid, gid, WITH_OCI ? p->n_groups : 0, p->groups);
}

/* Is FILE, or the interpreter its "#!" line names (the kernel follows up to
 * 5 of them), the file SELF, nsrun's own binary?  The app's first exec runs
 * in init's memory, where /proc/self/exe is the host's nsrun: an image whose
 * app is that link, or a script "#!/proc/self/exe", would run the host's
 * binary as the app, and another process of the container could open it
 * through /proc/PID/exe (CVE-2019-5736).  No process of the container runs
 * yet, so nothing can change the files between this look and the exec. */
static int app_is_nsrun(const char *file, const struct stat *self)
{
	char line[NSRUN_PATH_MAX], *f = (char *)file;
	struct stat st;

	for (int depth = 0; depth < 5; depth++) {
		int fd = open(f, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0)                     /* execute-only: it can be no script */
			return stat(f, &st) == 0 && st.st_dev == self->st_dev && st.st_ino == self->st_ino;
		n = fstat(fd, &st) < 0 ? -1 : read(fd, line, sizeof line - 1);
		close(fd);
		if (st.st_dev == self->st_dev && st.st_ino == self->st_ino)
			return 1;
		if (n < 3 || line[0] != '#' || line[1] != '!')
			return 0;
		line[n] = 0;
		f = line + 2 + strspn(line + 2, " \t");
		f[strcspn(f, " \t\n")] = 0;
	}
	return 0;
}

/* Set by the app's process when it fails before or at its execve.  It
 * shares init's memory until then (CLONE_VM | CLONE_VFORK): what it wrote
 * is there when init goes on, and init's vfork ends either at the execve
 * or at this exit.  (Not /proc/APP/exe: the kernel lets a vfork parent go
 * before it switches the child to the new binary's memory, so the old
 * binary can still show there.) */
static volatile int g_app_failed;

__attribute__((noreturn))
static void app_exit(int status)
{
	g_app_failed = 1;
	_exit(status);
}

/* execve FILE, unless it is nsrun's own binary (SELF): then 126. */
static void app_exec(const char *file, char *const *argv, char *const *env, const struct stat *self)
{
	if (self->st_ino && app_is_nsrun(file, self)) {
		fdfmt(2, "nsrun: exec %s: it is nsrun's own binary, which a container never runs\n", file);
		app_exit(126);
	}
	execve(file, argv, env);
}

/* Exec FILE with ARGV and ENV; a name without '/' is looked up in PATH
 * (the container's, not nsrun's).  Exec failures are the app's: 127 not
 * found, 126 cannot execute. */
__attribute__((noreturn))
static void app_execvpe(const char *file, char *const *argv, char *const *env, const char *path)
{
	char buf[NSRUN_PATH_MAX];
	struct stat self;
	int err = ENOENT;

	if (stat("/proc/self/exe", &self) < 0)
		self.st_ino = 0;
	if (strchr(file, '/')) {
		app_exec(file, argv, env, &self);
		err = errno;
	} else {
		for (const char *p = path;; p++) {
			size_t n = strcspn(p, ":");

			if (n + strlen(file) + 2 <= sizeof buf) {
				strfmt(buf, sizeof buf, "%.*s%s%s", (int)n, p, n ? "/" : "", file);
				app_exec(buf, argv, env, &self);
				if (errno != ENOENT && errno != ENOTDIR)
					err = errno;    /* found but not runnable: remember */
			}
			p += n;
			if (!*p)
				break;
		}
	}
	fdfmt(2, "nsrun: exec %s: %s\n", file, strerror(err));
	app_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/* <linux/capability.h>'s capget/capset header and data, version 3: two
 * words of each set. */
struct nsrun_cap_hdr {
	uint32_t version;
	int pid;
};
struct nsrun_cap_data {
	uint32_t eff, prm, inh;
};
#define NSRUN_CAP_V3 0x20080522

/* Before the ids change: the capabilities of SET must be nsrun's to give
 * (its permitted set has them), and every other one leaves the bounding
 * set (up to the kernel's last: EINVAL).  After it, CAPS sets permitted
 * and effective to SET, for uid 0, or to none (setresuid has already
 * emptied them), and inheritable to none, which empties ambient too.
 * (Out of line: 32 bytes less than inlined at become_app's two calls.) */
__attribute__((noinline))
static int app_caps(const struct proc_cfg *p, int after)
{
	struct nsrun_cap_hdr h = { NSRUN_CAP_V3, 0 };
	struct nsrun_cap_data d[2];
	uint64_t miss, set = p->caps, inh;

	if (after) {
		inh = WITH_OCI ? p->icaps & set : 0;    /* (OCI's inheritable and ambient sets; else none) */
		d[0] = (struct nsrun_cap_data){ (uint32_t)set, (uint32_t)set, (uint32_t)inh };
		d[1] = (struct nsrun_cap_data){ (uint32_t)(set >> 32), (uint32_t)(set >> 32), (uint32_t)(inh >> 32) };
		if (syscall(SYS_capset, &h, d) < 0)
			return fail("capset");
		for (int n = 0; WITH_OCI && n < 64; n++)
			if ((p->acaps & inh) >> n & 1 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, n, 0, 0) < 0)
				return fail("raise ambient CAP_%s", cap_name(n));
		return 0;
	}
	if (step(S_app_caps) < 0 || syscall(SYS_capget, &h, d) < 0)
		return fail("capget");
	if ((miss = set & ~(d[0].prm | (uint64_t)d[1].prm << 32)))
		return failx("capability CAP_%s: nsrun does not have it to give", cap_name(__builtin_ctzll(miss)));
	for (int n = 0; n < 64; n++)
		if (!(set >> n & 1) && prctl(PR_CAPBSET_DROP, n, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;          /* past the kernel's last capability */
			if (prctl(PR_CAPBSET_READ, n, 0, 0, 0) != 0)
				return fail("drop CAP_%s from the bounding set", cap_name(n));
		}
	return 0;
}

#define NSRUN_CLOSE_RANGE_CLOEXEC 4
#ifndef TIOCGPTPEER                     /* (musl before 1.1.20) */
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* No fd but 0, 1 and 2 reaches the app, neither nsrun's nor one nsrun was
 * started with: every other one closes on exec (they stay open until
 * then, for a setup error's message).  close_range (5.11); before it,
 * each fd /proc/self/fd lists. */
static int app_fds(void)
{
	char buf[1024];
	long n;
	int d;

	if (syscall(SYS_close_range, 3 + g_oci.preserve, ~0U, NSRUN_CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if ((d = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail("open /proc/self/fd");
	/* struct linux_dirent64: d_reclen at 16, d_name at 19 */
	while ((n = syscall(SYS_getdents64, d, buf, sizeof buf)) > 0)
		for (long o = 0; o < n;) {
			unsigned short len;
			int fd = (int)scan_num(buf + o + 19, NULL, 10);

			memcpy(&len, buf + o + 16, sizeof len);
			if (fd > 2 + g_oci.preserve && fd != d)
				fd_ctl(fd, F_SETFD, FD_CLOEXEC);
			o += len;
		}
	close(d);
	return n < 0 ? fail("read /proc/self/fd") : 0;
}

/* chdir to the app's cwd, which must then be inside the root: a path
 * through a magic link (/proc/self/fd/N) can lead out of it, and the
 * kernel's getcwd then says "(unreachable)" instead of a path. */
static int app_cwd(const char *cwd)
{
	char buf[NSRUN_PATH_MAX];

	if (step(S_app_cwd) < 0 || chdir(cwd) < 0 || syscall(SYS_getcwd, buf, sizeof buf) < 0)
		return fail("chdir %s", cwd);
	return buf[0] == '/' ? 0 : failx("process.cwd %s leads outside the container's root", cwd);
}

/* The one way into a container's process, for the app of `run` and, next,
 * for `nsrun exec`, so both get the same hardening, in this order:
 *   1. signals: the ones in SIG_IGN (those nsrun ignored, which execve
 *      would keep ignored) back to their default; none blocked;
 *   2. what only the container's root may do: oom_score_adj (lowered),
 *      every fd but 0-2 close-on-exec, then rlimits (a hard limit raised;
 *      last, for both open a file: a "nofile" of 1 would refuse them, as
 *      it did the /proc/self/fd walk before close_range's CLOEXEC, 5.11);
 *   3. not dumpable: the memory is init's (CLONE_VM) until the exec, and
 *      from here on init's /proc/PID (exe, fd, mem...) is closed to every
 *      process of the container, which lacks CAP_SYS_PTRACE over it;
 *   4. capabilities: nsrun must hold the set; the rest leave the bounding set;
 *   5. credentials: no supplementary groups (OCI: additionalGids), P's
 *      gid, P's uid (app_ids), the capabilities kept (PR_SET_KEEPCAPS, in
 *      an oci build);
 *      then PDEATHSIG (0: none), which a change of ids clears;
 *   6. capset: permitted and effective the set, inheritable OCI's within
 *      it (else none), OCI's ambient raised: another uid than 0 keeps only
 *      those after its execve; umask; no_new_privs;
 *   7. the working directory, P's cwd, checked to be inside the root ("/":
 *      the caller's cwd must be the container's root, as after the pivot);
 *   8. the seccomp filter (sc_load), last, so that nsrun's own steps are
 *      never filtered and nothing after it can lift it; but with
 *      no_new_privs off the kernel takes a filter only from a holder of
 *      CAP_SYS_ADMIN, which the user change (5.) ends: then it comes
 *      right before 5.;
 *   9. exec of P's args with P's env, looked up in its PATH.
 * Nothing here depends on how the container was set up.  Returns only when
 * a step before the exec fails (-1, g_err says which); a failed exec
 * exits 127 or 126. */
static int become_app(const struct proc_cfg *p, uint64_t sig_ign, int pdeathsig)
{
	sigset_t none;

	if (WITH_OCI && p->terminal && oci_tty(p->uid) < 0)
		return -1;
	for (int s = 1; s < NSIG && s <= 64; s++)
		if (sig_ign >> (s - 1) & 1)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (p->has_oom) {
		char v[16];

		strfmt(v, sizeof v, "%d", (int)p->oom_score_adj);
		if (write_file("/proc/self/oom_score_adj", v) < 0)
			return fail("write %s to /proc/self/oom_score_adj", v);
	}
	if (app_fds() < 0)
		return -1;
	for (int i = 0; i < p->n_rlim; i++) {
		/* Raw prlimit64: libc's setrlimit would apply it to every thread
		 * (musl's __synccall, 1.5 KiB); this process has one. */
		uint64_t rl[2] = { p->rlim[i].soft, p->rlim[i].hard };

		if (syscall(SYS_prlimit64, 0, rlim_names[p->rlim[i].which].res, rl, NULL) < 0)
			return fail("set rlimit %s to [%llu, %llu]", rlim_names[p->rlim[i].which].name,
				    (unsigned long long)p->rlim[i].soft, (unsigned long long)p->rlim[i].hard);
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail("prctl PR_SET_DUMPABLE");
	if (app_caps(p, 0) < 0)
		return -1;
	if (sc_load(p, 0) < 0)                  /* the kernel's rule: CAP_SYS_ADMIN, held until here */
		return -1;
	/* keepcaps: an app of another uid keeps the set until capset and
	 * execve (it then has OCI's ambient ones, else none) */
	if (step(S_app_creds) < 0 || (WITH_OCI && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) || app_ids(p) < 0)
		return fail("set user %u:%u", (unsigned)p->uid, (unsigned)p->gid);
	if (pdeathsig && prctl(PR_SET_PDEATHSIG, pdeathsig) < 0)
		return fail("prctl PR_SET_PDEATHSIG");
	if (app_caps(p, 1) < 0)
		return -1;
	umask(p->umask);
	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail("prctl PR_SET_NO_NEW_PRIVS");
	if (strcmp(p->cwd, "/") && app_cwd(p->cwd) < 0)
		return -1;
	if (sc_load(p, 1) < 0)
		return -1;
	if (WITH_OCI && g_oci.fifo > 2 && oci_wait() < 0)     /* an OCI create: until start */
		return -1;
	app_execvpe(p->args[0], (char *const *)p->args, (char *const *)p->env, app_path(p->env));
}

/* The app's process shares init's memory until its execve (init waits:
 * CLONE_VFORK), as posix_spawn does: no copy of init's page tables, no
 * copy-on-write faults after.  It runs on a stack of its own and writes
 * nothing init reads; its signal dispositions, ids and cwd are its own. */
static unsigned char app_stack[32768] __attribute__((aligned(16)));

/* The app of `run`: its setup error goes to nsrun as the container's does.
 * In a pid namespace init's death kills the app anyway; without one, the
 * death signal does. */
static int app_main(void *arg)
{
	struct run *r = arg;

	become_app(&r->c->proc, r->sig_ign, r->c->ns & NS_PID ? 0 : SIGKILL);
	g_app_failed = 1;
	child_die(r);
}

/* ---- nsrun exec, served by init ---------------------------------------
 * A request is one message on a connection to NAME.sock (state_sock):
 * exec's arguments after the verb as its command line has them, each
 * ending in a NUL, which init reads with the function exec checked them
 * with (exec_args); exec's stdin, stdout and stderr ride along
 * (SCM_RIGHTS).  Init starts CMD as its child
 * the way it started the app (the same stack, become_app with the config's
 * process but for what the request sets), so CMD is in every namespace,
 * the root and the cgroup of the container, its parent is PID 1, and it is
 * reaped inside.  Each int exec sends after that is a signal for CMD; init
 * answers with one int when it reaps CMD: its wait status, or -errno when
 * CMD could not be started.  When exec goes away, CMD is killed.  With
 * NSRUN_EXECS running, a new exec waits in the listen queue. */
struct exec_conn {
	int fd;                         /* the connection; -1 once closed */
	pid_t pid;                      /* CMD, 0 before it runs */
};
static struct exec_conn g_ex[NSRUN_EXECS];
static struct proc_cfg g_ex_proc;       /* the request being started */
static int g_ex_fds[4];                 /* 3, or what a stranger's message had */
static uint32_t g_ex_req[NSRUN_EXEC_REQ / 4];

/* (Out of line: 32 bytes less than inlined at its two callers.) */
__attribute__((noinline))
static void exec_close(struct exec_conn *e, int reply)
{
	if (e->fd >= 0) {
		(void)!send(e->fd, &reply, sizeof reply, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(e->fd);
	}
	e->fd = -1;
	e->pid = 0;
}

static int exec_main(void *arg)
{
	struct run *r = arg;
	int fd[3];                      /* ours: init's memory is shared until the exec */

	for (int i = 0; i < 3; i++)     /* above 2 first: init may lack a 0, 1 or 2 */
		if ((fd[i] = fd_ctl(g_ex_fds[i], F_DUPFD_CLOEXEC, 3)) < 0)
			_exit(125);
	for (int i = 0; i < 3; i++)
		if (dup2(fd[i], i) < 0)
			_exit(125);
	become_app(&g_ex_proc, r->sig_ign, r->c->ns & NS_PID ? 0 : SIGKILL);
	err_line();                     /* on exec's stderr */
	_exit(125);
}

/* exec's arguments after the verb (ARGC, ARGV), as its command line has
 * them and as init reads them from its request: NAME, -u UID:GID, -e
 * KEY=VAL (replacing process.env's KEY, or added), --cwd DIR, then "--"
 * and CMD.  Into P (CMD's process: the config's, as the options change
 * it) and *NAME.  NULL, or the argument that is wrong (exec_no_cmd: no
 * CMD).  One reader for both ends: exec checks its options with it, init
 * applies them. */
static const char exec_no_cmd[] = "-- CMD";

static const char *exec_args(int argc, char **argv, struct proc_cfg *p, const char **name)
{
	for (int i = 0, n; i < argc; i++) {
		const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : "", *eq = strchr(val, '=');
		char *end;
		unsigned long long u = scan_num(val, &end, 10), g = *end == ':' ? scan_num(end + 1, &end, 10) : ~0ULL;

		if (!strcmp(o, "--")) {
			for (n = 0; ++i < argc && n < NSRUN_ARGS_MAX;)
				p->args[n++] = argv[i];
			p->args[n] = NULL;
			return i < argc ? argv[i] : n ? NULL : exec_no_cmd;
		}
		if (!strcmp(o, "-u") && *val >= '0' && *val <= '9' && !*end && end[-1] != ':' &&
		    u < 0xffffffff && g < 0xffffffff)
			p->uid = (uid_t)u, p->gid = (gid_t)g;
		else if (!strcmp(o, "--cwd") && *val == '/')
			p->cwd = val;
		else if (!strcmp(o, "-e") && eq > val) {
			for (n = 0; p->env[n] && strncmp(p->env[n], val, (size_t)(eq - val) + 1); n++)
				;
			if (n == NSRUN_ARGS_MAX)
				return o;
			if (!p->env[n])
				p->env[n + 1] = NULL;
			p->env[n] = val;
		} else if (!*name && *o != '-') {
			*name = o;
			continue;
		} else {
			return o;
		}
		i++;
	}
	return exec_no_cmd;
}

/* The request on E's connection: exec's arguments (exec_args), each
 * ending in a NUL, with its stdin, stdout and stderr; CMD started.
 * -errno when it cannot run (E2BIG: more words or KEY=VALs than a config
 * may have, or a request nsrun exec never sends). */
static int exec_start(struct run *r, struct exec_conn *e)
{
	static char *av[3 * NSRUN_ARGS_MAX + 8];
	union { struct cmsghdr h; char b[CMSG_SPACE(3 * sizeof(int))]; } cm;
	struct iovec iov = { g_ex_req, sizeof g_ex_req - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm, .msg_controllen = sizeof cm };
	const char *name = NULL;
	char *s = (char *)g_ex_req, *end;
	ssize_t n = recvmsg(e->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	int na = 0, nfd = 0, rc = -E2BIG;

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (mh.msg_controllen >= CMSG_LEN(0) && cm.h.cmsg_level == SOL_SOCKET && cm.h.cmsg_type == SCM_RIGHTS)
		nfd = (int)((cm.h.cmsg_len - CMSG_LEN(0)) / sizeof(int));
	nfd = nfd > 4 ? 4 : nfd;
	memcpy(g_ex_fds, CMSG_DATA(&cm.h), (size_t)nfd * sizeof(int));
	end = s + n;
	*end = 0;
	memcpy(&g_ex_proc, &r->c->proc, sizeof g_ex_proc);
	for (; s < end && na < (int)(sizeof av / sizeof av[0]); s += strlen(s) + 1)
		av[na++] = s;
	if (nfd != 3 || s < end || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || exec_args(na, av, &g_ex_proc, &name))
		goto out;
	e->pid = clone(exec_main, app_stack + sizeof app_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, r);
	rc = e->pid < 0 ? (e->pid = 0, -errno) : 0;
out:
	while (nfd > 0)
		close(g_ex_fds[--nfd]);
	return rc;
}

/* Init's poll set PF: the signalfd, NAME.sock, then each connection.
 * (accept4 raw: libc's adds accept and fcntl for kernels before 2.6.28,
 * 0.2 KB.) */
static void exec_serve(struct run *r, struct pollfd *pf)
{
	struct exec_conn *e = g_ex;
	ssize_t n;
	int fd, v;

	while (e < g_ex + NSRUN_EXECS && (e->fd >= 0 || e->pid))
		e++;
	if (pf[1].revents && e < g_ex + NSRUN_EXECS &&
	    (fd = (int)syscall(SYS_accept4, r->exec_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
		e->fd = fd;
	for (e = g_ex; e < g_ex + NSRUN_EXECS; e++) {
		if (!pf[2 + (e - g_ex)].revents || e->fd < 0)
			continue;
		if (!e->pid) {
			if ((v = exec_start(r, e)) < 0)
				exec_close(e, v);
		} else if ((n = recv(e->fd, &v, sizeof v, MSG_DONTWAIT)) == sizeof v) {
			if (v > 0 && v < NSIG)
				kill(e->pid, v);
		} else if (n >= 0 || errno != EAGAIN) { /* exec has gone: so does CMD */
			kill(e->pid, SIGKILL);
			close(e->fd);
			e->fd = -1;
		}
	}
}

/* P was reaped with status ST: when it was exec's CMD, tell exec (1). */
static int exec_reaped(pid_t p, int st)
{
	for (struct exec_conn *e = g_ex; e < g_ex + NSRUN_EXECS; e++)
		if (e->pid == p) {
			exec_close(e, st);
			return 1;
		}
	return 0;
}

static int proc_start_time(pid_t pid, unsigned long long *ticks, pid_t *ppid);

/* Without a pid namespace nsrun cannot kill(-1): end only its own
 * descendants, which the subreaper flag has made its children. */
static int init_kill_children(void)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)scan_num(e->d_name, NULL, 10), ppid = 0;
		unsigned long long t;

		if (pid > 0 && proc_start_time(pid, &t, &ppid) >= 0 && ppid == getpid() && kill(pid, SIGKILL) == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* The code a start ran stays mapped in nsrun and in the container's init
 * (and the kernel's fault-around maps up to 64 KiB around each code
 * fault), though their waits run a few pages of it: its PSS.  Unmapped
 * once the setup is done (and by init after each exec's CMD, which ran
 * become_app() in init's memory); the first time every other page is
 * made a mapping of its own (MADV_RANDOM): fault-around stays within a
 * mapping, so each fault maps back its one page.  The code runs on: its
 * pages are read back from the page cache as it goes. */
static void code_trim(void)
{
	extern const char __executable_start[], __init_array_start[];
	static int split;
	uintptr_t pg = (uintptr_t)getauxval(AT_PAGESZ), a = (uintptr_t)__executable_start,
		  end = (uintptr_t)__init_array_start & -pg;

	for (uintptr_t p = a + pg; !split && p < end; p += 2 * pg)
		madvise((void *)p, pg, MADV_RANDOM);
	split = 1;
	madvise((void *)a, end - a, MADV_DONTNEED);
	/* and the stack the setup used below this frame (a page kept; under
	 * the stack's mapping lies its guard gap: nothing else is mapped) */
	a = ((uintptr_t)__builtin_frame_address(0) & -pg) - pg;
	madvise((void *)(a - 64 * pg), 64 * pg, MADV_DONTNEED);
}

/* PID 1 of the container.  Setup may still fail before the app starts; once
 * it runs, nothing here may exit early: a dying PID 1 kills the container.
 * All signals but the kernel's own (faults) are blocked since before the
 * clone and read from a signalfd: SIGCHLD reaps, the rest go to the app. */
__attribute__((noreturn))
static void init_main(struct run *r, const sigset_t *mask)
{
	struct signalfd_siginfo si;
	struct pollfd pf[2 + NSRUN_EXECS];
	int sfd, st, app_st = 0, done = 0, gone = 0, left;
	pid_t app, p;

	if (step(S_init_signals) < 0 || (sfd = signalfd(-1, mask, SFD_CLOEXEC)) < 0) {
		fail("signalfd");
		child_die(r);
	}
	if (!(r->c->ns & NS_PID))
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (step(S_app_fork) < 0 ||
	    (app = clone(app_main, app_stack + sizeof app_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, r)) < 0) {
		fail("fork the app");
		child_die(r);
	}
	close(r->errp[1]);
	/* run --ready-fd: the vfork is over, by an execve or an exit; the
	 * app says which (g_app_failed). */
	if (r->ready_fd >= 0) {
		if (!g_app_failed)
			(void)!write(r->ready[1], "r", 1);
		close(r->ready[1]);
	}
	/* process.wait "all" (a pid namespace): on until no process is left;
	 * signals go to all of them once the app is gone. */
	for (int i = 0; i < NSRUN_EXECS; i++)
		g_ex[i].fd = -1;
	pf[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	code_trim();
	while (!done) {
		int fr = 0;                     /* a free slot: take a new exec */

		for (int i = 0; i < NSRUN_EXECS; i++) {
			pf[2 + i] = (struct pollfd){ .fd = g_ex[i].fd, .events = POLLIN };
			fr |= g_ex[i].fd < 0 && !g_ex[i].pid;
		}
		pf[1] = (struct pollfd){ .fd = fr ? r->exec_fd : -1, .events = POLLIN };
		if (poll(pf, 2 + NSRUN_EXECS, -1) <= 0)
			continue;
		exec_serve(r, pf);
		if (!pf[0].revents || read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo != SIGCHLD) {
			kill(gone ? -1 : app, (int)si.ssi_signo);
			continue;
		}
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			if (p == app)
				app_st = st, gone = 1;
			else if (exec_reaped(p, st))
				code_trim();
		done = gone && (!r->c->proc.wait_all || p < 0);
	}
	/* The app is gone.  Whatever it left is our child by now (we are PID 1,
	 * or the subreaper): when we have none, the usual case, one waitpid
	 * says so.  Else end them all (in a pid namespace kill(-1); without
	 * one our descendants), reap them and count them as they go (processes,
	 * not threads), and say so: an app that daemonizes ends its container
	 * at once, and nothing else would tell why. */
	if ((p = waitpid(-1, &st, WNOHANG | __WALL)) < 0)
		_exit(exit_code(app_st));
	left = p > 0 && !exec_reaped(p, st);
	if (r->c->ns & NS_PID)
		kill(-1, SIGKILL);
	for (;;) {
		if (!(r->c->ns & NS_PID))
			init_kill_children();
		if ((p = waitpid(-1, &st, __WALL)) > 0)
			left += !exec_reaped(p, st);
		else if (errno == ECHILD)
			break;
	}
	if (left)
		fdfmt(2, "nsrun: warning: %s: the app exited and left %d process%s; %s killed "
		"(an app must stay in the foreground)\n", r->c->name, left, left == 1 ? "" : "es",
		left == 1 ? "it was" : "they were");
	_exit(exit_code(app_st));
}

/* <linux/stat.h>'s struct statx and <linux/mount.h>'s statmount request,
 * as far as nsrun reads them (those headers clash with libcs). */
struct nsrun_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask, times[8];
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id, spare[13];
};
struct nsrun_mnt_id_req {
	uint32_t size, spare;
	uint64_t mnt_id, param;
};
#define NSRUN_STATX_MNT_ID_UNIQUE 0x4000
#define NSRUN_STATMOUNT_MNT_BASIC 0x2

/* In a plain chroot (a build chroot, a rescue shell) "/" is no mount point,
 * and only a mount's root can be made a slave.  Here, in a new mount
 * namespace: bind "/" onto itself and enter the bind ("/.." steps onto
 * what is mounted over the root), which makes it one.  Only when the mount
 * that holds "/" is not shared: else the bind would propagate to its peers,
 * the host's among them, and stay there.  statmount (6.8) tells; without
 * it, or when shared, the start is refused with the way out. */
static int root_mount_point(void)
{
	static const char fix[] = "make the chroot's directory a mount point before entering it "
				  "(mount --bind DIR DIR; chroot DIR)";
	struct nsrun_statx sx;
	struct nsrun_mnt_id_req req = { .size = sizeof req, .param = NSRUN_STATMOUNT_MNT_BASIC };
	uint64_t sm[64];                        /* struct statmount: mask [1], mnt_propagation [9] */
	char cwd[NSRUN_PATH_MAX];

	if (syscall(SYS_statx, AT_FDCWD, "/", 0, NSRUN_STATX_MNT_ID_UNIQUE, &sx) < 0 ||
	    !(sx.mask & NSRUN_STATX_MNT_ID_UNIQUE) || (req.mnt_id = sx.mnt_id,
	    syscall(SYS_statmount, &req, sm, sizeof sm, 0) < 0) || !(sm[1] & NSRUN_STATMOUNT_MNT_BASIC))
		return failx("/ is not a mount point (a chroot?), and without statmount (6.8) nsrun cannot "
			     "tell whether a mount made there would reach the host; %s", fix);
	if (sm[9] & MS_SHARED)
		return failx("/ is not a mount point (a chroot?) and its mount is shared, so a mount made "
			     "there would reach the host; %s", fix);
	if (!cwd_get(cwd, sizeof cwd) || mount("/", "/", NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    chdir("/..") < 0 || chroot(".") < 0 || chdir(cwd) < 0)
		return fail("/ is not a mount point (a chroot?): bind it onto itself");
	return 0;
}

/* The container's root, in a copy of the host's mounts (nsrun's own
 * namespace, or the container's: section image): that copy made a slave,
 * so nothing propagates back and a crash leaves nothing; then the mounts
 * and the files of "net" that are bound into it.  In a chroot whose "/" is
 * no mount point, made one first (EINVAL). */
static int img_root(struct run *r)
{
	if ((!r->own_ns && step(S_mount_ns) < 0) ||
	    (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 &&
	     (errno != EINVAL || root_mount_point() < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)))
		return fail("make / a slave mount");
	return img_mount(r) < 0 || (WITH_NET && r->c->net.on && net_files(r) < 0) ? -1 : 0;
}

/* OCI: the namespace of bit number I in linux.namespaces, by path, could
 * not be joined. */
static int ns_join_fail(const struct cfg *c, int i)
{
	return fail("join the %s namespace %s", ns_names[i], c->oci.ns_path[i]);
}

/* The container's first process.  Without a user namespace it mounts its
 * root itself (section image), while nsrun goes on with the maps and veth. */
__attribute__((noreturn))
static void child_main(struct run *r, const sigset_t *mask)
{
	close(r->go[1]);
	close(r->errp[0]);
	close(r->state_fd);
	close(g_rundir);
	if (r->ready_fd >= 0)           /* N is never open in the container */
		close(r->ready_fd), close(r->ready[0]);
	if (r->cg_fd >= 0)
		close(r->cg_fd);
	if (WITH_OCI && r->oci) {               /* its host pid, from the host's /proc */
		char self[32] = "";

		close(r->ready[0]);
		read_small("/proc/self/stat", self, sizeof self);      /* "PID (comm..." */
		g_oci.pid = (pid_t)scan_num(self, NULL, 10);
		if (g_oci.nsfd[1] && setns(g_oci.nsfd[1], CLONE_NEWNS) < 0)
			ns_join_fail(r->c, 1), child_die(r);
	}
	if ((!r->own_ns && img_root(r) < 0) || ns_setup(r) < 0)
		child_die(r);
	if (WITH_OCI && r->oci)
		oci_child(r);
	init_main(r, mask);
}

/* No CLONE_NEWCGROUP here: a cgroup namespace is rooted where its creator
 * is, so the container makes its own once it is in its cgroup. */
static unsigned long clone_flags(unsigned ns)
{
	return CLONE_NEWNS | (ns & NS_PID ? CLONE_NEWPID : 0) | (ns & NS_UTS ? CLONE_NEWUTS : 0) |
	       (ns & NS_IPC ? CLONE_NEWIPC : 0) | (ns & NS_NET ? CLONE_NEWNET : 0) |
	       (ns & NS_USER ? CLONE_NEWUSER : 0);
}

/* CLONE_NEWTIME only works with unshare(): our children enter it, and its
 * offsets must be written before the first one does. */
static int ns_time(struct cfg *c)
{
	char buf[96];

	if (step(S_time_ns) < 0 || unshare(CLONE_NEWTIME) < 0)
		return fail("unshare time namespace");
	strfmt(buf, sizeof buf, "%d %lld 0\n%d %lld 0\n", CLOCK_MONOTONIC, (long long)c->time.monotonic,
	       CLOCK_BOOTTIME, (long long)c->time.boottime);
	if (step(S_time_offsets) < 0 || write_file("/proc/self/timens_offsets", buf) < 0)
		return fail("write /proc/self/timens_offsets");
	return 0;
}

/* clock_gettime as a plain syscall (libc's looks for the vDSO first: 1 KiB
 * of code for the three readings of a run).  32-bit arches have the 64-bit
 * time call since Linux 5.1, the 32-bit one before. */
static int clock_read(clockid_t id, long long *sec, long long *nsec)
{
	struct { long sec, nsec; } t;           /* the kernel's timespec */
#ifdef SYS_clock_gettime64
	struct { long long sec, nsec; } t64;

	if (syscall(SYS_clock_gettime64, id, &t64) == 0)
		return *sec = t64.sec, *nsec = t64.nsec, 0;
	if (errno != ENOSYS || syscall(SYS_clock_gettime32, id, &t) < 0)
		return -1;
#else
	if (syscall(SYS_clock_gettime, id, &t) < 0)
		return -1;
#endif
	return *sec = t.sec, *nsec = t.nsec, 0;
}

/* The time, in seconds since the epoch: time(NULL), without the vDSO
 * lookup. */
static long long now_s(void)
{
	long long sec = 0, nsec;

	clock_read(CLOCK_REALTIME, &sec, &nsec);
	return sec;
}

/* CLOCK_BOOTTIME in the clock ticks (USER_HZ, 100 a second) of
 * /proc/PID/stat's start time, which the kernel takes from the same clock
 * when it creates a process. */
static int boot_ticks(unsigned long long *ticks)
{
	long long sec, nsec;

	if (clock_read(CLOCK_BOOTTIME, &sec, &nsec) < 0)
		return -1;
	*ticks = (unsigned long long)sec * 100 + (unsigned long long)nsec / 10000000;
	return 0;
}

/* Fields 4 and 22 of /proc/PID/stat: its parent (when PPID), and when it
 * started, in clock ticks since boot.  Returns field 3, its state ('R',
 * 'S', 'Z'...), or -1. */
static int proc_start_time(pid_t pid, unsigned long long *ticks, pid_t *ppid)
{
	char path[32], buf[512], *p;
	int fd, n, field = 2, st;

	strfmt(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = (int)read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0 || !(p = memrchr(buf, ')', (size_t)n)))   /* the name may hold anything */
		return errno = EPROTO, -1;
	buf[n] = 0;
	st = (unsigned char)p[p[1] ? 2 : 1];
	while (field < 22 && (p = strchr(p + 1, ' ')))
		if (++field == 4 && ppid)
			*ppid = (pid_t)scan_num(p + 1, NULL, 10);
	if (!p)
		return errno = EPROTO, -1;
	*ticks = scan_num(p + 1, NULL, 10);
	return st;
}

/* The CPUs of the cpuset a process in cgroup CG runs under (its own or the
 * nearest ancestor's that has the controller) into SET.  1: found; 0: none
 * but the root's (whose fork keeps the parent's CPUs on every kernel). */
static int cg_cpuset_cpus(const char *cg, cpu_set_t *set)
{
	char dir[NSRUN_PATH_MAX + 16], f[NSRUN_PATH_MAX + 48], buf[1024], *p, *end;

	strfmt(dir, sizeof dir, "%s", cg);
	for (char *slash; (slash = strrchr(dir, '/')) && slash > dir; *slash = 0) {
		strfmt(f, sizeof f, "%s/cpuset.cpus.effective", dir);
		if (read_small(f, buf, sizeof buf) < 0)
			continue;                       /* no cpuset of its own here */
		strfmt(f, sizeof f, "%s/cpuset.cpus", dir);
		if (access(f, F_OK) < 0)
			return 0;                       /* the root (no cpuset.cpus there) */
		CPU_ZERO(set);
		for (p = buf; *p >= '0' && *p <= '9'; p += *p == ',') {
			unsigned long long a = scan_num(p, &end, 10), b = a;

			if (*end == '-')
				b = scan_num(end + 1, &end, 10);
			for (; a <= b && a < CPU_SETSIZE; a++)
				CPU_SET((int)a, set);
			p = end;
		}
		return 1;
	}
	return 0;
}

/* Does clone3(CLONE_INTO_CGROUP) give a child the cpuset of its cgroup?
 * From 5.7 until "cgroup/cpuset: Make cpuset_fork() handle CLONE_INTO_CGROUP
 * properly" (6.3; in 6.1.y, never in 5.10.y) the kernel's cpuset_fork copied
 * the parent's CPUs and memory nodes, not the cpuset's: a container with
 * "cpuset_cpus": "1" ran on 0-1.  A migration (a write to cgroup.procs)
 * applies the cpuset on every kernel, so where it matters (the cgroup's
 * cpuset is not the root's and its CPUs are not all of nsrun's) a probe
 * child born by clone3 checks its CPUs once; on a kernel that keeps the
 * parent's, nsrun takes the cgroup.procs path. */
static int cg_clone3_cpuset_ok(struct run *r)
{
	static int ok = -1;                     /* -1: not probed yet */
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
		uint64_t set_tid, set_tid_size, cgroup;
	} ca = { .flags = NSRUN_CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)r->cg_fd };
	cpu_set_t want, mine;
	pid_t pid;
	int st;

	if (ok >= 0 || !cg_cpuset_cpus(r->cg, &want))
		return ok != 0;
	if (sched_getaffinity(0, sizeof mine, &mine) < 0)
		return 1;                       /* unknowable: trust clone3 */
	if (CPU_EQUAL(&want, &mine))
		return 1;                       /* the same CPUs either way */
	if ((pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca)) == 0) {
		cpu_set_t got;

		_exit(sched_getaffinity(0, sizeof got, &got) == 0 && CPU_EQUAL(&got, &want) ? 0 : 1);
	}
	if (pid < 0)
		return 1;                       /* ns_clone's clone3 says why, or falls back */
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	return ok;
}

static pid_t oci_fork(void);

/* OCI: a user namespace joined by path.  The namespaces the clone makes
 * must be its own, and nsrun could not leave it once in (its state, the
 * cgroup and the hooks are the host's): a helper joins it and clones the
 * container as nsrun's own child (CLONE_PARENT), and sends back its pid,
 * or -1 and errno (-2: setns failed). */
static pid_t oci_clone_user(struct run *r)
{
	int p[2], v[2];
	pid_t h;

	if (pipe2(p, O_CLOEXEC) < 0 || (h = oci_fork()) < 0)
		return -1;
	if (h == 0) {
		v[0] = setns(g_oci.nsfd[6], CLONE_NEWUSER) < 0 ? -2 :
		       (int)syscall(SYS_clone, (clone_flags(r->c->ns) & ~(unsigned long)CLONE_NEWUSER) | CLONE_PARENT, 0, 0, 0, 0);
		if (v[0] == 0)
			return close(p[0]), close(p[1]), 0;
		v[1] = errno;
		_exit(write(p[1], v, sizeof v) != sizeof v);
	}
	close(p[1]);
	v[0] = -1, v[1] = EPIPE;                /* (the helper died: not its pid) */
	if (read(p[0], v, sizeof v) != sizeof v)
		v[0] = -1;
	close(p[0]);
	waitpid(h, NULL, 0);
	errno = v[1];
	return v[0] == -2 ? ns_join_fail(r->c, 6), -2 : v[0];
}

/* A raw clone: fork semantics (copy-on-write, no stack to size) with the
 * namespace flags; the child uses no libc state tied to the thread id.  With
 * a cgroup, clone3 (5.7) starts it inside; older kernels say ENOSYS, E2BIG
 * or EINVAL, and then nsrun writes cgroup.procs before the child goes on
 * (as it does where clone3 would not give the child its cpuset's CPUs). */
static pid_t ns_clone(struct run *r)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
		uint64_t set_tid, set_tid_size, cgroup;
	} ca = { .flags = clone_flags(r->c->ns) | NSRUN_CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
		 .cgroup = (uint64_t)r->cg_fd };
	char f[NSRUN_PATH_MAX + 32], pid_s[16];
	pid_t pid;

	if (step(S_clone) < 0)
		return -1;
	/* A fault at cg_join takes the pre-5.7 path, so that it is tested here
	 * too; so does a joined user namespace (the helper's clone). */
	if (r->cg_fd >= 0 && !fault_is(S_cg_join) && !(WITH_OCI && g_oci.nsfd[6]) && cg_clone3_cpuset_ok(r)) {
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
		if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
			return pid;
	}
	pid = WITH_OCI && g_oci.nsfd[6] ? oci_clone_user(r) : (pid_t)syscall(SYS_clone, clone_flags(r->c->ns) | SIGCHLD, 0, 0, 0, 0);
	if (pid <= 0 || r->cg_fd < 0)
		return pid;
	strfmt(f, sizeof f, "%s/cgroup.procs", r->cg);
	strfmt(pid_s, sizeof pid_s, "%d", (int)pid);
	if (step(S_cg_join) < 0 || write_file(f, pid_s) < 0) {
		fail("move the container into %s", f);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		errno = 0;
		return -2;
	}
	return pid;
}

/* The container's setup error, if it wrote one (non-blocking: called
 * once its first process is gone, or to see whether it failed first). */
static int ns_setup_error(struct run *r)
{
	char msg[sizeof g_err];
	ssize_t n = read(r->errp[0], msg, sizeof msg - 1);

	if (n <= 0)
		return 0;
	msg[n] = 0;
	err_reset();
	return failx("%s", msg);
}

/* Host side: clone, maps, veth, "go".  nsrun does not wait for the app to
 * start: it sleeps until the container's first process exits, and then
 * reads what the container wrote to errp (run_wait): a message means the
 * setup failed and the app never ran.  go[1] stays open until then (a
 * hangup on it tells the container that nsrun died). */
static int ns_start(struct run *r, const sigset_t *mask)
{
	struct cfg *c = r->c;
	pid_t pid;
	unsigned long long t0 = 0, t1 = 1;
	int back;

	if ((c->ns & NS_TIME) && ns_time(c) < 0)
		return -1;
	if (step(S_sync_pipe) < 0 || pipe2(r->go, O_CLOEXEC) < 0)
		return fail("pipe");
	if (pipe2(r->errp, O_CLOEXEC | O_NONBLOCK) < 0) {
		fail("pipe");
		close(r->go[0]), close(r->go[1]);
		return -1;
	}
	boot_ticks(&t0);
	pid = ns_clone(r);
	/* back to nsrun's own clocks, from a time namespace joined (oci_join) */
	back = pid && WITH_OCI && g_oci.time ? setns(g_oci.time, CLONE_NEWTIME) : 0;
	if (pid > 0 && boot_ticks(&t1) == 0 && t0 == t1 && !(WITH_OCI && g_oci.time))
		r->start_ticks = t1;    /* the kernel stamped the child between them */
	if (pid == 0)
		child_main(r, mask);
	close(r->go[0]);
	close(r->errp[1]);
	close(r->exec_fd);              /* init's now */
	img_release(r);                 /* the container's copies hold the image now */
	if (pid < 0) {
		if (pid == -1)
			fail("clone the container");
		goto out;
	}
	r->child = pid;
	if (!(r->u_child = undo_add(U_KILL, NULL, pid)) || (back && fail("return to nsrun's time namespace")))
		goto out;
	if ((c->ns & NS_USER) && !(WITH_OCI && g_oci.nsfd[6]) && (ns_write_map(pid, "uid_map", c->userns.uid_map, c->userns.n_uid_map) < 0 ||
				  ns_write_map(pid, "gid_map", c->userns.gid_map, c->userns.n_gid_map) < 0))
		goto out;
	if (WITH_NET && c->net.on && net_host(c, pid) < 0)
		goto out;
	if (WITH_OCI && r->oci && (oci_hooks(c, OCI_PRESTART, "created", pid) < 0 ||
				   oci_hooks(c, OCI_CREATE_RUNTIME, "created", pid) < 0))
		goto out;
	r->sig_ign = sig_ignored();
	if (write(r->go[1], &r->sig_ign, sizeof r->sig_ign) != sizeof r->sig_ign) {
		fail("start the container");
		goto out;
	}
	if (WITH_NET && c->net.on && net_mark(c) < 0)
		goto out;
	return 0;
out:
	/* A step of ours failed after the clone: if the container failed first
	 * (it mounts while we work), that is why, and its message is the one. */
	if (pid > 0)
		ns_setup_error(r);
	close(r->go[1]);
	close(r->errp[0]);
	return -1;
}

/* ==[ 9. state ]============================================================
 * Owns:  the state file NSRUN_RUNDIR/NAME.pid: flock'd by the nsrun that
 *        runs NAME for as long as it runs (a file whose lock is free was
 *        left by a killed nsrun and is reused); the host-side wait with
 *        signal forwarding; the exit status.  Line 1 is nsrun's pid, from
 *        the lock on; once the container runs (after "go") the record the
 *        lifecycle verbs read follows it, written with line 1 in one write
 *        (state_record), KEY=VALUE lines:
 *          init_pid=   the container's first process, as the host sees it
 *          init_start= its start time (/proc/PID/stat field 22, clock ticks
 *                      since boot): a pid reused by another process has
 *                      another start time, so it is never taken for it
 *          config=     the config's absolute path
 *          started=    the start, in seconds since the epoch
 *          status=     running
 *        The owner of a running container is the nsrun that holds the lock
 *        (run: the foreground process): only it ever runs its undo stack.
 * Entry: state_lock(), state_record(), run_wait(); teardown is undo_all().
 *        NAME.sock beside it (state_sock): where the container's init
 *        takes nsrun exec's requests; removed with a stale NAME.pid.
 * Undo:  U_UNLINK NAME.pid, U_UNLINK NAME.sock
 * ====================================================================== */
static int state_lock(struct run *r)
{
	const char *name = r->state + sizeof NSRUN_RUNDIR;      /* NAME.pid, as U_UNLINK takes it */
	char buf[32];
	struct stat a;
	ssize_t n;
	pid_t pid;
	int tries = 0;

	strfmt(r->state, sizeof r->state, "%s/%s.pid", NSRUN_RUNDIR, r->c->name);
	for (int made = 0;;) {                  /* the first start since boot makes it */
		g_rundir = step(S_state_dir) < 0 ? -1 : open(NSRUN_RUNDIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (g_rundir >= 0 || errno != ENOENT || made++)
			break;
		if (mkdir_p(NSRUN_RUNDIR, 0711) < 0)
			break;
	}
	if (g_rundir < 0)
		return fail("create %s", NSRUN_RUNDIR);
	for (;;) {
		int fd = step(S_state_lock) < 0 ? -1
			 : openat(g_rundir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

		if (fd < 0)
			return fail("open %s", r->state);
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;

			n = e == EWOULDBLOCK ? pread(fd, buf, sizeof buf - 1, 0) : -1;
			close(fd);
			if (e != EWOULDBLOCK) {
				errno = e;
				return fail("lock %s", r->state);
			}
			buf[n > 0 ? n : 0] = 0;
			buf[strcspn(buf, "\n")] = 0;
			/* Held, but line 1 names no live process: a verb is removing
			 * a stale file, or another start has locked it and not yet
			 * written its pid.  Look again, for up to a second. */
			pid = (pid_t)scan_num(buf, NULL, 10);
			if (tries++ < 1000 && (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))) {
				poll(NULL, 0, 1);
				continue;
			}
			return failx("%s: already running (pid %s)", r->c->name, *buf ? buf : "?");
		}
		/* Locked, but the file may have been removed by its owner between
		 * our open and our lock (no link left): then take the one now at
		 * the path. */
		if (fstat(fd, &a) == 0 && a.st_nlink > 0) {
			r->state_fd = fd;
			break;
		}
		close(fd);
	}
	if (!undo_add(U_UNLINK, r->state, 0))
		return -1;
	n = strfmt(buf, sizeof buf, "%d\n", (int)getpid());
	if (step(S_state_write) < 0 || (a.st_size > 0 && ftruncate(r->state_fd, 0) < 0) ||
	    pwrite(r->state_fd, buf, (size_t)n, 0) != n)
		return fail("write %s", r->state);
	return 0;
}

/* NAME.sock beside NAME.pid: a SOCK_SEQPACKET socket bound and listening
 * before the clone, for the container's init to take nsrun exec's requests
 * on (section namespaces + init); nsrun's copy is closed once init has its
 * own.  Mode 0600 from the start (umask): whoever may connect may run a
 * command in the container.  A file left by a killed nsrun is replaced: we
 * hold NAME's lock. */
static int state_sock(struct run *r)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	mode_t m;
	int rc;

	strfmt(a.sun_path, sizeof a.sun_path, "%s/%s.sock", NSRUN_RUNDIR, r->c->name);
	if (step(S_exec_sock) < 0 ||
	    (r->exec_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return fail("bind %s", a.sun_path);
	unlinkat(g_rundir, a.sun_path + sizeof NSRUN_RUNDIR, 0);
	m = umask(077);
	rc = bind(r->exec_fd, (struct sockaddr *)&a, sizeof a);
	umask(m);
	if (rc < 0)
		return fail("bind %s", a.sun_path);
	if (!undo_add(U_UNLINK, a.sun_path, 0))
		return -1;
	return listen(r->exec_fd, 8) < 0 ? fail("listen on %s", a.sun_path) : 0;
}

/* The state record (the section's head), once "go" is written: while the
 * container sets up on its side, not on the way to the app.  One write at
 * offset 0 of the file nsrun holds locked: line 1 stays what it was, and
 * the record only grows, so a reader sees line 1 alone or the whole record
 * (its last line is status=). */
static int state_record(struct run *r)
{
	char buf[4 * NSRUN_PATH_MAX], cwd[NSRUN_PATH_MAX] = "";
	unsigned long long start;
	int n;

	if (r->c->file[0] != '/' && !cwd_get(cwd, sizeof cwd))
		return fail("write %s: getcwd", r->state);
	/* Read back only when the clone straddled a tick (1 start in ~100). */
	if (!(start = r->start_ticks) && proc_start_time(r->child, &start, NULL) < 0)
		return fail("write %s: read /proc/%d/stat", r->state, (int)r->child);
	n = strfmt(buf, sizeof buf, "%d\ninit_pid=%d\ninit_start=%llu\nconfig=%s%s%s\nimage=%s\ncgroup=%s\nhost_if=%s\n"
		   "stop_timeout=%d\nstarted=%lld\nstatus=running\n", (int)getpid(), (int)r->child, start, cwd,
		   *cwd ? "/" : "", r->c->file, r->c->root.image ? r->c->root.image : r->c->root.path, r->cg,
		   r->c->net.on ? r->c->net.host_if : "", (int)r->c->stop_timeout, now_s());
	if (step(S_state_record) < 0 || n >= (int)sizeof buf || pwrite(r->state_fd, buf, (size_t)n, 0) != n)
		return fail("write %s", r->state);
	return 0;
}

/* ---- reading the state: the lifecycle verbs ------------------------------
 * NAME runs when its state file's lock is held (by its owner, the nsrun on
 * line 1), its record is whole (status= is last) and init_pid is still the
 * container's first process: its start time is init_start and its parent
 * the owner.  Pidfds of both (5.3+) are opened before that check, so a
 * signal sent through them never reaches a process that took a pid over
 * since; without pidfds, kill() by pid right after the check.  A file whose
 * lock is free was left by a killed nsrun: it is removed on the way. */
enum { R_INIT_PID, R_INIT_START, R_CONFIG, R_IMAGE, R_CGROUP, R_HOST_IF, R_STOP, R_STARTED, R_STATUS, R__N,
       R_NAME = R__N, R_OWNER, R_UPTIME, R_OOM, R__ALL };        /* and what list and state add */

struct srec {
	const char *name;
	int fd;                         /* the state file */
	int pfd[2];                     /* pidfds of the owner and of the init, or -1 */
	pid_t pid[2];                   /* the owner (line 1), the init (init_pid) */
	const char *v[R__ALL];          /* the record's values, in buf; then NAME, line 1 */
	char buf[4 * NSRUN_PATH_MAX];   /* line 1 (the owner's pid), then the values */
	char num[2][24];                /* uptime, oom_kills */
};

static void state_close(struct srec *s)
{
	for (int i = 0; i < 2; i++)
		if (s->pfd[i] >= 0)
			close(s->pfd[i]);
	close(s->fd);
}

/* 0: NAME runs (S holds its record and fds); 1: it does not; -1: g_err. */
static int state_find(const char *name, struct srec *s)
{
	char path[sizeof NSRUN_RUNDIR + NSRUN_NAME_MAX + 8], *p, *nl;
	unsigned long long start;
	pid_t ppid = 0;
	ssize_t n;
	int i;

	s->name = s->v[R_NAME] = name;
	s->v[R_OWNER] = s->buf;
	s->pfd[0] = s->pfd[1] = -1;
	strfmt(path, sizeof path, "%s/%s.pid", NSRUN_RUNDIR, name);
	if ((s->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 1 : fail("open %s", path);
	if (flock(s->fd, LOCK_EX | LOCK_NB) == 0) {     /* nobody holds it: stale */
		char *ext = path + strlen(path) - 3;

		memcpy(ext, "sock", 5);                 /* and its NAME.sock, first */
		unlink(path);
		memcpy(ext, "pid", 4);
		if (unlink(path) < 0 && errno != ENOENT)
			warn("remove the stale %s", path);
		close(s->fd);
		return 1;
	}
	/* held (or not lockable: then the record and its pids alone decide) */
	n = pread(s->fd, s->buf, sizeof s->buf - 1, 0);
	s->buf[n > 0 ? n : 0] = 0;
	s->pid[0] = (pid_t)scan_num(s->buf, NULL, 10);
	/* line 1, then the KEY=VALUE lines in state_record's order: all of
	 * them or line 1 alone (one write) */
	for (i = -1, p = s->buf; i < R__N && (nl = strchr(p, '\n')); i++, p = nl + 1) {
		*nl = 0;
		if (i >= 0)
			s->v[i] = strchrnul(p, '=') + 1;
	}
	if (i == R__N) {                /* a whole record */
		*p = 0;
		s->pid[1] = (pid_t)scan_num(s->v[R_INIT_PID], NULL, 10);
		for (i = 0; i < 2; i++)
			s->pfd[i] = s->pid[i] > 0 ? (int)syscall(SYS_pidfd_open, s->pid[i], 0) : -1;
		if (s->pid[0] > 0 && s->pid[1] > 0 && proc_start_time(s->pid[1], &start, &ppid) >= 0 &&
		    start == scan_num(s->v[R_INIT_START], NULL, 10) && ppid == s->pid[0])
			return 0;
	}
	state_close(s);                 /* starting, ending, or its init gone */
	return 1;
}

static int not_running(const char *name)
{
	fdfmt(2, "nsrun: %s: not running\n", name);
	return 1;
}

/* The running container NAME for VERB: 0, S holds it; else the verb's exit
 * status, its line written: 1 when NAME does not run, 125 on a failure. */
static int state_need(const char *verb, const char *name, struct srec *s)
{
	int rc = state_find(cli_name(verb, name), s);

	return rc > 0 ? not_running(name) : rc < 0 ? err_line() : 0;
}

/* Signal SIG to the owner (WHO 0), which forwards it as it forwards a
 * signal to `run`, or to the container's init (1). */
static int state_signal(struct srec *s, int who, int sig)
{
	if ((s->pfd[who] >= 0 ? syscall(SYS_pidfd_send_signal, s->pfd[who], sig, NULL, 0)
			      : kill(s->pid[who], sig)) < 0 && !(who && errno == ESRCH))
		return fail("%s: signal %d to pid %d", s->name, sig, (int)s->pid[who]);
	return 0;
}

/* Until the owner has ended, its teardown done (its lock is free), or MS
 * have passed (1).  The owner's pidfd wakes us when it exits (one poll for
 * the whole time: it has closed its files by then); without one (before
 * 5.3), the lock is tried every 10 ms. */
static int state_wait(struct srec *s, int ms)
{
	struct pollfd pf = { .fd = s->pfd[0], .events = POLLIN };

	while (flock(s->fd, LOCK_SH | LOCK_NB) < 0) {
		if (ms < 0)
			return 1;
		ms = pf.fd < 0 ? poll(NULL, 0, 10) - 10 + ms : poll(&pf, 1, ms) > 0 ? 0 : -1;
		pf.fd = -1;
	}
	return 0;
}

/* A JSON value into O: S quoted (QUOTE), or the JSON text S starts with
 * as it is (a number, an object: one value, as js_skip finds its end);
 * null when S is NULL or empty. */
static void json_val(struct out *o, const char *s, int quote)
{
	if (!s || !*s)
		s = "null", quote = 0;
	if (!quote) {
		out_put(o, s, (size_t)(js_skip(s) - s));
		return;
	}
	out_put(o, "\"", 1);
	for (char e[8]; *s; s++)
		if ((unsigned char)*s < 32 || *s == '"' || *s == '\\')
			out_put(o, e, (size_t)strfmt(e, sizeof e, "\\u%04x", (unsigned char)*s));
		else
			out_put(o, s, 1);
	out_put(o, "\"", 1);
}

/* One JSON object into O, for nsrun's state and list and the OCI mode's
 * state, list and hooks: the N keys K (one after the other), key i with
 * the value V[AT[i]], quoted when bit i of STR is set (json_val). */
static void json_obj(struct out *o, const char *k, const char *const *v, const unsigned char *at, unsigned str, int n)
{
	for (int i = 0; i < n; i++, k += strlen(k) + 1) {
		ofmt(o, "%s\"%s\": ", i ? ", " : "{", k);
		json_val(o, v[at[i]], str >> i & 1);
	}
	ofmt(o, "}");
}

/* ", "KEY": [...]" into O: the names NAMES (one after the other, up to
 * an empty one), each after PREFIX, but those whose bit is set in SKIP
 * (bit 0: the first): nsrun features' arrays and the OCI mode's. */
static void json_list(struct out *o, const char *key, const char *names, const char *prefix, unsigned skip)
{
	const char *sep = "";

	ofmt(o, ", \"%s\": [", key);
	for (; *names; names += strlen(names) + 1, skip >>= 1)
		if (!(skip & 1))
			ofmt(o, "%s\"%s%s\"", sep, prefix, names), sep = ", ";
	ofmt(o, "]");
}

/* What list and state show of a running container: list's keys are the
 * first five, state's all of them, each with the value it shows (state
 * and status: the record's status).  Strings are quoted in JSON; the rest
 * (numbers) are not; an empty or missing value is null. */
static const char state_keys[] =
	"name\0pid\0image\0uptime\0state\0status\0config\0started\0cgroup\0host_if\0oom_kills\0owner";
static const unsigned char state_vals[] = {
	R_NAME, R_INIT_PID, R_IMAGE, R_UPTIME, R_STATUS, R_STATUS, R_CONFIG, R_STARTED, R_CGROUP, R_HOST_IF, R_OOM, R_OWNER,
};
enum { SK_LIST = 5, SK__N = sizeof state_vals,
       SK_STRINGS = 1 << 0 | 1 << 2 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 9 };

/* S's first N keys into O: a JSON object, or (TEXT) list's line (no
 * newline); then S is closed. */
static void state_show(struct out *o, struct srec *s, int n, int text)
{
	const char **v = s->v;
	long kills, max;

	strfmt(s->num[0], sizeof s->num[0], "%lld",
	       now_s() - (long long)scan_num(v[R_STARTED], NULL, 10));
	v[R_UPTIME] = s->num[0];
	v[R_OOM] = NULL;
	if (n == SK__N && *v[R_CGROUP] && cg_events(v[R_CGROUP], &kills, &max) == 0)
		strfmt(s->num[1], sizeof s->num[1], "%ld", kills), v[R_OOM] = s->num[1];
	if (text)
		ofmt(o, "%-12s %-7s %-28s %-7s %s", v[R_NAME], v[R_INIT_PID], v[R_IMAGE], v[R_UPTIME], v[R_STATUS]);
	else
		json_obj(o, state_keys, v, state_vals, SK_STRINGS, n);
	state_close(s);
}

/* nsrun list's and the OCI mode's list: every entry of DIR that ONE
 * writes into O after SEP (it returns 1; 0 when it shows nothing), as a
 * JSON array (JSON) or one a line.  -1 (g_err) when DIR cannot be read;
 * none (ENOENT) is none. */
static int list_dir(struct out *o, const char *dir, int json,
		    int (*one)(struct out *o, const char *name, const char *sep, int json))
{
	const char *sep = json ? "[" : "";
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d && errno != ENOENT)
		return fail("open %s", dir);
	while (d && (e = readdir(d)))
		if (one(o, e->d_name, sep, json))
			sep = json ? ", " : "\n";
	if (d)
		closedir(d);
	ofmt(o, "%s", !json ? sep : *sep == '[' ? "[]\n" : "]\n");
	return 0;
}

/* Until CHILD exits (its wait status in *ST), forwarding every signal the
 * signalfd SFD reads to it: run's wait for the container, exec's for CMD. */
static int fwd_wait(pid_t child, int sfd, int *st)
{
	struct signalfd_siginfo si;
	pid_t p;

	while ((p = waitpid(child, st, WNOHANG)) != child) {
		if (p < 0 && errno != EINTR)
			return fail("wait for pid %d", (int)child);
		if (read(sfd, &si, sizeof si) == sizeof si && si.ssi_signo != SIGCHLD)
			kill(child, (int)si.ssi_signo);
	}
	return 0;
}

/* Wait for the container's first process, forwarding every signal nsrun
 * gets to it (during the setup it holds them until the app runs).  Then
 * the setup's outcome: an error message from the container means the app
 * never ran (-1).  Else the exit status nsrun passes on. */
static int run_wait(struct run *r, const sigset_t *mask)
{
	int sfd = signalfd(-1, mask, SFD_CLOEXEC), st = 0, rc = -1;

	if (sfd < 0) {
		fail("signalfd");
		goto out;
	}
	code_trim();
	if (fwd_wait(r->child, sfd, &st) < 0)
		goto out;
	undo_done(r->u_child);
	rc = ns_setup_error(r) < 0 ? -1 : exit_code(st);
out:
	if (sfd >= 0)
		close(sfd);
	close(r->go[1]);
	close(r->errp[0]);
	return rc;
}

/* The signals nsrun forwards: all it can catch but the kernel's own
 * reports of a fault in nsrun itself (and SIGPIPE, ignored instead). */
static void forward_mask(sigset_t *m)
{
	static const int own[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGPIPE };

	sigfillset(m);
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		sigdelset(m, own[i]);
}

/* run --pidfile: the init's host pid, written to a new file and renamed
 * over PATH; removed at the end (undo). */
static int pid_file(struct run *r)
{
	char tmp[NSRUN_PATH_MAX + 16], buf[16];
	int n = strfmt(buf, sizeof buf, "%d%s", (int)r->child, r->oci ? "" : "\n");     /* OCI: no newline */

	if (strfmt(tmp, sizeof tmp, "%s.%d", r->pidfile, (int)getpid()) >= (int)sizeof tmp)
		return errno = ENAMETOOLONG, fail("write the pid file %s", r->pidfile);
	if (write_new(tmp, buf, (size_t)n) < 0 || rename(tmp, r->pidfile) < 0) {
		fail("write the pid file %s", r->pidfile);
		unlink(tmp);
		return -1;
	}
	return undo_add(U_FILE, r->pidfile, 0) ? 0 : -1;
}

static struct run r;                    /* the one start of this nsrun: run's, or an OCI create's */

/* The root, the cgroup, the clone: run's and an OCI create's start. */
static int run_start(struct run *rr, const sigset_t *mask)
{
	return img_prepare(rr) == 0 && (!rr->own_ns || img_root(rr) == 0) &&
	       (!WITH_CGROUP || !rr->c->cg.on || cg_setup(rr) == 0) && ns_start(rr, mask) == 0 ? 0 : -1;
}

/* R for config C, PIDFILE: no fd yet; a container that died is EPIPE. */
static void run_init(struct cfg *c, const char *pidfile)
{
	r.c = c;
	r.state_fd = r.cg_fd = r.img_lock = r.img_file = r.img_loop = r.ready_fd = r.exec_fd = -1;
	r.ready[0] = r.ready[1] = -1;
	r.pidfile = pidfile;
	signal(SIGPIPE, SIG_IGN);
}

static int run(struct cfg *c, const char *pidfile, int ready_fd, int *status)
{
	sigset_t mask;
	int rc = -1;
	char b;

	run_init(c, pidfile);
	r.ready_fd = ready_fd;
	forward_mask(&mask);
	sigprocmask(SIG_BLOCK, &mask, NULL);    /* inherited by the container */
	if (state_lock(&r) == 0 && state_sock(&r) == 0 && (ready_fd < 0 || pipe2(r.ready, O_CLOEXEC) == 0 || fail("pipe") > 0) &&
	    run_start(&r, &mask) == 0 &&
	    state_record(&r) == 0 && (!pidfile || pid_file(&r) == 0)) {
		/* --ready-fd: one line once init says the app runs; then N closes */
		close(r.ready[1]);
		if (ready_fd >= 0 && read(r.ready[0], &b, 1) == 1)
			fdfmt(ready_fd, "ready\n");
		*status = run_wait(&r, &mask);
		if (WITH_VERITY && c->root.verity.on && *status >= 0)     /* the app ran */
			dm_report(c, g_dm_name);
		if (WITH_NET && *status >= 0)
			net_leave(c);
		if (WITH_CGROUP && c->cg.on)
			cg_report(&r);
		rc = *status < 0 ? -1 : 0;
	}
	if (ready_fd >= 0)
		close(ready_fd), close(r.ready[0]);
	return rc;
}

/* ==[ 9b. oci ]=============================================================
 * Owns:  the OCI runtime CLI (issue 17): runc's verbs over the same run
 *        path.  create clones the container as run does, but its process
 *        is the app itself (no init of nsrun above it): the child does the
 *        whole setup and become_app, and right before the execve says "set
 *        up" to create (a byte on a pipe) and blocks opening ROOT/ID/
 *        exec.fifo for writing; start opens it for reading, the child runs
 *        the startContainer hooks, writes a byte and execs.  create exits 0
 *        then: nothing of the host side needs a live nsrun (no death signal,
 *        its undo entries dropped on success; a failed create rolls back).
 *        State per ID: ROOT/ID/state ("PID START_TICKS", the bundle, the
 *        cgroup, the annotations' JSON), exec.fifo while created, a copy of
 *        config.json when it has hooks for start or delete.  Status: stopped
 *        when the pid is gone, a zombie or another process (start time);
 *        else created while exec.fifo is there, running after.
 * Entry: oci_main() (main, when oci_wants()), oci_child() (child_main),
 *        oci_wait() (become_app)
 * Undo:  U_OCI ROOT/ID and its files
 * Feature: WITH_OCI
 * ====================================================================== */
/* A loaded ROOT/ID/state. */
struct ostate {
	pid_t pid;
	unsigned long long ticks;
	const char *cg, *annot;          /* (the bundle: g_oci.bundle) */
	const char *status;
	char buf[32768];
};

/* Is option O (--format, --log-format) "json"?  (Their values: json or
 * text/table, the default.  Out of line: 16 bytes less than inlined.) */
__attribute__((noinline))
static int oci_json(int o)
{
	return g_oci.opt[o] && *g_oci.opt[o] == 'j';
}

/* The verb's failure: its line to --log (text, or JSON with the time) or
 * to stderr; exit 1. */
static int oci_fail(void)
{
	const char *log = g_oci.opt[O_LOG];
	int fd = log ? open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : 2;
	char buf[1024], time[32];
	struct out o = { buf, sizeof buf, 0, 0, fd < 0 ? 2 : fd };
	const char *v[] = { "error", g_err, time };

	if (log && oci_json(O_LOGFMT)) {
		/* the UTC date: whole years, then months (every 4th year a leap
		 * year: true from 1901 to 2099) */
		long long t = now_s();
		int d = (int)(t / 86400), y = 1970, m = 1, l;

		for (; d >= (l = 365 + !(y & 3)); y++)
			d -= l;
		for (; d >= (l = "\37\34\37\36\37\36\37\37\36\37\36\37"[m - 1] + (m == 2 && !(y & 3))); m++)
			d -= l;
		strfmt(time, sizeof time, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d + 1, (int)(t % 86400 / 3600),
		       (int)(t % 3600 / 60), (int)(t % 60));
		json_obj(&o, "level\0msg\0time", v, (const unsigned char *)"\0\1\2", 7, 3);
		ofmt(&o, "\n");
	} else {
		ofmt(&o, "nsrun: %s\n", g_err);
	}
	write_all(o.fd, buf, o.n);
	if (fd > 2)
		close(fd);
	return 1;
}

/* The state of the spec, as state and list print it and hooks read it:
 * ANNOT is the annotations' JSON text (an object). */
static void oci_state_json(struct out *o, const char *status, pid_t pid, const char *annot)
{
	char num[16];
	const char *v[] = { "1.2.0", g_oci.id, status, num, g_oci.bundle, annot };

	strfmt(num, sizeof num, "%d", (int)pid);
	json_obj(o, "ociVersion\0id\0status\0pid\0bundle\0annotations", v, (const unsigned char *)"\0\1\2\3\4\5",
		 1 << 0 | 1 << 1 | 1 << 2 | 1 << 4, 6);
}

/* fork, as a raw clone (libc's brings its atfork machinery, 3 KiB). */
static pid_t oci_fork(void)
{
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* The hooks WHICH of C, each with the state on its stdin; the first that
 * fails stops them (an error) unless they are poststart or poststop. */
static int oci_hooks(const struct cfg *c, int which, const char *status, pid_t pid)
{
	const char *argv[NSRUN_ARGS_MAX + 2], *envp[NSRUN_ARGS_MAX + 1], *name = packed_name(oci_hook_names, which + 1);
	char st[8192];
	struct out o = { st, sizeof st, 0, 0, -1 };
	int p[2], ws, k;
	long long t;

	if (!c || !c->oci.hooks[which])
		return 0;
	oci_state_json(&o, status, pid, c->oci.annot);
	for (const cJSON *h = ((const cJSON *)c->oci.hooks[which])->child; h; h = h->next) {
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(h, "path");
		unsigned to = (unsigned)h->valueint;    /* timeout + 1; 0: none (p_ohook) */
		pid_t kid;

		for (int l = 0; l < 2; l++) {
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(h, l ? "env" : "args");
			const char **v = l ? envp : argv;

			k = 0;
			for (const cJSON *e = a ? a->child : NULL; e; e = e->next)
				v[k++] = e->valuestring;
			if (!l && !k)
				v[k++] = path->valuestring;
			v[k] = NULL;
		}
		if (pipe2(p, O_CLOEXEC) < 0 || (kid = oci_fork()) < 0)
			return fail("run the %s hook %s", name, path->valuestring);
		if (kid == 0) {
			if (dup2(p[0], 0) < 0)
				_exit(127);
			execve(path->valuestring, (char *const *)argv, (char *const *)envp);
			fdfmt(2, "nsrun: %s hook %s: %s\n", name, path->valuestring, strerror(errno));
			_exit(127);
		}
		close(p[0]);
		write_all(p[1], st, o.n);
		close(p[1]);
		/* its timeout in 10 ms ticks (none: 2^32 - 1 s, and a blocking wait);
		 * past it KILL, a failure.  (No EINTR: nsrun has no handlers.) */
		for (t = (to - 1) * 100LL; waitpid(kid, &ws, to ? WNOHANG : 0) == 0; t--)
			if (t)
				poll(NULL, 0, 10);
			else
				kill(kid, SIGKILL);
		if (ws == 0)
			continue;
		failx(t < 0 ? "the %s hook %s timed out (%d s)" : "the %s hook %s exited with %d", name, path->valuestring,
		      t < 0 ? (int)to - 1 : exit_code(ws));
		if (which < OCI_POSTSTART)
			return -1;
		fdfmt(2, "nsrun: warning: %s\n", g_err);
		err_reset();
	}
	return 0;
}

/* --console-socket SOCK (create, run, exec), connected in nsrun before the
 * clone or fork; oci_tty, in the container's process, sends over it when
 * the process has a terminal.  (Without one the socket goes unused, as
 * with crun; runc refuses it.) */
static int oci_console(void)
{
	struct sockaddr_un a;
	const char *s = g_oci.opt[O_CONSOLE];

	a.sun_family = AF_UNIX;
	if (strfmt(a.sun_path, sizeof a.sun_path, "%s", s) >= (int)sizeof a.sun_path)
		return errno = ENAMETOOLONG, fail("--console-socket %s", s);    /* (never a truncated path) */
	if ((g_oci.tty = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    syscall(SYS_connect, g_oci.tty, &a, sizeof a) < 0)     /* (raw: exec_request's note) */
		return fail("--console-socket %s", s);
	return 0;
}

/* process.terminal, in the container's process (become_app, first), as
 * runc: a new pty of the container's devpts (its /dev/ptmx, after the
 * pivot or exec's setns), the slave this new session's controlling
 * terminal and fds 0-2, the master sent over the console socket
 * (SCM_RIGHTS, with runc's payload, the name "/dev/ptmx": the shim's
 * recvmsg wants one fd and some bytes), then closed here.  The slave by
 * TIOCGPTPEER (4.13), not by its path: that is the master's peer, even in
 * a container whose process remounted its /dev/pts; its path there is
 * /dev/pts/N.  The slave is the process user's, as runc's (its group
 * stays devpts' gid=, tty's), so that it can open /dev/tty once it is that
 * user.  (setsid: checked by TIOCSCTTY; the unlock: by TIOCGPTPEER;
 * the slave's fd closes on exec: app_fds.  The message static: its 96
 * bytes of data are less than the code that would build it.) */
static int oci_tty(uid_t uid)
{
	static union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } u = {
		.h = { .cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS } };
	static struct iovec v = { "/dev/ptmx", 9 };
	static struct msghdr mh = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = &u, .msg_controllen = sizeof u };
	int m, t, n = 0;

	if (!g_oci.opt[O_CONSOLE])              /* as runc's create; nsrun has no pty of its own to copy */
		return failx("no --console-socket for process.terminal");
	if (step(S_console) < 0 || (m = open(v.iov_base, O_RDWR | O_CLOEXEC)) < 0 ||
	    (ioctl(m, TIOCSPTLCK, &n), syscall(SYS_setsid), t = ioctl(m, TIOCGPTPEER, O_RDWR)) < 0 ||
	    ioctl(t, TIOCSCTTY, 0) < 0 || syscall(NSRUN_SYS_FCHOWN, t, uid, -1) < 0 ||
	    (dup2(t, 0), dup2(t, 1), dup2(t, 2), memcpy(CMSG_DATA(&u.h), &m, sizeof m),
	     syscall(SYS_sendmsg, g_oci.tty, &mh, MSG_NOSIGNAL)) < 0)
		return fail("process.terminal");
	return close(m);
}

/* In the container, the step before the app's execve (become_app): "set
 * up" to create, then wait for start; the startContainer hooks; exec. */
static int oci_wait(void)
{
	char path[32];
	int fd;

	if (prctl(PR_SET_PDEATHSIG, 0) < 0 || write(g_oci.ready, "r", 1) != 1)
		return fail("signal create");
	close(g_oci.ready);
	strfmt(path, sizeof path, "/proc/self/fd/%d", g_oci.fifo);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return fail("open exec.fifo");
	close(g_oci.fifo);
	g_oci.fifo = 0;
	if (oci_hooks(g_oci.c, OCI_START_CONTAINER, "created", g_oci.pid) < 0)
		return -1;
	return write(fd, "0", 1) == 1 ? close(fd) : fail("write exec.fifo");
}

/* linux.devices: each node made, its mode and owner (a file that is there
 * already, like nsrun's own /dev/null, is kept as it is). */
static int oci_devices(const struct cfg *c)
{
	for (const struct oci_dev *d = c->oci.dev; d < c->oci.dev + c->oci.n_dev; d++)
		if (mknod(d->path, (*d->type == 'b' ? S_IFBLK : *d->type == 'p' ? S_IFIFO : S_IFCHR) | d->mode,
			  makedev(d->major, d->minor)) < 0 ? errno != EEXIST :
		    chmod(d->path, d->mode) < 0 || chown(d->path, d->uid, d->gid) < 0)
			return fail("make device %s", d->path);
	return 0;
}

/* The container's process after its setup: the devices, the root's
 * propagation, the createContainer hooks, then become_app, which waits in
 * oci_wait. */
__attribute__((noreturn))
static void oci_child(struct run *r)
{
	g_oci.c = r->c;
	g_oci.ready = r->ready[1];
	if (oci_devices(r->c) < 0)
		;
	else if (r->c->oci.rprop && mount(NULL, "/", NULL, MS_REC | r->c->oci.rprop, NULL) < 0)
		fail("set the root's propagation");
	else if (oci_hooks(r->c, OCI_CREATE_CONTAINER, "created", g_oci.pid) == 0)
		become_app(&r->c->proc, r->sig_ign, 0);
	child_die(r);
}

/* ROOT/ID/NAME, in one buffer (the path of the last call). */
static char *oci_file(const char *name)
{
	static char f[NSRUN_PATH_MAX + 16];

	strfmt(f, sizeof f, "%s/%s", g_oci.dir, name);
	return f;
}

/* ROOT/ID's files, then ROOT/ID (U_OCI, delete: DIR is ROOT/ID). */
static void oci_remove(const char *dir)
{
	static const char files[] = "state\0exec.fifo\0config.json\0";

	for (const char *n = files; *n; n += strlen(n) + 1)
		if (unlink(oci_file(n)) < 0 && errno != ENOENT)
			warn("remove %s/%s", dir, n);
	if (rmdir(dir) < 0 && errno != ENOENT)
		warn("remove %s", dir);
}

/* The container the verb is about: ID, its directory ROOT/ID. */
static void oci_at(const char *id)
{
	g_oci.id = id;
	strfmt(g_oci.dir, sizeof g_oci.dir, "%s/%s", g_oci.opt[O_ROOT], id);
}

/* OCI IDs are not NAMEs: runc's characters, bounded, not starting with
 * "." (never "." or "..", nor hidden from list). */
static void oci_id(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned)((s[i] | 32) - 'a') > 25 && (unsigned)(s[i] - '0') > 9 && !strchr("_+.-", s[i]))
			n = 0;
	if (!n || n > 200 || *s == '.')
		usage_die("expected a container ID, got '%s'", s);
	oci_at(s);
}

/* ID's state into S: 0; -1 (g_err) when there is none. */
static int oci_load(struct ostate *s)
{
	char *f = oci_file("state"), *p, *b;
	unsigned long long ticks;
	int n;

	if (read_small(f, s->buf, sizeof s->buf) < 0)
		return errno == ENOENT ? failx("container %s does not exist", g_oci.id) : fail("read %s", f);
	s->pid = (pid_t)scan_num(s->buf, &p, 10);
	s->ticks = scan_num(p, &p, 10);
	b = p + (*p == '\n');
	if (!(p = strchr(b, '\n')) || (*p = 0, !(s->annot = strchr(s->cg = p + 1, '\n'))))
		return failx("%s: not nsrun's", f);
	*(char *)s->annot++ = 0;
	strfmt(g_oci.bundle, sizeof g_oci.bundle, "%s", b);
	/* alive: the same process (start time), not a zombie */
	if ((n = proc_start_time(s->pid, &ticks, NULL)) <= 0 || ticks != s->ticks)
		n = 'X';
	s->status = n == 'Z' || n == 'X' ? "stopped" : access(oci_file("exec.fifo"), F_OK) == 0 ? "created" : "running";
	return 0;
}

/* "container ID is STATUS": the verb does not apply. */
static int oci_is(const char *status)
{
	return failx("container %s is %s", g_oci.id, status);
}

static int oci_alive(struct ostate *s)
{
	if (oci_load(s) < 0)
		return -1;
	return *s->status == 's' ? oci_is(s->status) : 0;
}

/* Are F and G the same file (both there)? */
static int oci_same(const char *f, const char *g)
{
	struct stat a, b;

	return stat(f, &a) == 0 && stat(g, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Is namespace file F (/proc/PID/ns/NAME) nsrun's own NAME namespace?
 * (Not when F is gone.) */
static int oci_ns_ours(const char *f, const char *name)
{
	char self[32];

	strfmt(self, sizeof self, "/proc/self/ns/%s", name);
	return oci_same(f, self);
}

/* The host pids of ID's processes: every one in its pid namespace (when
 * it has its own), else its own pid. */
static int oci_procs(struct ostate *s, pid_t *pids, int max)
{
	char f[64], g[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	strfmt(g, sizeof g, "/proc/%d/ns/pid", (int)s->pid);
	if (oci_ns_ours(g, "pid") || !(d = opendir("/proc"))) {
		pids[0] = s->pid;
		return 1;
	}
	while ((e = readdir(d)) && n < max) {
		strfmt(f, sizeof f, "/proc/%s/ns/pid", e->d_name);
		if (*e->d_name >= '1' && *e->d_name <= '9' && oci_same(f, g))
			pids[n++] = (pid_t)scan_num(e->d_name, NULL, 10);
	}
	closedir(d);
	return n;
}

/* Until PID has exited (a zombie counts), at most 10 s: its pidfd wakes
 * us when it exits; without one (before 5.3) /proc is read every 10 ms. */
__attribute__((noinline))
static void oci_reap_wait(pid_t pid)
{
	struct pollfd pf = { .fd = (int)syscall(SYS_pidfd_open, pid, 0), .events = POLLIN };
	unsigned long long t;

	if (pf.fd >= 0) {
		poll(&pf, 1, 10000);
		close(pf.fd);
		return;
	}
	for (int i = 0, st; i < 1000 && (st = proc_start_time(pid, &t, NULL)) > 0 && st != 'Z'; i++)
		poll(NULL, 0, 10);
}

/* The hooks WHICH of the config.json create kept (one with poststart or
 * poststop hooks): they only warn. */
static void oci_saved_hooks(int which, const char *status, pid_t pid)
{
	const char *f = oci_file("config.json");
	struct cfg c;

	g_oci_parse = 1;
	if (cfg_load(f, &c) == 0) {               /* (none kept: ENOENT, reset below) */
		oci_hooks(&c, which, status, pid);
		cfg_free(&c);
	}
	err_reset();
}

/* Delete ID (its state loaded into S): poststop hooks, its cgroup (and
 * the parents nsrun made for it, as nsrun's own run removes them), ROOT/ID. */
static int oci_delete(struct ostate *s, int force)
{
	if (*s->status != 's') {
		if (!force)
			return oci_is(s->status);
		if (kill(s->pid, SIGKILL) < 0 && errno != ESRCH)
			return fail("kill pid %d", (int)s->pid);
		oci_reap_wait(s->pid);
	}
	oci_saved_hooks(OCI_POSTSTOP, "stopped", s->pid);
	if (WITH_CGROUP && *s->cg) {            /* and the parents nsrun made, when empty */
		char *up = (char *)s->cg, *sl;

		cg_destroy(up);
		while ((sl = strrchr(up, '/')) && sl != up) {
			*sl = 0;
			cg_parent_remove(up);
		}
	}
	oci_remove(g_oci.dir);
	return 0;
}

/* start: exec.fifo read, the byte the container writes once its
 * startContainer hooks ran; then it execs, and poststart runs. */
static int oci_start(struct ostate *s)
{
	const char *f = oci_file("exec.fifo");
	struct pollfd pf = { .events = POLLIN };
	int n = 0;
	char b;

	if (*s->status != 'c')
		return oci_is(s->status);
	if ((pf.fd = open(f, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return fail("open %s", f);
	while (poll(&pf, 1, 100) == 0 && kill(s->pid, 0) == 0)
		;
	n = (int)read(pf.fd, &b, 1);
	close(pf.fd);
	if (n != 1)
		return oci_is("stopped");
	unlink(f);
	oci_saved_hooks(OCI_POSTSTART, "running", s->pid);
	return 0;
}

/* Join the namespaces the config names by path, before the clone (the pid
 * and time namespaces: for the children).  Kept open instead (g_oci.nsfd):
 * the mount namespace, joined by the child from its new one (child_main:
 * nsrun's own root stays), and the user namespace, which nsrun could not
 * leave, joined by ns_clone's helper.  Time is nsrun's own clock too: it
 * goes back to its own right after the clone (ns_start: the start time it
 * reads from /proc is shown in the reader's clock).  setns checks each
 * file's type. */
static int oci_join(const struct cfg *c)
{
	static const int type[] = { CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWCGROUP,
				    CLONE_NEWUSER, 0x80 /* CLONE_NEWTIME */ };

	for (int i = 0; i < 8; i++) {
		int fd;

		if (!c->oci.ns_path[i])
			continue;
		if ((i == 7 && (g_oci.time = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC)) < 0) ||
		    (fd = open(c->oci.ns_path[i], O_RDONLY | O_CLOEXEC)) < 0 || (!(0x42 >> i & 1) && setns(fd, type[i]) < 0))
			return ns_join_fail(c, i);
		if (0x42 >> i & 1)
			g_oci.nsfd[i] = fd;
		else
			close(fd);
	}
	return 0;
}

/* The cgroup: linux.cgroupsPath (absolute: under the cgroup2 mount;
 * relative: under nsrun's parent), else PARENT/ID when a limit needs one. */
static int oci_cgroup(struct cfg *c)
{
	const char *p = c->oci.cgroups_path;
	char mnt[NSRUN_PATH_MAX], *slash;
	int dots = 0;

	if (!p)
		return 0;
	if (strchr(p, ':'))
		return failx("linux.cgroupsPath \"%s\": %s", p, "no systemd driver");
	if (cg_find_mount(NULL, mnt, sizeof mnt) < 0)
		return -1;
	if (!*mnt)
		return failx("linux.cgroupsPath \"%s\": %s", p, "no cgroup2");
	strfmt(g_oci.cg, sizeof g_oci.cg, "%s%s%s", mnt, *p == '/' ? "" : "/nsrun/", p);
	for (const char *q = g_oci.cg; *q; q++)     /* (not strstr: 1.2 KB, section 6's proc_has) */
		dots |= !strncmp(q, "/..", 3);
	if (dots || !(slash = strrchr(g_oci.cg, '/')) || !slash[1])
		return failx("linux.cgroupsPath \"%s\": %s", p, "a \"..\"");
	*slash = 0;
	c->cg.parent = g_oci.cg, c->name = slash + 1;
	c->cg.on = 1;
	return 0;
}

/* run and exec in the foreground: PID's exit status, signals forwarded. */
static int oci_fg(pid_t pid, const sigset_t *mask)
{
	int sfd = signalfd(-1, mask, SFD_CLOEXEC), ws;

	if (sfd < 0 || fwd_wait(pid, sfd, &ws) < 0)
		return fail("wait for pid %d", (int)pid);
	return exit_code(ws);
}

/* create (and run: START, DETACH): see the section's head. */
static int oci_create(int start, int detach)
{
	static char st[sizeof ((struct ostate *)0)->buf];
	struct cfg c;
	static struct ostate s;
	const char *b = g_oci.opt[O_BUNDLE] ? g_oci.opt[O_BUNDLE] : ".";
	char cf[NSRUN_PATH_MAX + 16], *f = oci_file("exec.fifo"), ch;
	sigset_t mask;
	int n, rc = 1, ws, mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	if (*b != '/' && !cwd_get(g_oci.bundle, sizeof g_oci.bundle))
		return fail("bundle %s: getcwd", b);
	n = (int)strlen(g_oci.bundle);          /* 0: B is absolute */
	if (strcmp(b, "."))
		strfmt(g_oci.bundle + n, sizeof g_oci.bundle - (size_t)n, "%s%s", n ? "/" : "", b);
	strfmt(cf, sizeof cf, "%s/config.json", g_oci.bundle);      /* c.file: for every error of its values */
	g_oci_parse = 1;
	if (cfg_load(cf, &c) < 0)
		return -1;
	c.name = g_oci.id;
	if (*c.root.path != '/')
		strfmt(g_oci.rootfs, sizeof g_oci.rootfs, "%s/%s", g_oci.bundle, c.root.path), c.root.path = g_oci.rootfs;
	run_init(&c, g_oci.opt[O_PIDFILE]);
	r.oci = 1;
	sigemptyset(&mask);
	if (start && !detach) {
		forward_mask(&mask);
		sigprocmask(SIG_BLOCK, &mask, NULL);
	}
	if ((mkdir_p(g_oci.opt[O_ROOT], 0700) < 0 || mkdir_p(NSRUN_RUNDIR, 0711) < 0 ||
			  mkdir(g_oci.dir, 0700) < 0))
		fail("create %s", g_oci.dir);           /* EEXIST: the ID is taken */
	else if (undo_add(U_OCI, g_oci.dir, 0) &&
		 (mknodat(AT_FDCWD, f, S_IFIFO | 0622, 0) < 0 || chmod(f, 0622) < 0 || (g_oci.fifo = open(f, O_PATH | O_CLOEXEC)) < 0))
		fail("create %s", f);
	if (g_err[0] || oci_cgroup(&c) < 0 || pipe2(r.ready, O_CLOEXEC) < 0 || oci_join(&c) < 0 ||
	    run_start(&r, &mask) < 0)
		goto out;
	/* back from nsrun's own mount namespace (a user namespace's), whose
	 * work tmpfs hides --root's default under /run/nsrun */
	if (r.own_ns && setns(mnt, CLONE_NEWNS) < 0) {
		fail("return to the mount namespace");
		goto out;
	}
	close(r.ready[1]);
	close(g_oci.fifo);
	if (read(r.ready[0], &ch, 1) != 1) {    /* the container failed: its message */
		while (waitpid(r.child, &ws, 0) < 0 && errno == EINTR)
			;
		undo_done(r.u_child);
		if (ns_setup_error(&r) == 0)
			failx("container exited with %d", exit_code(ws));
		goto out;
	}
	if (!r.start_ticks && proc_start_time(r.child, &r.start_ticks, NULL) < 0) {
		fail("read /proc/%d/stat", (int)r.child);
		goto out;
	}
	n = strfmt(st, sizeof st, "%d %llu\n%s\n%s\n%.*s\n", (int)r.child, r.start_ticks, g_oci.bundle, r.cg,
		   c.oci.alen, c.oci.annot);
	if (n >= (int)sizeof st || write_new(f = oci_file("state"), st, (size_t)n) < 0 ||
	    ((c.oci.hooks[OCI_POSTSTART] || c.oci.hooks[OCI_POSTSTOP] || c.proc.filter) &&
	     write_new(f = oci_file("config.json"), c.text, strlen(c.text)) < 0)) {
		fail("write %s", f);
		goto out;
	}
	if (r.pidfile && pid_file(&r) < 0)
		goto out;
	g_nundo = 0;                            /* the container outlives create */
	rc = 0;
	if (start) {                            /* run */
		if (oci_load(&s) < 0 || oci_start(&s) < 0)
			rc = oci_fail();        /* (its line before delete resets g_err) */
		else if (detach)
			return 0;
		else if ((rc = oci_fg(r.child, &mask)) < 0)
			return -1;
		if (oci_load(&s) == 0)          /* a failed start, or the app's end */
			oci_delete(&s, 1);
	}
	return rc;
out:
	if (g_oci.fifo > 2)
		close(g_oci.fifo);
	if (r.own_ns)
		setns(mnt, CLONE_NEWNS);
	undo_all();
	return -1;
}

/* exec --process FILE ID: into ID's namespaces (the pid one joined here,
 * for the child; the rest by the child), its cgroup, become_app with the
 * process object.  --detach: exit 0 once it runs (errp: closed by its
 * exec, or its setup error), its pid in --pid-file. */
static int oci_exec(struct ostate *s)
{
	/* (time before user: nsrun's own time namespace, with a user one,
	 * is not the container's user namespace's to join) */
	static const char ns[] = "pid\0time\0user\0ipc\0uts\0net\0cgroup\0mnt\0";
	struct cfg c, cc;
	char f[NSRUN_PATH_MAX + 32];
	int fd[8], ws, k = 0;
	sigset_t mask;
	pid_t kid;

	g_oci_parse = 2;
	if (oci_alive(s) < 0 || cfg_load(g_oci.opt[O_PROCESS], &c) < 0)
		return -1;
	g_oci_parse = 1;                        /* the container's seccomp filter, for this process too */
	if (access(oci_file("config.json"), F_OK) == 0) {
		if (cfg_load(oci_file("config.json"), &cc) < 0)
			return -1;
		c.proc.filter = cc.proc.filter, c.proc.filter_len = cc.proc.filter_len;
	}
	for (const char *p = ns; *p; p += strlen(p) + 1, k++) {
		strfmt(f, sizeof f, "/proc/%d/ns/%s", (int)s->pid, p);
		fd[k] = oci_ns_ours(f, p) ? -1 : open(f, O_RDONLY | O_CLOEXEC);   /* ours: nothing to join */
	}
	strfmt(f, sizeof f, "%s/cgroup.procs", s->cg);
	if ((*s->cg && write_file(f, "0") < 0) || (fd[0] >= 0 && setns(fd[0], CLONE_NEWPID) < 0))
		return fail("join container %s", g_oci.id);
	forward_mask(&mask);
	if (!g_oci.opt[O_DETACH])
		sigprocmask(SIG_BLOCK, &mask, NULL);
	if (pipe2(r.errp, O_CLOEXEC) < 0 || (kid = oci_fork()) < 0)
		return fail("fork");
	if (kid == 0) {                         /* its setup's error line to errp, as the container's */
		for (k = 1; k < 8; k++)
			if (fd[k] >= 0 && setns(fd[k], 0) < 0)
				fail("join container %s", g_oci.id), child_die(&r);
		become_app(&c.proc, 0, 0);
		child_die(&r);
	}
	close(r.errp[1]);
	if (ns_setup_error(&r) < 0) {           /* (a blocking read: until its exec or its end) */
		waitpid(kid, &ws, 0);
		return -1;
	}
	r.child = kid, r.pidfile = g_oci.opt[O_PIDFILE], r.oci = 1;
	if (r.pidfile && pid_file(&r) < 0)
		return -1;
	g_nundo = 0;
	return g_oci.opt[O_DETACH] ? 0 : oci_fg(kid, &mask);
}

/* features: runc's JSON, its lists from the tables nsrun reads them by
 * (seccomp: this build's arch, whose calls the filter sees; any other is
 * killed). */
#if defined(__x86_64__)
#define OCI_ARCH "X86_64"
#elif defined(__aarch64__)
#define OCI_ARCH "AARCH64"
#elif defined(__arm__)
#define OCI_ARCH "ARM"
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define OCI_ARCH "MIPS"
#else
#define OCI_ARCH "MIPSEL"
#endif
static void oci_features(struct out *o)
{
	ofmt(o, "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.2.0\"");
	json_list(o, "hooks", oci_hook_names, "", 0);
	json_list(o, "mountOptions", om_words, "", 0);
	ofmt(o, ",\"linux\":{\"cgroup\":{\"v1\":false,\"v2\":true,\"systemd\":false},\"seccomp\":{\"enabled\":%s",
	     WITH_SECCOMP ? "true" : "false");
	if (WITH_SECCOMP) {
		json_list(o, "actions", oci_sc_acts, "SCMP_ACT_", 0);
		json_list(o, "operators", "EQ\0MASKED_EQ\0", "SCMP_CMP_", 0);
		json_list(o, "archs", OCI_ARCH "\0", "SCMP_ARCH_", 0);
	}
	ofmt(o, "}");
	json_list(o, "namespaces", "pid\0mount\0uts\0ipc\0network\0cgroup\0user\0", "", 0);
	json_list(o, "capabilities", cap_names, "CAP_", 0);
	ofmt(o, "},\"annotations\":{}}\n");
}

/* The verbs: their options (OB bits) and their number of arguments. */
enum { OV_CREATE, OV_RUN, OV_START, OV_STATE, OV_KILL, OV_DELETE, OV_EXEC, OV_LIST, OV_PS, OV_FEATURES, OV_NONE,
       OV__N = OV_NONE + 6 };
static const char oci_verb_names[] = "create\0run\0start\0state\0kill\0delete\0exec\0list\0ps\0features\0"
	"pause\0resume\0update\0events\0checkpoint\0restore\0";
static const unsigned oci_verb_opts[] = {
	O_CREATE, O_CREATE | OB(DETACH), 0, 0, OB(ALL), OB(FORCE),
	OB(PROCESS) | OB(DETACH) | OB(PIDFILE) | OB(CONSOLE) | OB(PRESERVE), OB(FORMAT), OB(FORMAT), 0,
};
static const unsigned char oci_verb_args[] = { 1, 1, 1, 1, 2, 1, 1, 0, 1, 0 };     /* at most; ID needed but list, features */

/* Option A (--NAME, --NAME=VALUE, -X) of the set ALLOWED: its O_ number,
 * O__N when none. */
static int oci_optfind(const char *a, unsigned allowed)
{
	char k[32];
	int o = 0;

	if (a[1] == '-') {                      /* --NAME, --NAME=VALUE */
		strfmt(k, sizeof k, "%.*s", (int)strcspn(a + 2, "="), a + 2);
		o = packed_find(oci_opt_names, k);
	} else {                                /* -X, -X=VALUE: the first X allowed */
		while (o < O__N && (a[1] != oci_opt_short[o] || !(allowed >> o & 1) || (a[2] && a[2] != '=')))
			o++;
	}
	return o < O__N && (allowed >> o & 1) ? o : O__N;
}

/* One option at ARGV[*I] of the set ALLOWED: its value ("" for a flag). */
static void oci_opt(char **argv, int *i, unsigned allowed)
{
	char *a = argv[*i], *eq = strchr(a, '=');
	int o = oci_optfind(a, allowed);

	if (o == O__N)
		usage_die("unknown option '%s'", a);
	if (eq || !(O_VALUED >> o & 1))
		g_oci.opt[o] = eq ? eq + 1 : "";
	else if (!(g_oci.opt[o] = argv[++*i]))
		usage_die("option %s needs a value", a);
}

/* Does ARGV (the verb's) go to the OCI mode?  A global option first, a
 * verb of its own, state/kill of an ID that is no NAME, or run/exec with
 * an option of the OCI forms first. */
static int oci_wants(char **argv)
{
	const char *a = argv[1];
	int k;

	if (*argv[0] == '-')
		return 1;
	if ((k = packed_find(oci_verb_names, argv[0])) == OV__N || k == OV_LIST || k == OV_FEATURES)
		return 0;
	if (k == OV_STATE || k == OV_KILL)      /* an ID that is no NAME of nsrun's own */
		return a && !valid_name(a);
	if (k != OV_RUN && k != OV_EXEC)
		return 1;
	return a && *a == '-' && oci_optfind(a, oci_verb_opts[k]) < O__N;
}

/* list's entry ID under --root: state's object (a line, or one of the
 * JSON array), when ID has a state. */
static int oci_list_one(struct out *o, const char *id, const char *sep, int json)
{
	static struct ostate s;

	(void)json;
	if (*id == '.')
		return 0;
	oci_at(id);
	if (oci_load(&s) < 0)
		return err_reset(), 0;
	ofmt(o, "%s", sep);
	oci_state_json(o, s.status, s.pid, s.annot);
	return 1;
}

static int oci_main(int argc, char **argv)
{
	const char *v, *arg[3] = { 0 };
	static struct ostate s;
	static pid_t pids[1024];
	int i = 0, k, na = 0, n, rc = 0;
	char buf[2048];
	struct out o = { buf, sizeof buf, 0, 0, 1 };

	for (; i < argc && *argv[i] == '-'; i++)
		oci_opt(argv, &i, O_GLOBAL);
	if (i >= argc)
		usage_die("missing verb");
	if ((k = packed_find(oci_verb_names, v = argv[i])) == OV__N)
		usage_die("unknown verb '%s'", v);
	if (k >= OV_NONE)
		return failx("%s: not supported", argv[i]), oci_fail();
	for (i++; i < argc; i++) {
		if (*argv[i] == '-' && argv[i][1])
			oci_opt(argv, &i, oci_verb_opts[k]);
		else if (na < 3)
			arg[na++] = argv[i];
	}
	if (na > oci_verb_args[k] || (oci_verb_args[k] && !na) || (k == OV_EXEC && !g_oci.opt[O_PROCESS]))
		usage_die("%s: expected %s", v, packed_name("ID\0ID\0ID\0ID\0ID [SIGNAL]\0ID\0--process FILE ID\0"
							       "no argument\0ID\0no argument\0", k + 1));
	if (!g_oci.opt[O_ROOT])
		g_oci.opt[O_ROOT] = NSRUN_RUNDIR "/oci";
	if (g_oci.opt[O_PRESERVE])
		g_oci.preserve = (int)cli_num("--preserve-fds", g_oci.opt[O_PRESERVE], 1024);
	if (na && k != OV_LIST)
		oci_id(arg[0]);
	if (g_oci.opt[O_CONSOLE] && oci_console() < 0)
		return oci_fail();
	switch (k) {
	case OV_CREATE:
	case OV_RUN:
		rc = oci_create(k == OV_RUN, !!g_oci.opt[O_DETACH]);
		break;
	case OV_START:
	case OV_DELETE:
		rc = oci_load(&s) < 0 ? -1 : k == OV_START ? oci_start(&s) : oci_delete(&s, !!g_oci.opt[O_FORCE]);
		break;
	case OV_STATE:
		if ((rc = oci_load(&s)) == 0)
			oci_state_json(&o, s.status, s.pid, s.annot), ofmt(&o, "\n");
		break;
	case OV_KILL:
		n = arg[1] ? cli_signal(arg[1]) : SIGTERM;
		if ((rc = oci_alive(&s)) < 0)
			break;
		for (i = 0, na = g_oci.opt[O_ALL] ? oci_procs(&s, pids, 1024) : (pids[0] = s.pid, 1); i < na; i++)
			if (kill(pids[i], n) < 0 && (!i || errno != ESRCH))
				rc = fail("kill pid %d", (int)pids[i]);
		break;
	case OV_EXEC:
		rc = oci_exec(&s);
		break;
	case OV_PS:
		if ((rc = oci_alive(&s)) < 0)
			break;
		n = oci_procs(&s, pids, 1024);
		na = oci_json(O_FORMAT);
		ofmt(&o, na ? "[" : "PID CMD\n");
		for (i = 0; i < n; i++) {
			char f[40], cmd[64] = "?\n";

			strfmt(f, sizeof f, "/proc/%d/comm", (int)pids[i]);
			if (!na)                        /* comm ends with a newline */
				read_small(f, cmd, sizeof cmd);
			ofmt(&o, na ? (i ? ",%d" : "%d") : "%d %s", (int)pids[i], cmd);
		}
		ofmt(&o, na ? "]\n" : "");
		break;
	case OV_LIST:
		rc = list_dir(&o, g_oci.opt[O_ROOT], oci_json(O_FORMAT), oci_list_one);
		break;
	case OV_FEATURES:
		oci_features(&o);
		break;
	}
	if (rc < 0)
		return oci_fail();
	write_all(1, o.buf, o.n);
	return rc;
}

/* ==[ 10. main: the verbs ]================================================ */
static int v_run(int argc, char **argv)
{
	const char *file, *pidfile = NULL;
	int nargs, status = 125, ready_fd = -1;
	static struct cfg c;            /* (not on the stack, which the wait keeps) */

	/* --pidfile FILE, --ready-fd N (open, not 0-2), before CONFIG */
	while (argc > 2 && (!strcmp(argv[1], "--pidfile") || !strcmp(argv[1], "--ready-fd"))) {
		if (argv[1][2] == 'p')
			pidfile = argv[2];
		else if ((ready_fd = (int)cli_num("run: --ready-fd", argv[2], INT_MAX)) < 3 ||
			 fd_ctl(ready_fd, F_GETFD, 0) < 0)
			usage_die("run: --ready-fd %s: not an open file descriptor above 2", argv[2]);
		argv[2] = argv[0];
		argv += 2, argc -= 2;
	}
	file = cli_config(argc, argv, 1);
	nargs = argc > 3 ? argc - 3 : 0;

	if (argc == 3)
		usage_die("run: no ARG after '--'");
	if (nargs > NSRUN_ARGS_MAX)
		usage_die("run: more than %d ARGs", NSRUN_ARGS_MAX);
	if (cfg_load(file, &c) < 0)
		return err_line();
	for (int i = 0; i < nargs; i++)
		c.proc.args[i] = argv[3 + i];
	if (nargs)
		c.proc.args[nargs] = NULL;
	if (run(&c, pidfile, ready_fd, &status) < 0)
		status = 125;
	undo_all();                     /* teardown == rollback: same code, every run */
	if (g_err[0])
		err_line();
	cfg_free(&c);
	return status;
}

static int v_check(int argc, char **argv)
{
	struct cfg c;

	if (cfg_load(cli_config(argc, argv, 0), &c) < 0)
		return err_line(), 1;
	cfg_free(&c);
	return 0;
}

/* list's entry NAME.pid in NSRUN_RUNDIR: a line or list's keys, when
 * NAME runs. */
static int list_one(struct out *o, const char *file, const char *sep, int json)
{
	char *name = (char *)file, *ext = name + strlen(name) - 4;     /* (readdir's, ours to cut) */
	struct srec s;

	if (ext <= name || strcmp(ext, ".pid"))
		return 0;
	*ext = 0;
	if (!valid_name(name) || state_find(name, &s) != 0)
		return 0;
	ofmt(o, "%s", sep);
	state_show(o, &s, SK_LIST, !json);
	return 1;
}

/* list [--json]: every running container, a line or list's keys of
 * each; state NAME: one, with all the keys. */
static int v_list(int argc, char **argv)
{
	char buf[256];
	struct out o = { buf, sizeof buf, 0, 0, 1 };
	int state = argv[0][1] == 't', json = argc == 2, rc;
	struct srec s;

	if (argc > 2 || (json && !state && strcmp(argv[1], "--json")))
		usage_die("%s: unexpected argument '%s'", argv[0], argv[argc - 1]);
	if (state) {
		if ((rc = state_need("state", argv[1], &s)))    /* (no NAME: argv[1] is NULL) */
			return rc;
		state_show(&o, &s, SK__N, 0);
		ofmt(&o, "\n");
	} else {
		ofmt(&o, json ? "" : "NAME         PID     IMAGE                        UPTIME  STATE\n");
		if (list_dir(&o, NSRUN_RUNDIR, json, list_one) < 0)
			return err_line();
	}
	write_all(1, o.buf, o.n);
	return 0;
}

/* kill NAME [SIGNAL] and stop NAME [-t SECONDS]: SIGNAL (TERM) to the
 * app; stop then waits for the container's end, and after SECONDS (else
 * the config's stop_timeout) KILLs everything in it. */
static int v_signal(int argc, char **argv)
{
	int stop = argv[0][0] == 's', sig = SIGTERM, rc;
	int secs = -1;
	struct srec s;

	if (argc == 3 && !stop)
		sig = cli_signal(argv[2]);
	else if (argc == 4 && stop && !strcmp(argv[2], "-t"))
		secs = (int)cli_num("stop: -t", argv[3], 3600);
	else if (argc > 2)
		usage_die("%s: unexpected argument '%s'", argv[0], argv[argc - 1]);
	if ((rc = state_need(argv[0], argv[1], &s)))
		return rc;
	if (secs < 0)
		secs = (int)scan_num(s.v[R_STOP], NULL, 10);
	/* KILL cannot be forwarded: the init gets it, which ends the container. */
	if (state_signal(&s, sig == SIGKILL, sig) < 0 ||
	    (stop && state_wait(&s, secs * 1000) && (state_signal(&s, 1, SIGKILL) < 0 ||
	     (state_wait(&s, 10000) && failx("%s: still running 10 s after SIGKILL", s.name)))))
		rc = -1;
	state_close(&s);
	return rc < 0 ? err_line() : 0;
}

/* CMD as a child of NAME's init (exec_start): the request goes over
 * NAME.sock with our stdin, stdout and stderr; every signal we get goes
 * on to CMD; init's answer is CMD's wait status. */
static int v_exec(int argc, char **argv)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(3 * sizeof(int))]; } cm = { .h = {
		.cmsg_len = CMSG_LEN(3 * sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS } };
	struct iovec iov[1024];         /* UIO_MAXIOV */
	struct msghdr mh = { .msg_iov = iov, .msg_control = &cm, .msg_controllen = sizeof cm };
	struct sockaddr_un a;           /* (the kernel reads sun_path to its NUL) */
	struct pollfd pf[2] = { { .events = POLLIN }, { .events = POLLIN } };
	struct signalfd_siginfo si;
	const char *name = NULL, *bad = exec_args(argc - 1, argv + 1, &g_ex_proc, &name);
	int i, rc, fd, v, *fds = (int *)CMSG_DATA(&cm.h);
	sigset_t mask;
	struct srec s;

	/* (an option's value that is wrong: the option is unexpected) */
	if (bad || argc > (int)(sizeof iov / sizeof iov[0]))
		usage_die(bad == exec_no_cmd ? "%s: missing '%s'" : "%s: unexpected argument '%s'", argv[0],
			  bad ? bad : argv[sizeof iov / sizeof iov[0]]);
	/* the request: our arguments as they are, each with its NUL (a longer
	 * one than init takes is refused: E2BIG) */
	for (i = 1; i < argc; i++)
		iov[i - 1] = (struct iovec){ argv[i], strlen(argv[i]) + 1 };
	mh.msg_iovlen = (size_t)argc - 1;
	if ((rc = state_need("exec", name, &s)))
		return rc;
	state_close(&s);
	/* our stdin, stdout and stderr go along; a closed one as /dev/null */
	for (int f = 0; f < 3; f++)
		if ((fds[f] = fd_ctl(f, F_GETFD, 0) < 0 ? open("/dev/null", O_RDWR | O_CLOEXEC) : f) < 0)
			return fail("open /dev/null"), err_line();
	a.sun_family = AF_UNIX;
	strfmt(a.sun_path, sizeof a.sun_path, "%s/%s.sock", NSRUN_RUNDIR, name);
	forward_mask(&mask);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* (not libc's sendmsg: its copy of the message for 64-bit padding is
	 * 300 bytes of code; the padding is zero here; nor its connect, 46
	 * bytes that only this call would bring) */
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0 ||
	    (pf[1].fd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0 || syscall(SYS_connect, fd, &a, sizeof a) < 0 ||
	    syscall(SYS_sendmsg, fd, &mh, MSG_NOSIGNAL) < 0)
		return errno == ENOENT || errno == ECONNREFUSED ? not_running(name)
		       : (fail("send to %s", a.sun_path), err_line());
	/* until init answers: every signal we get goes to CMD */
	for (pf[0].fd = fd;;) {
		if (poll(pf, 2, -1) < 0)
			continue;
		if (pf[1].revents && read(pf[1].fd, &si, sizeof si) == sizeof si && si.ssi_signo != SIGCHLD) {
			v = (int)si.ssi_signo;
			(void)!send(fd, &v, sizeof v, MSG_NOSIGNAL);
		}
		if (!pf[0].revents)
			continue;
		/* a signal init had not read when it answered resets the line once */
		if (recv(fd, &v, sizeof v, 0) != sizeof v &&
		    (errno != ECONNRESET || recv(fd, &v, sizeof v, 0) != sizeof v))
			return not_running(name);
		if (v < 0)
			return errno = -v, fail("%s: exec %s", name, g_ex_proc.args[0]), err_line();
		return exit_code(v);
	}
}

/* nsrun features: this build's feature table, and what the running kernel
 * has, each missing piece with the option that gives it and what it
 * disables.  The squashfs codecs by mounting a tiny image of each
 * (probe_codecs(), as root; else as below); namespaces by their
 * /proc/self/ns files; file systems by /proc/filesystems; the loop driver,
 * veth, the bridge, dm-verity (and the codecs when they cannot be mounted)
 * by a function of theirs in /proc/kallsyms (built in, or a module loaded:
 * one not loaded yet reads false); system calls by a call they refuse with
 * EINVAL where they exist (ENOSYS where not). */
enum { K_NS = 0, K_OVERLAY = 8, K_SQUASHFS, K_CGROUP2, K_LOOP, K_VETH, K_BRIDGE, K_DM, K_VERITY, K_CLONE3, K_PIDFD,
       K_OPENAT2,
       K_CODECS, K__N = K_CODECS + 5 };
/* The probes, one row after the other, each four strings: the name in the
 * output; the word looked for, when it is not the name; the kernel option
 * that gives it (after "CONFIG_"), or for a system call the version (after
 * "Linux "); what its absence disables, when it is not the name's
 * namespace (or images, a codec's).  (One string: a table of four
 * pointers a row took 704 bytes.) */
static const char kprobes[] =
	"pid\0"      "\0"                       "PID_NS\0"               "\0"
	"mount\0"    "mnt\0"                    "NAMESPACES\0"           "\0"
	"uts\0"      "\0"                       "UTS_NS\0"               "\0"
	"ipc\0"      "\0"                       "IPC_NS\0"               "\0"
	"net\0"      "\0"                       "NET_NS\0"               "\0"
	"cgroup\0"   "\0"                       "CGROUPS\0"              "\0"
	"user\0"     "\0"                       "USER_NS\0"              "\0"
	"time\0"     "\0"                       "TIME_NS\0"              "\0"
	"overlay\0"  "\0"                       "OVERLAY_FS\0"           "root.overlay\0"
	"squashfs\0" "\0"                       "SQUASHFS\0"             "root.image\0"
	"cgroup2\0"  "\0"                       "CGROUPS\0"              "cgroup\0"
	"loop\0"     "loop_control_ioctl\0"     "BLK_DEV_LOOP\0"         "root.image\0"
	"veth\0"     "veth_xmit\0"              "VETH\0"                 "net\0"
	"bridge\0"   "br_dev_xmit\0"            "BRIDGE\0"               "net.bridge\0"
	"device_mapper\0" "device-mapper\0"       "BLK_DEV_DM\0"           "root.verity\0"
	"dm_verity\0" "verity_ctr\0"              "DM_VERITY\0"            "root.verity\0"
	"clone3\0"   "\0"                       "5.7\0"                  "CLONE_INTO_CGROUP\0"
	"pidfd\0"    "\0"                       "5.3\0"                  "pidfd signals\0"
	"openat2\0"  "\0"                       "5.6\0"                  "openat2 mount checks\0"
	"gzip\0"     "zlib_uncompress\0"        "SQUASHFS_ZLIB\0"        "\0"
	"xz\0"       "squashfs_xz_uncompress\0" "SQUASHFS_XZ\0"          "\0"
	"lzo\0"      "lzo_uncompress\0"         "SQUASHFS_LZO\0"         "\0"
	"lz4\0"      "lz4_uncompress\0"         "SQUASHFS_LZ4\0"         "\0"
	"zstd\0"     "zstd_uncompress\0"        "SQUASHFS_ZSTD\0"        "";
enum { KP_NAME, KP_PROBE, KP_CONFIG, KP_WHAT };

/* A squashfs 4.0 of one empty directory whose tables are all stored
 * uncompressed (mksquashfs EMPTY IMG -comp lz4 -b 4096 -noI -noD -noF -noX
 * -no-xattrs -no-exports -nopad -all-root -mkfs-time 0 -all-time 0).  Its
 * mount decompresses nothing, yet the kernel refuses it unless it has the
 * decompressor the superblock names (the u16 at 20): a codec built without
 * its CONFIG_SQUASHFS_* is refused at that check exactly like an id no
 * kernel reads (supported_squashfs_filesystem(): EINVAL).  lz4's id needs
 * the options block at 96 (version 1), which the other ids are told is not
 * there (flag 0x400 of the u16 at 24). */
static const char codec_img[154] =
	"hsqs\1\0\0\0\0\0\0\0\0\x10\0\0\0\0\0\0\5\0\x0c\0\x4b\7\1\0\4\0\0\0\0\0\0\0\0\0\0\0\x9a\0\0\0"
	"\0\0\0\0\x92\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\x6a\0\0\0\0\0\0\0\x8c\0\0\0\0\0\0\0"
	"\x8c\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\x08\x80\1\0\0\0\0\0\0\0\x20\x80\1\0\xed\1\0\0"
	"\0\0\0\0\0\0\1\0\0\0\0\0\0\0\2\0\0\0\3\0\0\0\2\0\0\0\4\x80\0\0\0\0\x8c\0\0\0\0\0\0\0";

/* The codecs of kprobes[K_CODECS...] the kernel mounts, into *HAVE (and the
 * loop driver, which the probe used): codec_img with each one's id, on a
 * memfd on a loop device (read-only, autoclear), mounted on /dev in a
 * private mount namespace of this process and unmounted.  -1 when the
 * probe cannot run (not root, no loop device, no memfd): nothing known. */
static const unsigned char codec_ids[5] = { 1, 4, 3, 5, 6 };      /* gzip xz lzo lz4 zstd */

static int probe_codecs(uint32_t *have)
{
	unsigned char img[sizeof codec_img];
	char dev[32];
	int mfd, lfd;

	if (!WITH_SQUASHFS || unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	memcpy(img, codec_img, sizeof img);
	for (int i = 0; i < 5; i++) {
		img[20] = codec_ids[i];
		img[25] = codec_ids[i] == 5 ? 7 : 3;
		if ((mfd = (int)syscall(SYS_memfd_create, "nsrun-codec", MFD_CLOEXEC)) < 0 || ftruncate(mfd, 4096) < 0 ||
		    pwrite(mfd, img, sizeof img, 0) != (ssize_t)sizeof img)
			lfd = -1;
		else
			lfd = img_loop_attach(mfd, "nsrun-codec", 0, dev, sizeof dev);
		if (mfd >= 0)
			close(mfd);
		if (lfd < 0)
			return g_err[0] = 0, -1;
		*have |= 1u << K_LOOP;
		if (mount(dev, "/dev", "squashfs", MS_RDONLY, NULL) == 0)
			*have |= 1u << (K_CODECS + i), umount2("/dev", MNT_DETACH);
		close(lfd);
	}
	return 0;
}

static int v_features(int argc, char **argv)
{
	char ctl[512], path[NSRUN_PATH_MAX + 32], buf[512];
	struct out o = { buf, sizeof buf, 0, 0, 1 };
	static const unsigned short calls[] = { SYS_clone3, SYS_pidfd_open, SYS_openat2 };
	const char *row[K__N][4], *p = kprobes, *const *w = &row[0][KP_PROBE];
	uint32_t have = 0, kall;
	int n = 0;

	if (argc > 1)
		usage_die("%s: unexpected argument '%s'", argv[0], argv[1]);
	for (int i = 0; i < K__N * 4; i++, p += strlen(p) + 1)
		row[i / 4][i % 4] = *p || i % 4 != KP_PROBE ? p : row[i / 4][KP_NAME];
	for (int i = 0; i < 8; i++) {
		strfmt(path, sizeof path, "/proc/self/ns/%s", row[i][KP_PROBE]);
		have |= (uint32_t)(access(path, F_OK) == 0) << i;
	}
	/* Codecs first: their mount loads a squashfs module not loaded yet. */
	kall = probe_codecs(&have) < 0 ? 31u << K_CODECS : 0;    /* (then kallsyms knows them) */
	have |= proc_words("/proc/filesystems", w, 4, 7u << K_OVERLAY);
	have |= proc_words("/proc/misc", w, 4, 1u << K_DM);
	have |= proc_words("/proc/kallsyms", w, 4, kall | 7u << K_LOOP | 1u << K_VERITY);
	/* each refuses (-1, NULL, 0) with EINVAL where it exists */
	for (int i = K_CLONE3; i <= K_OPENAT2; i++)
		have |= (uint32_t)(syscall(calls[i - K_CLONE3], -1, NULL, 0) < 0 && errno != ENOSYS) << i;
	ctl[0] = 0;
	if (cg_find_mount(NULL, path, NSRUN_PATH_MAX) == 0 && *path) {
		strfmt(path + strlen(path), 32, "/cgroup.controllers");
		read_small(path, ctl, sizeof ctl);
	}
	for (size_t i = strlen(ctl); i--;)     /* "cpu io\n": the names, one after the other */
		ctl[i] = ctl[i] == ' ' || ctl[i] == '\n' ? 0 : ctl[i];
	/* the booleans: the build's features, then the kernel's probes */
	for (int i = 1, k; (k = i - FEAT__COUNT) < K_CODECS; i++)
		ofmt(&o, "%s\"%s\": %s", i == 1 ? "{\"features\": {" : !k ? "}, \"kernel\": {\"namespaces\": {" :
		      k == 8 ? "}, " : ", ", k < 0 ? feature_names[i] : row[k][KP_NAME],
		      (k < 0 ? feature_on[i] : have >> k & 1) ? "true" : "false");
	json_list(&o, "cgroup2_controllers", ctl, "", 0);
	json_list(&o, "squashfs_codecs", "gzip\0xz\0lzo\0lz4\0zstd\0", "", ~have >> K_CODECS);
	ofmt(&o, "}, \"missing\": {");
	for (int i = 0; i < K__N; i++)
		if (!(have >> i & 1))
			ofmt(&o, "%s\"%s\": \"%s%s: %s%s\"", n++ ? ", " : "", row[i][KP_NAME],
			      i >= K_CLONE3 && i <= K_OPENAT2 ? "Linux " : "CONFIG_", row[i][KP_CONFIG],
			      *row[i][KP_WHAT] ? row[i][KP_WHAT] : row[i][KP_NAME],
			      *row[i][KP_WHAT] ? "" : i < 8 ? " namespace" : " images");
	ofmt(&o, "}}\n");
	write_all(1, buf, o.n);
	return 0;
}

static int v_version(int argc, char **argv)
{
	static const char *const what[] = {
#define X(name, FLAG, what) what,
		NSRUN_FEATURES(X)
#undef X
	};

	(void)argc, (void)argv;
	fdfmt(1, "nsrun " NSRUN_VERSION);
	for (int i = 1; i < FEAT__COUNT; i++)
		fdfmt(1, " %c%s", feature_on[i] ? '+' : '-', feature_names[i]);
	fdfmt(1, "\ncJSON %d.%d.%d (Debian source %s)\n", CJSON_VERSION_MAJOR, CJSON_VERSION_MINOR,
	      CJSON_VERSION_PATCH, NSRUN_CJSON_VERSION);  /* cJSON_Version() would link sprintf */
	for (int i = 1; i < FEAT__COUNT; i++)
		fdfmt(1, "  %c%-9s %s\n", feature_on[i] ? '+' : '-', feature_names[i], what[i - 1]);
	if (WITH_FAULTS)
		fdfmt(1, "fault points built in (nsrun --fault-points; NSRUN_FAULT=STEP)\n");
	return 0;
}

static int v_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	fdfmt(1, "Usage:\n");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (verbs[i].on && verbs[i].usage)
			fdfmt(1, "%s", verbs[i].usage);
	fdfmt(1, "%s", usage_tail);
	return 0;
}

static int v_fault_points(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (int i = 0; WITH_FAULTS && i < S__COUNT; i++)       /* (no names in other builds) */
		fdfmt(1, "%s\n", step_names[i]);
	return 0;
}

#ifdef NSRUN_UNIT
#define main nsrun_main
#endif
int main(int argc, char **argv)
{
	size_t i = 0, n = sizeof verbs / sizeof verbs[0];

	if (argc < 2)
		usage_die("missing verb");
	while (i < n && strcmp(argv[1], verbs[i].name))
		i++;
	/* nsrun's own options (--help, --version, ...) are no OCI global ones */
	if (WITH_OCI && !(i < n && *argv[1] == '-') && oci_wants(argv + 1))
		return oci_main(argc - 1, argv + 1);
	if (i < n && verbs[i].on)
		return verbs[i].fn(argc - 1, argv + 1);
	usage_die("unknown verb '%s'", argv[1]);
}
