#!/usr/bin/env python3
"""Check the output of make_dump.py.

    python3 bench/validate_dump.py OUT_PREFIX

- OUT_PREFIX.xml is well-formed (xml.etree iterparse); page ids and titles are unique;
- OUT_PREFIX-multistream.xml.bz2 decompresses (bzip2 -dc, and Python's bz2) to exactly the XML;
- its streams are: header+siteinfo, one per 100 pages, "</mediawiki>" last;
- every index line's offset is the start of the stream that holds that page (id and title);
- page counts agree (XML, index, streams);
- the share of links that resolve to a page of the dump is the same in copy 0 and the copies.
"""

import bz2
import hashlib
import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

LINK_RE = re.compile(r"\[\[([^\[\]\|\{\}<>\n#]*)")


def norm(t):
    t = " ".join(t.replace("_", " ").split())
    if t.startswith(":"):
        t = t[1:].lstrip()
    return t[:1].upper() + t[1:]


def fail(msg):
    sys.exit(f"validate_dump: FAIL: {msg}")


def main():
    prefix = sys.argv[1]
    xml_path = prefix + ".xml"
    bz_path = prefix + "-multistream.xml.bz2"
    idx_path = prefix + "-multistream-index.txt"

    # 1. well-formed XML, unique ids and titles, link statistics
    ids, titles, pages = set(), set(), []
    links_per_copy = {}  # copy -> [links, resolved]
    redirects = {}
    for _ev, el in ET.iterparse(xml_path, events=("end",)):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag != "page":
            continue
        ns = el.tag[: -len("page")]
        title = el.findtext(ns + "title")
        pid = int(el.findtext(ns + "id"))
        text = el.findtext(f"{ns}revision/{ns}text") or ""
        red = el.find(ns + "redirect")
        if pid in ids:
            fail(f"duplicate page id {pid}")
        if title in titles:
            fail(f"duplicate title {title!r}")
        ids.add(pid)
        titles.add(title)
        m = re.search(r" \(copy (\d+)\)$", title)
        copy = int(m.group(1)) if m else 0
        targets = [norm(t) for t in LINK_RE.findall(text)]
        pages.append((pid, title, copy, targets))
        if red is not None:
            redirects[title] = (copy, red.get("title"))
        el.clear()
    for _pid, _title, copy, targets in pages:
        st = links_per_copy.setdefault(copy, [0, 0, 0])
        for t in targets:
            st[0] += 1
            if t in titles:
                st[1] += 1
                m = re.search(r" \(copy (\d+)\)$", t)
                if (int(m.group(1)) if m else 0) != copy:
                    st[2] += 1  # resolves, but into another copy
    for copy, (n, ok, cross) in sorted(links_per_copy.items()):
        if cross:
            fail(f"copy {copy}: {cross} links point into another copy")
    base = links_per_copy[0]
    for copy, (n, ok, _c) in sorted(links_per_copy.items()):
        if copy and copy != max(links_per_copy) and (n, ok) != (base[0], base[1]):
            fail(f"copy {copy}: {ok}/{n} links resolve, copy 0: {base[1]}/{base[0]}")
    last = max(links_per_copy)  # the last copy may be cut short, so its targets may be missing
    bad_red = [t for t, (c, target) in redirects.items()
               if 0 < c < last and target.rsplit(" (copy ", 1)[0] in titles and target not in titles]
    if bad_red:
        fail(f"redirects not moved with their copy: {bad_red[:5]}")
    print(f"xml ok: {len(pages)} pages, {len(redirects)} redirects, copies 0..{max(links_per_copy)}; "
          f"links resolving to a page: copy 0 {base[1]}/{base[0]}, all copies "
          f"{sum(v[1] for v in links_per_copy.values())}/{sum(v[0] for v in links_per_copy.values())}")

    # 2. bzip2 -dc output == XML, byte for byte
    h_xml = hashlib.sha256()
    with open(xml_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h_xml.update(block)
    p = subprocess.Popen(["bzip2", "-dc", bz_path], stdout=subprocess.PIPE)
    h_bz = hashlib.sha256()
    for block in iter(lambda: p.stdout.read(1 << 20), b""):
        h_bz.update(block)
    if p.wait() != 0:
        fail("bzip2 -dc failed")
    if h_xml.digest() != h_bz.digest():
        fail("bzip2 -dc output differs from the XML")
    print(f"bz2 ok: bzip2 -dc == xml (sha256 {h_xml.hexdigest()[:16]}…)")

    # 3. stream boundaries (Python's bz2, stream by stream) and the index
    raw = open(bz_path, "rb").read()
    streams = {}  # offset -> decompressed bytes
    off = 0
    while off < len(raw):
        d = bz2.BZ2Decompressor()
        out = d.decompress(raw[off:])
        if not d.eof:
            fail(f"stream at {off} is truncated")
        streams[off] = out
        off = len(raw) - len(d.unused_data)
    offs = sorted(streams)
    first, last = streams[offs[0]], streams[offs[-1]]
    if not first.rstrip().endswith(b"</siteinfo>") or b"<page>" in first:
        fail("first stream is not header+siteinfo")
    if last.strip() != b"</mediawiki>":
        fail(f"last stream is not </mediawiki>: {last[:80]!r}")
    page_streams = offs[1:-1]
    counts = [streams[o].count(b"<page>") for o in page_streams]
    if any(c != 100 for c in counts[:-1]) or not 0 < counts[-1] <= 100:
        fail(f"pages per stream are not 100: {counts[:5]}…{counts[-3:]}")
    n_idx = 0
    with open(idx_path, encoding="utf-8") as f:
        for line in f:
            o, pid, title = line.rstrip("\n").split(":", 2)
            o = int(o)
            if o not in streams or o == offs[0] or o == offs[-1]:
                fail(f"index offset {o} is not the start of a page stream")
            s = streams[o]
            if f"<id>{pid}</id>".encode() not in s or f"<title>{title}</title>".encode() not in s:
                fail(f"page {pid} {title!r} is not in the stream at {o}")
            if html.unescape(title) not in titles:
                fail(f"index title {title!r} is not a page title")
            n_idx += 1
    if not n_idx == len(pages) == sum(counts):
        fail(f"page counts differ: xml {len(pages)}, index {n_idx}, streams {sum(counts)}")
    print(f"multistream ok: {len(streams)} streams (1 header, {len(page_streams)} page, 1 footer), "
          f"{n_idx} index lines, every offset a stream start holding its page")


if __name__ == "__main__":
    main()
