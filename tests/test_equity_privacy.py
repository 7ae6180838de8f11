"""Small-cell suppression checked by an independent attacker (linear programming), and a
scan of every public output for ids, names and home coordinates."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from netplan.equity.pipeline import run_equity, write_equity_outputs
from netplan.equity.privacy import suppress_table
from test_equity_support import HOMES, default_roster, write_world


def feasible_range(cells: np.ndarray, mask: np.ndarray, i: int, j: int) -> tuple[float, float]:
    """Min and max an attacker can infer for entry (i, j) of [cells | row totals] given every
    published entry, every column total and the grand total (non-negative unknowns)."""
    r, m = cells.shape
    a = np.column_stack([cells, cells.sum(axis=1)]).astype(float)
    unknown = [(p, q) for p in range(r) for q in range(m + 1) if mask[p, q]]
    index = {pq: k for k, pq in enumerate(unknown)}

    def term(p: int, q: int) -> tuple[int | None, float]:
        return (index[(p, q)], 0.0) if (p, q) in index else (None, a[p, q])

    rows_eq, rhs = [], []
    for p in range(r):  # sum of the row's cells minus its total = 0
        coef = np.zeros(len(unknown))
        const = 0.0
        for q in range(m + 1):
            k, v = term(p, q)
            sign = -1.0 if q == m else 1.0
            if k is None:
                const += sign * v
            else:
                coef[k] += sign
        rows_eq.append(coef)
        rhs.append(-const)
    for q in range(m + 1):  # published column totals (and the grand total)
        coef = np.zeros(len(unknown))
        const = 0.0
        for p in range(r):
            k, v = term(p, q)
            if k is None:
                const += v
            else:
                coef[k] += 1.0
        rows_eq.append(coef)
        rhs.append(a[:, q].sum() - const)
    c = np.zeros(len(unknown))
    c[index[(i, j)]] = 1.0
    lo = linprog(c, A_eq=np.array(rows_eq), b_eq=np.array(rhs), bounds=(0, None), method="highs")
    hi = linprog(-c, A_eq=np.array(rows_eq), b_eq=np.array(rhs), bounds=(0, None), method="highs")
    assert lo.status == 0 and hi.status == 0
    return float(lo.fun), float(-hi.fun)


tables = st.integers(2, 7).flatmap(
    lambda r: st.integers(2, 5).flatmap(
        lambda m: st.lists(
            st.lists(st.one_of(st.integers(0, 12), st.integers(10, 60)), min_size=m, max_size=m),
            min_size=r,
            max_size=r,
        )
    )
)


@settings(max_examples=120, deadline=None)
@given(tables)
def test_no_hidden_value_can_be_recovered(table: list[list[int]]) -> None:
    cells = np.array(table, dtype=np.int64)
    # District totals are published: a category with fewer than 10 students district-wide, or
    # with students in one area only, is disclosed by its total whatever is hidden.
    assume((cells.sum(axis=0) >= 10).all() and ((cells > 0).sum(axis=0) >= 2).all())
    mask = suppress_table(cells, 10)
    full = np.column_stack([cells, cells.sum(axis=1)])
    # Every count from 1 to 9 is hidden, and every row whose total is below 10.
    small = (full > 0) & (full < 10)
    small[:, -1] = (full[:, -1] > 0) & (full[:, -1] < 10)
    assert not (small & ~mask).any()
    # No hidden positive count can be pinned down from what is published (a hidden zero in a
    # table whose published totals are themselves zero is no disclosure).
    for i, j in zip(*np.nonzero(mask & (full > 0)), strict=True):
        lo, hi = feasible_range(cells, mask, int(i), int(j))
        assert hi - lo >= 1 - 1e-6, (table, mask.astype(int).tolist(), (i, j), lo, hi)


def test_single_hidden_cell_gets_a_partner() -> None:
    cells = np.array([[50, 3, 40], [60, 30, 45], [70, 20, 35]])
    mask = suppress_table(cells, 10)
    assert mask[0, 1]
    assert mask[0].sum() >= 2 and mask[:, 1].sum() >= 2


# --- the public outputs carry no ids, names or home coordinates -----------------------------


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("world")
    result = run_equity(write_world(d))
    pub = d / "public"
    write_equity_outputs(result, pub, restricted=False)
    both = d / "both"
    write_equity_outputs(result, both, restricted=True)
    return pub, both


def _texts(path: Path) -> list[str]:
    """Everything readable in a file: text, or every SQLite table's rows for a GeoPackage."""
    if path.suffix == ".gpkg":
        con = sqlite3.connect(path)
        out = []
        for (name,) in con.execute("select name from sqlite_master where type='table'"):
            out += [repr(r) for r in con.execute(f'select * from "{name}"')]
        con.close()
        return out
    if path.suffix == ".parquet":
        return [pd.read_parquet(path).drop(columns="geometry").to_csv()]
    return [path.read_text(encoding="utf-8")]


def test_public_outputs_hold_no_student_records(outputs: tuple[Path, Path]) -> None:
    pub, _ = outputs
    files = sorted(p for p in pub.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {
        "equity_areas.gpkg",
        "equity_areas.parquet",
        "equity_by_school.csv",
        "hotspots_by_school.csv",
        "hotspot_plan_by_carrier.csv",
        "rejects.csv",
        "equity_summary.json",
    }
    assert not (pub / "restricted").exists()
    roster = default_roster()
    ids = {r["student_id"] for r in roster} | {
        r["household_id"] for r in roster if r["household_id"]
    }
    words = {"Elm Street", "ELM ST", "id:H", "addr:"}
    coords = {r["latitude"] for r in roster} | {r["longitude"] for r in roster}
    coords = {c for c in coords if c and re.fullmatch(r"-?\d+\.\d{3,}", c)}
    for path in files:
        blob = "\n".join(_texts(path))
        for s in ids:
            assert not re.search(rf"(?<![\w.]){re.escape(s)}(?![\w.])", blob), (path.name, s)
        for w in words:
            assert w not in blob, (path.name, w)
        for c in coords:  # a home coordinate as a whole number, not the prefix of another
            assert not re.search(rf"{re.escape(c)}(?!\d)", blob), (path.name, c)
    # No geometry in any public layer is a point, or passes through a home.
    homes = gpd.points_from_xy(
        [lon for _, lon in HOMES.values()], [lat for lat, _ in HOMES.values()]
    )
    for path in (pub / "equity_areas.gpkg", pub / "equity_areas.parquet"):
        layers = ["equity_areas", "district_boundary"] if path.suffix == ".gpkg" else [None]
        for layer in layers:
            g = gpd.read_file(path, layer=layer) if layer else gpd.read_parquet(path)
            assert g.crs is not None and g.crs.to_epsg() == 4326
            assert set(g.geom_type) <= {"Polygon", "MultiPolygon"}
            verts = np.vstack([np.asarray(geom.exterior.coords) for geom in g.geometry])
            for h in homes:
                assert not np.any(np.all(np.isclose(verts, [h.x, h.y], atol=1e-7), axis=1))
    summary = json.loads((pub / "equity_summary.json").read_text())
    assert summary["privacy"]["min_cell"] == 3


def test_restricted_outputs_are_marked(outputs: tuple[Path, Path]) -> None:
    _, both = outputs
    rdir = both / "restricted"
    for name in ("households.csv", "students.csv", "rejects_detail.csv"):
        first = (rdir / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# RESTRICTED: contains student education records")
    hh = pd.read_csv(rdir / "households.csv", comment="#", dtype=str)
    assert "0004;0005" in set(hh["student_ids"])
    assert (rdir / "RESTRICTED-README.txt").exists()
    layer = gpd.read_file(rdir / "households_restricted.gpkg")
    assert len(layer) == 6 and set(layer.geom_type) == {"Point"}


def test_suppressed_public_tables_hide_small_counts(tmp_path: Path) -> None:
    result = run_equity(write_world(tmp_path))  # min_cell = 3 in the tiny world
    by_school = result.public.by_school.set_index("school")
    # oak: served 2 (H1's two), unserved with carrier coverage 3 (ELM, H4, H5); cms: 1; chs: 2.
    # Values 1-2 are hidden, and no row has a single hidden value.
    values = by_school[[*result.public.categories, "students"]]
    shown = values.to_numpy(dtype=float, na_value=np.nan)
    assert not ((shown > 0) & (shown < 3)).any()
    hidden = values.isna().to_numpy()
    assert all(row.sum() != 1 for row in hidden)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.integers(0, 14), min_size=4, max_size=4), min_size=25, max_size=40))
def test_tall_tables_with_repeated_patterns(table: list[list[int]]) -> None:
    """Many areas with the same hidden pattern (what the hex layer looks like)."""
    cells = np.array(table, dtype=np.int64)
    assume((cells.sum(axis=0) >= 10).all() and ((cells > 0).sum(axis=0) >= 2).all())
    mask = suppress_table(cells, 10)
    full = np.column_stack([cells, cells.sum(axis=1)])
    for i, j in zip(*np.nonzero(mask & (full > 0)), strict=True):
        lo, hi = feasible_range(cells, mask, int(i), int(j))
        assert hi - lo >= 1 - 1e-6, ((i, j), lo, hi)
