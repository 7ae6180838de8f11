"""Public data schemas, code tables and the defaults the equity analysis rests on.

Every number here comes from ``docs/references.md`` (Domain reference for netplan), section
"Broadband data formats" or "Hotspot programmes", unless marked otherwise.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BDC_FIXED_COLUMNS",
    "BDC_FIXED_TECHNOLOGIES",
    "BDC_MOBILE_TECHNOLOGIES",
    "BUSINESS_RESIDENTIAL_CODES",
    "DEFAULT_MIN_CELL",
    "DEFAULT_PUBLIC_H3_RES",
    "DEFAULT_RELIABLE_TECHNOLOGIES",
    "ENV_IN_VEHICLE",
    "ENV_OUTDOOR",
    "MOBILE_COLUMNS",
    "OOKLA_COLUMNS",
    "RESIDENTIAL_CODES",
    "SERVED_DOWN_MBPS",
    "SERVED_UP_MBPS",
    "SERVICE_CLASSES",
    "TIGER_BLOCK_COLUMNS",
    "UNDERSERVED_DOWN_MBPS",
    "UNDERSERVED_UP_MBPS",
    "WGS84",
]

#: Geographic coordinates of geocoded homes, H3 cells and every public output layer.
WGS84: Final = "EPSG:4326"

#: FCC BDC fixed availability CSV, one row per location x provider x technology (docs/references.md,
#: "FCC Broadband Data Collection (BDC), fixed availability CSV"). Every id is read as text.
BDC_FIXED_COLUMNS: Final = (
    "frn",
    "provider_id",
    "brand_name",
    "location_id",
    "technology",
    "max_advertised_download_speed",
    "max_advertised_upload_speed",
    "low_latency",
    "business_residential_code",
    "state_usps",
    "block_geoid",
    "h3_res8_id",
)

#: BDC fixed technology codes (docs/references.md, "BDC fixed technology codes").
BDC_FIXED_TECHNOLOGIES: Final = {
    0: "Other",
    10: "Copper",
    40: "Cable",
    50: "Fiber to the premises",
    60: "GSO satellite",
    61: "NGSO satellite",
    70: "Unlicensed fixed wireless",
    71: "Licensed fixed wireless",
    72: "Licensed-by-rule fixed wireless",
}

#: Technologies that count as "reliable" by default: the 2022 BEAD rule excluded satellite and
#: unlicensed fixed wireless (docs/references.md, "Speed benchmarks"). "Other" (0) is not listed by
#: the BEAD rule as reliable, so it is left out too. Configurable because the rule was later
#: made technology-neutral.
DEFAULT_RELIABLE_TECHNOLOGIES: Final = frozenset({10, 40, 50, 71, 72})

#: ``business_residential_code``: R residential only, B business only, X both.
BUSINESS_RESIDENTIAL_CODES: Final = frozenset({"R", "B", "X"})
#: Codes whose service a home can buy.
RESIDENTIAL_CODES: Final = frozenset({"R", "X"})

#: Served: reliable 100/20 Mbps (FCC benchmark raised in March 2024; BEAD "underserved" limit).
SERVED_DOWN_MBPS: Final = 100.0
SERVED_UP_MBPS: Final = 20.0
#: Underserved: reliable 25/3 Mbps but not 100/20 (FCC 2015 benchmark; BEAD "unserved" limit).
UNDERSERVED_DOWN_MBPS: Final = 25.0
UNDERSERVED_UP_MBPS: Final = 3.0

#: Service classes, best first.
SERVICE_CLASSES: Final = ("served", "underserved", "unserved")

#: BDC mobile technology codes: 300 3G, 400 4G LTE, 500 5G-NR. Tiers published are 4G LTE 5/1,
#: 5G-NR 7/1 and 5G-NR 35/3 (docs/references.md, "BDC mobile broadband coverage").
BDC_MOBILE_TECHNOLOGIES: Final = {300: "3G", 400: "4G LTE", 500: "5G-NR"}

#: BDC mobile ``environment``: 0 outdoor stationary, 1 in-vehicle.
ENV_OUTDOOR: Final = 0
ENV_IN_VEHICLE: Final = 1

#: Columns of a BDC mobile H3 coverage layer (``environmnt`` in a shapefile).
MOBILE_COLUMNS: Final = ("h3_res9_id", "technology", "mindown", "minup", "environment")

#: Census TIGER/Line 2020 block layer (tabblock20) columns.
TIGER_BLOCK_COLUMNS: Final = (
    "STATEFP20",
    "COUNTYFP20",
    "TRACTCE20",
    "BLOCKCE20",
    "GEOID20",
    "ALAND20",
    "AWATER20",
    "INTPTLAT20",
    "INTPTLON20",
    "HOUSING20",
    "POP20",
)

#: Ookla open data fixed/mobile performance tiles (zoom 16, geometry WKT in ``tile``).
OOKLA_COLUMNS: Final = ("quadkey", "avg_d_kbps", "avg_u_kbps", "tests", "devices")

#: Small-cell suppression threshold: cells with fewer than 10 students are suppressed
#: (docs/references.md, "Student privacy": n < 10 common).
DEFAULT_MIN_CELL: Final = 10

#: Public aggregation level: H3 resolution 8 (0.737 km2; docs/references.md "H3 cell areas":
#: publish at res 7/8 or block group, never block).
DEFAULT_PUBLIC_H3_RES: Final = 8
