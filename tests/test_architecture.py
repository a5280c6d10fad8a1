"""The package's layout holds: floors by job, imports downward only, small modules."""

import ast
from pathlib import Path

import skrnn

ROOT = Path(skrnn.__file__).parent

# each subpackage or public module, by floor: a module imports from its own
# floor or lower ones, never from a higher one
FLOORS = {
    "_core": 0,
    "_representations": 0,
    "_time": 0,
    "datasets": 0,
    "_keras": 1,
    "_regression": 2,
    "_windows": 2,
    "_sequences": 3,
    "metrics": 3,
    "baselines": 3,
    "plotting": 3,
    "_forecast": 4,
    "_selection": 5,
    "forecasting": 5,
    "model_selection": 6,
    "cli": 7,
}
MAX_LINES = 600


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        name = ".".join(("skrnn", *path.relative_to(ROOT).with_suffix("").parts))
        yield name.removesuffix(".__init__"), path


def _imports(path):
    """Every skrnn module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{path}: relative import of {node.module}")
            if node.module.startswith("skrnn."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("skrnn."))
    return found


def _room(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_room_has_a_floor():
    rooms = {_room(name) for name, _ in _modules()} - {None, "__main__"}
    assert rooms <= set(FLOORS), sorted(rooms - set(FLOORS))


def test_imports_go_down_or_sideways_only():
    upward = []
    for name, path in _modules():
        room = _room(name)
        if room not in FLOORS:
            continue  # skrnn/__init__ and __main__ sit on top
        for target in _imports(path):
            if FLOORS[_room(target)] > FLOORS[room]:
                upward.append(f"{name} -> {target}")
    assert not upward, upward


def test_no_import_cycle():
    graph = {name: _imports(path) for name, path in _modules()}
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in graph.get(node, ()):
            if state.get(target) == "open":
                cycle = trail[trail.index(target) :] + [target]
                raise AssertionError(" -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])


def test_no_module_over_the_line_budget():
    long = {
        name: n
        for name, path in _modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, long
