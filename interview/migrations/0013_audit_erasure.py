"""The audit triggers of 0011, replaced by ones that also admit the erasure's anonymisation.

Besides what 0011 allowed (clearing actor_id / subject_id, the purge's deletes), an UPDATE may now set
actor_label to "erased user", ip to NULL, user_agent to "", detail to {"erased": true} and target_id to ""
(every other column unchanged) while the erasure window of interview/audit/guard.py is open: the
transaction-local setting `interview.audit_erasure` = "on" on PostgreSQL, the registered function
`audit_erasure_allowed()` on SQLite (interview.privacy.erasure runs it for an erased account's events).
"""

from django.db import migrations

FIXED = " AND ".join(
    f"NEW.{column} IS {{same}} OLD.{column}" for column in ("id", "created_at", "action", "target_type")
)
PERSONAL = ("actor_label", "ip", "user_agent", "detail", "target_id")
UNCHANGED = " AND ".join(f"NEW.{column} IS {{same}} OLD.{column}" for column in PERSONAL)
ONLY_CLEARED = (
    "(NEW.actor_id IS {same} OLD.actor_id OR NEW.actor_id IS NULL)"
    " AND (NEW.subject_id IS {same} OLD.subject_id OR NEW.subject_id IS NULL)"
)
SQLITE_ANONYMISED = (
    "NEW.actor_label = 'erased user' AND NEW.ip IS NULL AND NEW.user_agent = ''"
    " AND NEW.detail = '{\"erased\": true}' AND (NEW.target_id IS OLD.target_id OR NEW.target_id = '')"
)
PG_ANONYMISED = (
    "NEW.actor_label = 'erased user' AND NEW.ip IS NULL AND NEW.user_agent = ''"
    " AND NEW.detail::jsonb = '{\"erased\": true}'::jsonb"
    " AND (NEW.target_id IS NOT DISTINCT FROM OLD.target_id OR NEW.target_id = '')"
)
MESSAGE = "interview_auditevent is append-only"

SQLITE_UPDATE_0011 = """CREATE TRIGGER interview_auditevent_no_update BEFORE UPDATE ON interview_auditevent
    WHEN NOT ({fixed} AND {unchanged} AND {cleared})
    BEGIN SELECT RAISE(ABORT, '{message}: update refused'); END""".format(
    fixed=FIXED.format(same=""),
    unchanged=UNCHANGED.format(same=""),
    cleared=ONLY_CLEARED.format(same=""),
    message=MESSAGE,
)
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS interview_auditevent_no_update",
    f"""CREATE TRIGGER interview_auditevent_no_update BEFORE UPDATE ON interview_auditevent
    WHEN NOT ({FIXED.format(same="")} AND {ONLY_CLEARED.format(same="")}
              AND (({UNCHANGED.format(same="")}) OR (audit_erasure_allowed() AND {SQLITE_ANONYMISED})))
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: update refused'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS interview_auditevent_no_update", SQLITE_UPDATE_0011]


def _pg_guard(allow_erasure: bool) -> str:
    erasure = (
        f"""IF {FIXED.format(same="NOT DISTINCT FROM")} AND {ONLY_CLEARED.format(same="NOT DISTINCT FROM")}
            AND COALESCE(current_setting('interview.audit_erasure', true), '') = 'on' AND {PG_ANONYMISED} THEN
            RETURN NEW;
        END IF;"""
        if allow_erasure
        else ""
    )
    return f"""CREATE OR REPLACE FUNCTION interview_auditevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.created_at <= NULLIF(current_setting('interview.audit_purge_before', true), '')::timestamptz THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION '{MESSAGE}: delete refused' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF {FIXED.format(same="NOT DISTINCT FROM")} AND {UNCHANGED.format(same="NOT DISTINCT FROM")}
            AND {ONLY_CLEARED.format(same="NOT DISTINCT FROM")} THEN
            RETURN NEW;
        END IF;
        {erasure}
        RAISE EXCEPTION '{MESSAGE}: update refused' USING ERRCODE = 'integrity_constraint_violation';
    END $$"""


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("interview", "0012_data_exports")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": [_pg_guard(True)]}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": [_pg_guard(False)]}),
        ),
    ]
