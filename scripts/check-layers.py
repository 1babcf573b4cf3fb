#!/usr/bin/env python3
"""Checks who may import whom in the `app` crate, and that ARCHITECTURE.md names real things.

Reads every non-test source file under app/src, resolves each path it names (`use` trees,
`crate::…`, `super::…`, `self::…`) to a module, and fails when a rule is broken or the backend's
rooms import each other in a circle. Then reads ARCHITECTURE.md: every file or folder it names in
backticks must exist, and every `module::function` or `Type::method` must be defined somewhere.
`--self-test` copies the tree, plants one wrong import per rule and checks that each is caught,
so the check itself can fail.

    scripts/check-layers.py [--root app/src] [--self-test]
"""
import argparse
import pathlib
import re
import shutil
import sys
import tempfile

# The backend's rooms, lowest first. A room is a folder (or a single file) of app/src/backend.
USE_CASES, STEPS, STATE = "use_cases", "steps", "state"
# Rooms below the use cases and steps: they may name neither, nor the AppState.
LOWER = {"store", "mail", "captcha", "config", "secrets", "runtime", "client", "clock", "ids"}
ROOMS = LOWER | {USE_CASES, STEPS, STATE}
FRAMEWORK_CRATES = ("leptos", "leptos_axum", "leptos_router", "leptos_meta", "server_fn")
UI = ("pages", "components")


def module_of(root: pathlib.Path, path: pathlib.Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib"):
        parts.pop()
    return parts


def without_tests(text: str) -> str:
    """The file up to its `#[cfg(test)] mod tests { … }` block (always the last item here)."""
    m = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod \w+\s*\{", text, re.M)
    return text[: m.start()] if m else text


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def expand(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` → ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s*([{},]|::)\s*", r"\1", re.sub(r"\s+", " ", tree.strip()))
    start = tree.find("{")
    if start < 0:
        return [tree.split(" as ")[0]]
    prefix, inner = tree[:start], tree[start + 1 : tree.rfind("}")]
    items, depth, current = [], 0, ""
    for ch in inner:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    out = []
    for item in filter(None, items):
        for path in expand(item):
            out.append(prefix + path if path != "self" else prefix.rstrip(":"))
    return out


def referenced_paths(code: str) -> set[str]:
    paths = set()
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        paths.update(expand(m.group(1)))
    for m in re.finditer(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)", code):
        paths.add(m.group(1))
    return {p.replace("r#", "") for p in paths}


def resolve(module: list[str], path: str) -> list[str] | None:
    """The absolute module path (`['backend', 'store', …]`) of `path` named in `module`."""
    segments = path.split("::")
    if segments[0] == "crate":
        return segments[1:]
    if segments[0] in ("super", "self"):
        base = list(module)
        while segments and segments[0] in ("super", "self"):
            if segments.pop(0) == "super":
                base = base[:-1]
        return base + segments
    return None  # an external crate or a child module of its own


def room(module: list[str]) -> str | None:
    return module[1] if len(module) > 1 and module[0] == "backend" else None


class Checker:
    def __init__(self, root: pathlib.Path):
        self.root = root
        self.problems: list[str] = []
        self.edges: dict[str, dict[str, str]] = {}

    def fail(self, where: str, why: str):
        self.problems.append(f"{where}: {why}")

    def run(self) -> list[str]:
        for path in sorted(self.root.rglob("*.rs")):
            if path.name == "tests.rs" or "tests" in path.relative_to(self.root).parts[:-1]:
                continue
            self.check_file(path)
        self.check_circles()
        return self.problems

    def check_file(self, path: pathlib.Path):
        module = module_of(self.root, path)
        code = strip_comments(without_tests(path.read_text()))
        where = str(path.relative_to(self.root.parent.parent)) if self.root.parent.parent in path.parents else str(path)
        layer = module[0] if module else "lib"
        own_room = room(module)
        if layer == "backend":
            for crate in FRAMEWORK_CRATES:
                if re.search(rf"(?<![\w:]){crate}::", code):
                    self.fail(where, f"the backend uses {crate} (the web framework stays out of it)")
        if own_room and own_room not in (USE_CASES, STEPS, STATE) and re.search(r"\bAppState\b", code):
            self.fail(where, f"backend/{own_room} names AppState (only use cases and steps take it)")
        for text in referenced_paths(code):
            target = resolve(module, text)
            if not target:
                continue
            self.check_reference(where, layer, own_room, target, text)

    def check_reference(self, where: str, layer: str, own_room: str | None, target: list[str], text: str):
        top = target[0] if target else ""
        if layer == "backend" and top in ("api", "pages", "components", "error"):
            self.fail(where, f"the backend imports {text} (backend imports nothing of api, pages, components, AppError)")
        if layer in UI and top == "backend":
            self.fail(where, f"{layer} imports {text} (pages and components reach the server only through api)")
        if layer == "api" and top in UI:
            self.fail(where, f"api imports {text} (wire types live in api::wire, not in {top})")
        if layer == "domain" and top in ("backend", "api", "pages", "components", "error"):
            self.fail(where, f"domain imports {text} (domain types depend on nothing of ours but the policy)")
        target_room = room(target)
        if not own_room or not target_room or target_room == own_room:
            return
        if target_room not in ROOMS:
            self.fail(where, f"{text} is in backend/{target_room}, which is no room of ARCHITECTURE.md")
            return
        if own_room == STEPS and target_room == USE_CASES:
            self.fail(where, f"a step imports the use case {text} (steps never import use cases)")
        if own_room in LOWER | {STATE} and target_room in (USE_CASES, STEPS):
            self.fail(where, f"backend/{own_room} imports {text} (only use cases may use steps and use cases)")
        if own_room in LOWER and target_room == STATE:
            self.fail(where, f"backend/{own_room} imports {text} (only use cases and steps take the AppState)")
        self.edges.setdefault(own_room, {}).setdefault(target_room, f"{where} ({text})")

    def check_circles(self):
        """Every circle of imports between the backend's rooms (Tarjan's strongly connected parts)."""
        index, low, stack, on_stack, counter = {}, {}, [], set(), [0]

        def visit(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on_stack.add(v)
            for w in self.edges.get(v, {}):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                part = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    part.append(w)
                    if w == v:
                        break
                if len(part) > 1:
                    links = [f"{a} → {b}: {self.edges[a][b]}" for a in part for b in self.edges.get(a, {}) if b in part]
                    self.fail("backend", "rooms import each other in a circle:\n    " + "\n    ".join(links))

        for v in sorted(self.edges):
            if v not in index:
                visit(v)


# One planted import per rule: (file under app/src, the line, a word the report must contain).
PLANTED = [
    ("backend/store/mod.rs", "use crate::backend::use_cases::login;", "only use cases may use"),
    ("backend/steps/mod.rs", "use crate::backend::use_cases::login;", "steps never import use cases"),
    ("backend/mail/mod.rs", "use crate::backend::state::AppState;", "AppState"),
    ("backend/store/mod.rs", "use crate::error::AppError;", "backend imports nothing of api"),
    ("backend/config/mod.rs", "use leptos::prelude::*;", "web framework"),
    ("components/mod.rs", "use crate::backend::store::Store;", "reach the server only through api"),
    ("api/mod.rs", "use crate::components::Field;", "wire types live in api::wire"),
    ("domain/mod.rs", "use crate::api::wire::Moment;", "domain types depend on nothing"),
    ("backend/config/mod.rs", "use crate::backend::store::Store;", "circle"),
]


def check_map(repo: pathlib.Path) -> list[str]:
    """Every file, folder, function and type that ARCHITECTURE.md names in backticks exists."""
    text = (repo / "ARCHITECTURE.md").read_text()
    sources = "\n".join(p.read_text() for d in ("app", "server", "strength", "signin", "frontend")
                        for p in (repo / d).rglob("*.rs") if "target" not in p.parts)
    bases = [repo, repo / "app" / "src", repo / "app" / "src" / "backend"]
    problems = []
    for name in sorted(set(re.findall(r"`([^`\n]+)`", text))):
        if "{" in name or "<" in name or " " in name or name.startswith(("$", "#", "--", "PORTAL_", "cargo ")):
            continue
        if name.endswith((".rs", "/", ".md", ".py", ".sh")) and ("/" in name or name.endswith(".rs")):
            if not any((base / name).exists() for base in bases):
                problems.append(f"ARCHITECTURE.md names `{name}`, which does not exist")
        elif re.fullmatch(r"\w+(::\w+)+", name):
            last = name.rsplit("::", 1)[1]
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", last).lower()
            defined = rf"\b(fn|struct|enum|trait|type|const|mod)\s+({last}|{snake})\b"
            if not re.search(defined, sources) and not re.search(rf"\b{last}\s*\(", sources):
                problems.append(f"ARCHITECTURE.md names `{name}`, which is defined nowhere")
    return problems


def self_test(root: pathlib.Path) -> int:
    clean = Checker(root).run()
    if clean:
        print("self-test: the tree itself breaks the rules; fix that first", file=sys.stderr)
        return 1
    missed = 0
    for file, line, expected in PLANTED:
        with tempfile.TemporaryDirectory() as tmp:
            copy = pathlib.Path(tmp) / "app" / "src"
            shutil.copytree(root, copy)
            target = copy / file
            target.write_text(line + "\n" + target.read_text())
            found = Checker(copy).run()
            if not any(expected in p for p in found):
                print(f"self-test: planting `{line}` in {file} was not caught (wanted '{expected}')", file=sys.stderr)
                missed += 1
    print(f"layers self-test: {len(PLANTED) - missed} passed, {missed} failed")
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--root", type=pathlib.Path, default=here / "app" / "src")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.root)
    problems = Checker(args.root).run()
    repo = args.root.parent.parent
    if (repo / "ARCHITECTURE.md").exists():
        problems += check_map(repo)
    for problem in problems:
        print(f"layers: {problem}", file=sys.stderr)
    print(f"layers: {'ok' if not problems else f'{len(problems)} broken'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
