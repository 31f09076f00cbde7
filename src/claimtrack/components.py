"""spaCy components claimtrack adds to the pipeline (only work that must run inside it)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component(
    "claimtrack_line_sents",
    assigns=["token.is_sent_start"],
)
def line_sents(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    News text puts headlines, captions, credits and list items on lines of their
    own, without final punctuation; the parser would otherwise run them into
    the next sentence. Runs before the parser, which respects the boundaries.
    """
    for token in doc[:-1]:
        if "\n" in token.text_with_ws:
            nxt = doc[token.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc
