/* floor — the syscall floor of a container start, for tests/bench/run.
 *
 * Only the system calls a start needs, in nsrun's order, and nothing else:
 * no config, no checks beyond "did it fail", no undo, no state file, no
 * signal forwarding.  It is the physical limit nsrun is judged against.
 *
 *   floor [-i IMAGE | -w LOOPDEV | -d DIR] [-o] [-n] [-N BRIDGE] [-U] [-T]
 *         [-C] [-X PARTS] -m WORKDIR -- ARGV...
 *
 *   -i IMAGE   cold: attach IMAGE to a fresh loop device (read-only,
 *              autoclear) and mount it: a new squashfs superblock every start
 *   -w LOOPDEV warm: mount squashfs from LOOPDEV, a device that is already
 *              mounted elsewhere: the kernel hands back that superblock
 *   -d DIR     directory root: overlay lower = DIR (with -o), else a
 *              recursive bind made read-only (mount_setattr)
 *   -o         overlayfs over the root, upper and work on a 4 MiB tmpfs
 *   -n         a network namespace (lo up)
 *   -N BRIDGE  -n plus a veth pair: host end enslaved to BRIDGE and up, the
 *              peer created inside the container's namespace as eth0; there
 *              it is set up, gets 10.42.0.2/24 and a default route via
 *              10.42.0.1 (raw rtnetlink, one batch each side)
 *   -U         a user namespace, root mapped to 100000 (65536 ids)
 *   -T         a time namespace (offsets written before the clone)
 *   -C         do the image, tmpfs and overlay mounts in the cloned child
 *              instead of in a mount namespace of the parent (one namespace
 *              copy less; not with -U: squashfs cannot be mounted in a user
 *              namespace)
 *   -m WORKDIR a directory holding the empty directories l, t and r (made by
 *              the benchmark once: lower, tmpfs, root mount points)
 *   -X PARTS   leave out parts of nsrun's default hardening (issue 13), to
 *              measure what each costs; PARTS is letters of:
 *                m  the masked paths
 *                r  the read-only paths
 *                c  the app's capabilities: capget, the bounding-set drops,
 *                   capset
 *                p  the app's close_range and PR_SET_DUMPABLE
 *                n  nodev on the root's mounts (squashfs, overlay, the
 *                   directory root) and nosuid/nodev/noexec on a bound /sys
 *              -X mrcpn is the floor before issue 13 (no_new_privs and the
 *              umask were there already)
 *
 * The parent (in its own mount namespace, which makes its mounts vanish
 * with it) builds the root, clones the container with mnt/pid/uts/ipc (and
 * net, user), writes the id maps and creates the veth when asked, and waits.
 * The child sets the hostname, mounts /proc, a read-only /sys, a tmpfs /dev
 * with its nodes, devpts, shm and mqueue, pivots, and becomes an init that
 * forks ARGV, waits, and exits with its status.  /proc, /sys and /dev are
 * mounted as nsrun mounts them since it stopped trusting the image's paths
 * (issue 12): each opened inside the root (openat2, RESOLVE_IN_ROOT, no
 * symlink at the target) and mounted on through that fd.
 *
 * Issue 13's hardening, as nsrun's default start does it, same order:
 *   - after mqueue, before the pivot: the masked paths (/proc/acpi,
 *     /proc/asound, /proc/kcore, /proc/keys, /proc/latency_stats,
 *     /proc/timer_list, /proc/timer_stats, /proc/sched_debug, /proc/scsi,
 *     /sys/firmware), each opened inside the root (openat2, RESOLVE_IN_ROOT |
 *     RESOLVE_NO_MAGICLINKS, O_PATH), skipped when missing (ENOENT), fstat'd:
 *     a directory gets a read-only tmpfs (fchdir to it, mount on "."), a
 *     file /dev/null bound over it (through /proc/self/fd/N); then the
 *     read-only paths (/proc/bus, /proc/fs, /proc/irq, /proc/sys,
 *     /proc/sysrq-trigger), each opened the same way, bound onto itself
 *     (MS_BIND | MS_REC), opened again (the fd now leads into the new
 *     mount) and made read-only and nodev (mount_setattr, AT_RECURSIVE);
 *   - nodev on the squashfs, the overlay and the read-only directory root;
 *   - the app, before its execve: close_range(3, ~0U, CLOSE_RANGE_CLOEXEC),
 *     PR_SET_DUMPABLE 0, capget, PR_CAPBSET_DROP of every capability not in
 *     nsrun's default set up to the kernel's last (EINVAL ends it), capset
 *     (permitted = effective = the set, inheritable none), umask 022,
 *     PR_SET_NO_NEW_PRIVS.
 * Where nsrun makes a system call only to find or to check something the
 * floor does not need (nsrun opens the read-only path's cwd again inside
 * its mnt_attr()), the floor leaves it out: it is the limit, not a copy.
 *
 * tests/bench/run builds it static with musl (musl-gcc -static -Os -s, with
 * build.sh's kernel headers: -isystem build/kinc/x86_64).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/loop.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <linux/capability.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef LOOP_CONFIGURE
#define LOOP_CONFIGURE 0x4C0A
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#define CLOSE_RANGE_CLOEXEC_ (1U << 2)
#define M_RDONLY 0x1                    /* MOUNT_ATTR_*: the values of MS_* */
#define M_NX 0xe                        /* nosuid, nodev, noexec */
#define M_NODEV 0x4
struct m_attr {
	unsigned long long set, clr, prop, userns;
};

static const char *image, *loopdev, *dir, *bridge, *work;
static int overlay, net, user, timens, in_child;
static int no_mask, no_ro, no_caps, no_proc, no_nodev;     /* -X */
static unsigned long nodev;                                 /* MS_NODEV, or 0 with -X n */
static char **argv_app;
static int go[2] = { -1, -1 };

#define DIE(what) do { perror(what); _exit(125); } while (0)

static char *wpath(char *buf, const char *sub)
{
	snprintf(buf, 256, "%s/%s", work, sub);
	return buf;
}

/* ---- rtnetlink: one buffer, several requests, read the acks -------------- */
struct nlbuf {
	char b[1024];
	size_t len;
	int n;                                  /* requests in the buffer */
};

static struct nlmsghdr *nl_msg(struct nlbuf *nb, int type, int flags, const void *hdr, size_t hlen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(nb->b + nb->len);

	memset(h, 0, NLMSG_HDRLEN + NLMSG_ALIGN(hlen));
	h->nlmsg_type = (unsigned short)type;
	h->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	h->nlmsg_seq = (unsigned)++nb->n;
	h->nlmsg_len = (unsigned)(NLMSG_HDRLEN + hlen);
	memcpy(NLMSG_DATA(h), hdr, hlen);
	return h;
}

static struct rtattr *nl_attr(struct nlmsghdr *h, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nl_end(struct nlmsghdr *h, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)h + h->nlmsg_len - (char *)nest);
}

static void nl_done(struct nlbuf *nb, struct nlmsghdr *h)
{
	nb->len += NLMSG_ALIGN(h->nlmsg_len);
}

static void nl_send(struct nlbuf *nb, const char *what)
{
	char ack[4096];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), got = 0;

	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	if (fd < 0 || sendto(fd, nb->b, nb->len, 0, (struct sockaddr *)&k, sizeof k) < 0)
		DIE(what);
	while (got < nb->n) {
		ssize_t n = recv(fd, ack, sizeof ack, 0);

		if (n < 0)
			DIE(what);
		for (struct nlmsghdr *h = (struct nlmsghdr *)ack; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error) {
				errno = -e->error;
				DIE(what);
			}
			got++;
		}
	}
	close(fd);
}

/* Host side: the veth pair, host end on the bridge and up, peer "eth0" up
 * inside the container's network namespace: one RTM_NEWLINK. */
static void veth_create(pid_t child)
{
	struct nlbuf nb = { .len = 0 };
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct nlmsghdr *h;
	struct rtattr *li, *data, *peer;
	char name[IFNAMSIZ];
	unsigned br = if_nametoindex(bridge), pid = (unsigned)child;

	if (!br)
		DIE(bridge);
	snprintf(name, sizeof name, "vf%u", pid);
	h = nl_msg(&nb, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
	nl_attr(h, IFLA_IFNAME, name, strlen(name) + 1);
	nl_attr(h, IFLA_MASTER, &br, 4);
	li = nl_attr(h, IFLA_LINKINFO, NULL, 0);
	nl_attr(h, IFLA_INFO_KIND, "veth", 4);
	data = nl_attr(h, IFLA_INFO_DATA, NULL, 0);
	/* The peer cannot be set up here: veth_open() refuses (ENOTCONN)
	 * until the pair is linked.  The container sets it up. */
	peer = nl_attr(h, VETH_INFO_PEER, &(struct ifinfomsg){ .ifi_family = AF_UNSPEC }, sizeof ifi);
	nl_attr(h, IFLA_IFNAME, "eth0", 5);
	nl_attr(h, IFLA_NET_NS_PID, &pid, 4);
	nl_end(h, peer);
	nl_end(h, data);
	nl_end(h, li);
	nl_done(&nb, h);
	nl_send(&nb, "create veth");
}

/* Container side: lo and eth0 up, eth0's address, the default route. */
static void net_up(void)
{
	struct nlbuf nb = { .len = 0 };
	struct ifinfomsg lo = { .ifi_family = AF_UNSPEC, .ifi_index = 1, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct nlmsghdr *h;

	h = nl_msg(&nb, RTM_NEWLINK, 0, &lo, sizeof lo);
	nl_done(&nb, h);
	if (bridge) {
		unsigned idx = if_nametoindex("eth0");
		struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 24, .ifa_index = idx };
		struct rtmsg rt = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
				    .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
		struct in_addr a, gw;

		if (!idx)
			DIE("eth0");
		h = nl_msg(&nb, RTM_NEWLINK, 0, &(struct ifinfomsg){ .ifi_family = AF_UNSPEC, .ifi_index = (int)idx,
				.ifi_flags = IFF_UP, .ifi_change = IFF_UP }, sizeof(struct ifinfomsg));
		nl_done(&nb, h);
		inet_pton(AF_INET, "10.42.0.2", &a);
		inet_pton(AF_INET, "10.42.0.1", &gw);
		h = nl_msg(&nb, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
		nl_attr(h, IFA_LOCAL, &a, 4);
		nl_attr(h, IFA_ADDRESS, &a, 4);
		nl_done(&nb, h);
		h = nl_msg(&nb, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
		nl_attr(h, RTA_GATEWAY, &gw, 4);
		nl_attr(h, RTA_OIF, &idx, 4);
		nl_done(&nb, h);
	}
	nl_send(&nb, "net setup");
}

/* ---- the root ------------------------------------------------------------ */
static void loop_attach(char *dev)
{
	struct loop_config lc = { .info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR };
	int ffd = open(image, O_RDONLY | O_CLOEXEC), ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ffd < 0 || ctl < 0)
		DIE("open image / loop-control");
	lc.fd = (unsigned)ffd;
	for (;;) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), lfd;

		if (n < 0)
			DIE("LOOP_CTL_GET_FREE");
		snprintf(dev, 32, "/dev/loop%d", n);
		if ((lfd = open(dev, O_RDONLY | O_CLOEXEC)) < 0)
			DIE(dev);
		if (ioctl(lfd, LOOP_CONFIGURE, &lc) == 0) {
			/* The superblock holds the device from the mount on;
			 * autoclear frees it when that goes. */
			if (mount(dev, wpath((char[256]){ 0 }, "l"), "squashfs", MS_RDONLY | nodev, NULL) < 0)
				DIE("mount squashfs");
			close(lfd);
			break;
		}
		if (errno != EBUSY)
			DIE("LOOP_CONFIGURE");
		close(lfd);             /* another attacher won this one */
	}
	close(ctl);
	close(ffd);
}

static void root_build(void)
{
	char l[256], t[256], r[256], u[256], w[256], opts[800], dev[32];

	wpath(l, "l"), wpath(t, "t"), wpath(r, "r");
	if (!overlay) {
		struct m_attr a = { .set = M_RDONLY | nodev };
		int fd;

		if (mount(dir, r, NULL, MS_BIND | MS_REC, NULL) < 0 || (fd = open(r, O_PATH | O_CLOEXEC)) < 0 ||
		    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
			DIE("read-only bind of the root");
		close(fd);
		return;
	}
	/* nsrun's order: the tmpfs, the image, the overlay */
	if (mount("floor", t, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0711,size=4194304") < 0)
		DIE("mount tmpfs");
	wpath(u, "t/u"), wpath(w, "t/w");
	if (mkdir(u, 0755) < 0 || mkdir(w, 0700) < 0 || (user && chown(u, 100000, 100000) < 0))
		DIE("overlay directories");
	if (image)
		loop_attach(dev);
	else if (loopdev && mount(loopdev, l, "squashfs", MS_RDONLY | nodev, NULL) < 0)
		DIE("mount squashfs");
	snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", dir ? dir : l, u, w);
	if (mount("overlay", r, "overlay", nodev, opts) < 0)
		DIE("mount overlay");
}

/* ---- the container ------------------------------------------------------- */
static const struct { const char *name; unsigned maj, min; } nodes[] = {
	{ "dev/null", 1, 3 }, { "dev/zero", 1, 5 }, { "dev/full", 1, 7 },
	{ "dev/random", 1, 8 }, { "dev/urandom", 1, 9 }, { "dev/tty", 5, 0 },
};
static const char *const links[][2] = {
	{ "/proc/self/fd", "dev/fd" }, { "/proc/self/fd/0", "dev/stdin" },
	{ "/proc/self/fd/1", "dev/stdout" }, { "/proc/self/fd/2", "dev/stderr" },
	{ "pts/ptmx", "dev/ptmx" },
};

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
/* Mount on DIR of the root ROOT (an fd): resolved inside it, no symlink at
 * DIR, the mount made on what was resolved (cwd "."); back to the root. */
static int mount_in(int root, const char *dir, const char *src, const char *fs, unsigned long fl,
		    const char *data)
{
	struct { unsigned long long flags, mode, resolve; } how = {
		O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW, 0, 0x10 | 0x02 };
	int fd = (int)syscall(SYS_openat2, root, dir, &how, sizeof how), rc;

	if (fd < 0)
		return -1;
	rc = fchdir(fd) < 0 || mount(src, ".", fs, fl, data) < 0 ? -1 : 0;
	close(fd);
	return rc < 0 || fchdir(root) < 0 ? -1 : 0;
}

/* ---- issue 13: masked and read-only paths, the app's privileges ---------- */
static const char *const masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
};
static const char *const readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* PATH inside the root ROOT, O_PATH, no magic link on the way; -1 with
 * errno ENOENT: not there (not in this kernel's /proc). */
static int open_in(int root, const char *path)
{
	struct { unsigned long long flags, mode, resolve; } how = { O_PATH | O_CLOEXEC, 0, 0x10 | 0x02 };
	int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);

	if (fd < 0 && errno != ENOENT)
		DIE(path);
	return fd;
}

/* Where mount(2) reaches what FD holds: a directory as the cwd ".", a
 * file through /proc/self/fd/N (the host's /proc, until the pivot). */
static const char *fd_at(int fd, int isdir, char *buf)
{
	if (isdir) {
		if (fchdir(fd) < 0)
			DIE("fchdir");
		return ".";
	}
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static void harden_paths(int root)
{
	struct stat st;
	char p[32];
	const char *at;
	int fd;

	for (size_t i = 0; !no_mask && i < sizeof masked / sizeof masked[0]; i++) {
		if ((fd = open_in(root, masked[i])) < 0)
			continue;
		if (fstat(fd, &st) < 0)
			DIE(masked[i]);
		at = fd_at(fd, S_ISDIR(st.st_mode), p);
		if ((S_ISDIR(st.st_mode) ? mount("tmpfs", at, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555")
					 : mount("/dev/null", at, NULL, MS_BIND, NULL)) < 0)
			DIE(masked[i]);
		close(fd);
	}
	for (size_t i = 0; !no_ro && i < sizeof readonly / sizeof readonly[0]; i++) {
		struct m_attr a = { .set = M_RDONLY | M_NODEV };

		if ((fd = open_in(root, readonly[i])) < 0)
			continue;
		if (fstat(fd, &st) < 0)
			DIE(readonly[i]);
		at = fd_at(fd, S_ISDIR(st.st_mode), p);
		if (mount(at, at, NULL, MS_BIND | MS_REC, NULL) < 0)
			DIE(readonly[i]);
		close(fd);
		/* the new mount is on top: an fd opened before it leads under it */
		if ((fd = open_in(root, readonly[i])) < 0 ||
		    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
			DIE(readonly[i]);
		close(fd);
	}
}

/* nsrun's default capabilities: CHOWN DAC_OVERRIDE FOWNER FSETID KILL
 * SETGID SETUID SETPCAP NET_BIND_SERVICE SETFCAP */
#define CAPS_DEFAULT 0x800005fbULL

/* The app's side, before its execve: fds, dumpable, capabilities; then
 * nsrun's umask and no_new_privs (there before issue 13). */
static void harden_app(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (!no_proc && (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC_) < 0 ||
			 prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0))
		_exit(125);
	if (!no_caps) {
		if (syscall(SYS_capget, &h, d) < 0)
			_exit(125);
		for (int n = 0; n < 64; n++)
			if (!(CAPS_DEFAULT >> n & 1) && prctl(PR_CAPBSET_DROP, n, 0, 0, 0) < 0) {
				if (errno == EINVAL)
					break;  /* past the kernel's last capability */
				_exit(125);
			}
		d[0] = (struct __user_cap_data_struct){ (unsigned)CAPS_DEFAULT, (unsigned)CAPS_DEFAULT, 0 };
		d[1] = (struct __user_cap_data_struct){ (unsigned)(CAPS_DEFAULT >> 32), (unsigned)(CAPS_DEFAULT >> 32), 0 };
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(125);
	}
	umask(022);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(125);
}

__attribute__((noreturn)) static void child(void)
{
	char r[256], b;
	int st, rootfd;
	pid_t app;

	if (go[1] >= 0)
		close(go[1]);
	if (go[0] >= 0 && read(go[0], &b, 1) != 1)
		_exit(125);
	if (in_child) {
		if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			DIE("make / a slave");
		root_build();
	}
	/* In a user namespace we are still the host's uid 0, unmapped there:
	 * become the namespace's root before creating any file. */
	if (user && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		DIE("become root of the user namespace");
	if (sethostname("floor", 5) < 0)
		DIE("sethostname");
	wpath(r, "r");
	if (user && mount(r, r, NULL, MS_BIND, NULL) < 0)      /* unlock the copied root */
		DIE("bind the root onto itself");
	if (chdir(r) < 0 || (rootfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		DIE("chdir root");
	if (mount_in(rootfd, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		DIE("mount proc");
	if (net || !user) {
		if (mount_in(rootfd, "sys", "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			DIE("mount sysfs");
	} else {                /* a user namespace that owns no net namespace */
		struct m_attr a = { .set = M_RDONLY | (no_nodev ? 0 : M_NX) };
		int fd;

		if (mount("/sys", "sys", NULL, MS_BIND | MS_REC, NULL) < 0 || (fd = open("sys", O_PATH | O_CLOEXEC)) < 0 ||
		    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
			DIE("bind /sys");
		close(fd);
	}
	if (mount_in(rootfd, "dev", "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") < 0)
		DIE("mount /dev");
	umask(0);
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		if (!user) {
			if (mknod(nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
				DIE("mknod");
			continue;
		}
		char host[32];
		int fd = open(nodes[i].name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

		snprintf(host, sizeof host, "/%s", nodes[i].name);     /* the host's /dev/null ... */
		if (fd < 0 || close(fd) < 0 || mount(host, nodes[i].name, NULL, MS_BIND, NULL) < 0)
			DIE("bind a device node");
	}
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			DIE("symlink");
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 01777) < 0 || mkdir("dev/mqueue", 0755) < 0)
		DIE("mkdir /dev/*");
	if (mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") < 0)
		DIE("mount devpts");
	if (mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		DIE("mount shm");
	if (mount("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		DIE("mount mqueue");
	harden_paths(rootfd);
	if (fchdir(rootfd) < 0)
		DIE("fchdir root");
	if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		DIE("pivot_root");
	if (net)
		net_up();
	/* init: fork the app, wait for it, pass its status on */
	if ((app = fork()) < 0)
		DIE("fork");
	if (app == 0) {
		harden_app();
		execve(argv_app[0], argv_app, (char *[]){ "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL });
		_exit(127);
	}
	if (waitpid(app, &st, 0) < 0)
		DIE("waitpid");
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int main(int argc, char **argv)
{
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
	int opt, st;
	pid_t pid;

	while ((opt = getopt(argc, argv, "i:w:d:onN:UTCX:m:")) != -1) {
		switch (opt) {
		case 'i': image = optarg; break;
		case 'w': loopdev = optarg; break;
		case 'd': dir = optarg; break;
		case 'o': overlay = 1; break;
		case 'n': net = 1; break;
		case 'N': net = 1, bridge = optarg; break;
		case 'U': user = 1; break;
		case 'T': timens = 1; break;
		case 'C': in_child = 1; break;
		case 'X':
			no_mask = !!strchr(optarg, 'm'), no_ro = !!strchr(optarg, 'r'), no_caps = !!strchr(optarg, 'c');
			no_proc = !!strchr(optarg, 'p'), no_nodev = !!strchr(optarg, 'n');
			break;
		case 'm': work = optarg; break;
		default: return 2;
		}
	}
	if (optind >= argc || !work || !!image + !!loopdev + !!dir != 1 || (!overlay && !dir) || (in_child && user)) {
		fputs("usage: floor [-i IMAGE | -w LOOPDEV | -d DIR] [-o] [-n] [-N BRIDGE] [-U] [-T] [-C] [-X mrcpn] -m WORKDIR -- ARGV...\n"
		      "(an image needs -o)\n", stderr);
		return 2;
	}
	argv_app = argv + optind;
	nodev = no_nodev ? 0 : MS_NODEV;
	if (!in_child) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			DIE("mount namespace");
		root_build();
	}
	if (timens) {
		int fd;

		if (unshare(CLONE_NEWTIME) < 0 || (fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC)) < 0 ||
		    write(fd, "1 0 0\n7 0 0\n", 12) != 12)
			DIE("time namespace");
		close(fd);
	}
	flags |= (net ? CLONE_NEWNET : 0) | (user ? CLONE_NEWUSER : 0);
	if ((user || bridge) && pipe2(go, O_CLOEXEC) < 0)
		DIE("pipe");
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		DIE("clone");
	if (pid == 0)
		child();
	if (user) {
		char p[64];
		int fd;

		for (int i = 0; i < 2; i++) {
			snprintf(p, sizeof p, "/proc/%d/%s", (int)pid, i ? "gid_map" : "uid_map");
			if ((fd = open(p, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, "0 100000 65536\n", 15) != 15)
				DIE(p);
			close(fd);
		}
	}
	if (bridge)
		veth_create(pid);
	if (go[1] >= 0 && write(go[1], "g", 1) != 1)
		DIE("go");
	if (waitpid(pid, &st, 0) < 0)
		DIE("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
