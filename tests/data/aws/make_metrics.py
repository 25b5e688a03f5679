#!/usr/bin/env python3
"""Writes get-metric-data.json: a week (2026-11-16T00:00Z, a Monday, to 2026-11-23T00:00Z) of
hourly datapoints for the small account in this folder, as `aws cloudwatch get-metric-data`
prints them: one result per query, timestamps newest first (ScanBy TimestampDescending).

Run from this folder: python3 make_metrics.py. The formulas (so tests can derive values):
- web RequestCount (Sum per 3600 s): rps(h) = round(120 + 80 cos(2π (h − 14) / 24)) for the UTC
  hour h of the day; the Sum is rps × 3600.
- web CPUUtilization (Average): 5 + 0.8 × rps(h) / tasks(h), rounded to 0.1: ecsim's per-task
  model (idleCpu 5, 0.8 % per request/s a task), so `ecsim calibrate` can fit it.
- web DesiredTaskCount and RunningTaskCount (Average): tasks(h) = max(2, ceil(rps(h) / 60)).
- worker NumberOfMessagesSent (Sum): 6 messages/s from 09:00 to 16:59 UTC, 2 otherwise; × 3600.
- worker ApproximateNumberOfMessagesVisible (Average): 40 from 09:00 to 16:59, 5 otherwise.
"""
import json, math

START = 1794787200  # 2026-11-16T00:00:00Z
HOURS = 168

def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")

def rps(h):
    return round(120 + 80 * math.cos(2 * math.pi * (h - 14) / 24))

def tasks(h):
    return max(2, math.ceil(rps(h) / 60))

def busy(h):
    return 9 <= h < 17

series = {
    ("web_requests", "web RequestCount"): lambda h: float(rps(h) * 3600),
    ("web_cpu", "web CPUUtilization"): lambda h: round(5 + 0.8 * rps(h) / tasks(h), 1),
    ("web_desired", "web DesiredTaskCount"): lambda h: float(max(2, math.ceil(rps(h) / 60))),
    ("web_running", "web RunningTaskCount"): lambda h: float(max(2, math.ceil(rps(h) / 60))),
    ("worker_sent", "worker NumberOfMessagesSent"): lambda h: float((6 if busy(h) else 2) * 3600),
    ("worker_visible", "worker ApproximateNumberOfMessagesVisible"): lambda h: 40.0 if busy(h) else 5.0,
}

results = []
for (id_, label), f in series.items():
    times = [START + 3600 * i for i in range(HOURS)][::-1]  # newest first
    results.append({
        "Id": id_,
        "Label": label,
        "Timestamps": [iso(t) for t in times],
        "Values": [f((t // 3600) % 24) for t in times],
        "StatusCode": "Complete",
    })
with open("get-metric-data.json", "w") as out:
    json.dump({"MetricDataResults": results, "Messages": []}, out, indent=4)
    out.write("\n")
