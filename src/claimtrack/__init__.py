"""claimtrack: a ledger of attributed claims from news text, with character-level provenance.

>>> import claimtrack
>>> r = claimtrack.analyze("Russian forces do not control the city, the minister said on Friday.",
...                        published="2023-06-04")                      # doctest: +SKIP
>>> [(s.attribution.cue.text, s.time.start) for s in r.statements]      # doctest: +SKIP
[('said', datetime.date(2023, 6, 2))]
>>> with claimtrack.Ledger("news.db") as ledger:                        # doctest: +SKIP
...     ledger.add(r)
"""

from __future__ import annotations

__version__ = "0.1.0"

from claimtrack.api import analyze, analyze_sources
from claimtrack.errors import (
    ClaimtrackError,
    DecodeError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    LedgerError,
    MalformedInputError,
    ModelError,
    SchemaVersionError,
)
from claimtrack.ingest import Fields
from claimtrack.ledger import Ledger
from claimtrack.records import (
    SCHEMA_VERSION,
    Actor,
    Analysis,
    Article,
    Attribution,
    Channel,
    Exclusion,
    Failure,
    Hedge,
    Proposition,
    Side,
    Span,
    Stamp,
    Stance,
    Statement,
    TimeRef,
)

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Analysis",
    "Article",
    "Attribution",
    "Channel",
    "ClaimtrackError",
    "DecodeError",
    "EmptyInputError",
    "Exclusion",
    "Failure",
    "Fields",
    "Hedge",
    "InputError",
    "InputTooLargeError",
    "Ledger",
    "LedgerError",
    "MalformedInputError",
    "ModelError",
    "Proposition",
    "SchemaVersionError",
    "Side",
    "Span",
    "Stamp",
    "Stance",
    "Statement",
    "TimeRef",
    "__version__",
    "analyze",
    "analyze_sources",
]
