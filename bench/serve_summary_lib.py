"""What the benchmark summaries share: reading wrk's output."""
import re


def parse_wrk(path):
    text = open(path).read()
    def ms(label):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\b" % label, text, re.M)
        if not m: return float("nan")
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    qps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    reqs = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return {"qps": qps, "p50": ms("50"), "p99": ms("99"), "requests": reqs, "errors": errors}
