"""The packaged guide prompts (content checks against the guide) and user prompt files."""

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from posture_watch.core.prompts import Problem, PromptChooser, PromptKind
from posture_watch.errors import ConfigError
from posture_watch.prompt_library import builtin_prompts, load_prompts, user_prompts_dir

GUIDE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "guide"
    / "chronic-muscle-knots-guide.txt"
)
MIN_COUNTS = {
    PromptKind.POSTURE_CHECK: 4,
    PromptKind.STRETCH: 8,
    PromptKind.BREAK: 3,
    PromptKind.BREATHING: 2,
    PromptKind.RELAXATION: 1,
    PromptKind.YOGA: 2,
    PromptKind.SELF_CARE: 3,
}
COPY_RUN = 8  # words in a row that would count as copying the guide


@pytest.fixture(scope="module")
def guide() -> str:
    if not GUIDE.is_file():
        pytest.skip(f"guide not found at {GUIDE}")
    return GUIDE.read_text(encoding="utf-8")


def words(text: str) -> list[str]:
    """Lower-case words with punctuation and apostrophes dropped (don’t = don't = dont)."""
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))


def is_title_line(lines: list[str], i: int) -> bool:
    """A heading: a short line on its own between blank lines, without end punctuation."""
    line = lines[i].strip()
    return (
        bool(line)
        and len(line) < 70
        and not line.endswith((".", ":", "!", "?"))
        and not lines[i].startswith(" ")
        and (i == 0 or not lines[i - 1].strip())
        and (i + 1 == len(lines) or not lines[i + 1].strip())
    )


def section_text(guide: str, heading: str) -> str:
    lines = guide.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    end = next((j for j in range(start + 1, len(lines)) if is_title_line(lines, j)), len(lines))
    return "\n".join(lines[start + 1 : end])


# ------------------------------------------------------------------ packaged content


def test_every_packaged_prompt_parses_with_unique_ids():
    prompts = builtin_prompts()
    assert len({p.id for p in prompts}) == len(prompts)
    assert all(p.title and p.text and p.source for p in prompts)


def test_counts_per_kind():
    counts = Counter(p.kind for p in builtin_prompts())
    for kind, minimum in MIN_COUNTS.items():
        assert counts[kind] >= minimum, kind


def test_stretches_follow_the_guide_dose():
    stretches = [p for p in builtin_prompts() if p.kind is PromptKind.STRETCH]
    for p in stretches:
        assert p.hold_seconds == 30, p.id
        assert 3 <= p.repetitions <= 5, p.id
        assert p.steps and all(step.endswith(".") for step in p.steps), p.id
        assert p.answers, p.id


def test_texts_are_one_or_two_sentences():
    for p in builtin_prompts():
        sentences = [s for s in re.split(r"[.!?](?:\s|$)", p.text) if s.strip()]
        assert 1 <= len(sentences) <= 2, p.id


def test_every_source_names_a_real_guide_section(guide):
    lines = {line.strip() for line in guide.splitlines()}
    for p in builtin_prompts():
        heading, _, item = (part.strip() for part in p.source.partition("›"))
        assert heading in lines, f"{p.id}: heading {heading!r} is not a line of the guide"
        if item:
            assert f"{item}:" in section_text(guide, heading), f"{p.id}: no item {item!r}"


def test_no_prompt_copies_the_guide(guide):
    g = words(guide)
    guide_runs = {tuple(g[i : i + COPY_RUN]) for i in range(len(g) - COPY_RUN + 1)}
    for p in builtin_prompts():
        for text in (p.title, p.text, *p.steps):
            w = words(text)
            copied = [w[i : i + COPY_RUN] for i in range(len(w) - COPY_RUN + 1)]
            copied = [" ".join(run) for run in copied if tuple(run) in guide_runs]
            assert not copied, f"{p.id} copies the guide: {copied[0]!r}"


def test_copy_check_catches_a_pasted_sentence(guide):
    pasted = "Go slowly and avoid rolling directly on bones or joints."
    g, w = words(guide), words(pasted)
    runs = {tuple(g[i : i + COPY_RUN]) for i in range(len(g) - COPY_RUN + 1)}
    assert any(tuple(w[i : i + COPY_RUN]) in runs for i in range(len(w) - COPY_RUN + 1))


def test_packaged_chooser_answers_neck_and_shoulder_problems():
    chooser = PromptChooser(builtin_prompts(), seed=3)
    neck = {"chin-tuck", "upper-trapezius-stretch", "levator-scapulae-stretch", "neck-turn"}
    shoulders = {"shoulder-rolls", "upper-trapezius-stretch"}
    forward = [chooser.choose(PromptKind.STRETCH, Problem.FORWARD_HEAD).id for _ in range(50)]
    raised = [chooser.choose(PromptKind.STRETCH, Problem.RAISED_SHOULDERS).id for _ in range(50)]
    tilted = [chooser.choose(PromptKind.STRETCH, Problem.TILTED_SHOULDERS).id for _ in range(50)]
    assert set(forward) == neck
    assert set(raised) == set(tilted) == shoulders
    for draws in (forward, raised, tilted):
        assert all(a != b for a, b in pairwise(draws))


def test_packaged_chooser_has_every_kind_and_a_break_for_long_sitting():
    chooser = PromptChooser(builtin_prompts())
    for kind in PromptKind:
        assert chooser.choose(kind) is not None
    assert Problem.LONG_SITTING in chooser.choose(PromptKind.BREAK, Problem.LONG_SITTING).answers


# ------------------------------------------------------------------ user prompt files

USER_FILE = """\
schema_version = 1

[[prompt]]
id = "chin-tuck"
kind = "stretch"
title = "My chin tucks"
text = "Tuck it my way."
source = "At-Home Treatments for Chronic Muscle Knots › Stretching"
steps = ["Tuck.", "Hold."]
hold_seconds = 20
repetitions = 4
answers = ["forward_head"]

[[prompt]]
id = "my-walk"
kind = "break"
title = "Walk the dog"
text = "Take the dog round the block."
source = "Preventing Chronic Muscle Knots › Take breaks"
"""


def test_user_prompts_add_and_override(tmp_path):
    (tmp_path / "mine.toml").write_text(USER_FILE, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a prompt file", encoding="utf-8")
    builtin = builtin_prompts()
    merged = load_prompts(tmp_path)
    by_id = {p.id: p for p in merged}
    assert len(merged) == len(builtin) + 1
    assert by_id["chin-tuck"].title == "My chin tucks"
    assert by_id["chin-tuck"].hold_seconds == 20
    assert [p.id for p in merged][: len(builtin)] == [p.id for p in builtin]  # in place
    assert merged[-1].id == "my-walk"


def test_later_user_file_wins(tmp_path):
    (tmp_path / "a.toml").write_text(USER_FILE, encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        USER_FILE.replace("Walk the dog", "Walk the cat"), encoding="utf-8"
    )
    assert {p.id: p for p in load_prompts(tmp_path)}["my-walk"].title == "Walk the cat"


def test_missing_user_folder_means_builtins_only(tmp_path):
    assert load_prompts(tmp_path / "absent") == builtin_prompts()


def test_default_user_folder_is_in_the_config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    folder = user_prompts_dir()
    assert folder == tmp_path / "posture-watch" / "prompts"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(USER_FILE, encoding="utf-8")
    assert "my-walk" in {p.id for p in load_prompts()}


def test_broken_toml_names_the_file_and_position(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('schema_version = 1\n[[prompt]]\nid = "x\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_prompts(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{bad}: invalid TOML")
    assert "line 3" in message
    assert err.value.hint


def test_invalid_user_prompt_names_the_file_and_prompt(tmp_path):
    bad = tmp_path / "typo.toml"
    bad.write_text(USER_FILE.replace('kind = "break"', 'kind = "brake"'), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_prompts(tmp_path)
    assert str(err.value).startswith(f"{bad}: prompt 'my-walk': unknown kind 'brake'")
    assert isinstance(err.value.__cause__, ValueError)


def test_non_utf8_user_file_names_the_file(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("schema_version = 1\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin1\.toml: not UTF-8 text"):
        load_prompts(tmp_path)


def test_prompts_folder_that_is_a_file_is_an_error(tmp_path):
    not_a_folder = tmp_path / "prompts"
    not_a_folder.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        load_prompts(not_a_folder)
