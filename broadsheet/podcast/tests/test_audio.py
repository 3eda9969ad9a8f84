"""Audio is served with Range requests, HEAD and validators, streamed from storage."""

import gc
import tracemalloc

import pytest
from django.core.files.storage import default_storage

from broadsheet.podcast.ranges import Unsatisfiable, parse_range
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(publication):
    return factories.make_episode(factories.make_show(publication["home"]), seconds=3)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_parse_range_cases():
    assert parse_range(None, 100) is None
    assert parse_range("bytes=0-9", 100) == [(0, 9)]
    assert parse_range("bytes=-500", 100) == [(0, 99)]
    assert parse_range("bytes=90-", 100) == [(90, 99)]
    assert parse_range("bytes=0-0, 5-1000", 100) == [(0, 0), (5, 99)]
    assert parse_range("items=0-1", 100) is None
    assert parse_range("bytes=" + ",".join(["0-1"] * 17), 100) is None
    for bad in (
        "bytes=abc",
        "bytes=9-3",
        "bytes=100-",
        "bytes=-0",
        "bytes=",
        "bytes=-",
    ):
        with pytest.raises(Unsatisfiable):
            parse_range(bad, 100)


def test_ranges_first_middle_suffix_open_ended(client, episode):
    url = episode.audio_path()
    data = default_storage.open(episode.audio.file.name).read()
    size = len(data)
    whole = client.get(url)
    assert whole.status_code == 200 and body(whole) == data
    assert whole["Content-Length"] == str(size)
    assert whole["Content-Type"] == "audio/mpeg"
    assert whole["Accept-Ranges"] == "bytes"
    assert "public" in whole["Cache-Control"] and whole["ETag"]
    assert not whole.cookies
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=1000-1999": (1000, 1999),
        "bytes=-500": (size - 500, size - 1),
        "bytes=2000-": (2000, size - 1),
    }
    for header, (start, end) in cases.items():
        response = client.get(url, HTTP_RANGE=header)
        assert response.status_code == 206, header
        assert response["Content-Range"] == f"bytes {start}-{end}/{size}"
        assert response["Content-Length"] == str(end - start + 1)
        assert body(response) == data[start : end + 1]


def test_multiple_ranges_are_multipart(client, episode):
    data = default_storage.open(episode.audio.file.name).read()
    response = client.get(episode.audio_path(), HTTP_RANGE="bytes=0-9,100-119")
    assert response.status_code == 206
    content_type = response["Content-Type"]
    assert content_type.startswith("multipart/byteranges; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    payload = body(response)
    assert len(payload) == int(response["Content-Length"])
    parts = payload.split(b"--" + boundary)
    assert parts[-1] == b"--\r\n"
    first, second = (part.split(b"\r\n\r\n", 1) for part in parts[1:3])
    assert f"Content-Range: bytes 0-9/{len(data)}".encode() in first[0]
    assert first[1] == data[:10] + b"\r\n"
    assert second[1] == data[100:120] + b"\r\n"


def test_bad_ranges_head_and_conditional(client, episode):
    url = episode.audio_path()
    size = episode.audio.file.size
    for header in ("bytes=999999999-", "bytes=abc", "bytes=50-10"):
        response = client.get(url, HTTP_RANGE=header)
        assert response.status_code == 416, header
        assert response["Content-Range"] == f"bytes */{size}"
    head = client.head(url, HTTP_RANGE="bytes=0-99")
    assert head.status_code == 206 and head["Content-Length"] == "100"
    assert head.content == b""
    head = client.head(url)
    assert head.status_code == 200 and head["Content-Length"] == str(size)
    etag = head["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200
    assert client.get(url.replace(".mp3", ".m4a")).status_code == 404
    assert client.post(url).status_code == 405
    assert client.get("/podcast/audio/99999999999999999999.mp3").status_code == 404


def test_a_200_mb_file_is_streamed_with_flat_memory(client, episode):
    name = episode.audio.file.name
    chunk = default_storage.open(name).read()
    path = default_storage.path(name)
    with open(path, "ab") as handle:  # grow the stored file to 200 MB
        block = b"\0" * (1024 * 1024)
        for _ in range(200):
            handle.write(block)
    size = default_storage.size(name)
    assert size > 200 * 1024 * 1024
    gc.collect()
    tracemalloc.start()
    response = client.get(episode.audio_path())
    received = 0
    for piece in response.streaming_content:
        received += len(piece)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    default_storage.delete(name)
    assert received == size and len(chunk) < size
    assert peak < 8 * 1024 * 1024, (
        f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"
    )


def test_overlapping_and_adjacent_ranges_are_coalesced():
    assert parse_range("bytes=" + ",".join(["0-"] * 16), 100) == [(0, 99)]
    assert parse_range("bytes=0-10,5-20", 100) == [(0, 20)]
    assert parse_range("bytes=0-9,10-19", 100) == [(0, 19)]
    assert parse_range("bytes=50-59,0-9,5-14", 100) == [(0, 14), (50, 59)]
    assert parse_range("bytes=0-9,11-19", 100) == [(0, 9), (11, 19)]
    assert parse_range("bytes=-10,0-", 100) == [(0, 99)]
    assert parse_range("bytes=90-95,-5", 100) == [(90, 99)]


def multipart_parts(response) -> list[tuple[str, bytes]]:
    boundary = response["Content-Type"].split("boundary=")[1].encode()
    payload = body(response)
    assert len(payload) == int(response["Content-Length"])
    parts = []
    for part in payload.split(b"--" + boundary)[1:-1]:
        head, data = part.split(b"\r\n\r\n", 1)
        content_range = next(
            line.split(b": ", 1)[1].decode()
            for line in head.split(b"\r\n")
            if line.startswith(b"Content-Range:")
        )
        parts.append((content_range, data.removesuffix(b"\r\n")))
    return parts


def test_sixteen_whole_file_ranges_send_the_file_once(client, episode):
    data = default_storage.open(episode.audio.file.name).read()
    size = len(data)
    response = client.get(
        episode.audio_path(), HTTP_RANGE="bytes=" + ",".join(["0-"] * 16)
    )
    assert response.status_code in (200, 206)
    assert not response["Content-Type"].startswith("multipart/")
    assert int(response["Content-Length"]) == size
    assert body(response) == data
    if response.status_code == 206:
        assert response["Content-Range"] == f"bytes 0-{size - 1}/{size}"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-10,5-20", [(0, 20)]),
        ("bytes=0-9,10-19", [(0, 19)]),
        ("bytes=100-199,0-9,5-50,150-300", [(0, 50), (100, 300)]),
        ("bytes=0-9,20-29", [(0, 9), (20, 29)]),
    ],
)
def test_ranges_are_coalesced_on_the_wire(client, episode, header, expected):
    data = default_storage.open(episode.audio.file.name).read()
    size = len(data)
    response = client.get(episode.audio_path(), HTTP_RANGE=header)
    assert response.status_code == 206
    if len(expected) == 1:
        ((start, end),) = expected
        assert response["Content-Range"] == f"bytes {start}-{end}/{size}"
        assert body(response) == data[start : end + 1]
        return
    parts = multipart_parts(response)
    assert parts == [
        (f"bytes {start}-{end}/{size}", data[start : end + 1])
        for start, end in expected
    ]


@pytest.mark.parametrize(
    "header",
    [
        "bytes=" + ",".join(["0-"] * 16),
        "bytes=" + ",".join(["-999999"] * 16),
        "bytes=" + ",".join(f"{i}-" for i in range(16)),
        "bytes=" + ",".join(f"0-{i * 500}" for i in range(16, 0, -1)),
        "bytes=" + ",".join(f"{i * 100}-{i * 100 + 150}" for i in range(16)),
        "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,-1,-2,-3,-4,-5,-6,-7,-8",
    ],
)
def test_bytes_sent_never_exceed_the_file(client, episode, header):
    size = episode.audio.file.size
    response = client.get(episode.audio_path(), HTTP_RANGE=header)
    assert response.status_code in (200, 206)
    if response["Content-Type"].startswith("multipart/"):
        parts = multipart_parts(response)
        assert sum(len(data) for _, data in parts) <= size
        framing = len(body(response)) - sum(len(data) for _, data in parts)
        assert framing <= 200 * len(parts)
    else:
        assert len(body(response)) <= size
