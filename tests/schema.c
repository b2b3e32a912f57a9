/* schema.c — what nsrun.c's config schema (the rows of `schema[]`) makes
 * besides the parser, so that none of it is written twice:
 *
 *   build/schema readme        the README's config tables, row for row
 *   build/schema dict FILE     the fuzz dictionary: every key, every example value
 *   build/schema seeds DIR     fuzz seeds: every key alone; every list below, at
 *                              and above its bound
 *   build/schema check         parses each seed: "PASS unit: ..." / "FAIL unit: ..."
 *                              (an at-bound list accepted, one above refused
 *                              with "more than N UNIT", every example valid)
 *
 * nsrun.c is included whole with NSRUN_DOCS, which keeps the README text and
 * the example values in the rows (nsrun itself carries none of it).  Built
 * by tests/run with -fsanitize=address,undefined.
 */
#define NSRUN_UNIT 1
#define NSRUN_DOCS 1
#include "../nsrun.c"
#undef main

static int n_fail;

/* ---- building a config around one row ------------------------------------ */

/* The object at PARENT ("root", "cgroup", "root.verity", ""; "mounts[]" is
 * not one) in TOP, made when missing, with its required keys. */
static cJSON *obj_at(cJSON *top, const char *parent)
{
	const char *dot = strrchr(parent, '.');
	char up[64];
	cJSON *o;

	if (!*parent)
		return top;
	snprintf(up, sizeof up, "%.*s", dot ? (int)(dot - parent) : 0, parent);
	top = obj_at(top, up);
	if (!(o = cJSON_GetObjectItemCaseSensitive(top, dot ? dot + 1 : parent)))
		o = cJSON_AddObjectToObject(top, dot ? dot + 1 : parent);
	for (size_t i = 0; i < schema_len; i++) {
		const struct field *f = &schema[i];

		if (row_in(f, parent, 0) && f->missing && !f->req_ns && f->example &&
		    !cJSON_GetObjectItemCaseSensitive(o, row_leaf(f)))
			cJSON_AddItemToObject(o, row_leaf(f), cJSON_Parse(f->example));
	}
	return o;
}

/* The members of W into TOP: an object into the object TOP has of that
 * name ("root": {"verity": {...}} beside "root"'s "image"). */
static void merge(cJSON *top, const cJSON *w)
{
	for (const cJSON *m = w->child; m; m = m->next) {
		cJSON *o = cJSON_GetObjectItemCaseSensitive(top, m->string);

		if (o && cJSON_IsObject(o) && cJSON_IsObject(m))
			merge(o, m);
		else
			cJSON_AddItemToObject(top, m->string, cJSON_Duplicate(m, 1));
	}
}

/* Members "a": 1, "b": 2 (a row's WITH) added to TOP. */
static void add_with(cJSON *top, const char *with)
{
	char buf[512];
	cJSON *w;

	if (!with)
		return;
	snprintf(buf, sizeof buf, "{%s}", with);
	if ((w = cJSON_Parse(buf)))
		merge(top, w);
	cJSON_Delete(w);
}

/* The value row F gets: its example; a list row N copies of it (N -1: one;
 * an object N distinct keys; capabilities N distinct names); NULL where N copies cannot be valid
 * (the namespaces, each listed once). */
static cJSON *value_for(const struct field *f, int n)
{
	cJSON *v;

	if (!strcmp(fpath(f), "namespaces"))     /* the example is the whole list */
		return n < 0 ? cJSON_Parse(f->example) : NULL;
	if (!f->max)
		return cJSON_Parse(f->example);
	if (n < 0)
		n = 1;
	v = f->example[0] == '{' && f->parse != PF_p_mounts && f->parse != PF_p_ports ? cJSON_CreateObject()
									  : cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		cJSON *e = cJSON_Parse(f->example);

		if (cJSON_IsObject(v) && e && e->child) {     /* the example's key, numbered */
			char k[128];

			snprintf(k, sizeof k, "%s%d", e->child->string, i);
			cJSON_AddItemToObject(v, k, cJSON_Duplicate(e->child, 1));
			cJSON_Delete(e);
		} else if (f->parse == PF_p_sc_list) {     /* each syscall once, then "@default" */
			const char *name = sc_names;

			for (int k = 0; k < i && k < SC__N; k++)
				name += strlen(name) + 1;
			cJSON_AddItemToArray(v, cJSON_CreateString(i < SC__N ? name : "@default"));
			cJSON_Delete(e);
		} else if (f->parse == PF_p_caps) {        /* each capability once */
			char k[64];

			snprintf(k, sizeof k, "CAP_%s", *cap_name(i) ? cap_name(i) : "NONE");
			cJSON_AddItemToArray(v, cJSON_CreateString(k));
			cJSON_Delete(e);
		} else if (f->parse == PF_p_ports) {       /* each host port once */
			cJSON_ReplaceItemInObject(e, "host", cJSON_CreateNumber(8000 + i));
			cJSON_AddItemToArray(v, e);
		} else {
			cJSON_AddItemToArray(v, e);
		}
	}
	return v;
}

/* A whole config holding row F's value (N elements for a list; -1: the
 * example as it is), as text to free; NULL when F has no example. */
static char *config_for(const struct field *f, int n)
{
	const char *leaf = row_leaf(f);
	char parent[64];
	cJSON *top, *v, *at;
	char *text;

	if (!f->example || !(v = value_for(f, n)))
		return NULL;
	top = cJSON_CreateObject();
	cJSON_AddStringToObject(top, "name", "web");
	at = cJSON_AddObjectToObject(top, "root");
	if (strcmp(fpath(f), "root.path"))
		cJSON_AddStringToObject(at, "image", "/x.sqfs");
	at = cJSON_AddObjectToObject(top, "process");
	cJSON_AddItemToObject(at, "args", cJSON_Parse("[\"/bin/true\"]"));
	add_with(top, f->with);
	snprintf(parent, sizeof parent, "%.*s", leaf == fpath(f) ? 0 : (int)(leaf - 1 - fpath(f)), fpath(f));
	if (!strcmp(parent, "mounts[]")) {        /* the example is the whole element */
		cJSON *list = cJSON_AddArrayToObject(top, "mounts");

		cJSON_AddItemToArray(list, v);
	} else if (!strcmp(parent, "net.ports[]")) {   /* likewise, in net, beside an address */
		at = obj_at(top, "net");
		cJSON_AddStringToObject(at, "address", "10.42.0.2/24");
		cJSON_AddItemToArray(cJSON_AddArrayToObject(at, "ports"), v);
	} else {
		if (!strcmp(fpath(f), "net.ports"))
			cJSON_AddStringToObject(obj_at(top, "net"), "address", "10.42.0.2/24");
		at = obj_at(top, parent);
		cJSON_DeleteItemFromObjectCaseSensitive(at, leaf);
		cJSON_AddItemToObject(at, leaf, v);
	}
	text = cJSON_Print(top);
	cJSON_Delete(top);
	return text;
}

/* ---- the verbs ---------------------------------------------------------- */

static const char *cell(const char *s)
{
	return s ? s : "";
}

/* The why of default row I (NULL: none), from sc_docs. */
static const char *sc_why(int i)
{
	const char *name = sc_names;

	for (int k = 0; k < i; k++)
		name += strlen(name) + 1;
	for (size_t d = 0; d < sizeof sc_docs / sizeof sc_docs[0]; d++)
		for (const char *p = sc_docs[d].names; (p = strstr(p, name)); p++)
			if ((p == sc_docs[d].names || p[-1] == ' ') && (!p[strlen(name)] || p[strlen(name)] == ' '))
				return sc_docs[d].why;
	return NULL;
}

/* The default seccomp profile's table: each row of nsrun.c's syscall table
 * with a rule, the arches that have it, when it is refused and why. */
static int sc_readme(void)
{
	static const char *const arch[] = { "x86_64", "aarch64", "arm", "mips" };
	int bad = 0;

	printf("\n| syscall | arches | refused | why |\n|---|---|---|---|\n");
	for (size_t r = 0; r < sizeof sc_default / sizeof sc_default[0]; r++) {
		int i = SC_DSC(sc_default[r]), rule = SC_DRULE(sc_default[r]);
		const char *name = sc_names, *tag = sc_tags[i], *why = sc_why(i);
		char arches[64] = "", when[128];

		for (int k = 0; k < i; k++)
			name += strlen(name) + 1;
		for (int a = 0; a < 4; a++)
			if (strchr(tag, "xarm"[a]) && strcmp(tag, "none"))
				snprintf(arches + strlen(arches), sizeof arches - strlen(arches), "%s%s", *arches ? " " : "",
					 arch[a]);
		if (rule >= R_CAPS)
			snprintf(when, sizeof when, "without `CAP_%s`", cap_name(rule - R_CAP));
		else
			snprintf(when, sizeof when, "%s", rule == R_DENY ? "always" : rule == R_CLONE ?
				 "with `CLONE_NEWUSER` in its flags" : rule == R_UNSHARE ? "with `CLONE_NEWUSER`; "
				 "without `CAP_SYS_ADMIN` whatever the flags" : rule == R_PERS ? "but the queries `0`, "
				 "`0xffffffff`, `PER_LINUX32`" : "always, with `ENOSYS`");
		if (!why) {
			fprintf(stderr, "schema: default row %s has no why in sc_docs\n", name);
			bad = 1;
		}
		printf("| `%s` | %s | %s | %s |\n", name, *arches ? arches : "(i386 only)", when, why ? why : "");
	}
	return bad;
}

/* The README's three tables: the top keys, then "cgroup" and "net"; then
 * the default seccomp profile's. */
static int readme(void)
{
	static const struct { const char *prefix, *head; } tables[] = {
		{ NULL, "| field | type | default | what the kernel sees |" },
		{ "cgroup.", "| field | type | file | accepted values |" },
		{ "net.", "| field | type | default | what the kernel sees |" },
	};

	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		printf("%s%s\n|---|---|---|---|\n", t ? "\n" : "", tables[t].head);
		for (size_t i = 0; i < schema_len; i++) {
			const struct field *f = &schema[i];
			int in = tables[t].prefix ? !strncmp(fpath(f), tables[t].prefix, strlen(tables[t].prefix))
						  : strncmp(fpath(f), "cgroup.", 7) && strncmp(fpath(f), "net.", 4);

			if (in && f->type)      /* objects have no row of their own */
				printf("| `%s` | %s | %s | %s |\n", fpath(f), f->type, cell(f->def), cell(f->what));
		}
	}
	return sc_readme();
}

/* A libFuzzer dictionary entry: "..." with \" \\ and \xNN escapes. */
static void dict_entry(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(o, "\\%c", ch);
		else if (ch < 32 || ch > 126)
			fprintf(o, "\\x%02X", ch);
		else
			fputc(ch, o);
	}
	fputs("\"\n", o);
}

/* What the values' parsers look at closely: JSON's own words and number
 * shapes, sizes, the edges of ranges, escapes, comments. */
static const char *const json_tokens[] = {
	"true", "false", "null", "{}", "[]", "-0", "1e5", "1.5", "-1", "0", "4294967295", "4294967296",
	"18446744073709551616", "\"max\"", "\"4K\"", "\"1G\"", "\\u0000", "\\\"", "//", "/*", "\xEF\xBB\xBF",
	"\"bind\"", "\"tmpfs\"", "\"..\"", "\"/run/nsrun\"", "\"rbps=\"", "\"::1\"", "\"/24\"",
};

static int dict(const char *file)
{
	FILE *o = fopen(file, "w");
	char key[64];

	if (!o) {
		perror(file);
		return 1;
	}
	fprintf(o, "# Made by tests/schema.c from nsrun.c's schema rows: do not edit.\n");
	for (size_t i = 0; i < schema_len; i++) {
		snprintf(key, sizeof key, "\"%s\"", row_leaf(&schema[i]));
		dict_entry(o, key);
		if (schema[i].example)
			dict_entry(o, schema[i].example);
	}
	for (unsigned j = 0; j < 8; j++) {
		snprintf(key, sizeof key, "\"%s\"", ns_names[j]);
		dict_entry(o, key);
	}
	for (size_t i = 0; i < sizeof json_tokens / sizeof json_tokens[0]; i++)
		dict_entry(o, json_tokens[i]);
	return fclose(o) ? 1 : 0;
}

/* Every seed: (row, count, config text); count -1 for a plain value. */
typedef void (*seed_fn)(const struct field *f, int n, const char *text, void *arg);

static void each_seed(seed_fn fn, void *arg)
{
	for (size_t i = 0; i < schema_len; i++) {
		const struct field *f = &schema[i];
		int counts[] = { -1, (int)f->max - 1, (int)f->max, (int)f->max + 1 };

		for (size_t k = 0; k < (f->max ? 4u : 1u); k++) {
			char *text = config_for(f, counts[k]);

			if (text)
				fn(f, counts[k], text, arg);
			free(text);
		}
	}
}

static void write_seed(const struct field *f, int n, const char *text, void *arg)
{
	char file[512], *p;
	FILE *o;

	snprintf(file, sizeof file, "%s/schema-%s-%d.json", (const char *)arg, fpath(f), n);
	for (p = strrchr(file, '/') + 1; *p; p++)
		if (*p == '[' || *p == ']')
			*p = '_';
	if (!(o = fopen(file, "w")) || fputs(text, o) < 0 || fclose(o)) {
		perror(file);
		n_fail++;
	}
}

static void check_seed(const struct field *f, int n, const char *text, void *arg)
{
	char name[160], want[160];
	struct cfg c;
	int rc;

	(void)arg;
	err_reset();
	rc = cfg_parse(&c, "s.json", text, strlen(text));
	if (rc == 0)
		cfg_free(&c);
	if (n < 0)
		snprintf(name, sizeof name, "schema %s: its example is valid", fpath(f));
	else
		snprintf(name, sizeof name, "schema %s: %d of at most %d", fpath(f), n, f->max);
	snprintf(want, sizeof want, ": more than %d %s", f->max, field_unit(f));
	if (n <= f->max ? rc == 0 : rc < 0 && strstr(g_err, want)) {
		printf("PASS unit: %s\n", name);
		return;
	}
	n_fail++;
	printf("FAIL unit: %s: %s\n", name, rc == 0 ? "accepted" : g_err);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "readme"))
		return readme();
	if (argc == 3 && !strcmp(argv[1], "dict"))
		return dict(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "seeds")) {
		each_seed(write_seed, argv[2]);
		return n_fail ? 1 : 0;
	}
	if (argc == 2 && !strcmp(argv[1], "check")) {
		each_seed(check_seed, NULL);
		return n_fail ? 1 : 0;
	}
	fprintf(stderr, "usage: schema readme | dict FILE | seeds DIR | check\n");
	return 2;
}
