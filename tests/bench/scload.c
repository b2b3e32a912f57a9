/* scload — what the seccomp filter costs a process, in-process, without a
 * container (issue 14).  nsrun.c is included whole, as in tests/unit.c, so
 * the program measured is the one sc_build() makes for the default profile.
 *
 *   scload [ROUNDS]            (default 2001; root not needed)
 *
 * Each round, interleaved (A B C, C B A, ...), in a fresh child each time:
 *   load:  PR_SET_NO_NEW_PRIVS, then the time of seccomp(SET_MODE_FILTER)
 *          itself, measured in the child: a 1-instruction filter (RET
 *          ALLOW, the floor of any filter), the default program, and a
 *          program as long as it whose first instruction jumps to its last
 *          (the same length to convert and JIT-compile, but a 2-instruction
 *          path for the kernel's cache emulation, seccomp_cache_prepare());
 *   life:  fork, load (or not), _exit, wait4, timed by the parent: what a
 *          filter adds to a process's whole life, its teardown included;
 *   build: sc_build() of the default config, in this process.
 * Prints medians and quartiles, and the medians of the per-round paired
 * differences against the first variant; the emulator's work (instructions
 * it steps through for every syscall number of x86_64 and i386) is
 * computed, not measured. */
#define NSRUN_UNIT 1
#include "../../nsrun.c"
#undef main
#include <stdio.h>

#define MAXR 20001

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One child: MODE 0 returns the load's own time (measured there), 1 the
 * parent's fork-to-wait time.  N 0: no filter. */
static double run1(const struct sock_filter *f, int n, int mode)
{
	double t0 = now_us(), v = -1;
	int p[2];
	pid_t pid;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		exit(1);
	if (!pid) {
		struct sock_fprog prog = { (unsigned short)n, (struct sock_filter *)f };
		double t1;

		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		t1 = now_us();
		if (n && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			_exit(1);
		t1 = now_us() - t1;
		if (!mode && write(p[1], &t1, sizeof t1) != sizeof t1)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (!mode && read(p[0], &v, sizeof v) != sizeof v)
		v = -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return mode ? now_us() - t0 : v;
}

static int emulated(const struct sock_filter *f, uint32_t arch, int nrs)
{
	int steps = 0;

	for (int nr = 0; nr < nrs; nr++)
		for (uint32_t pc = 0, a = 0;; pc++, steps++) {
			const struct sock_filter *i = &f[pc];

			if (i->code == (BPF_LD | BPF_W | BPF_ABS) && i->k > 4)
				break;                  /* an argument: not cacheable, the emulator stops */
			if (i->code == (BPF_LD | BPF_W | BPF_ABS))
				a = i->k ? arch : (uint32_t)nr;
			else if (i->code == (BPF_RET | BPF_K))
				break;
			else if (i->code == (BPF_JMP | BPF_JA))
				pc += i->k;
			else
				pc += (i->code == (BPF_JMP | BPF_JEQ | BPF_K) ? a == i->k :
				       i->code == (BPF_JMP | BPF_JGE | BPF_K) ? a >= i->k : (a & i->k) != 0) ? i->jt : i->jf;
		}
	return steps + nrs;
}

static void report(const char *what, const char *const *names, double (*v)[MAXR], int nv, int rounds)
{
	static double d[MAXR];

	for (int i = 0; i < nv; i++) {
		for (int r = 0; r < rounds; r++)
			d[r] = v[i][r] - v[0][r];
		qsort(d, (size_t)rounds, sizeof *d, cmp_d);
		qsort(v[i], (size_t)rounds, sizeof *v[i], cmp_d);
		printf("%s  %-34s median %6.1f us (quartiles %.1f, %.1f); paired, less the first: %+.1f us\n", what,
		       names[i], v[i][rounds / 2], v[i][rounds / 4], v[i][3 * rounds / 4], d[rounds / 2]);
	}
}

int main(int argc, char **argv)
{
	static double v[4][MAXR];
	static struct sock_filter one[] = { { BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW } }, ja[BPF_MAXINSNS];
	const char *text = "{\"name\":\"t\",\"root\":{\"path\":\"/r\"},\"process\":{\"args\":[\"/a\"]}}";
	int rounds = argc > 1 ? atoi(argv[1]) : 2001, n;
	const struct sock_filter *f;
	struct cfg c;
	double t0;

	if (rounds < 1 || rounds > MAXR)
		return 2;
	if (cfg_parse(&c, "t.json", text, strlen(text)) < 0 || !c.proc.filter) {
		fprintf(stderr, "scload: %s\n", g_err);
		return 1;
	}
	f = c.proc.filter;
	n = c.proc.filter_len;
	for (int i = 0; i < n; i++)
		ja[i] = one[0];
	ja[0] = (struct sock_filter){ BPF_JMP | BPF_JA, 0, 0, (uint32_t)n - 2 };
	printf("the default program: %d instructions; the kernel's cache emulation steps through %d of them "
	       "for x86_64's 463 numbers and i386's 463 (a 1-instruction filter: 926)\n", n,
	       emulated(f, AUDIT_ARCH_X86_64, 463) + emulated(f, AUDIT_ARCH_I386, 463));
	{
		const struct sock_filter *fs[] = { one, f, ja };
		const int ns[] = { 1, n, n };
		const char *const names[] = { "1 instruction", "the default program", "as long, a JA to its end" };

		for (int r = 0; r < rounds; r++)
			for (int k = 0; k < 3; k++) {
				int j = r & 1 ? 2 - k : k;

				v[j][r] = run1(fs[j], ns[j], 0);
			}
		report("load", names, v, 3, rounds);
	}
	{
		const struct sock_filter *fs[] = { one, one, f };
		const int ns[] = { 0, 1, n };
		const char *const names[] = { "no filter", "1 instruction", "the default program" };

		for (int r = 0; r < rounds; r++)
			for (int k = 0; k < 3; k++) {
				int j = r & 1 ? 2 - k : k;

				v[j][r] = run1(fs[j], ns[j], 1);
			}
		report("life", names, v, 3, rounds);
	}
	for (int r = 0; r < rounds; r++) {
		const char *none = "{\"name\":\"t\",\"root\":{\"path\":\"/r\"},\"process\":{\"args\":[\"/a\"]},"
				   "\"seccomp\":\"none\"}";
		struct cfg b;

		t0 = now_us();
		if (cfg_parse(&b, "t.json", text, strlen(text)) < 0)
			return 1;
		v[0][r] = now_us() - t0;
		cfg_free(&b);
		t0 = now_us();
		if (cfg_parse(&b, "t.json", none, strlen(none)) < 0)
			return 1;
		v[1][r] = now_us() - t0;
		cfg_free(&b);
	}
	{
		const char *const names[] = { "cfg_parse, the default profile", "cfg_parse, \"seccomp\": \"none\"" };

		report("build", names, v, 2, rounds);
	}
	return 0;
}
