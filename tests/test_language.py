"""The language identifier mapped from the cache scores exactly as py3langid's own loader."""

import pytest
from py3langid.langid import LanguageIdentifier

from claimtrace import language

SAMPLES = [
    "The minister said the talks would continue next week in Geneva.",
    "Le ministre a déclaré que les négociations se poursuivraient la semaine prochaine.",
    "Der Minister sagte, die Gespräche würden nächste Woche in Genf fortgesetzt.",
    "Министр заявил, что переговоры продолжатся на следующей неделе.",
    "AID CONVOY REACHES THE NORTHERN TOWN",
    "12 34 -- 56",
    "",
]


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMTRACE_CACHE", str(tmp_path / "cache"))
    language.identifier.cache_clear()
    yield tmp_path / "cache"
    language.identifier.cache_clear()


def test_mapped_model_scores_like_the_packaged_one(fresh_cache):
    packaged = LanguageIdentifier.from_model_file(language._packaged_model(), norm_probs=True)
    unpacked = language.identifier()  # first call: unpacks into the cache
    language.identifier.cache_clear()
    mapped = language.identifier()  # second call: maps the cached arrays
    assert list(fresh_cache.glob("langid-*/meta.json"))
    for sample in SAMPLES:
        expected = packaged.rank(sample)
        assert unpacked.rank(sample) == expected
        assert mapped.rank(sample) == expected


def test_unwritable_cache_falls_back_to_the_packaged_model(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CLAIMTRACE_CACHE", str(blocker / "cache"))
    language.identifier.cache_clear()
    try:
        assert language.classify(SAMPLES[0])[0] == "en"
        assert not (blocker.parent / "cache").exists()
    finally:
        language.identifier.cache_clear()
