"""Reads for report pages, the report API and exports."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from interview.accounts.permissions import can_observe_chat, can_regenerate_report, can_view_chat
from interview.core.rubric import score_band
from interview.core.spreadsheet import escape_formula
from interview.fairness.report import report_held_back
from interview.fairness.selectors import text_highlighted
from interview.interviews.accommodation import extra_time_label
from interview.interviews.selectors import key_questions_hidden_from
from interview.models import Chat, ExportableReport, ObserverNote, ReportVersion, ScoreOverride
from interview.reports.grading import OFFLINE_LABEL
from interview.reports.overrides import MARK, can_override_scores, override_label
from interview.reports.timing import follow_up_timing, key_question_at, timing_of

SCORE_FIELDS = (
    ("professionalism", "Professionalism"),
    ("subject_knowledge", "Subject knowledge"),
    ("clarity", "Clarity"),
    ("overall", "Overall"),
)
NOT_ASKED = "(This question was not asked.)"
CSV_HEADER = ["number", "question", "status", "answer", "score_out_of_10", "evidence", "feedback", "scored_by"]
# Added at the end, and only when the report has follow-ups: a report without any exports exactly as before.
CSV_FOLLOW_UP_HEADER = ["follow_up_of", "source", "asked_by"]
# The last column: "AI 7 → 5 (reason)" when a person overrode the AI's score (empty for the candidate).
CSV_OVERRIDE_HEADER = ["override"]
# Added after those, filled only on the criterion rows that follow the question rows (one per rubric criterion,
# in rubric order, `number` "criterion"): every report has the same columns, so exports stack.
CSV_CRITERION_HEADER = ["criterion_key", "criterion_name", "criterion_weight", "criterion_score_out_of_100"]
# After the follow-up columns (issue 22): the answer time against the limit the candidate had (with extra time, the multiplied one), and
# the extra time applied ("1.5×", or empty) on the question and follow-up rows.
CSV_TIMING_HEADER = ["answer_seconds", "time_limit_seconds", "extra_time"]
CRITERION_ROW = "criterion"
ASKED_BY_LABELS = {"ai": "asked by the AI interviewer", "offline": "asked by the offline interviewer's rule"}
# How an unanswered follow-up is shown: why there is no answer, never as a wrong one.
FOLLOW_UP_STATUS_LABELS = {
    "answered": "answered",
    "skipped": "skipped",
    "expired": "time ran out",
    "asked": "not answered",
}


# --- reports ----------------------------------------------------------------------------------


def chat_get_for_report(user: Any, chat_id: int) -> Chat | None:
    """The chat if the user may see its report (its owner, or an interviewer or admin allowed to observe it)."""
    chat = Chat.objects.select_related("user", "invitation", "exportablereport").filter(pk=chat_id).first()
    return chat if chat is not None and can_view_chat(user, chat) else None


def chat_get_for_override(user: Any, chat_id: int) -> Chat | None:
    """The chat if the user may see its report or override its scores (a panel member may do the latter)."""
    chat = Chat.objects.select_related("user", "invitation", "exportablereport").filter(pk=chat_id).first()
    if chat is None:
        return None
    return chat if can_view_chat(user, chat) or can_override_scores(user, chat) else None


def override_targets(report: ExportableReport | None) -> list[tuple[str, str]]:
    """The override form's choices: ("q:2", "Question 2 (now 7/10)") and ("c:clarity", "Clarity (now 62/100)")."""
    if report is None or report.version < 1:
        return []
    targets = [
        (f"q:{n}", f"Question {n} (now {item.get('score')}/10)")
        for n, item in enumerate(report.question_responses, start=1)
    ]
    for item in report.criterion_scores:
        label = f"{item.get('name') or item.get('key')} (now {item.get('score')}/100)"
        targets.append((f"c:{item.get('key')}", label))
    return targets


def report_of(chat: Chat) -> ExportableReport | None:
    """The chat's report row, or None before one was requested."""
    try:
        return chat.exportablereport
    except ExportableReport.DoesNotExist:
        return None


def candidate_name(chat: Chat) -> str:
    """The candidate's full name, else their username."""
    return chat.user.get_full_name().strip() or chat.user.get_username()


def scored_by(report: ExportableReport) -> str:
    """Who produced the numbers: the offline rubric (labelled as not AI judgement) or the named model."""
    return OFFLINE_LABEL if report.is_offline else f"AI judgement ({report.model_name or 'unknown model'})"


def score_rows(report: ExportableReport) -> list[dict[str, Any]]:
    """The four scores as (key, label, value) rows, in display order; `auxiliary` marks a spec category the
    report's rubric lacks (graded and shown, but not counted in the overall)."""
    keys = {c.get("key") for c in report.criterion_scores or [] if isinstance(c, Mapping)}
    return [
        {
            "key": key,
            "label": label,
            "value": getattr(report, f"{key}_score"),
            "auxiliary": bool(keys) and key != "overall" and key not in keys,
        }
        for key, label in SCORE_FIELDS
    ]


def criterion_rows(report: ExportableReport) -> list[dict[str, Any]]:
    """The rubric criteria's grades in rubric order, each with `weight_percent`, its 1-5 `band` and `override_label`."""
    rows = []
    for item in report.criterion_scores or []:
        if not isinstance(item, Mapping):
            continue
        score = item.get("score")
        weight = float(item.get("weight") or 0)
        band = score_band(score) if isinstance(score, int | float) else None
        label = override_label(item.get(MARK), score)
        rows.append({**item, "weight_percent": round(100 * weight, 1), "band": band, "override_label": label})
    return rows


@dataclass
class ReportView:
    """What one viewer may see of a chat's report."""

    chat: Chat
    report: ExportableReport | None
    candidate: str
    is_owner: bool
    is_observer: bool
    invited: bool = False
    can_regenerate: bool = False
    # Key questions whose text this viewer may not read (never asked, and the viewer is the candidate).
    hidden_questions: frozenset[int] = frozenset()
    observer_notes: list[ObserverNote] = field(default_factory=list)
    review_feedback: str = ""
    review_published: bool = False
    history: list[ReportVersion] = field(default_factory=list)
    # The hiring team (observers, panel, admins) sees overrides as "AI 7 → 5 (reason)", and who made them.
    hiring_team: bool = False
    can_override: bool = False
    overrides: list[ScoreOverride] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return self.report is not None and self.report.status in (ExportableReport.PENDING, ExportableReport.GENERATING)

    @property
    def has_content(self) -> bool:
        return self.report is not None and self.report.version >= 1

    @property
    def can_request(self) -> bool:
        """Whether this viewer may ask for a (re)generation now (the cooldown is checked on request)."""
        return self.can_regenerate and self.chat.status != Chat.NOT_STARTED and not self.busy

    @property
    def redacts(self) -> bool:
        """Whether this viewer's report leaves out text: questions never asked, or AI text under fairness review."""
        return self.report is not None and self.shown_report is not self.report

    @property
    def shown_report(self) -> ExportableReport | None:
        """The report as this viewer may read it: questions never asked lose their text (an unsaved copy)."""
        if self.report is None:
            return None
        shown = report_redacted(self.report, self.hidden_questions)
        if self.hiring_team:
            return shown
        # AI text the fairness check flagged waits for a person: the candidate reads a notice instead.
        return report_for_candidate(report_held_back(shown), published=self.review_published)


def fairness_highlight(view: ReportView) -> dict[str, Any] | None:
    """For the hiring team, a report the fairness check flagged: its flags and the feedback with terms marked."""
    report = view.report
    if report is None or not view.hiring_team or not report.needs_human_review:
        return None
    return {"flags": report.fairness_flags, "feedback": text_highlighted(report.feedback_text)}


def report_view_get(user: Any, chat: Chat) -> ReportView:
    """Build the viewer's view: observers get private notes and review feedback; candidates get published feedback."""
    report = report_of(chat)
    observer = can_observe_chat(user, chat)
    invitation = getattr(chat, "invitation", None)
    published = bool(invitation.feedback_published) if invitation is not None else True
    may_override = can_override_scores(user, chat)
    team = observer or may_override
    view = ReportView(
        chat=chat,
        report=report,
        candidate=candidate_name(chat),
        is_owner=chat.user_id == user.pk,
        is_observer=observer,
        invited=invitation is not None,
        can_regenerate=can_regenerate_report(user, chat),
        hidden_questions=key_questions_hidden_from(user, chat),
        review_published=published,
        hiring_team=team,
        can_override=may_override,
    )
    if report is not None:
        view.overrides = list(ScoreOverride.objects.filter(report=report).select_related("by"))
        view.history = _history(report, view.overrides, team=team)
    if observer:
        view.observer_notes = list(ObserverNote.objects.filter(chat=chat).select_related("author"))
    if invitation is not None and (observer or published):
        view.review_feedback = invitation.interviewer_feedback
    return view


def _history(report: ExportableReport, overrides: list[ScoreOverride], *, team: bool) -> list[ReportVersion]:
    """Earlier versions; the candidate's list leaves out those an override replaced (they hold the AI's value)."""
    versions = list(report.versions.all())
    if team:
        return versions
    replaced = {o.version - 1 for o in overrides}
    return [v for v in versions if v.version not in replaced]


def report_for_candidate(report: ExportableReport, *, published: bool) -> ExportableReport:
    """The report without override marks (an unsaved copy when it has any): never who, never the AI's value.

    Once feedback is published an overridden score shows as its new value; before, it is withheld
    (`score` None, `under_review` True), since the hiring team is still settling it.
    """
    marked = any(MARK in item for item in [*report.question_responses, *report.criterion_scores])
    if not marked:
        return report
    shown = copy.copy(report)
    shown.question_responses = [_unmarked(item, published) for item in report.question_responses]
    shown.criterion_scores = [_unmarked(item, published) for item in report.criterion_scores]
    return shown


def _unmarked(item: Mapping[str, Any], published: bool) -> dict[str, Any]:
    clean = {k: v for k, v in item.items() if k != MARK}
    if MARK in item and not published:
        clean.update(score=None, under_review=True)
    return clean


def overrides_in_force(report: ExportableReport) -> list[dict[str, Any]]:
    """The overrides the report's current version applies, as "Question 2" / criterion name and its label."""
    rows = []
    for number, item in enumerate(report.question_responses, start=1):
        if item.get(MARK):
            rows.append({"target": f"Question {number}", "label": override_label(item[MARK], item.get("score"))})
    for item in report.criterion_scores:
        if item.get(MARK):
            name = item.get("name") or item.get("key")
            rows.append({"target": str(name), "label": override_label(item[MARK], item.get("score"))})
    return rows


def report_redacted(report: ExportableReport, hidden: frozenset[int]) -> ExportableReport:
    """The report itself when nothing is hidden, else an unsaved copy whose hidden questions keep only score and status."""
    if not hidden:
        return report
    items = []
    for position, item in enumerate(report.question_responses):
        if item.get("index", position) in hidden:
            item = {**item, "question": NOT_ASKED, "feedback": "", "evidence": ""}
            if "follow_ups" in item:
                item["follow_ups"] = []  # a question never asked has none; should one exist, it would tell the question
        items.append(item)
    shown = copy.copy(report)  # unsaved: callers must not cache it (the cached PDF holds every question)
    shown.question_responses = items
    return shown


def follow_up_asker(follow_up: Mapping[str, Any]) -> str:
    """Who asked a follow-up, for people: the AI interviewer, the offline interviewer's rule, or a named hiring-team member."""
    if follow_up.get("source") == "observer":
        name = follow_up.get("asked_by")
        return f"asked by {name} (hiring team)" if name else "asked by the hiring team"
    return ASKED_BY_LABELS.get(str(follow_up.get("source")), ASKED_BY_LABELS["ai"])


def follow_up_status_label(follow_up: Mapping[str, Any]) -> str:
    """A follow-up's outcome in words: "answered", "skipped", "time ran out" or "not answered"."""
    status = str(follow_up.get("status") or "asked")
    if status == "answered" and not str(follow_up.get("answer") or "").strip():
        status = "asked"
    return FOLLOW_UP_STATUS_LABELS.get(status, FOLLOW_UP_STATUS_LABELS["asked"])


def question_rows(report: ExportableReport) -> list[dict[str, Any]]:
    """The report's key questions for display: each item with its 1-based `number`, and its follow-ups labelled.

    Each follow-up gains `label` ("2.1"), `asker` (see follow_up_asker), `status_label` and `answered`;
    reports stored before follow-ups existed get an empty list. Items and follow-ups gain `answer_seconds`,
    `time_limit` (the limit the candidate had: with extra time, the multiplied one) and `answer_time` (reports/timing.py).
    """
    rows = []
    chat = report.chat if report.chat_id else None
    for number, item in enumerate(report.question_responses, start=1):
        index = item.get("index") if isinstance(item.get("index"), int) else number - 1
        key = key_question_at(chat, index)
        follow_ups = [
            {
                **f,
                "label": f"{number}.{f.get('number', position)}",
                "asker": follow_up_asker(f),
                "status_label": follow_up_status_label(f),
                "answered": bool(str(f.get("answer") or "").strip()),
                **follow_up_timing(key, f.get("number", position)),
            }
            for position, f in enumerate(item.get("follow_ups") or [], start=1)
            if isinstance(f, Mapping)
        ]
        label = override_label(item.get(MARK), item.get("score"))
        rows.append({**item, "number": number, "follow_ups": follow_ups, "override_label": label, **timing_of(key)})
    return rows


def report_as_dict(view: ReportView, *, urls: dict[str, str]) -> dict[str, Any]:
    """The API's JSON for a report, as the viewer may see it."""
    report = view.shown_report
    data: dict[str, Any] = {
        "chat_id": view.chat.pk,
        "chat_title": view.chat.title,
        "chat_status": view.chat.status,
        "candidate": view.candidate,
        "status": report.status if report else "none",
        "error": report.error if report else "",
        "version": report.version if report else 0,
        "urls": urls,
    }
    if report is not None and view.has_content:
        data.update(
            is_offline=report.is_offline,
            scored_by=scored_by(report),
            model_name=report.model_name,
            generated_at=report.generated_at.isoformat(),
            scores={row["key"]: row["value"] for row in score_rows(report)},
            feedback_text=report.feedback_text,
            needs_human_review=report.needs_human_review,
            question_responses=report.question_responses,
            criterion_scores=[_criterion_dict(row) for row in criterion_rows(report)],
            prompt_version=report.prompt_version,
            total_questions_asked=report.total_questions_asked,
            total_responses_given=report.total_responses_given,
            interview_duration_minutes=report.interview_duration_minutes,
            # Answer times against the limits the candidate had (with extra time, the multiplied ones).
            time_multiplier=f"{view.chat.time_multiplier:.2f}",
            answer_times=[_timing_dict(row) for row in question_rows(report)],
            history=[_version_dict(v) for v in view.history],
        )
        if view.hiring_team:
            data["overrides"] = [override_as_dict(o) for o in view.overrides]
            data["fairness_flags"] = report.fairness_flags
    if view.is_observer:
        data["observer_notes"] = [_note_dict(n) for n in view.observer_notes]
    if view.review_feedback:
        data["review_feedback"] = view.review_feedback
    return data


def _timing_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("answer_seconds", "time_limit")
    follow_ups = [{"label": f["label"], **{k: f[k] for k in keys}} for f in row["follow_ups"]]
    return {"number": row["number"], **{k: row[k] for k in keys}, "follow_ups": follow_ups}


def _version_dict(version: ReportVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "generated_at": version.generated_at.isoformat(),
        "is_offline": version.is_offline,
        "model_name": version.model_name,
        "scores": {key: getattr(version, f"{key}_score") for key, _ in SCORE_FIELDS},
        "question_scores": version.question_scores,
        "criterion_scores": version.criterion_scores,
        "prompt_version": version.prompt_version,
    }


def override_as_dict(override: ScoreOverride) -> dict[str, Any]:
    """An override for the hiring team: what, the AI's value, the new one, why, who and when."""
    return {
        "kind": override.kind,
        "question": override.question_number,
        "criterion": override.criterion_key or None,
        "ai_score": override.ai_score,
        "score": override.score,
        "reason": override.reason,
        "label": override_label({"ai_score": override.ai_score, "reason": override.reason}, override.score),
        "by": override.by.get_username() if override.by else None,
        "version": override.version,
        "created_at": override.created_at.isoformat(),
    }


def _criterion_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("key", "name", "weight", "score", "band", "evidence", "feedback")
    return {key: row.get(key) for key in keys}


def _note_dict(note: ObserverNote) -> dict[str, Any]:
    return {
        "text": note.text,
        "author": note.author.get_username() if note.author else None,
        "elapsed_seconds": note.elapsed_seconds,
        "question_index": note.question_index,
        "created_at": note.created_at.isoformat(),
    }


def report_csv_rows(report: ExportableReport) -> list[list[str]]:
    """The per-question table as CSV rows (header first), each cell safe from spreadsheet formula injection.

    A key question's follow-ups get a row each after its own ("2.1"), with the key question's number in
    `follow_up_of`; they have no score, evidence or feedback of their own (they are graded with it).
    Every report has the same columns, follow-ups and criteria or not, so a hiring team can stack exports.
    After the questions, one row per rubric criterion (`number` "criterion"; evidence, feedback and scored_by
    filled; the criterion columns hold its key, name, normalised weight and 0-100 score). The last column,
    `override`, reads "AI 7 → 5 (reason)" on a question or criterion whose score a person overrode (the score
    columns hold the value in force); the candidate's copy has no marks, so it is empty for them.
    """
    label = scored_by(report)
    none = [""] * len(CSV_CRITERION_HEADER)
    rows = [CSV_HEADER + CSV_FOLLOW_UP_HEADER + CSV_TIMING_HEADER + CSV_CRITERION_HEADER + CSV_OVERRIDE_HEADER]
    extra = extra_time_label(report.chat.time_multiplier) if report.chat_id else ""
    for item in question_rows(report):
        cells = [item["number"], item.get("question"), item.get("status"), item.get("answer"), item.get("score")]
        cells += [item.get("evidence"), item.get("feedback"), label, "", "", ""]
        cells += [item["answer_seconds"], item["time_limit"], extra, *none, item["override_label"]]
        rows.append([_csv_safe(cell) for cell in cells])
        for follow_up in item["follow_ups"]:
            cells = [follow_up["label"], follow_up.get("question"), follow_up.get("status"), follow_up.get("answer")]
            cells += ["", "", "", label, item["number"], follow_up.get("source"), follow_up.get("asked_by")]
            cells += [follow_up["answer_seconds"], follow_up["time_limit"], extra, *none, ""]
            rows.append([_csv_safe(cell) for cell in cells])
    for c in criterion_rows(report):
        cells = [CRITERION_ROW, "", "", "", "", c.get("evidence"), c.get("feedback"), label, "", "", "", "", "", ""]
        cells += [
            c.get("key"),
            c.get("name"),
            c.get("weight"),
            c.get("score"),
            override_label(c.get(MARK), c.get("score")),
        ]
        rows.append([_csv_safe(cell) for cell in cells])
    return rows


def _csv_safe(value: Any) -> str:
    return escape_formula("" if value is None else str(value))
