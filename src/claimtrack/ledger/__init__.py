"""The ledger: analyses stored in SQLite (a file) or PostgreSQL (a URL), queried as flat rows.

Example::

    with Ledger("news.db") as ledger:          # or Ledger("postgresql://me@host/news")
        ledger.add(analysis)                      # "added" | "replaced" | "unchanged"
        ledger.statements(actor="reznikov", since=date(2023, 6, 1))
"""

from claimtrack.ledger.store import AddOutcome, Ledger

__all__ = ["AddOutcome", "Ledger"]
