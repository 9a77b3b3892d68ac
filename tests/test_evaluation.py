"""The metric definitions of ../shared/eval/README.md, on hand-made answers."""

import datetime as dt

from assistant.evaluation import Item, quote_found, score_item, summarise, tokens
from assistant.types import Answer, Chunk, Citation, Document, Passage

DOC = Document("d1", "a.txt", "Letter", "letter", "X ICB", dt.date(2024, 7, 31), "2023/24", "0" * 64)


def passage(text: str, rank: int = 1, pages=(None, None)) -> Passage:
    chunk = Chunk(f"d1:{rank:05d}", "d1", text, pages[0], pages[1], ("Section 1",), 0, len(text))
    return Passage(chunk, DOC, 1.0 / rank, rank)


def test_tokens_drop_html_and_bold_markup():
    assert tokens("<p>The **SBAF** includes</p> eight") == ["the", "sbaf", "includes", "eight"]


def test_quote_found_needs_a_contiguous_run_of_sixty_percent():
    quote = "one two three four five six seven eight nine ten"
    assert quote_found(quote, "xx one two three four five six yy")  # 6 of 10 contiguous
    assert not quote_found(quote, "one two three four five xx six seven eight nine ten")  # runs of 5
    assert quote_found(quote, "ONE two <b>three</b> four five six seven")


def test_answer_metrics_need_every_pattern_and_a_cited_evidence_passage():
    item = Item("q1", "What was the deficit?", "numeric", (r"90\.7\s*m", r"break-?even"),
                ({"doc": "x", "quote": "the system's reported financial performance was £90.7m deficit"},))
    good = passage("In 2023/24 the system's reported financial performance was £90.7m deficit against break-even.")
    other = passage("Unrelated text about estates.", rank=1)
    good_second = passage(good.chunk.text, rank=2)
    right = Answer("q", "A £90.7m deficit against break-even [1].", (Citation(1, good, "…"),), (other, good_second),
                   False)
    r = score_item(item, right, 10.0, k=5)
    assert r.correct and r.cited and r.recall_rank == 2
    cites_wrong = Answer("q", "A £90.7m deficit against break-even [1].", (Citation(1, other, "…"),), (good,), False)
    r2 = score_item(item, cites_wrong, 10.0, k=5)
    assert r2.correct and not r2.cited
    half = Answer("q", "A £90.7m deficit [1].", (Citation(1, good, "…"),), (good,), False)
    assert not score_item(item, half, 1.0, 5).correct
    abstained = Answer("q", "£90.7m break-even", (), (good,), True)
    assert not score_item(item, abstained, 1.0, 5).correct


def test_summary_counts_abstention_both_ways_and_recall_at_k():
    ans_item = Item("a", "q", "numeric", ("x",), ({"doc": "d", "quote": "alpha beta gamma"},))
    un_item = Item("u", "q", "unanswerable", (), ())
    deep = [passage("filler", rank=i) for i in range(1, 6)] + [passage("alpha beta gamma", rank=6)]
    results = [
        score_item(ans_item, Answer("q", "x", (), tuple(deep), False), 5.0, 5),
        score_item(ans_item, Answer("q", "none", (), (passage("alpha beta gamma"),), True), 7.0, 5),
        score_item(un_item, Answer("q", "none", (), (), True), 9.0, 5),
    ]
    s = summarise(results, 5)
    assert s["recall@5"] == 50.0  # rank 6 misses, rank 1 hits
    assert s["answer_acc"] == 50.0
    assert s["abstain_ok"] == 100.0
    assert s["false_abstain"] == 50.0
    assert s["latency_p50_ms"] == 7.0
    assert abs(s["mrr"] - (1 / 6 + 1) / 2) < 1e-9


def test_page_recall_matches_file_stem_and_page_span():
    item = Item("f", "q", "novel", (), ({"doc": "FILING_10K", "quote": "revenue", "page": 4},))
    doc = Document("d2", "sub/FILING_10K.pdf", "Filing", "report", None, None, None, "0" * 64, pages=9)
    chunk = Chunk("d2:00001", "d2", "revenue grew", 3, 4, (), 0, 12)
    hit = score_item(item, Answer("q", "", (), (Passage(chunk, doc, 1.0, 1),), False), 1.0, 5)
    assert hit.page_hit is True
    chunk2 = Chunk("d2:00002", "d2", "revenue grew", 5, 6, (), 0, 12)
    miss = score_item(item, Answer("q", "", (), (Passage(chunk2, doc, 1.0, 1),), False), 1.0, 5)
    assert miss.page_hit is False
    assert summarise([hit, miss], 5)["page_recall@5"] == 50.0
