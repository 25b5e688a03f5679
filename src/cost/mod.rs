//! Cost: the price table ([`prices`]) and billing ([`billing`]). Fargate is billed per second
//! from the start of the image pull until the task stops, at least one minute per task; EC2 per
//! second from launch until termination, at least 60 s per instance, whether or not tasks use
//! it; Spot at the price in force. EC2 cost is attributed to services by their share of the
//! reserved CPU and memory of the instances they run on; the rest is `idle_usd`.

pub mod billing;
pub mod prices;
