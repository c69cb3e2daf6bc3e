/* Writers of the merged checklist (kenshin checklist): the MHLW form as XLSX, a printable HTML
 * page, and CSV and JSON of the same table. All are deterministic: the same checklist gives the
 * same bytes. */
#ifndef KS_REPORT_CHECKLIST_H
#define KS_REPORT_CHECKLIST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "catalog/catalog.h"
#include "checklist/checklist.h"

/* Writes the workbook to PATH (libxlsxwriter needs a file). On failure returns a negative KS_E*
 * code with the reason in ERR. */
int ks_cl_write_xlsx(const ks_checklist *cl, ks_lang lang, const char *path, char *err, size_t errlen);
/* These return 0, or KS_EIO when OUT reports a write error. */
int ks_cl_write_html(const ks_checklist *cl, ks_lang lang, FILE *out);
int ks_cl_write_csv(const ks_checklist *cl, ks_lang lang, FILE *out);
int ks_cl_write_json(const ks_checklist *cl, FILE *out); /* schema kenshin.checklist/1, both languages */
/* A summary for the terminal: one line per item; COLOR adds ANSI colours to the marks. */
int ks_cl_write_text(const ks_checklist *cl, ks_lang lang, bool color, FILE *out);

/* Shared by the writers. */
const char *ks_cl_form_title(const ks_checklist *cl, ks_lang lang); /* 医療機関確認用 / 薬局確認用 / 事業者確認用 */
const char *ks_cl_facility_type_id(int type);                       /* "hospital", ...; NULL if 0 */
const char *ks_cl_facility_type_label(int type, ks_lang lang);      /* 病院 / Hospital; "" if 0 */
/* The targets as the form prints them: 医療情報システム全般 for all three, else サーバ、端末PC...;
 * "—" for organisational items. */
const char *ks_cl_targets_label(unsigned targets, ks_lang lang, char *buf, size_t len);
/* Verdict of one host for one item as the evidence table shows it: "missing" when the result file
 * has no entry for the item. */
const char *ks_cl_result_id(const ks_cl_result *r);
const char *ks_cl_result_label(const ks_cl_result *r, ks_lang lang); /* 適合/不適合/要確認/手動確認/対象外/例外承認/結果なし */
const char *ks_cl_cover_id(ks_cover c);                             /* "full", "partial", "gap" */
const char *ks_cl_cover_label(ks_cover c, ks_lang lang);            /* 対応済 / 一部対応 / 未対応 */
const char *ks_cl_cell_label(int cell, ks_lang lang);               /* 組織的・是正的 */
/* A category cell as the form prints it: "いいえ (1/2台)" (failing, or for 要確認 unknown, hosts
 * out of the category's), "はい (2台)", or the mark alone when there is no host. */
const char *ks_cl_cell_text(const ks_cl_cell *c, ks_lang lang, char *buf, size_t len);

#endif
