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
 *   udpecho PORT    (nat tests) answer each datagram to [::]:PORT (IPv4 too)
 *                   with "pong peer=ADDR": the address it came from
 *   udpsend ADDR PORT TEXT
 *                   send TEXT to ADDR:PORT, print the answer (2 s), exit 0;
 *                   "timeout" and exit 1 without one
 *   tcpget ADDR PORT
 *                   connect (3 s), send "GET / HTTP/1.0", print the reply
 *   groups LIST PROG ARG...
 *                   (on the host, as root) set the supplementary groups to
 *                   LIST (comma-separated gids; "-" for none), exec PROG
 *
 * The attack modes (tests/integ/attack.sh, tests/vm/guest/30-attack.sh):
 * each makes one system call, or a short fixed series, and prints
 * KEY=ok or KEY=ERRNO (the errno's name: EPERM, EACCES, ...), exit 0.
 * Several run in one process as "payload A ARG... + B ARG... + ...".
 *   caps            uid, euid, suid, NoNewPrivs and the Cap* lines of
 *                   /proc/self/status (a setuid copy of payload runs it too)
 *   open PATH MODE [KEY]
 *                   open PATH; MODE: r, w, rw, path (O_PATH), dir, or
 *                   path+r / path+w (O_PATH, then open /proc/self/fd/N)
 *   readlink PATH [KEY]   KEY=ok:TARGET
 *   ls PATH [KEY]   opendir and read it: KEY=ok:ENTRIES (. and .. counted)
 *   put PATH TEXT [KEY]   open PATH O_WRONLY (no create) and write TEXT
 *   ptrace PID      PTRACE_ATTACH (attach=) and PTRACE_SEIZE (seize=)
 *   mknod PATH c|b MAJ MIN [KEY]
 *   mount FSTYPE TARGET   umount PATH
 *   modules         finit_module of /dev/null, init_module of a bogus
 *                   image, delete_module of a name no module has (each
 *                   harmless even where it is allowed)
 *   sethostname NAME      sethostname= and setdomainname=, then the
 *                   hostname= and domainname= it sees
 *   fds             fds=N... every open fd above 2 (but the listing's own)
 *   readfd N        read one byte from fd N
 *   seccomp         seccomp=N (the Seccomp: line of /proc/self/status), then
 *                   NAME=ok|ERRNO for each syscall of nsrun's default profile
 *                   this arch has, called with syscall(2) and arguments that
 *                   change nothing even where the call is allowed (bad
 *                   flags, NULL, -1, a missing path, a query); clone3=,
 *                   unshare_0=, unshare_newuser=, clone_newuser=,
 *                   personality_query=, personality_bsd=; the ordinary work
 *                   an app does: work.fork= work.exec= work.thread=
 *                   work.socket= work.file=; and on x86_64 the foreign
 *                   ABIs, each from a child: abi.i386= abi.x32= (SIGSYS:
 *                   killed by it, else what the call returned)
 *   exeattack PID SECS [kill]
 *                   CVE-2019-5736: open /proc/PID/exe (r, w, path), then
 *                   leave a survivor (setsid, double fork) that for SECS s
 *                   tries to reopen the binary for writing through its fd
 *                   and appends a line to it when it can; "kill" first
 *                   SIGKILLs the nsrun above the container (the parent of
 *                   our parent, only visible without a pid namespace)
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
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int usage(void)
{
	fputs("usage: payload exit N | kill N | trap | orphans N | daemonize N | status | ns | write PATH\n"
	      "               | cat | echo2 TEXT | monotonic | sleep MS | groups LIST PROG ARG...\n"
	      "               | caps | open PATH MODE [KEY] | readlink PATH [KEY] | ls PATH [KEY]\n"
	      "               | put PATH TEXT [KEY] | ptrace PID | mknod PATH c|b MAJ MIN [KEY]\n"
	      "               | mount FSTYPE TARGET | umount PATH | modules | sethostname NAME | fds\n"
	      "               | readfd N | exeattack PID SECS [kill]\n", stderr);
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

/* ---- attacks ------------------------------------------------------------ */

/* An errno's name, as the tests expect it ("E123" for one not listed). */
static const char *errname(int e)
{
	static char other[16];
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EBADF, "EBADF" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ EXDEV, "EXDEV" }, { ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { ETXTBSY, "ETXTBSY" }, { EROFS, "EROFS" }, { ENOSYS, "ENOSYS" },
		{ ELOOP, "ELOOP" }, { ENOEXEC, "ENOEXEC" }, { ENXIO, "ENXIO" }, { EIO, "EIO" },
		{ ENOSPC, "ENOSPC" }, { ENOTTY, "ENOTTY" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(other, sizeof other, "E%d", e);
	return other;
}

/* KEY=ok when RC >= 0, else KEY=ERRNO; returns RC. */
static long report(const char *key, long rc)
{
	if (rc < 0)
		printf("%s=%s\n", key, errname(errno));
	else
		printf("%s=ok\n", key);
	fflush(stdout);
	return rc;
}

static int do_caps(void)
{
	uid_t r, e, s;

	getresuid(&r, &e, &s);
	printf("uid=%u\neuid=%u\nsuid=%u\n", (unsigned)r, (unsigned)e, (unsigned)s);
	status_field("NoNewPrivs");
	status_field("CapInh");
	status_field("CapPrm");
	status_field("CapEff");
	status_field("CapBnd");
	status_field("CapAmb");
	return 0;
}

static int open_mode(const char *mode)
{
	if (!strcmp(mode, "r"))
		return O_RDONLY;
	if (!strcmp(mode, "w"))
		return O_WRONLY;
	if (!strcmp(mode, "rw"))
		return O_RDWR;
	if (!strcmp(mode, "path"))
		return O_PATH;
	if (!strcmp(mode, "dir"))
		return O_RDONLY | O_DIRECTORY;
	return -1;
}

static int do_open(const char *path, const char *mode, const char *key)
{
	int fl, fd;

	if (!strncmp(mode, "path+", 5)) {
		char self[64], k[128];

		if ((fl = open_mode(mode + 5)) < 0)
			return usage();
		if (report(key, fd = open(path, O_PATH | O_CLOEXEC)) < 0)
			return 0;
		snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
		snprintf(k, sizeof k, "%s_reopen", key);
		report(k, open(self, fl | O_CLOEXEC));
		return 0;
	}
	if ((fl = open_mode(mode)) < 0)
		return usage();
	report(key, open(path, fl | O_CLOEXEC));
	return 0;
}

static int do_readlink(const char *path, const char *key)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof buf - 1);

	if (n < 0)
		return report(key, -1), 0;
	printf("%s=ok:%.*s\n", key, (int)n, buf);
	return 0;
}

static int do_ls(const char *path, const char *key)
{
	DIR *d = opendir(path);
	int n = 0;

	if (!d)
		return report(key, -1), 0;
	while (readdir(d))
		n++;
	closedir(d);
	printf("%s=ok:%d\n", key, n);
	return 0;
}

static int do_put(const char *path, const char *text, const char *key)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		report(key, -1);
	else
		report(key, 0);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int do_ptrace(long pid)
{
	if (report("attach", ptrace(PTRACE_ATTACH, (pid_t)pid, NULL, NULL)) >= 0) {
		waitpid((pid_t)pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, (pid_t)pid, NULL, NULL);
	}
	if (report("seize", ptrace(PTRACE_SEIZE, (pid_t)pid, NULL, NULL)) >= 0)
		ptrace(PTRACE_DETACH, (pid_t)pid, NULL, NULL);
	return 0;
}

static int do_mknod(const char *path, const char *type, long maj, long min, const char *key)
{
	mode_t m = !strcmp(type, "c") ? S_IFCHR : !strcmp(type, "b") ? S_IFBLK : 0;

	if (!m || maj < 0 || min < 0)
		return usage();
	report(key, mknod(path, m | 0600, makedev(maj, min)));
	return 0;
}

/* Each is harmless even where it is allowed: /dev/null and an image that
 * is no ELF load nothing (EINVAL, ENOEXEC), and no module has the name
 * given to delete_module (ENOENT); where it is not allowed: EPERM. */
static int do_modules(void)
{
	static const char bogus[64] = "not a module";
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	report("finit_module", syscall(SYS_finit_module, fd, "", 0));
	report("init_module", syscall(SYS_init_module, bogus, sizeof bogus, ""));
	report("delete_module", syscall(SYS_delete_module, "nsrun_attack_none", O_NONBLOCK));
	return 0;
}

static int do_sethostname(const char *name)
{
	struct utsname u;

	report("sethostname", sethostname(name, strlen(name)));
	report("setdomainname", setdomainname(name, strlen(name)));
	if (uname(&u) == 0)
		printf("hostname=%s\ndomainname=%s\n", u.nodename, u.domainname);
	return 0;
}

static int do_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return report("fds", -1), 0;
	printf("fds=");
	while ((e = readdir(d))) {
		long fd = num(e->d_name);
		char self[64], link[PATH_MAX];
		ssize_t n;

		if (fd < 3 || fd == dirfd(d))
			continue;
		snprintf(self, sizeof self, "/proc/self/fd/%ld", fd);
		n = readlink(self, link, sizeof link - 1);
		printf("%ld:%.*s ", fd, n < 0 ? 1 : (int)n, n < 0 ? "?" : link);
	}
	closedir(d);
	printf("\n");
	return 0;
}

static int do_readfd(long fd)
{
	char c;

	report("readfd", read((int)fd, &c, 1));
	return 0;
}

/* The nsrun above the container: our parent (the container's init)'s
 * parent, from /proc/PPID/status; 0 when it is not visible. */
static pid_t nsrun_pid(void)
{
	char path[64], line[128];
	FILE *f;
	long pid = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)getppid());
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "PPid:", 5))
			pid = strtol(line + 5, NULL, 10);
	fclose(f);
	return (pid_t)pid;
}

static int do_exeattack(long pid, long secs, int kill_nsrun)
{
	char exe[64], self[64], link[PATH_MAX];
	int fd_r, fd_p, keep;
	ssize_t n;

	snprintf(exe, sizeof exe, "/proc/%ld/exe", pid);
	n = readlink(exe, link, sizeof link - 1);
	if (n < 0)
		report("readlink", -1);
	else
		printf("readlink=ok:%.*s\n", (int)n, link);
	fd_r = (int)report("open_r", open(exe, O_RDONLY));
	if ((keep = (int)report("open_w", open(exe, O_WRONLY))) >= 0)
		close(keep);
	fd_p = (int)report("open_path", open(exe, O_PATH));
	if ((keep = fd_r >= 0 ? fd_r : fd_p) < 0)
		return 0;
	snprintf(self, sizeof self, "/proc/self/fd/%d", keep);
	if (report("reopen_w", n = open(self, O_WRONLY)) >= 0)
		close((int)n);
	if (fork() == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		/* The survivor: outlive the container, then write. */
		for (long i = 0; i < secs * 50; i++) {
			int w = open(self, O_WRONLY | O_APPEND);

			if (w >= 0) {
				static const char mark[] = "\nnsrun-attack: written by a container process\n";

				report("survivor_write", write(w, mark, sizeof mark - 1));
				close(w);
				return 0;
			}
			sleep_ms(20);
		}
		printf("survivor_write=%s (for %ld s)\n", errname(errno), secs);
		return 0;
	}
	wait(NULL);
	if (kill_nsrun) {
		pid_t p = nsrun_pid();

		if (p <= 0) {
			printf("kill_nsrun=not visible\n");
			return 0;
		}
		printf("nsrun_pid=%d\n", (int)p);
		fflush(stdout);
		report("kill_nsrun", kill(p, SIGKILL));
		sleep_ms(1000);                 /* nsrun's death kills us (PDEATHSIG) */
	}
	return 0;
}

static int child_ok(void)
{
	return 0;
}

/* ---- seccomp: the default profile's syscalls, harmlessly ------------------ */

static void *thread_ok(void *arg)
{
	return arg;
}

/* A child runs FN; "ok" when it exits 0, the signal's name when one kills it. */
static const char *in_child(int (*fn)(void))
{
	static char buf[32];
	int st;
	pid_t p = fork();

	if (p < 0)
		return errname(errno);
	if (p == 0)
		_exit(fn());
	if (waitpid(p, &st, 0) < 0)
		return errname(errno);
	if (WIFSIGNALED(st))
		return WTERMSIG(st) == SIGSYS ? "SIGSYS" : (snprintf(buf, sizeof buf, "SIG%d", WTERMSIG(st)), buf);
	return WEXITSTATUS(st) == 0 ? "ok" : (snprintf(buf, sizeof buf, "exit%d", WEXITSTATUS(st)), buf);
}

static int child_exec(void)
{
	char *argv[] = { "payload", "exit", "0", NULL }, *env[] = { NULL };

	execve("/proc/self/exe", argv, env);
	return 99;
}

#if defined(__x86_64__)
static int child_i386(void)            /* getpid (20) through int 0x80 */
{
	long r = 20;

	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r > 0 ? 0 : 1;
}

static int child_x32(void)             /* getpid with __X32_SYSCALL_BIT */
{
	return syscall(0x40000000 | SYS_getpid) > 0 ? 0 : 1;
}
#endif

/* musl on 32-bit ABIs names the kernel's 32-bit-time calls *_time32 / *32
 * (its own settimeofday and clock_settime call the _time64 ones). */
#if !defined(SYS_settimeofday) && defined(SYS_settimeofday_time32)
#define SYS_settimeofday SYS_settimeofday_time32
#endif
#if !defined(SYS_clock_settime) && defined(SYS_clock_settime32)
#define SYS_clock_settime SYS_clock_settime32
#endif
#define SC(name, ...) report(#name, syscall(SYS_##name, __VA_ARGS__))

static int do_seccomp(void)
{
	char line[256], tx[512] = { 0 };
	struct timespec ts = { 0, 0 };
	FILE *f = fopen("/proc/self/status", "r");
	int sv[2], fd;
	pthread_t t;
	void *res = NULL;

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Seccomp:", 8))
			printf("seccomp=%ld\n", strtol(line + 8, NULL, 10));
	if (f)
		fclose(f);
#ifdef SYS_kexec_load
	SC(kexec_load, 0, 0, NULL, ~0UL);
#endif
#ifdef SYS_kexec_file_load
	SC(kexec_file_load, -1, -1, 0, NULL, ~0UL);
#endif
	SC(keyctl, 0xdead, 0, 0, 0, 0);
	SC(add_key, NULL, NULL, NULL, 0, 0);
	SC(request_key, NULL, NULL, NULL, 0);
	SC(bpf, -1, NULL, 0);
	SC(perf_event_open, NULL, 0, -1, -1, 0);
#ifdef SYS_userfaultfd
	SC(userfaultfd, ~0);
#endif
	SC(open_by_handle_at, -1, NULL, 0);
	SC(acct, "/nonexistent/acct");
	SC(swapon, "/nonexistent/swap", 0);
	SC(swapoff, "/nonexistent/swap");
	SC(reboot, 0, 0, 0, NULL);                      /* a bad magic */
#ifdef SYS_iopl
	SC(iopl, 4);
#endif
#ifdef SYS_ioperm
	SC(ioperm, 65536, 1, 0);
#endif
#ifdef SYS_lookup_dcookie
	SC(lookup_dcookie, 0, NULL, 0);
#endif
	SC(quotactl, 0, NULL, 0, NULL);
#ifdef SYS_quotactl_fd
	SC(quotactl_fd, -1, 0, 0, NULL);
#endif
#ifdef SYS_nfsservctl
	SC(nfsservctl, 0, NULL, NULL);
#endif
#ifdef SYS_uselib
	SC(uselib, NULL);
#endif
#ifdef SYS_vm86
	SC(vm86, 0, NULL);
#endif
	SC(syslog, 10, NULL, 0);                        /* the buffer's size: a query */
#ifdef SYS_pciconfig_iobase
	SC(pciconfig_iobase, -1, 0, 0);
#endif
#ifdef SYS_pciconfig_read
	SC(pciconfig_read, 0, 0, 0, 0, NULL);
#endif
#ifdef SYS_pciconfig_write
	SC(pciconfig_write, 0, 0, 0, 0, NULL);
#endif
	SC(fsopen, NULL, 0);
	SC(fsconfig, -1, 0, NULL, NULL, 0);
	SC(fsmount, -1, 0, 0);
	SC(fspick, -1, NULL, 0);
	SC(open_tree, -1, NULL, 0);
	SC(move_mount, -1, NULL, -1, NULL, 0);
	SC(mount_setattr, -1, NULL, 0, NULL, 0);
	SC(mount, "none", "/nonexistent", "tmpfs", 0, NULL);
	SC(umount2, "/nonexistent", 0);
#ifdef SYS_umount
	SC(umount, "/nonexistent");
#endif
	SC(pivot_root, "/nonexistent", "/nonexistent");
	SC(setns, -1, 0);
	SC(chroot, "/nonexistent");
	SC(ptrace, PTRACE_PEEKDATA, 0, NULL, NULL);
	SC(process_vm_readv, 0, NULL, 0, NULL, 0, ~0UL);
	SC(process_vm_writev, 0, NULL, 0, NULL, 0, ~0UL);
	SC(kcmp, 0, 0, -1, 0, 0);
	SC(settimeofday, NULL, NULL);
#ifdef SYS_stime
	SC(stime, NULL);
#endif
	SC(clock_settime, CLOCK_MONOTONIC, &ts);        /* never settable */
#ifdef SYS_clock_settime64
	SC(clock_settime64, CLOCK_MONOTONIC, tx);
#endif
	SC(clock_adjtime, CLOCK_REALTIME, tx);          /* modes 0: a read */
#ifdef SYS_clock_adjtime64
	SC(clock_adjtime64, CLOCK_REALTIME, tx);
#endif
	SC(adjtimex, tx);
	SC(init_module, NULL, 0, "");
	SC(finit_module, -1, "", 0);
	SC(delete_module, "nsrun_no_such_module", O_NONBLOCK);
	report("clone3", syscall(SYS_clone3, NULL, 0));
	{
		long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

		if (r == 0)
			_exit(0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		report("clone_newuser", r);
	}
	report("unshare_0", syscall(SYS_unshare, 0));
	report("unshare_newuser", syscall(SYS_unshare, CLONE_NEWUSER));
	report("personality_query", syscall(SYS_personality, 0xffffffffUL));
	if (report("personality_bsd", syscall(SYS_personality, 0x0006UL)) >= 0)
		syscall(SYS_personality, 0UL);
	/* the ordinary work */
	printf("work.fork=%s\n", in_child(child_ok));
	printf("work.exec=%s\n", in_child(child_exec));
	printf("work.thread=%s\n", pthread_create(&t, NULL, thread_ok, &ts) == 0 && pthread_join(t, &res) == 0 &&
	       res == &ts ? "ok" : "failed");
	printf("work.socket=%s\n", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && write(sv[0], "x", 1) == 1 &&
	       read(sv[1], line, 1) == 1 && (fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0 && close(fd) == 0 ? "ok"
	       : errname(errno));
	fd = open("/tmp/payload-seccomp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	printf("work.file=%s\n", fd >= 0 && write(fd, "abc", 3) == 3 && pread(fd, line, 3, 0) == 3 &&
	       unlink("/tmp/payload-seccomp") == 0 ? "ok" : errname(errno));
	if (fd >= 0)
		close(fd);
#if defined(__x86_64__)
	printf("abi.i386=%s\n", in_child(child_i386));
	printf("abi.x32=%s\n", in_child(child_x32));
#endif
	return 0;
}

/* ---- nat tests ---------------------------------------------------------- */
static int sock_addr(const char *addr, long port, struct sockaddr_in6 *sa)
{
	char buf[64];

	memset(sa, 0, sizeof *sa);
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons((unsigned short)port);
	snprintf(buf, sizeof buf, strchr(addr, ':') ? "%s" : "::ffff:%s", addr);
	return inet_pton(AF_INET6, buf, &sa->sin6_addr) == 1 ? 0 : -1;
}

static const char *peer_str(const struct sockaddr_in6 *sa, char *buf, size_t len)
{
	inet_ntop(AF_INET6, &sa->sin6_addr, buf, (socklen_t)len);
	return strncmp(buf, "::ffff:", 7) || !strchr(buf, '.') ? buf : buf + 7;
}

static int do_udpecho(long port)
{
	struct sockaddr_in6 sa, from;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), zero = 0;
	char buf[512], ip[64];

	sock_addr("::", port, &sa);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return perror("udpecho"), 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);

		if (n < 0)
			continue;
		n = snprintf(buf, sizeof buf, "pong peer=%s\n", peer_str(&from, ip, sizeof ip));
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
}

static int do_udpsend(const char *addr, long port, const char *text)
{
	struct sockaddr_in6 sa;
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	char buf[512];
	ssize_t n;

	if (fd < 0 || sock_addr(addr, port, &sa) < 0)
		return perror("udpsend"), 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    (n = recv(fd, buf, sizeof buf - 1, 0)) < 0)
		return printf("timeout\n"), 1;
	buf[n] = 0;
	printf("%s", buf);
	return 0;
}

static int do_tcpget(const char *addr, long port)
{
	struct sockaddr_in6 sa;
	struct timeval tv = { 3, 0 };
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	char buf[4096];
	ssize_t n;

	if (fd < 0 || sock_addr(addr, port, &sa) < 0)
		return perror("tcpget"), 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return perror("tcpget: connect"), 1;
	if (write(fd, "GET / HTTP/1.0\r\n\r\n", 18) != 18)
		return perror("tcpget: write"), 1;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return 0;
}

/* One subcommand: ARGV[1] and its arguments, ARGC of them in all. */
static int dispatch(int argc, char **argv)
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
	if (!strcmp(cmd, "udpecho") && n > 0)
		return do_udpecho(n);
	if (!strcmp(cmd, "udpsend") && arg && argc > 4)
		return do_udpsend(arg, num(argv[3]), argv[4]);
	if (!strcmp(cmd, "tcpget") && arg && argc > 3)
		return do_tcpget(arg, num(argv[3]));
	if (!strcmp(cmd, "caps"))
		return do_caps();
	if (!strcmp(cmd, "open") && arg && argc > 3)
		return do_open(arg, argv[3], argc > 4 ? argv[4] : "open");
	if (!strcmp(cmd, "readlink") && arg)
		return do_readlink(arg, argc > 3 ? argv[3] : "readlink");
	if (!strcmp(cmd, "ls") && arg)
		return do_ls(arg, argc > 3 ? argv[3] : "ls");
	if (!strcmp(cmd, "put") && arg && argc > 3)
		return do_put(arg, argv[3], argc > 4 ? argv[4] : "put");
	if (!strcmp(cmd, "ptrace") && n >= 0)
		return do_ptrace(n);
	if (!strcmp(cmd, "mknod") && arg && argc > 5)
		return do_mknod(arg, argv[3], num(argv[4]), num(argv[5]), argc > 6 ? argv[6] : "mknod");
	if (!strcmp(cmd, "mount") && arg && argc > 3)
		return report("mount", mount("none", argv[3], arg, 0, NULL)), 0;
	if (!strcmp(cmd, "umount") && arg)
		return report("umount", umount2(arg, MNT_DETACH)), 0;
	if (!strcmp(cmd, "modules"))
		return do_modules();
	if (!strcmp(cmd, "sethostname") && arg)
		return do_sethostname(arg);
	if (!strcmp(cmd, "fds"))
		return do_fds();
	if (!strcmp(cmd, "readfd") && n >= 0)
		return do_readfd(n);
	if (!strcmp(cmd, "seccomp"))
		return do_seccomp();
	if (!strcmp(cmd, "exeattack") && n > 0 && argc > 3 && num(argv[3]) >= 0)
		return do_exeattack(n, num(argv[3]), argc > 4 && !strcmp(argv[4], "kill"));
	return usage();
}

/* "payload A ARG... + B ARG... + ...": each subcommand in turn, in this one
 * process (one exec where the VM's TCG makes each dear); the status is the
 * last one's.  A subcommand that forks or exits (exeattack, exit...) must
 * come last. */
int main(int argc, char **argv)
{
	int rc = 0, first = 1;

	for (int i = 1; i <= argc; i++)
		if (i == argc || !strcmp(argv[i], "+")) {
			char *save = argv[first - 1];

			argv[first - 1] = argv[0];
			argv[i] = NULL;
			rc = dispatch(i - first + 1, argv + first - 1);
			fflush(stdout);
			argv[first - 1] = save;
			first = i + 1;
		}
	return rc;
}
