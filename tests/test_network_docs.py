"""The examples in the network modules' docstrings run and give what they say."""

from __future__ import annotations

import doctest
import importlib

import matplotlib
import pytest

MODULES = ["mentorkit.network", "mentorkit.network._backend", "mentorkit.network.builders",
           "mentorkit.network.metrics", "mentorkit.network.community",
           "mentorkit.network.timeline", "mentorkit.network.referral",
           "mentorkit.network.generate", "mentorkit.network.interpret",
           "mentorkit.network.published", "mentorkit.plots.network"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.attempted > 0 and result.failed == 0


def test_public_api_is_explicit() -> None:
    from mentorkit import network

    assert sorted(network.__all__) == sorted(set(network.__all__))
    for name in network.__all__:
        assert hasattr(network, name), name
