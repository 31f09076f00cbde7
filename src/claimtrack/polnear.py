"""PolNeAR evaluation: analyse a split's texts exactly as written and score them.

A PolNeAR split directory holds ``text/NAME.txt`` and
``attributions/NAME_ANNOTATOR.ann`` (brat standoff); publication dates, publishers
and titles come from a ``metadata.tsv`` beside the split or one level up (the
corpus keeps one file for all splits)::

    polnear/metadata.tsv            compartment, filename (= NAME), publication_date, ...
    polnear/dev/text/NAME.txt
    polnear/dev/attributions/NAME_ef2d.ann

The scorer (``bench/polnear_score.py``, kept outside this package and never
changed here) reads predictions as JSON Lines, one object per article, with
offsets into the text as ``open(path, encoding="utf-8").read()`` returns it::

    {"doc": "NAME", "attributions": [{"source": [[0, 9]], "cue": [[10, 14]],
                                      "content": [[15, 44]]}]}

Conventions worth knowing:

- Texts are **not** normalised the way ``ingest`` normalises them (no stripping,
  no NFC, no line-end changes): that would move the offsets the gold spans use.
  ``Article.id`` is the sha256 of the raw text, so an article with surrounding
  whitespace gets a different id here than from ``claimtrack ingest``.
- An attribution without a source becomes ``"source": []`` (PolNeAR's
  ``Attribution-no-source``); content keeps all its spans as fragments.
- An article that cannot be read or analysed becomes a ``Failure`` and an empty
  attribution list in the predictions: it counts as predicting nothing, it is
  not left out.
- The scorer scores every article of the gold directory it is given, so scoring
  a subset (``--limit``) goes through a temporary copy of that subset's gold
  files (``subset_split``); otherwise the missing articles would count as
  misses.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from spacy.language import Language

from claimtrack import pipeline
from claimtrack.errors import ClaimtrackError, InputError
from claimtrack.ingest import Metadata, as_article, parse_date
from claimtrack.lexicons import Lexicons
from claimtrack.records import Analysis, Article, Failure, Span
from claimtrack.tagger import TaggerModel

STAGE = "polnear"
METADATA_FILE = "metadata.tsv"
#: Where the scorer sits relative to a split directory (``polnear/dev`` -> ``bench/``).
SCORER_FROM_SPLIT = Path("..", "..", "bench", "polnear_score.py")


class SplitError(ClaimtrackError):
    """A directory that is not a PolNeAR split, or a metadata file that cannot be read."""


def check_split(split_dir: str | Path) -> None:
    """Raise SplitError unless ``split_dir`` has ``text/`` and ``attributions/``."""
    root = Path(split_dir)
    if not root.is_dir():
        raise SplitError(f"{split_dir}: no such directory")
    missing = [sub for sub in ("text", "attributions") if not (root / sub).is_dir()]
    if missing:
        raise SplitError(
            f"{split_dir}: not a PolNeAR split (no {' or '.join(m + '/' for m in missing)} "
            "subdirectory; expected text/NAME.txt and attributions/NAME_ANNOTATOR.ann)"
        )


def find_metadata(split_dir: str | Path) -> Path | None:
    """``metadata.tsv`` in the split directory, else in its parent; None when neither has one."""
    root = Path(split_dir)
    for candidate in (root / METADATA_FILE, root.parent / METADATA_FILE):
        if candidate.is_file():
            return candidate
    return None


def read_metadata(path: str | Path) -> dict[str, Metadata]:
    """File name (without ``.txt``) -> title, publisher and publication date.

    Rows need a ``filename`` column; ``publication_date`` (YYYY-MM-DD),
    ``publisher`` and ``title`` are used when present. An empty or unreadable
    date, or the corpus's ``None``, leaves that field unset.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise SplitError(f"{path}: cannot read metadata ({err})") from None
    if rows and "filename" not in rows[0]:
        raise SplitError(f"{path}: no 'filename' column")
    out: dict[str, Metadata] = {}
    for row in rows:
        name = (row.get("filename") or "").strip()
        if name:
            out[name] = Metadata(
                title=_field(row, "title"),
                publisher=_field(row, "publisher"),
                published=_date(row, path),
            )
    return out


def _field(row: dict[str, str | None], key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value if value and value != "None" else None


def _date(row: dict[str, str | None], path: str | Path) -> date | None:
    value = _field(row, "publication_date")
    if value is None:
        return None
    try:
        return parse_date(value, str(path))
    except InputError:
        return None


def read_split(
    split_dir: str | Path, limit: int | None = None
) -> list[tuple[str, Article | Failure]]:
    """(name, Article) per ``text/*.txt``, sorted by name; the first ``limit`` only if given.

    Each text is read with ``open(path, encoding="utf-8").read()``, exactly as
    the scorer reads it, and kept as is (see the module docstring). A file that
    is not UTF-8 comes out as a ``Failure``, so one bad file costs one article.
    Raises SplitError when ``split_dir`` is not a split.
    """
    check_split(split_dir)
    text_dir = Path(split_dir) / "text"
    names = sorted(p.name[: -len(".txt")] for p in text_dir.iterdir() if p.name.endswith(".txt"))
    if limit is not None:
        names = names[:limit]
    meta_path = find_metadata(split_dir)
    metadata = read_metadata(meta_path) if meta_path else {}
    out: list[tuple[str, Article | Failure]] = []
    for name in names:
        path = text_dir / f"{name}.txt"
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as err:
            out.append((name, Failure(str(path), STAGE, f"cannot read as UTF-8: {err}")))
            continue
        out.append((name, as_article(text, str(path), metadata.get(name) or Metadata())))
    return out


Frags = list[tuple[int, int]]


@dataclass(frozen=True)
class GoldDoc:
    """One article of a split with its gold attributions (role -> character fragments)."""

    name: str
    text: str
    attributions: list[dict[str, Frags]]


def read_gold(split_dir: str | Path) -> list[GoldDoc]:
    """Texts (as ``read_split`` reads them) and gold attributions of a split, for training.

    The gold follows the brat standoff the way the scorer reads it: one
    annotation file per article (the annotator id that sorts first), every
    event line an attribution, roles Source / Cue / Content with a trailing
    number pooled (Content2 is content), events without cue or content
    dropped. Raises SplitError for a directory that is not a split or a text
    that cannot be read.
    """
    articles = read_split(split_dir)
    chosen: dict[str, tuple[str, Path]] = {}
    for p in sorted((Path(split_dir) / "attributions").glob("*.ann")):
        name, _, annotator = p.stem.rpartition("_")
        if name and (name not in chosen or annotator < chosen[name][0]):
            chosen[name] = (annotator, p)
    docs = []
    for name, article in articles:
        if isinstance(article, Failure):
            raise SplitError(str(article))
        ann = chosen.get(name)
        docs.append(GoldDoc(name, article.text, _parse_ann(ann[1]) if ann else []))
    return docs


def _parse_ann(path: Path) -> list[dict[str, Frags]]:
    spans: dict[str, Frags] = {}
    events: list[list[tuple[str, str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0][:1] in ("T", "E") or not fields[0][1:].isdigit():
            continue
        if fields[0].startswith("T"):
            _label, _, offsets = fields[1].partition(" ")
            try:
                spans[fields[0]] = [(int(a), int(b)) for a, b in (part.split() for part in offsets.split(";"))]
            except ValueError:
                continue
        else:
            events.append([tuple(arg.partition(":")[::2]) for arg in fields[1].split()])  # type: ignore[misc]
    out = []
    for args in events:
        attr: dict[str, Frags] = {"source": [], "cue": [], "content": []}
        for role, target in args:
            base = role.rstrip("0123456789").lower()
            if base in attr and target in spans:
                attr[base].extend(spans[target])
        if attr["cue"] and attr["content"]:
            out.append(attr)
    return out


def predict(
    split: Sequence[tuple[str, Article | Failure]],
    nlp: Language,
    lex: Lexicons,
    batch_size: int = 32,
    attribution_model: TaggerModel | None = None,
) -> Iterator[tuple[str, Analysis | Failure]]:
    """Run the pipeline over a split read by ``read_split``; (name, result) in the same order."""
    results = pipeline.run((item for _, item in split), nlp, lex, batch_size, attribution_model)
    for (name, _), result in zip(split, results, strict=True):
        yield name, result


def prediction_line(name: str, result: Analysis | Failure) -> dict[str, Any]:
    """One article's predictions in the scorer's format; a Failure predicts nothing.

    A statement "The mayor said the bridge will reopen" ->
    {"doc": name, "attributions": [{"source": [[0, 9]], "cue": [[10, 14]],
                                    "content": [[15, 37]]}]}
    """
    if isinstance(result, Failure):
        return {"doc": name, "attributions": []}
    attributions = []
    for statement in result.statements:
        attr = statement.attribution
        attributions.append({
            "source": _fragments([attr.source] if attr.source is not None else []),
            "cue": _fragments([attr.cue]),
            "content": _fragments(attr.content),
        })
    return {"doc": name, "attributions": attributions}


def _fragments(spans: Iterable[Span]) -> list[list[int]]:
    return [[span.start, span.end] for span in spans]


def write_predictions(results: Iterable[tuple[str, Analysis | Failure]], out: TextIO) -> int:
    """Write one JSON line per (name, result); returns how many results were failures."""
    failed = 0
    for name, result in results:
        if isinstance(result, Failure):
            failed += 1
        out.write(json.dumps(prediction_line(name, result), ensure_ascii=False) + "\n")
    return failed


def find_scorer(split_dir: str | Path) -> Path | None:
    """The scorer at ``SPLIT/../../bench/polnear_score.py`` when it exists, else None.

    ``/data/polnear/dev`` -> ``/data/bench/polnear_score.py``
    """
    candidate = (Path(split_dir).resolve() / SCORER_FROM_SPLIT).resolve()
    return candidate if candidate.is_file() else None


def subset_split(split_dir: str | Path, names: Iterable[str], dest: str | Path) -> Path:
    """Copy the texts and annotation files of ``names`` into a new split at ``dest``.

    The scorer scores every article of its gold directory; this lets a quick run
    on a few articles be scored against those articles only. Returns ``dest``.
    """
    src, out = Path(split_dir), Path(dest)
    wanted = set(names)
    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "attributions").mkdir(parents=True, exist_ok=True)
    for name in wanted:
        shutil.copyfile(src / "text" / f"{name}.txt", out / "text" / f"{name}.txt")
    for ann in (src / "attributions").iterdir():
        if ann.suffix == ".ann" and ann.stem.rpartition("_")[0] in wanted:
            shutil.copyfile(ann, out / "attributions" / ann.name)
    return out


def run_scorer(
    scorer: str | Path,
    gold: str | Path,
    pred: str | Path,
    as_json: bool = False,
    only: Sequence[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python SCORER --gold GOLD --pred PRED [--json]``; its output comes back captured.

    The scorer prints a table (or one JSON line) and a summary line on stdout
    and exits 0, or 2 on bad input; its exit status is not checked here. With
    ``only`` (article names) fewer than the split holds, the gold directory
    passed is a temporary ``subset_split`` of those articles, removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="claimtrack-polnear-gold-") as tmp:
        if only is not None and len(set(only)) < count_texts(gold):
            gold = subset_split(gold, only, Path(tmp) / Path(gold).name)
        command = [sys.executable, os.fspath(scorer), "--gold", os.fspath(gold),
                   "--pred", os.fspath(pred)]
        if as_json:
            command.append("--json")
        return subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", check=False
        )


def count_texts(split_dir: str | Path) -> int:
    """How many ``text/*.txt`` files a split holds."""
    return sum(1 for p in (Path(split_dir) / "text").iterdir() if p.name.endswith(".txt"))


__all__ = [
    "GoldDoc",
    "SplitError",
    "check_split",
    "count_texts",
    "find_metadata",
    "find_scorer",
    "predict",
    "prediction_line",
    "read_gold",
    "read_metadata",
    "read_split",
    "run_scorer",
    "subset_split",
    "write_predictions",
]
