"""tools/mutation's own plumbing, on a tiny project of its own (the real mutant lists take
minutes and are not part of CI): killed, survived, argued equivalent, stale, a hung test,
a failing baseline, and Ctrl-C, with the project's files untouched every time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "mutation"

CALC = '''def double(x):
    return 2 * x


def half(x):
    return x / 2
'''

MUTANTS = '''file = "pkg/calc.py"
tests = ["tests/test_calc.py"]

[[mutant]]
id = "calc.triple"
description = "double triples"
original = "return 2 * x"
replacement = "return 3 * x"

[[mutant]]
id = "calc.quarter"
description = "half quarters (no test looks)"
original = "return x / 2"
replacement = "return x / 4"

[[mutant]]
id = "calc.half_float"
description = "half through multiplication"
original = "return x / 2"
replacement = "return x * 0.5"
equivalent = "x / 2 and x * 0.5 are the same float"

[[mutant]]
id = "calc.gone"
description = "a snippet that is no longer there"
original = "return 4 * x"
replacement = "return 5 * x"
'''

SLOW = '''file = "pkg/calc.py"
tests = ["tests/test_slow.py"]

[[mutant]]
id = "calc.slow"
description = "a mutant whose test hangs"
original = "return x / 2"
replacement = "return x / 3"
'''


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "calc.py").write_text(CALC)
    (root / "tests").mkdir()
    (root / "tests" / "test_calc.py").write_text(
        "from pkg.calc import double\n\n\ndef test_double():\n    assert double(3) == 6\n")
    (root / "tests" / "test_slow.py").write_text(
        "import os, pathlib, time\nfrom pkg.calc import half\n\n\ndef test_slow():\n"
        "    pathlib.Path(os.environ['MUTATION_STARTED']).touch()\n"
        "    time.sleep(120)\n    assert half(4) == 2\n")
    (root / "mutants").mkdir()
    (root / "mutants" / "calc.toml").write_text(MUTANTS)
    (root / "slow").mkdir()
    (root / "slow" / "slow.toml").write_text(SLOW)
    (tmp_path / "scratch").mkdir()
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def tool(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), "--root", str(project), "--package", "pkg",
         "--scratch-parent", str(project.parent / "scratch"), *args],
        capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "MUTATION_STARTED": str(project.parent / "started")})


def test_killed_survived_equivalent_and_stale(project):
    before = snapshot(project)
    out = project.parent / "result.json"
    done = tool(project, "--mutants", str(project / "mutants"), "--json", str(out))
    assert done.returncode == 1, done.stdout + done.stderr
    result = json.loads(out.read_text())
    status = {m["id"]: m["status"] for m in result["mutants"]}
    assert status == {"calc.triple": "killed", "calc.quarter": "survived",
                      "calc.half_float": "survived", "calc.gone": "stale"}
    assert result["summary"]["must_kill_failed"] == ["calc.quarter", "calc.gone"]
    assert result["summary"]["score"] == 50.0  # 1 killed of 2 (the equivalent one left out)
    assert "KILLED   calc.triple" in done.stdout and "EQUIV    calc.half_float" in done.stdout
    assert "original snippet no longer in pkg/calc.py" in done.stdout
    assert snapshot(project) == before
    assert list((project.parent / "scratch").iterdir()) == []


def test_all_killed_exits_0_and_writes_its_section(project):
    results = project.parent / "results.md"
    results.write_text("# speed\n\nfigures\n\n<!-- mutation:begin -->\nold score\n"
                       "<!-- mutation:end -->\n\nafter\n")
    done = tool(project, "--mutants", str(project / "mutants"), "--id", "calc.triple",
                "--no-baseline", "--results", str(results))
    assert done.returncode == 0, done.stdout + done.stderr
    text = results.read_text()
    assert text.startswith("# speed\n\nfigures\n\n<!-- mutation:begin -->")
    assert text.endswith("<!-- mutation:end -->\n\nafter\n") and "old score" not in text
    assert "| **total** | 1 | 1 | 0 | 0 | 0 | **100.0 %** |" in text


def test_check_reports_stale_snippets_without_running_tests(project):
    done = tool(project, "--mutants", str(project / "mutants"), "--check")
    assert done.returncode == 1
    assert "STALE    calc.gone" in done.stdout and "3 mutants apply, 1 stale" in done.stdout
    assert "scratch copy" not in done.stdout


def test_a_failing_baseline_stops_the_run(project):
    (project / "tests" / "test_calc.py").write_text("def test_broken():\n    assert False\n")
    done = tool(project, "--mutants", str(project / "mutants"), "--id", "calc.triple")
    assert done.returncode == 3
    assert "the tests fail without any mutant" in done.stderr


def test_a_bad_list_is_a_usage_error(project):
    (project / "mutants" / "calc.toml").write_text(MUTANTS.replace("description", "descripton"))
    done = tool(project, "--mutants", str(project / "mutants"))
    assert done.returncode == 2 and "unknown keys ['descripton']" in done.stderr


def test_a_hung_test_counts_as_killed(project):
    done = tool(project, "--mutants", str(project / "slow"), "--no-baseline", "--timeout", "3",
                "--json", str(project.parent / "slow.json"))
    result = json.loads((project.parent / "slow.json").read_text())
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["mutants"][0]["status"] == "killed"
    assert result["mutants"][0]["detail"] == "timeout after 3 s"


def test_ctrl_c_leaves_the_project_and_no_scratch_copy(project):
    before = snapshot(project)
    started = project.parent / "started"
    process = subprocess.Popen(
        [sys.executable, str(TOOL), "--root", str(project), "--package", "pkg",
         "--scratch-parent", str(project.parent / "scratch"), "--mutants",
         str(project / "slow"), "--no-baseline"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MUTATION_STARTED": str(started)})
    try:
        deadline = time.monotonic() + 60
        while not started.exists():  # the mutant is in place and its test is running
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert snapshot(project) == before
    assert list((project.parent / "scratch").iterdir()) == []
