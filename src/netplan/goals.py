"""K-12 bandwidth goals that capacity figures are compared with.

Sources:

* SETDA, *The Broadband Imperative* (2012), adopted as the FCC E-rate modernization goals in
  FCC 14-99 (2014): internet access of 100 Mbps per 1,000 students and staff in 2014-15 and
  1 Gbps per 1,000 in 2017-18; district WAN connections scalable to 10 Gbps per 1,000
  students.
* EducationSuperHighway K-12 bandwidth goals: 1 Mbps per student for internet access; WAN
  10 Mbps per student; plan for 50-100 % demand growth a year.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEMAND_GROWTH_PER_YEAR",
    "INTERNET_MBPS_PER_STUDENT",
    "INTERNET_MBPS_PER_USER_2014",
    "WAN_MBPS_PER_USER",
]

#: Internet access goal, Mbps per student (EducationSuperHighway; equals SETDA/FCC 14-99's
#: 1 Gbps per 1,000 users for 2017-18).
INTERNET_MBPS_PER_STUDENT: Final[float] = 1.0

#: The earlier FCC 14-99 / SETDA short-term goal: 100 Mbps per 1,000 students and staff.
INTERNET_MBPS_PER_USER_2014: Final[float] = 0.1

#: WAN goal, Mbps per user: 10 Gbps per 1,000 (FCC 14-99; EducationSuperHighway 10 Mbps per
#: student).
WAN_MBPS_PER_USER: Final[float] = 10.0

#: Yearly demand growth to plan for (EducationSuperHighway: 50-100 %); the lower end.
DEMAND_GROWTH_PER_YEAR: Final[float] = 0.5
