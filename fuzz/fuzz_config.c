/* Fuzzes the kenshin.conf parser. */
#include <stddef.h>
#include <stdint.h>

#include "cli/config.h"

static int sink(void *ud, const char *key, const char *value, int line, char *err, size_t errlen)
{
	(void)ud; (void)key; (void)value; (void)line; (void)err; (void)errlen;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	ks_config_parse("kenshin.conf", (const char *)data, size, sink, NULL, err, sizeof err);
	return 0;
}
