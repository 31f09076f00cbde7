"""``python -m claimtrack ...``: the same command line as ``claimtrack ...``."""

from claimtrack.cli import main

if __name__ == "__main__":
    main(prog_name="claimtrack")
