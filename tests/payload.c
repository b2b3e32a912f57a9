/* payload — the multi-call test app of nsrun's integration tests.
 *
 * Built static against musl (tests/run) and put in the test image as
 * /bin/payload; it also runs on the host, so a test can compare the inside
 * with the outside (`payload ns`, `payload monotonic`).  Every subcommand
 * prints plain `key=value` lines that a shell test can grep.
 *
 *   exit N          exit with status N
 *   kill N          kill itself with signal N (default disposition first)
 *   trap            handle TERM INT HUP USR1 USR2 QUIT WINCH: print "ready",
 *                   then "got SIGNAME" per signal; exit 42 on TERM, 3 after 30 s
 *   orphans N       make N orphans (reparented to PID 1), wait, count zombies
 *   daemonize N     start N daemons the classic way (fork, setsid, fork; the
 *                   middle one exits), each with a second thread, sleeping
 *                   60 s; once all are up print "daemons=N" and exit 3
 *   status          pid, ppid, ids, signal mask, cwd and the environment
 *   ns              the /proc/self/ns links
 *   write PATH      create PATH with "x"; exit 1 and print why on failure
 *   cat             copy stdin to stdout
 *   echo2 TEXT      TEXT to stdout, "err:TEXT" to stderr
 *   monotonic       whole seconds of CLOCK_MONOTONIC and CLOCK_BOOTTIME
 *   sleep MS        sleep MS milliseconds
 *   memhog MIB      touch MIB MiB, one page at a time; "hogged=N" (MiB), exit 0
 *   forkbomb N      fork up to N children that sleep; "forked=K failed=F",
 *                   then end them all and exit 0
 *   spin MS         burn CPU for MS milliseconds of wall time
 *   lock PATH MS    (on the host) flock PATH (a directory will do), print
 *                   "locked", hold it MS milliseconds, print "released=T"
 *                   (T: /proc/uptime's first field) and let go by exiting
 *   groups LIST PROG ARG...
 *                   (on the host, as root) set the supplementary groups to
 *                   LIST (comma-separated gids; "-" for none), exec PROG
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int usage(void)
{
	fputs("usage: payload exit N | kill N | trap | orphans N | daemonize N | status | ns | write PATH\n"
	      "               | cat | echo2 TEXT | monotonic | sleep MS | groups LIST PROG ARG...\n", stderr);
	return 2;
}

/* A decimal argument, or -1 when it is missing or not a number. */
static long num(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	return v;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- trap ------------------------------------------------------------ */

static const struct {
	int sig;
	const char *name;
} traps[] = {
	{ SIGTERM, "SIGTERM" }, { SIGINT, "SIGINT" }, { SIGHUP, "SIGHUP" },
	{ SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" }, { SIGQUIT, "SIGQUIT" },
	{ SIGWINCH, "SIGWINCH" },
};
#define NTRAPS (sizeof traps / sizeof traps[0])

static volatile sig_atomic_t got[NTRAPS];

static void on_signal(int sig)
{
	for (size_t i = 0; i < NTRAPS; i++)
		if (traps[i].sig == sig)
			got[i] = 1;
}

/* The handlers run while ppoll() has the signals unblocked; the main loop
 * prints, so nothing unsafe happens in a handler. */
static int do_trap(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	double deadline = now() + 30;

	sigemptyset(&block);
	for (size_t i = 0; i < NTRAPS; i++)
		sigaddset(&block, traps[i].sig);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NTRAPS; i++)
		sigdelset(&old, traps[i].sig);
	for (size_t i = 0; i < NTRAPS; i++)
		if (sigaction(traps[i].sig, &sa, NULL) < 0) {
			perror("sigaction");
			return 1;
		}
	puts("ready");
	fflush(stdout);
	for (;;) {
		double left = deadline - now();
		struct timespec ts;

		if (left <= 0) {
			puts("timeout");
			return 3;
		}
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		ppoll(NULL, 0, &ts, &old);
		for (size_t i = 0; i < NTRAPS; i++) {
			if (!got[i])
				continue;
			got[i] = 0;
			printf("got %s\n", traps[i].name);
			fflush(stdout);
			if (traps[i].sig == SIGTERM)
				return 42;
		}
	}
}

/* ---- orphans --------------------------------------------------------- */

static int count_zombies(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d) {
		perror("/proc");
		return -1;
	}
	while ((e = readdir(d))) {
		char path[300], buf[512], *p;
		ssize_t len;
		int fd;

		if (num(e->d_name) < 0)
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;                       /* gone meanwhile */
		len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = 0;
		p = strrchr(buf, ')');                  /* comm may hold spaces */
		if (p && p[1] == ' ' && p[2] == 'Z')
			n++;
	}
	closedir(d);
	return n;
}

static int do_orphans(long n)
{
	int z;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			pid_t g = fork();

			if (g == 0) {                   /* the orphan */
				sleep_ms(100);
				_exit(0);
			}
			_exit(g < 0);
		}
		waitpid(pid, NULL, 0);                  /* our own child is no zombie */
	}
	sleep_ms(500);
	z = count_zombies();
	if (z < 0)
		return 1;
	printf("zombies=%d\n", z);
	return 0;
}

/* ---- daemonize ------------------------------------------------------- */

static void *daemon_thread(void *arg)
{
	(void)arg;
	sleep_ms(60000);
	return NULL;
}

static int do_daemonize(long n)
{
	int up[2];
	char c;
	long got = 0;

	if (pipe(up) < 0) {
		perror("pipe");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			pthread_t t;

			setsid();
			if (fork() != 0)
				_exit(0);               /* the middle one */
			close(up[0]);
			if (pthread_create(&t, NULL, daemon_thread, NULL) == 0 && write(up[1], "", 1) == 1)
				close(up[1]);
			sleep_ms(60000);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	close(up[1]);
	while (got < n && read(up[0], &c, 1) == 1)
		got++;
	printf("daemons=%ld\n", got);
	return 3;
}

/* ---- status, ns -------------------------------------------------------- */

static void status_field(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(key);

	if (!f) {
		printf("%s=?\n", key);
		return;
	}
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			char *v = line + n + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = 0;
			printf("%s=%s\n", key, v);
			fclose(f);
			return;
		}
	fclose(f);
	printf("%s=?\n", key);
}

static int do_status(void)
{
	char cwd[PATH_MAX];

	printf("pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
	printf("uid=%u\ngid=%u\n", (unsigned)getuid(), (unsigned)getgid());
	printf("groups=%d\n", getgroups(0, NULL));
	status_field("SigBlk");
	status_field("SigIgn");
	status_field("NoNewPrivs");
	status_field("Umask");
	{
		struct rlimit rl;
		char adj[16] = "?";
		int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, adj, sizeof adj - 1);

		if (fd >= 0)
			close(fd);
		if (n > 0)
			adj[strcspn(adj, "\n")] = 0;
		printf("oom_score_adj=%s\n", adj);
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
			printf("nofile=%llu %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
		if (getrlimit(RLIMIT_CORE, &rl) == 0)
			printf("core=%llu %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	for (char **e = environ; e && *e; e++)
		printf("env=%s\n", *e);
	return 0;
}

static int do_ns(void)
{
	static const char *const names[] = {
		"pid", "mnt", "uts", "ipc", "net", "cgroup", "user", "time",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[64], link[128];
		ssize_t n;

		snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
		n = readlink(path, link, sizeof link - 1);
		if (n < 0)
			printf("%s=error:%s\n", names[i], strerror(errno));
		else
			printf("%s=%.*s\n", names[i], (int)n, link);
	}
	return 0;
}

/* ---- the rest ----------------------------------------------------------- */

static int do_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) < 0) {
		printf("write %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static int do_cat(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(0, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("read");
			return 1;
		}
		for (ssize_t off = 0; off < n; ) {
			ssize_t w = write(1, buf + off, n - off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				perror("write");
				return 1;
			}
			off += w;
		}
	}
	return 0;
}

static int do_kill(long sig)
{
	sigset_t all;

	if (sig <= 0 || sig >= 65)
		return usage();
	signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigaddset(&all, sig);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	kill(getpid(), sig);
	sleep_ms(1000);                 /* a signal whose default is to ignore */
	fprintf(stderr, "payload: still alive after signal %ld\n", sig);
	return 3;
}

static int do_monotonic(void)
{
	struct timespec m, b;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	printf("monotonic=%lld\nboottime=%lld\n", (long long)m.tv_sec, (long long)b.tv_sec);
	return 0;
}

/* Touch MIB MiB page by page: under memory.max the OOM killer ends us. */
static int do_memhog(long mib)
{
	long done = 0;

	for (; done < mib; done++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			printf("hogged=%ld mmap=%s\n", done, strerror(errno));
			return 1;
		}
		for (long i = 0; i < 1 << 20; i += 4096)
			p[i] = 1;
	}
	printf("hogged=%ld\n", done);
	return 0;
}

/* Fork up to N sleeping children; under pids.max some forks fail (EAGAIN). */
static int do_forkbomb(long n)
{
	pid_t kids[4096];
	long forked = 0, failed = 0;

	if (n > 4096)
		n = 4096;
	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			failed++;
		else
			kids[forked++] = p;
	}
	printf("forked=%ld failed=%ld\n", forked, failed);
	fflush(stdout);
	for (long i = 0; i < forked; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

static int do_spin(long ms)
{
	double end = now() + (double)ms / 1000;
	volatile unsigned long x = 0;

	while (now() < end)
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
	return 0;
}

/* Hold an exclusive flock on PATH for MS milliseconds. */
static int do_lock(const char *path, long ms)
{
	char up[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC), u;
	ssize_t n;

	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		printf("error=lock %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("locked\n");
	fflush(stdout);
	sleep_ms(ms);
	if ((u = open("/proc/uptime", O_RDONLY | O_CLOEXEC)) >= 0 && (n = read(u, up, sizeof up - 1)) > 0)
		up[strcspn(up, " \n")] = 0;
	printf("released=%s\n", up);
	return 0;
}

/* Start PROG with exactly the supplementary groups in LIST. */
static int do_groups(const char *list, char **argv)
{
	gid_t g[32];
	size_t n = 0;

	for (const char *p = list; strcmp(list, "-") && *p && n < sizeof g / sizeof g[0]; n++) {
		char *end;

		g[n] = (gid_t)strtoul(p, &end, 10);
		if (end == p || (*end && *end != ','))
			return usage();
		p = *end ? end + 1 : end;
	}
	if (setgroups(n, g) < 0) {
		printf("error=setgroups: %s\n", strerror(errno));
		return 1;
	}
	execv(argv[0], argv);
	printf("error=exec %s: %s\n", argv[0], strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;
	long n = num(arg);

	if (!strcmp(cmd, "exit") && n >= 0)
		return (int)(n & 255);
	if (!strcmp(cmd, "kill"))
		return do_kill(arg ? n : SIGTERM);
	if (!strcmp(cmd, "trap"))
		return do_trap();
	if (!strcmp(cmd, "orphans") && n >= 0)
		return do_orphans(n);
	if (!strcmp(cmd, "daemonize") && n >= 0)
		return do_daemonize(n);
	if (!strcmp(cmd, "status"))
		return do_status();
	if (!strcmp(cmd, "ns"))
		return do_ns();
	if (!strcmp(cmd, "write") && arg)
		return do_write(arg);
	if (!strcmp(cmd, "cat"))
		return do_cat();
	if (!strcmp(cmd, "echo2") && arg) {
		printf("%s\n", arg);
		fflush(stdout);
		fprintf(stderr, "err:%s\n", arg);
		return 0;
	}
	if (!strcmp(cmd, "monotonic"))
		return do_monotonic();
	if (!strcmp(cmd, "memhog") && n >= 0)
		return do_memhog(n);
	if (!strcmp(cmd, "forkbomb") && n >= 0)
		return do_forkbomb(n);
	if (!strcmp(cmd, "spin") && n >= 0)
		return do_spin(n);
	if (!strcmp(cmd, "lock") && arg && argc > 3 && num(argv[3]) >= 0)
		return do_lock(arg, num(argv[3]));
	if (!strcmp(cmd, "groups") && arg && argc > 3)
		return do_groups(arg, argv + 3);
	if (!strcmp(cmd, "sleep") && n >= 0) {
		sleep_ms(n);
		return 0;
	}
	return usage();
}
