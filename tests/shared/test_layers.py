"""The package's layers hold: the import-linter contracts pass, no import circle (counting imports inside
functions), nothing below the API imports the package root, every module sits in a layer, and an import inside a
function says why it waits."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIM = ROOT / "sim"
ALLOWED_LATE = ("matplotlib", "plotly", "dask", "tqdm", "scipy", "sim.")  # heavy or optional libraries, or ours


def _modules() -> dict[str, Path]:
    out = {}
    for path in SIM.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import statement, but those under `if TYPE_CHECKING:` (annotations only, never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def _targets(module: str, node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    base = node.module or ""
    if node.level:
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(parts + ([base] if base else []))
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(module, node):
                found = _resolve(target)
                if found and found != module:
                    graph[module].add(found)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of the graph, or None (a depth-first search for a back edge)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_no_import_circle_in_sim_counting_imports_inside_functions():
    assert _cycle(_graph()) is None


def test_the_cycle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_only_the_command_line_and_the_entry_point_import_the_package_root():
    offenders = []
    for module, path in MODULES.items():
        if module in ("sim", "sim.__main__"):
            continue
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if any(t == "sim" for t in _targets(module, node)) or (
                    isinstance(node, ast.ImportFrom) and node.module == "sim" and not node.level
                    and any(f"sim.{a.name}" not in MODULES for a in node.names)):
                offenders.append(f"{module}:{node.lineno}")
    assert offenders == []


def test_every_module_of_sim_is_in_a_layer_of_the_contracts():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layered = {name.strip() for contract in config["contracts"] if contract["type"] == "layers"
               for layer in contract["layers"] for name in layer.replace("|", ":").split(":")}
    top = {m.split(".")[1] for m in MODULES if m.count(".") >= 1} - {"__main__"}
    assert sorted(f"sim.{name}" for name in top if f"sim.{name}" not in layered) == []


def test_an_import_inside_a_function_is_of_a_heavy_library_and_says_why():
    """Outside the command line (which loads each command's libraries when it runs it), an import waits inside a
    function only for a slow or optional library, with its reason on the line."""
    unexplained = []
    for module, path in MODULES.items():
        if module.startswith("sim.cli"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in _imports(function):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if "#" not in lines[node.lineno - 1] or not all(n.startswith(ALLOWED_LATE) for n in names):
                    unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unexplained == []


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


@pytest.mark.parametrize("command", [["lint-imports"], ["ruff", "check", "--quiet", "."]],
                         ids=["import-linter", "ruff"])
def test_the_linters_pass(command):
    done = subprocess.run([_tool(command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
