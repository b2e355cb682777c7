"""PAA and image resizing: hand-computed cases and their invariants."""

import numpy as np
import pytest

from sigconv.functional import paa, resampling_matrix, resize_image


def test_paa_divisible_is_block_mean():
    x = np.arange(12.0).reshape(2, 6)
    np.testing.assert_allclose(paa(x, 3), [[0.5, 2.5, 4.5], [6.5, 8.5, 10.5]])


def test_paa_non_divisible_uses_integer_segments():
    # bounds = linspace(0, 5, 3).astype(int) = [0, 2, 5]: means of x[0:2] and x[2:5]
    np.testing.assert_allclose(paa(np.arange(5.0), 2), [0.5, 3.0])


def test_paa_identity_returns_input():
    x = np.ones((3, 7), dtype=np.float32)
    assert paa(x, 7) is x


def test_upsampling_interpolates_between_centres():
    # two samples to four: centres at -0.25, 0.25, 0.75, 1.25 of the input grid
    np.testing.assert_allclose(paa(np.array([0.0, 1.0]), 4), [0.0, 0.25, 0.75, 1.0])


@pytest.mark.parametrize("n_in, n_out", [(10, 3), (7, 7), (3, 10), (1, 4), (1024, 64)])
def test_rows_sum_to_one(n_in, n_out):
    matrix = resampling_matrix(n_in, n_out)
    assert matrix.shape == (n_out, n_in)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    assert not matrix.flags.writeable


def test_float32_preserved_and_leading_axes_kept():
    x = np.random.default_rng(0).normal(size=(2, 3, 50)).astype(np.float32)
    assert paa(x, 10).shape == (2, 3, 10) and paa(x, 10).dtype == np.float32


def test_resize_image_constant_stays_constant():
    images = np.full((2, 9, 13), 3.0, dtype=np.float32)
    out = resize_image(images, (4, 20))
    assert out.shape == (2, 4, 20) and out.dtype == np.float32
    np.testing.assert_allclose(out, 3.0, rtol=1e-6)


def test_resize_image_square_int():
    assert resize_image(np.zeros((5, 6)), 3).shape == (3, 3)


def test_bad_sizes():
    with pytest.raises(ValueError, match="n_out must be an int >= 1; got n_out=0."):
        resampling_matrix(5, 0)
    with pytest.raises(ValueError, match="size must be a positive int"):
        resize_image(np.zeros((4, 4)), (0, 2))
