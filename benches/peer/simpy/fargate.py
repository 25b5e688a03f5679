#!/usr/bin/env python3
"""A reference SimPy model of N Fargate services with CPU target tracking.

It reads an ecsim scenario of Fargate services with `load.traffic` (diurnal), `perTask` and one
ECSServiceAverageCPUUtilization target tracking policy (benches/peer/fargate-50x3d.json) and
simulates it with ecsim's rules and defaults (docs/scenario-reference.md), written as a SimPy
model would be: one process per task for its lifecycle, one load-step process for the cluster,
one process per published minute, one launcher process for the Fargate launch token bucket.

What it models, per service:
- traffic: diurnal shape sampled at the middle of each 10 s load step, times a per-minute noise
  factor max(0, 1 + noise * z); served = min(offered, healthy * maxRps), split evenly over the
  healthy tasks; a healthy task's CPU = idleCpu + (cpuAtMaxRps - idleCpu) * r / maxRps, a
  RUNNING task not yet healthy at idleCpu;
- the per-minute CPUUtilization datapoint: the time-weighted average over RUNNING tasks;
  published 183 s after its minute ends (metricPublicationDelay);
- target tracking: AlarmHigh 3 of 3 datapoints > target, AlarmLow 15 of 15 < 0.9 * target;
  proposal ceil(running * metric / target) in hundredths, clamped to [Min, MaxCapacity]; scale
  out inside the scale-out cooldown from the RUNNING count when the chain began; no scale-in
  inside the scale-in cooldown (300 s each); a scale-out ends the scale-in cooldown and a
  scale-in ends the chain;
- the service scheduler: launches toward the desired count through the Fargate launch token
  bucket (burst 100, 20 per second), at most 500 launches per minute per service and 300 tasks
  PROVISIONING cluster-wide; Fargate's zone balance (a new task to the zone with the fewest of
  the service's tasks; scale-in from the zone with the most, tasks not yet RUNNING first, then
  the newest);
- each task: PROVISIONING (lognormal, median 10 s, p95 25 s) -> PENDING (image pull, median
  30 s, p95 90 s) -> RUNNING -> healthy 150 s later (load balancer check 30 s x 5); stopped:
  a RUNNING task drains 300 s (deregistration delay) first, then STOPPING (median 2 s, p95
  10 s, capped at 30 s) -> STOPPED; billed per second from PENDING to STOPPED at Fargate's
  us-east-1 Linux/x86 price;
- outputs as ecsim writes them: timeseries.csv and metrics.csv (a row per service per minute),
  activities.csv (a row per scaling activity with its cause), summary.json (cost, task-hours).

Usage: fargate.py SCENARIO.json OUT_DIR
"""

import csv
import json
import math
import os
import random
import sys
from collections import deque

import simpy

LOAD_STEP = 10.0
MINUTE = 60.0
PUBLICATION_DELAY = 183.0
HIGH_PERIODS = 3
LOW_PERIODS = 15
LOW_FACTOR = 0.9
COOLDOWN = 300.0
HEALTHY_AFTER = 30.0 * 5  # load balancer check: intervalSeconds x healthyThreshold
DEREGISTRATION_DELAY = 300.0
STOP_TIMEOUT = 30.0
PROVISIONING = (10.0, 25.0)  # lognormal (median, p95), seconds
IMAGE_PULL = (30.0, 90.0)
STOP = (2.0, 10.0)
LAUNCH_PER_MINUTE = 500  # per service
TOKEN_BURST = 100.0  # Fargate launch token bucket, cluster-wide
TOKENS_PER_SECOND = 20.0
PROVISIONING_LIMIT = 300  # tasks PROVISIONING cluster-wide
ZONES = 3
VCPU_HOUR = 0.04048
GB_HOUR = 0.004445
Z95 = 1.6448536269514722
EPS = 1e-9  # token counts are floats: a token is there when within EPS of whole

PROVISIONING_S, PENDING_S, RUNNING_S, STOPPING_S, STOPPED_S = range(5)


def lognormal(rng, median_p95):
    median, p95 = median_p95
    return median * math.exp(math.log(p95 / median) / Z95 * rng.gauss(0.0, 1.0))


def duration_s(text):
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return float(text[:-1]) * units[text[-1]]


class Task:
    __slots__ = ("svc", "zone", "state", "healthy", "billed_from", "proc", "seq")

    def __init__(self, svc, zone, seq):
        self.svc = svc
        self.zone = zone
        self.state = PROVISIONING_S
        self.healthy = False
        self.billed_from = None
        self.proc = None
        self.seq = seq


class Service:
    def __init__(self, spec, seed):
        self.name = spec["serviceName"]
        traffic = spec["load"]["traffic"]
        assert traffic["pattern"] == "diurnal", "only diurnal traffic is modelled here"
        self.min_rps = float(traffic["minRps"])
        self.max_rps = float(traffic["maxRps"])
        hh, mm = traffic["peakAt"].split(":")
        self.peak_h = int(hh) + int(mm) / 60.0
        self.noise = float(traffic.get("noise", 0.0))
        per = spec["load"]["perTask"]
        self.task_max_rps = float(per["maxRps"])
        self.cpu_at_max = float(per.get("cpuAtMaxRps", 90.0))
        self.idle_cpu = float(per.get("idleCpu", 5.0))
        td = spec["taskDefinition"]
        self.price_hour = int(td["cpu"]) / 1024.0 * VCPU_HOUR + int(td["memory"]) / 1024.0 * GB_HOUR
        scaling = spec["autoScaling"]
        self.min_cap = int(scaling["MinCapacity"])
        self.max_cap = int(scaling["MaxCapacity"])
        (policy,) = scaling["policies"]
        cfg = policy["TargetTrackingScalingPolicyConfiguration"]
        assert (
            cfg["PredefinedMetricSpecification"]["PredefinedMetricType"]
            == "ECSServiceAverageCPUUtilization"
        )
        self.policy = policy["PolicyName"]
        self.target = float(cfg["TargetValue"])
        self.desired = int(spec["desiredCount"])
        self.rng = random.Random(f"{seed}/{self.name}")
        self.tasks = []  # not STOPPING or STOPPED, launch order
        self.zone_tasks = [0] * ZONES
        self.running = 0
        self.healthy = 0
        self.provisioning = 0
        self.pending = 0
        self.draining = 0
        self.history = deque(maxlen=LOW_PERIODS)
        self.out_cooldown_until = -1.0
        self.in_cooldown_until = -1.0
        self.chain_running = None
        self.launch_tokens = float(LAUNCH_PER_MINUTE)
        self.launch_tokens_at = 0.0
        self.waiting = False
        # this minute's sums
        self.cpu_sum = 0.0
        self.weight = 0.0
        self.offered_sum = 0.0
        self.served_sum = 0.0
        self.z = 0.0

    def offered(self, t):
        h = (t / 3600.0) % 24.0
        rate = self.min_rps + (self.max_rps - self.min_rps) * (
            1.0 + math.cos(2.0 * math.pi * (h - self.peak_h) / 24.0)
        ) / 2.0
        return rate * max(0.0, 1.0 + self.noise * self.z)


class Cluster:
    def __init__(self, env, scenario, out):
        self.env = env
        seed = scenario.get("seed", 0)
        self.services = [Service(s, seed) for s in scenario["services"]]
        self.duration = duration_s(scenario["duration"])
        self.tokens = TOKEN_BURST
        self.tokens_at = 0.0
        self.provisioning = 0
        self.waiting = deque()
        self.wake = env.event()
        self.task_seconds = 0.0
        self.cost = 0.0
        self.tasks_created = 0
        self.billing = set()  # tasks billed and not STOPPED
        self.activities = csv.writer(open(os.path.join(out, "activities.csv"), "w", newline=""))
        self.activities.writerow(["time_s", "kind", "service", "from", "to", "cause"])
        self.metrics = csv.writer(open(os.path.join(out, "metrics.csv"), "w", newline=""))
        self.metrics.writerow(
            ["time_s", "published_s", "service", "policy", "metric", "value", "target",
             "scale_in_threshold", "alarm"]
        )
        self.timeseries = csv.writer(open(os.path.join(out, "timeseries.csv"), "w", newline=""))
        self.timeseries.writerow(
            ["time_s", "service", "offered_rps", "served_rps", "desired", "running", "healthy",
             "pending", "tasks"]
        )
        for svc in self.services:
            self.request_launches(svc)
        env.process(self.launcher())
        env.process(self.load_steps())

    # --- the service scheduler -------------------------------------------------------------

    def active(self, svc):
        return len(svc.tasks)

    def request_launches(self, svc):
        if self.active(svc) < svc.desired and not svc.waiting:
            svc.waiting = True
            self.waiting.append(svc)
            if not self.wake.triggered:
                self.wake.succeed()

    def launcher(self):
        env = self.env
        while True:
            if not self.waiting:
                self.wake = env.event()
                yield self.wake
                continue
            now = env.now
            self.tokens = min(TOKEN_BURST, self.tokens + (now - self.tokens_at) * TOKENS_PER_SECOND)
            self.tokens_at = now
            if self.tokens < 1.0 - EPS:
                yield env.timeout((1.0 - self.tokens) / TOKENS_PER_SECOND)
                continue
            if self.provisioning >= PROVISIONING_LIMIT:
                self.wake = env.event()
                yield self.wake
                continue
            svc = self.waiting[0]
            need = svc.desired - self.active(svc)
            if need <= 0:
                self.waiting.popleft()
                svc.waiting = False
                continue
            svc.launch_tokens = min(
                float(LAUNCH_PER_MINUTE),
                svc.launch_tokens + (now - svc.launch_tokens_at) * LAUNCH_PER_MINUTE / MINUTE,
            )
            svc.launch_tokens_at = now
            n = min(need, int(self.tokens + EPS), PROVISIONING_LIMIT - self.provisioning,
                    int(svc.launch_tokens + EPS))
            if n <= 0:
                # this service's own launch rate: the next one waits its turn
                self.waiting.rotate(-1)
                yield env.timeout(MINUTE / LAUNCH_PER_MINUTE)
                continue
            for _ in range(n):
                self.launch(svc)
            self.tokens = max(0.0, self.tokens - n)
            svc.launch_tokens = max(0.0, svc.launch_tokens - n)

    def launch(self, svc):
        zone = min(range(ZONES), key=svc.zone_tasks.__getitem__)
        task = Task(svc, zone, self.tasks_created)
        self.tasks_created += 1
        svc.zone_tasks[zone] += 1
        svc.tasks.append(task)
        svc.provisioning += 1
        self.provisioning += 1
        task.proc = self.env.process(self.task_life(task))

    def stop_excess(self, svc):
        while self.active(svc) > svc.desired:
            # the zone with the most of the service's tasks; in it, a task not yet RUNNING
            # first, then the newest
            zone = max(range(ZONES), key=svc.zone_tasks.__getitem__)
            victim = None
            for task in reversed(svc.tasks):
                if task.zone != zone:
                    continue
                if task.state != RUNNING_S:
                    victim = task
                    break
                if victim is None:
                    victim = task
            svc.tasks.remove(victim)
            svc.zone_tasks[zone] -= 1
            victim.proc.interrupt()

    def task_life(self, task):
        env, svc = self.env, task.svc
        try:
            yield env.timeout(lognormal(svc.rng, PROVISIONING))
            task.state = PENDING_S
            svc.provisioning -= 1
            self.provisioning -= 1
            svc.pending += 1
            task.billed_from = env.now
            self.billing.add(task)
            if not self.wake.triggered:
                self.wake.succeed()
            yield env.timeout(lognormal(svc.rng, IMAGE_PULL))
            task.state = RUNNING_S
            svc.pending -= 1
            svc.running += 1
            yield env.timeout(HEALTHY_AFTER)
            task.healthy = True
            svc.healthy += 1
            yield env.event()  # runs until the scheduler stops it
        except simpy.Interrupt:
            pass
        # stopped by the scheduler
        if task.state == PROVISIONING_S:
            svc.provisioning -= 1
            self.provisioning -= 1
            if not self.wake.triggered:
                self.wake.succeed()
        elif task.state == PENDING_S:
            svc.pending -= 1
        else:
            svc.running -= 1
            if task.healthy:
                svc.healthy -= 1
                svc.draining += 1
                yield env.timeout(DEREGISTRATION_DELAY)
                svc.draining -= 1
        task.state = STOPPING_S
        yield env.timeout(min(lognormal(svc.rng, STOP), STOP_TIMEOUT))
        task.state = STOPPED_S
        if task.billed_from is not None:
            self.billing.discard(task)
            seconds = env.now - task.billed_from
            self.task_seconds += seconds
            self.cost += seconds / 3600.0 * svc.price_hour

    # --- load and metrics ------------------------------------------------------------------

    def load_steps(self):
        env = self.env
        steps_per_minute = int(MINUTE / LOAD_STEP)
        step = 0
        while env.now < self.duration:
            t = env.now
            if step % steps_per_minute == 0:
                for svc in self.services:
                    svc.z = svc.rng.gauss(0.0, 1.0)
            mid = t + LOAD_STEP / 2.0
            for svc in self.services:
                offered = svc.offered(mid)
                healthy = svc.healthy
                served = min(offered, healthy * svc.task_max_rps)
                if healthy:
                    r = served / healthy
                    cpu = svc.idle_cpu + (svc.cpu_at_max - svc.idle_cpu) * r / svc.task_max_rps
                else:
                    cpu = 0.0
                svc.cpu_sum += (healthy * cpu + (svc.running - healthy) * svc.idle_cpu) * LOAD_STEP
                svc.weight += svc.running * LOAD_STEP
                svc.offered_sum += offered * LOAD_STEP
                svc.served_sum += served * LOAD_STEP
            yield env.timeout(LOAD_STEP)
            step += 1
            if step % steps_per_minute == 0:
                self.close_minute(env.now - MINUTE)

    def close_minute(self, start):
        end = start + MINUTE
        datapoints = []
        for svc in self.services:
            value = svc.cpu_sum / svc.weight if svc.weight > 0 else None
            datapoints.append(value)
            self.timeseries.writerow(
                [int(end), svc.name, round(svc.offered_sum / MINUTE, 3),
                 round(svc.served_sum / MINUTE, 3), svc.desired, svc.running, svc.healthy,
                 svc.provisioning + svc.pending, self.active(svc) + svc.draining]
            )
            svc.cpu_sum = svc.weight = svc.offered_sum = svc.served_sum = 0.0
        self.env.process(self.publish(start, datapoints))

    def publish(self, start, datapoints):
        yield self.env.timeout(PUBLICATION_DELAY)  # from the minute's end
        now = self.env.now
        for svc, value in zip(self.services, datapoints):
            if value is None:
                continue
            svc.history.append(value)
            h = list(svc.history)
            high = len(h) >= HIGH_PERIODS and all(v > svc.target for v in h[-HIGH_PERIODS:])
            low_threshold = LOW_FACTOR * svc.target
            low = len(h) >= LOW_PERIODS and all(v < low_threshold for v in h)
            alarm = "ALARM_HIGH" if high else "ALARM_LOW" if low else "OK"
            self.metrics.writerow(
                [int(start), now, svc.name, svc.policy, "ECSServiceAverageCPUUtilization",
                 round(value, 3), svc.target, low_threshold, alarm]
            )
            if high or low:
                self.target_tracking(svc, value, high, now)

    def target_tracking(self, svc, metric, high, now):
        in_chain = now < svc.out_cooldown_until and svc.chain_running is not None
        running = svc.chain_running if (high and in_chain) else svc.running
        m = round(metric * 100)
        t = round(svc.target * 100)
        if high and svc.desired < svc.min_cap:
            proposal = svc.min_cap
        elif high and running == 0:
            proposal = min(max(svc.min_cap, 1), svc.max_cap)
        else:
            proposal = min(max(-(-running * m // t), svc.min_cap), svc.max_cap)
        if high and proposal > svc.desired:
            cause = (
                f"policy {svc.policy}: alarm {svc.policy}-AlarmHigh: {HIGH_PERIODS} of "
                f"{HIGH_PERIODS} datapoints > {svc.target:g} ("
                + ", ".join(f"{v:.2f}" for v in list(svc.history)[-HIGH_PERIODS:])
                + f"); running {running} -> "
                f"ceil({running} x {metric:.2f} / {svc.target:g}) = {proposal}"
            )
            self.activities.writerow([now, "scale-out", svc.name, svc.desired, proposal, cause])
            if not in_chain:
                svc.chain_running = svc.running
            svc.desired = proposal
            svc.out_cooldown_until = now + COOLDOWN
            svc.in_cooldown_until = -1.0
            self.request_launches(svc)
        elif not high and proposal < svc.desired and now >= svc.in_cooldown_until:
            cause = (
                f"policy {svc.policy}: alarm {svc.policy}-AlarmLow: {LOW_PERIODS} of "
                f"{LOW_PERIODS} datapoints < {LOW_FACTOR * svc.target:g} ("
                + ", ".join(f"{v:.2f}" for v in svc.history)
                + f"); running {running} -> "
                f"ceil({running} x {metric:.2f} / {svc.target:g}) = {proposal}"
            )
            self.activities.writerow([now, "scale-in", svc.name, svc.desired, proposal, cause])
            svc.desired = proposal
            svc.in_cooldown_until = now + COOLDOWN
            svc.out_cooldown_until = -1.0
            svc.chain_running = None
            self.stop_excess(svc)


def main():
    scenario_path, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(scenario_path) as f:
        scenario = json.load(f)
    env = simpy.Environment()
    cluster = Cluster(env, scenario, out)
    env.run(until=cluster.duration)
    # the last whole minute ends with the run: its timeseries row is written (as ecsim does)
    cluster.close_minute(cluster.duration - MINUTE)
    # tasks still billed at the end
    for task in cluster.billing:
        seconds = cluster.duration - task.billed_from
        cluster.task_seconds += seconds
        cluster.cost += seconds / 3600.0 * task.svc.price_hour
    summary = {
        "services": len(cluster.services),
        "simulated_s": cluster.duration,
        "tasks_created": cluster.tasks_created,
        "task_hours": round(cluster.task_seconds / 3600.0, 2),
        "cost_usd": round(cluster.cost, 2),
    }
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
