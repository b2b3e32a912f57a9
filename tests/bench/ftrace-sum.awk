# ftrace-sum.awk — summarise one container start traced with ftrace
# (raw_syscalls:sys_enter/sys_exit + sched_process_fork/exec/exit, event-fork),
# as tests/bench/run records it.  Lower overhead than strace (no ptrace
# stop per syscall), so the times are close to an untraced start.
#
#   awk -f ftrace-sum.awk UNISTD_64_H TRACE              per syscall: "name<TAB>count<TAB>µs"
#   awk -v stages=1 -f ftrace-sum.awk UNISTD_64_H TRACE  per stage:   "NN stage<TAB>µs"
#
# UNISTD_64_H (<asm/unistd_64.h>) names the syscall numbers.  The trace
# starts where the traced shell execs the runtime.  Syscalls that say little
# by name are refined: mount by its flags, ioctl by its request.  Stages run
# from one milestone to the next in time; a milestone a runtime does not
# have (the floor has no state file) is absent, and its time goes to the
# stage before.  Portable awk (Debian's default is mawk).

FNR == NR {
	if ($1 == "#define" && $2 ~ /^__NR_/) {
		name = $2
		sub(/^__NR_/, "", name)
		sysname[$3] = name
	}
	next
}

function hex(s,    v, i, c) {
	v = 0
	s = tolower(s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (c == 0)
			break
		v = v * 16 + c - 1
	}
	return v
}

function bit(v, b) { return int(v / b) % 2 == 1 }

function mflags(v,    s, i, n) {
	n = split("RDONLY:1 NOSUID:2 NODEV:4 NOEXEC:8 REMOUNT:32 BIND:4096 MOVE:8192 REC:16384 PRIVATE:262144 SLAVE:524288", f, " ")
	s = ""
	for (i = 1; i <= n; i++) {
		split(f[i], kv, ":")
		if (bit(v, kv[2] + 0))
			s = s (s == "" ? "" : "|") kv[1]
	}
	return s == "" ? "(no flags)" : s
}

function ioname(r) {
	if (r == 19330) return "LOOP_CTL_GET_FREE"
	if (r == 19466) return "LOOP_CONFIGURE"
	if (r == 19461) return "LOOP_GET_STATUS64"
	if (r == 19456) return "LOOP_SET_FD"
	if (r == 19460) return "LOOP_SET_STATUS64"
	if (r == 35091) return "SIOCGIFFLAGS"
	if (r == 35092) return "SIOCSIFFLAGS"
	if (r == 35123) return "SIOCGIFINDEX"
	return sprintf("0x%x", r)
}

function mark(name, ord, t) {
	if (!(name in when)) {
		when[name] = t
		order[name] = ord
	}
}

{
	if (!match($0, /-[0-9]+ +\[[0-9]+\]/))
		next
	p = substr($0, RSTART + 1, RLENGTH - 1)
	sub(/ .*/, "", p)
	if (!match($0, / [0-9]+\.[0-9]+: /))
		next
	t = substr($0, RSTART + 1, RLENGTH - 3) * 1e6    # µs
	ev = substr($0, RSTART + RLENGTH)
	if (ev ~ /^sched_process_exec:/) {
		if (top == "") {
			top = p
			t0 = t
			mark("exec, libc start (nsrun: + config read, parse, check)", 1, t)
		} else if (p != top && initpid != "" && app == "") {
			app = p
			mark("app: runs /bin/true", 16, t)
		}
		next
	}
	if (top == "")
		next
	last = t
	if (ev ~ /^sched_process_exit:/) {
		if (p == app)
			mark("init: reap the app, exit", 17, t)
		else if (p == initpid)
			mark("host: reap, teardown, exit", 18, t)
		next
	}
	if (ev ~ /^sys_enter:/) {
		split(ev, w, /[ (),]+/)        # sys_enter: NR n a0 a1 a2 a3 a4 a5
		nr = w[3] + 0
		enter_t[p] = t
		enter_nr[p] = nr
		a0 = hex(w[4]); a1 = hex(w[5]); a3 = hex(w[7])
		k = (nr in sysname) ? sysname[nr] : "nr" nr
		if (k == "mount")
			k = "mount " mflags(a3)
		else if (k == "ioctl")
			k = "ioctl " ioname(a1)
		else if (k == "clone" && bit(a0, 131072))
			k = "clone (namespaces)"
		key[p] = k
		# Milestones; their stages are sorted by time, so they hold whether a
		# runtime mounts before its clone (the floor, nsrun with a user
		# namespace) or in the container after it (nsrun).
		if (nr == 73 && p == top && ++flocks == 1)
			mark("state file + lock", 2, t)
		else if ((nr == 73 && p == top && flocks == 2) || (nr == 16 && a1 == 19330 && p == top))
			mark("image: lock, find or attach a loop device", 3, t)
		else if ((nr == 272 && bit(a0, 131072) && p == top) || (nr == 165 && bit(a3, 524288)))
			mark("mount namespace: nsrun's own, or the container's made a slave", 5, t)
		else if (nr == 165 && a3 == 6 && !("tmpfs" in seen)) {
			seen["tmpfs"] = 1
			mark("work tmpfs + directories", 6, t)
		} else if (nr == 165 && (a3 == 1 || a3 == 5))     # MS_RDONLY [| MS_NODEV]
			mark("squashfs mount, overlay directories", 7, t)
		else if (nr == 165 && (a3 == 0 || a3 == 4))     # [MS_NODEV]
			mark("overlay mount", 8, t)
		else if ((nr == 56 && bit(a0, 131072)) || nr == 435)
			mark("clone (nsrun: then the veth, go)", 4, t)
		else if (nr == 170) {
			initpid = p
			mark("container: hostname, proc, sysfs", 10, t)
		} else if (nr == 165 && a3 == 10 && initpid != "") {
			mark("container: /dev (tmpfs, nodes, pts, shm, mqueue)", 11, t)
			devfs = 1
		} else if (nr == 165 && a3 == 14 && devfs)        # mqueue
			mqueue = 1
		else if (nr == 437 && mqueue && !pivoted)       # the first openat2 after it
			mark("container: masked and read-only paths", 12, t)
		else if (nr == 155) {
			mark("container: pivot_root, old root, lo, signals", 13, t)
			pivoted = 1
		} else if (pivoted && p == initpid && (nr == 56 || nr == 57 || nr == 58))
			mark("init: fork; app: reset signals", 14, t)
		else if (pivoted && (nr == 436 || nr == 125))  # close_range, or capget without it
			mark("app: close_range, dumpable, capabilities, ids, umask, no_new_privs, execve", 15, t)
		next
	}
	if (ev ~ /^sys_exit:/ && (p in enter_t)) {
		n[key[p]]++
		us[key[p]] += t - enter_t[p]
		delete enter_t[p]
	}
}

END {
	if (stages) {
		mark("end", 99, last)
		m = 0
		for (s in when)
			names[++m] = s
		for (i = 2; i <= m; i++) {
			v = names[i]
			for (j = i - 1; j > 0 && when[names[j]] > when[v]; j--)
				names[j + 1] = names[j]
			names[j + 1] = v
		}
		for (i = 1; i < m; i++)
			printf "%02d %s\t%.0f\n", order[names[i]], names[i], when[names[i + 1]] - when[names[i]]
		printf "%02d %s\t%.0f\n", 98, "total (exec to exit)", last - t0
		exit
	}
	for (k in n)
		printf "%s\t%d\t%.0f\n", k, n[k], us[k]
}
