#!/usr/bin/env python3
"""Writes the bzip2 fuzz target's seeds, fuzz/seeds/bzip2/.

Small streams (43 to 410 bytes) compressed with libbzip2 through
Python's bz2 module. Most hold blocks whose text is a word repeated: such
a block's inverse transform is several cycles, not one, and its blocks are
long enough (over 64 Ki bytes before the final run-length stage) for the
decoder's segmented walk. The others are near misses that are one cycle.

    python3 fuzz/make_bzip2_seeds.py
    cargo +nightly fuzz run bzip2 fuzz/corpus/bzip2 fuzz/seeds/bzip2

fuzz/corpus/ is the fuzzer's own, git-ignored (libFuzzer adds new inputs
to the first folder given); the seeds are committed in their own folder.
"""
import bz2
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "bzip2")


def repeated(word: bytes, length: int) -> bytes:
    return (word * (length // len(word) + 1))[:length]


def main() -> None:
    word100 = random.Random(100).randbytes(100)
    word7 = random.Random(7).randbytes(7)
    seeds = {
        # Periodic blocks.
        "abc-90000-l1": (b"abc" * 30_000, 1),
        "abc-90000-l9": (b"abc" * 30_000, 9),
        # One byte: runs of 255 become the five bytes xxxx + 251.
        "one-byte-16000-runs-l1": (b"x" * (255 * 16_000), 1),
        "one-byte-16000-runs-l9": (b"\0" * (255 * 16_000), 9),
        "random-word-100-x700-l9": (word100 * 700, 9),
        # Level 1 blocks hold 99 981 bytes, a multiple of 7: three
        # periodic blocks and a last one that is not.
        "random-word-7-350000-l1": (repeated(word7, 350_000), 1),
        "aaaab-x16000-l1": (b"aaaab" * 16_000, 1),
        # One cycle: the period does not divide the block.
        "ab-70001-l9": (repeated(b"ab", 70_001), 9),
        "one-byte-16000-runs-and-100-l9": (b"x" * (255 * 16_000 + 100), 9),
    }
    os.makedirs(OUT, exist_ok=True)
    for name, (text, level) in seeds.items():
        packed = bz2.compress(text, compresslevel=level)
        assert bz2.decompress(packed) == text
        with open(os.path.join(OUT, name + ".bz2"), "wb") as f:
            f.write(packed)
        print(f"{name}.bz2: {len(text)} bytes -> {len(packed)}")


if __name__ == "__main__":
    main()
