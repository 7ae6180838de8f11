"""Random transfer sizes and session lengths.

Every distribution is parameterised by its mean and one shape parameter, so the catalogue
states the mean it was given and the analytic mean of each draw is that mean:

- ``exponential``: rate 1/mean.
- ``lognormal``: sigma = shape, mu = ln(mean) - sigma^2 / 2 (so E[X] = mean).
- ``pareto``: alpha = shape > 1, scale x_m = mean (alpha - 1) / alpha (so E[X] = mean);
  infinite variance when alpha <= 2, the heavy tail of web objects.
- ``fixed``: always the mean.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from netplan.workload.catalogue import Application

__all__ = ["draw", "median_of", "sample_duration_s", "sample_size_mb"]

FloatArray = npt.NDArray[np.float64]


def draw(dist: str, mean: float, shape: float, rng: np.random.Generator, n: int) -> FloatArray:
    """Draw ``n`` values of a distribution given by its mean and shape.

    Parameters
    ----------
    dist
        ``exponential``, ``lognormal``, ``pareto`` or ``fixed``.
    mean
        The distribution's mean (>= 0).
    shape
        Lognormal sigma or Pareto alpha; ignored otherwise.
    rng
        Random generator.
    n
        How many values.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n,)``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if mean <= 0:
        return np.zeros(n)
    if dist == "fixed":
        return np.full(n, float(mean))
    if dist == "exponential":
        return rng.exponential(mean, n)
    if dist == "lognormal":
        sigma = float(shape)
        return rng.lognormal(math.log(mean) - sigma * sigma / 2.0, sigma, n)
    if dist == "pareto":
        alpha = float(shape)
        if alpha <= 1:
            raise ValueError("pareto needs alpha > 1 for a finite mean")
        xm = mean * (alpha - 1.0) / alpha
        # numpy's pareto is the Lomax (Pareto II) distribution; 1 + Lomax is Pareto I with x_m 1.
        return xm * (1.0 + rng.pareto(alpha, n))
    raise ValueError(f"unknown distribution {dist!r}")


def median_of(dist: str, mean: float, shape: float) -> float:
    """The analytic median of the distribution :func:`draw` samples."""
    if mean <= 0:
        return 0.0
    if dist == "fixed":
        return float(mean)
    if dist == "exponential":
        return mean * math.log(2.0)
    if dist == "lognormal":
        return math.exp(math.log(mean) - shape * shape / 2.0)
    if dist == "pareto":
        return float(mean * (shape - 1.0) / shape * 2.0 ** (1.0 / shape))
    raise ValueError(f"unknown distribution {dist!r}")


def sample_size_mb(
    app: Application, rng: np.random.Generator, n: int, *, direction: str = "down"
) -> FloatArray:
    """Transfer sizes of an elastic application, megabytes.

    Parameters
    ----------
    app
        The application (a stream has size 0).
    rng
        Random generator.
    n
        How many sizes.
    direction
        ``"down"`` (mean ``app.mean_down_mb``) or ``"up"`` (mean ``app.mean_up_mb``).

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n,)`` whose mean tends to the application's mean size.
    """
    if direction not in ("down", "up"):
        raise ValueError("direction must be 'down' or 'up'")
    mean = app.mean_down_mb if direction == "down" else app.mean_up_mb
    return draw(app.size_dist, mean, app.size_shape, rng, n)


def sample_duration_s(app: Application, rng: np.random.Generator, n: int) -> FloatArray:
    """Session lengths of a stream application, seconds.

    Parameters
    ----------
    app
        The application (an elastic transfer has duration 0: it lasts as long as its size
        takes).
    rng
        Random generator.
    n
        How many lengths.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n,)`` whose mean tends to ``app.mean_duration_s``.
    """
    return draw(app.duration_dist, app.mean_duration_s, app.duration_shape, rng, n)
