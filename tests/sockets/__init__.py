"""Tests of interview/live/ in-process: protocol, generation, clock, groups and the sockets through WebsocketCommunicator (tests/live/ runs a real daphne)."""
