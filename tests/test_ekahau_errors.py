"""Bad .esx files: each gives a clear error naming the file and member/field, exit 2, and
leaves no output behind."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from netplan.cli import main
from test_ekahau_support import base_project, write_esx


def _run(
    tmp_path: Path, members: dict[str, Any] | None, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, Path]:
    esx = tmp_path / "design.esx"
    if members is not None:
        write_esx(esx, members)
    out = tmp_path / "survey" / "buildings"
    with pytest.raises(SystemExit) as exc:
        main(["import-ekahau", str(esx), "--out", str(out)])
    err = capsys.readouterr().err
    code = exc.value.code
    assert isinstance(code, int)
    return code, err, out


def _no_output(out: Path) -> None:
    assert not out.exists() or not any(out.iterdir())
    # No staging directory left beside it either.
    assert not out.parent.exists() or not list(out.parent.glob(".*partial*"))


def test_small_project_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, out = _run(tmp_path, base_project(), capsys)
    assert code == 0, err
    assert (out / "small.toml").is_file()


def test_corrupt_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    esx = tmp_path / "design.esx"
    esx.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    code, err, out = _run(tmp_path, None, capsys)
    assert code == 2
    assert f"{esx}: -: not a ZIP archive" in err
    assert "Traceback" not in err
    _no_output(out)


def test_truncated_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    esx = tmp_path / "design.esx"
    write_esx(esx, base_project())
    data = esx.read_bytes()
    esx.write_bytes(data[: len(data) // 2])
    code, err, out = _run(tmp_path, None, capsys)
    assert code == 2
    assert str(esx) in err and "ZIP" in err
    _no_output(out)


def test_corrupt_member(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    esx = tmp_path / "design.esx"
    write_esx(esx, base_project())
    data = bytearray(esx.read_bytes())
    # Flip bytes inside accessPoints.json's compressed data (after its local header).
    with zipfile.ZipFile(esx) as zf:
        info = zf.getinfo("accessPoints.json")
    start = info.header_offset + 30 + len(info.filename) + 5
    for k in range(start, start + 8):
        data[k] ^= 0xFF
    esx.write_bytes(bytes(data))
    code, err, out = _run(tmp_path, None, capsys)
    assert code == 2
    assert f"{esx}: accessPoints.json: member is corrupt" in err
    _no_output(out)


def test_foreign_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, out = _run(tmp_path, {"README.txt": "hello", "data.csv": "a,b\n1,2\n"}, capsys)
    assert code == 2
    assert "project.json: not an Ekahau project" in err
    assert "README.txt" in err
    _no_output(out)


@pytest.mark.parametrize("member", ["accessPoints.json", "floorPlans.json", "version"])
def test_missing_required_member(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str
) -> None:
    members = base_project()
    del members[member]
    code, err, out = _run(tmp_path, members, capsys)
    assert code == 2
    assert f"design.esx: {member}: required member is missing" in err
    _no_output(out)


def test_missing_radio_members(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, _ = _run(tmp_path, base_project(simulatedRadios__json=None), capsys)
    assert code == 2
    assert "simulatedRadios.json or measuredRadios.json: required member is missing" in err


def test_walls_without_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = base_project()
    members["wallSegments.json"] = {
        "wallSegments": [{"id": "s", "point1Id": "p1", "point2Id": "p2", "wallTypeId": "t"}]
    }
    members["wallTypes.json"] = {"wallTypes": []}
    code, err, _ = _run(tmp_path, members, capsys)
    assert code == 2
    assert "wallPoints.json: required member is missing (wallSegments.json refers to it)" in err


@pytest.mark.parametrize("version", ["3.0", "1.0", "banana", ""])
def test_unknown_format_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], version: str
) -> None:
    code, err, out = _run(tmp_path, base_project(version=version), capsys)
    assert code == 2
    assert "design.esx: version: unsupported .esx format version" in err
    _no_output(out)


def test_unknown_schema_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = {"project": {"schemaVersion": "7.0.0", "name": "x"}}
    code, err, _ = _run(tmp_path, base_project(project__json=project), capsys)
    assert code == 2
    assert "project.json:project.schemaVersion: unknown project schema version '7.0.0'" in err


def test_invalid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = base_project()
    members["floorPlans.json"] = '{"floorPlans": [ {"id": "x",, } ]}'
    code, err, out = _run(tmp_path, members, capsys)
    assert code == 2
    assert "floorPlans.json: invalid JSON at line 1, column" in err
    _no_output(out)


@pytest.mark.parametrize(
    ("member", "mutate", "expected"),
    [
        (
            "simulatedRadios.json",
            lambda d: d["simulatedRadios"][1].__setitem__("channel", "thirty-six"),
            "simulatedRadios.json:simulatedRadios[1].channel: Input should be a valid list",
        ),
        (
            "accessPoints.json",
            lambda d: d["accessPoints"][0]["location"]["coord"].__setitem__("x", "left"),
            "accessPoints.json:accessPoints[0].location.coord.x: Input should be a valid number",
        ),
        (
            "floorPlans.json",
            lambda d: d.__setitem__("floorPlans", {"id": "not a list"}),
            "floorPlans.json:floorPlans: Input should be a valid list",
        ),
        (
            "floorPlans.json",
            lambda d: d["floorPlans"][0].__setitem__("metersPerUnit", -1),
            "floorPlans.json:floorPlans[0].metersPerUnit: Input should be greater than 0",
        ),
        (
            "accessPoints.json",
            lambda d: d["accessPoints"][0].__setitem__("name", 42),
            "accessPoints.json:accessPoints[0].name: Input should be a valid string",
        ),
        (
            "accessPoints.json",
            lambda d: d["accessPoints"][0].pop("id"),
            "accessPoints.json:accessPoints[0].id: required field is missing",
        ),
    ],
)
def test_unexpected_types(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    member: str,
    mutate: Any,
    expected: str,
) -> None:
    members = base_project()
    mutate(members[member])
    code, err, out = _run(tmp_path, members, capsys)
    assert code == 2
    assert f"design.esx: {expected}" in err
    assert "Traceback" not in err
    _no_output(out)


def test_dangling_wall_references(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = base_project()
    members["wallPoints.json"] = {
        "wallPoints": [
            {"id": "p1", "location": {"floorPlanId": "fp-ground", "coord": {"x": 0, "y": 0}}}
        ]
    }
    members["wallTypes.json"] = {"wallTypes": []}
    members["wallSegments.json"] = {
        "wallSegments": [{"id": "s", "point1Id": "p1", "point2Id": "p9", "wallTypeId": "brick"}]
    }
    code, err, _ = _run(tmp_path, members, capsys)
    assert code == 2
    assert "wallSegments.json:wallSegments[0].point2Id: 'p9' is not in wallPoints.json" in err
    assert "wallSegments.json:wallSegments[0].wallTypeId: 'brick' is not in wallTypes.json" in err


def test_bad_channel_list_length(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members = base_project()
    members["simulatedRadios.json"]["simulatedRadios"][1]["channel"] = [36, 40, 44]
    code, err, _ = _run(tmp_path, members, capsys)
    assert code == 2
    assert "simulatedRadios.json:simulatedRadios[1].channel: 3 channels listed" in err


def test_no_access_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, _ = _run(tmp_path, base_project(accessPoints__json={"accessPoints": []}), capsys)
    assert code == 2
    assert "accessPoints.json: no access point of this project is placed on a floor plan" in err


def test_existing_file_is_not_replaced_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, out = _run(tmp_path, base_project(), capsys)
    assert code == 0
    target = out / "small.toml"
    target.write_text("# edited by hand\n")
    code, err, _ = _run(tmp_path, base_project(), capsys)
    assert code == 2
    assert f"{target}: -: file exists; use --force to replace it" in err
    assert target.read_text() == "# edited by hand\n"


def test_bad_building_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    esx = write_esx(tmp_path / "design.esx", base_project())
    with pytest.raises(SystemExit) as exc:
        main(["import-ekahau", str(esx), "--out", str(tmp_path / "o"), "--building-id", "a b"])
    assert exc.value.code == 2
    assert "--building-id: -: 'a b' is not an id" in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, _ = _run(tmp_path, None, capsys)
    assert code == 2
    assert "design.esx: -: file not found" in err
