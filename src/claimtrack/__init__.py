"""claimtrack: a ledger of attributed claims from news text."""
__version__ = "0.1.0"
