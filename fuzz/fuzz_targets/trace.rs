//! Trace CSV parsing: any text must give a trace or an error with its position, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ecsim::workload::trace::parse_trace(text, "fuzz.csv");
    }
});
