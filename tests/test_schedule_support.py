"""A tiny school whose occupancy and demand can be worked out by hand (no tests here).

Building ``t`` (high school, 50 students, 4 staff): classrooms t-101 and t-102 (30 seats
each), hallway t-hall, cafeteria t-cafe, office t-office; no library, so students without a
section wait in the cafeteria.
"""

from __future__ import annotations

import sys
from pathlib import Path

import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parent))

from survey_factory import tiny_devices, tiny_district

SCHEDULE = """\
[schedule]
id = "t-bell"
name = "Tiny bells"
buildings = ["t"]

[days.regular]
before_min = 30
after_min = 60
stay_after = 0.2
periods = [
    { id = "P1", start = "08:00", end = "08:50" },
    { id = "P2", start = "08:55", end = "10:15" },
    { id = "P3", start = "10:20", end = "11:10" },
]
lunch_waves = [
    { id = "A", start = "09:00", end = "09:30", grades = [9, 10] },
    { id = "B", start = "09:40", end = "10:10", grades = [11, 12] },
]

[days.testing]
stagger = { group_size = 10, every_min = 2 }
periods = [
    { id = "T1", start = "08:00", end = "10:00", sections_from = "P1", testing = true, \
test_grades = [11] },
]

[day_aliases]
os-update = "regular"
"""

MASTER = """\
section_id,course,period,room,enrolled,grade
S1,ENG,1,t-101,25,9
S2,MATH,1,t-102,20,11
S3,SCI,2,t-101,30,10
S4,SOC,2,t-102,20,12
"""

ACTIVITIES = """\
testing_activity = "exam"

[activities.watch]
sessions_per_hour = { video-720p = 6.0 }

[activities.browse]
sessions_per_hour = { web = 30.0, cloud-docs = 10.0 }

[activities.exam]
once = ["assessment", "assessment-load"]
sessions_per_hour = { web = 2.0 }

[activities.idle]

[background]
students = { sync = 2.0 }
staff = { sync = 4.0 }

[[mix]]
who = "students"
intervals = ["class"]
zone_types = ["classroom"]
share = { watch = 0.25, browse = 0.5, idle = 0.25 }

[[mix]]
who = "students"
share = { idle = 1.0 }

[[mix]]
who = "staff"
share = { browse = 0.5, idle = 0.5 }

[days.os-update]
per_day = { students = { os-update = 1.0 } }
"""


def tiny_school_building() -> dict[str, object]:
    """The building file of ``t``."""
    return {
        "building": {
            "id": "t",
            "name": "Tiny High",
            "level": "high",
            "lat": 40.0,
            "lon": -105.0,
            "enrollment": 50,
            "staff": 4,
        },
        "zones": [
            {"id": "t-101", "type": "classroom", "capacity": 30},
            {"id": "t-102", "type": "classroom", "capacity": 30},
            {"id": "t-hall", "type": "hallway", "capacity": 100},
            {"id": "t-cafe", "type": "cafeteria", "capacity": 60},
            {"id": "t-office", "type": "office", "capacity": 5},
        ],
        "switches": [{"id": "t-mdf", "uplink_to": "router", "uplink_mbps": "10 Gbps"}],
        "access_points": [
            {
                "id": "t-ap1",
                "switch": "t-mdf",
                "serves": [{"zone": "t-101", "snr_db": 35}, {"zone": "t-hall", "snr_db": 20}],
                "radios": [{"band": "5", "standard": "ac", "channel": 36}],
            },
            {
                "id": "t-ap2",
                "switch": "t-mdf",
                "serves": [
                    {"zone": "t-102", "snr_db": 35},
                    {"zone": "t-cafe", "snr_db": 30},
                    {"zone": "t-office", "snr_db": 30},
                ],
                "radios": [{"band": "5", "standard": "ac", "channel": 149}],
            },
        ],
    }


def write_tiny_school(
    root: Path,
    *,
    schedule: str | None = SCHEDULE,
    master: str | None = MASTER,
    activities: str | None = ACTIVITIES,
) -> Path:
    """Write the tiny school survey to ``root`` (pass ``None`` to leave a file out)."""
    (root / "buildings").mkdir(parents=True, exist_ok=True)
    (root / "district.toml").write_text(tomli_w.dumps(tiny_district(["t"])))
    (root / "devices.toml").write_text(tomli_w.dumps(tiny_devices()))
    (root / "buildings" / "t.toml").write_text(tomli_w.dumps(tiny_school_building()))
    if schedule is not None:
        (root / "schedules").mkdir(exist_ok=True)
        (root / "schedules" / "t-bell.toml").write_text(schedule)
    if master is not None:
        (root / "master_schedule").mkdir(exist_ok=True)
        (root / "master_schedule" / "t.csv").write_text(master)
    if activities is not None:
        (root / "activities.toml").write_text(activities)
    return root
