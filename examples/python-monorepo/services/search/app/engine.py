"""A small in-memory inverted index (written for Python 2.7, still running)."""
from __future__ import division, print_function

import json
from collections import defaultdict
from typing import DefaultDict, Dict, List, Set, Text

from pydantic import parse_obj_as

from .schemas import SearchHit, Synonyms


class SearchEngine(object):
    def __init__(self):
        self.postings: DefaultDict[Text, Set[int]] = defaultdict(set)
        self.documents: Dict[int, Dict[Text, object]] = {}
        self.synonyms = None

    def load(self, path: Text) -> None:
        with open(path, "r", encoding="utf-8") as handle:
            documents = json.load(handle)
        for document in documents:
            self.add(document)

    def load_synonyms(self, path: Text) -> None:
        self.synonyms = Synonyms.parse_file(path)

    def add(self, document: Dict[Text, object]) -> None:
        product_id = int(document["product_id"])
        self.documents[product_id] = document
        for token in str(document.get("name", "")).lower().split():
            self.postings[token].add(product_id)

    def search(self, query: Text, tags: List[Text], limit: int) -> List[SearchHit]:
        scores: Dict[int, float] = defaultdict(float)
        for token in query.lower().split():
            for product_id in self.postings.get(token, ()):
                scores[product_id] += 1 / len(self.postings[token])
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]
        raw = [{"product_id": product_id, "score": score} for product_id, score in ranked]
        return parse_obj_as(List[SearchHit], raw)

    def warm_cache(self) -> None:
        self.search("warmup", [], 1)

    def flush(self) -> None:
        self.postings.clear()
