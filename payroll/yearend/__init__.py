"""연말정산 for everyone employed on 31 December: 신고서 records, the year's settlement, the February–April lines."""
