"""The lexicon data files: format, sorting, allowed values, and loading a user's copy."""

from __future__ import annotations

import shutil
import typing
from importlib import resources
from pathlib import Path

import pytest

from claimtrack import lexicons
from claimtrack.lexicons import FILES, LexiconError, load, read_rows
from claimtrack.records import ChannelType

STANCES = {"asserts", "denies", "hedges", "neutral"}
CHANNEL_TYPES = set(typing.get_args(ChannelType)) - {"unknown"}
PLATFORM_TYPES = {"social_media", "messaging", "video", "blog"}


def _text(name: str) -> str:
    return resources.files(lexicons).joinpath(name).read_text("utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(read_rows(name, _text(name)))


def _package_dir() -> Path:
    return Path(str(resources.files(lexicons)))


@pytest.mark.parametrize("name", sorted(FILES))
def test_header_and_source_comment(name: str) -> None:
    lines = _text(name).splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    assert comments, f"{name} has no '#' comment naming its source"
    assert lines[0].startswith("# "), f"{name} must open with its source comment"
    first_data = next(ln for ln in lines if ln.strip() and not ln.startswith("#"))
    assert tuple(first_data.split("\t")) == FILES[name]


@pytest.mark.parametrize("name", sorted(FILES))
def test_rows_well_formed(name: str) -> None:
    header = FILES[name]
    lines = [ln for ln in _text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) > 1, f"{name} has no entries"
    for lineno, line in enumerate(lines[1:], 2):
        assert line == line.rstrip(), f"{name}:{lineno}: trailing whitespace"
        cells = line.split("\t")
        assert len(cells) == len(header), f"{name}:{lineno}: {cells!r}"
        for cell in cells:
            assert cell == cell.strip(), f"{name}:{lineno}: whitespace around {cell!r}"
            assert cell, f"{name}:{lineno}: empty cell"
            assert '"' not in cell, f"{name}:{lineno}: quote character in {cell!r}"


@pytest.mark.parametrize("name", sorted(FILES))
def test_sorted_without_duplicates(name: str) -> None:
    key = FILES[name][0]
    firsts = [r[key] for r in _rows(name)]
    lowered = [f.lower() for f in firsts]
    dupes = sorted({f for f in lowered if lowered.count(f) > 1})
    assert not dupes, f"{name}: duplicate entries {dupes}"
    assert lowered == sorted(lowered), f"{name}: entries are not sorted"


def test_reporting_verbs_are_single_lowercase_lemmas_with_a_known_stance() -> None:
    rows = _rows("reporting_verbs.tsv")
    assert 200 <= len(rows) <= 300
    for r in rows:
        assert r["stance"] in STANCES, r
        assert r["lemma"] == r["lemma"].lower() and " " not in r["lemma"], r
    stance = {r["lemma"]: r["stance"] for r in rows}
    assert stance["say"] == "neutral"
    assert stance["deny"] == "denies"
    assert stance["claim"] == "hedges"
    assert stance["insist"] == "asserts"
    for cue in ("believe", "think", "hope", "fear", "expect", "want", "tweet", "write"):
        assert cue in stance, cue


def test_channel_and_platform_types() -> None:
    channels = _rows("channels.tsv")
    for r in channels:
        assert r["type"] in CHANNEL_TYPES, r
        assert r["phrase"] == r["phrase"].lower(), r
    assert CHANNEL_TYPES == {r["type"] for r in channels}
    for r in _rows("platforms.tsv"):
        assert r["type"] in PLATFORM_TYPES, r


@pytest.mark.parametrize(
    "name", ["channels.tsv", "hedges.tsv", "titles.tsv", "promo.tsv", "credits.tsv"]
)
def test_phrase_lexicons_are_lowercase(name: str) -> None:
    key = FILES[name][0]
    for r in _rows(name):
        assert r[key] == r[key].lower(), (name, r)


def test_demonyms_and_capitals_name_canonical_countries() -> None:
    canonical = {r["country"] for r in _rows("countries.tsv")}
    names = {r["name"] for r in _rows("countries.tsv")}
    assert canonical <= names, "each canonical name is also a row of countries.tsv"
    assert len(canonical) >= 195
    for name in ("demonyms.tsv", "capitals.tsv", "seats.tsv"):
        for r in _rows(name):
            assert r["country"] in canonical, (name, r)
    with_capital = {r["country"] for r in _rows("capitals.tsv")}
    assert canonical - with_capital == set(), "every country has a capital"


def test_organisations_have_one_canonical_name_each() -> None:
    rows = _rows("organisations.tsv")
    canonical = {r["organisation"] for r in rows}
    names = {r["name"] for r in rows}
    # every canonical name is written out as a row, or is itself a short form ("NATO")
    assert canonical <= names
    lex = load()
    assert lex.organisation_of("the United Nations") == lex.organisation_of("U.N.") == "United Nations"
    assert lex.organisation_of("who") is None and lex.organisation_of("WHO") == "World Health Organization"
    assert lex.country_of("Kremlin") == "Russia" and lex.country_of("white house") == "United States"
    assert "run" in lex.affiliations and "said" not in lex.affiliations


def test_load_packaged() -> None:
    lex = load()
    assert lex.reporting_verbs["say"] == "neutral"
    assert lex.country_of("Kyiv") == "Ukraine"
    assert lex.country_of("Kiev") == "Ukraine"
    assert lex.country_of("Ukrainian") == "Ukraine"
    assert lex.country_of("U.S.") == "United States"
    assert lex.country_of("Britons") == "United Kingdom"
    assert lex.platforms["telegram"] == "Telegram"
    assert lex.channels["press conference"] == "press_conference"
    assert "spokesperson" in lex.titles
    assert "official" in lex.collective_sources
    assert "reportedly" in lex.hedges
    assert "getty images" in lex.credits
    assert "newsletter" in lex.promo
    assert len(lex.digest) == 16
    assert load().digest == lex.digest


def test_load_user_directory_sees_changes(tmp_path: Path) -> None:
    src = _package_dir()
    for name in FILES:
        shutil.copyfile(src / name, tmp_path / name)
    assert load(tmp_path) == load()
    verbs = tmp_path / "reporting_verbs.tsv"
    verbs.write_text(verbs.read_text("utf-8") + "zzyzxify\tasserts\ttest\n", encoding="utf-8")
    user = load(tmp_path)
    assert user.reporting_verbs["zzyzxify"] == "asserts"
    assert "zzyzxify" not in load().reporting_verbs
    assert user.digest != load().digest


def test_load_user_directory_missing_file(tmp_path: Path) -> None:
    src = _package_dir()
    for name in FILES:
        if name != "hedges.tsv":
            shutil.copyfile(src / name, tmp_path / name)
    with pytest.raises(LexiconError, match=r"hedges\.tsv"):
        load(tmp_path)


def test_load_user_directory_bad_header(tmp_path: Path) -> None:
    src = _package_dir()
    for name in FILES:
        shutil.copyfile(src / name, tmp_path / name)
    (tmp_path / "titles.tsv").write_text("# test\nword\tnote\nminister\ttest\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"titles\.tsv"):
        load(tmp_path)


def test_iso_country_names_come_from_pycountry() -> None:
    lex = load()
    # names no row of countries.tsv holds: they come from pycountry through country_codes.tsv
    tsv = {r["name"].lower() for r in _rows("countries.tsv")}
    for name, country in [
        ("Russian Federation", "Russia"),
        ("Republic of Korea", "South Korea"),  # ISO "Korea, Republic of", turned round
        ("Holy See", "Vatican City"),
        ("Vatican City State", "Vatican City"),  # ISO "Holy See (Vatican City State)"
        ("Socialist Republic of Viet Nam", "Vietnam"),
        ("the Plurinational State of Bolivia", "Bolivia"),
    ]:
        assert name.lower().removeprefix("the ") not in tsv
        assert lex.country_of(name) == country, name
    # "Taiwan, Province of China" is an inversion that is not "..., X of": skipped
    assert lex.country_of("Province of China Taiwan") is None
    # countries.tsv wins: news's "Congo" is the larger country, ISO's is the Republic of the Congo
    assert lex.country_of("Congo") == "Democratic Republic of the Congo"
    assert lex.country_of("Republic of the Congo") == "Republic of the Congo"


def test_country_codes_name_canonical_countries_once() -> None:
    rows = _rows("country_codes.tsv")
    canonical = {r["country"] for r in _rows("countries.tsv")}
    assert {r["country"] for r in rows} <= canonical
    assert len({r["country"] for r in rows}) == len(rows), "one code per country"
    assert canonical - {r["country"] for r in rows} == {"Kosovo"}, "only Kosovo lacks an ISO code"


def test_unknown_country_code_is_a_lexicon_error(tmp_path: Path) -> None:
    for name in FILES:
        (tmp_path / name).write_text(_text(name), encoding="utf-8")
    (tmp_path / "country_codes.tsv").write_text("code\tcountry\nQQ\tNowhere\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="QQ is not an ISO 3166-1 alpha-2 code"):
        load(tmp_path)
