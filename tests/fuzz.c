/* fuzz.c — libFuzzer target for nsrun's config parser and schema.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ibuild/cjson \
 *         tests/fuzz.c build/cjson/cJSON.c -o build/fuzz
 *   build/schema dict build/fuzz.dict; build/schema seeds CORPUS_DIR
 *   build/fuzz -max_total_time=20 -dict=build/fuzz.dict CORPUS_DIR tests/corpus
 *
 * nsrun.c is included whole, as tests/unit.c does: NSRUN_UNIT renames its
 * main, so libFuzzer's main is the only one.  Any input may fail to parse;
 * only a crash, a leak or undefined behaviour is a finding.
 */
#define NSRUN_UNIT 1
#include "../nsrun.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c;

	err_reset();
	if (cfg_parse(&c, "fuzz.json", (const char *)data, size) == 0)
		cfg_free(&c);
	return 0;
}
