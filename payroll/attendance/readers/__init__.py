"""Read an attendance export — CSV/TSV text (UTF-8, UTF-8 with BOM, UTF-16 with BOM, CP949/EUC-KR;
comma, tab, semicolon, bar or space separated), fixed-width text, XLSX or legacy XLS.

The package, by seam:

- :mod:`.text` — the format from the bytes, the encoding, the separator, rows of cells
- :mod:`.sheets` — workbook sheets as rows of text cells, merged cells filled
- :mod:`.header` — where a header table is and which profile it fits
- :mod:`.layouts` — the layouts without a header: columns by position, fixed-width records, day-matrix reports
- :mod:`.ids` — worker ids (compound cells, device user numbers), directions and event kinds
- :mod:`.clock` — dates and times in their many spellings
- :mod:`.cells` — cell clean-up: ids, blanks, totals rows, repeated headers
- :mod:`.normalise` — rows of cells → the export's frame, the rows that are not records, the rows not explained
- :mod:`.read` — ``read_export(path, profile=None)`` / ``read_export_bytes(raw, path, …)`` → :class:`Export`

What real exports put around the table is tolerated: title rows and blank rows above the header,
a workbook's other sheets (listed in :attr:`Export.notes`), totals, footer and repeated header rows
and punches of an ignored kind (kept in :attr:`Export.skipped`, reported as ``not_data``), extra
columns. A row the profile cannot explain is kept in :attr:`Export.errors` and reported as an error
naming it — never silently dropped. A cell that does not parse stays null next to its raw text, so
the checks report it (malformed time).
"""

from payroll.attendance.readers.clock import parse_clocks, parse_dates
from payroll.attendance.readers.export import Export, Table
from payroll.attendance.readers.read import read_export, read_export_bytes
from payroll.attendance.readers.sheets import _xls_may_merge, _xls_merges
from payroll.attendance.readers.text import decode_text, sniff

__all__ = ["Export", "Table", "decode_text", "parse_clocks", "parse_dates", "read_export", "read_export_bytes", "sniff", "_xls_may_merge", "_xls_merges"]
