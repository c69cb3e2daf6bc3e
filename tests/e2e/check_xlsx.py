#!/usr/bin/python3
"""Checks a `kenshin checklist --format xlsx` workbook against the JSON of the same checklist.

Usage: check_xlsx.py BOOK.xlsx CHECKLIST.json LANG

Rebuilds, from the JSON (schema kenshin.checklist/1), every cell the workbook should hold and
compares both ways: each expected cell must be there with the same value, and the workbook must
hold no other non-empty cell. Dates must be real date cells with the expected number format, and
no cell may be a formula. Exits 1 with a message naming the first mismatch.

Needs Debian's python3-openpyxl (run with /usr/bin/python3).
"""
import datetime
import json
import re
import sys

import openpyxl
from openpyxl.utils import get_column_letter

CELL_MAX = 32767
DATE_FORMAT = {"ja": '[$-411]ggge"年"m"月"d"日"', "en": "yyyy-mm-dd"}
MARKS = ["yes", "no", "check", "unanswered", "nohost", "na"]
MARK_LABEL = {
    "ja": dict(zip(MARKS, ["はい", "いいえ", "要確認", "未回答", "対象機器なし", "対象外"])),
    "en": dict(zip(MARKS, ["Yes", "No", "Check", "Unanswered", "No host", "N/A"])),
}
CATEGORIES = ["server", "terminal", "network"]
CATEGORY_LABEL = {
    "ja": dict(zip(CATEGORIES, ["サーバ", "端末PC", "ネットワーク機器"])),
    "en": dict(zip(CATEGORIES, ["Server", "Terminal PC", "Network device"])),
}
VERDICT_LABEL = {
    "ja": {"pass": "適合", "fail": "不適合", "unknown": "要確認", "manual": "手動確認", "na": "対象外",
           "waived": "例外承認", "missing": "結果なし"},
    "en": {"pass": "Pass", "fail": "Fail", "unknown": "Unknown", "manual": "Manual", "na": "N/A",
           "waived": "Waived", "missing": "No result"},
}
COVER_LABEL = {
    "ja": {"full": "対応済", "partial": "一部対応", "gap": "未対応"},
    "en": {"full": "Covered", "partial": "Partly covered", "gap": "Not covered"},
}
SHEETS = {
    "ja": ["チェックリスト", "証跡", "資産台帳", "例外承認", "対策マトリクス"],
    "en": ["Checklist", "Evidence", "Asset ledger", "Waivers", "3x3 view"],
}


class Mismatch(Exception):
    pass


ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def clean(s):
    """What the writer stores for S, as (stored, shown): characters XML 1.0 cannot carry become
    U+FFFD, a literal "_xHHHH_" is stored as "_x005F_xHHHH_" (Excel would otherwise read it as an
    escape), and the stored text is cut at Excel's cell limit with an ellipsis, never inside an
    escape. SHOWN is what Excel displays, None when the text was cut."""
    out, shown, n = [], [], 0
    for i, ch in enumerate(s):
        o = ord(ch)
        if ch == "_" and ESCAPE_RE.match(s, i):
            piece = "_x005F_"
        elif (o < 0x20 and ch not in "\t\n\r") or o in (0xFFFE, 0xFFFF) or 0xD800 <= o <= 0xDFFF:
            piece = ch = "\ufffd"
        else:
            piece = ch
        if n >= CELL_MAX - 1 or n + len(piece) > CELL_MAX - 1:
            out.append("…")
            return "".join(out), None
        out.append(piece)
        shown.append(ch)
        n += len(piece)
    return "".join(out), "".join(shown)


def excel_text(s):
    """The text Excel shows for stored cell text: "_xHHHH_" stands for that character."""
    return ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), s)


def text(t, lang):
    """ks_text_get: the language asked for, else the other one, else ""."""
    if not t:
        return ""
    other = "en" if lang == "ja" else "ja"
    return t.get(lang) or t.get(other) or ""


def iso_day(s):
    return datetime.date.fromisoformat(s) if s else None


def jst_day(instant):
    if not instant:
        return None
    t = datetime.datetime.strptime(instant, "%Y-%m-%dT%H:%M:%SZ")
    return (t + datetime.timedelta(hours=9)).date()


class Expect:
    """The cells one sheet should hold: (row, column) -> value, 1-based like openpyxl."""

    def __init__(self, name, lang):
        self.name = name
        self.lang = lang
        self.cells = {}
        self.shown = {}
        self.dates = set()

    def put(self, row, col, value):
        if value is None or value == "":
            return
        if isinstance(value, LabelOf):
            self.cells[(row, col)] = value
        elif isinstance(value, datetime.date):
            self.cells[(row, col)] = value
            self.dates.add((row, col))
        else:
            self.cells[(row, col)], self.shown[(row, col)] = clean(str(value))


def host_name(name, lang):
    if name:
        return name
    return "(ホスト名不明)" if lang == "ja" else "(unknown host name)"


def count_text(cat, lang):
    mark = MARK_LABEL[lang][cat["mark"]]
    n = cat["hosts"]
    if not cat["applies"] or not n:
        return mark
    unit = "台" if lang == "ja" else (" host" if n == 1 else " hosts")
    if cat["mark"] == "no":
        return f"{mark} ({len(cat['failing'])}/{n}{unit})"
    if cat["mark"] == "check":
        return f"{mark} ({len(cat['unknown_hosts'])}/{n}{unit})"
    return f"{mark} ({n}{unit})"


def host_line(item, key, prefix, lang):
    names = []
    for c in CATEGORIES:
        names += item["categories"][c][key]
    if not names:
        return None
    line = prefix + ", ".join(host_name(n, lang) for n in names[:20])
    if len(names) > 20:
        line += f" ほか{len(names) - 20}台" if lang == "ja" else f" and {len(names) - 20} more"
    return line


def remarks(item, lang):
    ja = lang == "ja"
    lines = []
    if item["conflict"]:
        lines.append("回答は「はい」ですが、測定結果は「いいえ」です" if ja else "Answered yes, but the scan results say no")
    for key, pja, pen in (("failing", "不適合: ", "Failing: "), ("unknown_hosts", "要確認: ", "Unknown: "),
                          ("waived_hosts", "例外承認: ", "Waived: ")):
        line = host_line(item, key, pja if ja else pen, lang)
        if line:
            lines.append(line)
    if item["stale"]:
        lines.append(f"古い結果: {item['stale']}台" if ja else f"Stale results: {item['stale']}")
    if item["target_missing"]:
        lines.append("目標日が未記入です" if ja else "No target date given")
    if item.get("note"):
        lines.append(item["note"])
    if item.get("confirmed_by"):
        lines.append(("確認者: " if ja else "Confirmed by: ") + item["confirmed_by"])
    return "\n".join(lines)


def documents(docs, indent=""):
    lines = []
    for d in docs:
        line = indent + (d.get("document") or "")
        if d.get("version"):
            line += f" ({d['version']})"
        if d.get("location"):
            line += f" — {d['location']}"
        lines.append(line)
    return lines


def targets_label(targets, lang):
    if not targets:
        return "—"
    if set(targets) >= set(CATEGORIES):
        return "医療情報システム全般" if lang == "ja" else "All medical information systems"
    sep = "、" if lang == "ja" else ", "
    return sep.join(CATEGORY_LABEL[lang][c] for c in CATEGORIES if c in targets)


def form_sheet(doc, lang):
    ja = lang == "ja"
    e = Expect(SHEETS[lang][0], lang)
    e.put(1, 1, text(doc["catalog"]["title"], lang))
    sub = doc["form_title"][lang]
    if doc.get("fiscal_year"):
        sub += f"　{doc['fiscal_year_label']}" if ja else f" — FY{doc['fiscal_year']}"
    e.put(2, 1, sub)

    fac = doc["facility"]
    pairs = [("医療機関等名" if ja else "Facility", fac.get("name")),
             ("施設区分" if ja else "Facility type", (fac.get("type_label") or {}).get(lang))]
    if doc["form"] == "vendor":
        v = doc.get("vendor") or {}
        pairs += [("事業者名" if ja else "Vendor", v.get("name")),
                  ("医療情報システム名" if ja else "Medical information system", v.get("system"))]
    cb = doc.get("confirmed_by") or {}
    if cb.get("name") and cb.get("title"):
        confirmer = f"{cb['name']}（{cb['title']}）" if ja else f"{cb['name']} ({cb['title']})"
    else:
        confirmer = cb.get("name") or cb.get("title") or ""
    pairs.append(("確認者" if ja else "Confirmed by", confirmer))
    pairs.append(("作成日" if ja else "Date", iso_day(doc["today"])))
    hosts = doc["hosts"]
    h = " / ".join(f"{CATEGORY_LABEL[lang][c]} {hosts[c]}" for c in CATEGORIES)
    if hosts.get("stale"):
        h += f"（古い結果 {hosts['stale']}台）" if ja else f" ({hosts['stale']} stale)"
    pairs.append(("対象ホスト数" if ja else "Hosts", h))
    has = doc["has_medical_information_system"]
    pairs.append(("医療情報システムの有無" if ja else "Medical information system in use",
                  ("あり" if has else "なし") if ja else ("Yes" if has else "No")))
    pairs.append(("集計" if ja else "Summary",
                  " / ".join(f"{MARK_LABEL[lang][m]} {doc['summary'][m]}" for m in MARKS)))
    row = 4
    for i, (label, value) in enumerate(pairs):
        if i % 2 == 0:
            e.put(row, 1, label)
            e.put(row, 2, value)
        else:
            e.put(row, 3, label)
            e.put(row, 6, value)
            row += 1
    if len(pairs) % 2:
        row += 1
    row += 1

    head = (["番号", "チェック項目", "対象", "サーバ", "端末PC", "ネットワーク機器", "回答", "確認日", "目標日",
             "根拠資料", "備考"] if ja else
            ["No.", "Check item", "Target", "Server", "Terminal PC", "Network device", "Answer", "Confirmed",
             "Target date", "Supporting documents", "Remarks"])
    for c, v in enumerate(head, 1):
        e.put(row, c, v)
    row += 1
    section = None
    for it in doc["items"]:
        if it["section"] != section:
            section = it["section"]
            title = text(it.get("section_title"), lang)
            e.put(row, 1, f"{section} {title}" if title else f"{section}")
            row += 1
        e.put(row, 1, it["label"])
        e.put(row, 2, text(it["title"], lang))
        e.put(row, 3, targets_label(it["targets"], lang))
        for k, c in enumerate(CATEGORIES):
            e.put(row, 4 + k, count_text(it["categories"][c], lang))
        e.put(row, 7, MARK_LABEL[lang][it["mark"]])
        e.put(row, 8, iso_day(it["confirmed"]))
        e.put(row, 9, iso_day(it["target"]))
        e.put(row, 10, "\n".join(documents(it["documents"])))
        e.put(row, 11, remarks(it, lang))
        row += 1
    return e


def waiver_text(w, lang):
    if not w:
        return ""
    ja = lang == "ja"
    lines = []
    if w.get("justification"):
        lines.append(w["justification"])
    if w.get("approver"):
        lines.append(("承認者: " if ja else "Approver: ") + w["approver"])
    if w.get("expires"):
        lines.append(("有効期限: " if ja else "Expires: ") + w["expires"])
    if w.get("expired"):
        lines.append("期限切れ" if ja else "Expired")
    return "\n".join(lines)


def evidence_text(r, lang):
    if r["verdict"] == "missing":
        return "結果に項目がありません" if lang == "ja" else "The result file has no entry for this item"
    lines = []
    show = r.get("decisive") or r["verdict"] in ("fail", "unknown")
    if r.get("rule_error"):
        lines.append(("ルールの誤り: " if lang == "ja" else "Rule error: ") + r["rule_error"])
    shown = r["evidence"][:2] if show else []
    for ev in shown:
        line = f"{ev.get('fact') or ''} = {ev.get('value') or ''}"
        if ev.get("source"):
            line += f" ({ev['source']})"
        if ev.get("note"):
            line += f" — {ev['note']}"
        lines.append(line)
    more = (len(r["evidence"]) - len(shown) + r.get("evidence_more", 0)) if show else 0
    if more:
        lines.append(f"ほか{more}件（JSON に全件）" if lang == "ja" else f"{more} more (all in the JSON)")
    return "\n".join(lines)


def yes_mark(flag, lang):
    return ("○" if lang == "ja" else "Yes") if flag else ""


def evidence_sheet(doc, lang, labels):
    ja = lang == "ja"
    e = Expect(SHEETS[lang][1], lang)
    head = (["番号", "ホスト", "区分", "判定", "判定の根拠", "例外承認", "古い結果"]
            if ja else ["No.", "Host", "Category", "Verdict", "Evidence", "Waiver", "Stale"])
    for c, v in enumerate(head, 1):
        e.put(1, c, v)
    rows = [r for r in doc["results"]
            if not (r["verdict"] == "manual" and not r.get("decisive") and not r.get("waiver")
                    and not r.get("rule_error"))]
    for row, r in enumerate(rows, 2):
        e.put(row, 1, labels[r["item"]])
        e.put(row, 2, host_name(r["host"], lang))
        e.put(row, 3, CATEGORY_LABEL[lang][r["role"]])
        e.put(row, 4, VERDICT_LABEL[lang][r["verdict"]])
        e.put(row, 5, evidence_text(r, lang))
        e.put(row, 6, waiver_text(r.get("waiver"), lang))
        e.put(row, 7, yes_mark(r["stale"], lang))
    return e


def assets_sheet(doc, lang):
    ja = lang == "ja"
    e = Expect(SHEETS[lang][2], lang)
    head = (["ホスト名", "区分", "OS", "カーネル", "アーキテクチャ", "IPアドレス", "マシンID", "最終スキャン",
             "スキャン日時", "古い結果", "結果ファイル", "kenshin", "root権限"] if ja else
            ["Host name", "Category", "OS", "Kernel", "Architecture", "IP addresses", "Machine ID", "Last scan",
             "Scanned at", "Stale", "Result file", "kenshin", "As root"])
    for c, v in enumerate(head, 1):
        e.put(1, c, v)
    for row, a in enumerate(doc["assets"], 2):
        e.put(row, 1, host_name(a["hostname"], lang))
        e.put(row, 2, CATEGORY_LABEL[lang][a["role"]])
        e.put(row, 3, a.get("os"))
        e.put(row, 4, a.get("kernel"))
        e.put(row, 5, a.get("arch"))
        e.put(row, 6, ", ".join(a.get("addresses") or []))
        e.put(row, 7, a.get("machine_id"))
        e.put(row, 8, jst_day(a.get("scanned_at")))
        e.put(row, 9, a.get("scanned_at"))
        e.put(row, 10, yes_mark(a["stale"], lang))
        e.put(row, 11, a.get("file"))
        e.put(row, 12, a.get("kenshin"))
        e.put(row, 13, ("はい" if a["as_root"] else "いいえ") if ja else ("Yes" if a["as_root"] else "No"))
    return e


def waivers_sheet(doc, lang, labels):
    ja = lang == "ja"
    e = Expect(SHEETS[lang][3], lang)
    head = (["番号", "ホスト", "対象パターン", "理由", "承認者", "有効期限", "定義", "状態", "本来の判定"] if ja else
            ["No.", "Host", "Host pattern", "Justification", "Approver", "Expires", "Defined in", "State",
             "Verdict without waiver"])
    for c, v in enumerate(head, 1):
        e.put(1, c, v)
    for row, w in enumerate(doc["waivers"], 2):
        # Waivers of items not on this form are named by the catalog label, which the JSON does not
        # carry; the checker then accepts the id or any label of the same item number.
        e.put(row, 1, labels.get(w["item"], LabelOf(w["item"])))
        e.put(row, 2, host_name(w["host"], lang))
        e.put(row, 3, w.get("pattern"))
        e.put(row, 4, w.get("justification"))
        e.put(row, 5, w.get("approver"))
        e.put(row, 6, w.get("expires"))
        e.put(row, 7, w.get("source"))
        e.put(row, 8, ("期限切れ" if w["expired"] else "有効") if ja else ("Expired" if w["expired"] else "Valid"))
        e.put(row, 9, VERDICT_LABEL[lang][w["verdict_without_waiver"]])
    return e


class LabelOf(str):
    """A label the JSON cannot give (item not on the form): matches "2-6" or "2-⑥"-like text."""

    def matches(self, got):
        sec, _, num = self.partition("-")
        return got == self or (isinstance(got, str) and got.startswith(sec + "-") and len(got) == len(sec) + 2)


def matrix_sheet(doc, lang, items):
    ja = lang == "ja"
    e = Expect(SHEETS[lang][4], lang)
    e.put(1, 1, "対策マトリクス（組織的・システム的・人的 × 是正的・発見的・予防的）" if ja else
          "3x3 view (organisational, system, staff x corrective, detective, preventive)")
    cols = ["是正的", "発見的", "予防的"] if ja else ["Corrective", "Detective", "Preventive"]
    rows = ["組織的", "システム的", "人的"] if ja else ["Organisational", "System", "Staff"]
    for c, v in enumerate(cols, 2):
        e.put(2, c, v)
    for r, v in enumerate(rows):
        e.put(3 + r, 1, v)
    for k, m in enumerate(doc["matrix"]):
        lines = [COVER_LABEL[lang][m["cover"]]]
        for i in m["items"]:
            lines.append(f"{items[i]['label']} {MARK_LABEL[lang][items[i]['mark']]}")
        for p in m["practices"]:
            line = ("取組: " if ja else "Practice: ") + (p.get("description") or "")
            if p.get("confirmed"):
                line += f" ({p['confirmed']})"
            lines.append(line)
            lines += documents(p.get("documents") or [], "  ")
        e.put(3 + k // 3, 2 + k % 3, "\n".join(lines))
    return e


def actual_cells(ws):
    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if v is None or v == "":
                continue
            where = f"'{ws.title}'!{get_column_letter(cell.column)}{cell.row}"
            if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=") and cell.data_type != "s"):
                raise Mismatch(f"{where} is a formula: {v!r}")
            if isinstance(v, datetime.datetime):
                v = v.date()
            cells[(cell.row, cell.column)] = (v, cell.number_format)
    return cells


def difference(want, have):
    """Names the first differing character of two long texts rather than printing both whole."""
    if isinstance(want, str) and isinstance(have, str) and max(len(want), len(have)) > 120:
        i = next((k for k in range(min(len(want), len(have))) if want[k] != have[k]), min(len(want), len(have)))
        return (f"texts differ at character {i} (expected {len(want)} characters, got {len(have)}): "
                f"expected ...{want[max(0, i - 30):i + 50]!r}, got ...{have[max(0, i - 30):i + 50]!r}")
    return f"expected {want!r}, got {have!r}"


def compare(ws, e):
    got = actual_cells(ws)
    for key in sorted(set(got) | set(e.cells)):
        where = f"'{ws.title}'!{get_column_letter(key[1])}{key[0]}"
        want = e.cells.get(key)
        have, numfmt = got.get(key, (None, None))
        if want is None:
            raise Mismatch(f"{where}: unexpected cell {have!r}")
        if have is None:
            raise Mismatch(f"{where}: expected {want!r}, the cell is empty")
        if isinstance(want, LabelOf):
            ok = want.matches(have)
        else:
            ok = have == want
        if not ok:
            raise Mismatch(f"{where}: {difference(want, have)}")
        shown = e.shown.get(key)
        if shown is not None and excel_text(have) != shown:
            raise Mismatch(f"{where}: Excel would show {excel_text(have)!r}, not {shown!r}")
        if key in e.dates and numfmt != DATE_FORMAT[e.lang]:
            raise Mismatch(f"{where}: date format {numfmt!r}, expected {DATE_FORMAT[e.lang]!r}")
    return len(got)


def main(argv):
    if len(argv) != 4 or argv[3] not in ("ja", "en"):
        print("usage: check_xlsx.py BOOK.xlsx CHECKLIST.json ja|en", file=sys.stderr)
        return 2
    book, path, lang = argv[1], argv[2], argv[3]
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("schema") != "kenshin.checklist/1":
        print(f"{path}: not a kenshin.checklist/1 document", file=sys.stderr)
        return 1
    wb = openpyxl.load_workbook(book, read_only=False)
    try:
        if wb.sheetnames != SHEETS[lang]:
            raise Mismatch(f"sheets {wb.sheetnames}, expected {SHEETS[lang]}")
        items = {it["item"]: it for it in doc["items"]}
        labels = {k: v["label"] for k, v in items.items()}
        expects = [form_sheet(doc, lang), evidence_sheet(doc, lang, labels), assets_sheet(doc, lang),
                   waivers_sheet(doc, lang, labels), matrix_sheet(doc, lang, items)]
        total = 0
        for ws, e in zip(wb.worksheets, expects):
            total += compare(ws, e)
    except Mismatch as m:
        print(f"{book}: {m}", file=sys.stderr)
        return 1
    print(f"{book}: {total} cells agree with {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
