"""`manage.py demo_logins`: whom to sign in as in the demo, the BSS API token and the URLs.
`make demo` prints it after `load_demo`."""

import datetime as dt
import os
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.clock import local_date, now
from fiberops.demo.data import DEMO_PASSWORD
from fiberops.workforce.models import Technician

ROLE_NAMES: dict[str, str] = {
    Role.ADMIN: "系统管理员",
    Role.BRANCH_MANAGER: "区县经理",
    Role.DISPATCHER: "调度员",
    Role.TEAM_LEADER: "班组长",
    Role.TECHNICIAN: "装维人员",
    Role.CS_AGENT: "客服坐席",
    Role.QUALITY_AUDITOR: "质检员",
    Role.INTEGRATION: "BSS接口",
}
#: The logins worth showing, in the order of the table (technicians are added from the data).
FEATURED = (
    "admin",
    "manager_wh",
    "dispatcher_wh",
    "dispatcher_pj",
    "leader_wh01a",
    "leader_pj01a",
    "cs",
    "auditor",
    "bss",
)


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def scope_of(user: User, today: dt.date) -> str:
    """What the user sees (R-SEC-1), in words."""
    if user.is_operator_wide:
        return "全部区县"
    if user.role in (Role.BRANCH_MANAGER, Role.DISPATCHER) and user.branch:
        return user.branch.name
    if user.role == Role.TEAM_LEADER and user.team:
        return f"{user.team.name}（{user.team.grid.name}）"
    technician = Technician.objects.select_related("team").filter(user=user).first()
    if technician is None:
        return "—"
    scope = f"本人工单（{technician.team.name}）"
    if not technician.is_certified_on(today):
        scope += "，上岗认证已过期"
    return scope


class Command(BaseCommand):
    help = "Print the demo logins, the BSS API token (created if missing) and the URLs."

    def handle(self, *args, **options):
        bss = User.objects.filter(username="bss").first()
        if bss is None:
            raise CommandError("No demo data yet: run `manage.py load_demo` first.")
        today = local_date(now())
        users = self.featured_users(today)
        rows = [("用户名", "角色", "范围", "密码")] + [
            (
                user.username,
                ROLE_NAMES.get(user.role, user.role),
                scope_of(user, today),
                "（仅 API 令牌，见下）" if user.role == Role.INTEGRATION else DEMO_PASSWORD,
            )
            for user in users
        ]
        widths = [max(display_width(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        technicians = Technician.objects.exclude(user=None).order_by("staff_no")
        first, last = technicians.first(), technicians.last()
        if first and last:
            self.stdout.write(
                f"其余班组长 leader_<班组编码>，装维人员 {first.staff_no.lower()}–"
                f"{last.staff_no.lower()}（工号小写），密码同上。"
            )
        token, _created = Token.objects.get_or_create(user=bss)
        port = os.environ.get("PORT", "8000")
        site = f"http://127.0.0.1:{port}"
        self.stdout.write("")
        self.stdout.write(f"BSS API token (user bss): {token.key}")
        self.stdout.write(f"网页 Web:        {site}/")
        self.stdout.write(f"管理后台 Admin:  {site}/admin/")
        self.stdout.write(f"API 文档 Docs:   {site}/api/docs/")
        self.stdout.write(
            f'例 Example: curl -H "Authorization: Token {token.key}" {site}/api/v1/work-orders/'
        )

    @staticmethod
    def featured_users(today: dt.date) -> list[User]:
        """The office roles, then three technicians: an urban and a rural one who can be
        dispatched, and one whose certification has expired."""
        by_name = {
            u.username: u
            for u in User.objects.filter(username__in=FEATURED).select_related(
                "branch", "team__grid"
            )
        }
        users = [by_name[name] for name in FEATURED if name in by_name]
        technicians = Technician.objects.exclude(user=None).select_related(
            "user", "team__grid__branch"
        )
        picks = [
            technicians.filter(team__grid__branch__code=code, certified_until__gte=today).first()
            for code in ("WH", "PJ")
        ]
        picks.append(technicians.filter(certified_until__lt=today).first())
        users += [t.user for t in picks if t is not None and t.user is not None]
        return users
