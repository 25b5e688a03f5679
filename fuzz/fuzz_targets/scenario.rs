//! Scenario loading and validation: any text must give a scenario or a list of problems, never
//! a panic. Valid scenarios are also run for a short simulated time with the model's rules
//! checked every minute (`RunOptions::check`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(mut s) = ecsim::scenario::load_str(text, "fuzz.json", None, &[]) {
        // Keep runs short: at most ten simulated minutes.
        s.duration = s.duration.min(600_000);
        let _ = ecsim::run(
            s,
            &ecsim::RunOptions {
                no_tables: true,
                // The model's rules are checked every simulated minute: a broken one panics.
                check: true,
                ..Default::default()
            },
        );
    }
});
