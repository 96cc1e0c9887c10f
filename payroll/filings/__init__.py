"""The filing pack: monthly returns and yearly records from the stored runs and the year-end batch.

See payroll.filings.pack (what ``payroll filing`` writes), annual (지급명세서 records), check
(``payroll filing check``), monthly (원천징수이행상황신고서, 근로내용확인신고, 취득·상실), simplified
(간이지급명세서), fixed (CP949 fixed-width records), sheets (the XLSX files), config (filing.toml).
"""
