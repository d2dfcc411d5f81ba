"""docs/workorder-lifecycle.md stays in step with states.py (R-ORD-3)."""

from pathlib import Path

from django.conf import settings

from fiberops.accounts.permissions import roles_for
from fiberops.workorders.states import TRANSITIONS, Status

DOC = Path(settings.BASE_DIR) / "docs" / "workorder-lifecycle.md"


def doc_rows(header: str) -> list[list[str]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows


def split(cell: str) -> set[str]:
    return {part.strip() for part in cell.split(",") if part.strip()}


def test_r_ord_3_doc_lists_every_status():
    assert [row[0] for row in doc_rows("| status |")] == list(Status.values)


def test_r_ord_3_doc_transition_table_matches_the_code():
    documented = {
        row[0]: (split(row[1]), row[2], split(row[3]), row[4] == "yes")
        for row in doc_rows("| action | from | to |")
    }
    in_code = {
        name: (
            set(t.sources),
            t.target or "(status before suspend)",
            set(roles_for(f"order.{name}")),
            t.needs_reason,
        )
        for name, t in TRANSITIONS.items()
    }
    assert documented == in_code
