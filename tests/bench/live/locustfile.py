# The same player behaviour as pulsco-sim --target, for Locust (Debian
# python3-locust, FastHttpUser): enqueue a solo ticket, poll it every 0.1 s
# until it is matched or expired, report the result of matches it sees
# first, and queue again. Used by bench_live for loadgen.vs_locust_ratio.
import itertools
import json
import os

from locust import FastHttpUser, constant, task

_ids = itertools.count()
_tag = "locust%d" % os.getpid()
_regions = ["eu-west", "us-east", "us-west", "asia-east", "sa-east"]
_reported = set()


class Player(FastHttpUser):
    wait_time = constant(0.1)

    def on_start(self):
        self.n = next(_ids)
        self.ticket = None

    @task
    def play(self):
        if self.ticket is None:
            body = {"queue": "duel-1v1",
                    "players": [{"id": "%s-p%d" % (_tag, self.n),
                                 "rating": {"mu": 25, "sigma": 8.3},
                                 "pings": {r: 20 + 40 * i for i, r in enumerate(_regions)}}]}
            with self.client.post("/v1/tickets", data=json.dumps(body),
                                  headers={"Content-Type": "application/json"},
                                  catch_response=True, name="POST /v1/tickets") as r:
                if r.status_code == 201:
                    self.ticket = r.json()["ticket_id"]
                    r.success()
            return
        with self.client.get("/v1/tickets/" + self.ticket, catch_response=True,
                             name="GET /v1/tickets/{id}") as r:
            if r.status_code != 200:
                return
            doc = r.json()
            r.success()
        if doc["state"] in ("matched", "expired", "cancelled"):
            match = doc.get("match_id")
            self.ticket = None
            if match and match not in _reported:
                _reported.add(match)
                self.client.post("/v1/matches/%s/result" % match, data='{"winner_team":0}',
                                 headers={"Content-Type": "application/json"},
                                 name="POST /v1/matches/{id}/result")
