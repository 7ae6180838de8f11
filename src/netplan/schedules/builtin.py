"""Standard bell schedules by building level.

Used when a survey has no ``schedules/`` folder (so every survey can be simulated), by the
district generator, and for the demo district. Each function returns a document in the
``schedules/*.toml`` format (see :class:`netplan.survey.schedule_models.BellScheduleFile`).

The shapes follow common US practice: a high school of seven 50-minute periods with a
lunch block split into three waves, a middle school with two waves, elementary schools with
self-contained classrooms and lunch and recess waves by grade. A testing day runs a morning
testing session (starts staggered in groups of 28 every 2.5 minutes, after the NYSED practice
of groups of 25-30 students every 2-3 minutes); an OS-update day keeps the regular bells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "LEVEL_GRADES",
    "builtin_schedule_doc",
    "elementary_doc",
    "elementary_stagger_doc",
    "high_school_doc",
    "high_school_merged_lunch_doc",
    "middle_school_doc",
    "office_doc",
    "standard_schedule_docs",
]

Doc = dict[str, Any]

#: Grades taught at each building level.
LEVEL_GRADES: dict[str, tuple[str, ...]] = {
    "elementary": ("K", "1", "2", "3", "4", "5"),
    "middle": ("6", "7", "8"),
    "high": ("9", "10", "11", "12"),
    "k8": ("K", "1", "2", "3", "4", "5", "6", "7", "8"),
    "k12": ("K", *(str(g) for g in range(1, 13))),
    "office": (),
}


def _p(pid: str, start: str, end: str, **kw: Any) -> Doc:
    return {"id": pid, "start": start, "end": end, **kw}


def _w(wid: str, start: str, end: str, **kw: Any) -> Doc:
    return {"id": wid, "start": start, "end": end, **kw}


def _info(
    sid: str,
    name: str,
    buildings: Sequence[str],
    *,
    status: str = "current",
    description: str = "",
    offsets: Mapping[str, float] | None = None,
) -> Doc:
    info: Doc = {"id": sid, "name": name, "status": status, "buildings": list(buildings)}
    if description:
        info["description"] = description
    if offsets:
        info["start_offset_min"] = dict(offsets)
    return info


_HS_WAVES = [
    _w("A", "10:50", "11:15", label="Lunch A"),
    _w("B", "11:15", "11:40", label="Lunch B"),
    _w("C", "11:40", "12:05", label="Lunch C"),
]


def _hs_days(waves: list[Doc]) -> Doc:
    regular = {
        "label": "Regular day: 7 periods, advisory, lunch block in 4th period",
        "periods": [
            _p("P1", "07:45", "08:35"),
            _p("P2", "08:40", "09:30"),
            _p("ADV", "09:35", "09:50", kind="advisory", label="Advisory"),
            _p("P3", "09:55", "10:45"),
            _p("P4", "10:50", "12:05", label="4th period and lunch"),
            _p("P5", "12:10", "13:00"),
            _p("P6", "13:05", "13:55"),
            _p("P7", "14:00", "14:50"),
        ],
        "lunch_waves": waves,
    }
    late = {
        "label": "Late start (staff development until 08:45)",
        "periods": [
            _p("P1", "08:45", "09:30"),
            _p("P2", "09:35", "10:20"),
            _p("P3", "10:25", "11:10"),
            _p("P4", "11:15", "12:30", label="4th period and lunch"),
            _p("P5", "12:35", "13:15"),
            _p("P6", "13:20", "14:00"),
            _p("P7", "14:05", "14:50"),
        ],
        "lunch_waves": [
            _w("A", "11:15", "11:40", label="Lunch A"),
            _w("B", "11:40", "12:05", label="Lunch B"),
            _w("C", "12:05", "12:30", label="Lunch C"),
        ],
    }
    early = {
        "label": "Early release at 11:45 (no lunch served)",
        "after_min": 30.0,
        "periods": [
            _p("P1", "07:45", "08:15"),
            _p("P2", "08:20", "08:50"),
            _p("P3", "08:55", "09:25"),
            _p("P4", "09:30", "10:00"),
            _p("P5", "10:05", "10:35"),
            _p("P6", "10:40", "11:10"),
            _p("P7", "11:15", "11:45"),
        ],
    }
    block_times = [("07:45", "09:20"), ("09:25", "11:00"), ("11:05", "13:00"), ("13:05", "14:50")]
    block_waves = [
        _w("A", "11:05", "11:30", label="Lunch A"),
        _w("B", "11:30", "11:55", label="Lunch B"),
        _w("C", "11:55", "12:20", label="Lunch C"),
    ]

    def block(day: str, sources: Sequence[str]) -> Doc:
        return {
            "label": f"Block day {day}: four long blocks",
            "periods": [
                _p(f"B{i + 1}", s, e, sections_from=src, label=f"Block {i + 1} ({src})")
                for i, ((s, e), src) in enumerate(zip(block_times, sources, strict=True))
            ],
            "lunch_waves": block_waves,
        }

    testing = {
        "label": "State testing: grade 11 tests 07:45-10:45 (staggered starts); "
        "others in advisory rooms",
        "periods": [
            _p(
                "T1",
                "07:45",
                "10:45",
                sections_from="ADV",
                testing=True,
                test_grades=[11],
                label="Testing session",
            ),
            _p("P4", "10:50", "12:05", label="4th period and lunch"),
            _p("P5", "12:10", "13:00"),
            _p("P6", "13:05", "13:55"),
            _p("P7", "14:00", "14:50"),
        ],
        "lunch_waves": waves,
        "stagger": {"group_size": 28, "every_min": 2.5},
    }
    return {
        "regular": regular,
        "late-start": late,
        "early-release": early,
        "block-a": block("A", ("P1", "P3", "P5", "P7")),
        "block-b": block("B", ("P2", "P4", "P6", "P7")),
        "testing": testing,
    }


def high_school_doc(
    buildings: Sequence[str],
    *,
    schedule_id: str = "hs-bell",
    offsets: Mapping[str, float] | None = None,
) -> Doc:
    """The standard high-school schedule: 07:45-14:50, 7 periods, 3 lunch waves."""
    return {
        "schedule": _info(schedule_id, "High school bell schedule", buildings, offsets=offsets),
        "days": _hs_days(_HS_WAVES),
        "day_aliases": {"os-update": "regular"},
    }


def high_school_merged_lunch_doc(
    buildings: Sequence[str], *, schedule_id: str = "hs-merged-lunch"
) -> Doc:
    """PROPOSED: the high-school schedule with its three lunch waves merged into one.

    Every student is in the cafeteria at once (11:15-11:40), which should overload the
    cafeteria access points.
    """
    days = _hs_days([_w("ALL", "11:15", "11:40", share=1.0, label="Lunch (all)")])
    for name in ("block-a", "block-b"):
        days[name]["lunch_waves"] = [_w("ALL", "11:30", "11:55", share=1.0, label="Lunch (all)")]
    days["late-start"]["lunch_waves"] = [
        _w("ALL", "11:40", "12:05", share=1.0, label="Lunch (all)")
    ]
    return {
        "schedule": _info(
            schedule_id,
            "High school, one merged lunch wave (proposal)",
            buildings,
            status="proposed",
            description="Merge lunch waves A, B and C into one 25-minute lunch for everyone.",
        ),
        "days": days,
        "day_aliases": {"os-update": "regular"},
    }


def middle_school_doc(
    buildings: Sequence[str],
    *,
    schedule_id: str = "ms-bell",
    offsets: Mapping[str, float] | None = None,
) -> Doc:
    """The standard middle-school schedule: 08:15-15:20, 7 periods, 2 lunch waves."""
    waves = [_w("A", "11:20", "11:50", label="Lunch A"), _w("B", "11:50", "12:20", label="Lunch B")]
    regular = {
        "label": "Regular day: homeroom, 7 periods, lunch block in 4th period",
        "periods": [
            _p("HR", "08:15", "08:25", kind="homeroom", label="Homeroom"),
            _p("P1", "08:30", "09:20"),
            _p("P2", "09:25", "10:15"),
            _p("P3", "10:20", "11:15"),
            _p("P4", "11:20", "12:50", label="4th period and lunch"),
            _p("P5", "12:55", "13:40"),
            _p("P6", "13:45", "14:30"),
            _p("P7", "14:35", "15:20"),
        ],
        "lunch_waves": waves,
    }
    late = {
        "label": "Late start (staff development until 09:15)",
        "periods": [
            _p("P1", "09:15", "09:55"),
            _p("P2", "10:00", "10:40"),
            _p("P3", "10:45", "11:25"),
            _p("P4", "11:30", "13:00", label="4th period and lunch"),
            _p("P5", "13:05", "13:45"),
            _p("P6", "13:50", "14:35"),
            _p("P7", "14:40", "15:20"),
        ],
        "lunch_waves": [
            _w("A", "11:30", "12:00", label="Lunch A"),
            _w("B", "12:00", "12:30", label="Lunch B"),
        ],
    }
    early = {
        "label": "Early release at 12:20 (no lunch served)",
        "after_min": 30.0,
        "periods": [
            _p("P1", "08:15", "08:45"),
            _p("P2", "08:50", "09:20"),
            _p("P3", "09:25", "09:55"),
            _p("P4", "10:00", "10:30"),
            _p("P5", "10:35", "11:05"),
            _p("P6", "11:10", "11:40"),
            _p("P7", "11:45", "12:20"),
        ],
    }
    testing = {
        "label": "State testing: every grade tests 08:15-10:45 (staggered starts)",
        "periods": [
            _p("T1", "08:15", "10:45", sections_from="HR", testing=True, label="Testing session"),
            _p("P4", "11:20", "12:50", label="4th period and lunch"),
            _p("P5", "12:55", "13:40"),
            _p("P6", "13:45", "14:30"),
            _p("P7", "14:35", "15:20"),
        ],
        "lunch_waves": waves,
        "stagger": {"group_size": 28, "every_min": 2.5},
    }
    return {
        "schedule": _info(schedule_id, "Middle school bell schedule", buildings, offsets=offsets),
        "days": {
            "regular": regular,
            "late-start": late,
            "early-release": early,
            "testing": testing,
        },
        "day_aliases": {"os-update": "regular", "block-a": "regular", "block-b": "regular"},
    }


def _grade_waves(grades: Sequence[str], n: int) -> list[list[str]]:
    k = max(1, min(n, len(grades)))
    size, extra = divmod(len(grades), k)
    out, i = [], 0
    for j in range(k):
        m = size + (1 if j < extra else 0)
        out.append(list(grades[i : i + m]))
        i += m
    return out


def _elem_waves(grades: Sequence[str], first: str = "11:00") -> list[Doc]:
    """Lunch (cafeteria) then recess (gym) waves of 25 minutes, by grade group."""
    h, m = (int(x) for x in first.split(":"))
    t0 = h * 60 + m
    waves: list[Doc] = []
    for j, group in enumerate(_grade_waves(grades, 3)):
        name = f"{group[0]}-{group[-1]}" if len(group) > 1 else group[0]
        s = t0 + 30 * j
        fmt = [f"{x // 60:02d}:{x % 60:02d}" for x in (s, s + 25, s + 50)]
        wave_grades: list[Any] = [g if g == "K" else int(g) for g in group]
        waves.append(_w(f"L{j + 1}", fmt[0], fmt[1], grades=wave_grades, label=f"Lunch {name}"))
        waves.append(
            _w(f"R{j + 1}", fmt[1], fmt[2], grades=wave_grades, place="gym", label=f"Recess {name}")
        )
    return waves


def elementary_doc(
    buildings: Sequence[str],
    *,
    schedule_id: str = "elem-bell",
    grades: Sequence[str] = LEVEL_GRADES["elementary"],
    offsets: Mapping[str, float] | None = None,
    status: str = "current",
    name: str = "Elementary bell schedule",
    description: str = "",
) -> Doc:
    """The standard elementary schedule: 08:30-15:15, lunch and recess waves by grade."""
    waves = _elem_waves(grades)
    regular = {
        "label": "Regular day: self-contained classrooms, lunch and recess waves by grade",
        "periods": [
            _p("HR", "08:30", "08:45", kind="homeroom", label="Morning meeting"),
            _p("AM", "08:45", "11:00", label="Morning block"),
            _p("MID", "11:00", "12:50", label="Midday: lunch and recess waves"),
            _p("PM", "12:50", "15:15", label="Afternoon block"),
        ],
        "lunch_waves": waves,
    }
    late = {
        "label": "Late start (staff development until 09:30)",
        "periods": [
            _p("AM", "09:30", "11:00", label="Morning block"),
            _p("MID", "11:00", "12:50", label="Midday: lunch and recess waves"),
            _p("PM", "12:50", "15:15", label="Afternoon block"),
        ],
        "lunch_waves": waves,
    }
    early = {
        "label": "Early release at 12:15 (no lunch served)",
        "after_min": 30.0,
        "periods": [
            _p("HR", "08:30", "08:45", kind="homeroom", label="Morning meeting"),
            _p("AM", "08:45", "12:15", label="Morning block"),
        ],
    }
    tested = [g for g in grades if g not in ("K", "1", "2")]
    testing = {
        "label": "State testing: grades 3 and up test 08:45-10:45 (staggered starts)",
        "periods": [
            _p("HR", "08:30", "08:45", kind="homeroom", label="Morning meeting"),
            _p(
                "T1",
                "08:45",
                "10:45",
                sections_from="AM",
                testing=True,
                test_grades=[int(g) for g in tested],
                label="Testing session",
            ),
            _p("AM2", "10:45", "11:00", sections_from="AM", label="Morning block (rest)"),
            _p("MID", "11:00", "12:50", label="Midday: lunch and recess waves"),
            _p("PM", "12:50", "15:15", label="Afternoon block"),
        ],
        "lunch_waves": waves,
        "stagger": {"group_size": 28, "every_min": 2.5},
    }
    return {
        "schedule": _info(
            schedule_id, name, buildings, status=status, description=description, offsets=offsets
        ),
        "days": {
            "regular": regular,
            "late-start": late,
            "early-release": early,
            "testing": testing,
        },
        "day_aliases": {"os-update": "regular", "block-a": "regular", "block-b": "regular"},
    }


def elementary_stagger_doc(
    buildings: Sequence[str], *, schedule_id: str = "elem-stagger-15", step_min: float = 15.0
) -> Doc:
    """PROPOSED: the elementary schedule with each building starting ``step_min`` later."""
    offsets = {b: step_min * i for i, b in enumerate(buildings)}
    return elementary_doc(
        buildings,
        schedule_id=schedule_id,
        offsets=offsets,
        status="proposed",
        name=f"Elementary schools staggered by {step_min:g} minutes (proposal)",
        description="Same bells as today, each elementary school starting "
        f"{step_min:g} minutes after the previous one, to spread the morning log-on storm "
        "and midday load on the shared internet circuit.",
    )


def office_doc(buildings: Sequence[str], *, schedule_id: str = "office-hours") -> Doc:
    """Office hours for buildings without students: 08:00-16:30 with a lunch hour."""
    return {
        "schedule": _info(schedule_id, "Office hours", buildings),
        "days": {
            "regular": {
                "label": "Office hours",
                "before_min": 0.0,
                "after_min": 30.0,
                "stay_after": 0.0,
                "periods": [
                    _p("AM", "08:00", "12:00", label="Morning"),
                    _p("PM", "13:00", "16:30", label="Afternoon"),
                ],
            }
        },
        "day_aliases": {
            d: "regular"
            for d in ("late-start", "early-release", "block-a", "block-b", "testing", "os-update")
        },
    }


def builtin_schedule_doc(level: str, buildings: Sequence[str]) -> Doc:
    """The standard schedule document for a building level.

    Parameters
    ----------
    level
        A building level (``elementary``, ``middle``, ``high``, ``k8``, ``k12``, ``office``).
    buildings
        Buildings that follow it.

    Returns
    -------
    dict
        A ``schedules/*.toml`` document with id ``builtin-<level>``.
    """
    sid = f"builtin-{level}"
    if level == "high":
        return high_school_doc(buildings, schedule_id=sid)
    if level == "middle":
        return middle_school_doc(buildings, schedule_id=sid)
    if level == "k12":
        doc = high_school_doc(buildings, schedule_id=sid)
        # Younger grades of a K-12 building eat in the same three waves, by share.
        return doc
    if level == "office":
        return office_doc(buildings, schedule_id=sid)
    return elementary_doc(buildings, schedule_id=sid, grades=LEVEL_GRADES[level])


def standard_schedule_docs(levels: Mapping[str, Sequence[str]]) -> dict[str, Doc]:
    """Current schedules for a district: one file per building level.

    Parameters
    ----------
    levels
        Building level -> building ids of that level.

    Returns
    -------
    dict
        Schedule id -> document.
    """
    out: dict[str, Doc] = {}
    makers = {
        "high": lambda b: high_school_doc(b),
        "middle": lambda b: middle_school_doc(b),
        "elementary": lambda b: elementary_doc(b),
        "k8": lambda b: elementary_doc(
            b, schedule_id="k8-bell", grades=LEVEL_GRADES["k8"], name="K-8 bell schedule"
        ),
        "k12": lambda b: high_school_doc(b, schedule_id="k12-bell"),
        "office": lambda b: office_doc(b),
    }
    for level, bids in levels.items():
        if bids:
            doc = makers[level](list(bids))
            out[doc["schedule"]["id"]] = doc
    return out
