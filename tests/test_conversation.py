import datetime as dt

from assistant.conversation import is_follow_up, resolve
from assistant.types import Answer, Chunk, Citation, Document, Passage, Turn

DOC = Document("dx", "x.txt", "Annual assessment", "letter", "Derby and Derbyshire ICB", dt.date(2024, 7, 31),
               "2023/24", "0" * 64)


def turn(question: str, answer_text: str, abstained: bool = False) -> Turn:
    chunk = Chunk("dx:00001", "dx", answer_text, None, None, (), 0, len(answer_text))
    p = Passage(chunk, DOC, 1.0, 1)
    cites = () if abstained else (Citation(1, p, answer_text),)
    return Turn(question, Answer(question, answer_text, cites, (p,), abstained))


def test_a_standalone_question_is_left_alone():
    r = resolve("What was the system's deficit in 2023/24?", [])
    assert r.query == "What was the system's deficit in 2023/24?" and not r.is_follow_up and r.near == ()


def test_topic_shift_keeps_the_framing_not_the_old_topic():
    history = [turn("What did NHS England say about elective recovery in Derbyshire in 2023/24?", "Targets were missed [1].")]
    r = resolve("What about mental health?", history)
    assert r.is_follow_up
    assert "Derbyshire" in r.framing and "2023/24" in r.framing
    assert "Derbyshire" not in r.query  # framing steers documents; it is not searched for
    assert "elective" not in r.query.lower() and "elective" not in r.framing.lower()
    assert r.near == ("dx:00001",)  # what follows the passage the last answer cited is considered


def test_continuation_keeps_the_topic_and_pronouns_borrow_names():
    history = [turn("Who is the primary care partner member on the ICB board?", "Jack Aw is the partner member [1].")]
    r = resolve("Which PCN is he clinical director of?", history)
    assert "Jack Aw" in r.query
    r2 = resolve("And by when?", [turn("What compliance is the handover plan aiming for?", "95% [1].")])
    assert "handover" in r2.query


def test_long_self_contained_question_after_history_is_not_a_follow_up():
    history = [turn("What was the deficit?", "£1m [1].")]
    assert not is_follow_up("Which Derbyshire hypertension project won an award for engagement, and which award was it?",
                            history)


def test_a_follow_up_placed_in_time_keeps_the_last_topic():
    """"And the year before?" asks the last question again for another time: its topic is carried, its
    year stays framing, and the pieces of that year are not carried as figures."""
    history = [turn("What was the average sickness absence rate at Leeds and York Partnership in 2024/25?",
                    "5.97% [1].")]
    for follow_up in ("And the year before?", "And at the same point a year earlier?"):
        r = resolve(follow_up, history)
        assert "sickness absence" in r.query and "2024/25" in r.framing
        assert "2024" not in r.query and " 25" not in r.query
