"""Mutation testing for skpxl's domain rules: plant one small bug at a time, run its tests.

    python tools/mutation                     # every mutant in tools/mutation/mutants/*.toml
    python tools/mutation nip periods         # only the lists mutants/nip.toml, periods.toml
    python tools/mutation --id nip.sex_swapped --id nip.length_19
    python tools/mutation --check             # no tests: which snippets went stale?
    python tools/mutation --results benchmarks/results.md   # also refresh that section

Each mutant is an exact snippet of a source file and its replacement (see
``tools/mutation/README.md`` for the list format). The tool copies the project to a scratch
folder once, checks that the named tests pass there unmutated (the baseline), then for each
mutant writes the mutated file into the scratch copy, runs the mutant's test files with
``pytest -x`` and puts the original back. A mutant is *killed* when its tests fail (or hang
past ``--timeout``), *survived* when they pass, *stale* when its snippet is no longer in the
file exactly once (the code changed: update the list). The working tree is never written;
the scratch copy is removed on exit, Ctrl-C included.

Exit codes: 0 every mutant marked ``must_kill`` (the default) was killed and none is stale;
1 one survived, is stale, or its test run went wrong; 2 bad arguments or a bad list file;
3 the tool could not do its job (baseline tests fail, the scratch copy does not import).

Not part of CI (``.ci/run`` does not run it): a full run takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: skpxl installs tomli there
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
DEFAULT_ROOT = HERE.parent.parent
DEFAULT_LISTS = HERE / "mutants"
IGNORED = (".git", ".venv", "venv", "__pycache__", "*.egg-info", "build", "dist",
           ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache")
MUTANT_KEYS = {"id", "description", "original", "replacement", "file", "tests", "must_kill",
               "equivalent", "named"}
LIST_KEYS = {"file", "tests", "mutant", "about"}
BEGIN, END = "<!-- mutation:begin -->", "<!-- mutation:end -->"


class ListError(Exception):
    """A mutant list that cannot be used as written (exit 2)."""


class CannotRun(Exception):
    """The tool cannot do its job: baseline failing, scratch copy not importable (exit 3)."""


@dataclass
class Mutant:
    id: str
    description: str
    file: str
    original: str
    replacement: str
    tests: list[str]
    source: str  # the list file it comes from (its stem names the group)
    must_kill: bool = True
    equivalent: str = ""
    named: bool = False
    status: str = ""      # killed | survived | stale | error
    detail: str = ""
    seconds: float = 0.0

    @property
    def group(self) -> str:
        return Path(self.source).stem

    def to_dict(self) -> dict:
        return {"id": self.id, "group": self.group, "file": self.file,
                "description": self.description, "tests": self.tests,
                "must_kill": self.must_kill, "equivalent": self.equivalent or None,
                "named": self.named, "status": self.status, "detail": self.detail,
                "seconds": round(self.seconds, 2)}


def load_lists(folder: Path, groups: list[str] | None = None) -> list[Mutant]:
    """Every mutant of the ``*.toml`` lists in ``folder`` (only ``groups`` when given)."""
    paths = sorted(folder.glob("*.toml"))
    if groups:
        known = {p.stem for p in paths}
        unknown = sorted(set(groups) - known)
        if unknown:
            raise ListError(f"no mutant list named {', '.join(unknown)} in {folder} "
                            f"(there are: {', '.join(sorted(known)) or 'none'})")
        paths = [p for p in paths if p.stem in groups]
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for path in paths:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ListError(f"{path}: {exc}") from None
        extra = set(data) - LIST_KEYS
        if extra:
            raise ListError(f"{path}: unknown top-level keys {sorted(extra)}")
        for number, entry in enumerate(data.get("mutant", []), 1):
            where = f"{path.name}, mutant {number}"
            extra = set(entry) - MUTANT_KEYS
            if extra:
                raise ListError(f"{where}: unknown keys {sorted(extra)}")
            entry = {"file": data.get("file"), "tests": data.get("tests"), **entry}
            missing = [k for k in ("id", "description", "file", "original", "tests")
                       if not entry.get(k)] + (["replacement"] if "replacement" not in entry
                                               else [])
            if missing:
                raise ListError(f"{where}: missing {', '.join(missing)}")
            if entry["original"] == entry["replacement"]:
                raise ListError(f"{where} ({entry['id']}): replacement equals original")
            if entry["id"] in seen:
                raise ListError(f"{where}: id {entry['id']} used twice")
            seen.add(entry["id"])
            equivalent = entry.get("equivalent", "")
            mutants.append(Mutant(
                id=entry["id"], description=entry["description"], file=entry["file"],
                original=entry["original"], replacement=entry["replacement"],
                tests=list(entry["tests"]), source=str(path),
                must_kill=bool(entry.get("must_kill", not equivalent)),
                equivalent=equivalent, named=bool(entry.get("named", False))))
    return mutants


def stale_reason(mutant: Mutant, root: Path, texts: dict[str, str]) -> str:
    """Why ``mutant`` cannot be applied to the code under ``root`` ("" when it can)."""
    path = root / mutant.file
    if mutant.file not in texts:
        if not path.is_file():
            return f"{mutant.file} does not exist"
        texts[mutant.file] = path.read_bytes().decode("utf-8")
    count = texts[mutant.file].count(mutant.original)
    if count != 1:
        return (f"original snippet found {count} times in {mutant.file} (must be exactly once)"
                if count else f"original snippet no longer in {mutant.file}")
    for test in mutant.tests:
        if not (root / test.split("::", 1)[0]).is_file():
            return f"test file {test.split('::', 1)[0]} does not exist"
    return ""


# --- running tests in the scratch copy ------------------------------------------------------

def scratch_copy(root: Path, parent: Path | None) -> Path:
    """A copy of the project (sources, tests, templates; no VCS, venv or caches)."""
    folder = Path(tempfile.mkdtemp(prefix="skpxl-mutation-", dir=parent))
    shutil.copytree(root, folder / "project", ignore=shutil.ignore_patterns(*IGNORED),
                    symlinks=True)
    return folder / "project"


def environment(scratch: Path) -> dict[str, str]:
    """The scratch copy first on the import path, and no bytecode caches: a restored file
    of the same size and second as its mutant must never be run from a stale .pyc."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(scratch), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(command: list[str], cwd: Path, env: dict, timeout: float) -> tuple[int | None, str]:
    """Run ``command`` in its own process group; (exit code or None on timeout, output).

    The group is killed on timeout and on any interruption (Ctrl-C reaches only this
    process: the child runs in its own session)."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True, text=True, errors="replace")
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        kill_group(process)
        return None, process.communicate()[0]
    except BaseException:
        kill_group(process)
        raise


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def pytest_command(python: str, tests: list[str]) -> list[str]:
    return [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header",
            "-rN", *tests]


def check_imports(scratch: Path, python: str, env: dict, packages: list[str]) -> None:
    """The scratch copy's packages are the ones imported (not an installed or editable one)."""
    for package in packages:
        code, output = run([python, "-c", f"import {package}; print({package}.__file__)"],
                           scratch, env, 120)
        where = output.strip().splitlines()[-1] if output.strip() else ""
        if code != 0 or not Path(where).resolve().is_relative_to(scratch.resolve()):
            raise CannotRun(f"the scratch copy's {package} is not the one imported "
                            f"({where or output.strip()}): mutants would not be seen")


def last_lines(output: str, count: int = 15) -> str:
    return "\n".join(output.rstrip().splitlines()[-count:])


def apply_and_test(mutant: Mutant, scratch: Path, texts: dict[str, str], python: str,
                   env: dict, timeout: float) -> None:
    """Write the mutant into the scratch copy, run its tests, put the original back."""
    path = scratch / mutant.file
    original = texts[mutant.file]
    path.write_bytes(original.replace(mutant.original, mutant.replacement, 1).encode("utf-8"))
    started = time.monotonic()
    try:
        code, output = run(pytest_command(python, mutant.tests), scratch, env, timeout)
    finally:
        path.write_bytes(original.encode("utf-8"))
        mutant.seconds = time.monotonic() - started
    if code is None:
        mutant.status, mutant.detail = "killed", f"timeout after {timeout:.0f} s"
    elif code == 0:
        mutant.status = "survived"
    elif code in (1, 2):  # failed tests; 2: a test module no longer imports
        mutant.status = "killed"
        failed = [line.split(" ", 1)[1].split(" - ")[0] for line in output.splitlines()
                  if line.startswith(("FAILED ", "ERROR "))]
        mutant.detail = f"by {failed[0]}" if failed else f"pytest exit {code}"
    else:  # 3 internal error, 4 usage error, 5 no tests collected
        mutant.status, mutant.detail = "error", (f"pytest exit {code}:\n"
                                                 f"{last_lines(output)}")


# --- reporting ------------------------------------------------------------------------------

def summary(mutants: list[Mutant]) -> dict:
    counts = {s: sum(m.status == s for m in mutants)
              for s in ("killed", "survived", "stale", "error")}
    equivalent = sum(m.status == "survived" and bool(m.equivalent) for m in mutants)
    scored = counts["killed"] + counts["survived"] - equivalent
    return {"mutants": len(mutants), **counts, "equivalent": equivalent,
            "score": round(100 * counts["killed"] / scored, 1) if scored else None,
            "must_kill_failed": [m.id for m in mutants if m.must_kill and m.status != "killed"]}


def line_for(mutant: Mutant, number: int, total: int) -> str:
    status = mutant.status.upper()
    if mutant.status == "survived" and mutant.equivalent:
        status = "EQUIV"
    text = (f"[{number:>{len(str(total))}}/{total}] {status:<8} {mutant.id:<38} "
            f"{mutant.seconds:5.1f}s  {mutant.description}")
    if mutant.status in ("stale", "error") or (mutant.status == "survived" and mutant.must_kill):
        text += f"\n        -> {mutant.detail or 'no test failed: add one that does'}"
    return text


def markdown_section(mutants: list[Mutant], totals: dict, argv: list[str],
                     seconds: float) -> str:
    groups: dict[str, list[Mutant]] = {}
    for m in mutants:
        groups.setdefault(m.group, []).append(m)
    named = [m for m in mutants if m.named]
    lines = [BEGIN, "", "## Mutation score (`tools/mutation`)", "",
             f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
             f"`{' '.join(['python tools/mutation', *argv])}` in {seconds / 60:.1f} min: each "
             "mutant (a small, plausible bug from `tools/mutation/mutants/`) applied alone to "
             "a scratch copy, its named tests run with `pytest -x`. Score = killed / (killed + "
             "survived − argued equivalent). Not part of CI's time budget. Mutants named in "
             f"issue 21: {sum(m.status == 'killed' for m in named)} of {len(named)} killed.",
             "",
             "| list | mutants | killed | survived | equivalent | stale | score |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, members in groups.items():
        s = summary(members)
        lines.append(f"| {name} | {s['mutants']} | {s['killed']} | {s['survived']} | "
                     f"{s['equivalent']} | {s['stale']} | {score_text(s)} |")
    lines.append(f"| **total** | {totals['mutants']} | {totals['killed']} | "
                 f"{totals['survived']} | {totals['equivalent']} | {totals['stale']} | "
                 f"**{score_text(totals)}** |")
    survivors = [m for m in mutants if m.status != "killed"]
    lines += ["", "Not killed:" if survivors else "Every mutant was killed."]
    for m in survivors:
        if m.equivalent:
            why = f"Argued equivalent: {m.equivalent}."
        else:
            why = m.detail or "No test failed."
        lines.append(f"- `{m.id}` ({m.status}) — {m.description}. {why}")
    lines += ["", END]
    return "\n".join(lines)


def score_text(s: dict) -> str:
    return "–" if s["score"] is None else f"{s['score']:.1f} %"


def write_section(path: Path, section: str) -> None:
    """Replace the mutation section of ``path`` (or append it), leaving the rest alone."""
    text = path.read_text("utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section + "\n"
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, "utf-8")
    os.replace(partial, path)


# --- entry point ----------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tools/mutation", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="List format and the current score: tools/mutation/README.md.")
    parser.add_argument("groups", nargs="*", metavar="LIST",
                        help="mutant lists to run (file stems in the lists folder: nip, "
                             "periods, ...); default: all")
    parser.add_argument("--id", action="append", default=[], dest="ids",
                        help="run only this mutant (repeatable)")
    parser.add_argument("--check", action="store_true",
                        help="only check that every snippet applies; run no test")
    parser.add_argument("--list", action="store_true", dest="list_only",
                        help="print the mutants and exit")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the unmutated run of the tests (trust that they pass)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds before a mutant's test run counts as killed (hung)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help="project to mutate (default: this repository)")
    parser.add_argument("--mutants", type=Path, default=None,
                        help="folder of *.toml lists (default: <root>/tools/mutation/mutants)")
    parser.add_argument("--package", action="append", default=[],
                        help="package that must import from the scratch copy (default: skpxl)")
    parser.add_argument("--scratch-parent", type=Path, default=None,
                        help="where the scratch copy goes (default: the system temp folder)")
    parser.add_argument("--json", type=Path, default=None, help="also write results as JSON")
    parser.add_argument("--results", type=Path, default=None,
                        help="replace (or add) the mutation section of this Markdown file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    root = args.root.resolve()
    lists = (args.mutants or root / "tools" / "mutation" / "mutants").resolve()
    try:
        mutants = load_lists(lists, args.groups)
    except ListError as exc:
        print(f"mutation: {exc}", file=sys.stderr)
        return 2
    if args.ids:
        unknown = sorted(set(args.ids) - {m.id for m in mutants})
        if unknown:
            print(f"mutation: unknown mutant id {', '.join(unknown)}", file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m.id in args.ids]
    if not mutants:
        print(f"mutation: no mutants in {lists}", file=sys.stderr)
        return 2
    if args.list_only:
        for m in mutants:
            flags = " (named in issue 21)" if m.named else ""
            flags += " (argued equivalent)" if m.equivalent else ""
            print(f"{m.id:<38} {m.file:<22} {m.description}{flags}")
        return 0

    texts: dict[str, str] = {}
    for m in mutants:
        reason = stale_reason(m, root, texts)
        if reason:
            m.status, m.detail = "stale", reason
    runnable = [m for m in mutants if m.status != "stale"]
    print(f"{len(mutants)} mutants from {lists}; {len(mutants) - len(runnable)} stale",
          flush=True)

    started = time.monotonic()

    def terminate(signum, frame):  # SIGTERM: same clean-up as Ctrl-C
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, terminate)
    scratch = None
    try:
        if not args.check and runnable:
            scratch = scratch_copy(root, args.scratch_parent)
            print(f"scratch copy: {scratch}", flush=True)
            env = environment(scratch)
            check_imports(scratch, sys.executable, env, args.package or ["skpxl"])
            if not args.no_baseline:
                tests = list(dict.fromkeys(t for m in runnable for t in m.tests))
                print(f"baseline: {len(tests)} test files, unmutated ...", flush=True)
                code, output = run(pytest_command(sys.executable, tests), scratch, env,
                                   args.timeout * 3)
                if code != 0:
                    raise CannotRun(f"the tests fail without any mutant (pytest exit {code}); "
                                    f"fix them first:\n{last_lines(output, 30)}")
            for number, m in enumerate(runnable, 1):
                apply_and_test(m, scratch, texts, sys.executable, env, args.timeout)
                print(line_for(m, number, len(runnable)), flush=True)
        for m in mutants:
            if m.status == "stale":
                print(f"STALE    {m.id:<38} {m.description}\n        -> {m.detail}")
            elif args.check:
                print(f"ok       {m.id:<38} {m.description}")
    except CannotRun as exc:
        print(f"mutation: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("\nmutation: interrupted; the working tree was never changed, scratch copy "
              "removed", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        if scratch is not None:
            shutil.rmtree(scratch.parent, ignore_errors=True)

    if args.check:
        stale = [m for m in mutants if m.status == "stale"]
        print(f"{len(mutants) - len(stale)} mutants apply, {len(stale)} stale")
        return 1 if stale else 0
    totals = summary(mutants)
    print(f"\n{totals['mutants']} mutants: {totals['killed']} killed, {totals['survived']} "
          f"survived ({totals['equivalent']} argued equivalent), {totals['stale']} stale, "
          f"{totals['error']} errors; score {score_text(totals)}")
    if totals["must_kill_failed"]:
        print("must be killed but were not: " + ", ".join(totals["must_kill_failed"]))
    if args.json:
        args.json.write_text(json.dumps({"summary": totals,
                                         "mutants": [m.to_dict() for m in mutants]},
                                        indent=2, ensure_ascii=False) + "\n", "utf-8")
    if args.results:
        write_section(args.results, markdown_section(mutants, totals, argv,
                                                     time.monotonic() - started))
        print(f"written {args.results}")
    return 1 if totals["must_kill_failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
