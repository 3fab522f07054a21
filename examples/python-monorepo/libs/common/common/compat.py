# coding: utf-8
"""Helpers kept from the Python 2 days; new code should not need them."""
from __future__ import print_function

import io
import socket
import xml.etree.cElementTree as ET

import six
from six.moves.urllib.parse import urlencode


def to_text(value):
    if isinstance(value, six.binary_type):
        return value.decode("utf-8")
    return six.text_type(value)


def read_lines(path):
    with io.open(path, "rU") as handle:
        return handle.read().splitlines()


def parse_feed(path):
    with open(path, "r") as handle:
        return ET.parse(handle).getroot()


def is_port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except (socket.error, EnvironmentError):
        return False


def query_string(params):
    return urlencode(sorted(six.iteritems(params)))


class Registry(object):
    """Name to factory, filled at import time by the services."""

    def __init__(self):
        self._factories = {}

    def register(self, name, factory):
        self._factories[name] = factory

    def create(self, name, *args, **kwargs):
        return self._factories[name](*args, **kwargs)
