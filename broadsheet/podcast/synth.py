"""Audio made on the spot for the demo and tests: tones encoded to MP3 with lameenc."""

import array
import math

import lameenc

SAMPLE_RATE = 22050


def tone_mp3(
    seconds: float, notes: tuple[float, ...] = (440.0,), *, bitrate=64
) -> bytes:
    """Return an MP3 of a gentle melody cycling through ``notes`` (Hz), mono."""
    samples = array.array("h")
    step = max(int(SAMPLE_RATE * 0.5), 1)  # one note every half second
    for index in range(int(seconds * SAMPLE_RATE)):
        frequency = notes[(index // step) % len(notes)]
        envelope = min(1.0, (index % step) / 400, (step - index % step) / 400)
        value = 0.3 * envelope * math.sin(2 * math.pi * frequency * index / SAMPLE_RATE)
        samples.append(int(value * 32767))
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return encoder.encode(samples.tobytes()) + encoder.flush()
