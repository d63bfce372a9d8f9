#!/usr/bin/env python3
"""Generate a large MediaWiki XML dump for benchmarks by repeating a small real one.

    python3 bench/make_dump.py SRC.xml[.bz2] OUT_PREFIX --megabytes N [--procs 2]

Writes three files:

  OUT_PREFIX.xml                          the plain XML (at least N MiB)
  OUT_PREFIX-multistream.xml.bz2          the same bytes in Wikipedia's multistream layout:
                                          header + <siteinfo> as the first bzip2 stream, then one
                                          stream per 100 pages, then "</mediawiki>\n" as the last
  OUT_PREFIX-multistream-index.txt        one line per page: "offset:pageid:title", offset = byte
                                          offset in the .bz2 of the stream holding the page, title
                                          as it is written in <title> (XML-escaped, as Wikimedia's)

Copy 0 is the source pages unchanged. Copy k >= 1 renames every page "Title" -> "Title (copy k)",
gives it a new page id (orig + k * stride) and a new revision id (above every source revision id),
points internal links and <redirect title=...> at the same copy when the target is a title of the
source set (so the link graph is k copies of the real one; red links stay red), and keeps the
visible anchor text: [[X]] -> [[X (copy k)|X]], [[X|label]] -> [[X (copy k)|label]].
The last copy may be cut short: generation stops at the first page boundary past N MiB.

Python standard library only; memory is bounded (the source pages are kept in memory when the
decompressed source is at most --cache-mb MiB, else the source is re-read for each copy; at most
2 * procs chunks of 100 pages are in flight to the compressors).
"""

import argparse
import bz2
import collections
import html
import multiprocessing
import os
import re
import sys
import time

PAGES_PER_STREAM = 100
MIB = 1 << 20


def open_src(path):
    if path.endswith(".bz2"):
        return bz2.open(path, "rt", encoding="utf-8", newline="")
    return open(path, "rt", encoding="utf-8", newline="")


def read_source(path):
    """Yield ("header", str), then ("page", str) for every <page>...</page>, then ("footer", str)."""
    with open_src(path) as f:
        header = []
        for line in f:
            header.append(line)
            if "</siteinfo>" in line:
                break
        else:
            sys.exit(f"make_dump: {path}: no </siteinfo> found; not a MediaWiki XML export?")
        yield "header", "".join(header)
        page = None
        footer = []
        for line in f:
            s = line.lstrip()
            if page is None:
                if s.startswith("<page>"):
                    page = [line]
                else:
                    footer.append(line)
            else:
                page.append(line)
                if s.startswith("</page>"):
                    yield "page", "".join(page)
                    page = None
        if page is not None:
            sys.exit(f"make_dump: {path}: truncated: last <page> has no </page>")
        foot = "".join(footer)
        if "</mediawiki>" not in foot:
            sys.exit(f"make_dump: {path}: truncated: no </mediawiki> at the end")
        yield "footer", foot


TITLE_RE = re.compile(r"<title>(.*?)</title>")
ID_RE = re.compile(r"<id>(\d+)</id>")
NS_RE = re.compile(r"<ns>(-?\d+)</ns>")
REDIRECT_RE = re.compile(r'<redirect title="([^"]*)"\s*/>')
TEXT_RE = re.compile(r"(<text\b[^>]*?)(?:\s*/>|>(.*?)</text>)", re.S)
BYTES_RE = re.compile(r'\sbytes="\d+"')
# [[target#fragment|label]] -- target cannot contain [ ] | { } < > or a newline
LINK_RE = re.compile(r"\[\[([^\[\]\|\{\}<>\n#]*)(#[^\[\]\|\{\}<>\n]*)?(\|?)")


def norm_title(raw_escaped):
    """MediaWiki-ish normalisation of an XML-escaped title or link target, for lookup only."""
    t = html.unescape(raw_escaped).replace("_", " ")
    t = " ".join(t.split())
    if t.startswith(":"):
        t = t[1:].lstrip()
    if not t:
        return t
    return t[0].upper() + t[1:]


def page_fields(page):
    m_title = TITLE_RE.search(page)
    m_ns = NS_RE.search(page)
    m_id = ID_RE.search(page)
    if not (m_title and m_id):
        sys.exit("make_dump: a <page> without <title> or <id>:\n" + page[:300])
    rev_start = page.find("<revision>")
    rev_id = None
    if rev_start >= 0:
        m = ID_RE.search(page, rev_start)
        if m:
            rev_id = int(m.group(1))
    return m_title.group(1), int(m_ns.group(1)) if m_ns else 0, int(m_id.group(1)), rev_id


class Renamer:
    def __init__(self, titles, max_page_id, max_rev_id, n_pages):
        self.titles = titles
        self.stride = 10 ** len(str(max_page_id))  # copy k of page 12 -> k*stride + 12
        self.rev_base = max_rev_id + 1
        self.n_pages = n_pages

    def target(self, raw, k):
        """raw link target (escaped) -> renamed target, or None when it is not a source title."""
        if norm_title(raw) not in self.titles:
            return None
        return raw.rstrip() + f" (copy {k})"

    def rewrite_text(self, text, k, is_redirect):
        def sub(m):
            raw, frag, pipe = m.group(1), m.group(2) or "", m.group(3)
            new = self.target(raw, k)
            if new is None:
                return m.group(0)
            if pipe or is_redirect:
                # labelled link (or pipe trick): the label stays, only the target moves
                return "[[" + new + frag + pipe
            # unlabelled link: keep the visible text (and the link trail) as it was
            end = m.end()
            if text.startswith("]]", end):
                return "[[" + new + frag + "|" + raw + frag
            return m.group(0)  # something unusual follows; leave it alone

        return LINK_RE.sub(sub, text)

    def copy(self, page, k, index_in_copy):
        if k == 0:
            return page
        title, _ns, page_id, rev_id = page_fields(page)
        new_title = title + f" (copy {k})"
        new_page_id = k * self.stride + page_id
        out = page.replace(f"<title>{title}</title>", f"<title>{new_title}</title>", 1)
        out = out.replace(f"<id>{page_id}</id>", f"<id>{new_page_id}</id>", 1)
        if rev_id is not None:
            new_rev = self.rev_base + (k - 1) * self.n_pages + index_in_copy
            rs = out.find("<revision>")
            out = out[:rs] + out[rs:].replace(f"<id>{rev_id}</id>", f"<id>{new_rev}</id>", 1)
        m = REDIRECT_RE.search(out)
        is_redirect = m is not None
        if m:
            new = self.target(m.group(1), k)
            if new is not None:
                out = out[: m.start(1)] + new + out[m.end(1) :]
        m = TEXT_RE.search(out)
        if m and m.group(2) is not None:
            new_text = self.rewrite_text(m.group(2), k, is_redirect)
            open_tag = m.group(1)
            if BYTES_RE.search(open_tag):
                n = len(html.unescape(new_text).encode("utf-8"))
                open_tag = BYTES_RE.sub(f' bytes="{n}"', open_tag)
            out = out[: m.start()] + open_tag + ">" + new_text + "</text>" + out[m.end() :]
        return out


def compress(data):
    return bz2.compress(data, 9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", help="source dump (.xml or .bz2; single- or multistream)")
    ap.add_argument("out_prefix", help="writes OUT_PREFIX.xml, OUT_PREFIX-multistream.xml.bz2, "
                    "OUT_PREFIX-multistream-index.txt")
    ap.add_argument("--megabytes", type=float, required=True, help="target XML size in MiB")
    ap.add_argument("--procs", type=int, default=2, help="compression processes (default 2)")
    ap.add_argument("--cache-mb", type=float, default=256,
                    help="keep source pages in memory when the source XML is at most this many MiB")
    ap.add_argument("--no-bz2", action="store_true", help="write only the plain XML")
    args = ap.parse_args()

    if not os.path.isfile(args.src):
        sys.exit(f"make_dump: {args.src}: no such file")
    target = int(args.megabytes * MIB)
    t0 = time.time()

    # Pass 1: header, titles, id ranges (and the pages themselves when small enough).
    titles, header, footer = set(), None, None
    cache, cached_bytes, n_pages, max_pid, max_rid = [], 0, 0, 0, 0
    for kind, s in read_source(args.src):
        if kind == "header":
            header = s
        elif kind == "footer":
            footer = s
        else:
            title, _ns, pid, rid = page_fields(s)
            titles.add(norm_title(title))
            n_pages += 1
            max_pid = max(max_pid, pid)
            max_rid = max(max_rid, rid or 0)
            if cache is not None:
                cached_bytes += len(s)
                cache.append(s)
                if cached_bytes > args.cache_mb * MIB:
                    cache = None
    if n_pages == 0:
        sys.exit(f"make_dump: {args.src}: no <page> elements")
    renamer = Renamer(titles, max_pid, max_rid, n_pages)

    def source_pages():
        if cache is not None:
            return iter(cache)
        return (s for kind, s in read_source(args.src) if kind == "page")

    os.makedirs(os.path.dirname(os.path.abspath(args.out_prefix)), exist_ok=True)
    xml_path = args.out_prefix + ".xml"
    bz_path = args.out_prefix + "-multistream.xml.bz2"
    idx_path = args.out_prefix + "-multistream-index.txt"
    tmp = ".tmp"
    xml_f = open(xml_path + tmp, "wb")
    bz_f = None if args.no_bz2 else open(bz_path + tmp, "wb")
    idx_f = None if args.no_bz2 else open(idx_path + tmp, "w", encoding="utf-8", newline="\n")

    pool = None if args.no_bz2 else multiprocessing.Pool(args.procs)
    pending = collections.deque()  # (AsyncResult, [(page_id, escaped_title)])
    bz_offset = 0

    def drain(limit):
        nonlocal bz_offset
        while len(pending) > limit:
            res, entries = pending.popleft()
            blob = res.get()
            for pid, title in entries:
                idx_f.write(f"{bz_offset}:{pid}:{title}\n")
            bz_f.write(blob)
            bz_offset += len(blob)

    def emit(chunk, entries):
        data = "".join(chunk).encode("utf-8")
        xml_f.write(data)
        if pool is not None:
            pending.append((pool.apply_async(compress, (data,)), entries))
            drain(2 * args.procs)
        return len(data)

    written = emit([header], [])
    written_pages, redirects, copies, done = 0, 0, 0, False
    chunk, entries = [], []
    last_report = time.time()
    k = 0
    while not done:
        for i, page in enumerate(source_pages()):
            p = renamer.copy(page, k, i)
            title, _ns, pid, _rid = page_fields(p)
            chunk.append(p)
            entries.append((pid, title))
            if "<redirect" in p:
                redirects += 1
            written_pages += 1
            if len(chunk) == PAGES_PER_STREAM:
                written += emit(chunk, entries)
                chunk, entries = [], []
                if written >= target:
                    done = True
                    break
            if time.time() - last_report > 5:
                last_report = time.time()
                print(f"make_dump: {written / MIB:,.0f} / {target / MIB:,.0f} MiB, "
                      f"{written_pages:,} pages", file=sys.stderr)
        copies = k + 1
        k += 1
        if chunk and written + sum(len(c) for c in chunk) >= target:
            done = True
    if chunk:
        written += emit(chunk, entries)
    written += emit([footer], [])
    if pool is not None:
        drain(0)
        pool.close()
        pool.join()
    for f in (xml_f, bz_f, idx_f):
        if f is not None:
            f.close()
    os.replace(xml_path + tmp, xml_path)
    if not args.no_bz2:
        os.replace(bz_path + tmp, bz_path)
        os.replace(idx_path + tmp, idx_path)

    secs = time.time() - t0
    print(f"make_dump: wrote {xml_path}: {written:,} bytes ({written / MIB:,.1f} MiB), "
          f"{written_pages:,} pages ({copies} copies of {n_pages} source pages) in {secs:.1f} s",
          file=sys.stderr)
    if not args.no_bz2:
        print(f"make_dump: wrote {bz_path}: {bz_offset:,} bytes, {idx_path}", file=sys.stderr)
    # machine-readable last line: pages<TAB>redirects<TAB>xml_bytes<TAB>bz2_bytes
    print(f"{written_pages}\t{redirects}\t{written}\t{bz_offset}")


if __name__ == "__main__":
    main()
