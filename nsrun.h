/* nsrun — a container runtime for appliances.
 *
 * nsrun.h declares, in the order nsrun.c defines them: the feature table,
 * the setup steps (fault points), the limits, the config types and the
 * functions the unit tests and the fuzz target call.  Everything else in
 * nsrun.c is static.
 */
#ifndef NSRUN_H
#define NSRUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NSRUN_VERSION "0.1.0"

/* ==[ features ]==========================================================
 * The one list of compile-time features.  build.sh reads the rows (a row is
 * a `--without-<name>` flag), --version prints them (+name / -name), the
 * config schema refuses a key whose feature is out, and the README's
 * feature section is checked against them by the test suite.
 * Gate code with a plain `if (WITH_X)`: the dead path still compiles.
 * ====================================================================== */
/*  name      FLAG      what it gives                                      */
#define NSRUN_FEATURES(X)                                                   \
	X(squashfs, SQUASHFS, "squashfs images attached to loop devices")    \
	X(userns,   USERNS,   "user namespaces with uid_map and gid_map")    \
	X(timens,   TIMENS,   "time namespaces with monotonic/boottime offsets") \
	X(cgroup,   CGROUP,   "cgroup v2 limits and OOM reporting")         \
	X(net,      NET,      "veth/bridge networking over rtnetlink")      \
	X(seccomp,  SECCOMP,  "a default seccomp filter of syscalls (classic BPF)") \
	X(verity,   VERITY,   "dm-verity under the squashfs image (root.verity)") \
	X(nat,      NAT,      "masquerade and published ports over nf_tables netlink (needs net)") \
	X(oci,      OCI,      "the OCI runtime CLI (runc's verbs) for containerd and k3s")

#ifndef WITH_SQUASHFS
#define WITH_SQUASHFS 1
#endif
#ifndef WITH_USERNS
#define WITH_USERNS 1
#endif
#ifndef WITH_TIMENS
#define WITH_TIMENS 1
#endif
#ifndef WITH_CGROUP
#define WITH_CGROUP 1
#endif
#ifndef WITH_NET
#define WITH_NET 1
#endif
#ifndef WITH_SECCOMP
#define WITH_SECCOMP 1
#endif
#ifndef WITH_VERITY
#define WITH_VERITY 1
#endif
#ifndef WITH_NAT
#define WITH_NAT 1
#endif
#ifndef WITH_OCI
#define WITH_OCI 1
#endif
#if !WITH_NET                           /* nat writes rules for net's containers */
#undef WITH_NAT
#define WITH_NAT 0
#endif
#define X(name, FLAG, what) enum { feature_check_##name = WITH_##FLAG };
NSRUN_FEATURES(X)               /* a row without a default fails to compile */
#undef X
#define X(name, FLAG, what) FEAT_##name,
enum feature { FEAT_NONE, NSRUN_FEATURES(X) FEAT__COUNT };  /* FEAT_NONE: always there */
#undef X

/* ==[ setup steps ]=======================================================
 * Every step of a start that can fail, in the order a start runs them.
 * A `build.sh --with-faults` build (WITH_FAULTS=1) makes the step named by
 * $NSRUN_FAULT fail as if its syscall had returned EIO; `nsrun --fault-points`
 * lists them.  The test suite runs every one and checks the rollback.
 * ====================================================================== */
#define NSRUN_STEPS(X)                                                      \
	X(state_dir)      /* mkdir /run/nsrun */                             \
	X(state_lock)     /* open + flock NAME.pid */                        \
	X(state_write)    /* write our pid into it */                        \
	X(exec_sock)      /* bind NAME.sock, where init takes nsrun exec's requests */ \
	X(mount_ns)       /* nsrun's own mount namespace, or the container's made a slave */ \
	X(mount_work)     /* the work tmpfs over /run/nsrun, privately */    \
	X(loop_attach)    /* image -> /dev/loopN, read-only, autoclear */    \
	X(dm_create)      /* root.verity: DM_DEV_CREATE, opened, removal deferred */ \
	X(dm_key)         /* the signature as a user key in the thread keyring */ \
	X(dm_load)        /* DM_TABLE_LOAD of the verity target */           \
	X(dm_resume)      /* DM_DEV_SUSPEND: the table goes live */          \
	X(mount_image)    /* squashfs from the loop device */                \
	X(mount_rootdir)  /* bind a directory rootfs */                      \
	X(mount_overlay)  /* overlay: image + tmpfs upper */                 \
	X(cg_parent)      /* mkdir the parent cgroup */                      \
	X(cg_enable)      /* "+ctrl" into each cgroup.subtree_control */     \
	X(cg_create)      /* mkdir PARENT/NAME */                            \
	X(cg_limits)      /* write memory.max, pids.max, ... */              \
	X(net_files)      /* resolv.conf and hosts in the work tmpfs */      \
	X(time_ns)        /* unshare(CLONE_NEWTIME) */                       \
	X(time_offsets)   /* /proc/self/timens_offsets */                    \
	X(sync_pipe)      /* pipes between nsrun and the container */        \
	X(clone)          /* the container's first process */                \
	X(uid_map)        /* /proc/PID/uid_map */                            \
	X(gid_map)        /* /proc/PID/gid_map */                            \
	X(net_bridge)     /* create the bridge, when asked to */             \
	X(net_veth)       /* the pair, its peer inside the container */      \
	X(net_nat)        /* nf_tables: masquerade, published ports */       \
	X(net_alias)      /* mark the host end nsrun:NAME */                  \
	X(state_record)   /* the state file's record, after "go" */          \
	X(cg_join)        /* cgroup.procs, when clone3 cannot place it */    \
	X(child_creds)    /* become root of the user namespace */            \
	X(cgroup_ns)      /* unshare(CLONE_NEWCGROUP) inside its cgroup */   \
	X(hostname)       /* sethostname */                                  \
	X(mount_proc)                                                        \
	X(mount_sys)                                                         \
	X(mount_cgroup)   /* cgroup2 on /sys/fs/cgroup, read-only */         \
	X(mount_dev)      /* tmpfs /dev and its nodes */                     \
	X(mount_devpts)                                                      \
	X(mount_shm)                                                         \
	X(mount_mqueue)                                                      \
	X(mount_volumes)  /* config "mounts" */                              \
	X(sysctl)         /* the config's sysctls, under the new /proc/sys */ \
	X(mask_paths)     /* /dev/null or an empty read-only tmpfs over each */ \
	X(readonly_paths) /* each bound onto itself, read-only */           \
	X(pivot_root)                                                        \
	X(remount_ro)     /* read-only root when there is no overlay */      \
	X(lo_up)          /* loopback in a new net namespace */              \
	X(net_addr)       /* the container's addresses, its link up */       \
	X(net_route)      /* default routes */                               \
	X(init_signals)   /* signalfd of the container's PID 1 */           \
	X(app_fork)                                                          \
	X(console)        /* OCI process.terminal: the pty, its master sent */ \
	X(app_creds)      /* setgroups/setresgid/setresuid of the app */     \
	X(app_caps)       /* the bounding set, then capset */                \
	X(app_cwd)                                                           \
	X(app_seccomp)    /* the filter, last before the exec */

#define X(s) S_##s,
enum step { NSRUN_STEPS(X) S__COUNT };
#undef X

#ifndef WITH_FAULTS
#define WITH_FAULTS 0
#endif

/* ==[ limits ]============================================================ */
#define NSRUN_NAME_MAX    12            /* "ve-" + name fits IFNAMSIZ */
#define NSRUN_CONFIG_MAX  (64 * 1024)   /* a config larger than this is refused */
#define NSRUN_ARGS_MAX    256           /* process.args and process.env entries */
#define NSRUN_MOUNTS_MAX  32
#define NSRUN_EXECS       16            /* nsrun exec commands running at once, per container */
#define NSRUN_EXEC_REQ    32768         /* an exec request: its arguments (bytes) */
#define NSRUN_IDMAP_MAX   5             /* the kernel's limit before 4.15 */
#define NSRUN_PATH_MAX    1024
#define NSRUN_IO_MAX      16            /* cgroup.io_max entries (one write each) */
#define NSRUN_NET_ADDRS   8             /* addresses of the container, of the bridge */
#define NSRUN_DNS_MAX     3             /* resolv.conf's limit */
#define NSRUN_HOSTS_MAX   32
#define NSRUN_PORTS_MAX   12            /* net.ports: 4 rules each fit one batch */
#define NSRUN_SYSCTL_MAX  32
#define NSRUN_PATHS_MAX   32            /* masked_paths, readonly_paths */
#define NSRUN_RLIMITS     16            /* the RLIMIT_ names process.rlimits knows */
#define NSRUN_SYSCALLS_MAX 511          /* syscall names nsrun knows (all its arches) */

#ifndef NSRUN_RUNDIR
#define NSRUN_RUNDIR "/run/nsrun"
#endif

/* ==[ config ]============================================================
 * What the JSON config becomes.  Strings point into the parsed cJSON tree,
 * which lives as long as the run.
 * ====================================================================== */
enum ns_bit {                           /* order of the "namespaces" names */
	NS_PID    = 1 << 0,
	NS_MOUNT  = 1 << 1,
	NS_UTS    = 1 << 2,
	NS_IPC    = 1 << 3,
	NS_NET    = 1 << 4,
	NS_CGROUP = 1 << 5,
	/* 0 when compiled out: every `c->ns & NS_USER` is then a constant 0,
	 * and the compiler leaves the code it guards out of the binary. */
	NS_USER   = WITH_USERNS ? 1 << 6 : 0,
	NS_TIME   = WITH_TIMENS ? 1 << 7 : 0,
};

struct idmap {
	uint32_t inside, outside, count;
};

struct mount_cfg {
	enum { M_BIND, M_TMPFS } type;
	const char *source;             /* bind */
	const char *target;             /* inside the root; never has ".." */
	int readonly;
	uint64_t size;                  /* tmpfs; 0 = the kernel's default */
	unsigned mode;                  /* tmpfs; 01777 when not given */
	/* OCI's options (p_omount): MS_* flags added to nsrun's own (with
	 * MS_BIND, the bind is recursive only with MS_REC: "bind", "rbind"),
	 * the propagation set after the mount (MS_SHARED ... | MS_REC), and
	 * the "key=value" words, each after a ',': a tmpfs's data */
	unsigned flags, prop;
	char data[96];
};

/* The "cgroup" keys: each is the cgroup v2 file with '.' written as '_'.
 *   key              file               controller  kind (cfg_cg_value) */
#define NSRUN_CG_KEYS(X)                                              \
	X(memory_max,      "memory.max",      "memory", SIZE)        \
	X(memory_high,     "memory.high",     "memory", SIZE)        \
	X(memory_swap_max, "memory.swap.max", "memory", SIZE)        \
	X(pids_max,        "pids.max",        "pids",   COUNT)       \
	X(cpu_max,         "cpu.max",         "cpu",    CPUMAX)      \
	X(cpu_weight,      "cpu.weight",      "cpu",    WEIGHT)      \
	X(cpuset_cpus,     "cpuset.cpus",     "cpuset", CPUSET)      \
	X(cpuset_mems,     "cpuset.mems",     "cpuset", CPUSET)      \
	X(io_max,          "io.max",          "io",     IOMAX)       \
	X(io_weight,       "io.weight",       "io",     WEIGHT)
#define X(k, f, ctl, kind) + 1
enum { NSRUN_CG_NKEYS = 0 NSRUN_CG_KEYS(X) };
#undef X
/* Files written at start: one a key, io_max one an entry. */
#define NSRUN_CG_WRITES (NSRUN_CG_NKEYS - 1 + NSRUN_IO_MAX)

/* One write into the container's cgroup: FILE gets VALUE.  NODE is the
 * config value it came from, for errors found at start (file:line:col). */
struct cg_write {
	const char *key;                /* config key, e.g. "memory_max" */
	const char *file;               /* e.g. "memory.max" */
	const char *ctrl;               /* controller it needs, e.g. "memory" */
	const char *value;              /* points into num, or into the config */
	char num[64];
	const void *node;
};

struct net_addr {
	int family;                     /* AF_INET, AF_INET6 */
	unsigned prefix;
	unsigned char a[16];
	const char *text;               /* as written, prefix included */
};

struct net_port {                       /* one of net.ports */
	unsigned short host, container;
	unsigned char proto;            /* IPPROTO_TCP, IPPROTO_UDP */
	struct net_addr addr;           /* host_address; family 0: every address */
};

struct net_cfg {                        /* "net" */
	int on;                         /* the section is present */
	const char *bridge;
	const char *host_if;            /* default "ve-NAME" */
	const char *container_if;       /* default "eth0" */
	struct net_addr bridge_addr[NSRUN_NET_ADDRS], addr[NSRUN_NET_ADDRS];
	int n_bridge_addr, n_addr;
	struct net_addr gw, gw6;        /* family 0: none */
	unsigned mtu;                   /* 0: the kernel's */
	unsigned char mac[6];
	int has_mac;
	struct net_addr dns[NSRUN_DNS_MAX];
	int n_dns;
	const char *host_name[NSRUN_HOSTS_MAX];
	struct net_addr host_addr[NSRUN_HOSTS_MAX];
	int n_hosts;
	int masquerade, ip_forward;
	struct net_port port[NSRUN_PORTS_MAX];
	int n_ports;
	char host_if_buf[16];
};

struct verity_cfg {                     /* "root.verity" */
	int on;                         /* the object is present */
	const char *root_hash;          /* hex, as written */
	const char *alg;                /* "sha256" (default) or "sha512" */
	uint64_t hash_offset;           /* the tree appended to the image here; 0: hash_image */
	const char *hash_image;         /* the tree in this file */
	const char *signature;          /* PKCS#7 of the root hash, or NULL */
	const void *node;               /* the "verity" object, for errors found at start */
};

struct root_cfg {                       /* "root" */
	const char *image;              /* exactly one of image and path */
	const char *path;
	uint64_t overlay;               /* bytes of the tmpfs upper; 0 = read-only root */
	int rw;                         /* oci root.readonly false: a directory root stays writable */
	struct verity_cfg verity;
};

/* One of process.rlimits: which (its row in nsrun.c's rlim_names), soft and
 * hard (RLIM_INFINITY: "unlimited"). */
struct rlim_cfg {
	int which;
	uint64_t soft, hard;
};

#define NSRUN_GROUPS_MAX 16

struct proc_cfg {                       /* "process" */
	const char *args[NSRUN_ARGS_MAX + 1];
	const char *env[NSRUN_ARGS_MAX + 1];
	const char *cwd;
	uid_t uid;
	gid_t gid;
	int no_new_privs;               /* default 1 */
	int terminal;                   /* OCI process.terminal: a pty (9b. oci: oci_tty) */
	unsigned umask;                 /* default 022 */
	int has_oom;                    /* oom_score_adj given */
	int64_t oom_score_adj;
	struct rlim_cfg rlim[NSRUN_RLIMITS];
	int n_rlim;
	uint64_t caps;                  /* bit N: capability N; default NSRUN_CAPS_DEFAULT */
	uint64_t icaps, acaps;          /* OCI: the inheritable and ambient sets (within caps) */
	uint32_t groups[NSRUN_GROUPS_MAX]; /* OCI: process.user.additionalGids */
	int n_groups;
	struct {                        /* the seccomp program, laid out as struct sock_fprog: */
		unsigned short filter_len;      /* its instructions */
		const void *filter;             /* (struct sock_filter), or NULL */
	};
	int wait_all;                   /* process.wait "all": init waits for every process */
};

/* CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID
 * CAP_SETUID CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SETFCAP */
#define NSRUN_CAPS_DEFAULT 0x800005fbULL

/* A list of paths inside the container (masked_paths, readonly_paths):
 * the config's, or when it has none the default list. */
struct path_list {
	const char *const *path;
	int n;
	const char *given[NSRUN_PATHS_MAX];
};

struct sysctl_cfg {                     /* "sysctl" */
	const char *name[NSRUN_SYSCTL_MAX], *value[NSRUN_SYSCTL_MAX];
	const void *node[NSRUN_SYSCTL_MAX];     /* the value, for a refusal at start */
	int n;
};

struct userns_cfg {                     /* "uid_map", "gid_map" */
	struct idmap uid_map[NSRUN_IDMAP_MAX], gid_map[NSRUN_IDMAP_MAX];
	int n_uid_map, n_gid_map;
};

enum seccomp_mode { SCM_DEFAULT, SCM_NONE, SCM_DENY, SCM_ALLOW, SCM_OCI };

struct seccomp_cfg {                    /* "seccomp" */
	enum seccomp_mode mode;
	int64_t err;                    /* the errno of a refused call; default EPERM */
	uint64_t bits[NSRUN_SYSCALLS_MAX / 64 + 1];     /* rows of nsrun.c's syscall table, "@default": SC_IN, SC_ADD */
	/* SCM_OCI (linux.seccomp): each number's action, the default's, the
	 * personality values allowed (bits: 0, 8, 0xffffffff), clone's and
	 * unshare's flags mask (their A_NEWUSER check; 0: CLONE_NEWUSER) */
	unsigned char by_nr[512], dflt, pers;
	uint32_t mask;
};

struct time_cfg {                       /* "time_offsets" */
	int64_t monotonic, boottime;
};

struct cg_cfg {                         /* "cgroup" */
	int on;                         /* the section is present */
	const char *parent;             /* NULL: "nsrun" under the cgroup2 mount */
	const void *node;               /* the "cgroup" object */
	const char *memory_max;         /* as written in the config, for the OOM line */
	struct cg_write w[NSRUN_CG_WRITES];
	int n;
};

/* What only an OCI config.json has (the oci rows of nsrun.c fill it). */
enum { OCI_PRESTART, OCI_CREATE_RUNTIME, OCI_CREATE_CONTAINER, OCI_START_CONTAINER, OCI_POSTSTART,
       OCI_POSTSTOP, OCI_HOOKS };
struct oci_mount {                      /* one of mounts[] or hooks.X[], as written */
	const char *dest, *type, *src;  /* (a hook's path: dest) */
	const char *opt[NSRUN_ARGS_MAX + 1];    /* the options; a hook's args */
	const char *env[NSRUN_ARGS_MAX + 1];    /* a hook's env */
	uint32_t timeout;               /* a hook's timeout (s); ~0: none */
};
struct oci_dev {                        /* one of linux.devices[], made by the container */
	const char *path, *type;
	uint32_t major, minor, mode, uid, gid;
};
#define NSRUN_DEVS_MAX 16
struct oci_cfg {
	const void *hooks[OCI_HOOKS];   /* each an array of {path, args, env, timeout} (cJSON) */
	const char *annot;              /* the annotations object's text ("{}": none) */
	int alen;                       /* its length */
	const char *cgroups_path;
	const char *ns_path[8];         /* a namespace joined, by its enum ns_bit's bit number */
	const void *cpu;                /* linux.resources.cpu or .memory (cJSON): quota's period, swap's limit */
	unsigned rprop;                 /* linux.rootfsPropagation: MS_SHARED ... MS_UNBINDABLE, 0: none */
	unsigned char std_fl[24];       /* flags mounts[] ask of nsrun's standard rows beyond theirs, by row */
	struct oci_dev dev[NSRUN_DEVS_MAX];
	int n_dev;
	struct oci_mount m;             /* the mount being read */
};

struct cfg {
	const char *file;               /* as given on the command line */
	const char *name;
	const char *hostname;           /* NULL: no uts namespace */
	unsigned ns;                    /* enum ns_bit */
	int64_t stop_timeout;           /* seconds `nsrun stop` waits before SIGKILL; default 10 */
	struct root_cfg root;
	struct proc_cfg proc;
	struct userns_cfg userns;
	struct time_cfg time;
	struct mount_cfg mounts[NSRUN_MOUNTS_MAX + 2];  /* + net's resolv.conf and hosts */
	int n_mounts;
	struct cg_cfg cg;
	struct net_cfg net;
	struct sysctl_cfg sysctl;
	struct path_list masked, readonly;
	struct seccomp_cfg sc;
	struct oci_cfg oci;
	void *json;                     /* the cJSON tree; freed by cfg_free */
	char *text;                     /* the config's text, for errors found at start */
};

/* ==[ entry points used by tests/unit.c and tests/fuzz.c ]================ */
void err_reset(void);
int parse_size(const char *s, uint64_t *out);
int valid_name(const char *s);
int exit_code(int wstatus);
int cfg_parse(struct cfg *c, const char *file, const char *text, size_t len);
void cfg_free(struct cfg *c);

#endif
