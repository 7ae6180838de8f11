"""Size and duration distributions against their analytic means; the catalogue's numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from netplan.demand import (
    Application,
    catalogue,
    draw,
    median_of,
    sample_duration_s,
    sample_size_mb,
)

N = 200_000


def _sd(dist: str, mean: float, shape: float) -> float:
    """Analytic standard deviation (finite cases)."""
    if dist == "fixed":
        return 0.0
    if dist == "exponential":
        return mean
    if dist == "lognormal":
        return mean * math.sqrt(math.exp(shape**2) - 1.0)
    if dist == "pareto":
        a = shape
        xm = mean * (a - 1) / a
        return xm / (a - 1) * math.sqrt(a / (a - 2))
    raise AssertionError(dist)


@pytest.mark.parametrize(
    ("dist", "mean", "shape"),
    [
        ("exponential", 3.0, 0.0),
        ("lognormal", 2.5, 1.5),
        ("lognormal", 0.3, 0.5),
        ("pareto", 4.0, 2.5),
        ("pareto", 1.0, 3.0),
    ],
)
def test_sample_mean_matches_analytic_mean(dist: str, mean: float, shape: float) -> None:
    x = draw(dist, mean, shape, np.random.default_rng(42), N)
    assert x.shape == (N,)
    tol = 5 * _sd(dist, mean, shape) / math.sqrt(N)
    assert abs(x.mean() - mean) <= tol
    # The median is the analytic one too (the share of draws below it is 1/2).
    below = (x < median_of(dist, mean, shape)).mean()
    assert abs(below - 0.5) <= 5 * 0.5 / math.sqrt(N)


def test_distribution_shapes_against_scipy() -> None:
    rng = np.random.default_rng(7)
    sigma, mean = 1.5, 2.5
    x = draw("lognormal", mean, sigma, rng, 20_000)
    ref = stats.lognorm(s=sigma, scale=math.exp(math.log(mean) - sigma**2 / 2))
    assert stats.kstest(x, ref.cdf).pvalue > 1e-3
    alpha, mean = 1.5, 2.0  # infinite variance: check the whole distribution, not the mean
    x = draw("pareto", mean, alpha, rng, 20_000)
    ref = stats.pareto(b=alpha, scale=mean * (alpha - 1) / alpha)
    assert stats.kstest(x, ref.cdf).pvalue > 1e-3
    x = draw("exponential", 3.0, 0.0, rng, 20_000)
    assert stats.kstest(x, stats.expon(scale=3.0).cdf).pvalue > 1e-3


def test_fixed_and_zero_and_bad_input() -> None:
    rng = np.random.default_rng(0)
    assert np.all(draw("fixed", 400.0, 0.0, rng, 5) == 400.0)
    assert np.all(draw("lognormal", 0.0, 1.0, rng, 3) == 0.0)
    with pytest.raises(ValueError, match="alpha > 1"):
        draw("pareto", 1.0, 1.0, rng, 3)
    with pytest.raises(ValueError, match="unknown distribution"):
        draw("weibull", 1.0, 1.0, rng, 3)


@pytest.mark.parametrize("app_id", list(catalogue()))
def test_catalogue_samples_have_the_catalogue_means(app_id: str) -> None:
    app = catalogue()[app_id]
    rng = np.random.default_rng(3)
    if app.kind == "elastic":
        for direction, mean in (("down", app.mean_down_mb), ("up", app.mean_up_mb)):
            x = sample_size_mb(app, rng, N, direction=direction)
            assert (
                abs(x.mean() - mean)
                <= 5 * _sd(app.size_dist, mean, app.size_shape) / math.sqrt(N) + 1e-12
            )
        assert np.all(sample_duration_s(app, rng, 4) == 0.0)
    else:
        x = sample_duration_s(app, rng, N)
        sd = _sd(app.duration_dist, app.mean_duration_s, app.duration_shape)
        assert abs(x.mean() - app.mean_duration_s) <= 5 * sd / math.sqrt(N)
        assert np.all(sample_size_mb(app, rng, 4) == 0.0)
        assert app.min_mbps <= app.down_mbps


def test_sampling_is_deterministic_given_the_seed() -> None:
    web = catalogue()["web"]
    a = sample_size_mb(web, np.random.default_rng(9), 100)
    b = sample_size_mb(web, np.random.default_rng(9), 100)
    np.testing.assert_array_equal(a, b)


def test_catalogue_uses_the_published_figures() -> None:
    """The reference figures and their publishers (YouTube, Google, Zoom, NWEA, CAASPP)."""
    c = catalogue()
    assert (c["video-480p"].down_mbps, c["video-720p"].down_mbps, c["video-1080p"].down_mbps) == (
        1.1,
        2.5,
        5.0,
    )
    assert c["video-conference"].up_mbps == 3.2
    assert 2.6 <= c["video-conference"].down_mbps <= 4.0
    assert (c["video-conference-zoom"].down_mbps, c["video-conference-zoom"].up_mbps) == (1.5, 1.5)
    assert c["video-conference-zoom"].min_mbps == 1.2
    assert c["assessment"].min_mbps == pytest.approx(0.020)  # Smarter Balanced >= 20 kbps
    assert c["assessment"].down_mbps * 30 == pytest.approx(2.0, rel=1e-3)  # NWEA 2 Mbps / 30
    assert c["assessment-load"].mean_down_mb == 2.2
    assert (c["os-update"].mean_down_mb, c["os-update-minor"].mean_down_mb) == (400.0, 50.0)
    assert c["os-update"].cache_kind == "os-update"
    assert c["video-720p"].cache_kind == "video"
    assert c["web"].size_dist in ("lognormal", "pareto")  # heavy-tailed
    for app in c.values():
        assert isinstance(app, Application)
        assert app.source and "REFERENCE" not in app.source and "/work" not in app.source
        assert app.kind in ("stream", "elastic")
    for key, word in (
        ("video-720p", "YouTube"),
        ("video-conference", "Google"),
        ("video-conference-zoom", "Zoom"),
        ("assessment", "NWEA"),
        ("assessment", "CAASPP"),
        ("os-update", "3168106"),
    ):
        assert word in c[key].source
