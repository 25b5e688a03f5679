//! Rounding to the nearest integer, half away from zero, without a library call: exactly
//! [`f64::round`] for every input (the sign of a zero included), but inline. On x86-64 without
//! SSE4.1, `f64::round` is a call into the math library, and the hot paths round several
//! numbers per row of every table.

/// 2⁵²: from here on every `f64` is an integer.
const INTEGRAL: f64 = 4_503_599_627_370_496.0;

/// `x` rounded to the nearest integer, half away from zero: the same value as `x.round()`.
///
/// ```
/// use ecsim::util::round::round;
/// assert_eq!(round(2.5), 3.0);
/// assert_eq!(round(-2.5), -3.0);
/// assert_eq!(round(0.49999999999999994), 0.0);
/// assert!(round(-0.3).is_sign_negative()); // −0, as `(-0.3f64).round()`
/// assert!(round(f64::NAN).is_nan());
/// ```
#[inline]
pub fn round(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= INTEGRAL {
        // Already an integer, an infinity or NaN: unchanged, as `round` leaves it.
        return x;
    }
    // |x| < 2⁵²: the truncation fits an i64 exactly, and x − trunc(x) is exact (both lie
    // in the same binade or below), so comparing it with ±0.5 decides as exact arithmetic.
    let t = x as i64 as f64;
    let d = x - t;
    let r = if d >= 0.5 {
        t + 1.0
    } else if d <= -0.5 {
        t - 1.0
    } else {
        t
    };
    // A result of zero keeps the sign of `x` (−0.3 rounds to −0); any other result already
    // has it.
    r.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_the_standard_round_at_the_edges() {
        // Halves go away from zero; the largest double below 0.5 goes to 0; 2⁵² − 0.5 is a
        // half (4503599627370495.5 is representable), so it goes up to 2⁵²; from 2⁵² on,
        // values are integers and unchanged.
        let cases = [
            (0.5, 1.0),
            (-0.5, -1.0),
            (1.5, 2.0),
            (-1.5, -2.0),
            (0.49999999999999994, 0.0),
            (4_503_599_627_370_495.5, 4_503_599_627_370_496.0),
            (9_007_199_254_740_993.0, 9_007_199_254_740_993.0),
            (1e300, 1e300),
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, f64::NEG_INFINITY),
        ];
        for (x, want) in cases {
            assert_eq!(round(x), want, "round({x})");
            assert_eq!(round(x), x.round(), "round({x}) against the standard");
        }
        // Zeros keep their sign: −0.2 → −0, 0.2 → +0, −0 → −0.
        assert!(round(-0.2).is_sign_negative());
        assert!(round(0.2).is_sign_positive());
        assert!(round(-0.0).is_sign_negative());
        assert!(round(f64::NAN).is_nan());
    }

    proptest! {
        #[test]
        fn is_the_standard_round_bit_for_bit(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(!x.is_nan());
            prop_assert_eq!(round(x).to_bits(), x.round().to_bits());
        }

        #[test]
        fn is_the_standard_round_for_table_values(x in -1e12f64..1e12) {
            // The range the tables round (values × 10^places well inside 2⁵²).
            prop_assert_eq!(round(x).to_bits(), x.round().to_bits());
            prop_assert_eq!(round(x * 1e3).to_bits(), (x * 1e3).round().to_bits());
        }
    }
}
