"""``claimtrack serve``: a local, read-only web view of a ledger (``create_app``)."""

from claimtrack.web.app import create_app

__all__ = ["create_app"]
