"""Dependency directions and single writers, read from the source (issue 5, "Done when").

Every module under fiberops/ (migrations left out) is parsed with `ast`; imports inside functions
count like the ones at the top. Rules:

- `core` knows no business: it imports no other part of fiberops.
- No two apps import each other, directly or around a longer cycle. The top-level wiring modules
  (settings, urls, api_urls, testing, wsgi, asgi) import everything by design and are not
  counted as importers; `demo` and `bench` may import anything, nothing may import them.
- Only `workorders/guards.py` locks work orders, only `workorders/events.py` creates
  `OrderEvent` rows. These two hold for tests as well: tests go through the actions.

Test modules are not importers for the first two rules. The checks are textual: a lock taken on a
queryset the analysis cannot trace back to `WorkOrder` escapes them.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

import fiberops

PACKAGE = Path(fiberops.__file__).resolve().parent
ROOT = PACKAGE.parent

#: Top-level modules that wire the apps together; not apps, not counted as importers.
WIRING = frozenset({"settings", "urls", "api_urls", "testing", "wsgi", "asgi"})
#: Apps that may import anything and that nothing may import.
OUTSIDE = frozenset({"demo", "bench"})

ORDER_LOCKER = "fiberops/workorders/guards.py"
EVENT_WRITER = "fiberops/workorders/events.py"
CREATORS = frozenset({"create", "bulk_create", "get_or_create", "update_or_create"})


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. fiberops.sla.actions
    path: str  # relative to the repository, e.g. fiberops/sla/actions.py
    tree: ast.Module

    @property
    def app(self) -> str:
        """`sla` for fiberops.sla.*, `urls` for fiberops/urls.py, "" for fiberops/__init__.py."""
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else ""

    @property
    def is_test(self) -> bool:
        parts = self.name.split(".")
        return "tests" in parts or parts[-1].startswith("test_") or parts[-1] == "conftest"


@dataclass(frozen=True)
class Import:
    module: Module
    line: int
    target: str

    @property
    def target_app(self) -> str | None:
        parts = self.target.split(".")
        return parts[1] if parts[0] == "fiberops" and len(parts) > 1 else None

    def __str__(self) -> str:
        return f"{self.module.path}:{self.line} imports {self.target}"


def parse(source: str, path: str = "fiberops/example/module.py") -> Module:
    name = ".".join(Path(path).with_suffix("").parts)
    name = name.removesuffix(".__init__")
    return Module(name=name, path=path, tree=ast.parse(source, filename=path))


@cache
def all_modules() -> tuple[Module, ...]:
    modules = []
    for file in sorted(PACKAGE.rglob("*.py")):
        relative = file.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        modules.append(parse(file.read_text(encoding="utf-8"), relative.as_posix()))
    return tuple(modules)


def production_modules() -> list[Module]:
    return [module for module in all_modules() if not module.is_test]


def _from_base(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.path.endswith("__init__.py"):
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def imports_of(module: Module) -> Iterator[Import]:
    """Every import of the module, lazy ones inside functions and `import_module("…")` too."""
    seen = set()
    for found in _all_imports(module):
        if (found.line, found.target) not in seen:
            seen.add((found.line, found.target))
            yield found


def _all_imports(module: Module) -> Iterator[Import]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(module, node)
            for alias in node.names:
                # `from fiberops import sla` imports fiberops.sla; deeper bases name the app.
                target = f"{base}.{alias.name}" if base.count(".") == 0 else base
                yield Import(module, node.lineno, target)
        elif _is_dynamic_import(node):
            assert isinstance(node, ast.Call)
            yield Import(module, node.lineno, str(node.args[0].value))  # type: ignore[attr-defined]


def _is_dynamic_import(node: ast.AST) -> bool:
    """`import_module("fiberops.x")` or `__import__("fiberops.x")` with a literal name."""
    return (
        isinstance(node, ast.Call)
        and _called_name(node) in {"import_module", "__import__"}
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
    )


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


# --- rule (a): core knows no business --------------------------------------------------------


def core_violations(modules) -> list[Import]:
    return [
        found
        for module in modules
        if module.app == "core"
        for found in imports_of(module)
        if found.target_app not in (None, "core")
    ]


def test_core_imports_no_other_part_of_fiberops():
    found = [str(item) for item in core_violations(production_modules())]
    assert not found, "fiberops.core must know no business:\n" + "\n".join(found)


# --- rule (b): no cycles between apps; nothing imports demo or bench --------------------------


def app_graph(modules) -> dict[str, dict[str, list[Import]]]:
    """importing app → imported app → the imports responsible."""
    graph: dict[str, dict[str, list[Import]]] = {}
    for module in modules:
        if not module.app or module.app in WIRING or module.app in OUTSIDE:
            continue
        for found in imports_of(module):
            target = found.target_app
            if target is None or target == module.app or target in WIRING:
                continue
            graph.setdefault(module.app, {}).setdefault(target, []).append(found)
    return graph


def cycles(graph: dict[str, dict[str, list[Import]]]) -> list[list[str]]:
    """The strongly connected groups of more than one app (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for target in graph.get(app, {}):
            if target not in index:
                visit(target)
                low[app] = min(low[app], low[target])
            elif target in stack:
                low[app] = min(low[app], index[target])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return groups


def _shortest_cycle(graph, start: str, group: list[str]) -> list[str]:
    """The apps of a shortest cycle through `start` inside `group`: [start, …, start]."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        app = queue.pop(0)
        for target in sorted(graph.get(app, {})):
            if target == start:
                return [*paths[app], start]
            if target in group and target not in paths:
                paths[target] = [*paths[app], target]
                queue.append(target)
    return []


def describe_cycles(graph, shown_per_edge: int = 3) -> str:
    """Every pair of apps importing each other, then a shortest cycle through each app not in
    such a pair, with the imports that make each edge."""
    found_cycles = []
    for group in cycles(graph):
        pairs = [[a, b, a] for a in group for b in group if a < b and a in graph.get(b, {})]
        pairs = [pair for pair in pairs if pair[1] in graph.get(pair[0], {})]
        in_pairs = {app for pair in pairs for app in pair}
        longer = [_shortest_cycle(graph, app, group) for app in group if app not in in_pairs]
        found_cycles += pairs + [cycle for cycle in longer if cycle]
    lines, seen = [], set()
    for cycle in found_cycles:
        edges = frozenset(zip(cycle, cycle[1:], strict=False))
        if edges in seen:
            continue
        seen.add(edges)
        lines.append("cycle " + " → ".join(cycle) + ":")
        for source, target in zip(cycle, cycle[1:], strict=False):
            imports = graph[source][target]
            lines.append(f"  {source} → {target} ({len(imports)} imports):")
            lines += [f"    {item}" for item in imports[:shown_per_edge]]
            if len(imports) > shown_per_edge:
                lines.append(f"    … and {len(imports) - shown_per_edge} more")
    return "\n".join(lines)


def outside_violations(modules) -> list[Import]:
    return [
        found
        for module in modules
        if module.app not in OUTSIDE
        for found in imports_of(module)
        if found.target_app in OUTSIDE
    ]


def test_no_two_apps_import_each_other():
    graph = app_graph(production_modules())
    groups = cycles(graph)
    assert not groups, describe_cycles(graph)


def test_nothing_imports_the_demo_or_the_benchmarks():
    found = [str(item) for item in outside_violations(production_modules())]
    assert not found, "\n".join(found)


# --- rule (c): one module locks orders, one module writes their events ------------------------


def _names_bound_to(module: Module, class_name: str) -> set[str]:
    """`WorkOrder` and any `import … as` alias of it."""
    names = {class_name}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.name == class_name and a.asname}
    return names


def _chain(node: ast.AST) -> Iterator[ast.AST]:
    """The receivers of a call chain, outermost first: `A.objects.filter().x()` → … `A`."""
    while True:
        yield node
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        else:
            return


def _identifiers(node: ast.AST) -> set[str]:
    return {
        part.id if isinstance(part, ast.Name) else part.attr
        for part in _chain(node)
        if isinstance(part, ast.Name | ast.Attribute)
    }


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _scopes(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    yield from (node for node in ast.walk(tree) if isinstance(node, FUNCTIONS))


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a module or function, not those of the functions nested in it."""
    pending = list(ast.iter_child_nodes(scope))
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, FUNCTIONS):
            pending.extend(ast.iter_child_nodes(node))


def _rooted_names(scope: ast.AST, roots: set[str]) -> set[str]:
    """`roots` plus the variables a scope assigns from an expression rooted at one of them
    (`orders = WorkOrder.objects.filter(…)`), followed through re-assignments."""
    names = set(roots)
    assigns = [n for n in _own_nodes(scope) if isinstance(n, ast.Assign | ast.AnnAssign)]
    changed = True
    while changed:
        changed = False
        for node in assigns:
            if node.value is None or not _identifiers(node.value) & names:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id not in names:
                    names.add(target.id)
                    changed = True
    return names


def _outer_chain(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> list[ast.Call]:
    """Every call of the queryset expression `call` belongs to, e.g. `.select_related()` after
    the `.select_for_update()`."""
    top: ast.AST = call
    while (parent := parents.get(top)) is not None and (
        (isinstance(parent, ast.Attribute) and parent.value is top)
        or (isinstance(parent, ast.Call) and parent.func is top)
    ):
        top = parent
    return [node for node in _chain(top) if isinstance(node, ast.Call)]


def _strings(node: ast.AST) -> list[str]:
    return [
        part.value
        for part in ast.walk(node)
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    ]


def _joins_an_order(calls: list[ast.Call]) -> bool:
    return any(
        "order" in lookup.split("__")
        for call in calls
        if _called_name(call) == "select_related"
        for arg in call.args
        for lookup in _strings(arg)
    )


def _lock_spans_the_order(lock: ast.Call) -> bool:
    """A FOR UPDATE without `of` locks every joined table; with `of`, the tables it names."""
    of = next((kw.value for kw in lock.keywords if kw.arg == "of"), None)
    if of is None:
        return True
    return any("order" in lookup.split("__") for lookup in _strings(of))


def order_lock_violations(module: Module) -> list[str]:
    """`select_for_update` on a queryset of WorkOrder, or on a query joined to the order
    (`select_related("order")`) whose lock is not limited to its own rows."""
    if module.path == ORDER_LOCKER:
        return []
    parents = {
        child: node for node in ast.walk(module.tree) for child in ast.iter_child_nodes(node)
    }
    work_order = _names_bound_to(module, "WorkOrder")
    found = []
    for scope in _scopes(module.tree):
        rooted = _rooted_names(scope, work_order)
        for node in _own_nodes(scope):
            if not (isinstance(node, ast.Call) and _called_name(node) == "select_for_update"):
                continue
            calls = _outer_chain(node, parents)
            if _identifiers(node.func) & rooted:
                found.append(f"{module.path}:{node.lineno} locks WorkOrder rows")
            elif _joins_an_order(calls) and _lock_spans_the_order(node):
                found.append(f"{module.path}:{node.lineno} locks the joined order row")
    return sorted(set(found))


def event_writer_violations(module: Module) -> list[str]:
    """`OrderEvent(…)`, `OrderEvent.objects.create/bulk_create/…` or `order.events.create(…)`."""
    if module.path == EVENT_WRITER:
        return []
    order_event = _names_bound_to(module, "OrderEvent")
    found = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in order_event:
            found.append(f"{module.path}:{node.lineno} builds an OrderEvent")
        elif isinstance(node.func, ast.Attribute) and node.func.attr in CREATORS:
            receiver = node.func.value
            by_class = _identifiers(receiver) & order_event
            by_relation = isinstance(receiver, ast.Attribute) and receiver.attr == "events"
            if by_class or by_relation:
                found.append(f"{module.path}:{node.lineno} creates OrderEvent rows")
    return found


def test_only_the_guards_module_locks_work_orders_tests_included():
    found = [line for module in all_modules() for line in order_lock_violations(module)]
    assert not found, f"Only {ORDER_LOCKER} locks orders:\n" + "\n".join(found)


def test_only_the_events_module_creates_order_events_tests_included():
    found = [line for module in all_modules() for line in event_writer_violations(module)]
    assert not found, f"Only {EVENT_WRITER} writes the timeline:\n" + "\n".join(found)


# --- the checks themselves catch what they are meant to catch ---------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from fiberops.workorders.models import WorkOrder",
        "def f():\n    from fiberops.sla import actions",
        "from fiberops import workforce",
        "from ..accounts import models",
        "import fiberops.network.queries",
        "import importlib\nimportlib.import_module('fiberops.dispatch.models')",
    ],
)
def test_the_core_rule_sees_every_kind_of_import(source):
    assert core_violations([parse(source, "fiberops/core/example.py")])


def test_the_core_rule_lets_core_import_itself_and_django():
    source = "from django.db import models\nfrom fiberops.core import errors\nfrom . import clock"
    assert not core_violations([parse(source, "fiberops/core/example.py")])


def test_a_cycle_is_reported_with_the_imports_responsible():
    modules = [
        parse("from fiberops.b.models import X", "fiberops/a/models.py"),
        parse("def f():\n    from fiberops.c import y", "fiberops/b/actions.py"),
        parse("import fiberops.a.models", "fiberops/c/y.py"),
        parse("from fiberops.a.models import X", "fiberops/urls.py"),
        parse("from fiberops.a.models import X", "fiberops/demo/data.py"),
    ]
    graph = app_graph(modules)
    assert cycles(graph) == [["a", "b", "c"]]
    report = describe_cycles(graph)
    assert "cycle a → b → c → a:" in report
    assert "fiberops/b/actions.py:2 imports fiberops.c" in report
    assert "urls" not in report and "demo" not in report


def test_importing_the_demo_is_refused_even_lazily():
    modules = [parse("def f():\n    from fiberops.demo import data", "fiberops/sla/views.py")]
    assert [str(i) for i in outside_violations(modules)] == [
        "fiberops/sla/views.py:2 imports fiberops.demo"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "WorkOrder.objects.select_for_update().get(pk=1)",
        "WorkOrder.objects.filter(pk=1).select_for_update(no_key=True).first()",
        "from fiberops.workorders.models import WorkOrder as Order\n"
        "Order.objects.select_for_update()",
        "def f():\n    orders = WorkOrder.objects.filter(pk=1)\n    orders.select_for_update()",
        "Deadline.objects.select_related('order').select_for_update()",
        "Deadline.objects.select_for_update().select_related('order__grid')",
        "SlaAlert.objects.select_for_update(of=('self', 'deadline__order'))"
        ".select_related('deadline__order')",
    ],
)
def test_the_lock_rule_sees_order_locks_outside_the_guards(source):
    assert order_lock_violations(parse(source, "fiberops/sla/actions.py"))


@pytest.mark.parametrize(
    "source",
    [
        "Deadline.objects.select_for_update(of=('self',)).select_related('order__technician')",
        "Deadline.objects.select_for_update().filter(order=order)",
        "def f():\n    rows = Deadline.objects.all()\n    rows.select_for_update()",
    ],
)
def test_the_lock_rule_lets_other_tables_be_locked(source):
    assert not order_lock_violations(parse(source, "fiberops/sla/actions.py"))


@pytest.mark.parametrize(
    "source",
    [
        "OrderEvent.objects.create(order=order, kind='x')",
        "OrderEvent.objects.bulk_create([])",
        "Event.objects.bulk_create([OrderEvent(order=order)])",
        "order.events.create(kind='x')",
        "from fiberops.workorders.models import OrderEvent as E\nE.objects.get_or_create()",
    ],
)
def test_the_event_rule_sees_order_events_created_outside_the_events_module(source):
    assert event_writer_violations(parse(source, "fiberops/workorders/tests/test_example.py"))


def test_the_event_rule_lets_events_be_read_and_written_by_their_module():
    reads = "OrderEvent.objects.filter(order=order).count()\norder.events.filter(kind='x')"
    assert not event_writer_violations(parse(reads, "fiberops/sla/views.py"))
    writes = "OrderEvent.objects.create(order=order)"
    assert not event_writer_violations(parse(writes, EVENT_WRITER))
