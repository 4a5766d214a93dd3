"""Tests of interview/models/: the data-model contract and deletion cascades."""
