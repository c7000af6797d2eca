"""The same work gives identical results serially, in a process pool and on Dask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import (FUNGSIONAL_NIP, HEAD_NIP, JPT_NIP, KAB_STAFF_NIP, PELAKSANA_NIP,
                      PENGAWAS_NIP, PPPK_NIP)

from skpxl.executor import make_executor, map_ordered
from skpxl.errors import EngineError, UsageError
from skpxl.generate import generate
from skpxl.merge import merge
from skpxl.validate import validate


def _square(x: int) -> int:
    return x * x


def test_order_is_kept_on_every_local_executor():
    tasks = list(range(50))
    expected = [x * x for x in tasks]
    assert list(map_ordered(_square, tasks, make_executor("serial"))) == expected
    assert list(map_ordered(_square, tasks, make_executor("local", jobs=2))) == expected


def test_dask_gets_files_in_ordered_chunks():
    distributed = pytest.importorskip("dask.distributed")
    from skpxl.executor import DASK_CHUNK, _chunks

    tasks = list(range(1000))
    for threads in (1, 2, 8, 64):
        chunks = _chunks(tasks, threads)
        assert [t for chunk in chunks for t in chunk] == tasks
        assert max(map(len, chunks)) <= DASK_CHUNK and len(chunks) >= min(1000, 4 * threads)
    assert _chunks([7], 8) == [[7]] and _chunks([], 2) == []
    done = []
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            result = list(map_ordered(_square, tasks, make_executor("dask", scheduler=client),
                                      done.append))
    assert result == [x * x for x in tasks] and sum(done) == len(tasks) and len(done) < 1000


def test_bad_executor_options_are_usage_errors():
    with pytest.raises(UsageError):
        make_executor("spark")
    with pytest.raises(UsageError):
        make_executor("dask")


ROSTER_NIPS = (HEAD_NIP, PENGAWAS_NIP, PELAKSANA_NIP, FUNGSIONAL_NIP, PPPK_NIP, JPT_NIP,
               KAB_STAFF_NIP)


def _report_data(report) -> str:
    return json.dumps(report.to_dict(), sort_keys=True)


def test_dask_local_cluster_gives_identical_results(roster_csv, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    generate(roster_csv, "2025-Q3", tmp_path / "skp", jobs=1)
    serial = validate([tmp_path / "skp"], period="2025-Q3", jobs=1)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            on_dask = validate([tmp_path / "skp"], period="2025-Q3",
                               executor=make_executor("dask", scheduler=client))
            result = generate(roster_csv, "2025-Q3", tmp_path / "skp-dask",
                              executor=make_executor("dask", scheduler=client))
    finally:
        cluster.close()
    assert _report_data(on_dask) == _report_data(serial)
    # not just "the same as serial": what the files are. The conftest roster's seven
    # employees, each a freshly generated plan (no plans file): only the main RHK is missing
    assert sorted(f.nip for f in on_dask.files) == sorted(ROSTER_NIPS)
    assert {(f.stage, tuple(p.code for p in f.issues)) for f in on_dask.files} == {
        ("plan", ("skp.no_rhk",))}
    assert result.count("written") == len(list((tmp_path / "skp").rglob("*.xlsx")))
    again = validate([tmp_path / "skp-dask"], period="2025-Q3", jobs=1)
    assert [(f.nip, [p.code for p in f.issues]) for f in again.files] == \
        [(f.nip, [p.code for p in f.issues]) for f in serial.files]


def _needs_a_missing_module(_task):
    raise ModuleNotFoundError("No module named 'skpxl'")


def test_dask_problems_are_engine_errors_not_crashes():
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("dask.distributed")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        for address in ("tcp://127.0.0.1:9", "bukan-alamat"):
            with pytest.raises(EngineError) as caught:
                list(map_ordered(_square, [1, 2], make_executor("dask", scheduler=address)))
            assert address in caught.value.message and "dask scheduler" in caught.value.hint
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            with pytest.raises(EngineError) as caught:
                list(map_ordered(_needs_a_missing_module, [1],
                                 make_executor("dask", scheduler=client)))
    assert "skpxl" in caught.value.message and "setiap worker" in caught.value.hint


def test_workers_that_cannot_see_the_files_are_one_clear_error(roster_csv, tmp_path,
                                                               monkeypatch):
    """The files exist here, but the Dask workers cannot open them (no shared folder)."""
    distributed = pytest.importorskip("dask.distributed")
    import builtins

    import skpxl.package

    generate(roster_csv, "2025-Q3", tmp_path / "skp", jobs=1)

    def open_here_only(path, *args, **kwargs):
        try:
            distributed.get_worker()
        except ValueError:               # not in a worker: this computer sees the file
            return builtins.open(path, *args, **kwargs)
        raise FileNotFoundError(path)    # a worker without the shared folder

    monkeypatch.setattr(skpxl.package, "open", open_here_only, raising=False)
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            with pytest.raises(EngineError) as caught:
                validate([tmp_path / "skp"], period="2025-Q3",
                         executor=make_executor("dask", scheduler=client))
            with pytest.raises(EngineError):
                merge(sorted((tmp_path / "skp").iterdir()), period="2025-Q3",
                      level="province", output=tmp_path / "rekap.xlsx",
                      executor=make_executor("dask", scheduler=client))
    assert not (tmp_path / "rekap.xlsx").exists()
    assert "folder bersama" in caught.value.hint and "shared folder" in caught.value.hint_en
    assert validate([tmp_path / "skp"], period="2025-Q3", jobs=1).files   # here: all seen


def test_workbooks_written_on_the_workers_own_disks_are_reported(roster_csv, tmp_path,
                                                                 monkeypatch):
    """generate on Dask with an output folder the workers do not share with this computer."""
    distributed = pytest.importorskip("dask.distributed")
    import skpxl.writer

    elsewhere = tmp_path / "disk-worker"

    def write_on_the_worker(path, data):
        local = elsewhere / Path(path).relative_to(tmp_path)
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(data)
        return True

    monkeypatch.setattr(skpxl.writer, "write_atomic_exclusive", write_on_the_worker)
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            with pytest.raises(EngineError) as caught:
                generate(roster_csv, "2025-Q3", tmp_path / "skp",
                         executor=make_executor("dask", scheduler=client))
    assert "disk worker" in caught.value.message and "shared folder" in caught.value.hint_en
    assert list(elsewhere.rglob("*.xlsx")) and not (tmp_path / "skp").exists()


def test_relative_paths_reach_dask_workers_in_another_folder(roster_csv, tmp_path,
                                                             monkeypatch):
    """Workers do not share this process's working folder: relative paths (roster, files,
    output folder) are sent absolute, and results show them as they were given."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                       dashboard_address=None)   # started here ...
    monkeypatch.chdir(tmp_path)                                   # ... then we move
    roster = roster_csv.name
    try:
        with distributed.Client(cluster) as client:
            dask = make_executor("dask", scheduler=client)
            made = generate(roster, "2025-Q3", "skp", executor=dask)
            on_dask = validate(["skp"], period="2025-Q3", roster=roster, executor=dask)
            merged = merge(sorted(Path("skp").iterdir()), period="2025-Q3", roster=roster,
                           level="province", output="rekap.xlsx", executor=dask)
    finally:
        cluster.close()
    assert made.count("written") == len(list(Path("skp").rglob("*.xlsx"))) > 0
    assert all(not Path(f.path).is_absolute() for f in made.files + on_dask.files)
    assert _report_data(on_dask) == _report_data(
        validate(["skp"], period="2025-Q3", roster=roster, jobs=1))
    assert merged.to_dict() | {"output": ""} == merge(
        sorted(Path("skp").iterdir()), period="2025-Q3", roster=roster, level="province",
        output="rekap-serial.xlsx", jobs=1).to_dict() | {"output": ""}
