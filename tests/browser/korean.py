"""What counts as English on a console page (the browser tests use it; no tests here).

The text a person reads — the page without ``<code>`` elements (codes, file names, hashes, reason
codes) and ``.id`` spans (worker ids, user names) — may hold Latin letters only in codes: a token
with a digit, a dot, a slash or an underscore (W0001, 2026-06-ab12cd34, daily.xls, ytd_gross_pay,
A01), text in quotes (a value or a column name as written in a file: 'date', "who") or a word of
the allow-list (units and file kinds a Korean office writes in Latin letters). Anything else is an
English word and fails the test.
"""

from __future__ import annotations

import re

ALLOWED = {"KST", "UTC", "PDF", "XLSX", "XLS", "CSV", "ZIP", "JSON", "TOML", "PNG", "MiB", "KiB", "CCTV", "IRP", "SMTP"}

#: the text of the page as read, without codes and ids (run in the page)
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("code, .id, script, style, template").forEach(e => e.remove());
  const parts = [body.textContent];
  document.querySelectorAll("input[placeholder], input[type=submit][value], button[title], [aria-label]").forEach(e => {
    if (!e.closest("code, .id")) parts.push(e.getAttribute("placeholder") || e.getAttribute("value") || e.getAttribute("title") || e.getAttribute("aria-label") || "");
  });
  parts.push(document.title);
  return parts.join(" ");
}"""


def english_words(text: str) -> list[str]:
    """The English words in ``text`` (codes and the allow-list aside), in order of appearance."""
    found = []
    text = re.sub(r"'[^'\n]*'|\"[\x20-\x7e]*\"", " ", text)
    for token in re.findall(r"[A-Za-z0-9_./:\-]+", text):
        if re.search(r"[0-9_./]", token):
            continue
        for word in re.findall(r"[A-Za-z]+", token):
            if word not in ALLOWED:
                found.append(word)
    return found
