"""Threads never change a z-score: the engine cut into blocks and spread over threads gives the
same bits as one thread, on data with every kind of value the engine distinguishes."""

from __future__ import annotations

import numpy as np
import pytest

from konvergensi_core.growth import OUTPUTS, zscores
from konvergensi_core.growth import who2006 as w

# Lengths at the weight-for-length/height table edges and the two floating-point brackets.
EDGE_LENGTHS = [45.0, 44.9, 110.0, 110.1, 65.0, 64.9, 120.0, 120.1, 87.0, 51.9, 103.1,
                51.199999999999996, 102.39999999999999, 0.0, -3.0, np.inf]  # fmt: skip
EDGE_AGES = [0.0, -0.3, -0.5, 273.9, 274.0, 730.0, 730.5, 731.0, 1825.0, 1826.0, 1826.25, 1827.0,
             -1.0, np.inf, -np.inf]  # fmt: skip


def generated(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    sex = rng.choice([1.0, 2.0, 0.0, 3.0, np.nan], n, p=[0.46, 0.46, 0.02, 0.02, 0.04])
    age = rng.uniform(-20.0, 1900.0, n)  # days, over the whole range and beyond
    whole = rng.random(n) < 0.5
    age[whole] = np.round(age[whole])
    pick = rng.random(n) < 0.03
    age[pick] = rng.choice(EDGE_AGES, pick.sum())
    age[rng.random(n) < 0.04] = np.nan
    lenhei = np.round(rng.uniform(40.0, 125.0, n), 1)
    pick = rng.random(n) < 0.03
    lenhei[pick] = rng.choice(EDGE_LENGTHS, pick.sum())
    lenhei[rng.random(n) < 0.04] = np.nan
    weight = np.round(rng.lognormal(2.3, 0.45, n), 1)  # includes z far beyond ±3 SD
    weight[rng.random(n) < 0.01] = 0.0
    weight[rng.random(n) < 0.04] = np.nan
    measure = rng.integers(0, 3, n).astype(np.int8)  # unknown, lying, standing
    oedema = rng.random(n) < 0.03
    return sex, age, weight, lenhei, measure, oedema


def assert_same_bits(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert set(a) == set(b) == set(OUTPUTS)
    for key in OUTPUTS:
        assert a[key].dtype == b[key].dtype, key
        assert a[key].tobytes() == b[key].tobytes(), key


@pytest.mark.parametrize("n", [1, w.BLOCK - 1, w.BLOCK, w.BLOCK + 1, 3 * w.BLOCK + 17])
@pytest.mark.parametrize("age_unit", ["days", "months"])
def test_threads_give_the_same_bits_as_one_thread(n, age_unit):
    sex, age, weight, lenhei, measure, oedema = generated(n, seed=n)
    if age_unit == "months":
        age = age / w.DAYS_PER_MONTH
    cols = (sex, age, weight, lenhei, measure, oedema)
    one = zscores(*cols, age_unit=age_unit, threads=1)
    for threads in (2, 3, 8):
        assert_same_bits(one, zscores(*cols, age_unit=age_unit, threads=threads))
    # Without measure and oedema (the engine's shortcuts for absent columns).
    assert_same_bits(
        zscores(*cols[:4], age_unit=age_unit, threads=1), zscores(*cols[:4], age_unit=age_unit, threads=4)
    )


def test_the_default_spreads_long_columns_and_still_gives_the_same_bits():
    n = w.PARALLEL_MIN_ROWS + 5
    cols = generated(n, seed=7)
    assert w.default_threads(n) == max(1, min(w.os.cpu_count() or 1, w.MAX_THREADS))
    assert w.default_threads(n - 10) == 1
    assert_same_bits(zscores(*cols, threads=1), zscores(*cols))


def test_the_generated_set_has_every_case():
    # The property above is only as strong as the data: each branch of the engine is present.
    sex, age, weight, lenhei, measure, oedema = generated(3 * w.BLOCK + 17, seed=3 * w.BLOCK + 17)
    out = zscores(sex, age, weight, lenhei, measure, oedema)
    assert (
        (np.abs(out["zwei"]) > 3).any()
        and (np.abs(out["zwfl"]) > 3).any()
        and (np.abs(out["zbmi"]) > 3).any()
    )
    assert (out["fwei"] == 1).any() and (out["fwfl"] == 1).any() and (out["flen"] == 0).any()
    assert (out["c9mo_flag"] == 1).any() and set(np.unique(out["cmeasure"])) == {0, 1, 2}
    assert np.isnan(out["zlen"]).any() and np.isinf(out["zbmi"]).any()
    assert (out["clenhei"] != lenhei)[np.isfinite(lenhei)].any()


def test_empty_columns_give_empty_outputs():
    out = zscores(np.array([]), np.array([]), np.array([]), np.array([]), threads=2)
    assert all(v.shape == (0,) for v in out.values())


@pytest.mark.skipif(not hasattr(w.os, "fork"), reason="no fork on this platform")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_starts_its_own_pool():
    # The parent's pool threads do not exist in a child: the child must not wait on them.
    n = 3 * w.BLOCK
    cols = generated(n, seed=11)
    want = zscores(*cols, threads=2)
    read, write = w.os.pipe()
    pid = w.os.fork()
    if pid == 0:  # pragma: no cover (the child reports through the pipe)
        try:
            got = zscores(*cols, threads=2)
            ok = all(got[k].tobytes() == want[k].tobytes() for k in OUTPUTS)
            w.os.write(write, b"1" if ok else b"0")
        finally:
            w.os._exit(0)
    w.os.close(write)
    _, status = w.os.waitpid(pid, 0)
    assert w.os.read(read, 1) == b"1" and status == 0


def test_odd_input_columns_warn_in_no_thread():
    # Float positions with NaN, infinite and huge values: no RuntimeWarning (an error under
    # pytest here), in the calling thread or the pool's.
    n = 2 * w.BLOCK + 3
    sex, age, weight, lenhei, _, _ = generated(n, seed=5)
    measure = np.where(np.arange(n) % 3 == 0, np.nan, np.where(np.arange(n) % 3 == 1, 1.0, 2.0))
    weight[::7] = 1e308
    lenhei[::11] = -np.inf
    for threads in (1, 2):
        out = zscores(sex, age, weight, lenhei, measure, None, threads=threads)
        assert all(v.shape == (n,) for v in out.values())
