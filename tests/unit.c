/* Unit tests: the pure parts of nsrun.c, no root needed.  Built by tests/run
 * with -fsanitize=address,undefined.  nsrun.c is included whole (its main is
 * renamed), so every static function is reachable.
 * Prints one line per check: "PASS unit: NAME" or "FAIL unit: NAME: WHY". */
#define NSRUN_UNIT 1
#include "../nsrun.c"
#undef main

static int n_fail;

static void count_cb(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	++*(int *)arg;
}

__attribute__((format(printf, 3, 4)))
static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS unit: %s\n", name);
		return;
	}
	n_fail++;
	printf("FAIL unit: %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void test_sizes(void)
{
	static const struct { const char *s; int ok; uint64_t v; } t[] = {
		{ "0", 1, 0 }, { "1048576", 1, 1048576 }, { "8M", 1, 8 << 20 }, { "64k", 1, 65536 },
		{ "1G", 1, 1ULL << 30 }, { "4K", 1, 4096 }, { "18446744073709551615", 1, UINT64_MAX },
		{ "17179869183G", 1, 17179869183ULL << 30 },
		{ "64MB", 0, 0 }, { "-1", 0, 0 }, { "", 0, 0 }, { "M", 0, 0 }, { "1.5M", 0, 0 },
		{ " 1M", 0, 0 }, { "1M ", 0, 0 }, { "18446744073709551616", 0, 0 },
		{ "17179869184G", 0, 0 }, { "1T", 0, 0 }, { "0x10", 0, 0 },
	};
	char name[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint64_t v = 12345;
		int rc = parse_size(t[i].s, &v);

		snprintf(name, sizeof name, "parse_size \"%s\"", t[i].s);
		check(t[i].ok ? rc == 0 && v == t[i].v : rc < 0, name, "rc=%d v=%llu", rc, (unsigned long long)v);
	}
}

static void test_names(void)
{
	static const struct { const char *s; int ok; } t[] = {
		{ "web", 1 }, { "a", 1 }, { "0day", 1 }, { "abcdefghijkl", 1 }, { "a_b-c", 1 },
		{ "", 0 }, { "abcdefghijklm", 0 }, { "-web", 0 }, { "_web", 0 }, { "Web", 0 },
		{ "we b", 0 }, { "web.1", 0 }, { "we/b", 0 }, { "..", 0 },
	};
	char name[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(name, sizeof name, "valid_name \"%s\"", t[i].s);
		check(valid_name(t[i].s) == t[i].ok, name, "got %d", !t[i].ok);
	}
}

/* Real wait statuses: children that exit N, and children killed by N. */
static void test_exit_codes(void)
{
	int bad = 0, st;

	for (int code = 0; code < 256; code++) {
		pid_t p = fork();

		if (p == 0)
			_exit(code);
		waitpid(p, &st, 0);
		if (exit_code(st) != code) {
			check(0, "exit_code exits 0..255", "exit %d mapped to %d", code, exit_code(st));
			bad = 1;
			break;
		}
	}
	if (!bad)
		check(1, "exit_code exits 0..255", " ");
	bad = 0;
	for (int sig = 1; sig < NSIG; sig++) {
		pid_t p;

		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGCONT ||
		    sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || (sig >= 32 && sig < SIGRTMIN))
			continue;       /* stop, continue, ignored by default, or libc-reserved */
		if ((p = fork()) == 0) {
			signal(sig, SIG_DFL);
			if (kill(getpid(), sig) < 0)
				_exit(99);      /* qemu-user cannot raise some target signals */
			pause();
			_exit(0);
		}
		waitpid(p, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 99) {
			printf("note: signal %d cannot be raised here (qemu-user keeps it)\n", sig);
			continue;
		}
		if (exit_code(st) != 128 + sig) {
			check(0, "exit_code signals", "signal %d mapped to %d", sig, exit_code(st));
			bad = 1;
		}
	}
	if (!bad)
		check(1, "exit_code every fatal signal -> 128+N", " ");
}

/* Config fixtures -> the exact error line (or none). */
static const struct fixture {
	const char *name;
	const char *json;
	const char *err;        /* NULL: valid */
} fixtures[] = {
	{ "verity appended valid",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  NULL },
	{ "verity own file, sha512, signature valid",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc23088116250E995AE30F4AE8DC66ABC9BD1F7EF9B4BC4C11E2C1A95C3EC8C3FC2308811\",\"algorithm\":\"sha512\",\"hash_image\":\"/x.hash\",\"signature\":\"/x.sig\"}},\"process\":{\"args\":[\"/a\"]}}",
	  NULL },
	{ "verity root_hash missing",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:50: root.verity.root_hash: missing (the \"Root hash:\" of veritysetup format)" },
	{ "verity root_hash not hex",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"g250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:63: root.verity.root_hash: expected hex digits (the \"Root hash:\" of veritysetup format), got \"g250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c1...\"" },
	{ "verity root_hash a number",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":12,\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:63: root.verity.root_hash: expected a string, got a number" },
	{ "verity root_hash short",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc230881\",\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:63: root.verity.root_hash: expected 64 hex digits (sha256), got 63" },
	{ "verity root_hash sha256 length with sha512",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"algorithm\":\"sha512\",\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:63: root.verity.root_hash: expected 128 hex digits (sha512), got 64" },
	{ "verity algorithm unknown",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"algorithm\":\"md5\",\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:142: root.verity.algorithm: expected \"sha256\" or \"sha512\", got \"md5\"" },
	{ "verity hash_offset not a multiple of 4096",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4097}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:144: root.verity.hash_offset: expected a multiple of 4096, at least 4096 (the image's size before veritysetup format)" },
	{ "verity hash_offset 0",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":0}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:144: root.verity.hash_offset: expected a multiple of 4096, at least 4096 (the image's size before veritysetup format)" },
	{ "verity hash_offset a string",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":\"4096\"}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:144: root.verity.hash_offset: expected an integer, got a string" },
	{ "verity hash_offset negative",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":-4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:144: root.verity.hash_offset: expected a multiple of 4096, at least 4096 (the image's size before veritysetup format)" },
	{ "verity hash_offset fraction",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096.5}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:144: root.verity.hash_offset: expected a multiple of 4096, at least 4096 (the image's size before veritysetup format)" },
	{ "verity neither offset nor file",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\"}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:50: root.verity: give exactly one of \"hash_offset\" (the tree appended to the image) and \"hash_image\" (the tree in its own file)" },
	{ "verity both offset and file",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096,\"hash_image\":\"/h\"}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:149: root.verity.hash_image: give exactly one of \"hash_offset\" (the tree appended to the image) and \"hash_image\" (the tree in its own file)" },
	{ "verity hash_image empty",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_image\":\"\"}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:143: root.verity.hash_image: expected a non-empty string" },
	{ "verity signature empty",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096,\"signature\":\"\"}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:161: root.verity.signature: expected a non-empty string" },
	{ "verity signature not a string",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096,\"signature\":true}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:161: root.verity.signature: expected a string, got a boolean" },
	{ "verity unknown key",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_ofset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:130: root.verity.hash_ofset: unknown key; did you mean \"hash_offset\"?" },
	{ "verity duplicate key",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096,\"hash_offset\":8192}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:149: root.verity.hash_offset: duplicate key" },
	{ "verity not an object",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\",\"verity\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:50: root.verity: expected an object, got a string" },
	{ "verity with root.path",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/r\",\"verity\":{\"root_hash\":\"6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811\",\"hash_offset\":4096}},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:35: root.verity: only with \"image\": a directory root cannot be verified" },
	{ "nat port 0",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":0,\"container\":80}]}}", "w.json:1:137: net.ports[0].host: expected an integer from 1 to 65535" },
	{ "nat port 65536",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":65536,\"container\":80}]}}", "w.json:1:137: net.ports[0].host: expected an integer from 1 to 65535" },
	{ "nat port not an integer",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":80,\"container\":1.5}]}}", "w.json:1:152: net.ports[0].container: expected an integer from 1 to 65535" },
	{ "nat proto sctp",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":80,\"container\":80,\"proto\":\"sctp\"}]}}", "w.json:1:163: net.ports[0].proto: expected \"tcp\" or \"udp\", got \"sctp\"" },
	{ "nat host_address not an address",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":80,\"container\":80,\"host_address\":\"nope\"}]}}", "w.json:1:170: net.ports[0].host_address: expected an IPv4 or IPv6 address, got \"nope\"" },
	{ "nat port twice (one on every address)",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":80,\"container\":80},{\"host\":80,\"container\":81,\"host_address\":\"10.0.0.1\"}]}}", "w.json:1:156: net.ports[1]: tcp port 80 is already published by net.ports[0]" },
	{ "nat tcp and udp on one number",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":80,\"container\":80,\"proto\":\"udp\"},{\"host\":80,\"container\":80}]}}", NULL },
	{ "nat two families' host addresses",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":80,\"container\":80,\"host_address\":\"fd00::1\"},{\"host\":80,\"container\":80,\"host_address\":\"10.0.0.1\"}]}}", NULL },
	{ "nat host port missing",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"container\":80}]}}", "w.json:1:129: net.ports[0].host: missing (the host port, 1-65535)" },
	{ "nat unknown key in a port",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"ports\":[{\"host\":80,\"container\":80,\"hots\":1}]}}", "w.json:1:155: net.ports[0].hots: unknown key; did you mean \"host\"?" },
	{ "nat masquerade not a boolean",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"fd00::2/64\"],"
	  "\"masquerade\":1}}", "w.json:1:133: net.masquerade: expected true or false, got a number" },
	{ "nat no address of the family",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\","
	  "\"address\":\"fd00::2/64\",\"ports\":[{\"host\":80,\"container\":80,\"host_address\":\"10.0.0.1\"}]}}",
	  "w.json:1:113: net.ports[0]: the container has no IPv4 address to publish it at (net.address)" },
	{ "nat mtu 0 (below the range)",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"mtu\":0}}",
	  "w.json:1:87: net.mtu: expected an integer from 68 to 65535" },
	{ "minimal valid",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\"},\"process\":{\"args\":[\"/bin/true\"]}}", NULL },
	{ "issue example valid",
	  "{\n  \"name\": \"web\",\n  \"hostname\": \"web\",\n"
	  "  \"root\": { \"image\": \"/usr/lib/nsrun/web.sqfs\", \"overlay\": \"8M\" },\n"
	  "  \"process\": {\n    \"args\": [\"/bin/httpd\", \"-f\", \"-p\", \"8080\"],\n"
	  "    \"env\": [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\", \"TZ=UTC\"],\n    \"cwd\": \"/\",\n"
	  "    \"user\": \"1000:1000\"\n  },\n"
	  "  \"namespaces\": [\"pid\", \"mount\", \"uts\", \"ipc\", \"net\", \"cgroup\", \"user\", \"time\"],\n"
	  "  \"uid_map\": [[0, 100000, 65536]],\n  \"gid_map\": [[0, 100000, 65536]],\n"
	  "  \"time_offsets\": { \"monotonic\": 86400, \"boottime\": 86400 },\n"
	  "  \"mounts\": [\n    { \"type\": \"bind\", \"source\": \"/srv/web\", \"target\": \"/data\", \"readonly\": true },\n"
	  "    { \"type\": \"tmpfs\", \"target\": \"/tmp\", \"size\": \"4M\" }\n  ]\n}\n", NULL },
	{ "overlay lots",
	  "{\n  \"name\": \"web\",\n  \"root\": {\n    \"image\": \"/x\",\n    \"overlay\": \"lots\"\n  },\n"
	  "  \"process\": {\"args\": [\"/a\"]}\n}",
	  "w.json:5:16: root.overlay: expected a size like \"8M\" (K, M, G: powers of 1024) or false, got \"lots\"" },
	{ "overlay true",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlay\":true},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:46: root.overlay: expected a size like \"8M\" (K, M, G: powers of 1024) or false, got true" },
	{ "overlay 64MB",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlay\":\"64MB\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:46: root.overlay: expected a size like \"8M\" (K, M, G: powers of 1024) or false, got \"64MB\"" },
	{ "overlay 0",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlay\":0},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:46: root.overlay: expected a size like \"8M\" (K, M, G: powers of 1024) or false, got 0" },
	{ "unknown key suggests",
	  "{\"name\":\"web\",\"hostnme\":\"x\",\"root\":{\"image\":\"/x\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:15: hostnme: unknown key; did you mean \"hostname\"?" },
	{ "unknown key nested",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlai\":\"8M\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:36: root.overlai: unknown key; did you mean \"overlay\"?" },
	{ "unknown key far",
	  "{\"name\":\"web\",\"zzzzzz\":1,\"root\":{\"image\":\"/x\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:15: zzzzzz: unknown key" },
	{ "duplicate key",
	  "{\"name\":\"web\",\n\"name\":\"db\",\"root\":{\"image\":\"/x\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:2:1: name: duplicate key" },
	{ "missing name",
	  "  {\"root\":{\"image\":\"/x\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:3: name: missing (1-12 characters of [a-z0-9_-])" },
	{ "bad name",
	  "{\"name\":\"Web!\",\"root\":{\"image\":\"/x\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:9: name: expected 1-12 characters of [a-z0-9_-] starting with a letter or digit, got \"Web!\"" },
	{ "name too long",
	  "{\"name\":\"abcdefghijklm\",\"root\":{\"image\":\"/x\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:9: name: expected 1-12 characters of [a-z0-9_-] starting with a letter or digit, got \"abcdefghijklm\"" },
	{ "missing root",
	  "{\"name\":\"web\",\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:1: root: missing (an object with \"image\" or \"path\")" },
	{ "root both",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"path\":\"/y\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:36: root.path: give exactly one of \"image\" and \"path\"" },
	{ "root neither",
	  "{\"name\":\"web\",\"root\":{},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:22: root: missing \"image\" (a squashfs file) or \"path\" (a directory)" },
	{ "args empty",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[]}}",
	  "w.json:1:53: process.args: expected a non-empty array whose first entry names the program" },
	{ "args not strings",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\",3]}}",
	  "w.json:1:59: process.args[1]: expected a string, got a number" },
	{ "env without =",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"env\":[\"PATH\"]}}",
	  "w.json:1:67: process.env[0]: expected \"NAME=value\", got \"PATH\"" },
	{ "user bad",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"user\":\"www\"}}",
	  "w.json:1:67: process.user: expected \"UID:GID\" (numbers), got \"www\"" },
	{ "cwd relative",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"cwd\":\"srv\"}}",
	  "w.json:1:66: process.cwd: expected an absolute path, got \"srv\"" },
	{ "namespaces without mount",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"pid\"]}",
	  "w.json:1:74: namespaces: \"mount\" is required" },
	{ "namespaces unknown",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"nett\"]}",
	  "w.json:1:83: namespaces[1]: unknown namespace \"nett\" (expected pid mount uts ipc net cgroup user time)" },
	{ "namespaces twice",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"mount\"]}",
	  "w.json:1:83: namespaces[1]: \"mount\" is listed twice" },
	{ "hostname without uts",
	  "{\"name\":\"web\",\"hostname\":\"h\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\"]}",
	  "w.json:1:15: hostname: needs the \"uts\" namespace" },
	{ "uid_map without user",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"uid_map\":[[0,1,1]]}",
	  "w.json:1:61: uid_map: needs the \"user\" namespace" },
	{ "user without maps",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"user\"]}",
	  "w.json:1:1: uid_map: missing (required with the \"user\" namespace)" },
	{ "uid_map bad triple",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"user\"],"
	  "\"uid_map\":[[0,1]],\"gid_map\":[[0,1,1]]}",
	  "w.json:1:102: uid_map[0]: expected [inside, outside, count]" },
	{ "uid_map overflow",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"user\"],"
	  "\"uid_map\":[[0,4294967295,2]],\"gid_map\":[[0,1,1]]}",
	  "w.json:1:102: uid_map[0]: range runs past 4294967295" },
	{ "time_offsets without time",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"time_offsets\":{\"monotonic\":1}}",
	  "w.json:1:61: time_offsets: needs the \"time\" namespace" },
	{ "time offset fraction",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"time\"],"
	  "\"time_offsets\":{\"monotonic\":1.5}}",
	  "w.json:1:119: time_offsets.monotonic: expected an integer from -315576000 to 315576000" },
	{ "mount dotdot",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"/tmp/../etc\"}]}",
	  "w.json:1:96: mounts[0].target: a \"..\" component is not allowed: \"/tmp/../etc\"" },
	{ "mount type bad",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"nfs\",\"target\":\"/x\"}]}",
	  "w.json:1:79: mounts[0].type: expected \"bind\" or \"tmpfs\", got \"nfs\"" },
	{ "mount missing source",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"/t\"},{\"type\":\"bind\",\"target\":\"/x\"}]}",
	  "w.json:1:102: mounts[1].source: missing (a path on the host)" },
	{ "bind source in nsrun's own directory",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"bind\",\"source\":\"/run//nsrun/./x\",\"target\":\"/x\"}]}",
	  "w.json:1:95: mounts[0].source: expected a path outside /run/nsrun (nsrun's own directory), got \"/run//nsrun/./x\"" },
	{ "bind sources beside nsrun's own directory valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"bind\",\"source\":\"/run/nsrunx\",\"target\":\"/x\"},"
	  "{\"type\":\"bind\",\"source\":\"/run\",\"target\":\"/y\"}]}", NULL },
	{ "root path in nsrun's own directory",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/run/nsrun\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:30: root.path: expected a path outside /run/nsrun (nsrun's own directory), got \"/run/nsrun\"" },
	{ "mount bind key on tmpfs",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"/t\",\"readonly\":true}]}",
	  "w.json:1:101: mounts[0].readonly: unknown key" },
	{ "mount mode bad",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"/t\",\"mode\":\"999\"}]}",
	  "w.json:1:108: mounts[0].mode: expected an octal mode like \"1777\", got \"999\"" },
	{ "mount root target",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
	  "\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"//\"}]}",
	  "w.json:1:96: mounts[0].target: cannot mount over the root itself" },
	{ "syntax error",
	  "{\"name\":\"web\",\n  \"root\": {\"path\": \"/\"} \"process\": 1}",
	  "w.json:2:25: syntax error near '\"'" },
	{ "syntax trailing garbage",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]}} x",
	  "w.json:1:62: syntax error near 'x'" },
	{ "syntax truncated",
	  "{\"name\":\"web\",\n\"root\":",
	  "w.json:2:8: syntax error: unexpected end of input" },
	{ "syntax error at a comment names its first slash",
	  "{\"name\":\"web\", // no comments in JSON\n}",
	  "w.json:1:16: syntax error near '/'" },
	{ "syntax error at a block comment names its slash",
	  "{\"name\":\"web\" /* x */}",
	  "w.json:1:15: syntax error near '/'" },
	{ "a newline in a value stays escaped in the one line",
	  "{\"name\":\"we\nb\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:9: name: expected 1-12 characters of [a-z0-9_-] starting with a letter or digit, got \"we\\x0ab\"" },
	{ "overlay below a page",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlay\":8},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:46: root.overlay: expected at least 4096 bytes (\"4K\", one page), got 8" },
	{ "overlay of one page valid",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlay\":\"4K\"},\"process\":{\"args\":[\"/a\"]}}", NULL },
	{ "rlimit unknown name",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"rlimits\":{\"nofiles\":[1,1]}}}",
	  "w.json:1:71: process.rlimits.nofiles: unknown limit (expected as core cpu data fsize locks memlock "
	  "msgqueue nice nofile nproc rss rtprio rttime sigpending stack)" },
	{ "rlimit soft above hard",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"rlimits\":{\"nofile\":[2,1]}}}",
	  "w.json:1:80: process.rlimits.nofile: the soft limit is above the hard one" },
	{ "rlimit bad bound",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"rlimits\":{\"nofile\":[1,-1]}}}",
	  "w.json:1:80: process.rlimits.nofile: expected [soft, hard], each a non-negative integer or \"unlimited\"" },
	{ "rlimit twice",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"rlimits\":{\"core\":[0,0],\"core\":[1,1]}}}",
	  "w.json:1:84: process.rlimits.core: duplicate key" },
	{ "rlimits valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"rlimits\":{\"core\":[0,\"unlimited\"],"
	  "\"nofile\":[\"unlimited\",\"unlimited\"],\"stack\":[8388608,8388608]}}}", NULL },
	{ "umask three digits",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"umask\":\"022\"}}",
	  "w.json:1:68: process.umask: expected an octal string from \"0000\" to \"0777\", got \"022\"" },
	{ "oom_score_adj out of range",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"oom_score_adj\":1001}}",
	  "w.json:1:76: process.oom_score_adj: expected an integer from -1000 to 1000" },
	{ "no_new_privileges not a boolean",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"no_new_privileges\":1}}",
	  "w.json:1:80: process.no_new_privileges: expected true or false, got a number" },
	{ "capability unknown",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"capabilities\":[\"CAP_KILL\",\"CAP_NET_RAWW\"]}}",
	  "w.json:1:87: process.capabilities[1]: unknown capability \"CAP_NET_RAWW\"" },
	{ "capability without its prefix",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"capabilities\":[\"NET_RAW\"]}}",
	  "w.json:1:76: process.capabilities[0]: unknown capability \"NET_RAW\"" },
	{ "capability twice",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"capabilities\":[\"CAP_KILL\",\"CAP_KILL\"]}}",
	  "w.json:1:87: process.capabilities[1]: duplicate capability \"CAP_KILL\"" },
	{ "capability not a string",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"capabilities\":[5]}}",
	  "w.json:1:76: process.capabilities[0]: expected a string, got a number" },
	{ "capabilities not a list",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"capabilities\":\"CAP_KILL\"}}",
	  "w.json:1:75: process.capabilities: expected an array, got a string" },
	{ "capabilities empty and the last one valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"capabilities\":[]}}",
	  NULL },
	{ "capability the last one valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"],\"capabilities\":[\"CAP_CHECKPOINT_RESTORE\",\"CAP_CHOWN\"]}}",
	  NULL },
	{ "sysctl not namespaced",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"vm.swappiness\":\"10\"}}",
	  "w.json:1:71: sysctl.vm.swappiness: not a namespaced sysctl" },
	{ "sysctl kernel other than uts",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"kernel.core_pattern\":\"x\"}}",
	  "w.json:1:71: sysctl.kernel.core_pattern: not a namespaced sysctl" },
	{ "sysctl hostname prefix is not enough",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"kernel.hostnamex\":\"x\"}}",
	  "w.json:1:71: sysctl.kernel.hostnamex: not a namespaced sysctl" },
	{ "sysctl dot-dot component",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"net.ipv4.//.x\":\"1\"}}",
	  "w.json:1:71: sysctl.net.ipv4.//.x: not a namespaced sysctl" },
	{ "sysctl empty component",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"net..x\":\"1\"}}",
	  "w.json:1:71: sysctl.net..x: not a namespaced sysctl" },
	{ "sysctl value a number",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"net.ipv4.ip_forward\":1}}",
	  "w.json:1:93: sysctl.net.ipv4.ip_forward: expected a string, got a number" },
	{ "sysctl twice",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"fs.mqueue.msg_max\":\"1\",\"fs.mqueue.msg_max\":\"2\"}}",
	  "w.json:1:95: sysctl.fs.mqueue.msg_max: duplicate key" },
	{ "sysctl valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"net.ipv4.conf.eth0/1.rp_filter\":\"0\",\"kernel.shmmax\":\"1\",\"kernel.sem\":\"1 2 3 4\",\"kernel.hostname\":\"h\",\"fs.mqueue.queues_max\":\"9\"}}",
	  NULL },
	{ "sysctl needs its namespace",
	  "{\"name\":\"web\",\"namespaces\":[\"mount\",\"pid\"],\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"sysctl\":{\"kernel.msgmax\":\"1\"}}",
	  "w.json:1:100: sysctl.kernel.msgmax: needs the \"ipc\" namespace" },
	{ "masked path relative",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"masked_paths\":[\"/proc/kcore\",\"proc/keys\"]}",
	  "w.json:1:91: masked_paths[1]: expected an absolute path, got \"proc/keys\"" },
	{ "read-only path with ..",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"readonly_paths\":[\"/proc/../etc\"]}",
	  "w.json:1:79: readonly_paths[0]: a \"..\" component is not allowed: \"/proc/../etc\"" },
	{ "masked and read-only paths off",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"masked_paths\":[],\"readonly_paths\":[]}",
	  NULL },
	{ "top level array",
	  "[1,2]",
	  "w.json:1:1: (top level): expected an object, got an array" },
	{ "cgroup full valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{"
	  "\"parent\":\"/sys/fs/cgroup/x\",\"memory_max\":\"32M\",\"memory_high\":\"max\",\"memory_swap_max\":0,"
	  "\"pids_max\":64,\"cpu_max\":\"50000 100000\",\"cpu_weight\":100,\"cpuset_cpus\":\"0-1,3\","
	  "\"cpuset_mems\":\"0\",\"io_max\":[\"254:0 rbps=1048576 wbps=max\"],\"io_weight\":100}}", NULL },
	{ "cgroup memory lots",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{\"memory_max\":\"lots\"}}",
	  "w.json:1:84: cgroup.memory_max: expected a size like \"32M\" or \"max\", got \"lots\"" },
	{ "cgroup key suggests",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{\"memory_mx\":1}}",
	  "w.json:1:71: cgroup.memory_mx: unknown key; did you mean \"memory_max\"?" },
	{ "cgroup pids 0",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{\"pids_max\":0}}",
	  "w.json:1:82: cgroup.pids_max: expected a number from 1 to 4194304 or \"max\", got 0" },
	{ "cgroup cpu_max bad",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{\"cpu_max\":\"50000 100000 1\"}}",
	  "w.json:1:81: cgroup.cpu_max: expected \"QUOTA PERIOD\" in microseconds like \"50000 100000\", or \"max\", got \"50000 100000 1\"" },
	{ "cgroup cpu_weight 0",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{\"cpu_weight\":0.5}}",
	  "w.json:1:84: cgroup.cpu_weight: expected a weight from 1 to 10000, got 0.5" },
	{ "cgroup io_max bad",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{\"io_max\":[\"8:0 rbps=1\",\"8:0 speed=1\"]}}",
	  "w.json:1:94: cgroup.io_max[1]: expected \"MAJ:MIN rbps=N wbps=N riops=N wiops=N\" (N a number or max), got \"8:0 speed=1\"" },
	{ "cgroup parent relative",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"cgroup\":{\"parent\":\"nsrun\"}}",
	  "w.json:1:80: cgroup.parent: expected an absolute path, got \"nsrun\"" },
	{ "utf-8 bom",
	  "\xEF\xBB\xBF{\"name\":\"Web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:12: name: expected 1-12 characters of [a-z0-9_-] starting with a letter or digit, got \"Web\"" },
	{ "control bytes as whitespace",
	  "{\"name\":\"web\",\x01\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\x18\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"/t\",\"sixe\":1}]}",
	  "w.json:1:103: mounts[0].sixe: unknown key; did you mean \"size\"?" },
	{ "net full valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{"
	  "\"bridge\":\"br-lan\",\"bridge_address\":[\"10.42.0.1/24\",\"fd42::1/64\"],\"host_if\":\"ve-web\","
	  "\"container_if\":\"eth0\",\"address\":[\"10.42.0.2/24\",\"fd42::2/64\"],\"gateway\":\"10.42.0.1\","
	  "\"gateway6\":\"fd42::1\",\"mtu\":1500,\"mac\":\"02:42:0a:2a:00:02\",\"dns\":[\"10.42.0.1\"],"
	  "\"hosts\":{\"nas\":\"10.42.0.10\"}}}", NULL },
	{ "net bad address",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":\"10.42.0.300/24\"}}",
	  "w.json:1:91: net.address: expected an IPv4 or IPv6 address with a prefix like \"10.42.0.2/24\", got \"10.42.0.300/24\"" },
	{ "net address without prefix",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"address\":[\"10.0.0.2/24\",\"10.0.0.3\"]}}",
	  "w.json:1:106: net.address[1]: expected an IPv4 or IPv6 address with a prefix like \"10.42.0.2/24\", got \"10.0.0.3\"" },
	{ "net bad mac",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"mac\":\"01:00:5e:00:00:01\"}}",
	  "w.json:1:87: net.mac: expected a unicast MAC like \"02:42:0a:2a:00:02\", got \"01:00:5e:00:00:01\"" },
	{ "net ifname too long",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"bridge-of-the-lan\"}}",
	  "w.json:1:77: net.bridge: expected an interface name of 1-15 bytes without '/', ':' or spaces, got \"bridge-of-the-lan\"" },
	{ "net gateway v6 in gateway",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"gateway\":\"fd42::1\"}}",
	  "w.json:1:91: net.gateway: expected an IPv4 address, got \"fd42::1\"" },
	{ "net without net namespace",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\"],\"net\":{\"bridge\":\"b\"}}",
	  "w.json:1:84: net: needs the \"net\" namespace" },
	{ "net missing bridge",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{}}",
	  "w.json:1:67: net.bridge: missing (the bridge the container's veth joins)" },
	{ "net too many dns",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"dns\":[\"1.1.1.1\",\"::1\",\"8.8.8.8\",\"9.9.9.9\"]}}",
	  "w.json:1:114: net.dns[3]: more than 3 addresses" },
	{ "net bad host name",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"net\":{\"bridge\":\"b\",\"hosts\":{\"a b\":\"10.0.0.1\"}}}",
	  "w.json:1:90: net.hosts.a b: expected a host name of letters, digits, '.', '-' and '_'" },
	{ "number with exponent",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"user\"],"
	  "\"uid_map\":[[0,1e5,1]],\"gid_map\":[[0,1,1]]}",
	  "w.json:1:105: uid_map[0][1]: expected an integer from 0 to 4294967295" },
	{ "size with fraction",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlay\":1048576.0},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:46: root.overlay: expected a size like \"8M\" (K, M, G: powers of 1024) or false, got 1048576.0" },
	{ "size past 64 bits",
	  "{\"name\":\"web\",\"root\":{\"image\":\"/x\",\"overlay\":18446744073709551616},\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:46: root.overlay: expected a size like \"8M\" (K, M, G: powers of 1024) or false, got 18446744073709551616" },
	{ "negative time offset valid",
	  "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},\"namespaces\":[\"mount\",\"time\"],"
	  "\"time_offsets\":{\"boottime\":-315576000}}", NULL },
	{ "wrong type object",
	  "{\"name\":\"web\",\"root\":\"/x\",\"process\":{\"args\":[\"/a\"]}}",
	  "w.json:1:22: root: expected an object, got a string" },
};

/* Issue 12's crash: 24 io_max entries and a key after io_max wrote one
 * past the cgroup write table.  Every list stops at its row's bound now,
 * and the table holds every key once plus the most io_max entries. */
static void test_cgroup_writes_bound(void)
{
	char j[4096], entries[2048] = "";
	size_t n = 0;
	struct cfg c;
	int rc;

	for (int k = 0; k < 24; k++)
		n += (size_t)snprintf(entries + n, sizeof entries - n, "%s\"8:%d rbps=1\"", k ? "," : "", k);
	snprintf(j, sizeof j, "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
		 "\"cgroup\":{\"io_max\":[%s],\"io_weight\":100}}", entries);
	err_reset();
	rc = cfg_parse(&c, "w.json", j, strlen(j));
	check(rc < 0 && strstr(g_err, "cgroup.io_max[16]: more than 16 entries"), "config 24 io_max entries refused",
	      "rc %d: %s", rc, g_err);
	if (rc == 0)
		cfg_free(&c);
	/* 16 entries and every other key: the table's exact size */
	entries[0] = 0, n = 0;
	for (int k = 0; k < NSRUN_IO_MAX; k++)
		n += (size_t)snprintf(entries + n, sizeof entries - n, "%s\"8:%d rbps=1\"", k ? "," : "", k);
	snprintf(j, sizeof j, "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
		 "\"cgroup\":{\"memory_max\":1,\"memory_high\":1,\"memory_swap_max\":1,\"pids_max\":1,"
		 "\"cpu_max\":\"max\",\"cpu_weight\":1,\"cpuset_cpus\":\"0\",\"cpuset_mems\":\"0\","
		 "\"io_max\":[%s],\"io_weight\":100}}", entries);
	err_reset();
	rc = cfg_parse(&c, "w.json", j, strlen(j));
	check(rc == 0 && c.cg.n == NSRUN_CG_WRITES, "config every cgroup key and 16 io_max entries",
	      "rc %d n %d: %s", rc, rc == 0 ? c.cg.n : -1, g_err);
	if (rc == 0)
		cfg_free(&c);
}

/* A NUL byte and an over-size config: the place of the byte, of the limit. */
static void test_text_limits(void)
{
	static char big[NSRUN_CONFIG_MAX + 10];
	struct cfg c;
	int rc;

	err_reset();
	rc = cfg_parse(&c, "w.json", "{\"name\":\n \"w\0eb\"}", 17);
	check(rc < 0 && !strcmp(g_err, "w.json:2:4: not a text file (a NUL byte)"), "config NUL byte placed",
	      "%s", g_err);
	memset(big, ' ', sizeof big);
	big[0] = '{', big[1] = '\n';
	err_reset();
	rc = cfg_parse(&c, "w.json", big, sizeof big);
	check(rc < 0 && !strcmp(g_err, "w.json:2:65535: config larger than 65536 bytes"), "config size limit placed",
	      "%s", g_err);
	err_reset();
	check(!strcmp(show_byte('\n', (char[8]){ 0 }), "\\n") && !strcmp(show_byte('\x01', (char[8]){ 0 }), "\\x01") &&
	      !strcmp(show_byte('x', (char[8]){ 0 }), "x"), "syntax error byte escaped", " ");
}

/* nsrun's strtod for cJSON ends where libc's does on every string cJSON
 * can hand it (made of "0123456789+-eE."); its value is always 0. */
static void test_json_strtod(void)
{
	static const char *const t[] = {
		"0", "-1", "12", "12.5", "1e5", "1E-7x", "1e", "1e+", "1e-", ".5", "5.", "-", "+", "", "1.2.3",
		"00012", "1-2", "-.e1", "+7", "..", "e5", "1.e2", "-0", "18446744073709551616", "3.-", "2e+3e",
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *e1, *e2;
		double a = strtod(t[i], &e1), b = json_strtod(t[i], &e2);

		if (e1 != e2 || b != 0) {
			check(0, "json_strtod ends where strtod does", "\"%s\": strtod %td (%g), ours %td (%g)", t[i],
			      e1 - t[i], a, e2 - t[i], b);
			bad = 1;
		}
	}
	if (!bad)
		check(1, "json_strtod ends where strtod does", " ");
}

/* Each fixture of T (N of them) parsed as FILE, by nsrun's rows or, with
 * OCI, by the OCI rows: valid, or exactly its error line. */
static void run_fixtures(const struct fixture *t, size_t n, const char *file, int oci)
{
	char name[96];

	for (size_t i = 0; i < n; i++) {
		const struct fixture *f = &t[i];
		struct cfg c;
		int rc;

		err_reset();
		g_oci_parse = oci;
		rc = cfg_parse(&c, file, f->json, strlen(f->json));
		g_oci_parse = 0;
		snprintf(name, sizeof name, "%sconfig %s", oci ? "oci " : "", f->name);
		if (rc == 0)
			cfg_free(&c);
		if (!f->err)
			check(rc == 0, name, "unexpected error: %s", g_err);
		else
			check(rc < 0 && !strcmp(g_err, f->err), name, "got \"%s\", want \"%s\"", g_err, f->err);
	}
}

static void test_fixtures(void)
{
	run_fixtures(fixtures, sizeof fixtures / sizeof fixtures[0], "w.json", 0);
}

/* OCI config.json fixtures (issue 17): the oci rows, unknown keys ignored,
 * the exact error line. */
#define OCI_HEAD "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"/a\"],\"cwd\":\"/\""
#define OCI_NS "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}"
static const struct fixture oci_fixtures[] = {
	{ "minimal valid", OCI_HEAD "}," OCI_NS "]}}", NULL },
	{ "unknown keys ignored", OCI_HEAD ",\"selinuxLabel\":\"x\"},\"x\":{\"y\":1}," OCI_NS ",{\"type\":\"network\"}],\"intelRdt\":{}}}",
	  NULL },
	{ "version 2 refused", "{\"ociVersion\":\"2.0.0\"}", "c.json:1:15: ociVersion: expected a 1.x.y version, got \"2.0.0\"" },
	{ "no mount namespace", OCI_HEAD "}}", "c.json:1:1: linux.namespaces: a \"mount\" namespace is required (new or joined)" },
	{ "cwd missing", "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"/a\"]}," OCI_NS "]}}",
	  "c.json:1:53: process.cwd: missing (an absolute path)" },
	{ "uid negative", OCI_HEAD ",\"user\":{\"uid\":-1}}," OCI_NS "]}}",
	  "c.json:1:92: process.user.uid: expected an integer from 0 to 4294967294" },
	{ "rlimit unknown", OCI_HEAD ",\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]}," OCI_NS "]}}",
	  "c.json:1:97: process.rlimits[0].type: unknown limit \"RLIMIT_FOO\"" },
	{ "namespace unknown", OCI_HEAD "}," OCI_NS ",{\"type\":\"bogus\"}]}}",
	  "c.json:1:127: linux.namespaces[1].type: unknown namespace \"bogus\" (expected pid mount uts ipc net cgroup user time)" },
	{ "join a mount namespace", OCI_HEAD "},\"linux\":{\"namespaces\":[{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}]}}",
	  NULL },
	{ "join a time namespace", OCI_HEAD "}," OCI_NS ",{\"type\":\"time\",\"path\":\"/proc/1/ns/time\"}]}}", NULL },
	/* a joined user namespace's mappings are its own: optional, accepted */
	{ "join a user namespace", OCI_HEAD "}," OCI_NS ",{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]}}", NULL },
	{ "join a user namespace, mappings", OCI_HEAD "}," OCI_NS ",{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}],"
	  "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
	  "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}}", NULL },
	{ "new user namespace, no mappings", OCI_HEAD "}," OCI_NS ",{\"type\":\"user\"}]}}",
	  "c.json:1:87: linux.uidMappings: missing (required with the \"user\" namespace)" },
	{ "mappings, no user namespace", OCI_HEAD "}," OCI_NS "],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
	  "c.json:1:120: linux.uidMappings: needs the \"user\" namespace" },
	{ "hostname without uts", OCI_HEAD "},\"hostname\":\"h\"," OCI_NS "]}}", "c.json:1:1: hostname: needs the \"uts\" namespace" },
	{ "hostname in a joined uts", OCI_HEAD "},\"hostname\":\"h\"," OCI_NS ",{\"type\":\"uts\",\"path\":\"/proc/1/ns/uts\"}]}}",
	  NULL },
	{ "device type", OCI_HEAD "}," OCI_NS "],\"devices\":[{\"path\":\"/dev/x\",\"type\":\"q\",\"major\":1,\"minor\":3}]}}",
	  "c.json:1:155: linux.devices[0].type: expected c, u, b or p" },
	{ "device valid", OCI_HEAD "}," OCI_NS "],\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,"
	  "\"fileMode\":438,\"uid\":0,\"gid\":0}]}}", NULL },
	{ "rootfsPropagation", OCI_HEAD "}," OCI_NS "],\"rootfsPropagation\":\"rshared\"}}",
	  "c.json:1:140: linux.rootfsPropagation: expected \"shared\", \"slave\", \"private\" or \"unbindable\", got \"rshared\"" },
	{ "memory.swap no limit", OCI_HEAD "}," OCI_NS "],\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1}}}}", NULL },
	{ "memory.swap above limit", OCI_HEAD "}," OCI_NS "],\"resources\":{\"memory\":{\"limit\":1048576,\"swap\":2097152}}}}",
	  NULL },
	{ "memory.swap below limit", OCI_HEAD "}," OCI_NS "],\"resources\":{\"memory\":{\"limit\":2097152,\"swap\":1048576}}}}",
	  "c.json:1:166: linux.resources.memory.swap: expected -1, or a limit with memory.limit at most it" },
	{ "additionalGids", OCI_HEAD ",\"user\":{\"uid\":1,\"gid\":1,\"additionalGids\":[5,-1]}}," OCI_NS "]}}",
	  "c.json:1:122: process.user.additionalGids[1]: expected an integer from 0 to 4294967294" },
	{ "nfs mount", OCI_HEAD "},\"mounts\":[{\"destination\":\"/x\",\"type\":\"nfs\"}]," OCI_NS "]}}",
	  "c.json:1:89: mounts[0]: a \"nfs\" mount on /x is not supported" },
	{ "bind relative source", OCI_HEAD "},\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"a\"}]," OCI_NS "]}}",
	  "c.json:1:89: mounts[0]: a bind needs an absolute source outside /run/nsrun" },
	{ "mount option unknown", OCI_HEAD "},\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\","
	  "\"options\":[\"rbind\",\"bogus\"]}]," OCI_NS "]}}",
	  "c.json:1:156: mounts[0].options[1]: unknown mount option \"bogus\"" },
	{ "mount option tmpcopyup refused", OCI_HEAD "},\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
	  "\"options\":[\"tmpcopyup\"]}]," OCI_NS "]}}",
	  "c.json:1:135: mounts[0].options[0]: unknown mount option \"tmpcopyup\"" },
	{ "mount option no + a word without its no form", OCI_HEAD "},\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
	  "\"options\":[\"noro\"]}]," OCI_NS "]}}",
	  "c.json:1:135: mounts[0].options[0]: unknown mount option \"noro\"" },
	{ "mount options valid", OCI_HEAD "},\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\","
	  "\"options\":[\"rbind\",\"rprivate\",\"nosuid\",\"rnoexec\",\"rro\",\"nodev\",\"noatime\",\"nosymfollow\","
	  "\"uid=5\"]},{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"ro\",\"size=1m\",\"nr_inodes=9\","
	  "\"strictatime\",\"sync\",\"dirsync\",\"shared\"]},{\"destination\":\"/dev/pts\",\"type\":\"devpts\","
	  "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]}]," OCI_NS "]}}",
	  NULL },
	{ "mount options of containerd's and runtime-tools' default specs", OCI_HEAD "},\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"ro\",\"nosuid\",\"noexec\",\"nodev\",\"relatime\"]},{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\",\"options\":[\"rbind\",\"rprivate\",\"rw\"]},{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/var/lib/h\",\"options\":[\"rbind\",\"rprivate\",\"ro\"]}]," OCI_NS "]}}",
	  NULL },
	{ "seccomp without defaultAction", OCI_HEAD "}," OCI_NS "],\"seccomp\":{}}}",
	  "c.json:1:130: linux.seccomp.defaultAction: expected a supported SCMP_ACT_ action" },
	{ "seccomp notify refused", OCI_HEAD "}," OCI_NS "],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}}}",
	  "c.json:1:147: linux.seccomp.defaultAction: expected a supported SCMP_ACT_ action" },
	{ "seccomp a third errno", OCI_HEAD "}," OCI_NS "],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
	  "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}}}",
	  "c.json:1:231: linux.seccomp.syscalls[0].errnoRet: a second errno besides ENOSYS is not supported" },
	{ "seccomp rule without names", OCI_HEAD "}," OCI_NS "],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
	  "\"syscalls\":[{\"action\":\"SCMP_ACT_ERRNO\"}]}}}",
	  "c.json:1:176: linux.seccomp.syscalls[0].names: missing" },
	{ "hook without path", OCI_HEAD "},\"hooks\":{\"poststop\":[{\"args\":[]}]}," OCI_NS "]}}",
	  "c.json:1:100: hooks.poststop[0].path: missing (an absolute path)" },
	{ "user namespace without maps", OCI_HEAD "}," OCI_NS ",{\"type\":\"user\"}]}}",
	  "c.json:1:87: linux.uidMappings: missing (required with the \"user\" namespace)" },
	{ "no real limit: no cgroup", OCI_HEAD "}," OCI_NS "],\"resources\":{\"memory\":{\"limit\":-1},\"cpu\":{\"shares\":1024},\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}",
	  NULL },
	{ "cpu.shares 512: a weight", OCI_HEAD "}," OCI_NS "],\"resources\":{\"cpu\":{\"shares\":512}}}}", NULL },
	{ "terminal", OCI_HEAD ",\"terminal\":true}," OCI_NS "]}}", NULL },
	{ "terminal not a boolean", OCI_HEAD ",\"terminal\":1}," OCI_NS "]}}", 
	  "c.json:1:89: process.terminal: expected true or false, got a number" },
	{ "hook timeout", OCI_HEAD "},\"hooks\":{\"prestart\":[{\"path\":\"/h\",\"timeout\":5}]}," OCI_NS "]}}", NULL },
	{ "hook timeout negative", OCI_HEAD "},\"hooks\":{\"prestart\":[{\"path\":\"/h\",\"timeout\":-1}]}," OCI_NS "]}}", 
	  "c.json:1:123: hooks.prestart[0].timeout: expected an integer from 0 to 4294967294" },
	{ "hook timeout a string", OCI_HEAD "},\"hooks\":{\"poststop\":[{\"path\":\"/h\",\"timeout\":\"5\"}]}," OCI_NS "]}}", 
	  "c.json:1:123: hooks.poststop[0].timeout: expected an integer, got a string" },
	{ "pids limit too big", OCI_HEAD "}," OCI_NS "],\"resources\":{\"pids\":{\"limit\":5000000}}}}",
	  "c.json:1:149: linux.resources.pids.limit: expected a number from 1 to 4194304 or \"max\", got \"5000000\"" },
};

/* The row of std_mounts that mounts on TARGET (the first). */
static size_t std_row(const char *target)
{
	size_t i = 0;

	while (i < sizeof std_mounts / sizeof std_mounts[0] && strcmp(std_mounts[i].target, target))
		i++;
	return i;
}

static void test_oci_fixtures(void)
{
	run_fixtures(oci_fixtures, sizeof oci_fixtures / sizeof oci_fixtures[0], "c.json", 1);
}

/* J parsed as an OCI config.json (NAME) into C; a failure is WHAT's check. */
static int oci_parse(struct cfg *c, const char *name, const char *j, const char *what)
{
	int rc;

	err_reset();
	g_oci_parse = 1;
	rc = cfg_parse(c, name, j, strlen(j));
	g_oci_parse = 0;
	if (rc < 0)
		check(0, what, "%s", g_err);
	return rc;
}

/* process.terminal into proc.terminal; each hook's timeout + 1 (0: none)
 * into its node's valueint, where oci_hooks finds it. */
static void test_oci_terminal_timeout(void)
{
	const char *j = OCI_HEAD ",\"terminal\":true},\"hooks\":{\"prestart\":[{\"path\":\"/a\",\"timeout\":7},"
			"{\"path\":\"/b\"},{\"path\":\"/c\",\"timeout\":0}]}," OCI_NS "]}}";
	const cJSON *h;
	struct cfg c;

	if (oci_parse(&c, "t.json", j, "oci terminal and hook timeouts") < 0)
		return;
	h = ((const cJSON *)c.oci.hooks[OCI_PRESTART])->child;
	check(c.proc.terminal == 1, "oci process.terminal", "%d", c.proc.terminal);
	check(h && h->valueint == 8 && h->next && h->next->valueint == 0 && h->next->next && h->next->next->valueint == 1,
	      "oci hook timeouts (+1) in valueint", " ");
	cfg_free(&c);
}

/* mounts[].options (issue 17): the words into MS_ flags and the
 * propagation, a standard mount's extra flags into its rows. */
static void test_oci_mount_options(void)
{
	const char *j = OCI_HEAD "},\"mounts\":[{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/s\","
			"\"options\":[\"rbind\",\"rprivate\",\"nosuid\",\"rnoexec\",\"exec\",\"rro\",\"nodev\",\"dev\","
			"\"noatime\",\"uid=5\"]},{\"destination\":\"/c\",\"source\":\"/s\",\"options\":[\"bind\",\"slave\","
			"\"rw\",\"relatime\",\"norelatime\",\"nosymfollow\"]},{\"destination\":\"/t\",\"type\":\"tmpfs\","
			"\"options\":[\"ro\",\"suid\",\"size=1m\",\"strictatime\",\"sync\",\"dirsync\",\"runbindable\"]},"
			"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\"]},"
			"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"options\":[\"ro\",\"noexec\"]}]," OCI_NS "]}}";
	unsigned extra = 0;
	struct cfg c;

	if (oci_parse(&c, "m.json", j, "oci mount options") < 0)
		return;
	check(c.n_mounts == 3 && c.mounts[0].type == M_BIND && c.mounts[1].type == M_BIND && c.mounts[2].type == M_TMPFS,
	      "oci mount options: bind by option, standard ones not volumes", "n=%d", c.n_mounts);
	check(c.mounts[0].flags == (MS_BIND | MS_REC | MS_NOSUID | MS_RDONLY | MS_NOATIME) &&
	      c.mounts[0].prop == (MS_PRIVATE | MS_REC), "oci mount options: rbind's flags, rprivate",
	      "flags %#x prop %#x", c.mounts[0].flags, c.mounts[0].prop);
	check(c.mounts[1].flags == (MS_BIND | 256) && c.mounts[1].prop == MS_SLAVE,
	      "oci mount options: bind (not recursive), slave, nosymfollow", "flags %#x prop %#x", c.mounts[1].flags,
	      c.mounts[1].prop);
	check(c.mounts[2].flags == (MS_RDONLY | MS_STRICTATIME | MS_SYNCHRONOUS | MS_DIRSYNC) &&
	      c.mounts[2].prop == (MS_UNBINDABLE | MS_REC), "oci mount options: a tmpfs's", "flags %#x prop %#x",
	      c.mounts[2].flags, c.mounts[2].prop);
	extra = c.oci.std_fl[std_row("/dev/shm")];
	check(extra == MS_NOEXEC && c.oci.std_fl[std_row("/sys")] == 0,
	      "oci mount options: noexec added to /dev/shm's row, /sys's has ro and noexec", "%#x", extra);
	cfg_free(&c);
}

/* The defaults a minimal config gets, and what a full one becomes. */
static void test_defaults(void)
{
	const char *j = "{\"name\":\"web\",\"root\":{\"image\":\"/x.sqfs\"},\"process\":{\"args\":[\"/bin/true\"]}}";
	struct cfg c;

	err_reset();
	if (cfg_parse(&c, "d.json", j, strlen(j)) < 0) {
		check(0, "config defaults", "%s", g_err);
		return;
	}
	check(c.ns == (NS_PID | NS_MOUNT | NS_UTS | NS_IPC | NS_NET | NS_CGROUP), "default namespaces", "ns=%#x", c.ns);
	check(c.hostname && !strcmp(c.hostname, "web"), "default hostname is the name", "%s", c.hostname);
	check(c.root.overlay == 0, "default overlay off (read-only root)", "%llu", (unsigned long long)c.root.overlay);
	check(!strcmp(c.proc.cwd, "/") && c.proc.uid == 0 && c.proc.gid == 0, "default cwd / user 0:0", "cwd=%s", c.proc.cwd);
	check(c.proc.env[0] && !strcmp(c.proc.env[0], "PATH=/usr/sbin:/usr/bin:/sbin:/bin") && !c.proc.env[1],
	      "default env is PATH only", "%s", c.proc.env[0]);
	check(!strcmp(app_path(c.proc.env), "/usr/sbin:/usr/bin:/sbin:/bin"), "app_path default", "%s", app_path(c.proc.env));
	cfg_free(&c);

	j = "{\"name\":\"w\",\"root\":{\"path\":\"/r\",\"overlay\":\"8M\"},\"process\":{\"args\":[\"a\",\"b\"],"
	    "\"env\":[\"PATH=/x:/y\",\"A=1\"],\"user\":\"1000:100\",\"cwd\":\"/srv\"},"
	    "\"namespaces\":[\"mount\",\"user\",\"time\"],\"uid_map\":[[0,100000,65536],[65536,1,1]],"
	    "\"gid_map\":[[0,200000,10]],\"time_offsets\":{\"monotonic\":-5,\"boottime\":7},"
	    "\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"/t\",\"size\":4096,\"mode\":\"0700\"},"
	    "{\"type\":\"bind\",\"source\":\"/s\",\"target\":\"/d\",\"readonly\":true}]}";
	err_reset();
	if (cfg_parse(&c, "f.json", j, strlen(j)) < 0) {
		check(0, "config full", "%s", g_err);
		return;
	}
	check(c.root.overlay == 8 << 20 && !strcmp(c.root.path, "/r") && !c.root.image, "full root", " ");
	check(!c.hostname && c.ns == (NS_MOUNT | NS_USER | NS_TIME), "full namespaces, no hostname", "ns=%#x", c.ns);
	check(c.proc.uid == 1000 && c.proc.gid == 100 && !strcmp(c.proc.cwd, "/srv"), "full user and cwd", " ");
	check(!strcmp(app_path(c.proc.env), "/x:/y") && !strcmp(c.proc.args[1], "b") && !c.proc.args[2], "full args and PATH", " ");
	check(c.userns.n_uid_map == 2 && c.userns.uid_map[1].inside == 65536 && c.userns.uid_map[1].outside == 1 &&
	      c.userns.n_gid_map == 1 && c.userns.gid_map[0].outside == 200000, "full id maps", " ");
	check(c.time.monotonic == -5 && c.time.boottime == 7, "full time offsets", " ");
	check(c.n_mounts == 2 && c.mounts[0].type == M_TMPFS && c.mounts[0].size == 4096 &&
	      c.mounts[0].mode == 0700 && c.mounts[1].type == M_BIND && c.mounts[1].readonly &&
	      !strcmp(c.mounts[1].source, "/s"), "full mounts", " ");
	cfg_free(&c);

	j = "{\"name\":\"w\",\"root\":{\"path\":\"/r\"},\"process\":{\"args\":[\"a\"]},\"cgroup\":{"
	    "\"memory_max\":\"32M\",\"memory_swap_max\":0,\"pids_max\":\"max\",\"cpu_max\":\"50000\",\"io_weight\":100,"
	    "\"io_max\":[\"8:0 rbps=1\",\"8:16 wiops=max\"]}}";
	err_reset();
	if (cfg_parse(&c, "g.json", j, strlen(j)) < 0) {
		check(0, "config cgroup", "%s", g_err);
		return;
	}
	check(c.cg.on && !c.cg.parent && c.cg.n == 7, "cgroup writes counted", "n=%d", c.cg.n);
	check(!strcmp(c.cg.w[0].file, "memory.max") && !strcmp(c.cg.w[0].value, "33554432") &&
	      !strcmp(c.cg.w[0].ctrl, "memory"), "cgroup memory_max -> memory.max bytes", "%s=%s", c.cg.w[0].file, c.cg.w[0].value);
	check(!strcmp(c.cg.w[1].file, "memory.swap.max") && !strcmp(c.cg.w[1].value, "0"), "cgroup memory_swap_max 0", "%s", c.cg.w[1].value);
	check(!strcmp(c.cg.w[2].file, "pids.max") && !strcmp(c.cg.w[2].value, "max"), "cgroup pids_max max", "%s", c.cg.w[2].value);
	check(!strcmp(c.cg.w[3].value, "50000 100000"), "cgroup cpu_max default period", "%s", c.cg.w[3].value);
	check(!strcmp(c.cg.w[4].file, "io.max") && !strcmp(c.cg.w[5].value, "8:16 wiops=max"), "cgroup io_max one write each", " ");
	check(!strcmp(c.cg.w[6].file, "io.weight") && !strcmp(c.cg.w[6].value, "default 100"), "cgroup io_weight default N", "%s", c.cg.w[6].value);
	check(c.cg.memory_max && !strcmp(c.cg.memory_max, "32M"), "cgroup memory_max kept for the OOM line", " ");
	cfg_free(&c);
}

/* Walk a request's attributes: every nest must end exactly where its last
 * child ends.  Returns the attribute of TYPE at this level, or NULL. */
static const struct rtattr *attr_find(const void *start, int len, int type)
{
	for (const struct rtattr *a = start; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == type)
			return a;
	return NULL;
}

static int attr_str_is(const struct rtattr *a, const char *s)
{
	return a && RTA_PAYLOAD(a) == strlen(s) + 1 && !memcmp(RTA_DATA(a), s, strlen(s) + 1);
}

/* Sum of the aligned lengths of the attributes in [start, start+len): it
 * must be exactly len for a well-formed nest. */
static int attrs_fill(const void *start, int len)
{
	int total = 0, left = len;

	for (const struct rtattr *a = start; RTA_OK(a, left); a = RTA_NEXT(a, left))
		total += RTA_ALIGN(a->rta_len);
	return total == len;
}

static void test_netlink(void)
{
	struct net_cfg nc = { .host_if = "ve-web", .container_if = "eth0", .mtu = 1400, .has_mac = 1,
			      .mac = { 2, 0x42, 10, 42, 0, 2 } };
	char buf[512], want[96];
	struct nl m;
	const struct ifinfomsg *ifi;
	const struct rtattr *info, *data, *peer, *a;
	int len, ok;

	net_veth_msg(&m, buf, sizeof buf, &nc, 4242, 7);
	check(!m.overflow && m.h->nlmsg_type == RTM_NEWLINK &&
	      m.h->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL),
	      "veth request header", "type %d flags %#x", m.h->nlmsg_type, m.h->nlmsg_flags);
	ifi = NLMSG_DATA(m.h);
	len = (int)m.h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *ifi);
	check(attrs_fill(IFLA_RTA(ifi), len), "veth top-level attributes fill the message", " ");
	check(attr_str_is(attr_find(IFLA_RTA(ifi), len, IFLA_IFNAME), "ve-web"), "veth host name", " ");
	check(ifi->ifi_flags == IFF_UP && ifi->ifi_change == IFF_UP, "veth host end up", "flags %#x change %#x",
	      ifi->ifi_flags, ifi->ifi_change);
	a = attr_find(IFLA_RTA(ifi), len, IFLA_MASTER);
	check(a && RTA_PAYLOAD(a) == 4 && *(uint32_t *)RTA_DATA(a) == 7, "veth host end on bridge 7", " ");
	a = attr_find(IFLA_RTA(ifi), len, IFLA_MTU);
	check(a && RTA_PAYLOAD(a) == 4 && *(uint32_t *)RTA_DATA(a) == 1400, "veth host mtu", " ");
	/* One queue each way asked for: the kernel would allocate one per CPU
	 * and cut back to one, which costs an RCU grace period per end. */
	a = attr_find(IFLA_RTA(ifi), len, IFLA_NUM_TX_QUEUES);
	check(a && *(uint32_t *)RTA_DATA(a) == 1 && (a = attr_find(IFLA_RTA(ifi), len, IFLA_NUM_RX_QUEUES)) &&
	      *(uint32_t *)RTA_DATA(a) == 1, "veth host end: one tx and one rx queue", " ");
	info = attr_find(IFLA_RTA(ifi), len, IFLA_LINKINFO);
	check(info && attrs_fill(RTA_DATA(info), (int)RTA_PAYLOAD(info)), "IFLA_LINKINFO nest length", " ");
	if (!info)
		return;
	check(attr_str_is(attr_find(RTA_DATA(info), (int)RTA_PAYLOAD(info), IFLA_INFO_KIND), "veth"), "veth kind", " ");
	data = attr_find(RTA_DATA(info), (int)RTA_PAYLOAD(info), IFLA_INFO_DATA);
	check(data && attrs_fill(RTA_DATA(data), (int)RTA_PAYLOAD(data)), "IFLA_INFO_DATA nest length", " ");
	peer = data ? attr_find(RTA_DATA(data), (int)RTA_PAYLOAD(data), VETH_INFO_PEER) : NULL;
	check(peer && (char *)peer + RTA_ALIGN(peer->rta_len) == (char *)m.h + m.h->nlmsg_len,
	      "VETH_INFO_PEER ends the message", " ");
	if (!peer)
		return;
	/* The peer: its own ifinfomsg, then its attributes. */
	{
		const char *p = (const char *)RTA_DATA(peer) + NLMSG_ALIGN(sizeof(struct ifinfomsg));
		int plen = (int)RTA_PAYLOAD(peer) - (int)NLMSG_ALIGN(sizeof(struct ifinfomsg));

		ok = attrs_fill(p, plen);
		check(ok, "peer attributes fill the nest", " ");
		check(attr_str_is(attr_find(p, plen, IFLA_IFNAME), "eth0"), "peer name", " ");
		a = attr_find(p, plen, IFLA_NET_NS_PID);
		check(a && *(uint32_t *)RTA_DATA(a) == 4242, "peer IFLA_NET_NS_PID", " ");
		check(!attr_find(p, plen, IFLA_MASTER), "peer on no bridge", " ");
		a = attr_find(p, plen, IFLA_ADDRESS);
		check(a && RTA_PAYLOAD(a) == 6 && !memcmp(RTA_DATA(a), nc.mac, 6), "peer MAC", " ");
		a = attr_find(p, plen, IFLA_MTU);
		check(a && *(uint32_t *)RTA_DATA(a) == 1400, "peer MTU", " ");
		a = attr_find(p, plen, IFLA_NUM_TX_QUEUES);
		check(a && *(uint32_t *)RTA_DATA(a) == 1 && (a = attr_find(p, plen, IFLA_NUM_RX_QUEUES)) &&
		      *(uint32_t *)RTA_DATA(a) == 1, "peer: one tx and one rx queue", " ");
	}
	/* Too small a buffer: overflow is sticky and reported once, as EMSGSIZE. */
	net_veth_msg(&m, buf, 64, &nc, 4242, 7);
	err_reset();
	snprintf(want, sizeof want, "create veth ve-web: %s", strerror(EMSGSIZE));     /* libc's words */
	check(m.overflow && nl_talk(-1, &m, NULL, NULL) < 0 && errno == EMSGSIZE && nl_fail(&m) < 0 &&
	      !strcmp(g_err, want), "overflow is EMSGSIZE", "%s", g_err);
}

/* A batch (net_inside's shape): requests back to back, each aligned, whole,
 * labelled and expecting its ACK; one that does not fit is an overflow
 * named by its label, not a short message. */
static void test_nl_batch(void)
{
	struct net_addr a4 = { .family = AF_INET, .prefix = 24, .a = { 10, 42, 0, 2 }, .text = "10.42.0.2/24" };
	struct net_addr gw = { .family = AF_INET, .a = { 10, 42, 0, 1 }, .text = "10.42.0.1" };
	static const int types[] = { RTM_NEWLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE };
	static const char *const what[] = { "bring up lo", "add address 10.42.0.2/24 to eth0", "set eth0 up",
					    "add default route via 10.42.0.1 dev eth0" };
	char buf[512], want[96];
	const char *p, *end;
	struct nl m;
	int n = 0, ok = 1;

	nl_init(&m, buf, sizeof buf);
	net_link_msg(&m, 1, 1, "bring up lo", NULL);
	net_addr_msg(&m, 5, &a4, "eth0");
	net_link_msg(&m, 5, 1, "set %s up", "eth0");
	net_route_msg(&m, 5, &gw, "eth0");
	end = (const char *)m.h + m.h->nlmsg_len;
	for (p = buf; p < end; p += NLMSG_ALIGN(((const struct nlmsghdr *)p)->nlmsg_len), n++) {
		const struct nlmsghdr *h = (const void *)p;

		ok = ok && n < 4 && h->nlmsg_type == types[n] && (h->nlmsg_flags & NLM_F_ACK) &&
		     h->nlmsg_len >= NLMSG_HDRLEN && p + h->nlmsg_len <= end && !strcmp(m.what[n], what[n]);
	}
	check(ok && n == 4 && m.count == 4 && p == end && !m.overflow && m.acks == 0xf,
	      "batch: four whole requests, labelled, each expecting its ACK", "n=%d count=%d acks=%#x", n, m.count,
	      (unsigned)m.acks);
	check(((const struct ifinfomsg *)NLMSG_DATA((const struct nlmsghdr *)buf))->ifi_index == 1,
	      "batch: lo first", " ");
	nl_init(&m, buf, 80);
	net_link_msg(&m, 1, 1, "bring up lo", NULL);
	net_addr_msg(&m, 5, &a4, "eth0");
	net_link_msg(&m, 5, 1, "set %s up", "eth0");
	err_reset();
	snprintf(want, sizeof want, "set eth0 up: %s", strerror(EMSGSIZE));
	check(m.overflow && nl_talk(-1, &m, NULL, NULL) < 0 && errno == EMSGSIZE && nl_fail(&m) < 0 &&
	      !strcmp(g_err, want), "batch: no room for the third is an overflow named by it", "%s",
	      g_err);
	static char many[(NL_REQS + 1) * NLMSG_HDRLEN];        /* room for all: the count overflows */

	nl_init(&m, many, sizeof many);
	for (int i = 0; i <= NL_REQS; i++)
		nl_add(&m, NLMSG_NOOP, 0, 0, "noop", NULL, NULL);
	check(m.overflow && m.count == NL_REQS, "batch: more than NL_REQS requests is an overflow", "count=%d",
	      m.count);
}

/* nat_batch(): walked back message by message and attribute by attribute:
 * begin/end of the nf_tables subsystem without ACK, the rest with; every
 * nest's length covers exactly its children; the chain priorities and the
 * expressions' numbers big-endian; a port compared in network order; the
 * comment as nft's userdata TLV. */
static int nat_walk(const struct rtattr *a, int len, int depth, int *exprs, int *be_ok)
{
	int n = 0;

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len), n++)
		if (a->rta_type & NLA_F_NESTED) {
			int sub = 0;

			for (const struct rtattr *c = RTA_DATA(a); RTA_OK(c, (int)RTA_PAYLOAD(a) - sub);
			     c = (const void *)((const char *)c + RTA_ALIGN(c->rta_len)))
				sub += RTA_ALIGN(c->rta_len);
			if (sub != (int)RTA_PAYLOAD(a))
				return -1;
			if ((a->rta_type & ~NLA_F_NESTED) == NFTA_LIST_ELEM)
				++*exprs;
			if (nat_walk(RTA_DATA(a), (int)RTA_PAYLOAD(a), depth + 1, exprs, be_ok) < 0)
				return -1;
		} else if (depth == 3 && RTA_PAYLOAD(a) == 4 && ((const unsigned char *)RTA_DATA(a))[0] > 4) {
			*be_ok = 0;     /* an expression's numbers (depth 3) are below 2^24: first byte 0 */
		}
	return len == 0 ? n : -1;
}

static void test_nat_batch(void)
{
	const char *json = "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
		"\"net\":{\"bridge\":\"br-nsrun\",\"address\":[\"10.88.0.2/24\",\"fd88::2/64\"],\"masquerade\":true,"
		"\"ports\":[{\"host\":8080,\"container\":80},{\"host\":5353,\"container\":53,\"proto\":\"udp\","
		"\"host_address\":\"192.0.2.1\"}]}}";
	static const unsigned char port8080[] = { 0x1f, 0x90 };
	static const struct rtattr port_hdr = { 6, 1 };  /* NFTA_DATA_VALUE's header, in host order */
	int types[NL_REQS], n = 0, exprs = 0, be_ok = 1, walk_ok = 1, prio_ok = 0, port_ok = 0, tag_ok = 0;
	struct cfg c;
	struct nl m;

	err_reset();
	if (cfg_parse(&c, "w.json", json, strlen(json)) < 0) {
		check(0, "nat batch: config", "%s", g_err);
		return;
	}
	nat_batch(&m, &c, NULL);
	for (const struct nlmsghdr *h = m.base; (const char *)h < (const char *)m.h + m.h->nlmsg_len;
	     h = (const void *)((const char *)h + NLMSG_ALIGN(h->nlmsg_len))) {
		const struct nfgenmsg *g = NLMSG_DATA(h);
		const struct rtattr *a = (const void *)((const char *)g + NLMSG_ALIGN(sizeof *g));
		int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof *g));

		types[n++] = h->nlmsg_type;
		if (h->nlmsg_type == NFNL_MSG_BATCH_BEGIN || h->nlmsg_type == NFNL_MSG_BATCH_END) {
			walk_ok &= !(h->nlmsg_flags & NLM_F_ACK) && g->res_id == htons(NFNL_SUBSYS_NFTABLES);
			continue;
		}
		walk_ok &= (h->nlmsg_flags & NLM_F_ACK) && g->nfgen_family == NFPROTO_INET;
		if (nat_walk(a, len, 0, &exprs, &be_ok) < 0)
			walk_ok = 0;
		for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			const unsigned char *d = RTA_DATA(a);

			if (h->nlmsg_type == NFT(NFT_MSG_NEWCHAIN) && a->rta_type == (NFTA_CHAIN_HOOK | NLA_F_NESTED)) {
				const struct rtattr *p = RTA_NEXT((const struct rtattr *)d, len);      /* HOOKNUM, then PRIORITY */
				const unsigned char *v = RTA_DATA(p);

				prio_ok += p->rta_type == NFTA_HOOK_PRIORITY &&
					   ((v[0] == 0xff && v[3] == 0x9c) || (v[0] == 0 && v[3] == 100));
			}
			if (h->nlmsg_type == NFT(NFT_MSG_NEWRULE) && a->rta_type == NFTA_RULE_USERDATA)
				tag_ok += d[0] == 0 && d[1] + 2u <= RTA_PAYLOAD(a) && !d[d[1] + 1] &&
					  !strncmp((const char *)d + 2, "nsrun:web", 9);
			if (h->nlmsg_type == NFT(NFT_MSG_NEWRULE) && a->rta_type == (NFTA_RULE_EXPRESSIONS | NLA_F_NESTED))
				for (size_t i = 0; i + 2 <= RTA_PAYLOAD(a); i++)
					port_ok += !memcmp(d + i, &port_hdr, 4) && !memcmp(d + i + 4, port8080, 2);
		}
	}
	/* begin, table, 3 chains, 2 masquerade, 2 hairpin, 8080 x {v4, v6} x {prerouting, output},
	 * 5353 x 2, end */
	check(n == 16 && types[0] == NFNL_MSG_BATCH_BEGIN && types[1] == NFT(NFT_MSG_NEWTABLE) &&
	      types[2] == NFT(NFT_MSG_NEWCHAIN) && types[5] == NFT(NFT_MSG_NEWRULE) &&
	      types[15] == NFNL_MSG_BATCH_END && !m.overflow && m.count == 16,
	      "nat batch: its messages", "n=%d count=%d", n, m.count);
	check(walk_ok, "nat batch: flags, families and every nest's length", " ");
	check(be_ok, "nat batch: numbers big-endian", " ");
	check(prio_ok == 3, "nat batch: priorities -100, -100, 100 big-endian", "%d", prio_ok);
	check(tag_ok == 10, "nat batch: every rule tagged nsrun:web (nft's comment TLV)", "%d", tag_ok);
	check(port_ok == 4, "nat batch: port 8080 compared in network order", "%d", port_ok);
	/* masq 7 expressions x 2, hairpin 10 x 2, dnat 11 x 6 */
	check(exprs == 2 * 7 + 2 * 10 + 6 * 11, "nat batch: expressions", "%d", exprs);
	cfg_free(&c);
	{       /* the largest: 8 addresses, 12 ports in both families: 64 requests, all in nat_buf */
		char big[2048];
		int k = snprintf(big, sizeof big, "{\"name\":\"web\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"/a\"]},"
				 "\"net\":{\"bridge\":\"br-nsrun\",\"masquerade\":true,\"address\":[");

		for (int i = 0; i < NSRUN_NET_ADDRS; i++)
			k += snprintf(big + k, sizeof big - (size_t)k, i % 2 ? "%s\"fd88::%d/64\"" : "%s\"10.88.0.%d/24\"",
				      i ? "," : "", i + 2);
		k += snprintf(big + k, sizeof big - (size_t)k, "],\"ports\":[");
		for (int i = 0; i < NSRUN_PORTS_MAX; i++)
			k += snprintf(big + k, sizeof big - (size_t)k, "%s{\"host\":%d,\"container\":80}", i ? "," : "", 60000 + i);
		snprintf(big + k, sizeof big - (size_t)k, "]}}");
		err_reset();
		if (cfg_parse(&c, "w.json", big, strlen(big)) < 0) {
			check(0, "nat batch: the largest config", "%s", g_err);
			return;
		}
		nat_batch(&m, &c, NULL);
		check(!m.overflow && m.count == NL_REQS, "nat batch: the largest fits (NL_REQS requests, nat_buf)",
		      "overflow=%d count=%d", m.overflow, m.count);
		cfg_free(&c);
	}
}

/* Attributes as the kernel reads them: sizes, byte order, padding, and a
 * nest whose length covers exactly its children. */
static void test_nl_puts(void)
{
	static const unsigned char be[] = { 0x12, 0x34, 0, 0, 0xde, 0xad, 0xbe, 0xef };
	uint64_t v64 = 0x0102030405060708ULL;
	uint16_t v16 = 0xbeef;
	char buf[256];
	const struct rtattr *a;
	struct rtattr *nest;
	const char *p;
	struct nl m;
	int len;

	nl_init(&m, buf, sizeof buf);
	nl_add(&m, NLMSG_NOOP, 0, 0, "puts", NULL, NULL);
	nl_put_be16(&m, 1, 0x1234);
	nl_put_be32(&m, 2, 0xdeadbeef);
	nl_put_u64(&m, 3, v64);
	nl_put_u8(&m, 4, 0x7f);
	nl_put_u16(&m, 5, v16);
	nest = nl_nest(&m, 6 | NLA_F_NESTED);
	nl_put_be32(&m, 1, 7);
	nl_put_str(&m, 2, "nat");
	nl_nest_end(&m, nest);
	nl_put_u32(&m, 7, 9);
	p = (const char *)NLMSG_DATA(m.h);
	len = (int)m.h->nlmsg_len - NLMSG_HDRLEN;
	check(!m.overflow && attrs_fill(p, len), "puts: attributes fill the message", " ");
	a = attr_find(p, len, 1);
	check(a && a->rta_len == RTA_LENGTH(2) && !memcmp(RTA_DATA(a), be, 2) && RTA_ALIGN(a->rta_len) == 8 &&
	      a == (const void *)p, "puts: be16 is big-endian, padded to 8", " ");
	a = attr_find(p, len, 2);
	check(a && a->rta_len == RTA_LENGTH(4) && !memcmp(RTA_DATA(a), be + 4, 4), "puts: be32 is big-endian", " ");
	a = attr_find(p, len, 3);
	check(a && a->rta_len == RTA_LENGTH(8) && !memcmp(RTA_DATA(a), &v64, 8), "puts: u64 in host order", " ");
	a = attr_find(p, len, 4);
	check(a && a->rta_len == RTA_LENGTH(1) && *(const unsigned char *)RTA_DATA(a) == 0x7f, "puts: u8", " ");
	a = attr_find(p, len, 5);
	check(a && a->rta_len == RTA_LENGTH(2) && !memcmp(RTA_DATA(a), &v16, 2), "puts: u16 in host order", " ");
	a = attr_find(p, len, 6 | NLA_F_NESTED);
	check(a && a->rta_len == RTA_LENGTH(8) + RTA_LENGTH(4) && attrs_fill(RTA_DATA(a), (int)RTA_PAYLOAD(a)) &&
	      attr_str_is(attr_find(RTA_DATA(a), (int)RTA_PAYLOAD(a), 2), "nat"),
	      "puts: a nest's length covers exactly its children", "len=%d", a ? a->rta_len : -1);
	a = attr_find(p, len, 7);
	check(a && *(const uint32_t *)RTA_DATA(a) == 9, "puts: after the nest, at the top level again", " ");
}

/* Replies as the kernel writes them, into BUF at *N. */
static void reply(char *buf, size_t *n, int type, uint32_t seq, int error, const char *ext)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf + *n);
	struct nlmsgerr *e = NLMSG_DATA(h);
	struct rtattr *a = (struct rtattr *)(e + 1);

	memset(h, 0, NLMSG_LENGTH(sizeof *e) + 128);
	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_seq = seq;
	h->nlmsg_len = type == NLMSG_ERROR ? NLMSG_LENGTH(sizeof *e) : NLMSG_LENGTH(sizeof(struct ifinfomsg));
	e->error = -error;
	if (ext) {
		h->nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
		a->rta_type = NLMSGERR_ATTR_MSG;
		a->rta_len = (unsigned short)RTA_LENGTH(strlen(ext) + 1);
		memcpy(RTA_DATA(a), ext, strlen(ext) + 1);
		h->nlmsg_len += RTA_ALIGN(a->rta_len);
	}
	*n += NLMSG_ALIGN(h->nlmsg_len);
}

/* A batch of N requests labelled "request 0".., flags FLAGS[i], as
 * nl_talk() leaves it before reading: request 0 has sequence number 100. */
static void batch(struct nl *m, char *buf, size_t cap, int n, const int *flags)
{
	nl_init(m, buf, cap);
	for (int i = 0; i < n; i++) {
		char what[24];

		snprintf(what, sizeof what, "request %d", i);
		nl_add(m, RTM_NEWLINK, flags ? flags[i] : 0, sizeof(struct ifinfomsg), "%s", what, NULL);
	}
	m->want = m->acks;
	m->seq = 100;
	m->failed = -1;
}

/* nl_replies(): each reply answers the request with its sequence number,
 * in whatever order; the first refused in batch order is the one named. */
static void test_nl_replies(void)
{
	union { char b[1024]; struct nlmsghdr h; } r;
	char buf[512];
	struct nl m;
	size_t n = 0;
	int calls = 0;
	const char *msg = "Attribute failed policy validation";

	batch(&m, buf, sizeof buf, 1, NULL);
	reply(r.b, &n, NLMSG_ERROR, 100, 0, NULL);
	nl_replies(&m, r.b, n, NULL, NULL);
	check(!m.want && m.failed < 0, "reply ACK", "want=%#x failed=%d", (unsigned)m.want, m.failed);
	batch(&m, buf, sizeof buf, 1, NULL);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, 99, EEXIST, NULL);
	reply(r.b, &n, NLMSG_ERROR, 101, EEXIST, NULL);
	nl_replies(&m, r.b, n, NULL, NULL);
	check(m.want == 1 && m.failed < 0, "replies to other batches are skipped", "want=%#x", (unsigned)m.want);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, 100, EEXIST, NULL);
	nl_replies(&m, r.b, n, NULL, NULL);
	check(!m.want && m.failed == 0 && m.err == EEXIST && !*m.ext, "reply error without extack",
	      "failed=%d err=%d ext=%s", m.failed, m.err, m.ext);
	batch(&m, buf, sizeof buf, 1, NULL);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, 100, ERANGE, msg);
	r.h.nlmsg_flags = NLM_F_ACK_TLVS;
	nl_replies(&m, r.b, n, NULL, NULL);
	check(m.err == ERANGE && !*m.ext, "extack ignored without NLM_F_CAPPED", "ext=%s", m.ext);
	batch(&m, buf, sizeof buf, 1, NULL);
	r.h.nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
	nl_replies(&m, r.b, n, NULL, NULL);
	check(m.err == ERANGE && !strcmp(m.ext, msg), "reply error with extack", "ext=%s", m.ext);
	batch(&m, buf, sizeof buf, 1, NULL);
	r.h.nlmsg_len = NLMSG_LENGTH(4);
	nl_replies(&m, r.b, NLMSG_ALIGN(r.h.nlmsg_len), NULL, NULL);
	check(!m.want && m.failed == 0 && m.err == EPROTO, "truncated error reply", "err=%d", m.err);

	/* A dump: its parts go to the callback, its end answers it. */
	batch(&m, buf, sizeof buf, 1, NULL);
	n = 0;
	reply(r.b, &n, RTM_NEWLINK, 100, 0, NULL);
	reply(r.b, &n, RTM_NEWLINK, 100, 0, NULL);
	nl_replies(&m, r.b, n, count_cb, &calls);
	check(m.want == 1 && calls == 2, "dump parts go to the callback", "want=%#x calls=%d", (unsigned)m.want, calls);
	n = 0;
	reply(r.b, &n, NLMSG_DONE, 100, 0, NULL);
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(int));
	nl_replies(&m, r.b, n, NULL, NULL);
	check(!m.want && m.failed < 0, "dump end", "want=%#x failed=%d", (unsigned)m.want, m.failed);
	batch(&m, buf, sizeof buf, 1, NULL);
	r.h.nlmsg_len = NLMSG_HDRLEN;
	nl_replies(&m, r.b, NLMSG_HDRLEN, NULL, NULL);
	check(!m.want && m.failed < 0, "dump end without its error field", "failed=%d", m.failed);
	batch(&m, buf, sizeof buf, 1, NULL);
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(int));
	((struct nlmsgerr *)NLMSG_DATA(&r.h))->error = -EINTR;
	nl_replies(&m, r.b, n, NULL, NULL);
	check(!m.want && m.failed == 0 && m.err == EINTR, "dump end with an error", "err=%d", m.err);

	/* Out of order, over several buffers: done when each is answered. */
	batch(&m, buf, sizeof buf, 3, NULL);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, 102, 0, NULL);
	reply(r.b, &n, NLMSG_ERROR, 100, 0, NULL);
	nl_replies(&m, r.b, n, NULL, NULL);
	check(m.want == 2 && m.failed < 0, "batch: two ACKs out of order, the third awaited", "want=%#x", (unsigned)m.want);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, 101, 0, NULL);
	nl_replies(&m, r.b, n, NULL, NULL);
	check(!m.want && m.failed < 0, "batch: the last ACK completes it", "want=%#x", (unsigned)m.want);

	/* The later refusal arrives first; the earlier one is named. */
	batch(&m, buf, sizeof buf, 4, NULL);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, 103, ENETUNREACH, "Nexthop has invalid gateway");
	reply(r.b, &n, NLMSG_ERROR, 100, 0, NULL);
	reply(r.b, &n, NLMSG_ERROR, 102, 0, NULL);
	reply(r.b, &n, NLMSG_ERROR, 101, EEXIST, NULL);
	nl_replies(&m, r.b, n, NULL, NULL);
	check(!m.want && m.failed == 1 && m.err == EEXIST && !*m.ext,
	      "batch: the first refused in batch order is named, with its own extack", "failed=%d err=%d ext=%s",
	      m.failed, m.err, m.ext);

	/* nfnetlink: begin and end get no answer unless the batch is refused. */
	{
		static const int nf[] = { NL_NOACK, NLM_F_CREATE, NLM_F_CREATE, NL_NOACK };

		batch(&m, buf, sizeof buf, 4, nf);
		check(m.acks == 6, "no-ACK requests expect no answer", "acks=%#x", (unsigned)m.acks);
		n = 0;
		reply(r.b, &n, NLMSG_ERROR, 102, 0, NULL);
		reply(r.b, &n, NLMSG_ERROR, 101, 0, NULL);
		nl_replies(&m, r.b, n, NULL, NULL);
		check(!m.want && m.failed < 0, "no-ACK: the batch completes with the middle ones answered",
		      "want=%#x", (unsigned)m.want);
		batch(&m, buf, sizeof buf, 4, nf);
		n = 0;
		reply(r.b, &n, NLMSG_ERROR, 100, EPERM, NULL);
		nl_replies(&m, r.b, n, NULL, NULL);
		check(!m.want && m.failed == 0 && m.err == EPERM, "no-ACK: a refused batch begin ends the batch",
		      "want=%#x failed=%d", (unsigned)m.want, m.failed);
	}
}

/* nl_talk() and nl_fail() end to end, the kernel played by the other end
 * of a socket pair (replies written before the batch is sent). */
static void test_nl_talk(void)
{
	static const int nf[] = { NL_NOACK, 0, 0, NL_NOACK };
	struct timeval tv = { .tv_usec = 200000 };
	union { char b[1024]; struct nlmsghdr h; } r;
	char buf[512], want[160];
	const struct nlmsghdr *h;
	struct nl m;
	int sv[2], ok = 1;
	size_t n;
	uint32_t s;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		check(0, "talk: socket pair", "%s", strerror(errno));
		return;
	}
	/* begin, two requests, end: answers to the middle two, in two reads */
	batch(&m, buf, sizeof buf, 4, nf);
	s = nl_seq + 1;
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, s + 2, 0, NULL);
	send(sv[1], r.b, n, 0);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, s + 1, 0, NULL);
	send(sv[1], r.b, n, 0);
	check(nl_talk(sv[0], &m, NULL, NULL) == 0, "talk: no-ACK batch, answers out of order", "%s",
	      strerror(errno));
	n = (size_t)recv(sv[1], r.b, sizeof r.b, 0);
	h = &r.h;
	for (int i = 0; i < 4; i++, h = (const void *)((const char *)h + NLMSG_ALIGN(h->nlmsg_len)))
		ok = ok && h->nlmsg_seq == s + (uint32_t)i && !!(h->nlmsg_flags & NLM_F_ACK) == (i == 1 || i == 2);
	check(ok && (const char *)h == r.b + n, "talk: sequence numbers in order, NLM_F_ACK but on begin and end",
	      " ");

	/* an error names its request's label, with the kernel's words */
	batch(&m, buf, sizeof buf, 3, NULL);
	s = nl_seq + 1;
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, s, 0, NULL);
	reply(r.b, &n, NLMSG_ERROR, s + 2, 0, NULL);
	reply(r.b, &n, NLMSG_ERROR, s + 1, EEXIST, "Address already assigned");
	send(sv[1], r.b, n, 0);
	err_reset();
	snprintf(want, sizeof want, "request 1: %s (kernel: Address already assigned)", strerror(EEXIST));
	check(nl_talk(sv[0], &m, NULL, NULL) < 0 && errno == EEXIST && nl_fail(&m) < 0 && errno == EEXIST &&
	      !strcmp(g_err, want), "talk: the refused request is named", "%s", g_err);
	recv(sv[1], r.b, sizeof r.b, 0);

	/* no answer at all: the socket's error names the first awaited */
	batch(&m, buf, sizeof buf, 2, NULL);
	n = 0;
	reply(r.b, &n, NLMSG_ERROR, nl_seq + 1, 0, NULL);
	send(sv[1], r.b, n, 0);
	check(nl_talk(sv[0], &m, NULL, NULL) < 0 && errno == EAGAIN && m.failed == 1,
	      "talk: a socket error names the first unanswered request", "errno=%d failed=%d", errno, m.failed);
	close(sv[0]);
	close(sv[1]);
}

/* A bridge's ports as net_bridge_remove() counts them from a link dump:
 * ports of other bridges and ports marked "nsrun left" do not count; a
 * GET (no master given) yields the link's index and alias. */
static void link_msg(struct nlmsghdr *h, int index, int master, const char *alias)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct rtattr *a;

	memset(h, 0, NLMSG_LENGTH(sizeof *ifi) + 64);
	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_len = NLMSG_LENGTH(sizeof *ifi);
	ifi->ifi_index = index;
	if (master) {
		a = (struct rtattr *)((char *)h + h->nlmsg_len);
		a->rta_type = IFLA_MASTER;
		a->rta_len = RTA_LENGTH(4);
		memcpy(RTA_DATA(a), &master, 4);
		h->nlmsg_len += RTA_ALIGN(a->rta_len);
	}
	if (alias) {
		a = (struct rtattr *)((char *)h + h->nlmsg_len);
		a->rta_type = IFLA_IFALIAS;
		a->rta_len = (unsigned short)RTA_LENGTH(strlen(alias) + 1);
		memcpy(RTA_DATA(a), alias, strlen(alias) + 1);
		h->nlmsg_len += RTA_ALIGN(a->rta_len);
	}
}

static void test_link_ports(void)
{
	union { char b[256]; struct nlmsghdr h; } u;
	static const struct { int index, master; const char *alias; } dump[] = {
		{ 3, 0, NET_ALIAS },            /* the bridge itself */
		{ 4, 3, NULL },                 /* someone's port */
		{ 5, 3, NET_LEFT_ALIAS },       /* a host end left to the kernel */
		{ 6, 3, NET_VETH_ALIAS "web" }, /* a running container's */
		{ 7, 9, NULL },                 /* another bridge's port */
		{ 8, 3, "nsrun left-ish" },
	};
	struct link_info li = { .master = 3 };

	for (size_t i = 0; i < sizeof dump / sizeof dump[0]; i++) {
		link_msg(&u.h, dump[i].index, dump[i].master, dump[i].alias);
		link_info_cb(&u.h, &li);
	}
	check(li.ports == 3, "ports of a bridge, those left to the kernel not counted", "ports=%d", li.ports);
	memset(&li, 0, sizeof li);
	link_msg(&u.h, 12, 3, NET_VETH_ALIAS "web");
	link_info_cb(&u.h, &li);
	check(li.index == 12 && !strcmp(li.alias, "nsrun:web") && li.ports == 0, "a link's index and alias",
	      "index=%d alias=%s ports=%d", li.index, li.alias, li.ports);
}

/* The mountinfo reader: escapes, fstype, super options. */
static void test_mountinfo(void)
{
	char mp[NSRUN_PATH_MAX], ft[32], opts[1024], *longline = malloc(10000);
	FILE *f = tmpfile();
	struct lines l = { .fd = fileno(f) };
	int n = 0, ok = 1;

	memset(longline, 'x', 9999);            /* 2.5 times mi_next's line: skipped whole */
	memcpy(longline, "50 27 0:40 / /long rw - tmpfs none rw,", 38);
	longline[9999] = 0;
	fprintf(f, "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
		"35 27 0:30 / /sys/fs/cgroup/unified rw shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
		"40 27 0:35 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		"%s\n"
		"41 27 0:36 / /mnt/with\\040space rw - tmpfs none rw\n"
		"42 27 0:37 / /last rw - ext4 /dev/sda1 ro", longline);    /* no newline at the end */
	rewind(f);
	while (mi_next(&l, mp, ft, opts)) {
		n++;
		if (n == 2)
			ok &= !strcmp(mp, "/sys/fs/cgroup/unified") && !strcmp(ft, "cgroup2") && !strcmp(opts, "rw,nsdelegate");
		if (n == 3)
			ok &= !strcmp(opts, "rw,memory");
		if (n == 4)
			ok &= !strcmp(mp, "/mnt/with space") && !strcmp(ft, "tmpfs");
		if (n == 5)
			ok &= !strcmp(mp, "/last") && !strcmp(ft, "ext4") && !strcmp(opts, "ro");
	}
	fclose(f);
	free(longline);
	check(ok && n == 5, "mountinfo reader", "n=%d mp=%s", n, mp);
	check(has_word("cpu memory pids\n", "pids") && has_word("cpu memory", "cpu") &&
	      !has_word("cpuset memory", "cpu"), "has_word", " ");
}

/* cfg_where on a few nodes of a pretty-printed config. */
static void test_locate(void)
{
	const char *j = "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [10, {\"d\": \"x\"}],\n    \"e\": true\n  }\n}";
	cJSON *root = cJSON_Parse(j);
	struct ctx x = { "l.json", j, root, NULL, schema, schema_len, 0 };
	const cJSON *b = cJSON_GetObjectItem(root, "b"), *c = cJSON_GetObjectItem(b, "c");
	const cJSON *d = cJSON_GetObjectItem(cJSON_GetArrayItem(c, 1), "d");
	int line, col;

	line_col(j, cfg_where(&x, d, 0), &line, &col);
	check(line == 4 && col == 21, "locate b.c[1].d value", "%d:%d", line, col);
	line_col(j, cfg_where(&x, d, 1), &line, &col);
	check(line == 4 && col == 16, "locate b.c[1].d key", "%d:%d", line, col);
	line_col(j, cfg_where(&x, cJSON_GetObjectItem(b, "e"), 1), &line, &col);
	check(line == 5 && col == 5, "locate b.e key", "%d:%d", line, col);
	line_col(j, cfg_where(&x, cJSON_GetArrayItem(c, 0), 0), &line, &col);
	check(line == 4 && col == 11, "locate b.c[0]", "%d:%d", line, col);
	line_col(j, cfg_where(&x, root, 0), &line, &col);
	check(line == 1 && col == 1, "locate root", "%d:%d", line, col);
	cJSON_Delete(root);
}

static void test_edit_distance(void)
{
	check(edit_distance("hostnme", "hostname") == 1, "edit_distance deletion", " ");
	check(edit_distance("nmae", "name") == 2, "edit_distance swap", " ");
	check(edit_distance("", "abc") == 3 && edit_distance("abc", "abc") == 0, "edit_distance edges", " ");
	check(edit_distance("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a") == 99, "edit_distance long key", " ");
}

/* in_root_open: nothing outside the root is ever opened or created, whatever
 * symlinks and ".." the tree holds. */
/* A temporary BASE with BASE/root and BASE/root/etc, for the in-root walks. */
static int tmp_root(char *base, const char *what)
{
	char p[256];

	if (!mkdtemp(base)) {
		check(0, what, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	snprintf(p, sizeof p, "%s/root", base);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/root/etc", base);
	mkdir(p, 0755);
	return 0;
}

static void test_in_root(void)
{
	char base[] = "/tmp/nsrun-unit.XXXXXX", p[256], q[256];
	struct stat st;
	int root, fd;

	if (tmp_root(base, "in_root setup") < 0)
		return;
	snprintf(p, sizeof p, "%s/root/abs", base);
	symlink("/etc", p);                             /* absolute: stays inside */
	snprintf(p, sizeof p, "%s/root/up", base);
	symlink("../../../../outside", p);              /* climbs: clamps at root */
	snprintf(p, sizeof p, "%s/root/loop", base);
	symlink("loop", p);
	snprintf(p, sizeof p, "%s/root", base);
	root = open(p, O_PATH | O_DIRECTORY);

	fd = in_root_open(root, "/abs/new/dir", 1, 1);
	snprintf(q, sizeof q, "%s/root/etc/new/dir", base);
	check(fd >= 0 && stat(q, &st) == 0 && S_ISDIR(st.st_mode), "in_root absolute symlink stays inside",
	      "fd=%d %s", fd, strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = in_root_open(root, "/up/file", 1, 0);
	snprintf(q, sizeof q, "%s/root/outside/file", base);
	check(fd >= 0 && stat(q, &st) == 0 && S_ISREG(st.st_mode), "in_root relative escape clamps at root",
	      "fd=%d", fd);
	snprintf(q, sizeof q, "%s/outside", base);
	check(stat(q, &st) < 0 && errno == ENOENT, "in_root created nothing outside", " ");
	if (fd >= 0)
		close(fd);
	fd = in_root_open(root, "/../../etc", 0, 1);
	check(fd >= 0, "in_root .. at root stays at root", "fd=%d", fd);
	if (fd >= 0)
		close(fd);
	errno = 0;
	fd = in_root_open(root, "/loop/x", 1, 1);
	check(fd < 0 && errno == ELOOP, "in_root symlink loop is ELOOP", "fd=%d errno=%d", fd, errno);
	fd = in_root_open(root, "/missing/x", 0, 1);
	check(fd < 0 && errno == ENOENT, "in_root without create is ENOENT", "fd=%d", fd);
	close(root);
	snprintf(p, sizeof p, "rm -rf '%s'", base);
	if (system(p) != 0)
		check(0, "in_root cleanup", "%s", p);
}

/* img_head: the first bytes of an image, squashfs or not; the compressor
 * names a failed mount gives. */
static void test_img_head(void)
{
	static const struct {
		const char *name;
		size_t n;               /* bytes "read" */
		size_t at;              /* where the test's bytes go over a valid superblock */
		const char *bytes;
		int rc;                 /* the compressor id, or -1 */
		const char *want;       /* a part of the reason */
	} t[] = {
		{ "squashfs 4.0, zstd", IMG_HEAD, 0, "", 6, "" },
		{ "squashfs, version 3.0", IMG_HEAD, 28, "\x03", -1, "squashfs version 3.0 (Linux reads only 4.0)" },
		{ "squashfs, larger than its file", IMG_HEAD, 41, "\x20", -1,
		  "truncated: its superblock says 8192 bytes, the file has 4096" },
		{ "squashfs, shorter than its superblock", 50, 0, "", -1, "truncated: 50 bytes" },
		{ "big-endian squashfs", IMG_LOOK, 0, "sqsh", -1, "(it looks like a big-endian squashfs" },
		{ "ext4", IMG_LOOK, 1080, "\x53\xef", -1, "not a squashfs image (it looks like an ext2/3/4 file system)" },
		{ "gzip", IMG_LOOK, 0, "\x1f\x8b", -1, "not a squashfs image (it looks like gzip-compressed data)" },
		{ "text", 12, 0, "hello world\n", -1, "not a squashfs image (it looks like text)" },
		{ "binary", IMG_LOOK, 0, "\x01\x02\x03\x04", -1, "not a squashfs image" },
		{ "empty", 0, 0, "", -1, "an empty file, not a squashfs image" },
	};
	static unsigned char h[IMG_LOOK];
	char why[160], name[80];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc;

		memset(h, 0, sizeof h);
		memcpy(h, "hsqs", 4);
		h[20] = 6;                      /* zstd */
		h[28] = 4;                      /* version 4.0 */
		h[41] = 0x10;                   /* bytes_used 4096 */
		if (i == 5 || i == 8)
			memset(h, 0, IMG_HEAD);
		memcpy(h + t[i].at, t[i].bytes, strlen(t[i].bytes));
		why[0] = 0;
		rc = img_head(h, t[i].n, 4096, why, sizeof why);
		snprintf(name, sizeof name, "img_head: %s", t[i].name);
		check(rc == t[i].rc && strstr(why, t[i].want) &&
		      (i != 8 || !strstr(why, "looks like")), name, "rc=%d why=%s", rc, why);
	}
	/* only the superblock read: an ext4 image is not looked at further */
	memset(h, 0, sizeof h);
	h[1080] = 0x53, h[1081] = 0xef;
	check(img_head(h, IMG_HEAD, 0, why, sizeof why) == -1 && !strcmp(why, "not a squashfs image"),
	      "img_head: only the superblock read", "why=%s", why);
	check(sizeof sqfs_comp / sizeof sqfs_comp[0] == 7 && !*sqfs_comp[0][0] &&
	      !strcmp(sqfs_comp[1][0], "gzip") && !strcmp(sqfs_comp[1][1], "ZLIB") &&
	      !strcmp(sqfs_comp[2][0], "lzma") && !*sqfs_comp[2][1] &&
	      !strcmp(sqfs_comp[3][0], "lzo") && !strcmp(sqfs_comp[3][1], "LZO") &&
	      !strcmp(sqfs_comp[4][0], "xz") && !strcmp(sqfs_comp[4][1], "XZ") &&
	      !strcmp(sqfs_comp[5][0], "lz4") && !strcmp(sqfs_comp[5][1], "LZ4") &&
	      !strcmp(sqfs_comp[6][0], "zstd") && !strcmp(sqfs_comp[6][1], "ZSTD"),
	      "squashfs compressor names by id", " ");
	/* features' codec probe: a whole squashfs (its superblock's size is
	 * the image's), lz4 with its options block, and each kprobes codec
	 * row given the id of the compressor of its name */
	check(img_head((const unsigned char *)codec_img, sizeof codec_img, sizeof codec_img, why, sizeof why) == 5 &&
	      get_le((const unsigned char *)codec_img + 40, 8) == sizeof codec_img &&
	      get_le((const unsigned char *)codec_img + 24, 2) & 0x400, "features: the codec probe's image", "why=%s", why);
	for (int i = 0; i < 5; i++) {
		const char *f[4], *p = kprobes;         /* row K_CODECS + i of the table */

		for (int j = 0; j < (K_CODECS + i) * 4 + 4; j++, p += strlen(p) + 1)
			f[j % 4] = p;
		snprintf(name, sizeof name, "features: the codec probe's id of %s", f[KP_NAME]);
		check(!strcmp(sqfs_comp[codec_ids[i]][0], f[KP_NAME]) &&
		      !strncmp(f[KP_CONFIG], "SQUASHFS_", 9) && !strcmp(f[KP_CONFIG] + 9, sqfs_comp[codec_ids[i]][1]),
		      name, "id %d", codec_ids[i]);
	}
}

/* The stderr that FN writes, into BUF. */
static void capture_stderr(void (*fn)(const char *), const char *arg, char *buf, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(f), 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

/* Teardown after the app ran never writes g_err (main would print it as
 * an error while exiting with the app's status): a bridge that cannot be
 * locked is a warning that says it may be left. */
static void test_teardown_warns(void)
{
	char err[512], dir[] = "/tmp/nsrun-unit.XXXXXX";
	int saved = g_rundir;

	err_reset();
	g_rundir = -1;                          /* net_lock's openat fails: EBADF */
	capture_stderr(net_bridge_remove, "rtbr0", err, sizeof err);
	check(!g_err[0] && !strcmp(err, "nsrun: warning: bridge rtbr0 may be left: lock " NSRUN_RUNDIR
					": Bad file descriptor\n"),
	      "bridge teardown: no lock is one warning line, not an error", "g_err='%s' stderr='%s'", g_err, err);
	if (!mkdtemp(dir) || (g_rundir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		check(0, "bridge teardown: a bridge already gone is silent", "temporary directory: %s", strerror(errno));
	} else {
		capture_stderr(net_bridge_remove, "rtnone0", err, sizeof err);
		check(!g_err[0] && !err[0], "bridge teardown: a bridge already gone is silent",
		      "g_err='%s' stderr='%s'", g_err, err);
		close(g_rundir);
	}
	rmdir(dir);
	g_rundir = saved;
}

/* mnt_open, with openat2 and with the hand walk it falls back to: targets
 * stay inside the root; O_NOFOLLOW | O_DIRECTORY refuses a symlink at the
 * target (an image's /proc or /dev) with ENOTDIR. */
static void test_mnt_open(void)
{
	char base[] = "/tmp/nsrun-unit.XXXXXX", p[256], name[96];
	struct stat st, want;
	int root, fd;

	if (tmp_root(base, "mnt_open setup") < 0)
		return;
	snprintf(p, sizeof p, "%s/root/sys", base);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/root/sys/fs", base);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/root/proc", base);
	symlink("/etc", p);                             /* absolute: to the root's /etc */
	snprintf(p, sizeof p, "%s/root/dev", base);
	symlink("../../../..", p);                      /* climbs: to the root itself */
	snprintf(p, sizeof p, "%s/root/etc", base);
	stat(p, &want);
	snprintf(p, sizeof p, "%s/root", base);
	root = open(p, O_PATH | O_DIRECTORY);

	for (int hand = 0; hand < 2; hand++) {
		g_no_openat2 = hand;
		errno = 0;
		fd = mnt_open(root, "/proc", O_NOFOLLOW | O_DIRECTORY);
		snprintf(name, sizeof name, "mnt_open refuses a symlinked /proc (%s)", hand ? "by hand" : "openat2");
		check(fd < 0 && errno == ENOTDIR, name, "fd=%d errno=%d", fd, errno);
		errno = 0;
		fd = mnt_open(root, "/dev", O_NOFOLLOW | O_DIRECTORY);
		snprintf(name, sizeof name, "mnt_open refuses a symlinked /dev (%s)", hand ? "by hand" : "openat2");
		check(fd < 0 && errno == ENOTDIR, name, "fd=%d errno=%d", fd, errno);
		fd = mnt_open(root, "/sys/fs", O_NOFOLLOW | O_DIRECTORY);
		snprintf(name, sizeof name, "mnt_open opens a real directory (%s)", hand ? "by hand" : "openat2");
		check(fd >= 0, name, "fd=%d errno=%d", fd, errno);
		if (fd >= 0)
			close(fd);
		fd = mnt_open(root, "/proc", 0);
		snprintf(name, sizeof name, "mnt_open follows inside the root (%s)", hand ? "by hand" : "openat2");
		check(fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == want.st_ino && st.st_dev == want.st_dev, name,
		      "fd=%d", fd);
		if (fd >= 0)
			close(fd);
		fd = mnt_open(root, "/dev/etc", 0);
		snprintf(name, sizeof name, "mnt_open clamps .. at the root (%s)", hand ? "by hand" : "openat2");
		check(fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == want.st_ino && st.st_dev == want.st_dev, name,
		      "fd=%d", fd);
		if (fd >= 0)
			close(fd);
	}
	g_no_openat2 = 0;
	close(root);
	snprintf(p, sizeof p, "rm -rf '%s'", base);
	if (system(p) != 0)
		check(0, "mnt_open cleanup", "%s", p);
}

/* strfmt (nsrun's printf) against libc's snprintf, at every buffer size from
 * 0 to past the whole output: the same bytes, the same NUL, the same return. */
static int fmt_bad;

#define FMT_SAME(...) do {								\
	char a_[96], b_[96];								\
	for (size_t n_ = 0; n_ <= sizeof a_; n_++) {					\
		int ra_, rb_;								\
		memset(a_, 'A', sizeof a_), memset(b_, 'A', sizeof b_);			\
		ra_ = strfmt(a_, n_, __VA_ARGS__);					\
		rb_ = snprintf(b_, n_, __VA_ARGS__);					\
		if (ra_ != rb_ || memcmp(a_, b_, sizeof a_)) {				\
			if (fmt_bad++ < 5)						\
				printf("    | line %d, size %zu: strfmt %d '%.*s', snprintf %d '%.*s'\n",	\
				       __LINE__, n_, ra_, (int)n_, a_, rb_, (int)n_, b_);	\
			break;								\
		}									\
	}										\
} while (0)

static void test_fmt(void)
{
	static const char *const strs[] = { "", "a", "abcdefghi", "abcdefghij", "with space\ttab\n",
		"0123456789012345678901234567890123456789012345678901234567890123456789" };
	static const int ints[] = { 0, 1, -1, 9, 10, -10, 255, 4096, INT_MAX, INT_MIN, INT_MIN + 1 };
	static const long long lls[] = { 0, 1, -1, 1000000007, -4611686018427387904LL, LLONG_MAX, LLONG_MIN };
	static const unsigned long long ulls[] = { 0, 1, 7, 8, 15, 16, 0777, 4294967295ULL, 4294967296ULL,
		18446744073709551615ULL, 1ULL << 63 };

	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		const char *s = strs[i];

		FMT_SAME("%s", s);
		FMT_SAME("[%s]", s);
		FMT_SAME("x%sy%sz", s, s);
		FMT_SAME("%-9s|", s);
		FMT_SAME("%9s|", s);
		FMT_SAME("%.64s", s);
		FMT_SAME("%.3s", s);
		FMT_SAME("%.0s|", s);
		FMT_SAME("%s.%.32s", s, s);
		for (int p = -2; p < 12; p++)
			FMT_SAME("%.*s|%s", p, s, s);
	}
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		int v = ints[i];

		FMT_SAME("%d", v);
		FMT_SAME("%u", (unsigned)v);
		FMT_SAME("%o", (unsigned)v);
		FMT_SAME("%x", (unsigned)v);
		FMT_SAME("%02x", (unsigned)v & 0xff);
		FMT_SAME("\\x%02x", (unsigned)v);
		FMT_SAME("%05d|%-5d|%5d", v, v, v);
		FMT_SAME("%ld", (long)v * 3);
		FMT_SAME("%c%c", (char)v, 'q');
		FMT_SAME("/proc/%d/%s", v, "uid_map");
		FMT_SAME("%u %u %u\n", (unsigned)v, (unsigned)v + 1, 1u);
		FMT_SAME("mode=%o", (unsigned)v & 07777);
	}
	for (size_t i = 0; i < sizeof lls / sizeof lls[0]; i++) {
		FMT_SAME("%d %lld 0\n%d %lld 0\n", 1, lls[i], 7, -lls[i] / 2);
		FMT_SAME("%ld", (long)lls[i]);
	}
	for (size_t i = 0; i < sizeof ulls / sizeof ulls[0]; i++) {
		FMT_SAME("%llu", ulls[i]);
		FMT_SAME("%zu", (size_t)ulls[i]);
		FMT_SAME("size=%llu,%s", ulls[i], "x");
	}
	FMT_SAME("100%% %s%%", "sure");
	FMT_SAME("%s", "");
	FMT_SAME("no conversion at all");
	check(!fmt_bad, "strfmt matches snprintf", "%d mismatches", fmt_bad);
}

/* fdfmt: a line longer than its 256-byte pieces comes out whole. */
static void test_fdfmt(void)
{
	char want[2048], got[2048] = "", big[1500];
	FILE *f = tmpfile();
	size_t n;

	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = 0;
	snprintf(want, sizeof want, "nsrun: %s: %d %-9s|%llu\n", big, -5, "x", 18446744073709551615ULL);
	fdfmt(fileno(f), "nsrun: %s: %d %-9s|%llu\n", big, -5, "x", 18446744073709551615ULL);
	rewind(f);
	n = fread(got, 1, sizeof got - 1, f);
	got[n] = 0;
	fclose(f);
	check(!strcmp(got, want), "fdfmt writes a long line whole", "%zu bytes, want %zu", n, strlen(want));
}

/* Every format in nsrun.c and nsrun.h stays inside what strfmt knows: any
 * '%' in a string literal starts one of %s %c %d %u %o %x %% with flags '-'
 * and '0', a width, l, ll or z, and for %s a precision ('.' and digits or
 * '*').  (gcc's -Wformat would let any of printf's through.) */
static int fmt_in_subset(const char *p, const char **end)
{
	int prec = 0;

	p += strspn(p + 1, "-0") + 1;
	p += strspn(p, "0123456789");
	if (*p == '.')
		prec = 1, p += p[1] == '*' ? 2 : 1 + strspn(p + 1, "0123456789");
	if (*p == 'z' || (*p == 'l' && p[1] != 'l'))
		p++;
	else if (*p == 'l')
		p += 2;
	*end = p;
	return *p && strchr(prec ? "s" : "scduox%", *p);
}

static void test_fmt_subset(void)
{
	static const char *const files[] = { "nsrun.c", "nsrun.h" };
	char dir[PATH_MAX], path[PATH_MAX + 16], bad[128] = "";
	int nfmt = 0, nbad = 0;

	/* __FILE__ is tests/unit.c as the compiler saw it */
	snprintf(dir, sizeof dir, "%s", __FILE__);
	*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		static char text[1 << 20];
		FILE *f;
		size_t len;
		const char *p, *e;

		snprintf(path, sizeof path, "%s%s../%s", dir, *dir ? "/" : "", files[i]);
		if (!(f = fopen(path, "r"))) {
			check(0, "formats stay in strfmt's subset", "open %s: %s", path, strerror(errno));
			return;
		}
		len = fread(text, 1, sizeof text - 1, f);
		text[len] = 0;
		fclose(f);
		for (p = text; *p; p++) {
			if (p[0] == '/' && p[1] == '*') {               /* a comment */
				p = strstr(p + 2, "*/");
				if (!p)
					break;
				p++;
			} else if (p[0] == '/' && p[1] == '/') {
				p += strcspn(p, "\n");
			} else if (*p == '\'') {                        /* a character constant */
				for (p++; *p && *p != '\''; p++)
					p += *p == '\\';
				if (!*p)
					break;
			} else if (*p == '"') {                         /* a string literal */
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\') {
						p++;
					} else if (*p == '%') {
						nfmt++;
						if (fmt_in_subset(p, &e)) {
							p = e;
						} else if (nbad++ == 0) {
							snprintf(bad, sizeof bad, "%s: \"%.20s\"", files[i], p);
						}
					}
				}
				if (!*p)
					break;
			}
		}
	}
	check(!nbad && nfmt > 100, "formats stay in strfmt's subset", "%d of %d outside it, first %s",
	      nbad, nfmt, bad);
}

/* scan_num against libc's strtoull on what nsrun gives it: blanks, digits
 * of the base, long runs (a quarter of them digits only: overflow), junk
 * after; never a sign or "0x". */
static void test_scan_num(void)
{
	static const char alphabet[] = "  \t0000111789999aAfFgx:";
	static const unsigned bases[] = { 8, 10, 16 };
	unsigned long long x = 0x9E3779B97F4A7C15ULL;
	char str[40], first[160] = "";
	int bad = 0;

	static const char *const edges[] = {                    /* around ULLONG_MAX, base 10, 8, 16 */
		"18446744073709551615", "18446744073709551616", "18446744073709551619", "18446744073709551620",
		"1777777777777777777777", "2000000000000000000000", "ffffffffffffffff", "10000000000000000",
	};

	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		unsigned base = i < 4 ? 10 : i < 6 ? 8 : 16;
		char *e1, *e2;
		unsigned long long v1, v2;
		int err1;

		errno = 0;
		v1 = scan_num(edges[i], &e1, base);
		err1 = errno;
		errno = 0;
		v2 = strtoull(edges[i], &e2, (int)base);
		if ((v1 != v2 || e1 != e2 || err1 != errno) && !bad++)
			snprintf(first, sizeof first, "base %u \"%s\": %llu, strtoull %llu", base, edges[i], v1, v2);
	}
	for (int i = 0; i < 300000; i++) {
		unsigned base = bases[i % 3];
		size_t len;
		const char *digits;
		char *e1, *e2;
		unsigned long long v1, v2;
		int err1, err2;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		len = (size_t)(x % 30);
		for (size_t k = 0; k < len; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;        /* xorshift64 */
			str[k] = i % 4 ? alphabet[x % (sizeof alphabet - 1)] : "0123456789abcdef"[x % base];
		}
		str[len] = 0;
		digits = str + strspn(str, " \t");
		if (base == 16 && digits[0] == '0' && (digits[1] | 32) == 'x')
			continue;                                       /* strtoull's "0x" */
		errno = 0;
		v1 = scan_num(str, &e1, base);
		err1 = errno == ERANGE;
		errno = 0;
		v2 = strtoull(str, &e2, (int)base);
		err2 = errno == ERANGE;                 /* (musl's also says EINVAL for no digits) */
		if ((v1 != v2 || e1 != e2 || err1 != err2) && !bad++)
			snprintf(first, sizeof first, "base %u \"%s\": %llu +%d %d, strtoull %llu +%d %d", base, str,
				 v1, (int)(e1 - str), err1, v2, (int)(e2 - str), err2);
	}
	check(!bad, "scan_num matches strtoull", "%d differ; first %s", bad, first);
}

/* clock_read, the raw syscall (64-bit time on 32-bit arches), against libc's
 * clock_gettime: the same clock, a moment apart. */
static void test_clock_read(void)
{
	static const clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME };
	int ok = 1;

	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct timespec before, after;
		long long sec, nsec;

		clock_gettime(ids[i], &before);
		ok &= clock_read(ids[i], &sec, &nsec) == 0;
		clock_gettime(ids[i], &after);
		ok &= sec >= (long long)before.tv_sec && sec <= (long long)after.tv_sec && nsec >= 0 &&
		      nsec < 1000000000 && (sec > 1000000000 || ids[i] != CLOCK_REALTIME);
	}
	check(ok, "clock_read matches clock_gettime", " ");
}

/* Does the zero run at the start of IPv6 address A (two groups or more)
 * tie with the longest later one?  musl's inet_ntop then shortens the later
 * run, glibc's (and RFC 5952, and ip_str) the first. */
#ifdef __GLIBC__
#define NTOP_RFC5952 1
#else
#define NTOP_RFC5952 0
#endif
static int leading_tie(const unsigned char *a)
{
	int lead = 0, later = 0, run = 0;

	for (int i = 0; i <= 8; i++) {
		if (i < 8 && !a[2 * i] && !a[2 * i + 1]) {
			run++;
			continue;
		}
		if (run == i)
			lead = run;
		else if (run > later)
			later = run;
		run = 0;
	}
	return lead >= 2 && lead == later;
}

/* ip_str against libc's inet_ntop: IPv4; IPv6 of every shape of zero runs
 * (ties, at the start, at the end, all zero), IPv4-mapped.  Where it writes
 * otherwise than glibc: an IPv4-compatible address (::/96, the 7th group
 * not zero), which glibc writes ::a.b.c.d and musl (whose inet_ntop nsrun
 * used) in hex, as ip_str.  Under musl (the cross tier), a run at the start
 * tied with a later one is left to the fixed cases. */
static void test_ip_str(void)
{
	static const struct { const char *in, *out; } fixed[] = {
		{ "::", "::" }, { "::1", "::1" }, { "1::", "1::" }, { "fe80::1", "fe80::1" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" }, { "2001:db8::", "2001:db8::" },
		{ "0:0:1:0:0:1:1:1", "::1:0:0:1:1:1" }, { "1:0:1:1:1:1:1:1", "1:0:1:1:1:1:1:1" },
		{ "::ffff:10.42.0.2", "::ffff:10.42.0.2" }, { "::ffff:0.0.0.0", "::ffff:0.0.0.0" },
		{ "::1.2.3.4", "::102:304" }, { "::255.255.255.255", "::ffff:ffff" }, { "::0.1.0.0", "::1:0" },
		{ "FD42:ABCD::2", "fd42:abcd::2" }, { "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8" },
	};
	unsigned char a[16];
	char got[INET6_ADDRSTRLEN], want[INET6_ADDRSTRLEN], first[160] = "";
	unsigned long long x = 0x2545F4914F6CDD1DULL;
	int bad = 0;

	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		if (inet_pton(AF_INET6, fixed[i].in, a) != 1 || strcmp(ip_str(AF_INET6, a, got), fixed[i].out)) {
			if (!bad++)
				snprintf(first, sizeof first, "%s: '%s', want '%s'", fixed[i].in, got, fixed[i].out);
		}
	}
	for (int i = 0; i < 200000; i++) {
		int v4 = i % 4 == 0;

		for (int k = 0; k < 16; k += 2) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;        /* xorshift64 */
			switch (x % 8) {
			case 0: case 1: case 2: case 3: a[k] = a[k + 1] = 0; break;
			case 4: a[k] = 0, a[k + 1] = 1; break;
			case 5: a[k] = a[k + 1] = 0xff; break;
			case 6: a[k] = 0, a[k + 1] = (unsigned char)(x >> 20); break;
			default: a[k] = (unsigned char)(x >> 12), a[k + 1] = (unsigned char)(x >> 28); break;
			}
		}
		if (i % 16 == 1)                                        /* IPv4-mapped */
			memcpy(a, "\0\0\0\0\0\0\0\0\0\0\377\377", 12);
		if (v4) {
			memcpy(a, &x, 4);
			inet_ntop(AF_INET, a, want, sizeof want);
		} else if (!memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) && (a[12] || a[13])) {
			snprintf(want, sizeof want, "::%x:%x", a[12] << 8 | a[13], a[14] << 8 | a[15]);
		} else if (!NTOP_RFC5952 && leading_tie(a)) {
			continue;                               /* (the fixed cases have one) */
		} else {
			inet_ntop(AF_INET6, a, want, sizeof want);
		}
		if (strcmp(ip_str(v4 ? AF_INET : AF_INET6, a, got), want) && !bad++)
			snprintf(first, sizeof first, "'%s', inet_ntop '%s'", got, want);
	}
	check(!bad, "ip_str matches inet_ntop", "%d differ; first %s", bad, first);
}

/* What libc's inet_pton makes of S, asked as parse_addr asked it before
 * ip_parse: AF_INET, then AF_INET6.  The family or 0; its bytes in A. */
static int libc_pton(const char *s, unsigned char *a)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1)
		return AF_INET;
	memset(a, 0, 16);
	return inet_pton(AF_INET6, s, a) == 1 ? AF_INET6 : 0;
}

/* S three ways against libc_pton: ip_parse, parse_addr without a prefix,
 * and (S without a '/') parse_addr of "S/7".  NULL when all agree (the
 * bytes when S is an address), else which differs. */
static const char *ip_parse_differs(const char *s)
{
	unsigned char want[16], got[16] = { 0 };
	struct net_addr na;
	char t[128];
	int fam = libc_pton(s, want), ok;

	if (ip_parse(s, s + strlen(s), got) != fam || (fam && memcmp(got, want, 16)))
		return "ip_parse";
	ok = parse_addr(s, 0, 0, &na) == 0;
	if (ok != !!fam || (ok && (na.family != fam || memcmp(na.a, want, 16) ||
				   na.prefix != (fam == AF_INET ? 32u : 128u))))
		return "parse_addr";
	if (strchr(s, '/') || strlen(s) > 100)
		return NULL;
	snprintf(t, sizeof t, "%s/7", s);
	ok = parse_addr(t, 1, 0, &na) == 0;
	if (ok != !!fam || (ok && (na.family != fam || memcmp(na.a, want, 16) || na.prefix != 7)))
		return "parse_addr with a prefix";
	return NULL;
}

/* ip_parse (musl's inet_pton rules, which it replaced) against the C
 * library's inet_pton: glibc here, musl in the cross tier; the two agree
 * on every case below (and on every string over 0125afFg.: up to 7 bytes,
 * checked when it was written).  The edge cases, each with the verdict
 * both give; then random strings over hex digits, '.', ':' and a few
 * others, and near-addresses: groups, "::", a dotted quad, one byte
 * changed or not. */
static void test_ip_parse(void)
{
	static const struct { const char *s; int fam; } t[] = {
		{ "0.0.0.0", 4 }, { "255.255.255.255", 4 }, { "10.42.0.2", 4 }, { "1.2.3.4", 4 },
		{ "256.1.1.1", 0 }, { "1.2.3.256", 0 }, { "01.2.3.4", 0 }, { "1.2.3.04", 0 },
		{ "1.2.3.00", 0 }, { "00.0.0.0", 0 }, { "1234.1.1.1", 0 }, { "4294967297.0.0.0", 0 },
		{ "1.2.3.4294967297", 0 }, { "1.2.3", 0 }, { "1.2.3.", 0 }, { ".1.2.3.4", 0 },
		{ "1..2.3", 0 }, { "1.2.3.4.5", 0 }, { "1.2.3.4 ", 0 }, { " 1.2.3.4", 0 },
		{ "1.2.3.4x", 0 }, { "0x1.2.3.4", 0 }, { "+1.2.3.4", 0 }, { "1.2.3.-4", 0 },
		{ "1.2.3.4/24", 0 }, { "1.2.3.\xb4", 0 }, { "", 0 },
		{ "::", 6 }, { "::1", 6 }, { "1::", 6 }, { "fe80::1", 6 }, { "::ffff:1.2.3.4", 6 },
		{ "::1.2.3.4", 6 }, { "::0.0.0.0", 6 }, { "1::2:3:4:5:6:7", 6 }, { "1:2:3:4:5:6:7::", 6 },
		{ "::2:3:4:5:6:7:8", 6 }, { "1:2:3:4:5:6:7:8", 6 }, { "1:0:0:0:0:0:0:8", 6 },
		{ "1:2:3:4:5:6:1.2.3.4", 6 }, { "1::2:3:4:5:1.2.3.4", 6 }, { "::2:3:4:5:6:1.2.3.4", 6 },
		{ "FD42:ABCD::2", 6 }, { "fd42:AbCd::2", 6 }, { "0000:0000::0000", 6 }, { "0:0::0", 6 },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 6 },
		{ ":::", 0 }, { "1:::2", 0 }, { "::1::", 0 }, { "1::2::3", 0 }, { ":1::", 0 }, { "::1:", 0 },
		{ "1:", 0 }, { ":1", 0 }, { ":", 0 }, { "1:2:3:4:5:6:7", 0 }, { "1:2:3:4:5:6:7:8:9", 0 },
		{ "1:2:3:4:5:6:7:8::", 0 }, { "::1:2:3:4:5:6:7:8", 0 }, { "1::2:3:4:5:6:7:8", 0 },
		{ "1:2:3:4::5:6:7:8", 0 }, { "12345::", 0 }, { "00000::1", 0 }, { "::10000", 0 },
		{ "g::", 0 }, { "::1.2.3.4:5", 0 }, { "1.2.3.4::", 0 }, { "::1.2.3", 0 }, { "::1.2.3.4.5", 0 },
		{ "::256.1.1.1", 0 }, { "::01.2.3.4", 0 }, { "1:2:3:4:5:6:7:1.2.3.4", 0 },
		{ "1:2:3:4:5:1.2.3.4", 0 }, { "1:2:3:4:5:6::1.2.3.4", 0 }, { "::1:2:3:4:5:6:1.2.3.4", 0 },
		{ "::ffff:1a.2.3.4", 0 }, { "::1234.5.6.7", 0 }, { "::ffff:1.2.3.4 ", 0 }, { "1::x", 0 },
		{ "fe80::1%eth0", 0 }, { "[::1]", 0 }, { "::-1", 0 }, { " ::1", 0 }, { "::1 ", 0 },
		{ "::1/64", 0 }, { "1:2:3:4:5:6:7:8/64", 0 },
	};
	static const char *const alphabets[] = {
		"0123456789abcdefABCDEF.:", "0123456789abcdefABCDEF.:", "0:.1fF", "0123456789.", ":.0",
		"0123456789abcdefABCDEF.: /gx-\xff",
	};
	static const char *const bits[] = {
		":", "::", ".", "0", "1", "00", "255", "256", "ffff", "FFFF", "12345", "1.2.3.4", "a", "g",
		"01", "::ffff:", "1:2:3:4:5:6", "7", "999", "/", " ",
	};
	unsigned long long x = 0x9E3779B97F4A7C15ULL;
	char s[80], first[160] = "";
	const char *why;
	int bad = 0, n4 = 0, n6 = 0;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		unsigned char a[16];
		int fam = libc_pton(t[i].s, a), want = t[i].fam == 4 ? AF_INET : t[i].fam == 6 ? AF_INET6 : 0;

		if ((fam != want || (why = ip_parse_differs(t[i].s))) && !bad++)
			snprintf(first, sizeof first, "\"%s\": %s", t[i].s,
				 fam != want ? "inet_pton's verdict is not the table's" : why);
	}
	for (int i = 0; i < 300000; i++) {
		size_t len = 0;
		unsigned char a[16];
		int fam;

#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17)       /* xorshift64 */
		if (i % 3 == 0) {                       /* random bytes */
			const char *al = alphabets[RND() % (sizeof alphabets / sizeof alphabets[0])];

			for (size_t k = RND() % 40; k > 0; k--)
				s[len++] = al[RND() % strlen(al)];
		} else if (i % 3 == 1) {                /* random pieces */
			for (int k = (int)(RND() % 14); k > 0; k--) {
				const char *b = bits[RND() % (sizeof bits / sizeof bits[0])];

				if (len + strlen(b) >= 60)
					break;
				memcpy(s + len, b, strlen(b));
				len += strlen(b);
			}
		} else {                                /* groups, "::" or not, a quad or not */
			int g = (int)(RND() % 10), brk = RND() % 3 ? (int)(RND() % (unsigned)(g + 1)) : -1;
			int quad = RND() % 3 == 0;

			if (!g)                         /* the quad alone */
				g = 1, brk = -1, quad = 1;

			for (int k = 0; k < g; k++) {
				unsigned v = (unsigned)(RND() % 0x10000);

				if (k == brk && !k)
					s[len++] = ':';
				if (k == brk)
					s[len++] = ':';
				if (k)
					s[len++] = ':';
				if (k == g - 1 && quad) {
					unsigned b0 = (unsigned)(RND() % 300);

					len += (size_t)snprintf(s + len, sizeof s - len, "%u.%u.%u.%u", b0, v >> 8, v & 255,
								(unsigned)(RND() % 256));
				} else {
					if (RND() % 2)
						v %= 16;
					len += (size_t)snprintf(s + len, sizeof s - len, RND() % 2 ? "%x" : "%X", v);
				}
			}
			if (brk == g)
				s[len++] = ':', s[len++] = ':';
			if (RND() % 4 == 0 && len) {    /* one byte changed */
				size_t at = RND() % len;

				s[at] = "0:.aG1 "[RND() % 7];
			}
		}
#undef RND
		s[len] = 0;
		fam = libc_pton(s, a);
		n4 += fam == AF_INET;
		n6 += fam == AF_INET6;
		if ((why = ip_parse_differs(s)) && !bad++)
			snprintf(first, sizeof first, "\"%s\": %s", s, why);
	}
	check(!bad && n4 > 5000 && n6 > 10000, "ip_parse matches inet_pton",
	      "%d differ (first %s); %d IPv4, %d IPv6 of 300000 random", bad, first, n4, n6);
}

/* The feature table reaches --version: every row, +name when built in. */
static void test_version(void)
{
	char buf[1024] = "";
	FILE *f = tmpfile();
	int saved = dup(1), ok = 1;

	fflush(stdout);
	dup2(fileno(f), 1);
	v_version(0, NULL);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(f);
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
#define X(name, FLAG, what) ok &= strstr(buf, WITH_##FLAG ? " +" #name : " -" #name) != NULL;
	NSRUN_FEATURES(X)
#undef X
	check(!strncmp(buf, "nsrun " NSRUN_VERSION " ", 7 + strlen(NSRUN_VERSION)) && ok,
	      "--version lists the feature table", "%s", buf);
}

/* ---- seccomp: the table's names as nsrun carries them ----------------------- */

/* The table's names, each ended by a NUL (what nsrun's sc_pk packs). */
static const char sc_plain[] =
#define X(name, tag, rule) #name "\0"
	NSRUN_SYSCALLS(X) "@default";
#undef X

/* A canonical Huffman code over symbols 0..N-1: COUNT[l] codes of length
 * l + 1, SYM the symbols in code order (by length, then value), CODE and
 * LEN each symbol's. */
struct huff {
	unsigned char count[12], sym[256], len[256];
	unsigned code[256];
	int nsym;
};

/* The code for FREQ[0..N) (0: a symbol never used): Huffman's merging of
 * the two rarest, then canonical codes; -1 when a code is over 12 bits. */
static int huff_make(const unsigned *freq, int n, struct huff *h)
{
	unsigned w[512];
	int up[512], alive[512], nodes = n;

	memset(h, 0, sizeof *h);
	for (int i = 0; i < n; i++)
		w[i] = freq[i], up[i] = -1, alive[i] = freq[i] > 0;
	for (;;) {
		int a = -1, b = -1;

		for (int i = 0; i < nodes; i++)
			if (alive[i] && (a < 0 || w[i] < w[a]))
				a = i;
		for (int i = 0; i < nodes; i++)
			if (alive[i] && i != a && (b < 0 || w[i] < w[b]))
				b = i;
		if (b < 0)
			break;
		w[nodes] = w[a] + w[b], up[nodes] = -1, alive[nodes] = 1;
		up[a] = up[b] = nodes, alive[a] = alive[b] = 0;
		nodes++;
	}
	for (int i = 0; i < n; i++) {
		for (int j = i; freq[i] && up[j] >= 0; j = up[j])
			h->len[i]++;
		if (h->len[i] > 12)
			return -1;
	}
	for (unsigned l = 1, code = 0; l <= 12; l++, code <<= 1)
		for (int i = 0; i < n; i++)
			if (freq[i] && h->len[i] == l) {
				h->count[l - 1]++;
				h->sym[h->nsym++] = (unsigned char)i;
				h->code[i] = code++;
			}
	return 0;
}

/* sc_pk and its two codes from sc_plain: per name the length it shares
 * with the one before (code P), the rest and a NUL (code C: characters, or
 * the longest piece of sc_tok that fits, as 128 + its offset).  OUT has at
 * least 4096 bytes; the count of them, or -1 with WHY. */
static int sc_pack(unsigned char *out, struct huff *p, struct huff *c, char *why, size_t whylen)
{
	unsigned pf[32] = { 0 }, cf[256] = { 0 }, pos = 0;

	memset(out, 0, 4096);
	for (int pass = 0; pass < 2; pass++) {
		const char *n = sc_plain, *prev = "";

		for (int i = 0; i <= SC__N; prev = n, n += strlen(n) + 1, i++) {
			unsigned k = 0;

			while (n[k] && n[k] == prev[k])
				k++;
			if (k > 31) {
				snprintf(why, whylen, "%s: shares more than 31 characters", n);
				return -1;
			}
			for (int j = -1, at = (int)k, end = 0; !end; j++) {
				const struct huff *h = j < 0 ? p : c;
				unsigned s = k;

				if (j >= 0) {
					int best = 1, t = 0;

					s = (unsigned char)n[at];
					for (; t < (int)sizeof sc_tok - 1; t += (int)strlen(sc_tok + t) + 1)
						if (!strncmp(sc_tok + t, n + at, strlen(sc_tok + t)) && (int)strlen(sc_tok + t) > best)
							best = (int)strlen(sc_tok + t), s = 128 + (unsigned)t;
					end = at + best > (int)strlen(n);
					at += best;
				}
				if (!pass) {
					(j < 0 ? pf : cf)[s & 255]++;
					continue;
				}
				for (int b = h->len[s] - 1; b >= 0; b--, pos++)
					out[pos >> 3] |= (unsigned char)((h->code[s] >> b & 1) << (pos & 7));
			}
		}
		if (!pass && (huff_make(pf, 32, p) < 0 || huff_make(cf, 256, c) < 0)) {
			snprintf(why, whylen, "a code longer than 12 bits");
			return -1;
		}
	}
	return (int)(pos + 7) / 8;
}

static void print_bytes(const char *decl, const unsigned char *b, int n)
{
	printf("%s = {", decl);
	for (int i = 0; i < n; i++)
		printf("%s%d,", i % 20 ? " " : "\n\t", b[i]);
	printf("\n};\n");
}

/* sc_dflt from sc_default: a byte per row with a rule, the rule in the
 * high 4 bits, the rows from the one before less 1 in the low 4 (a byte
 * of rule 0 for each 16 more).  OUT has at least 256 bytes; the count. */
static int sc_pack_dflt(unsigned char *out)
{
	int n = 0, prev = -1;

	for (size_t r = 0; r < sizeof sc_default / sizeof sc_default[0]; r++) {
		int row = SC_DSC(sc_default[r]), rule = SC_DRULE(sc_default[r]);

		for (; row - prev > 16; prev += 16)
			out[n++] = 15;
		out[n++] = (unsigned char)(rule << 4 | (row - prev - 1));
		prev = row;
	}
	return n;
}

/* build/unit --sc-names: the block of nsrun.c between its marker lines. */
static int print_sc_names(void)
{
	unsigned char pk[4096];
	char why[128], line[128] = "\t\"";
	struct huff p, c;
	int n = sc_pack(pk, &p, &c, why, sizeof why);

	if (n < 0) {
		fprintf(stderr, "unit: %s\n", why);
		return 1;
	}
	memcpy(pk, p.count, 12), memcpy(pk + 12, p.sym, (size_t)p.nsym);
	print_bytes("static const unsigned char sc_pcode[]", pk, 12 + p.nsym);
	memcpy(pk, c.count, 12), memcpy(pk + 12, c.sym, (size_t)c.nsym);
	print_bytes("static const unsigned char sc_ccode[]", pk, 12 + c.nsym);
	print_bytes("static const unsigned char sc_dflt[]", pk, sc_pack_dflt(pk));
	n = sc_pack(pk, &p, &c, why, sizeof why);
	printf("static const unsigned char sc_pk[] =\n");
	for (int i = 0; i < n; i++) {
		char t[8];
		int ch = pk[i];

		if (ch >= 0x20 && ch < 0x7f && !strchr("\"\\?%", ch))
			snprintf(t, sizeof t, "%c", ch);
		else
			snprintf(t, sizeof t, "\\%03o", ch);
		if (strlen(line) + strlen(t) > 100) {
			printf("%s\"\n", line);
			strcpy(line, "\t\"");
		}
		strcat(line, t);
	}
	printf("%s\";\n", line);
	return 0;
}

/* build/unit --sc-headers ARCH < `cc -E -dM` of ARCH's <asm/unistd.h>: the
 * table against those headers both ways: every __NR_ name they define is a
 * row tagged for ARCH, and every row tagged for it is there (the compiler
 * checks that half only for the build's own arch).  One result line. */
static int sc_headers(const char *arch)
{
	static const char *const tags[] = {
#define X(name, tag, rule) #tag,
		NSRUN_SYSCALLS(X)
#undef X
	};
	static const char *const not_calls[] = {        /* __NR_ macros that name no syscall */
		"Linux", "Linux_syscalls", "syscalls", "arch_specific_syscall", "SYSCALL_BASE",
		"OABI_SYSCALL_BASE", "SYSCALL_MASK",
	};
	char line[512], name[160], why[512] = "", seen[SC__N] = { 0 };
	char letter = !strcmp(arch, "x86_64") ? 'x' : !strcmp(arch, "aarch64") ? 'a' : !strcmp(arch, "armhf") ? 'r' :
		      !strcmp(arch, "mipsel") || !strcmp(arch, "mips") ? 'm' : 0;
	int n = 0;

	if (!letter) {
		fprintf(stderr, "unit: --sc-headers: unknown arch %s\n", arch);
		return 2;
	}
	while (fgets(line, sizeof line, stdin)) {
		int i, skip = 0;

		if (sscanf(line, "#define __NR_%159[A-Za-z0-9_]", name) != 1)
			continue;
		for (size_t k = 0; k < sizeof not_calls / sizeof not_calls[0]; k++)
			skip |= !strcmp(name, not_calls[k]);
		/* mips o32's placeholders (unused18, reserved221, ...): numbers the
		 * kernel maps to sys_ni_syscall, ENOSYS always */
		skip |= (!strncmp(name, "unused", 6) && strspn(name + 6, "0123456789") == strlen(name + 6)) ||
			(!strncmp(name, "reserved", 8) && strspn(name + 8, "0123456789") == strlen(name + 8));
		if (skip)
			continue;
		n++;
		if ((i = sc_index(name)) < 0 || !strchr(tags[i], letter)) {
			size_t l = strlen(why);

			snprintf(why + l, sizeof why - l, "%s%s%s", *why ? ", " : "", name,
				 i < 0 ? " (no row)" : " (not tagged)");
		} else {
			seen[i] = 1;
		}
	}
	for (int i = 0; i < SC__N; i++)
		if (strchr(tags[i], letter) && !seen[i]) {
			const char *nm = sc_plain;
			size_t l = strlen(why);

			for (int k = 0; k < i; k++)
				nm += strlen(nm) + 1;
			snprintf(why + l, sizeof why - l, "%s%s (tagged, not in the headers)", *why ? ", " : "", nm);
		}
	snprintf(name, sizeof name, "seccomp: the table is %s's <asm/unistd.h> both ways (%d __NR_ names)", arch, n);
	check(!*why && n > 250, name, "%s", *why ? why : "too few names: not that <asm/unistd.h>?");
	return n_fail ? 1 : 0;
}

static void test_sc_names(void)
{
	unsigned char pk[4096];
	char why[160] = "", s[40];
	const char *n = sc_plain;
	unsigned pos = 0;
	struct huff p, c;
	int len = sc_pack(pk, &p, &c, why, sizeof why);

	if (len >= 0 && (len + 1 != (int)sizeof sc_pk || memcmp(pk, sc_pk, (size_t)len + 1) ||
			 memcmp(p.count, sc_pcode, 12) || memcmp(c.count, sc_ccode, 12) ||
			 12 + p.nsym != (int)sizeof sc_pcode || memcmp(p.sym, sc_pcode + 12, (size_t)p.nsym) ||
			 12 + c.nsym != (int)sizeof sc_ccode || memcmp(c.sym, sc_ccode + 12, (size_t)c.nsym)))
		snprintf(why, sizeof why, "nsrun.c's packed names are not the table's (%d bytes, want %d): "
			 "put `build/unit --sc-names` between its marker lines", (int)sizeof sc_pk - 1, len);
	if (!*why && (sc_pack_dflt(pk) != (int)sizeof sc_dflt || memcmp(pk, sc_dflt, sizeof sc_dflt)))
		snprintf(why, sizeof why, "nsrun.c's sc_dflt is not the table's default rows: "
			 "put `build/unit --sc-names` between its marker lines");
	for (int i = 0; i <= SC__N && !*why; i++, n += strlen(n) + 1) {      /* "@default" last */
		sc_next(&pos, s);
		if (strcmp(s, n))
			snprintf(why, sizeof why, "row %d: %s, want %s", i, s, n);
		else if (sc_index(n) != (i < SC__N ? i : -1) || sc_index_deny(n) != i)
			snprintf(why, sizeof why, "sc_index(%s): %d, want %d", n, sc_index(n), i);
	}
	if (!*why && (sc_index("kexec_lod") != -1 || sc_index("") != -1 || sc_index("writev_") != -1))
		snprintf(why, sizeof why, "an unknown name has a row");
	check(!*why, "seccomp: the packed names are the table's, each found by sc_index", "%s", why);
}

/* ---- seccomp: the program, run by a small classic-BPF interpreter ----------- */

static uint32_t bpf_run(const struct sock_filter *f, int n, const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (int pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof *d)
				return 0xdead;
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JA:
			pc += (int)i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += a & i->k ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0xbad;
		}
	}
	return 0xfa11;                  /* fell off the end */
}

static uint32_t sc_verdict(const struct cfg *c, uint32_t arch, uint32_t nr, uint64_t arg0)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch, .args = { arg0 } };

	return bpf_run(c->proc.filter, c->proc.filter_len, &d);
}

/* Another audit arch, and x32's numbers on x86_64, are killed: else WHY. */
static void sc_foreign_killed(const struct cfg *c, char *why, size_t len)
{
	if (!*why && sc_verdict(c, SC_AUDIT_ARCH ^ 1, 0, 0) != SECCOMP_RET_KILL_PROCESS)
		snprintf(why, len, "another audit arch is not killed");
#ifdef __X32_SYSCALL_BIT
	if (!*why && sc_verdict(c, SC_AUDIT_ARCH, __X32_SYSCALL_BIT | 39, 0) != SECCOMP_RET_KILL_PROCESS)
		snprintf(why, len, "x32 is not killed");
#endif
}

/* For a config with CAPS ("" or "\"CAP_...\", ..."), every number this
 * arch has gets what the table's rule says; another arch is killed. */
static void test_seccomp_program(const char *caps, uint64_t capmask)
{
	char text[512], name[160], why[256] = "";
	uint32_t eperm = SECCOMP_RET_ERRNO | EPERM, enosys = SECCOMP_RET_ERRNO | ENOSYS;
	struct cfg c;
	int nums = 0;

	snprintf(text, sizeof text, "{\"name\":\"t\",\"root\":{\"path\":\"/r\"},\"process\":{\"args\":[\"/a\"],"
		 "\"capabilities\":[%s]}}", caps);
	err_reset();
	if (cfg_parse(&c, "t.json", text, strlen(text)) < 0 || !c.proc.filter) {
		check(0, "seccomp: the default program is built", "%s", g_err);
		return;
	}
	for (int i = 0; i < SC__N && !*why; i++) {
		uint32_t want = SECCOMP_RET_ALLOW, got;
		const char *n = sc_plain;
		uint32_t nr = (uint32_t)sc_nr(i);

		for (int k = 0; k < i; k++)
			n += strlen(n) + 1;
		if (sc_nr(i) < 0)
			continue;
		nums++;
		for (size_t r = 0; r < sizeof sc_default / sizeof sc_default[0]; r++)
			if (SC_DSC(sc_default[r]) == i) {
				int rule = SC_DRULE(sc_default[r]);

				want = rule == R_DENY ? eperm : rule == R_ENOSYS ? enosys :
				       rule >= R_CAPS ? (capmask >> (rule - R_CAP) & 1 ? SECCOMP_RET_ALLOW : eperm) :
				       rule == R_UNSHARE && !(capmask >> CAP_SYS_ADMIN & 1) ? eperm : SECCOMP_RET_ALLOW;
				if (rule == R_CLONE || rule == R_UNSHARE) {
					got = sc_verdict(&c, SC_AUDIT_ARCH, nr, CLONE_NEWUSER | SIGCHLD);
					if (got != eperm)
						snprintf(why, sizeof why, "%s with CLONE_NEWUSER: %#x", n, got);
				}
				if (rule == R_PERS && (sc_verdict(&c, SC_AUDIT_ARCH, nr, 0xffffffff) != SECCOMP_RET_ALLOW ||
						       sc_verdict(&c, SC_AUDIT_ARCH, nr, 8) != SECCOMP_RET_ALLOW ||
						       sc_verdict(&c, SC_AUDIT_ARCH, nr, 6) != eperm))
					snprintf(why, sizeof why, "personality's queries refused");
			}
		if ((got = sc_verdict(&c, SC_AUDIT_ARCH, nr, 0)) != want && !*why)
			snprintf(why, sizeof why, "%s (%u): %#x, want %#x", n, nr, got, want);
		for (int j = 0; j < i && !*why; j++)   /* aliases (arm's sync_file_range2) must agree */
			if (sc_nr(j) == sc_nr(i) && sc_verdict(&c, SC_AUDIT_ARCH, nr, 0) != want)
				snprintf(why, sizeof why, "%s and row %d share number %u", n, j, nr);
	}
	sc_foreign_killed(&c, why, sizeof why);
	snprintf(name, sizeof name, "seccomp: the default program (%s) on every number of this arch's %d",
		 *caps ? caps : "no capability", nums);
	check(!*why && nums > 250, name, "%s", *why ? why : "too few numbers");
	cfg_free(&c);
}


/* An allow list of every other number of this arch: hundreds of intervals,
 * jumps too far for a jt (the JA path); each number gets what it should. */
static void test_seccomp_far(void)
{
	static char text[16384];
	char why[160] = "";
	size_t len;
	int listed[1024] = { 0 }, nums = 0, jas = 0;
	struct cfg c;

	len = (size_t)snprintf(text, sizeof text, "{\"name\":\"t\",\"root\":{\"path\":\"/r\"},"
			       "\"process\":{\"args\":[\"/a\"]},\"seccomp\":{\"allow\":[");
	for (int i = 0, n = 0; i < SC__N; i++) {
		const char *name = sc_plain;
		int nr = sc_nr(i);

		for (int k = 0; k < i; k++)
			name += strlen(name) + 1;
		if (nr < 0 || (nr - SC_NR0) % 2 || listed[nr - SC_NR0])
			continue;
		listed[nr - SC_NR0] = 1;
		len += (size_t)snprintf(text + len, sizeof text - len, "%s\"%s\"", n++ ? "," : "", name);
	}
	snprintf(text + len, sizeof text - len, "]}}");
	err_reset();
	if (cfg_parse(&c, "t.json", text, strlen(text)) < 0 || !c.proc.filter) {
		check(0, "seccomp: an allow list of every other number", "%s", g_err);
		return;
	}
	for (int v = 0; v < 1024 && !*why; v++) {
		uint32_t nr = (uint32_t)(v + SC_NR0), got = sc_verdict(&c, SC_AUDIT_ARCH, nr, 0);
		uint32_t want = listed[v] ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM;

		if (!listed[v] && sc_nr(SC_clone3) == (int)nr)
			want = SECCOMP_RET_ERRNO | ENOSYS;
		if (got != want)
			snprintf(why, sizeof why, "number %u: %#x, want %#x", nr, got, want);
		nums += listed[v];
	}
#ifdef __ARM_NR_BASE
	/* arm's private calls (set_tls, which every libc's start makes) pass an allow list too */
	for (uint32_t nr = __ARM_NR_BASE; nr < __ARM_NR_BASE + 0x800 && !*why; nr += 0x7f)
		if (sc_verdict(&c, SC_AUDIT_ARCH, nr, 0) != SECCOMP_RET_ALLOW)
			snprintf(why, sizeof why, "arm's private call %#x refused", nr);
	if (!*why && sc_verdict(&c, SC_AUDIT_ARCH, __ARM_NR_BASE + 0x800, 0) != (SECCOMP_RET_ERRNO | EPERM))
		snprintf(why, sizeof why, "a number past arm's private calls passes");
#endif
	sc_foreign_killed(&c, why, sizeof why);
	if (!*why && sc_verdict(&c, SC_AUDIT_ARCH, 0x7fffff, 0) != (SECCOMP_RET_ERRNO | EPERM))
		snprintf(why, sizeof why, "a number past the table passes an allow list");
	for (int k = 0; k < c.proc.filter_len; k++)
		jas += ((const struct sock_filter *)c.proc.filter)[k].code == (BPF_JMP | BPF_JA);
	check(!*why && jas && nums > 100, "seccomp: an allow list of every other number (far jumps)",
	      "%s (%d instructions, %d JA)", why, c.proc.filter_len, jas);
	cfg_free(&c);
}

/* An empty deny list: every number passes, the other ABIs are killed.  On
 * arm and mips that is one interval (a JGE with both ways to its RET). */
static void test_seccomp_empty(void)
{
	const char *text = "{\"name\":\"t\",\"root\":{\"path\":\"/r\"},\"process\":{\"args\":[\"/a\"]},"
			   "\"seccomp\":{\"deny\":[]}}";
	char why[160] = "";
	struct cfg c;

	err_reset();
	if (cfg_parse(&c, "t.json", text, strlen(text)) < 0 || !c.proc.filter) {
		check(0, "seccomp: an empty deny list", "%s", g_err);
		return;
	}
	for (uint32_t v = 0; v < 0x1000 && !*why; v++)
		if (sc_verdict(&c, SC_AUDIT_ARCH, v + SC_NR0, 0) != SECCOMP_RET_ALLOW)
			snprintf(why, sizeof why, "number %u refused", v + SC_NR0);
#ifdef __ARM_NR_BASE
	if (!*why && sc_verdict(&c, SC_AUDIT_ARCH, __ARM_NR_BASE + 5, 0) != SECCOMP_RET_ALLOW)
		snprintf(why, sizeof why, "arm's set_tls refused");
#endif
	sc_foreign_killed(&c, why, sizeof why);
	check(!*why && c.proc.filter_len <= 16, "seccomp: an empty deny list passes every number",
	      "%s (%d instructions)", why, c.proc.filter_len);
	cfg_free(&c);
}

/* "@default" and every other number denied: too many intervals for the
 * shared actions, so clone's, unshare's and personality's argument checks
 * follow their JGEs (the inline form). */
static void test_seccomp_inline_checks(void)
{
	static char text[16384];
	uint32_t eperm = SECCOMP_RET_ERRNO | EPERM, allow = SECCOMP_RET_ALLOW;
	uint32_t clone = (uint32_t)sc_nr(SC_clone), unshare = (uint32_t)sc_nr(SC_unshare);
	uint32_t pers = (uint32_t)sc_nr(SC_personality);
	size_t len;
	struct cfg c;
	int ok;

	len = (size_t)snprintf(text, sizeof text, "{\"name\":\"t\",\"root\":{\"path\":\"/r\"},"
			       "\"process\":{\"args\":[\"/a\"],\"capabilities\":[\"CAP_SYS_ADMIN\"]},"
			       "\"seccomp\":{\"deny\":[\"@default\"");
	for (int i = 0, seen[1024] = { 0 }; i < SC__N; i++) {
		const char *name = sc_plain;
		int nr = sc_nr(i);

		for (int k = 0; k < i; k++)
			name += strlen(name) + 1;
		if (nr < 0 || (nr - SC_NR0) % 2 || seen[nr - SC_NR0] || i == SC_clone || i == SC_unshare ||
		    i == SC_personality || sc_nr(SC_clone) == nr || sc_nr(SC_unshare) == nr || sc_nr(SC_personality) == nr)
			continue;
		seen[nr - SC_NR0] = 1;
		len += (size_t)snprintf(text + len, sizeof text - len, ",\"%s\"", name);
	}
	snprintf(text + len, sizeof text - len, "]}}");
	err_reset();
	if (cfg_parse(&c, "t.json", text, strlen(text)) < 0 || !c.proc.filter) {
		check(0, "seccomp: argument checks in a long program", "%s", g_err);
		return;
	}
	ok = c.proc.filter_len > 300 &&
	     sc_verdict(&c, SC_AUDIT_ARCH, clone, CLONE_NEWUSER | SIGCHLD) == eperm &&
	     sc_verdict(&c, SC_AUDIT_ARCH, clone, SIGCHLD) == allow &&
	     sc_verdict(&c, SC_AUDIT_ARCH, unshare, CLONE_NEWUSER) == eperm &&
	     sc_verdict(&c, SC_AUDIT_ARCH, unshare, CLONE_NEWNS) == allow &&
	     sc_verdict(&c, SC_AUDIT_ARCH, pers, 0xffffffff) == allow &&
	     sc_verdict(&c, SC_AUDIT_ARCH, pers, 6) == eperm &&
	     sc_verdict(&c, SC_AUDIT_ARCH, (uint32_t)sc_nr(SC_kexec_load), 0) == eperm;
	check(ok, "seccomp: clone, unshare and personality checks in a long program (inline actions)",
	      "%d instructions", c.proc.filter_len);
	cfg_free(&c);
}

/* ENOSYS as the target writes it (mips: 89, not 38): errnoRet is the arch's number. */
#define OCI_STR(x) #x
#define OCI_XSTR(x) OCI_STR(x)

/* An OCI profile (linux.seccomp, issue 17) through the same builder: each
 * action, errnoRet, the argument checks it can make, the rest stricter. */
static void test_seccomp_oci(void)
{
	static const char text[] = OCI_HEAD "}," OCI_NS "],\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
		"\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"syscalls\":["
		"{\"names\":[\"read\",\"write\",\"no_such_call_at_all\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":" OCI_XSTR(ENOSYS) "},"
		"{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
		"{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"},"
		"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
		"\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":5,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"unshare\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_GT\"}]}"
		"]}}}";
	uint32_t eperm = SECCOMP_RET_ERRNO | EPERM, allow = SECCOMP_RET_ALLOW;
	struct cfg c;
	int ok;

	err_reset();
	g_oci_parse = 1;
	ok = cfg_parse(&c, "c.json", text, strlen(text));
	g_oci_parse = 0;
	if (ok < 0 || !c.proc.filter) {
		check(0, "seccomp: an OCI profile", "%s", ok < 0 ? g_err : "no filter");
		return;
	}
#define V(sc, arg) sc_verdict(&c, SC_AUDIT_ARCH, (uint32_t)sc_nr(SC_##sc), arg)
	ok = V(read, 0) == allow && V(write, 0) == allow && V(getcwd, 0) == (SECCOMP_RET_ERRNO | ENOSYS) &&
	     V(kill, 0) == SECCOMP_RET_KILL_PROCESS && V(getppid, 0) == allow && V(openat, 0) == eperm &&
	     V(personality, 8) == allow && V(personality, 0xffffffff) == allow && V(personality, 6) == eperm &&
	     V(clone, SIGCHLD) == allow && V(clone, CLONE_NEWNS | SIGCHLD) == eperm &&
	     V(clone, CLONE_NEWUSER) == eperm && V(getpid, 5) == eperm && V(unshare, 2) == eperm &&
	     V(clone3, 0) == (SECCOMP_RET_ERRNO | ENOSYS) && sc_verdict(&c, SC_AUDIT_ARCH ^ 1, 0, 0) == SECCOMP_RET_KILL_PROCESS;
#undef V
	check(ok, "seccomp: an OCI profile (actions, errnoRet, personality's values, clone's mask, stricter rest)",
	      "%d instructions", c.proc.filter_len);
	cfg_free(&c);
}

static void test_seccomp(void)
{
	test_seccomp_oci();
	test_seccomp_far();
	test_seccomp_empty();
	test_seccomp_inline_checks();
	test_seccomp_program("", 0);
	test_seccomp_program("\"CAP_SYS_ADMIN\",\"CAP_SYS_TIME\",\"CAP_SYS_PTRACE\"",
			     1ULL << CAP_SYS_ADMIN | 1ULL << CAP_SYS_TIME | 1ULL << CAP_SYS_PTRACE);
}

/* root.verity's pure parts: the superblock veritysetup wrote (tests/run
 * makes build/verity with tests/mkverity.sh), the table line, the name. */
static int read_at(const char *file, long off, unsigned char *b, size_t n)
{
	FILE *f = fopen(file, "rb");
	size_t got = 0;

	if (f && fseek(f, off, SEEK_SET) == 0)
		got = fread(b, 1, n, f);
	if (f)
		fclose(f);
	return (int)got;
}

static void test_verity(void)
{
	unsigned char b[VERITY_SB];
	char why[200], t[600], off[32] = "", n1[64], n2[64], n3[64], n4[64];
	struct vsb sb;
	struct stat st = { .st_dev = 0x803, .st_ino = 12 }, hs = { .st_dev = 0x803, .st_ino = 13 };
	struct verity_cfg v = { .on = 1, .alg = "sha256", .hash_offset = 4096,
				.root_hash = "6250E995AE30F4AE8DC66ABC9BD1F7EF9B4BC4C11E2C1A95C3EC8C3FC2308811" };
	int n;

	read_at("build/verity/app.offset", 0, (unsigned char *)off, sizeof off - 1);
	n = read_at("build/verity/app.sqfs", atol(off), b, sizeof b);
	check(n == VERITY_SB && verity_sb_parse(b, (size_t)n, &sb, why, sizeof why) == 0 && !strcmp(sb.alg, "sha256") &&
	      sb.dbs == 4096 && sb.hbs == 4096 && sb.salt_len == 32 && sb.blocks == (uint64_t)atol(off) / 4096,
	      "verity superblock of veritysetup format --hash-offset", "n=%d off=%s why=%s", n, off, why);
	n = read_at("build/verity/sep.hash", 0, b, sizeof b);
	check(n == VERITY_SB && verity_sb_parse(b, (size_t)n, &sb, why, sizeof why) == 0 && sb.dbs == 4096,
	      "verity superblock of a hash file", "n=%d why=%s", n, why);
	n = read_at("build/verity/sb512.bin", 0, b, sizeof b);
	check(n == VERITY_SB && verity_sb_parse(b, (size_t)n, &sb, why, sizeof why) == 0 && !strcmp(sb.alg, "sha512") &&
	      sb.dbs == 1024 && sb.hbs == 1024 && sb.blocks == 2 && sb.salt_len == 4 && sb.salt[3] == 0x33,
	      "verity superblock sha512, 1 KiB blocks, salt", "n=%d why=%s", n, why);
	check(verity_table(t, sizeof t, &sb, makedev(7, 0), makedev(7, 1), 0, "ABcd", NULL) == 0 &&
	      !strcmp(t, "1 7:0 7:1 1024 1024 2 1 sha512 abcd 00112233"), "verity table", "%s", t);
	check(verity_table(t, sizeof t, &sb, makedev(7, 0), makedev(7, 0), 8192, "ab", "nsrun:verity:1") == 0 &&
	      !strcmp(t, "1 7:0 7:0 1024 1024 2 9 sha512 ab 00112233 2 root_hash_sig_key_desc nsrun:verity:1"),
	      "verity table: appended tree, signature key", "%s", t);
	sb.salt_len = 0;
	check(verity_table(t, sizeof t, &sb, makedev(259, 300), makedev(7, 0), 4096, "ab", NULL) == 0 &&
	      !strcmp(t, "1 259:300 7:0 1024 1024 2 5 sha512 ab -"), "verity table: no salt, large minor", "%s", t);
	check(verity_table(t, 20, &sb, makedev(7, 0), makedev(7, 0), 0, "ab", NULL) < 0, "verity table: too small", " ");

	memset(b, 0, sizeof b);
	check(verity_sb_parse(b, sizeof b, &sb, why, sizeof why) < 0 && strstr(why, "no verity superblock"),
	      "verity superblock: zeros", "%s", why);
	n = read_at("build/verity/sb512.bin", 0, b, sizeof b);
	check(verity_sb_parse(b, 100, &sb, why, sizeof why) < 0 && strstr(why, "no verity superblock"),
	      "verity superblock: short", "%s", why);
	b[12] = 0;
	check(verity_sb_parse(b, sizeof b, &sb, why, sizeof why) < 0 && strstr(why, "hash type 0"),
	      "verity superblock: hash type 0 (Chrome OS)", "%s", why);
	b[12] = 1, b[8] = 2;
	check(verity_sb_parse(b, sizeof b, &sb, why, sizeof why) < 0 && strstr(why, "version 2"),
	      "verity superblock: version 2", "%s", why);
	b[8] = 1, b[65] = 3;        /* data block size 768 */
	check(verity_sb_parse(b, sizeof b, &sb, why, sizeof why) < 0 && strstr(why, "impossible"),
	      "verity superblock: block size not a power of 2", "%s", why);

	verity_name(n1, sizeof n1, &v, &st, NULL);
	v.root_hash = "6250e995ae30f4ae8dc66abc9bd1f7ef9b4bc4c11e2c1a95c3ec8c3fc2308811";
	verity_name(n2, sizeof n2, &v, &st, NULL);
	v.signature = "/x.sig";
	verity_name(n3, sizeof n3, &v, &st, NULL);
	v.signature = NULL, v.hash_offset = 0, v.hash_image = "/h";
	verity_name(n4, sizeof n4, &v, &st, &hs);
	check(!strncmp(n1, "nsrun-803-c-", 12) && strlen(n1) == 12 + 16 && !strcmp(n1, n2) && strcmp(n2, n3) &&
	      strcmp(n2, n4) && strcmp(n3, n4), "verity name: the file, then a hash of the rest (case-blind)",
	      "%s %s %s %s", n1, n2, n3, n4);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--sc-names"))
		return print_sc_names();
	if (argc == 3 && !strcmp(argv[1], "--sc-headers"))
		return sc_headers(argv[2]);
	test_sizes();
	test_sc_names();
	test_seccomp();
	test_names();
	test_exit_codes();
	test_fixtures();
	test_oci_fixtures();
	test_oci_terminal_timeout();
	test_oci_mount_options();
	test_cgroup_writes_bound();
	test_text_limits();
	test_json_strtod();
	test_defaults();
	test_locate();
	test_mountinfo();
	test_netlink();
	test_nl_replies();
	test_nat_batch();
	test_nl_batch();
	test_nl_puts();
	test_nl_talk();
	test_link_ports();
	test_edit_distance();
	test_in_root();
	test_img_head();
	test_verity();
	test_teardown_warns();
	test_mnt_open();
	test_version();
	test_fmt();
	test_fdfmt();
	test_fmt_subset();
	test_ip_str();
	test_ip_parse();
	test_scan_num();
	test_clock_read();
	return n_fail ? 1 : 0;
}
