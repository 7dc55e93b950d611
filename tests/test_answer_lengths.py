"""The length budget: every answer fits a phone screen in every language (issue 13).

The answer itself at most 300 characters (Japanese 150), the whole reply with its source and confirm lines at most 450.
Translators check their language with `python -m pytest tests/test_answer_lengths.py -k <lang>`.
"""

import datetime as dt

import pytest

from bot.answering import catalog as translation
from bot.answering import knowledge
from bot.answering.rendering import Renderer, over_budget
from bot.settings import ROOT
from bot.understanding.language import SERVED


@pytest.fixture(scope="module")
def renderer():
    return Renderer(knowledge.load(ROOT / "knowledge"), translation.load(ROOT / "translations"))


@pytest.mark.parametrize("lang", SERVED)
@pytest.mark.parametrize("today", [dt.date(2026, 12, 7), dt.date(2026, 12, 29)])  # an open day, a closed one
def test_every_answer_fits_the_budget(renderer, lang, today):
    assert over_budget(renderer, lang, today) == []
