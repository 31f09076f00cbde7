"""The ledger: analyses stored in SQLite, queried as flat statement rows.

Example::

    with Ledger("news.db") as ledger:
        ledger.add(analysis)                      # "added" | "replaced" | "unchanged"
        ledger.statements(actor="reznikov", since=date(2023, 6, 1))
"""

from claimtrack.ledger.store import AddOutcome, Ledger

__all__ = ["AddOutcome", "Ledger"]
