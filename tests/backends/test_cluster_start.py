"""Starting the standalone cluster on a busy machine: the master's status page may answer before the
master is ready, and whatever happens while waiting, no process is left running."""

from __future__ import annotations

import http.server
import subprocess
import threading

import pytest

from salesscope.bench.sparkcluster import SparkCluster


class Pages(http.server.BaseHTTPRequestHandler):
    """Answers the status page with the next of ``pages``, then the last one again."""

    pages: list[bytes] = []

    def do_GET(self):  # noqa: N802 - http.server's hook
        body = self.pages.pop(0) if len(self.pages) > 1 else self.pages[0]
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def cluster(monkeypatch):
    """A cluster whose "JVMs" are sleeping processes and whose master page is ``Pages``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    c = SparkCluster(workers=2)
    c.ui = server.server_address[1]

    def launch(name, *args):
        c.processes.append(subprocess.Popen(["sleep", "600"]))
        c.launched = [*getattr(c, "launched", []), c.processes[-1]]

    monkeypatch.setattr(c, "_launch", launch)
    yield c
    c.stop()
    server.shutdown()
    server.server_close()


def test_a_page_served_while_the_master_starts_is_waited_out(cluster):
    Pages.pages = [b"<!DOCTYPE html><html><body>starting</body></html>", b'{"aliveworkers": 1}',
                   b'{"aliveworkers": 2}']
    assert cluster.start(timeout=60) is cluster
    assert len(cluster.processes) == 3 and all(p.poll() is None for p in cluster.processes)


def test_a_failure_while_waiting_leaves_no_process_running(cluster, monkeypatch):
    def broken():
        raise KeyboardInterrupt

    monkeypatch.setattr(cluster, "state", broken)
    with pytest.raises(KeyboardInterrupt):
        cluster.start(timeout=60)
    assert len(cluster.launched) == 3 and all(p.poll() is not None for p in cluster.launched)
