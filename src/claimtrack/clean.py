"""Clean: find the parts of an article that are not content, and blank them out.

Nothing is ever cut from the text. :func:`find_exclusions` returns the spans to
keep out of analysis, each with the rule that found it, and :func:`mask_text`
blanks those spans in a copy of the text of the *same length*, so offsets in the
analysis text are article offsets and are never remapped.

The rules are general (line structure, punctuation, capitalisation) plus two
lexicons, ``promo.tsv`` and ``credits.tsv``; none names a publisher or an entity.

- **promo**: blocks of consecutive list-like lines (bulleted, or short without
  sentence-final punctuation) most of which hold a promo phrase ("unlimited
  access", "newsletter"), with the heading line of a promo bullet list, and any
  later repeat of a line of such a block.
- **credit**: a whole line, or the tail of a caption line after its last
  sentence, that is short, holds a credit phrase and is shaped like a credit:
  ``Name Surname/AGENCY``, ``AGENCY/Name``, ``Photo: ...``, ``(AP Photo/Name)``.
- **caption**: the text a photo-shaped credit ends (or the line it directly
  follows), plus a short unpunctuated image title directly above it. A bare
  agency name ("Reuters", "[AP.]") is a credit but makes no caption: it may be a
  sign-off or a source marker after a body sentence.
- **byline**: a whole short line that names who wrote, reported or edited the
  story: "By Jane Roe and John Doe", "BY JANE ROE, Staff Writer", "Reporting
  by Jane Roe in Kyiv; Editing by John Doe". A label of at most two words
  then "by" and then mostly capitalised words, with no sentence-final
  punctuation.
- **dateline**: the place (and agency, and date) that opens a news story, up
  to its dash: "WASHINGTON (AP) —", "MANCHESTER, N.H. -", "KYIV, Ukraine, June
  4 (Reuters) -". The place is one to three words in capitals (three letters
  or more); only the first such line start among the first 12 lines counts
  (a later one is a heading: "QUESTIONABLE CLAIMS — ..."); the line after the
  dash is kept.
- **duplicate**: a sentence of 8 or more words that repeats an earlier,
  unexcluded sentence almost word for word (token Jaccard >= 0.8, same numbers).

Every rule is linear in the text (bar sorting), so pathological inputs stay fast.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from claimtrack.lexicons import Lexicons
from claimtrack.records import Article, Exclusion, Span

__all__ = ["clean_article", "find_exclusions", "mask_text"]

#: most words a line may have and still count as a short heading or list item
SHORT_LINE_WORDS = 15
#: most words a punctuated one-line call to action ("Sign up for ...") may have
PROMO_LINE_WORDS = 30
#: most words (and characters) in a photo credit
CREDIT_WORDS = 12
CREDIT_CHARS = 120
#: longest paragraph still taken for a caption
CAPTION_WORDS = 80
#: near-duplicate sentences: at least this many words, and this token Jaccard
DUPLICATE_MIN_WORDS = 8
DUPLICATE_JACCARD = 0.8
# sentences indexed under one token: keeps many look-alike sentences ("... day 1.",
# "... day 2.", all rare tokens equal) linear; only such look-alikes can be missed
_POSTINGS_CAP = 16

_BULLET = re.compile(r"\s*(?:[•*\-–—·▪‣◦●►]|\d{1,2}[.)])\s+")
_FINAL_PUNCT = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")
# where a sentence ends inside a line, or an opening bracket starts a trailing credit
_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+|\s+(?=[(\[])")
# a full stop inside a segment, after a word rather than an initial ("J. Roe" is fine)
_INNER_STOP = re.compile(r"\w\w[.!?…][\"'”’)\]]*\s")
_BRACKETED = re.compile(r"[(\[][^()\[\]]*[)\]]")
# "Photo: ", "Image source, ": a short label before the names of a credit
_LABEL = re.compile(r"([^\W\d_]+)[\w ]{0,24}([:,])\s*")
_NAME_TOKEN = re.compile(r"[^\s/|,;()\[\]]+")
# a line that speaks to the reader ("your inbox", "our newsletter", "follow us")
_READER = re.compile(r"\b(?:[Yy]ou|[Yy]our|[Oo]ur|us)\b")
# a sentence end, but not after an initial or a short abbreviation ("Donald J.", "Mr.", "Gen.")
_SENTENCE_END = re.compile(
    r"(?:(?<!\b[A-Za-z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})\.|[!?…])[\"'”’)\]]*\s+"
)
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_NOT_NEWLINE = re.compile(r"[^\n]")
# lower-case particles that may sit inside a name-shaped credit ("Name for The Paper")
_PARTICLES = frozenset(
    {"via", "for", "and", "of", "the", "by", "de", "da", "del", "di", "van", "von", "der", "den"}
    | {"le", "la", "al", "el", "bin", "ibn", "y", "&", "-", "–", "—"}
)


Hit = tuple[int, int]  # (start, end) columns of a lexicon phrase within one line


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the article (offsets exclude the newline) and its shape."""

    index: int
    start: int
    end: int
    text: str
    words: int
    bullet: bool
    punctuated: bool

    @classmethod
    def of(cls, index: int, start: int, text: str) -> _Line:
        bullet = _BULLET.match(text) is not None
        punctuated = _FINAL_PUNCT.search(text) is not None
        return cls(index, start, start + len(text), text, len(text.split()), bullet, punctuated)

    @property
    def blank(self) -> bool:
        return self.words == 0

    @property
    def short_bare(self) -> bool:
        """A short line without sentence-final punctuation: a heading or list item."""
        return 0 < self.words <= SHORT_LINE_WORDS and not self.punctuated

    @property
    def listlike(self) -> bool:
        return self.bullet or self.short_bare


def find_exclusions(
    article: Article, lex: Lexicons, *, duplicates: bool = True
) -> tuple[Exclusion, ...]:
    """Spans of ``article.text`` to keep out of analysis, sorted and non-overlapping.

    ``duplicates=False`` keeps repeated sentences (an evaluation whose gold data
    annotates both copies wants them).

    "...for comment.\\n\\nPaper cover\\n  • Unlimited access to paper.com"
        -> (Exclusion(Span(..., "Paper cover\\n  • Unlimited access to paper.com"), "promo"),)
    "Troops fire on March 4. Jane Roe/AFP via Getty Images"
        -> caption "Troops fire on March 4." and credit "Jane Roe/AFP via Getty Images"
    """
    text = article.text
    lines = _split_lines(text)
    promo = _find_promo(lines, _phrase_hits(text, lines, lex.promo, None))
    promo_lines = {i for first, last in promo for i in range(first, last + 1)}
    found = [Exclusion(_line_span(text, lines, first, last), "promo") for first, last in promo]
    found += _find_credits(
        text, lines, _phrase_hits(text, lines, lex.credits, CREDIT_CHARS + 1), promo_lines
    )
    found += _find_bylines(text, lines)
    found += _find_datelines(text, lines)
    kept = _drop_overlaps(found)
    if duplicates:
        kept += _find_duplicates(text, lines, kept)
    return tuple(sorted(kept, key=lambda x: x.span.start))


def mask_text(text: str, exclusions: Iterable[Exclusion]) -> str:
    """``text`` with every character of every exclusion, except newlines, made a space.

    The result has the same length and the same newlines as ``text``:
    mask_text("Body.\\nPhoto: AFP", [Exclusion(Span(6, 16, "Photo: AFP"), "credit")])
        -> "Body.\\n          "
    """
    parts: list[str] = []
    pos = 0
    for start, end in _merge_ranges((x.span.start, x.span.end) for x in exclusions):
        start, end = max(start, pos, 0), min(end, len(text))
        if start >= end:
            continue
        parts += [text[pos:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def clean_article(article: Article, lex: Lexicons) -> tuple[tuple[Exclusion, ...], str]:
    """The exclusions of an article and its analysis text (the masked article text).

    clean_article(article, lex) -> ((Exclusion(...), ...), "same length as article.text")
    """
    exclusions = find_exclusions(article, lex)
    return exclusions, mask_text(article.text, exclusions)


# --- lines and lexicon phrases --------------------------------------------------------


def _split_lines(text: str) -> list[_Line]:
    """Lines split on "\\n" only, so offsets stay those of ``text``.

    "a\\nbc" -> [line 0 at 0..1 "a", line 1 at 2..4 "bc"]
    """
    lines: list[_Line] = []
    start = 0
    for index, line in enumerate(text.split("\n")):
        lines.append(_Line.of(index, start, line))
        start += len(line) + 1
    return lines


def _phrase_hits(
    text: str, lines: Sequence[_Line], phrases: tuple[str, ...], tail: int | None
) -> list[list[Hit]]:
    """For each line, the columns where a lexicon phrase occurs (whole words, plural -s too).

    Only lines short enough to be promo are searched (``tail`` None), or only the
    last ``tail`` characters of each line, where a credit can be: long body
    paragraphs are most of the text and cannot hold either.
    phrases ("getty images", "photo:"), lines ["Photo: Getty Images"] -> [[(0, 6), (7, 19)]]
    """
    lowered = text.lower()
    pattern = _phrase_regex(phrases, len(lowered) != len(text))  # lower() may shift offsets
    source = text if len(lowered) != len(text) else lowered
    hits: list[list[Hit]] = []
    for line in lines:
        if tail is None and line.words > PROMO_LINE_WORDS:
            hits.append([])
            continue
        start = line.start if tail is None else line.start + max(0, len(line.text.rstrip()) - tail)
        found = pattern.finditer(source, start, line.end)  # look-behind still sees before start
        hits.append([(m.start() - line.start, m.end() - line.start) for m in found])
    return hits


@lru_cache(maxsize=32)
def _phrase_regex(phrases: tuple[str, ...], ignore_case: bool) -> re.Pattern[str]:
    """One pattern for all phrases, longest first, each starting at a word boundary.

    Phrases ending in a letter match whole words with an optional plural "s", so
    "newsletter" finds "newsletters" but "afp" does not find "afpx". Spaces in a
    phrase match any run of spaces or tabs, never a newline.
    """
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    wordy = [_phrase_body(p) for p in ordered if re.search(r"\w$", p)]
    other = [_phrase_body(p) for p in ordered if not re.search(r"\w$", p)]
    branches = []
    if wordy:
        branches.append("(?:" + "|".join(wordy) + r")s?(?!\w)")
    if other:
        branches.append("(?:" + "|".join(other) + ")")
    if not branches:
        return re.compile(r"(?!)")
    # the look-behind stays outside the alternation: re then skips ahead much faster
    return re.compile(r"(?<!\w)(?:" + "|".join(branches) + ")", re.IGNORECASE if ignore_case else 0)


def _phrase_body(phrase: str) -> str:
    return r"[^\S\n]+".join(re.escape(word) for word in phrase.lower().split())


def _line_span(text: str, lines: Sequence[_Line], first: int, last: int) -> Span:
    return Span.of(text, lines[first].start, lines[last].end)


def _normalized(line: str) -> str:
    return " ".join(line.split()).lower()


# --- promo ----------------------------------------------------------------------------


def _promo_level(line: _Line, hits: Sequence[Hit]) -> int:
    """How surely a line is promo: 2 sure, 1 only inside a promo block, 0 not promo.

    2: a promo phrase opens the line or one of its sentences, in a list-like line
       ("• Ad free experience", "Share this article") or, in a punctuated one, with a
       label colon or words to the reader ("Read more: Why it matters?",
       "Want it daily? Sign up for our newsletter.");
    1: a list-like line that only holds a phrase ("• iOS and Android app access",
       "• 300 shells fired per week");
    0: anything else ("Advertising revenue fell by a fifth, the company said.").
    """
    if not hits or line.blank or line.words > PROMO_LINE_WORDS:
        return 0
    opening = _opening_hit(line, hits)
    if line.listlike:
        return 1 if opening is None else 2
    if opening is None:
        return 0
    labelled = line.text[opening[1] : opening[1] + 1] == ":"  # "Read more:", "See also:"
    return 2 if labelled or _READER.search(line.text) else 0


def _opening_hit(line: _Line, hits: Sequence[Hit]) -> Hit | None:
    """The first phrase with at most two words before it in its sentence, if any."""
    starts = [_bullet_end(line.text)] + [m.end() for m in _BOUNDARY.finditer(line.text)]
    for hit in hits:
        sentence_start = max((s for s in starts if s <= hit[0]), default=0)
        if len(line.text[sentence_start : hit[0]].split()) <= 2:
            return hit
    return None


def _bullet_end(text: str) -> int:
    match = _BULLET.match(text)
    return match.end() if match else 0


def _find_promo(lines: Sequence[_Line], hits: Sequence[Sequence[Hit]]) -> list[tuple[int, int]]:
    """Promo blocks as (first line, last line): a heading or promo line and what follows.

    ["Paper cover", "• Unlimited access", "• App access", "• Ad free"] -> [(0, 3)]
    """
    levels = [_promo_level(line, line_hits) for line, line_hits in zip(lines, hits, strict=True)]
    if len(levels) < 2 or not levels[1]:
        levels[0] = 0  # the headline alone is never promo ("Advertising ban hits...")
    flags = [level > 0 for level in levels]
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if levels[i] == 2:
            groups.append(_grow_group(lines, flags, i, groups[-1][1] + 1 if groups else 0))
            i = groups[-1][1]
        i += 1
    groups += _repeats(lines, groups)
    return sorted(block for group in groups for block in _split_blocks(lines, group))


def _grow_group(
    lines: Sequence[_Line], flags: Sequence[bool], i: int, floor: int
) -> tuple[int, int]:
    """Grow a promo group from a sure promo line i over list-like lines, most of them promo."""
    last, count, promo_so_far = i, 1, 1
    for j in range(i + 1, len(lines)):
        if lines[j].blank or not (lines[j].listlike or flags[j]):
            break
        promo_so_far += flags[j]
        if j - i + 1 - 2 * promo_so_far > 2:
            break  # too far behind to get back a majority
        if (flags[j] or lines[j].bullet) and 2 * promo_so_far > j - i + 1:
            last, count = j, promo_so_far
    first = i
    while (
        first - 1 >= floor
        and lines[first].bullet
        and lines[first - 1].bullet
        and 2 * count > last - first + 2
    ):
        first -= 1  # earlier items of the same promo list
    above = lines[first - 1] if first - 1 >= max(floor, 1) else None
    if above is not None and lines[first].bullet and above.short_bare and not above.bullet:
        first -= 1  # the heading of a promo bullet list ("<Paper> cover", "Subscribe now")
    return first, last


def _repeats(lines: Sequence[_Line], groups: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """List-like lines elsewhere that repeat a line of a promo group word for word."""
    inside = {i for first, last in groups for i in range(first, last + 1)}
    seen = {_normalized(lines[i].text) for i in inside}
    return [
        (line.index, line.index)
        for line in lines[1:]
        if line.index not in inside and line.listlike and _normalized(line.text) in seen
    ]


def _split_blocks(lines: Sequence[_Line], group: tuple[int, int]) -> Iterator[tuple[int, int]]:
    """Split a group before each non-bullet line, so a repeated heading starts a new block."""
    first, last = group
    start = first
    for i in range(first + 1, last + 1):
        if not lines[i].bullet:
            yield start, i - 1
            start = i
    yield start, last


# --- credits and captions -------------------------------------------------------------


def _find_credits(
    text: str, lines: Sequence[_Line], hits: Sequence[Sequence[Hit]], skip: set[int]
) -> list[Exclusion]:
    """Credits (whole lines or caption tails) and the captions they close."""
    found: list[Exclusion] = []
    taken = set(skip)  # lines a caption may not reach into
    starts = [line.start for line in lines]
    for line in lines[1:]:  # line 0 is the headline, never a credit
        if line.index in taken or not hits[line.index]:
            continue
        col = _credit_start(line.text, hits[line.index])
        if col is None:
            continue
        taken.add(line.index)
        found.append(Exclusion(Span.of(text, line.start + col, line.end), "credit"))
        caption = _caption_below(text, lines, line, taken) if col == _indent(line.text) else None
        if caption is None and _photo_shaped(line.text, col, hits[line.index]):
            caption = _caption_span(text, lines, line, col, taken)
        if caption is not None:
            found.append(Exclusion(caption, "caption"))
            lo, hi = bisect_right(starts, caption.start), bisect_right(starts, caption.end)
            taken.update(range(lo - 1, hi))
    return found


def _credit_start(line: str, hits: Sequence[Hit]) -> int | None:
    """Column where a credit starts: the whole line or a tail after a sentence; else None.

    "Troops fire. (AP Photo/Jane Roe)" -> 13;  "Jane Roe/Reuters" -> 0;  "Reuters said so." -> None
    """
    starts = {_indent(line)}
    starts.update(m.end() for m in _BOUNDARY.finditer(line))
    starts.update(start for start, _ in hits if _LABEL.match(line, start))
    earliest = len(line.rstrip()) - CREDIT_CHARS  # a longer tail cannot be a credit
    for col in sorted(starts):
        if earliest <= col < len(line) and _is_credit(line, col, hits):
            return col
    return None


def _is_credit(line: str, col: int, hits: Sequence[Hit]) -> bool:
    """Whether ``line[col:]`` is a short segment with a credit phrase, shaped like a credit.

    "(AP Photo/Jane Roe)", "Photograph: Jane Roe/Reuters", "Jane Roe/AFP via Getty Images",
    "Getty Images" -> True;  "Reuters reported the attack" -> False
    """
    seg = line[col:].strip()
    seg_start = len(line) - len(line[col:].lstrip())
    inside = [hit for hit in hits if hit[0] >= col]
    if not inside or len(seg) > CREDIT_CHARS or len(seg.split()) > CREDIT_WORDS:
        return False
    if _BRACKETED.fullmatch(seg):  # "(AP Photo/Jane Roe)", not a source marker "[AP.]"
        return "/" in seg or ":" in seg or len(seg.split()) > 1
    if _INNER_STOP.search(seg):  # a sentence ends inside: "2023. (AP Photo/Jane Roe)"
        return False
    ends_with_phrase = inside[-1][1] >= len(line.rstrip().rstrip("."))
    label = _LABEL.match(seg)
    # "Photo: Jane Roe"; after a comma label ("Image source, ..."), the label is a credit
    # phrase or the names end with one
    if label and (label[2] == ":" or inside[0][0] == seg_start or ends_with_phrase):
        return _name_like(seg[label.end() :])
    return _name_like(seg) and ("/" in seg or ends_with_phrase)


def _name_like(segment: str) -> bool:
    """Every token capitalised (or a digit, or a particle such as "via", "for", "de").

    "Jane Roe/AFP via Getty Images" -> True;  "troops near the city" -> False
    """
    tokens = _NAME_TOKEN.findall(segment)
    return bool(tokens) and all(
        t[0].isupper() or t[0].isdigit() or t.lower() in _PARTICLES for t in tokens
    )


def _caption_span(
    text: str, lines: Sequence[_Line], line: _Line, col: int, skip: set[int]
) -> Span | None:
    """The caption a credit closes: the text before it on its line, or the line above.

    An image title (a short line without final punctuation) directly above is included.
    """
    before = line.text[:col].rstrip()
    if before.strip():
        first, end = line, line.start + len(before)
    else:
        above = _line_above(lines, line.index, skip)
        if above is None or above.words > CAPTION_WORDS:
            return None
        first, end = above, above.end
    title = _line_above(lines, first.index, skip)
    if title is not None and title.short_bare and not title.bullet:
        first = title
    return Span.of(text, first.start, end)


def _photo_shaped(line: str, col: int, hits: Sequence[Hit]) -> bool:
    """Whether the credit ``line[col:]`` names a photographer or labels a picture.

    Only such credits make the text before them a caption: a bare agency name may be
    a sign-off or a source marker after a body sentence.
    "Jane Roe/AFP", "(AP Photo)", "Photo: AFP", "Image source, AFP" -> True;
    "Reuters", "(AFP)", "- AFP", "By Jane Roe, Reuters" -> False
    """
    seg = line[col:].strip()
    if "/" in seg:
        return True
    if _BRACKETED.fullmatch(seg):
        return ":" in seg or len(seg.split()) > 1
    label = _LABEL.match(seg)
    label_is_credit = any(start == _indent(line[col:]) + col for start, _ in hits)
    return label is not None and (label[2] == ":" or label_is_credit)


def _caption_below(text: str, lines: Sequence[_Line], line: _Line, skip: set[int]) -> Span | None:
    """A caption under a labelled credit line, labelled alike.

    "Image source, Jane Roe/AFP" then "Image caption, Troops fire." -> "Image caption, Troops fire."
    """
    if line.index + 1 >= len(lines) or line.index + 1 in skip:
        return None
    below = lines[line.index + 1]
    label, label_below = _LABEL.match(line.text.lstrip()), _LABEL.match(below.text.lstrip())
    if label is None or label_below is None or label[1].lower() != label_below[1].lower():
        return None
    return Span.of(text, below.start, below.end)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _line_above(lines: Sequence[_Line], index: int, skip: set[int]) -> _Line | None:
    """The non-blank line directly above ``index`` (not the headline, not excluded)."""
    if index - 1 < 1 or index - 1 in skip:
        return None
    above = lines[index - 1]
    return None if above.blank else above


# --- duplicates -----------------------------------------------------------------------


def _find_duplicates(
    text: str, lines: Sequence[_Line], taken: Sequence[Exclusion]
) -> list[Exclusion]:
    """Sentences that repeat an earlier kept sentence almost word for word.

    "Troops hold the city, the minister said on Friday, denying the claims." twice
        -> the second copy, reason "duplicate"
    """
    sentences = _long_sentences(
        text, lines, _merge_ranges((x.span.start, x.span.end) for x in taken)
    )
    frequency = Counter(token for _, _, tokens in sentences for token in tokens)
    kept: list[frozenset[str]] = []
    index: dict[str, list[int]] = defaultdict(list)
    found: list[Exclusion] = []
    for start, end, tokens in sentences:
        # prefix filtering: two sets this similar share one of their rarest tokens
        rarest = sorted(tokens, key=lambda t: (frequency[t], t))
        prefix = rarest[: len(tokens) - math.ceil(DUPLICATE_JACCARD * len(tokens) - 1e-9) + 1]
        candidates = {k for token in prefix for k in index.get(token, ())}
        if any(_similar(tokens, kept[k]) for k in candidates):
            found.append(Exclusion(Span.of(text, start, end), "duplicate"))
            continue
        for token in prefix:
            if len(index[token]) < _POSTINGS_CAP:
                index[token].append(len(kept))
        kept.append(tokens)
    return found


def _long_sentences(
    text: str, lines: Sequence[_Line], blocked: Sequence[tuple[int, int]]
) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, lower-cased word set) of sentences of 8+ words outside ``blocked``."""
    out = []
    long_lines = (line for line in lines if line.words >= DUPLICATE_MIN_WORDS)
    for start, end in _sentences(long_lines, _SENTENCE_END):
        words = _WORD.findall(text[start:end].lower())
        if len(words) >= DUPLICATE_MIN_WORDS and not _overlaps(blocked, start, end):
            out.append((start, end, frozenset(words)))
    return out


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    """Token Jaccard >= DUPLICATE_JACCARD, and the same numbers: a changed figure is news.

    "Shelling killed 5 people in the city overnight, the governor said" and the same
    with "killed 7 people" -> False
    """
    common = len(a & b)
    if common < DUPLICATE_JACCARD * (len(a) + len(b) - common) - 1e-9:
        return False
    return {t for t in a - b if _DIGIT.search(t)} == {t for t in b - a if _DIGIT.search(t)}


def _sentences(lines: Iterable[_Line], ends: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of each line, surrounding spaces trimmed."""
    for line in lines:
        pos = 0
        for match in ends.finditer(line.text):
            yield from _trimmed(line, pos, match.end())
            pos = match.end()
        yield from _trimmed(line, pos, len(line.text))


def _trimmed(line: _Line, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = line.text[start:end]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        yield line.start + start + lead, line.start + start + len(piece.rstrip())


# --- ranges ---------------------------------------------------------------------------


def _merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged, non-empty ranges: [(5, 9), (0, 2), (8, 12)] -> [(0, 2), (5, 12)]."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlaps(ranges: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) meets one of ``ranges`` (sorted, non-overlapping)."""
    i = bisect_right(ranges, (start, math.inf))
    return (i > 0 and ranges[i - 1][1] > start) or (i < len(ranges) and ranges[i][0] < end)


# --- bylines and datelines -----------------------------------------------------------

#: most words of a byline line
BYLINE_WORDS = 24
#: a dateline opens one of the story's first lines
DATELINE_LINES = 12
# one clause of a byline: a label of up to two words, "by", then the names
_BYLINE_CLAUSE = re.compile(r"\s*(?:[A-Za-z]+\s+){0,2}?(?:by|BY|By)\s+(\S.*)")
_BYLINE_LABEL = re.compile(r"\s*(?:[A-Z][a-z]+\s+(?:[a-z]+\s+)?)?(?:by|BY)\s|\s*By\s")
# lower-case words that may sit between names: "Jane Roe and John Doe in Kyiv for The Paper"
_BYLINE_GLUE = frozenset({"and", "in", "for", "of", "the", "at", "with", "from", "de", "van", "von", "al", "&"})
# a dateline: capitals (the place), ", Region" or ", Month Day" parts, "(Agency)", then a dash
_DATELINE = re.compile(
    r"[ \t]*((?:[A-Z][A-Z.'’-]*)(?: [A-Z][A-Z.'’-]*){0,2}"
    r"(?:, [A-Z][\w.'’-]*(?: [\w.'’-]+){0,2}){0,2}"
    r"(?: \([A-Z][\w.&'’-]*(?: [\w.&'’-]+){0,2}\))?"
    r" ?(?:—|–|―|--|-))\s"
)


def _find_bylines(text: str, lines: Sequence[_Line]) -> list[Exclusion]:
    """Whole lines that credit the story's writers, reporters or editors."""
    return [Exclusion(_line_span(text, lines, line.index, line.index), "byline")
            for line in lines if _is_byline(line)]


def _is_byline(line: _Line) -> bool:
    if not 2 <= line.words <= BYLINE_WORDS or _BYLINE_LABEL.match(line.text) is None:
        return False
    text = line.text.rstrip()
    if text.endswith(("!", "?", ":")):
        return False
    for clause in text.split(";"):
        m = _BYLINE_CLAUSE.match(clause)
        if m is None:
            return False
        words = [w.strip(",|()") for w in m.group(1).split()]
        words = [w for w in words if w]
        if not words or not words[0][:1].isupper():
            return False
        named = sum(1 for w in words if w[:1].isupper() or w.lower() in _BYLINE_GLUE)
        if named < 0.8 * len(words):
            return False
    return True


def _find_datelines(text: str, lines: Sequence[_Line]) -> list[Exclusion]:
    """The place-and-dash that opens the story ("WASHINGTON (AP) —"): the first one, in its
    first ``DATELINE_LINES`` non-blank lines (later capitals-and-dash lines are headings)."""
    for line in [line for line in lines if not line.blank][:DATELINE_LINES]:
        m = _DATELINE.match(line.text)
        if m is None or m.end() >= len(line.text.rstrip()):
            continue
        place = m.group(1).split(",")[0].split("(")[0]
        if sum(ch.isupper() for ch in place) < 3 or any(ch.islower() for ch in place):
            continue
        return [Exclusion(Span.of(text, line.start + m.start(1), line.start + m.end(1)), "dateline")]
    return []


def _drop_overlaps(found: Sequence[Exclusion]) -> list[Exclusion]:
    """Keep exclusions in rule order (promo, credit, caption, byline, dateline), dropping any that overlap a kept one."""
    kept: list[Exclusion] = []
    ranges: list[tuple[int, int]] = []  # sorted, non-overlapping: those of ``kept``
    for exclusion in found:
        span = exclusion.span
        if span.start < span.end and not _overlaps(ranges, span.start, span.end):
            kept.append(exclusion)
            insort(ranges, (span.start, span.end))
    return kept
