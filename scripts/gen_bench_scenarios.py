#!/usr/bin/env python3
"""Writes the benchmark scenarios into scenarios/ (bench-large, bench-xlarge, bench-spot-storm
and their -quick variants for CI). Run from the repository root: python3 scripts/gen_bench_scenarios.py
The JSON files are committed; this script only documents how they were made."""
import json

def service(i, fargate, peak_tasks, providers):
    name = f"svc{i:03d}"
    # At the 60 % CPU target a task serves (60 - 5) / 85 × 100 ≈ 64.7 rps; peak traffic is sized
    # so that a service needs about `peak_tasks` tasks at its daily peak (±20 % by service).
    peak = peak_tasks * 64.7 * (0.8 + 0.4 * ((i * 37) % 11) / 10)
    s = {
        "serviceName": name,
        "taskDefinition": {"family": name, "cpu": "512", "memory": "1024"},
        "desiredCount": max(10, peak_tasks // 5),
        "loadBalancer": {},
        "load": {
            "traffic": {"pattern": "diurnal", "minRps": round(peak * 0.2), "maxRps": round(peak),
                        "peakAt": f"{12 + (i % 6)}:00", "noise": 0.03},
            "perTask": {"maxRps": 100, "cpuAtMaxRps": 90, "idleCpu": 5},
        },
        "autoScaling": {
            "MinCapacity": max(5, peak_tasks // 20),
            "MaxCapacity": min(5000, peak_tasks * 3 // 2),
            "policies": [{
                "PolicyName": "cpu60", "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": {
                    "TargetValue": 60,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}]},
    }
    if fargate:
        s["capacityProviderStrategy"] = [
            {"capacityProvider": "FARGATE", "base": 10, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3}]
    else:
        s["capacityProviderStrategy"] = [{"capacityProvider": p, "weight": 1} for p in providers]
        s["capacityProviderStrategy"][0]["base"] = 10
        s["placementStrategy"] = [
            {"type": "spread", "field": "attribute:ecs.availability-zone"},
            {"type": "binpack", "field": "memory"}]
    return s

def group(name, purchase, itype, min_size, max_size, desired):
    return {"name": name, "autoScalingGroupProvider": {
        "autoScalingGroup": {"instanceTypes": [itype], "purchaseOption": purchase,
                             "minSize": min_size, "maxSize": max_size, "desiredCapacity": desired},
        "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        "managedTerminationProtection": "ENABLED", "managedDraining": "ENABLED"}}

def cluster(name, description, duration, services, ec2_services, peak_tasks, max_each, desired_each):
    return {
        "name": name, "description": description, "seed": 1, "duration": duration,
        "capacityProviders": [{"name": "FARGATE"}, {"name": "FARGATE_SPOT"},
                              group("od", "on-demand", "m5.2xlarge", 10, max_each, desired_each),
                              group("spot", "spot", "m5.2xlarge", 10, max_each, desired_each)],
        "services": [service(i, i >= ec2_services, peak_tasks, ["od", "spot"]) for i in range(services)],
        "faults": [
            {"type": "spotInterruptions", "name": "ec2-spot", "capacityProvider": "spot", "perInstanceHour": 0.002},
            {"type": "spotInterruptions", "name": "fargate-spot", "capacityProvider": "FARGATE_SPOT", "perTaskHour": 0.002}],
    }

def write(sc, name=None, duration=None):
    sc = dict(sc)
    if name:
        sc["name"] = name
        sc["description"] = sc["description"] + f" Quick variant for CI: {duration}."
        sc["duration"] = duration
    # One line per top-level key and one per list element (service, provider, fault): readable
    # and diffable without 10,000 lines of indentation.
    lines = []
    for k, v in sc.items():
        if isinstance(v, list):
            items = ",\n    ".join(json.dumps(x) for x in v)
            lines.append(f'  "{k}": [\n    {items}\n  ]')
        else:
            lines.append(f"  {json.dumps(k)}: {json.dumps(v)}")
    with open(f"scenarios/{sc['name']}.json", "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")

large = cluster("bench-large",
    "Benchmark: about 1,000 m5.2xlarge instances over 3 zones (an on-demand and a Spot group under managed scaling, about 16 tasks each), 50 services with diurnal traffic and CPU target tracking (40 on EC2, 10 on FARGATE + FARGATE_SPOT), about 20,000 tasks at peak, Spot interruptions on both kinds, 30 days.",
    "30d", 50, 40, 400, 600, 150)
xlarge = cluster("bench-xlarge",
    "Benchmark: about 5,000 m5.2xlarge instances (the per-cluster quota) over 3 zones, 200 services with diurnal traffic and CPU target tracking (160 on EC2, 40 on FARGATE + FARGATE_SPOT), about 100,000 tasks at peak, Spot interruptions on both kinds, 30 days.",
    "30d", 200, 160, 500, 2500, 600)
storm = {
    "name": "bench-spot-storm",
    "description": "Benchmark: 2,000 Spot m5.xlarge instances (8 tasks each) run 20 services of 600 tasks; at 1h 20 % of the instances get the two-minute notice at once: managed draining moves their tasks, the group replaces the 400 instances. 3 hours.",
    "seed": 1, "duration": "3h",
    "capacityProviders": [group("spot", "spot", "m5.xlarge", 2000, 2000, 2000)],
    "services": [{
        "serviceName": f"svc{i:02d}",
        "taskDefinition": {"family": f"svc{i:02d}", "cpu": "512", "memory": "1024"},
        "desiredCount": 600,
        "capacityProviderStrategy": [{"capacityProvider": "spot", "weight": 1}],
        "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                              {"type": "binpack", "field": "memory"}]} for i in range(20)],
    "faults": [{"type": "spotInterruptions", "name": "storm", "capacityProvider": "spot",
                "schedule": [{"at": "1h", "fraction": 0.2}]}],
}
for sc in (large, xlarge, storm):
    write(sc)
write(large, "bench-large-quick", "6h")
write(xlarge, "bench-xlarge-quick", "2h")
write(storm, "bench-spot-storm-quick", "1h30m")
