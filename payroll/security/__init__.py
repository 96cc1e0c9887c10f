"""Guards against hostile input and concurrent use (issue 15), each in its own module:

- :mod:`~payroll.security.identifiers` — the strict patterns of every identifier that becomes part
  of a file name (worker id, contract id, run id, month, document numbers), and the one helper
  that resolves an output path and refuses one outside its folder;
- :mod:`~payroll.security.limits` — the limits for untrusted files (``rules/limits.toml``);
- :mod:`~payroll.security.spreadsheets` — an XLSX or XLS is measured (declared dimension, cells,
  uncompressed size and ratio) before any reader opens it;
- :mod:`~payroll.security.sandbox` — untrusted files are read in a child process under a memory
  limit, and helper processes die with their parent;
- :mod:`~payroll.security.cells` — text written into XLSX and CSV files never becomes a formula;
- :mod:`~payroll.security.rrn` — 주민등록번호 found in any input are masked, their originals sealed;
- :mod:`~payroll.security.month_lock` — one run (or close) of a month at a time, in the database;
- :mod:`~payroll.security.throttle` — growing delays after failed console logins.
"""
