"""`tricircle-manage db import`: retired Tricircle and Trio2o databases, made with their
own DDL (tests/functional/retired/*.sql), land in this schema; a second import changes
nothing; what has no place here is reported."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import databases
from tricircle.db import api as db_api
from tricircle.db import importer, models

RETIRED = Path(__file__).parent / "retired"
# The retired projects ran on MySQL/MariaDB (and SQLite in their tests).
SOURCE_BACKENDS = ("sqlite", "mysql")


def _statements(sql: str) -> list[str]:
    text = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in text.split(";") if statement.strip()]


@pytest.fixture(params=SOURCE_BACKENDS)
def retired(request, tmp_path):
    """Make a retired database of ``name`` ('tricircle' or 'trio2o'); its URL."""
    made = []

    def make(name: str) -> str:
        url = databases.create_database(request.param, tmp_path)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            for statement in _statements((RETIRED / f"{name}.sql").read_text()):
                connection.execute(sa.text(statement))
        engine.dispose()
        made.append(url)
        return url

    yield make
    for url in made:
        databases.drop_database(url)


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every table (values as text), without the routing ids the target
    numbers itself, in a stable order."""
    with db_api.get_engine().connect() as connection:
        return {table.name: sorted(
            ({key: str(value) for key, value in row._mapping.items()
              if not (table.name == "resource_routings" and key == "id")}
             for row in connection.execute(sa.select(table))), key=lambda row: sorted(
                 row.items()))
            for table in models.Base.metadata.sorted_tables}


def test_a_retired_tricircle_database_is_imported_once(clean_database, retired):
    url = retired("tricircle")
    first = importer.import_database(url)
    assert first.source == "Tricircle"
    after_first = _snapshot()
    pods = {row["region_name"]: row for row in after_first["pods"]}
    assert set(pods) == {"RegionCentral", "RegionA", "RegionB"}
    assert pods["RegionB"]["pod_az_name"] == ""  # NULL became the empty default
    routings = {(row["top_id"], row["pod_id"], row["resource_type"])
                for row in after_first["resource_routings"]}
    assert routings == {("net-1", "a1111111-1111-1111-1111-111111111111", "network"),
                        ("net-1", "a2222222-2222-2222-2222-222222222222", "network"),
                        ("port-1", "a1111111-1111-1111-1111-111111111111", "port")}
    jobs = {row["id"]: row for row in after_first["async_jobs"]}
    assert set(jobs) == {"j1", "j2"}
    assert (jobs["j1"]["status"], jobs["j1"]["extra_id"]) == ("FAIL", "j1")
    # A job the retired worker was running is queued again.
    assert jobs["j2"]["status"] == "NEW"
    assert [row["id"] for row in after_first["async_job_logs"]] == ["l1"]
    assert [row["host"] for row in after_first["shadow_agents"]] == ["compute-b1"]
    skipped = "\n".join(first.skipped)
    assert "loadbalancer" in skipped and "job_unknown_here" in skipped
    assert "cached_endpoints: 1 rows" in skipped and "recycle_resources: 1 rows" in skipped

    second = importer.import_database(url)
    assert sum(second.added.values()) == 0
    assert second.present == first.added
    assert _snapshot() == after_first


def test_a_retired_trio2o_database_is_imported_once(clean_database, retired):
    url = retired("trio2o")
    first = importer.import_database(url)
    assert first.source == "Trio2o"
    after_first = _snapshot()
    assert {row["region_name"] for row in after_first["pods"]} == {"TopRegion", "Pod1"}
    assert [(row["tenant_id"], row["is_binding"]) for row in after_first["pod_bindings"]] == [
        ("tenant-1", "True")]
    assert {row["top_id"] for row in after_first["resource_routings"]} == {"server-1", "vol-1"}
    skipped = "\n".join(first.skipped)
    for table in ("instance_types: 1 rows", "quotas: 1 rows", "job: 1 rows",
                  "cascaded_pod_service_configuration: 1 rows"):
        assert table in skipped
    assert "unified limits" in skipped

    second = importer.import_database(url)
    assert sum(second.added.values()) == 0
    assert _snapshot() == after_first


def test_a_region_already_registered_under_another_pod_id_is_reported(clean_database,
                                                                       retired):
    with db_api.get_engine().begin() as connection:
        connection.execute(sa.insert(models.Pod).values(
            pod_id="c0000000-0000-0000-0000-000000000000", region_name="RegionA"))
    report = importer.import_database(retired("tricircle"))
    assert any("region RegionA is already pod c0000000" in line for line in report.skipped)
    # Its routings and shadow agents have no pod here and are reported, not guessed.
    assert any("its pod a1111111" in line for line in report.skipped)


def test_a_database_of_neither_project_is_refused(clean_database, tmp_path):
    other = f"sqlite:///{tmp_path}/other.sqlite"
    engine = sa.create_engine(other)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE things (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(importer.UnknownSource, match="neither a retired Tricircle"):
        importer.import_database(other)


def test_the_command_prints_the_report_and_fails_on_a_bad_url(tmp_path):
    target = f"sqlite:///{tmp_path}/tricircle.sqlite"
    conf = tmp_path / "tricircle.conf"
    conf.write_text(f"[database]\nconnection = {target}\n")
    source = f"sqlite:///{tmp_path}/retired.sqlite"
    engine = sa.create_engine(source)
    with engine.begin() as connection:
        for statement in _statements((RETIRED / "trio2o.sql").read_text()):
            connection.execute(sa.text(statement))
    engine.dispose()

    def manage(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", "from tricircle.cmd.manage import main; main()",
             "--config-file", str(conf), "db", *argv], capture_output=True, text=True)

    refused = manage("import", source)
    assert refused.returncode == 1 and "db sync first" in refused.stdout
    assert manage("sync").returncode == 0
    done = manage("import", source)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "imported a retired Trio2o database" in done.stdout
    assert "pods: 2 added" in done.stdout and "not imported:" in done.stdout
    bad = manage("import", "mysql+pymysql://someone:secret@127.0.0.1:1/nothing")
    assert bad.returncode == 1 and "cannot import" in bad.stdout
    assert "secret" not in bad.stdout
