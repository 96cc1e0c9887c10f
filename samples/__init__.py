"""Sample data: ``python -m samples.generate --out DIR [--month 2026-06] [--small]``."""
