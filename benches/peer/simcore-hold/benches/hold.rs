//! The hold model on SimCore and on the bare heap, with ecsim's bench settings (batches of
//! 10,000 holds; warm-up 1 s, 3 s of measurement, 20 samples). `ECSIM_HOLD_DELAYS` names the
//! delay table ecsim's bench wrote.

use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use simcore_hold::{Delays, SimcoreHold, check_same_work, filled_heap, hold_heap, read_delays};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const HOLDS_PER_ITER: u64 = 10_000;

fn hold_model(c: &mut Criterion) {
    let path = std::env::var("ECSIM_HOLD_DELAYS").expect("ECSIM_HOLD_DELAYS names the table");
    let table = Rc::new(read_delays(&path));
    check_same_work(&table);
    for n in SIZES {
        let mut group = c.benchmark_group(format!("hold/n={n}"));
        group.throughput(Throughput::Elements(HOLDS_PER_ITER));

        let mut s = SimcoreHold::new(n, table.clone(), false);
        group.bench_function("simcore", |b| b.iter(|| s.hold(black_box(HOLDS_PER_ITER))));
        drop(s);

        let (mut h, mut seq) = filled_heap(n, &table);
        let mut dh = Delays::new(table.clone());
        group.bench_function("binary_heap", |b| {
            b.iter(|| hold_heap(&mut h, &mut seq, &mut dh, black_box(HOLDS_PER_ITER)))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    targets = hold_model
}
criterion_main!(benches);
