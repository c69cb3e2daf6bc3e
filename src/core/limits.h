/* Every hard limit kenshin applies to input it reads, in one place (cf. SQLite's sqliteLimit.h).
 * A limit that is hit is reported as a diagnostic naming the file and line; it never aborts a scan. */
#ifndef KS_LIMITS_H
#define KS_LIMITS_H

#define KS_MAX_CONFIG_BYTES   (16u * 1024u * 1024u) /* one configuration file */
/* one decompressed apt list: Debian main amd64 is ~50 MB, Ubuntu universe ~70 MB; 4x is not a bomb */
#define KS_MAX_INDEX_BYTES    (256u * 1024u * 1024u)
#define KS_MAX_BINLOG_BYTES   (64u * 1024u * 1024u) /* lastlog / wtmp: sparse or large, read capped */
#define KS_MAX_LINE           8192u   /* longer lines are reported and skipped */
#define KS_MAX_TOKENS         256u    /* tokens kept per line (PAM args, sshd values) */
#define KS_MAX_INCLUDE_DEPTH  16      /* PAM include/substack, sshd Include */
#define KS_MAX_INCLUDE_FILES  512     /* files pulled in by one Include tree */
#define KS_MAX_SYMLINKS       40      /* symlinks followed while resolving one path (as Linux) */
#define KS_MAX_DIR_ENTRIES    4096    /* entries read from one directory */
#define KS_MAX_EXPR_DEPTH     64      /* nesting of profile expressions */
#define KS_MAX_EXPR_BYTES     4096    /* one profile expression */
#define KS_MAX_ACCOUNTS       65536   /* passwd/shadow entries kept */
#define KS_MAX_DIAGS          1000    /* diagnostics kept per scan; further ones are counted */
#define KS_MAX_RESULT_BYTES   (64u * 1024u * 1024u) /* one scan result file read by kenshin checklist */
#define KS_MAX_ANSWERS_BYTES  (1024u * 1024u) /* one checklist answers file (a few KB in practice) */
#define KS_MAX_ANSWER_TEXT    4096u   /* one text value in an answers file */
#define KS_MAX_ANSWER_LIST    256u    /* evidence documents of one entry; practices of one file */

#endif
