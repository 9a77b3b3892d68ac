"""The citation check on hand-written model answers: exactly which sentences pass, and why the others fail."""

from __future__ import annotations

import pytest

from assistant.citation_check import check_answer, missing_facts, names, split_claims
from assistant.markers import cited_numbers, strip_markers

LETTER = ("Annual assessment of Staffordshire and Stoke-on-Trent ICB (Staffordshire and Stoke-on-Trent ICB · 2023/24)"
          " — letter · 31 Jul 2024 · Section 4 · no pages\n"
          "In the financial year 2023/24, the system's reported financial performance was £90.7m deficit against an "
          "initial plan of break-even. Total system efficiencies delivered were £174.9m; 6.8% of system allocation.")
MINUTES = ("Board meeting in public (Derby and Derbyshire ICB · 2024/25) — meeting pack · 17 Oct 2024 · Item 7 · p. 4\n"
           "Report of: the Remuneration Committee; Chair: Josie Spencer. The SBAF contains eight strategic risks. "
           "The Board approved the plan on 26 September 2024.")
SOURCES = {1: LETTER, 2: MINUTES}


def verdicts(text: str) -> list[tuple[str, str]]:
    return [(s.claim, s.problem) for s in check_answer(text, SOURCES).sentences]


def test_faithful_sentences_pass_whatever_the_marker_style():
    text = ("The system reported a £90.7 million deficit in 2023-24 [1]. Efficiencies came to £174.9m, "
            "6.8% of allocation. [1]\n- Josie Spencer chairs the Remuneration Committee [2].\n"
            "**The SBAF has 8 strategic risks** [2]. The plan was approved on 26 September 2024 [1, 2].")
    result = check_answer(text, SOURCES)
    assert [s.problem for s in result.sentences] == ["", "", "", "", ""]
    assert [s.cites for s in result.sentences] == [(1,), (1,), (2,), (2,), (1, 2)]
    assert result.sentences[1].claim == "Efficiencies came to £174.9m, 6.8% of allocation."


def test_invented_figures_dates_and_names_are_dropped_with_the_reason():
    got = verdicts("The deficit was £95.2m [1]. Efficiencies were £175m [1]. John Smith chairs the committee [2]. "
                   "The SBAF contains nine strategic risks [2]. The plan was approved on 12 March 2024 [2]. "
                   "The letter covers 2022/23 [1]. It was sent in August 2024 [1].")
    assert got == [
        ("The deficit was £95.2m.", "“95.2” is not in source [1]"),
        ("Efficiencies were £175m.", "“175” is not in source [1]"),
        ("John Smith chairs the committee.", "“John Smith” is not in source [2]"),
        ("The SBAF contains nine strategic risks.", "“nine” is not in source [2]"),
        ("The plan was approved on 12 March 2024.", "“12 March 2024” is not in source [2]"),
        ("The letter covers 2022/23.", "“2022/23” is not in source [1]"),
        ("It was sent in August 2024.", "“August 2024” is not in source [1]"),
    ]


def test_a_fact_must_be_in_the_source_cited_not_in_another_one():
    got = verdicts("Josie Spencer reported a £90.7m deficit [1].")
    assert got == [("Josie Spencer reported a £90.7m deficit.", "“Josie Spencer” is not in source [1]")]
    assert verdicts("Josie Spencer reported a £90.7m deficit [1][2].")[0][1] == ""


def test_wrong_missing_and_repeated_markers_are_dropped():
    got = verdicts("The deficit was £90.7m [3]. The deficit was £90.7m. The deficit was £90.7m [1]. "
                   "The deficit was £90.7m [1].")
    assert got == [
        ("The deficit was £90.7m.", "cites [3], which is not one of the 2 sources sent"),
        ("The deficit was £90.7m.", "cites no source"),
        ("The deficit was £90.7m.", ""),
        ("The deficit was £90.7m.", "repeats an earlier sentence"),
    ]


def test_a_figure_is_matched_as_written_not_as_part_of_another():
    assert missing_facts("Allocation rose 8%.", LETTER) == ["8"]  # "6.8%" is not "8%"
    assert missing_facts("It was 90.7.", LETTER) == []
    assert missing_facts("It was 0.7 or 174.9 million.", LETTER) == ["0.7"]


def test_codes_with_figures_are_checked_whole():
    evidence = "Performance report — Q2 · p. 3\nIn Q2 the COVID-19 backlog was 140 cases."
    assert missing_facts("In Q2 the COVID-19 backlog was 140 cases.", evidence) == []
    assert missing_facts("In Q3 the backlog was 140 cases.", evidence) == ["Q3"]
    assert missing_facts("At M5 it was 141.", evidence) == ["141", "M5"]


def test_names_are_runs_of_capitalised_words_and_acronyms():
    assert names("NHS England said the Chief Finance Officer, Jane Doe, reported on Stoke-on-Trent's deficit.") == [
        "NHS England", "Chief Finance Officer", "Jane Doe", "Stoke-on-Trent"]
    assert names("Total system efficiencies rose in March.") == []  # an opening capital, a month
    assert names("SBAF risks rose.") == ["SBAF"]  # an acronym that opens the sentence is still a name


@pytest.mark.parametrize("text, expected", [
    ("One. [1] Two [2]. Three.", [("One [1].", (1,)), ("Two [2].", (2,)), ("Three.", ())]),
    ("- **First** [1]\n- Second [2][3]", [("First [1]", (1,)), ("Second [2][3]", (2, 3))]),
])
def test_split_claims_keeps_each_marker_with_its_sentence(text, expected):
    assert split_claims(text) == expected


def test_markers():
    assert cited_numbers("A [2]. B [1, 2]. C [3; 1]. A link [4](x).") == [2, 1, 3]
    assert strip_markers("The deficit was £90.7m [1]. Next [2] .") == "The deficit was £90.7m. Next."
