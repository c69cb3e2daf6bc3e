/* Arena: one owner for everything a scan allocates; freed in one call at the end. */
#ifndef KS_ARENA_H
#define KS_ARENA_H
#include <stddef.h>

typedef struct ks_arena ks_arena;

ks_arena *ks_arena_new(void);
void ks_arena_free(ks_arena *a); /* accepts NULL */
/* Zeroed memory, aligned for any type. Returns NULL only when the system is out of memory. */
void *ks_arena_alloc(ks_arena *a, size_t n);
char *ks_arena_strndup(ks_arena *a, const char *s, size_t n);
char *ks_arena_strdup(ks_arena *a, const char *s);
char *ks_arena_printf(ks_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t ks_arena_used(const ks_arena *a);

/* Test hook: make the Nth allocation from now fail (0 = never). */
void ks_arena_fail_after(ks_arena *a, unsigned long n);

#endif
