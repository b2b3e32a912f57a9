/* oldkernel — run a command as if the kernel lacked some system calls.
 *
 *   oldkernel NAME... -- COMMAND [ARG...]
 *
 * Installs a seccomp filter under which each named system call fails with
 * ENOSYS, as on a kernel that predates it, then execs COMMAND; the filter
 * is inherited by everything it starts.  nsrun's fallbacks for older
 * kernels (close_range, openat2, mount_setattr, clone3, statmount...) are
 * thus run on the build host's new kernel.  Names: the ones below, and
 * loop_configure: the loop device's LOOP_CONFIGURE ioctl (5.8) fails with
 * EINVAL, as a 5.7 kernel's loop driver says to a command it lacks;
 * newtime, newcgroup: unshare() and clone() with CLONE_NEWTIME (5.6) or
 * CLONE_NEWCGROUP (4.6) fail with EINVAL, as on a kernel without the time
 * namespace (copy_time_ns() of a kernel without CONFIG_TIME_NS, and
 * check_unshare_flags() before 5.6, say EINVAL) or before the cgroup one
 * (check_unshare_flags() before 4.6).  clone3() keeps its flags in memory,
 * where a seccomp filter cannot look: add clone3 to make it ENOSYS;
 * no_nftables: socket(AF_NETLINK, ..., NETLINK_NETFILTER) fails with
 * EPROTONOSUPPORT, as on a kernel built without nfnetlink (nf_tables).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* <linux/filter.h> and <linux/seccomp.h>, as far as used (a libc's own
 * headers are all a cross or musl compiler may have). */
struct sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};
#define BPF_STMT(code, k) { (uint16_t)(code), 0, 0, k }
#define BPF_JUMP(code, k, jt, jf) { (uint16_t)(code), jt, jf, k }
#define BPF_LD_W_ABS 0x20               /* BPF_LD | BPF_W | BPF_ABS */
#define LOOP_CONFIGURE 0x4C0A
#define CLONE_NEWTIME_ 0x00000080
#define CLONE_NEWCGROUP_ 0x02000000
/* struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6]: the low
 * halves of args[0] (unshare's and clone's flags) and args[1] (an ioctl's
 * command). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SECCOMP_DATA_ARG0_LO 20
#define SECCOMP_DATA_ARG1_LO 28
#else
#define SECCOMP_DATA_ARG0_LO 16
#define SECCOMP_DATA_ARG1_LO 24
#endif
/* socket(): args[0] (the family) and args[2] (the protocol), low halves */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SECCOMP_DATA_ARG2_LO 36
#else
#define SECCOMP_DATA_ARG2_LO 32
#endif
#define AF_NETLINK_ 16
#define NETLINK_NETFILTER_ 12
#define BPF_JEQ_K 0x15                  /* BPF_JMP | BPF_JEQ | BPF_K */
#define BPF_JSET_K 0x45                 /* BPF_JMP | BPF_JSET | BPF_K */
#define BPF_RET_K 0x06                  /* BPF_RET | BPF_K */
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_RET_ERRNO 0x00050000U
#define SECCOMP_RET_ALLOW 0x7fff0000U
#define SECCOMP_DATA_NR 0               /* offsetof(struct seccomp_data, nr) */

/* Syscalls newer than some libcs: the generic number, plus the ABI's base
 * on MIPS o32 (the arches nsrun's VM tiers boot). */
#if defined(__mips__)
#define NR(n) (4000 + (n))
#else
#define NR(n) (n)
#endif
#ifndef SYS_clone3
#define SYS_clone3 NR(435)
#endif
#ifndef SYS_close_range
#define SYS_close_range NR(436)
#endif
#ifndef SYS_openat2
#define SYS_openat2 NR(437)
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr NR(442)
#endif
#ifndef SYS_statmount
#define SYS_statmount NR(457)
#endif

/* The namespace flags a kernel may lack: unshare() or clone() with one of
 * them set -> EINVAL. */
static const struct {
	const char *name;
	uint32_t flag;
} nsflags[] = { { "newtime", CLONE_NEWTIME_ }, { "newcgroup", CLONE_NEWCGROUP_ } };
#define NSFLAGS_N (sizeof nsflags / sizeof nsflags[0])

static const struct {
	const char *name;
	long nr;
} calls[] = {
	{ "close_range", SYS_close_range }, { "openat2", SYS_openat2 }, { "mount_setattr", SYS_mount_setattr },
	{ "clone3", SYS_clone3 }, { "statmount", SYS_statmount }, { "statx", SYS_statx },
};

int main(int argc, char **argv)
{
	struct sock_filter prog[64];
	struct sock_fprog fp = { 0, prog };
	int n = 0, i = 1;

	for (int j = 1; j < argc && strcmp(argv[j], "--"); j++) {
		if (strcmp(argv[j], "no_nftables"))
			continue;
		/* socket(AF_NETLINK, *, NETLINK_NETFILTER) -> EPROTONOSUPPORT */
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_NR);
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, (uint32_t)SYS_socket, 0, 5);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_ARG0_LO);
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, AF_NETLINK_, 0, 3);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_ARG2_LO);
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, NETLINK_NETFILTER_, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET_K, SECCOMP_RET_ERRNO | EPROTONOSUPPORT);
		break;
	}
	for (int j = 1; j < argc && strcmp(argv[j], "--"); j++) {
		if (strcmp(argv[j], "loop_configure"))
			continue;
		/* ioctl(fd, LOOP_CONFIGURE, ...) -> EINVAL; anything else goes on */
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_NR);
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, (uint32_t)SYS_ioctl, 0, 3);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_ARG1_LO);
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, LOOP_CONFIGURE, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET_K, SECCOMP_RET_ERRNO | EINVAL);
		break;
	}
	for (int j = 1; j < argc && strcmp(argv[j], "--"); j++)
		for (size_t k = 0; k < NSFLAGS_N && n < 50; k++) {
			if (strcmp(argv[j], nsflags[k].name))
				continue;
			/* unshare or clone, and the flag in args[0] -> EINVAL */
			prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_NR);
			prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, (uint32_t)SYS_unshare, 1, 0);
			prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, (uint32_t)SYS_clone, 0, 3);
			prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_ARG0_LO);
			prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JSET_K, nsflags[k].flag, 0, 1);
			prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET_K, SECCOMP_RET_ERRNO | EINVAL);
		}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD_W_ABS, SECCOMP_DATA_NR);
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		size_t k = 0;

		if (!strcmp(argv[i], "loop_configure") || !strcmp(argv[i], "no_nftables"))
			continue;
		while (k < NSFLAGS_N && strcmp(nsflags[k].name, argv[i]))
			k++;
		if (k < NSFLAGS_N)
			continue;
		k = 0;

		while (k < sizeof calls / sizeof calls[0] && strcmp(calls[k].name, argv[i]))
			k++;
		if (k == sizeof calls / sizeof calls[0] || n > 60) {
			fprintf(stderr, "oldkernel: unknown system call %s\n", argv[i]);
			return 2;
		}
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JEQ_K, (uint32_t)calls[k].nr, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET_K, SECCOMP_RET_ERRNO | ENOSYS);
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: oldkernel NAME... -- COMMAND [ARG...]\n");
		return 2;
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET_K, SECCOMP_RET_ALLOW);
	fp.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) < 0) {
		perror("oldkernel: seccomp");
		return 2;
	}
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
