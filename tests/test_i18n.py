"""posture_watch.i18n: the language chosen at a program's start, its catalogs and Babel's
formats installed in the core; English for whatever a catalog lacks."""

import gettext
from datetime import date, time

import pytest

from posture_watch import i18n
from posture_watch.core import formats
from posture_watch.core.text import _
from tests.harness.catalogs import language_kept, mo_bytes

DAY = date(2026, 12, 7)


@pytest.fixture
def restore():
    with language_kept():
        yield


def test_setting_beats_the_environment(restore, tmp_path):
    chosen = i18n.setup("de", {"LANGUAGE": "fr", "LANG": "C"}, locale_dir=tmp_path)
    assert chosen == ["de", "en"]
    assert formats.long_date(DAY) == "Montag, 7. Dezember 2026"


def test_language_list_and_lc_time(restore, tmp_path):
    assert i18n.setup("auto", {"LANGUAGE": "fr:de", "LANG": "C"}, locale_dir=tmp_path) == [
        "fr",
        "de",
        "en",
    ]
    assert formats.clock(time(14, 5)) == "14:05"
    assert formats.short_date(DAY) == "lun. 7 déc."
    assert i18n.setup("auto", {"LC_TIME": "de_DE.UTF-8"}, locale_dir=tmp_path) == ["en"]
    assert formats.long_date(DAY) == "Monday 7 December 2026"  # today's English


def test_babel_formats_per_locale():
    german, japanese = i18n.BabelFormats("de"), i18n.BabelFormats("ja")
    assert german.percent(0.125) == "13\xa0%"
    assert german.number(3.25, digits=1) == "3,3" or german.number(3.25, digits=1) == "3,2"
    assert german.weekday(DAY, short=False) == "Montag"
    assert japanese.long_date(DAY) == "2026年12月7日月曜日"
    assert i18n.BabelFormats("en_US").clock(time(14, 5)).startswith("2:05")
    assert i18n.BabelFormats("ar").rtl and german.tag == "de"
    assert i18n.BabelFormats("pt_BR").tag == "pt-BR"


def test_catalogs_chain_and_fall_back_to_english_per_message(tmp_path):
    for code, words in {"fr": {"Pause": "Pause (fr)"}, "de": {"Resume": "Fortsetzen"}}.items():
        folder = tmp_path / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "posture_watch.mo").write_bytes(mo_bytes(words))
    translations = i18n.load(["fr", "de", "en"], tmp_path)
    assert translations.gettext("Pause") == "Pause (fr)"
    assert translations.gettext("Resume") == "Fortsetzen"
    assert translations.gettext("Quit") == "Quit"  # never a message id of another kind
    assert isinstance(i18n.load(["en"], tmp_path), gettext.NullTranslations)


def test_setting_language_read_from_the_file(tmp_path):
    path = tmp_path / "settings.toml"
    assert i18n.setting_language(path) == "auto"  # no file
    path.write_text('[general]\nlanguage = "ja"\n', encoding="utf-8")
    assert i18n.setting_language(path) == "ja"
    path.write_text("[general\n", encoding="utf-8")
    assert i18n.setting_language(path) == "auto"  # the command reports the error
    path.write_bytes('\ufeff[general]\nlanguage = "de"\n'.encode())
    assert i18n.setting_language(path) == "de"  # a BOM, as config.py allows


def test_english_when_nothing_is_installed(restore, tmp_path):
    i18n.setup("auto", {"LANG": "C"}, locale_dir=tmp_path)
    assert _("Pause") == "Pause"


def test_the_cli_chooses_the_language_before_its_help(restore, config_home, monkeypatch, capsys):
    from posture_watch import cli
    from tests.harness.settings_files import write

    monkeypatch.setenv("LANGUAGE", "en@pseudo")
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    pseudo_help = capsys.readouterr().out
    assert "[" in pseudo_help and "ƥóóšťúúŕéé" in pseudo_help  # "posture" accented
    assert "[úúšááĝéé:]" in pseudo_help  # argparse's own "usage:" through our catalogs

    monkeypatch.setenv("LANGUAGE", "en@pseudo")
    write(config_home, '[general]\nlanguage = "en"\n')  # the setting beats LANGUAGE
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "ƥóóšťúúŕéé" not in capsys.readouterr().out


def test_a_settings_file_given_with_config_sets_the_language(restore, config_home, monkeypatch):
    from posture_watch import cli
    from tests.harness.settings_files import write

    monkeypatch.setenv("LANGUAGE", "en")
    other = write(config_home.parent / "other.toml", '[general]\nlanguage = "en@pseudo"\n')
    assert cli.main(["settings", "--config", str(other), "--check"]) == 0
    assert _("Chin tucks").startswith("[")  # the command ran in that file's language


@pytest.mark.slow
def test_the_sandboxed_camera_worker_speaks_the_chosen_language(monkeypatch, tmp_path):
    """The worker cannot read the settings (its sandbox): it takes LANGUAGE, which the
    parent's setup exports, and its errors reach the person in that language."""
    from posture_watch.errors import SourceError
    from posture_watch.worker.client import WorkerClient
    from posture_watch.worker.remote_source import RemoteSource
    from posture_watch.worker.sandbox import Allowed

    monkeypatch.setenv("LANGUAGE", "en@pseudo")
    picture = tmp_path / "broken.jpg"
    picture.write_bytes(b"not a picture")
    with WorkerClient(Allowed((picture,))) as worker, pytest.raises(SourceError) as caught:
        RemoteSource.open(worker, picture)
    assert str(caught.value).startswith("["), caught.value  # the pseudo-locale's bracket


def test_the_shipped_pseudo_catalog_follows_language_and_ignores_lc_time(restore):
    i18n.setup("auto", {"LANGUAGE": "xx:en@pseudo:de", "LANG": "C"})
    assert _("Chin tucks").startswith("[")
    i18n.setup("auto", {"LC_TIME": "en@pseudo", "LANG": "C.UTF-8"})
    assert _("Chin tucks") == "Chin tucks"


def test_times_and_journal_lines_follow_the_language(restore, tmp_path):
    """Pause ends, console and journal times and the week's span use the locale's
    formats; a journal line's words (pain, areas, warning signs) come from the catalog."""
    from datetime import UTC, datetime

    from posture_watch.commands.journal import format_entry
    from posture_watch.core.journal import JournalEntry
    from posture_watch.core.pause_rules import ends_at
    from tests.harness.catalogs import installed, key, translations

    i18n.setup("de", {}, locale_dir=tmp_path)  # German formats; no German catalog here
    assert formats.day_month(DAY) == "7. Dez."
    assert formats.day_month(DAY, year=True) == "7. Dez. 2026"
    assert formats.clock(time(14, 5, 9), seconds=True) == "14:05:09"
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC).timestamp()
    assert ends_at(monday + 48 * 3600, monday, UTC) == "Mi. 09:00"
    german = {
        key("journal", "pain {pain}/{most}"): "Schmerz {pain}/{most}",
        key("body area", "upper back"): "oberer Rücken",
        key("journal", "numbness"): "Taubheit",
    }
    entry = JournalEntry(monday, 4, ("upper-back", "neck"), "", True, False)
    with installed(translations(german)):
        line = format_entry(entry)
    assert line.endswith("  Schmerz 4/10  oberer Rücken, neck  Taubheit"), line
