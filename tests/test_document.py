from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzgraph import document
from kzgraph.document import DocumentError, parse, parse_groups, split_key

from .conftest import SEED


def test_seed_title_infobox_and_sections():
    doc = document.load(SEED)
    assert doc.title == "Parliament of Kazakhstan"
    assert doc.official_name == "Parliament of the Republic of Kazakhstan"
    assert doc.entry("Leader Type", 2).value == "Chairman of the Mäjilis"
    assert doc.entry("House", 2).value == "Mäjilis"
    assert doc.sections == ["History", "Elections", "See also"]
    assert len(doc.infobox) == 25


def test_every_offset_points_at_its_text():
    doc = document.load(SEED)
    for entry in doc.infobox:
        assert doc.text[entry.start : entry.end] == entry.value
        assert doc.text[entry.line_start : entry.line_end].startswith(f"- {entry.key}:")
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text


def test_sentences_split_at_sentence_ends_only():
    doc = document.load(SEED)
    texts = [s.text for s in doc.sentences]
    assert "The Mäjilis, the lower house, has 98 seats." in texts
    # decimals and abbreviations in parentheses do not end a sentence
    assert any("(82.20%)" in t and "(7.14%)" in t for t in texts)


@pytest.mark.parametrize(
    "key, expected",
    [
        ("Leader1 Type", ("Leader Type", 1)),
        ("House2", ("House", 2)),
        ("Political Groups2", ("Political Groups", 2)),
        ("Voting System1", ("Voting System", 1)),
        ("House Type", ("House Type", None)),
    ],
)
def test_numbered_keys(key, expected):
    assert split_key(key) == expected


def test_group_list_with_a_malformed_item_keeps_the_rest():
    doc = parse("= P of X =\n- Political Groups: |A (3), |B (x), |C (4\n\nProse here.\n", "t")
    groups, problems = parse_groups(doc.infobox[0])
    assert [(g.name, g.count) for g in groups] == [("A", 3)]
    assert len(problems) == 2 and "line 2" in problems[0]
    for g in groups:
        assert doc.text[g.start : g.start + len(g.name)] == g.name


def test_empty_file_is_an_error_naming_the_file(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    with pytest.raises(DocumentError, match="empty.txt: empty article"):
        document.load(path)


def test_binary_garbage_is_an_error(tmp_path: Path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match="garbage.txt.*binary"):
        document.load(path)


def test_non_utf8_names_the_line(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("= Parliament of X =\n\nThe M\u00e4jilis has 98 seats.\n".encode("latin-1"))
    with pytest.raises(DocumentError, match=r"latin1.txt:3: not UTF-8"):
        document.load(path)


def test_missing_title_names_the_line():
    with pytest.raises(DocumentError, match="t:1: the first line must be the title"):
        parse("Just prose.\n", "t")


def test_no_infobox_is_a_warning_and_prose_is_still_read():
    doc = parse("= Parliament of X =\n\nThe Parliament has 10 seats.\n", "t")
    assert doc.infobox == []
    assert any("no infobox" in w for w in doc.warnings)
    assert doc.sentences[0].text == "The Parliament has 10 seats."


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_crashes_and_offsets_are_valid(text):
    try:
        doc = parse("= Parliament of X =\n" + text, "t")
    except DocumentError:
        return
    for entry in doc.infobox:
        assert doc.text[entry.start : entry.end] == entry.value
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
