/* /etc/kenshin/kenshin.conf: `key = value` lines that set scan defaults and profile parameters. */
#ifndef KS_CONFIG_H
#define KS_CONFIG_H
#include <stddef.h>

/* Called for each setting; returns 0 to go on, or a negative KS_E* to stop (after filling ERR). */
typedef int (*ks_config_fn)(void *ud, const char *key, const char *value, int line, char *err, size_t errlen);

/* Parses DATA. Malformed lines stop the parse with "PATH:LINE: expected key = value" in ERR: a
 * configuration that is half understood is worse than none. */
int ks_config_parse(const char *path, const char *data, size_t len, ks_config_fn fn, void *ud, char *err,
                    size_t errlen);

#endif
