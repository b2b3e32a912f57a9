/* timeit — run commands interleaved, time each run, check each exit status.
 *
 *   timeit [-n RUNS] [-w WARMUP] [-s MS] [-p] [-S] [-x STATUS] [-e ERRLOG] [-r RAW] [-R A/B]... SPEC
 *
 * SPEC has one command per line: a label, a tab, then the argv split on
 * blanks (no quoting; lines starting with '#' are skipped).  A lone `&&`
 * splits the line into commands run one after the other (each fork + execve
 * + wait4, the next only when the last exited 0), timed together as one run
 * whose status is the first failure's or the last command's, and whose CPU
 * and RSS are the sum and the peak of them all (not with -p, no --ready-fd).  Each round runs
 * every command once, one after the other, fork + execve + wait4, starting
 * at command (round mod K), so with two commands the order goes A B, B A,
 * A B ...  The first WARMUP rounds are not recorded.  A run counts as failed
 * when its exit status is not STATUS (default 0); its stderr goes to ERRLOG
 * (default /dev/null), its stdout to /dev/null.
 *
 * -s MS: sleep MS milliseconds after each run (not timed), so that what the
 *     kernel tears down after a command exits is done before the next starts.
 * -p: parallel: each round starts all K commands at once and waits for all;
 *     the round's wall time (first fork to last exit) is recorded.
 * -S: timeit is a child subreaper (as containerd's shim is for an OCI
 *     runtime): a process a command leaves behind (a created container's)
 *     is reparented to timeit, which reaps it after the run (not timed).
 *
 * A command whose argv has "--ready-fd N" (nsrun run's) gets at fd N the
 * write end of a pipe, and the time from the fork to the first byte read
 * from it (nsrun's "ready" line: the app runs) is recorded too, as the
 * run's start; the rest, to the exit status, is its exit.
 *
 * Output, tab-separated on stdout (times in ns, RSS in KiB from wait4's
 * ru_maxrss: the peak of the command and of every descendant it reaped):
 *   run    LABEL N FAILS MEDIAN MIN MAX RSS_MEDIAN RSS_MAX CPU_MEDIAN
 *          (CPU: user + system time of the command and its reaped
 *          descendants, from wait4, in ns)
 *   ready  LABEL N MEDIAN MIN MAX      (with --ready-fd: fork to "ready")
 *   ratio  A B N MEDIAN MIN MAX        (A/B of the same round, per round)
 *   par    K N FAILS MEDIAN MIN MAX    (with -p)
 *   total  ELAPSED_NS RUNS             (wall time of all measured rounds)
 * RAW gets one line per measured run: label round ns status rss ready_ns
 * (ready_ns -1 without --ready-fd, or when the command closed the pipe
 * without a byte).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define MAXCMD 64
#define MAXARG 64

struct cmd {
	char label[64];
	char *argv[MAXARG + 1];
	long long *ns;
	long *rss;
	long long *cpu;
	long long *rdy;
	int n, fails, ready_fd, seq;    /* seq: the argv has a `&&` */
};

static struct cmd cmds[MAXCMD];
static int ncmd, expect, errfd = -1, nullfd;

static long long now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void load(const char *spec)
{
	FILE *f = fopen(spec, "r");
	char line[4096];

	if (!f) {
		perror(spec);
		exit(2);
	}
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t'), *save, *tok;
		struct cmd *c;
		int a = 0;

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (!tab || ncmd == MAXCMD) {
			fprintf(stderr, "timeit: %s: bad line (or too many): %s\n", spec, line);
			exit(2);
		}
		c = &cmds[ncmd++];
		*tab = 0;
		snprintf(c->label, sizeof c->label, "%.63s", line);
		for (tok = strtok_r(tab + 1, " \t", &save); tok && a < MAXARG; tok = strtok_r(NULL, " \t", &save))
			c->argv[a++] = strdup(tok);
		c->argv[a] = NULL;
		c->ready_fd = -1;
		for (int i = 0; i + 1 < a; i++)
			if (!strcmp(c->argv[i], "--ready-fd"))
				c->ready_fd = atoi(c->argv[i + 1]);
		for (int i = 0; i < a; i++)
			c->seq |= !strcmp(c->argv[i], "&&");
		if (!a) {
			fprintf(stderr, "timeit: %s: no command for %s\n", spec, c->label);
			exit(2);
		}
	}
	fclose(f);
}

/* Fork and exec ARGV; with READY_FD N >= 0, *RFD is the read end of its pipe. */
static pid_t start_argv(char **argv, int ready_fd, int *rfd)
{
	int pfd[2] = { -1, -1 };
	pid_t p;

	if (ready_fd >= 0 && pipe2(pfd, O_CLOEXEC) < 0) {
		perror("pipe2");
		exit(2);
	}
	p = fork();
	if (p == 0) {
		dup2(nullfd, 0);
		dup2(nullfd, 1);
		dup2(errfd >= 0 ? errfd : nullfd, 2);
		if (pfd[1] >= 0 && (pfd[1] == ready_fd ? fcntl(pfd[1], F_SETFD, 0) : dup2(pfd[1], ready_fd)) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (p < 0) {
		perror("fork");
		exit(2);
	}
	if (pfd[1] >= 0)
		close(pfd[1]);
	*rfd = pfd[0];
	return p;
}

static pid_t start(struct cmd *c, int *rfd)
{
	return start_argv(c->argv, c->ready_fd, rfd);
}

/* run_seq: the command's `&&`-separated parts in turn; the wait status of the
 * first that fails, or of the last; RU: CPU summed, maxrss the peak. */
static int run_seq(struct cmd *c, struct rusage *ru)
{
	char *part[MAXARG + 1];
	int st = 0, rfd;

	memset(ru, 0, sizeof *ru);
	for (int i = 0; c->argv[i];) {
		struct rusage r;
		int n = 0;
		pid_t p;

		while (c->argv[i] && strcmp(c->argv[i], "&&"))
			part[n++] = c->argv[i++];
		part[n] = NULL;
		if (c->argv[i])
			i++;
		if (!n)
			continue;
		p = start_argv(part, -1, &rfd);
		while (wait4(p, &st, 0, &r) < 0)
			if (errno != EINTR) {
				perror("wait4");
				exit(2);
			}
		ru->ru_utime.tv_sec += r.ru_utime.tv_sec, ru->ru_utime.tv_usec += r.ru_utime.tv_usec;
		ru->ru_stime.tv_sec += r.ru_stime.tv_sec, ru->ru_stime.tv_usec += r.ru_stime.tv_usec;
		ru->ru_maxrss = r.ru_maxrss > ru->ru_maxrss ? r.ru_maxrss : ru->ru_maxrss;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			break;
	}
	return st;
}

static int finish(struct cmd *c, int st, int round, int record)
{
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

	if (code != expect) {
		if (record)
			c->fails++;
		if (errfd >= 0)
			dprintf(errfd, "timeit: %s: round %d: exit status %d, expected %d\n", c->label, round, code,
				expect);
	}
	return code;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long long med_ll(long long *v, int n)
{
	long long *s = malloc(sizeof *s * (size_t)n), m;

	memcpy(s, v, sizeof *s * (size_t)n);
	qsort(s, (size_t)n, sizeof *s, cmp_ll);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

static struct cmd *find(const char *label)
{
	for (int i = 0; i < ncmd; i++)
		if (!strcmp(cmds[i].label, label))
			return &cmds[i];
	fprintf(stderr, "timeit: no command labelled %s\n", label);
	exit(2);
}

int main(int argc, char **argv)
{
	int runs = 30, warm = 5, par = 0, opt, nratio = 0, settle = 0, reaper = 0;
	const char *raw = NULL, *ratios[32];
	FILE *rf = NULL;
	long long t0, total, *rounds;
	int par_fails = 0;

	while ((opt = getopt(argc, argv, "n:w:s:pSx:e:r:R:")) != -1) {
		switch (opt) {
		case 's': settle = atoi(optarg); break;
		case 'n': runs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'p': par = 1; break;
		case 'S': reaper = 1; break;
		case 'x': expect = atoi(optarg); break;
		case 'e':
			if ((errfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
				perror(optarg);
				return 2;
			}
			break;
		case 'r': raw = optarg; break;
		case 'R':
			if (nratio < 32)
				ratios[nratio++] = optarg;
			break;
		default:
			fputs("usage: timeit [-n RUNS] [-w WARMUP] [-s MS] [-p] [-S] [-x STATUS] [-e ERRLOG] [-r RAW] [-R A/B]... SPEC\n",
			      stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || runs < 1) {
		fputs("timeit: one SPEC file expected\n", stderr);
		return 2;
	}
	load(argv[optind]);
	if (!ncmd) {
		fputs("timeit: no command in the spec\n", stderr);
		return 2;
	}
	if ((nullfd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return 2;
	if (reaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return 2;
	}
	if (raw && !(rf = fopen(raw, "a"))) {
		perror(raw);
		return 2;
	}
	for (int i = 0; i < ncmd; i++) {
		cmds[i].ns = calloc((size_t)runs, sizeof(long long));
		cmds[i].rss = calloc((size_t)runs, sizeof(long));
		cmds[i].cpu = calloc((size_t)runs, sizeof(long long));
		cmds[i].rdy = calloc((size_t)runs, sizeof(long long));
	}
	rounds = calloc((size_t)runs, sizeof(long long));
	t0 = 0;
	for (int r = -warm; r < runs; r++) {
		int rec = r >= 0;

		if (r == 0)
			t0 = now();
		if (par) {
			pid_t pids[MAXCMD];
			long long a = now(), b;
			int left = ncmd;

			for (int i = 0; i < ncmd; i++) {
				int rfd;

				pids[i] = start(&cmds[i], &rfd);
				if (rfd >= 0)
					close(rfd);
			}
			while (left > 0) {
				struct rusage ru;
				int st;
				pid_t p = wait4(-1, &st, 0, &ru);

				if (p < 0) {
					if (errno == EINTR)
						continue;
					perror("wait4");
					return 2;
				}
				for (int i = 0; i < ncmd; i++) {
					if (pids[i] != p)
						continue;
					if (finish(&cmds[i], st, r, rec) != expect && rec)
						par_fails++;
					if (rec)
						cmds[i].rss[cmds[i].n] = ru.ru_maxrss, cmds[i].ns[cmds[i].n++] = 0;
					left--;
				}
			}
			b = now();
			if (rec)
				rounds[r] = b - a;
			if (settle)
				nanosleep(&(struct timespec){ settle / 1000, settle % 1000 * 1000000L }, NULL);
			continue;
		}
		for (int k = 0; k < ncmd; k++) {
			struct cmd *c = &cmds[(k + (r + warm)) % ncmd];
			struct rusage ru;
			long long a, b, rd = -1;
			int st, code, rfd;
			pid_t p;
			char ch;

			a = now();
			if (c->seq) {
				st = run_seq(c, &ru);
			} else {
				p = start(c, &rfd);
				if (rfd >= 0) {
					ssize_t k;

					while ((k = read(rfd, &ch, 1)) < 0 && errno == EINTR)
						;
					if (k == 1)
						rd = now() - a;
					close(rfd);
				}
				while (wait4(p, &st, 0, &ru) < 0)
					if (errno != EINTR) {
						perror("wait4");
						return 2;
					}
			}
			b = now();
			while (reaper && waitpid(-1, NULL, WNOHANG) > 0)
				;               /* what the command left to us */
			code = finish(c, st, r, rec);
			if (settle)
				nanosleep(&(struct timespec){ settle / 1000, settle % 1000 * 1000000L }, NULL);
			if (!rec)
				continue;
			c->ns[c->n] = b - a;
			c->rss[c->n] = ru.ru_maxrss;
			c->cpu[c->n] = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
				       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
			c->rdy[c->n] = rd;
			c->n++;
			if (rf)
				fprintf(rf, "%s\t%d\t%lld\t%d\t%ld\t%lld\n", c->label, r, b - a, code, ru.ru_maxrss, rd);
		}
	}
	total = now() - t0;
	for (int i = 0; i < ncmd && !par; i++) {
		struct cmd *c = &cmds[i];
		long long mn = c->ns[0], mx = c->ns[0], rss_mx = 0, *rv = malloc(sizeof *rv * (size_t)c->n);

		for (int j = 0; j < c->n; j++) {
			mn = c->ns[j] < mn ? c->ns[j] : mn;
			mx = c->ns[j] > mx ? c->ns[j] : mx;
			rv[j] = c->rss[j];
			rss_mx = c->rss[j] > rss_mx ? c->rss[j] : rss_mx;
		}
		printf("run\t%s\t%d\t%d\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n", c->label, c->n, c->fails,
		       med_ll(c->ns, c->n), mn, mx, med_ll(rv, c->n), rss_mx, med_ll(c->cpu, c->n));
		free(rv);
		if (c->ready_fd >= 0 && c->n) {
			mn = mx = c->rdy[0];
			for (int j = 0; j < c->n; j++) {
				mn = c->rdy[j] < mn ? c->rdy[j] : mn;
				mx = c->rdy[j] > mx ? c->rdy[j] : mx;
			}
			printf("ready\t%s\t%d\t%lld\t%lld\t%lld\n", c->label, c->n, med_ll(c->rdy, c->n), mn, mx);
		}
	}
	for (int i = 0; i < nratio && !par; i++) {
		char a[64], *slash;
		struct cmd *x, *y;
		double *q = malloc(sizeof *q * (size_t)runs);

		snprintf(a, sizeof a, "%s", ratios[i]);
		if (!(slash = strchr(a, '/'))) {
			fprintf(stderr, "timeit: -R %s: expected A/B\n", ratios[i]);
			return 2;
		}
		*slash = 0;
		x = find(a), y = find(slash + 1);
		for (int j = 0; j < runs; j++)
			q[j] = (double)x->ns[j] / (double)y->ns[j];
		qsort(q, (size_t)runs, sizeof *q, cmp_d);
		printf("ratio\t%s\t%s\t%d\t%.3f\t%.3f\t%.3f\n", x->label, y->label, runs,
		       runs % 2 ? q[runs / 2] : (q[runs / 2 - 1] + q[runs / 2]) / 2, q[0], q[runs - 1]);
		free(q);
	}
	if (par) {
		long long mn = rounds[0], mx = rounds[0];

		for (int j = 0; j < runs; j++) {
			mn = rounds[j] < mn ? rounds[j] : mn;
			mx = rounds[j] > mx ? rounds[j] : mx;
		}
		printf("par\t%d\t%d\t%d\t%lld\t%lld\t%lld\n", ncmd, runs, par_fails, med_ll(rounds, runs), mn, mx);
		for (int i = 0; i < ncmd; i++)
			if (cmds[i].fails)
				printf("parfail\t%s\t%d\n", cmds[i].label, cmds[i].fails);
	}
	printf("total\t%lld\t%d\n", total, runs);
	if (rf)
		fclose(rf);
	for (int i = 0; i < ncmd; i++)
		if (cmds[i].fails)
			return 1;
	return 0;
}
