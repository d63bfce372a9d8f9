#!/usr/bin/env python3
"""Hostile inputs for kenning build's memory bounds (issue 14).

Writes, into OUT (a folder, created if missing):

  huge-page.xml        a MediaWiki export with one article of about --page-mb MB of
                       plain text with links, and one small article it links to
  four-pages.xml       four articles of about --four-mb MB each (same shape)
  long-line.jsonl.gz   a concepts JSONL (gzip) whose second line is one record of
                       about --jsonl-mb MB (the first line is a small valid record)
  long-line-extracted/AA/wiki_00
                       WikiExtractor output: one small <doc>, then a <doc> whose
                       body is one line of about --extracted-mb MB

Every file is rewritten only when missing or when its parameters changed (a
`.params` file beside it remembers them). Python 3, standard library only.

    python3 bench/hostile_inputs.py bench/out/hostile
    python3 bench/hostile_inputs.py /tmp/h --page-mb 20 --four-mb 10 --jsonl-mb 50 --extracted-mb 20
"""

import argparse
import gzip
import json
import os
import sys

MB = 1_000_000

# One paragraph of plain text with two links to the small article; about 400 bytes.
PARAGRAPH = (
    "The harbour of Merrowby was dredged in the spring, and the ferry to "
    "[[Kettle Island]] resumed its crossings after a winter of storms. Fishing boats "
    "moored along the quay while the lighthouse keeper logged the tides, the wind "
    "and the passing of [[Kettle Island|the island ferry]] twice a day, as the "
    "town council had asked since the old pier was rebuilt in stone.\n\n"
)
SMALL = "'''Kettle Island''' is a small island in the lake, reached by ferry from the town."


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


HEAD = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">
  <siteinfo>
    <sitename>Hostile</sitename>
    <dbname>hostilewiki</dbname>
    <base>https://hostile.example/wiki/Main_Page</base>
    <generator>bench/hostile_inputs.py</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"""


def page_start(title, page_id):
    return (
        f"  <page>\n    <title>{xml_escape(title)}</title>\n    <ns>0</ns>\n"
        f"    <id>{page_id}</id>\n    <revision>\n      <id>{page_id}</id>\n"
        f"      <timestamp>2024-01-01T00:00:00Z</timestamp>\n"
        f'      <text xml:space="preserve">'
    )


PAGE_END = "</text>\n    </revision>\n  </page>\n"


def write_repeated(f, unit, total):
    """Writes `unit` (bytes) repeatedly until about `total` bytes are written."""
    chunk = unit * max(1, (1 << 20) // len(unit))
    written = 0
    while written + len(chunk) <= total:
        f.write(chunk)
        written += len(chunk)
    while written < total:
        f.write(unit)
        written += len(unit)


def write_dump(path, sizes_mb):
    with open(path, "wb") as f:
        f.write(HEAD.encode())
        f.write((page_start("Kettle Island", 1) + xml_escape(SMALL) + PAGE_END).encode())
        for i, size in enumerate(sizes_mb):
            f.write(page_start(f"Huge page {i + 1}", 100 + i).encode())
            write_repeated(f, xml_escape(PARAGRAPH).encode(), size * MB)
            f.write(PAGE_END.encode())
        f.write(b"</mediawiki>\n")


def write_jsonl_gz(path, size_mb):
    with gzip.open(path, "wb", compresslevel=6) as f:
        small = {"title": "Kettle Island", "text": SMALL}
        f.write(json.dumps(small).encode() + b"\n")
        f.write(b'{"title": "Long line", "text": "')
        sentence = "The ferry crosses the lake to Kettle Island twice a day. "
        write_repeated(f, sentence.encode(), size_mb * MB)
        f.write(b'"}\n')


def write_extracted(folder, size_mb):
    path = os.path.join(folder, "AA", "wiki_00")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b'<doc id="1" url="https://hostile.example/?curid=1" title="Kettle Island">\n')
        f.write(b"Kettle Island\n\nKettle Island is a small island in the lake.\n</doc>\n")
        f.write(b'<doc id="2" url="https://hostile.example/?curid=2" title="Long line">\n')
        f.write(b"Long line\n\n")
        sentence = b"The ferry crosses the lake to Kettle Island twice a day. "
        write_repeated(f, sentence, size_mb * MB)
        f.write(b"\n</doc>\n")
    return path


def fresh(path, params):
    """True when `path` exists and was written with `params`."""
    try:
        with open(path + ".params") as f:
            return os.path.exists(path) and f.read() == params
    except OSError:
        return False


def remember(path, params):
    with open(path + ".params", "w") as f:
        f.write(params)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--page-mb", type=int, default=480)
    ap.add_argument("--four-mb", type=int, default=300)
    ap.add_argument("--jsonl-mb", type=int, default=2500)
    ap.add_argument("--extracted-mb", type=int, default=1000)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    jobs = [
        ("huge-page.xml", args.page_mb, lambda p: write_dump(p, [args.page_mb])),
        ("four-pages.xml", args.four_mb, lambda p: write_dump(p, [args.four_mb] * 4)),
        ("long-line.jsonl.gz", args.jsonl_mb, lambda p: write_jsonl_gz(p, args.jsonl_mb)),
        (
            "long-line-extracted",
            args.extracted_mb,
            lambda p: write_extracted(p, args.extracted_mb),
        ),
    ]
    for name, size, write in jobs:
        path = os.path.join(args.out, name)
        params = f"{name} {size}\n"
        if fresh(path, params):
            print(f"{path}: up to date", file=sys.stderr)
            continue
        print(f"{path}: writing ({size} MB)", file=sys.stderr)
        write(path)
        remember(path, params)


if __name__ == "__main__":
    main()
