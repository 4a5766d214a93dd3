"""fairness_guard: blocking terms refuse, warnings need confirming, the library's edits apply at once."""

from __future__ import annotations

import pytest

from interview.core.errors import ErrorCode, ServiceError
from interview.fairness.services import fairness_guard, fairness_guard_fields
from interview.models import FairnessTerm
from tests.fairness.helpers import BIASED, CLEAN, WARNED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


def _refusal(text: str, *, confirmed: bool = False) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        fairness_guard(text=text, confirmed=confirmed, field="feedback")
    return caught.value


def test_guard_blocking_term_is_refused_with_term_and_why():
    exc = _refusal(BIASED)
    assert exc.code == ErrorCode.BIASED_LANGUAGE
    assert "“too old”" in exc.message and "age" in exc.message


def test_guard_blocking_term_is_refused_even_when_confirmed():
    assert _refusal(BIASED, confirmed=True).code == ErrorCode.BIASED_LANGUAGE


def test_guard_refusal_carries_terms_and_field():
    exc = _refusal(BIASED)
    assert exc.details["field"] == "feedback"
    assert exc.details["terms"] == [
        {
            "term": "too old",
            "category": "age",
            "severity": "block",
            "explanation": FairnessTerm.objects.get(term="too old").explanation,
        }
    ]


def test_guard_warning_asks_to_confirm():
    exc = _refusal(WARNED)
    assert exc.code == ErrorCode.CONFIRM_LANGUAGE and "overqualified" in exc.message


def test_guard_warning_confirmed_passes_and_returns_it():
    assert [f.term for f in fairness_guard(text=WARNED, confirmed=True)] == ["overqualified"]


def test_guard_clean_text_passes():
    assert fairness_guard(text=CLEAN, confirmed=False) == []


def test_guard_fields_block_in_one_field_names_that_field():
    with pytest.raises(ServiceError) as caught:
        fairness_guard_fields(texts={"notes": WARNED, "comment_clarity": "her accent"}, confirmed=True)
    assert (caught.value.code, caught.value.details["field"]) == (ErrorCode.BIASED_LANGUAGE, "comment_clarity")


def test_guard_new_term_applies_at_once():
    FairnessTerm.objects.create(term="rockstar ninja", category="age", severity="block", explanation="Test.")
    assert _refusal("a true rockstar  ninja").code == ErrorCode.BIASED_LANGUAGE


def test_guard_inactive_term_is_ignored():
    fairness_guard(text=CLEAN, confirmed=False)  # compile the library once
    FairnessTerm.objects.filter(term="too old").update(active=False)  # a bulk update sends no signal
    FairnessTerm.objects.filter(term="too young").update(active=False)
    FairnessTerm.objects.get(term="elderly").save()  # the version stamp changes
    assert fairness_guard(text=BIASED, confirmed=False) == []


def test_guard_deleted_term_no_longer_flags():
    FairnessTerm.objects.filter(term="overqualified").delete()
    assert fairness_guard(text=WARNED, confirmed=False) == []
