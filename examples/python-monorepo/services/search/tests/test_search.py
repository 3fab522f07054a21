from app.engine import SearchEngine


def test_finds_added_documents():
    engine = SearchEngine()
    engine.add({"product_id": 1, "name": "Blue mug"})
    hits = engine.search("mug", [], 10)
    assert [hit.product_id for hit in hits] == [1]
