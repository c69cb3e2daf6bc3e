/* Whether a service is enabled at boot, judged from the unit links `systemctl enable` leaves in
 * /etc/systemd/system and, for SysV-only services, from /etc/rc?.d start links. Kept to one query
 * so it can later be replaced by the full systemd unit collector. */
#ifndef KS_SYSTEMD_ENABLE_H
#define KS_SYSTEMD_ENABLE_H
#include <stdbool.h>

#include "collect.h"

typedef enum {
	KS_UNIT_DISABLED = 0,
	KS_UNIT_ENABLED,
	KS_UNIT_MASKED,
	KS_UNIT_UNREADABLE, /* the link directories could not be read: enablement is unknown */
} ks_unit_state;

typedef struct ks_unit_enablement {
	ks_unit_state state;
	const char *path;   /* the link, mask or rc script that decided; NULL when none */
	const char *detail; /* probe text for KS_UNIT_DISABLED, reason for KS_UNIT_UNREADABLE */
} ks_unit_enablement;

/* UNITS: NULL-terminated names of the unit and its aliases ("chrony.service", "chronyd.service");
 * SYSV: the /etc/init.d script name, or NULL. Returns 0 or KS_ENOMEM. */
int ks_systemd_enable_query(ks_collect_ctx *ctx, const char *const *units, const char *sysv,
                            ks_unit_enablement *out);

/* Sets KEY to the bool answer of ks_systemd_enable_query (unknown when unreadable). */
int ks_systemd_enable_fact(ks_collect_ctx *ctx, const char *key, const char *const *units,
                           const char *sysv, bool *enabled);

#endif
