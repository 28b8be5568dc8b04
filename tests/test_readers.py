import gzip
import json

import pytest

from claimtrace.errors import InputError
from claimtrace.readers import iter_articles, normalize_date, read_articles
from claimtrace.readers.formats import decode_text

BODY = "Officials in the region said on Monday that the bridge had been repaired after the storm."


def test_txt_first_line_is_title(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(f"\n  A headline  \n{BODY}\nSecond paragraph.\n", encoding="utf-8")
    (article,) = read_articles(path)
    assert article.title == "A headline"
    assert article.text == f"{BODY}\nSecond paragraph."


def test_flags_override_file_metadata(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "T", "text": BODY, "outlet": "Old", "published": "2020-01-02"}))
    (article,) = read_articles(path, outlet="New", published="2021-05-06", url=None)
    assert (article.outlet, str(article.published), article.title) == ("New", "2021-05-06", "T")


def test_json_list_and_jsonl(tmp_path):
    records = [{"text": BODY, "title": f"t{i}", "url": f"https://x.test/{i}"} for i in range(3)]
    (tmp_path / "a.json").write_text(json.dumps(records))
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n\n")
    assert [a.title for a in read_articles(tmp_path / "a.json")] == ["t0", "t1", "t2"]
    assert [a.url for a in read_articles(tmp_path / "b.jsonl")][-1] == "https://x.test/2"


def test_csv_with_column_mapping(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('headline,body,date\nH1,"' + BODY + '",2022-02-16\n', encoding="utf-8")
    (article,) = iter_articles(path, columns={"title": "headline", "text": "body", "published": "date"})
    assert (article.title, str(article.published)) == ("H1", "2022-02-16")


def test_gzip_is_read_by_inner_suffix(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps({"text": BODY}).encode()))
    assert read_articles(path)[0].text == BODY


def test_html_main_text_and_metadata(tmp_path):
    paragraphs = "".join(f"<p>{BODY} Sentence number {i} adds more words to the story.</p>" for i in range(6))
    html = (
        "<html><head><title>Bridge repaired</title>"
        '<meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2022-03-04T10:00:00Z"></head>'
        f"<body><nav>Home | World</nav><article><h1>Bridge repaired</h1>{paragraphs}</article></body></html>"
    )
    path = tmp_path / "a.html"
    path.write_text(html, encoding="utf-8")
    (article,) = read_articles(path)
    assert "bridge had been repaired" in article.text
    assert "Home | World" not in article.text
    assert article.title == "Bridge repaired"
    assert str(article.published).startswith("2022-03-04")


def test_latin1_text_is_detected(tmp_path):
    path = tmp_path / "a.txt"
    text = "Título\nThe café owner in Montréal said the façade was damaged during the protest on Tuesday night."
    path.write_bytes(text.encode("latin-1"))
    assert "café" in read_articles(path)[0].text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("nul.txt", b"abc\x00def\x00" * 50, "binary"),
        ("bad.json", b'{"text": "unterminated', "invalid JSON"),
        ("missing.json", b'{"title": "no text"}', "missing or empty field 'text'"),
        ("typed.json", b'{"text": "x y z", "published": 20220216}', "field 'published' must be a string"),
        ("scalar.json", b"[1, 2]", "expected an object"),
        ("bad.jsonl", b'{"text": "ok"}\n{broken\n', "invalid JSON"),
        ("nocol.csv", b"a,b\n1,2\n", "no 'text' column"),
        ("empty.html", b"<html><body><nav>menu</nav></body></html>", "no article text"),
        ("date.json", b'{"text": "x y z", "published": "not a date at all"}', "cannot read the date"),
        ("bad.txt.gz", b"not gzip at all", "not a valid gzip file"),
    ],
)
def test_bad_files_raise_one_line_input_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_articles(path)
    assert "\n" not in str(info.value)


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_articles(tmp_path / "nope.txt")
    assert read_articles(tmp_path) == []
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Title\n" + BODY)
    (tmp_path / "sub" / "a.txt.meta.json").write_text(json.dumps({"outlet": "Side"}))
    [article] = read_articles(tmp_path)
    assert (article.title, article.outlet) == ("Title", "Side")


def test_undecodable_bytes_without_detectable_encoding():
    with pytest.raises(InputError):
        decode_text(bytes(range(128, 256)) * 4, "x")


@pytest.mark.parametrize(
    ("value", "expected", "granularity"),
    [
        ("2022-02-16", "2022-02-16", "day"),
        ("16 February 2022", "2022-02-16", "day"),
        ("2022-02-16T08:30:00Z", "2022-02-16T08:30:00+00:00", "day"),
        ("2024-04", "2024-04", "month"),
        ("April 2024", "2024-04", "month"),
        ("2024", "2024", "year"),
    ],
)
def test_normalize_date(value, expected, granularity):
    date = normalize_date(value)
    assert (str(date), date.granularity) == (expected, granularity)


@pytest.mark.parametrize("value", ["2022-13", "13/2022", "not a date", "0999-01-01"])
def test_normalize_date_refuses_what_is_not_a_date(value):
    with pytest.raises(InputError):
        normalize_date(value)


def test_iter_records_keeps_going_after_a_bad_record(tmp_path):
    from claimtrace.readers.formats import file_records

    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps({"text": BODY}) + "\n{broken\n" + json.dumps({"title": "no text"}) + "\n" + json.dumps({"text": BODY}) + "\n"
    )
    outcomes = [outcome for _, outcome in file_records(path)]
    assert [type(o).__name__ for o in outcomes] == ["Article", "InputError", "InputError", "Article"]
    with pytest.raises(InputError, match=":2: invalid JSON"):
        read_articles(path)
