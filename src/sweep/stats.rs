//! Mean and 95 % confidence interval over seeds (Student's t with n − 1 degrees of freedom).
//!
//! ```
//! use ecsim::sweep::stats::Summary;
//! // 2, 4, 6: mean 4, sample sd 2, t(0.975, 2) = 4.302653 → half-width 4.302653 × 2 / √3.
//! let s = Summary::of(&[2.0, 4.0, 6.0]);
//! assert_eq!(s.mean, 4.0);
//! assert!((s.half_width.unwrap() - 4.302653 * 2.0 / 3f64.sqrt()).abs() < 1e-5);
//! ```

/// A sample's mean and the half-width of its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Number of values.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1), None for one value.
    pub sd: Option<f64>,
    /// t(0.975, n − 1) × sd / √n; None for one value.
    pub half_width: Option<f64>,
}

impl Summary {
    /// The summary of `values` (an empty slice gives n = 0 and a mean of 0).
    pub fn of(values: &[f64]) -> Summary {
        let n = values.len();
        if n == 0 {
            return Summary {
                n,
                mean: 0.0,
                sd: None,
                half_width: None,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Summary {
                n,
                mean,
                sd: None,
                half_width: None,
            };
        }
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        Summary {
            n,
            mean,
            sd: Some(sd),
            half_width: Some(t_quantile(0.975, (n - 1) as f64) * sd / (n as f64).sqrt()),
        }
    }
}

/// The `p` quantile of Student's t with `df` degrees of freedom (0.5 < p < 1), by bisection on
/// the distribution function.
///
/// ```
/// use ecsim::sweep::stats::t_quantile;
/// assert!((t_quantile(0.975, 1.0) - 12.706205).abs() < 1e-5);
/// assert!((t_quantile(0.975, 9.0) - 2.262157).abs() < 1e-5);
/// assert!((t_quantile(0.975, 1000.0) - 1.962339).abs() < 1e-5);
/// ```
pub fn t_quantile(p: f64, df: f64) -> f64 {
    // P(T ≤ t) = 1 − I_x(df/2, 1/2) / 2 with x = df / (df + t²), for t ≥ 0.
    let cdf = |t: f64| 1.0 - 0.5 * inc_beta(df / (df + t * t), df / 2.0, 0.5);
    let (mut lo, mut hi) = (0.0, 1.0);
    while cdf(hi) < p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized incomplete beta function I_x(a, b), by its continued fraction (modified
/// Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges faster.
fn inc_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - inc_beta(1.0 - x, b, a);
    }
    const TINY: f64 = 1e-300;
    let mut f = 1.0;
    let mut c = 1.0;
    let mut d = 0.0;
    for i in 0..=400 {
        let m = (i / 2) as f64;
        let num = if i == 0 {
            1.0
        } else if i % 2 == 0 {
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
        } else {
            -((a + m) * (a + b + m) * x) / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
        };
        d = 1.0 + num * d;
        if d.abs() < TINY {
            d = TINY;
        }
        d = 1.0 / d;
        c = 1.0 + num / c;
        if c.abs() < TINY {
            c = TINY;
        }
        let cd = c * d;
        f *= cd;
        if (1.0 - cd).abs() < 1e-15 {
            return front * (f - 1.0) / a;
        }
    }
    front * (f - 1.0) / a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_published_table() {
        // Two-sided 95 % critical values from any t table.
        for (df, t) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (3.0, 3.182),
            (4.0, 2.776),
            (5.0, 2.571),
            (10.0, 2.228),
            (20.0, 2.086),
            (30.0, 2.042),
            (49.0, 2.010),
            (120.0, 1.980),
        ] {
            let q = t_quantile(0.975, df);
            assert!((q - t).abs() < 5e-4, "df {df}: {q} vs {t}");
        }
    }

    #[test]
    fn a_small_sample_by_hand() {
        // 10, 12, 14, 16: mean 13; deviations −3, −1, 1, 3 → squares 9 + 1 + 1 + 9 = 20;
        // variance 20 / 3, sd 2.581989; t(0.975, 3) = 3.182446; half-width
        // 3.182446 × 2.581989 / 2 = 4.108520.
        let s = Summary::of(&[10.0, 12.0, 14.0, 16.0]);
        assert_eq!(s.mean, 13.0);
        assert!((s.sd.unwrap() - 2.581989).abs() < 1e-6);
        assert!((s.half_width.unwrap() - 4.108520).abs() < 1e-5);
        // One value: no interval.
        assert_eq!(Summary::of(&[5.0]).half_width, None);
    }
}
