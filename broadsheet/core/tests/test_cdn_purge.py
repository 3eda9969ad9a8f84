"""Purges reach the CDN once, after every node has applied them, and none is lost."""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from broadsheet.core.pagecache.cdn import (
    CdnPurgeForwarder,
    FastlyTarget,
    VarnishTarget,
    purge_regex,
    targets_from,
)
from broadsheet.core.pagecache.coherence import purge_log

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """An HTTP server on loopback that notes every request (the CDN's side)."""

    def __init__(self, failures: int = 0):
        self.requests: list[tuple[str, str, dict, float]] = []
        self.failures = failures
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                recorder.requests.append(
                    (self.command, self.path, dict(self.headers), time.monotonic())
                )
                failing = recorder.failures > 0
                recorder.failures -= 1
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_BAN = do_POST = answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.requests) >= count, self.requests

    def close(self):
        self.server.shutdown()


@pytest.fixture
def recorder():
    server = Recorder()
    yield server
    server.close()


def test_the_regex_matches_whole_keys_only():
    pattern = re.compile(purge_regex(frozenset({"page:1", "tag-list:2"})))
    assert pattern.search("articles page:1")
    assert pattern.search("tag-list:2")
    assert not pattern.search("page:10 page:11")
    assert purge_regex(frozenset({"*"})) == "."


def test_a_purge_is_sent_once_after_the_nodes_had_time_to_apply_it(recorder):
    forwarder = CdnPurgeForwarder([VarnishTarget(recorder.url)], settle=0.6)
    forwarder.start()
    try:
        time.sleep(0.3)  # the forwarder has looked at the log once
        appended = time.monotonic()
        purge_log().append(frozenset({"page:7", "articles"}))
        recorder.wait_for(1)
        time.sleep(1.0)
    finally:
        forwarder.stop()
    assert len(recorder.requests) == 1
    method, _path, headers, sent = recorder.requests[0]
    assert method == "BAN"
    assert re.search(headers["X-Purge-Regex"], "section-list:3 page:7")
    assert sent - appended >= 0.6


def test_a_new_holder_forwards_what_came_while_nobody_held_the_lock(recorder):
    first = CdnPurgeForwarder([VarnishTarget(recorder.url)], settle=0.1)
    first.start()
    time.sleep(0.3)
    purge_log().append(frozenset({"page:1"}))
    recorder.wait_for(1)
    first.stop()  # the holder dies
    purge_log().append(frozenset({"page:2"}))  # a change while nobody forwards
    second = CdnPurgeForwarder([VarnishTarget(recorder.url)], settle=0.1)
    second.start()
    try:
        recorder.wait_for(2)
    finally:
        second.stop()
    assert re.search(recorder.requests[1][2]["X-Purge-Regex"], "page:2")
    assert not re.search(recorder.requests[1][2]["X-Purge-Regex"], "page:1")


def test_a_failed_purge_is_sent_again():
    recorder = Recorder(failures=1)
    forwarder = CdnPurgeForwarder([VarnishTarget(recorder.url)], settle=0.0)
    forwarder.start()
    try:
        time.sleep(0.3)
        purge_log().append(frozenset({"page:3"}))
        recorder.wait_for(2)
    finally:
        forwarder.stop()
        recorder.close()
    assert [request[0] for request in recorder.requests[:2]] == ["BAN", "BAN"]


def test_fastly_purges_by_surrogate_key(recorder):
    FastlyTarget("SVC1", "token-1", api=recorder.url).purge(
        frozenset({"page:4", "articles"})
    )
    FastlyTarget("SVC1", "token-1", api=recorder.url).purge(frozenset({"*"}))
    (method, path, headers, _), (_, path_all, _, _) = recorder.requests
    assert (method, path) == ("POST", "/service/SVC1/purge")
    assert headers["Surrogate-Key"] == "articles page:4"
    assert headers["Fastly-Key"] == "token-1"
    assert path_all == "/service/SVC1/purge_all"


def test_the_setting_is_parsed_and_a_bad_one_refused():
    targets = targets_from("varnish+http://10.0.0.5:6081, fastly://SVC", "tok")
    assert targets[0].address == "http://10.0.0.5:6081/"
    assert targets[1].service == "SVC"
    for bad in ("http://10.0.0.5", "fastly://SVC"):  # the second lacks a token
        with pytest.raises(ValueError, match="BROADSHEET_CDN_PURGE"):
            targets_from(bad, "")
