"""Welfare programmes that touch pay and tax: 단체보험 선택보장 and 난임 시술비 지원 (docs/welfare.md)."""
