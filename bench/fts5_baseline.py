"""SQLite FTS5 baseline for bench/serve.sh: the same texts (title, summary,
first 2,000 characters of text, as kenning indexes them) in an FTS5 table,
the same queries ranked by bm25 (title weighted 10, summary 3, body 1),
10 results each, on as many processes as cores, for the same duration;
twice: the bare ranked query (rowid and title), and the same query with a
highlighted snippet per hit (FTS5's snippet(), about 24 tokens), which is
what kenning's search answers hold.

  fts5_baseline.py DATA OUT SECONDS   → OUT/fts5.json
"""
import bz2, glob, gzip, json, multiprocessing as mp, os, re, sqlite3, sys, time

BODY = 2000

def docs(data):
    with gzip.open(os.path.join(data, "wikispeedia/concepts.jsonl.gz"), "rt") as f:
        for line in f:
            r = json.loads(line)
            text = r.get("text", "")
            paras = [p.strip() for p in text.split("\n\n") if len(p.split()) >= 6]
            yield r["title"], (paras[0] if paras else ""), text[:BODY]
    for path in sorted(glob.glob(os.path.join(data, "enwiki-2015-extracted/*/wiki_*.bz2"))):
        with bz2.open(path, "rt") as f:
            title, lines = None, []
            for line in f:
                m = re.match(r'<doc id="\d+" url="[^"]*" title="([^"]*)">', line)
                if m:
                    title, lines = m.group(1), []
                elif line.startswith("</doc>") and title is not None:
                    body = "\n".join(lines[1:])
                    yield title, (lines[2] if len(lines) > 2 else ""), body[:BODY]
                    title = None
                elif title is not None:
                    lines.append(line.rstrip("\n"))

def fts_query(q):
    words = re.findall(r"\w+", q.lower())
    return " ".join('"%s"' % w for w in words)

PLAIN = "SELECT rowid, title FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 10.0, 3.0, 1.0) LIMIT 10"
SNIPPET = ("SELECT rowid, title, snippet(docs, -1, '<b>', '</b>', '…', 24) FROM docs "
           "WHERE docs MATCH ? ORDER BY bm25(docs, 10.0, 3.0, 1.0) LIMIT 10")

def worker(db, sql, queries, seconds, offset, result):
    con = sqlite3.connect(db)
    n, lat = 0, []
    deadline = time.perf_counter() + seconds
    i = offset
    while time.perf_counter() < deadline:
        q = queries[i % len(queries)]
        i += 1
        t = time.perf_counter()
        con.execute(sql, (q,)).fetchall()
        lat.append(time.perf_counter() - t)
        n += 1
    result.put((n, lat))

def main():
    data, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    db = os.path.join(out, "fts5.sqlite")
    if not os.path.exists(db):
        con = sqlite3.connect(db + ".tmp")
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, tokenize='unicode61 remove_diacritics 2')")
        con.executemany("INSERT INTO docs VALUES (?, ?, ?)", docs(data))
        con.commit()
        con.close()
        os.rename(db + ".tmp", db)
    with open(os.path.join(out, "queries.txt")) as f:
        queries = [fts_query(q) for q in f.read().splitlines() if fts_query(q)]
    procs = os.cpu_count() or 1

    def run(sql):
        result = mp.Queue()
        ps = [mp.Process(target=worker, args=(db, sql, queries, seconds, k * 97, result)) for k in range(procs)]
        t0 = time.perf_counter()
        for p in ps: p.start()
        parts = [result.get() for _ in ps]
        for p in ps: p.join()
        wall = time.perf_counter() - t0
        n = sum(p[0] for p in parts)
        lat = sorted(x for p in parts for x in p[1])
        pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
        return {"queries": n, "seconds": wall, "qps": n / wall, "p50_ms": pct(0.50), "p99_ms": pct(0.99)}

    res = run(PLAIN)
    res.update({"processes": procs, "sqlite": sqlite3.sqlite_version, "with_snippets": run(SNIPPET)})
    with open(os.path.join(out, "fts5.json"), "w") as f:
        json.dump(res, f, indent=2)
    print(json.dumps(res))

if __name__ == "__main__":
    main()
