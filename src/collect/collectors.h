/* Prototypes of every collector listed in collectors.def. */
#ifndef KS_COLLECTORS_H
#define KS_COLLECTORS_H
#include "collect.h"

#define KS_COLLECTOR(name) int ks_collect_##name(ks_collect_ctx *ctx);
#include "collectors.def"
#undef KS_COLLECTOR

#endif
