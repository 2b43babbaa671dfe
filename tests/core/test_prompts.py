"""Prompt validation, the chooser's rotation, and the feature-to-problem rule (pure core)."""

from itertools import pairwise

import pytest

from posture_watch.core.prompts import (
    Problem,
    Prompt,
    PromptChooser,
    PromptKind,
    parse_prompts,
    problem_from_features,
)


def stretch_entry(**changes):
    entry = {
        "id": "chin-tuck",
        "kind": "stretch",
        "title": "Chin tucks",
        "text": "Slide the chin back.",
        "source": "At-Home Treatments for Chronic Muscle Knots › Stretching",
        "steps": ["Sit tall.", "Slide your chin back."],
        "hold_seconds": 30,
        "repetitions": 3,
        "answers": ["forward_head"],
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def doc(*entries, version=1):
    return {"schema_version": version, "prompt": list(entries)}


def make(pid, kind=PromptKind.STRETCH, answers=()):
    extra = {"steps": ("Do it.",), "hold_seconds": 30, "repetitions": 3}
    return Prompt(
        id=pid,
        kind=kind,
        title=pid,
        text="Text.",
        source="Src",
        answers=tuple(answers),
        **(extra if kind is PromptKind.STRETCH else {}),
    )


# ------------------------------------------------------------------ parsing


def test_parse_builds_typed_frozen_prompts():
    [p] = parse_prompts(doc(stretch_entry()), "mine.toml")
    assert p.kind is PromptKind.STRETCH
    assert p.steps == ("Sit tall.", "Slide your chin back.")
    assert p.answers == (Problem.FORWARD_HEAD,)
    assert (p.hold_seconds, p.repetitions) == (30, 3)
    with pytest.raises(AttributeError):
        p.title = "x"  # type: ignore[misc]


def test_non_stretch_prompts_need_no_stretch_fields():
    entry = {"id": "b", "kind": "break", "title": "Walk", "text": "Go.", "source": "S"}
    [p] = parse_prompts(doc(entry), "x.toml")
    assert (p.steps, p.hold_seconds, p.repetitions, p.answers) == ((), 0, 0, ())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "dance"}, "unknown kind 'dance'"),
        ({"answers": ["slouchy"]}, "unknown answers 'slouchy'"),
        ({"title": None}, "missing field(s): title"),
        ({"text": "  "}, "field 'text' must be a non-empty string"),
        ({"steps": []}, "a stretch needs a non-empty 'steps' list"),
        ({"steps": None}, "a stretch needs a non-empty 'steps' list"),
        ({"hold_seconds": None}, "a stretch needs 'hold_seconds' > 0"),
        ({"repetitions": 0}, "a stretch needs 'repetitions' > 0"),
        ({"repetitions": -2}, "must be a whole number >= 0"),
        ({"hold_seconds": True}, "field 'hold_seconds' must be a whole number"),
        ({"hold_seconds": 2.5}, "field 'hold_seconds' must be a whole number"),
        ({"steps": "Sit tall."}, "field 'steps' must be a list"),
        ({"hold_second": 30}, "unknown field(s): hold_second"),
        ({"id": "Chin Tuck"}, "id must be lower-case"),
    ],
)
def test_invalid_fields_give_a_clear_error_with_origin_and_id(changes, message):
    entry = stretch_entry(**changes)
    with pytest.raises(ValueError) as err:
        parse_prompts(doc(entry), "mine.toml")
    text = str(err.value)
    assert text.startswith("mine.toml: prompt ")
    assert repr(entry["id"]) in text
    assert message in text


def test_missing_id_names_the_prompt_by_position():
    with pytest.raises(ValueError, match=r"mine.toml: prompt #2: missing field\(s\): id"):
        parse_prompts(doc(stretch_entry(), stretch_entry(id=None)), "mine.toml")


def test_duplicate_id_is_refused():
    with pytest.raises(ValueError, match=r"mine\.toml: prompt 'chin-tuck': duplicate id"):
        parse_prompts(doc(stretch_entry(), stretch_entry()), "mine.toml")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (doc(version=2), "schema_version must be 1, got 2"),
        ({"prompt": []}, "schema_version must be 1, got None"),
        ({"schema_version": 1, "prompts": []}, "unknown top-level key"),
        ({"schema_version": 1, "prompt": {"id": "x"}}, "array of tables"),
        ({"schema_version": 1, "prompt": ["x"]}, "prompt #1: must be a table"),
    ],
)
def test_document_level_errors(document, message):
    with pytest.raises(ValueError, match=r"^f\.toml: ") as err:
        parse_prompts(document, "f.toml")
    assert message in str(err.value)


# ------------------------------------------------------------------ chooser


NECK = [make("chin", answers=[Problem.FORWARD_HEAD]), make("neck", answers=[Problem.FORWARD_HEAD])]
SHOULDER = [
    make("rolls", answers=[Problem.RAISED_SHOULDERS, Problem.TILTED_SHOULDERS]),
    make("trap", answers=[Problem.FORWARD_HEAD, Problem.RAISED_SHOULDERS]),
]
OTHER = [make("twist"), make("door", answers=[Problem.LONG_SITTING])]
ALL = [*NECK, *SHOULDER, *OTHER, make("walk", kind=PromptKind.BREAK)]


def ids(prompts):
    return [p.id for p in prompts]


def test_prefers_prompts_that_answer_the_problem():
    chooser = PromptChooser(ALL, seed=1)
    forward = {chooser.choose(PromptKind.STRETCH, Problem.FORWARD_HEAD).id for _ in range(20)}
    raised = {chooser.choose(PromptKind.STRETCH, Problem.RAISED_SHOULDERS).id for _ in range(20)}
    assert forward == {"chin", "neck", "trap"}
    assert raised == {"rolls", "trap"}


def test_without_a_match_or_problem_any_prompt_of_the_kind_comes():
    chooser = PromptChooser(ALL, seed=2)
    anything = {chooser.choose(PromptKind.STRETCH).id for _ in range(30)}
    stress = {chooser.choose(PromptKind.STRETCH, Problem.STRESS).id for _ in range(30)}
    assert anything == stress == {"chin", "neck", "rolls", "trap", "twist", "door"}


def test_unknown_kind_gives_none_and_single_prompt_kind_repeats():
    chooser = PromptChooser(ALL)
    assert chooser.choose(PromptKind.YOGA) is None
    assert [chooser.choose(PromptKind.BREAK).id for _ in range(3)] == ["walk"] * 3


@pytest.mark.parametrize("seed", range(5))
def test_cycles_through_all_matching_before_repeating_and_never_twice_in_a_row(seed):
    chooser = PromptChooser(ALL, seed=seed)
    pool = {"chin", "neck", "trap"}
    draws = ids(chooser.choose(PromptKind.STRETCH, Problem.FORWARD_HEAD) for _ in range(51))
    for start in range(0, 51, 3):
        assert set(draws[start : start + 3]) == pool
    assert all(a != b for a, b in pairwise(draws))


@pytest.mark.parametrize("seed", range(5))
def test_no_repeat_in_a_row_even_when_problems_change(seed):
    chooser = PromptChooser(ALL, seed=seed)
    problems = [Problem.FORWARD_HEAD, Problem.RAISED_SHOULDERS, Problem.LONG_SITTING, None]
    draws = ids(chooser.choose(PromptKind.STRETCH, problems[i % 4]) for i in range(60))
    assert all(a != b for a, b in pairwise(draws))


def test_single_match_just_shown_widens_to_the_whole_kind():
    chooser = PromptChooser(ALL, seed=0)
    first = chooser.choose(PromptKind.STRETCH, Problem.LONG_SITTING)
    second = chooser.choose(PromptKind.STRETCH, Problem.LONG_SITTING)
    assert first.id == "door"
    assert second.id != "door"


def test_rotation_is_deterministic_for_a_seed():
    def run(seed):
        chooser = PromptChooser(ALL, seed=seed)
        return ids(chooser.choose(PromptKind.STRETCH) for _ in range(12))

    assert run(7) == run(7)
    assert len({tuple(run(seed)) for seed in range(6)}) > 1


def test_chooser_refuses_duplicate_ids():
    with pytest.raises(ValueError, match="duplicate prompt id"):
        PromptChooser([make("a"), make("a")])


# ------------------------------------------------------------------ problem from features


@pytest.mark.parametrize(
    ("row", "lean", "expected"),
    [
        ({"shoulder_tilt": 7.5, "head_height": 0.5}, None, Problem.TILTED_SHOULDERS),
        ({"shoulder_tilt": -6.0, "head_height": None}, None, Problem.TILTED_SHOULDERS),
        ({"shoulder_tilt": 4.9, "head_height": 0.5}, None, Problem.FORWARD_HEAD),
        ({"shoulder_tilt": None, "nose_height": 0.4}, None, Problem.FORWARD_HEAD),
        ({"shoulder_tilt": float("nan"), "head_height": 0.5}, 1.3, Problem.FORWARD_HEAD),
        ({"head_height": None, "nose_height": None}, 1.2, Problem.FORWARD_HEAD),
        ({"head_height": None, "nose_height": None, "shoulder_tilt": 2.0}, None, None),
        ({}, None, None),
    ],
)
def test_problem_from_features(row, lean, expected):
    assert problem_from_features(row, lean) is expected
