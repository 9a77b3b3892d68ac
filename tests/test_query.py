import datetime as dt

from assistant.query import analyse, comparison_sides, named_organisations, normalise_period, org_keys, period_of


def test_periods_dates_and_figures_are_told_apart():
    f = analyse("How many people were waiting more than 78 weeks as at 2 April 2023 in 2023/24?")
    assert f.periods == ("2023/24",)
    assert f.dates == (dt.date(2023, 4, 2),)
    assert f.numbers == ("78",)
    assert (2023, 4) in f.months


def test_period_forms_and_financial_year_of_a_month():
    assert normalise_period("plans for 2024-25 and 2023/2024, not 2019/21") == ["2024/25", "2023/24"]
    assert period_of(2024, 10) == "2024/25"
    assert period_of(2025, 3) == "2024/25"


def test_acronyms_and_content_terms():
    f = analyse("What is the SBAF, and how many strategic risks does it contain?")
    assert "SBAF" in f.acronyms
    assert "strategic" in f.terms and "the" not in f.terms


def test_organisations_are_named_by_their_distinctive_words():
    orgs = ["Derby and Derbyshire ICB", "Staffordshire and Stoke-on-Trent ICB", "Staffordshire and Stoke-on-Trent ICS"]
    assert org_keys("Derby and Derbyshire ICB") == {"derby", "derbyshire"}
    assert named_organisations(analyse("What did NHS England say about maternity in Derbyshire?"), orgs) == orgs[:1]
    assert named_organisations(analyse("Staffordshire's deficit in 2023/24"), orgs) == orgs[1:]
    assert named_organisations(analyse("What is the integrated care board's deficit?"), orgs) == []


def test_questions_split_into_the_parts_that_each_ask_something():
    from assistant.query import split_clauses

    assert split_clauses("What is the SBAF, and how many strategic risks does it contain?") == [
        "What is the SBAF", "how many strategic risks does it contain"]
    assert split_clauses("The plan aimed at 66.7%. What was the baseline at the time, and what did the system "
                         "achieve in 2024/25?") == ["What was the baseline at the time",
                                                   "what did the system achieve in 2024/25"]
    assert split_clauses("At the AGM, who asked about transport, and who answered?") == [
        "At the AGM, who asked about transport", "who answered"]
    assert split_clauses("Who chairs the ICB Remuneration Committee?") == ["Who chairs the ICB Remuneration Committee"]


def sides_of(facts, organisations):
    return comparison_sides(facts, organisations, named_organisations(facts, organisations))


def _doc(organisation: str, period: str = "2024/25"):
    from assistant.types import Document

    return Document(organisation, f"{organisation}.md", organisation, "report", organisation, None, period, "0")


def test_a_question_about_each_body_compares_the_bodies_of_the_papers():
    orgs = ["Leeds Teaching Hospitals NHS Trust", "Leeds and York Partnership NHS Foundation Trust"]
    sides = sides_of(analyse("How many Never Events did each trust report in 2024/25?"), orgs)
    assert [[side(_doc(o)) for o in orgs] for side in sides] == [[True, False], [False, True]]
    assert len(sides_of(analyse("Compare the two trusts' financial results."), orgs)) == 2
    assert sides_of(analyse("How many Never Events did the trust report?"), orgs) == []
    many = [f"Trust number {n}" for n in "abcdefgh"]
    assert sides_of(analyse("How many Never Events did each trust report?"), many) == []
    years = sides_of(analyse("Compare the deficit in 2023/24 and 2024/25."), orgs)
    assert [side(_doc(orgs[0], "2023/24")) for side in years] == [True, False]


def test_a_body_named_in_full_is_not_also_the_body_it_shares_a_word_with():
    from assistant.query import distinguishing_keys

    orgs = ["Leeds Teaching Hospitals NHS Trust", "Leeds and York Partnership NHS Foundation Trust"]
    assert named_organisations(analyse("Who chairs the Audit Committee at Leeds and York Partnership?"), orgs) == orgs[1:]
    assert named_organisations(analyse("What was the gender pay gap at Leeds Teaching Hospitals?"), orgs) == orgs[:1]
    assert named_organisations(analyse("What do the Leeds trusts spend?"), orgs) == orgs  # both, equally
    assert sides_of(analyse("What was the sickness rate at Leeds and York Partnership?"), orgs) == []
    assert distinguishing_keys(orgs[:1], orgs) == {"teaching"}
    assert distinguishing_keys(orgs, orgs) == {"leeds", "teaching", "york"}
    spellings = ["Derby and Derbyshire ICB", "NHS Derby and Derbyshire ICB", "Staffordshire ICB"]
    assert sides_of(analyse("What did Derbyshire report?"), spellings) == []  # one body, two spellings
    assert len(sides_of(analyse("Compare Derbyshire and Staffordshire."), spellings)) == 2


def test_a_filter_by_body_admits_the_body_named_not_one_sharing_a_word():
    from assistant.query import same_organisation

    assert same_organisation("Derby and Derbyshire ICB", "Derbyshire ICB")
    assert same_organisation("Leeds Teaching Hospitals NHS Trust", "Leeds Teaching Hospitals")
    assert not same_organisation("Leeds and York Partnership NHS Foundation Trust", "Leeds Teaching Hospitals")
    assert same_organisation("Leeds and York Partnership NHS Foundation Trust", "Leeds")  # ambiguous: both
    assert not same_organisation(None, "Leeds")


def test_a_body_called_by_its_initials_is_named():
    from assistant.query import org_acronyms

    orgs = ["Leeds Teaching Hospitals NHS Trust", "Leeds and York Partnership NHS Foundation Trust",
            "Derby and Derbyshire ICB"]
    assert org_acronyms(orgs[0]) == {"ltht"} and "lypft" in org_acronyms(orgs[1]) and "ddicb" in org_acronyms(orgs[2])
    assert named_organisations(analyse("Who chaired LTHT's Audit Committee?"), orgs) == orgs[:1]
    assert named_organisations(analyse("Compare LTHT and LYPFT."), orgs) == orgs[:2]
    assert named_organisations(analyse("What did the ICB report?"), orgs) == []
    assert org_acronyms("Acme") == frozenset()
