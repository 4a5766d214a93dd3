"""The fake OpenAI server itself, spoken to with plain HTTP from the standard library."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeResponse, free_port, split_tokens, unused_base_url

CHAT = {"model": "m", "messages": [{"role": "user", "content": "Hi there"}]}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def connect(fake_openai):
    """Open plain HTTP connections to the fake server; all are closed after the test."""
    opened: list[http.client.HTTPConnection] = []

    def open_connection(timeout: float = 5.0) -> http.client.HTTPConnection:
        opened.append(http.client.HTTPConnection("127.0.0.1", fake_openai.port, timeout=timeout))
        return opened[-1]

    yield open_connection
    for conn in opened:
        conn.close()


@pytest.fixture
def post(connect):
    def send(body: dict, timeout: float = 5.0) -> http.client.HTTPResponse:
        conn = connect(timeout)
        conn.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
        return conn.getresponse()

    return send


def sse_payloads(raw: bytes) -> list[str]:
    return [line[len("data: ") :] for line in raw.decode().split("\n\n") if line.startswith("data: ")]


def test_fake_openai_streams_sse_chunks(fake_openai, post):
    fake_openai.configure(text="One two three.")
    payloads = sse_payloads(post(CHAT | {"stream": True}).read())
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert payloads[-1] == "[DONE]"
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"]) == "One two three."


def test_fake_openai_stream_is_event_stream(fake_openai, post):
    response = post(CHAT | {"stream": True})
    assert response.getheader("Content-Type").startswith("text/event-stream")


def test_fake_openai_stream_usage_only_when_asked(fake_openai, post):
    plain = sse_payloads(post(CHAT | {"stream": True}).read())
    asked = sse_payloads(post(CHAT | {"stream": True, "stream_options": {"include_usage": True}}).read())
    assert "usage" not in json.loads(plain[-2]) and json.loads(asked[-2])["usage"]["total_tokens"] > 0


def test_fake_openai_stream_reports_model(fake_openai, post):
    fake_openai.configure(model="served-model")
    payloads = sse_payloads(post(CHAT | {"stream": True}).read())
    assert {json.loads(p)["model"] for p in payloads[:-1]} == {"served-model"}


def test_fake_openai_non_stream_returns_completion(fake_openai, post):
    fake_openai.configure(text='{"ok": true}', prompt_tokens=9, completion_tokens=4)
    body = json.loads(post(CHAT).read())
    assert body["choices"][0]["message"]["content"] == '{"ok": true}'
    assert body["usage"] == {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}


def test_fake_openai_records_request_bodies(fake_openai, post):
    post(CHAT).read()
    assert fake_openai.requests == [CHAT]


def test_fake_openai_script_is_consumed_in_order(fake_openai, post):
    fake_openai.enqueue(FakeResponse(text="first"), FakeResponse(text="second"))
    texts = [json.loads(post(CHAT).read())["choices"][0]["message"]["content"] for _ in range(3)]
    assert texts == ["first", "second", fake_openai.default.text]


def test_fake_openai_responder_sees_request(fake_openai, post):
    fake_openai.responder = lambda body: FakeResponse(text=body["messages"][-1]["content"].upper())
    assert json.loads(post(CHAT).read())["choices"][0]["message"]["content"] == "HI THERE"


def test_fake_openai_429_sends_retry_after(fake_openai, post):
    fake_openai.configure(status=429, retry_after=1.5)
    response = post(CHAT)
    assert (response.status, response.getheader("Retry-After")) == (429, "1.5")


def test_fake_openai_500_sends_error_body(fake_openai, post):
    fake_openai.configure(status=500)
    response = post(CHAT)
    assert response.status == 500 and "error" in json.loads(response.read())


def test_fake_openai_rejects_configured_response_format(fake_openai, post):
    fake_openai.reject_response_formats = {"json_schema"}
    response = post(CHAT | {"response_format": {"type": "json_schema", "json_schema": {}}})
    assert response.status == 400 and json.loads(response.read())["error"]["param"] == "response_format"


def test_fake_openai_llama_cpp_mode_refuses_json_schema_with_500(fake_openai, post):
    fake_openai.refuse_formats("llama_cpp")
    response = post(CHAT | {"response_format": {"type": "json_schema", "json_schema": {}}})
    message = json.loads(response.read())["error"]["message"]
    assert response.status == 500 and "response_format" in message and "Input should be 'text'" in message


def test_fake_openai_llama_cpp_mode_accepts_json_object_with_schema(fake_openai, post):
    fake_openai.refuse_formats("llama_cpp")
    response = post(CHAT | {"response_format": {"type": "json_object", "schema": {"type": "object"}}})
    assert response.status == 200 and fake_openai.requests[0]["response_format"]["schema"] == {"type": "object"}


def test_fake_openai_unprocessable_mode_refuses_json_object_with_422(fake_openai, post):
    fake_openai.refuse_formats("unprocessable")
    response = post(CHAT | {"response_format": {"type": "json_object"}})
    assert response.status == 422 and json.loads(response.read())["detail"][0]["loc"][1] == "response_format"


def test_fake_openai_unprocessable_mode_accepts_plain_requests(fake_openai, post):
    fake_openai.refuse_formats("unprocessable")
    assert post(CHAT).status == 200


def test_fake_openai_break_after_cuts_the_body(fake_openai, post):
    fake_openai.configure(break_after=2)
    response = post(CHAT | {"stream": True})
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        response.read()


def test_fake_openai_stall_sends_nothing_more(fake_openai, post):
    fake_openai.configure(stall_after=1)
    response = post(CHAT | {"stream": True}, timeout=0.3)
    with pytest.raises(TimeoutError):
        response.read()


def test_fake_openai_sees_client_disconnect(fake_openai, connect):
    fake_openai.configure(stall_after=1)
    conn = connect()
    conn.request("POST", "/v1/chat/completions", json.dumps(CHAT | {"stream": True}))
    conn.getresponse()
    conn.close()
    assert fake_openai.received[0].disconnected.wait(2)


def test_fake_openai_keeps_connection_alive(fake_openai, connect):
    conn = connect()
    for _ in range(2):
        conn.request("POST", "/v1/chat/completions", json.dumps(CHAT | {"stream": True}))
        conn.getresponse().read()
    assert len(fake_openai.received) == 2 and len({request.peer for request in fake_openai.received}) == 1


def test_fake_openai_lists_models(fake_openai, connect):
    conn = connect()
    conn.request("GET", "/v1/models")
    assert json.loads(conn.getresponse().read())["data"][0]["id"] == fake_openai.default.model


def test_unused_base_url_refuses_connections():
    port = int(unused_base_url().rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_split_tokens_joins_back_exactly():
    text = "  Hello,  world!\nNew line. "
    assert "".join(split_tokens(text)) == text


def test_fake_openai_runs_as_a_process():
    port = free_port()
    command = [sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port), "--text", "From a process."]
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        assert "listening" in process.stdout.readline()
        conn.request("POST", "/v1/chat/completions", json.dumps(CHAT))
        assert json.loads(conn.getresponse().read())["choices"][0]["message"]["content"] == "From a process."
    finally:
        conn.close()
        process.terminate()
        process.communicate(timeout=5)
