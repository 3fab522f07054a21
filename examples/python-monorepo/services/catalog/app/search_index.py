"""Pushes product changes to the search service's index."""
import functools
import json
import logging

import requests

logger = logging.getLogger(__name__)


class IndexClient(object):
    def __init__(self, base_url, session=None):
        self.base_url = base_url
        self.http = session or requests.Session()

    def push(self, product):
        url = "%s/documents/%s" % (self.base_url, product.id)
        response = self.http.put(url, data=product.json(exclude={"kind"}))
        response.raise_for_status()
        return response.json()


class RetryingIndexClient(IndexClient):
    def __init__(self, base_url, attempts=3):
        super(RetryingIndexClient, self).__init__(base_url)
        self.attempts = attempts

    def push(self, product):
        for attempt in range(self.attempts):
            try:
                return super(RetryingIndexClient, self).push(product)
            except IOError:
                logger.warning("index push failed (attempt %d)", attempt + 1)
        raise IOError("search index unreachable")


@functools.lru_cache(maxsize=None)
def index_settings():
    with open("search/index_settings.json", "r") as handle:
        return json.load(handle)
