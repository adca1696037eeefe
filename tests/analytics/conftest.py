"""Fixtures for the analytics tests."""

from __future__ import annotations

import pytest
from analytics_hand import Hand

from bestvalue.engine import Warehouse


@pytest.fixture
def hand(warehouse: Warehouse) -> Hand:
    """A builder over a fresh, empty, migrated warehouse."""
    return Hand(warehouse)
