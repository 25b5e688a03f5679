//! An `i128` through serde, read back from wherever a JSON reader put it: `#[serde(with =
//! "crate::util::wide")]` on a field. Written as the plain integer; read from any integer that
//! fits, or from a float that holds a whole number (a reader that buffers a value — an
//! internally tagged enum does — has no 128-bit integers, and one beyond 64 bits arrives as a
//! float).

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

/// Writes `v` as an integer.
pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i128(*v)
}

/// Reads an integer (or a whole float within ±2^127).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = i128;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
            Ok(v.into())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
            Ok(v.into())
        }
        fn visit_i128<E: de::Error>(self, v: i128) -> Result<i128, E> {
            Ok(v)
        }
        fn visit_u128<E: de::Error>(self, v: u128) -> Result<i128, E> {
            i128::try_from(v).map_err(|_| E::custom(format!("{v}: expected at most {}", i128::MAX)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i128, E> {
            // 2^127 is exactly representable; every whole float below it in size fits.
            const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
            if v.fract() == 0.0 && v.abs() < LIMIT {
                Ok(v as i128)
            } else {
                Err(E::custom(format!("{v}: expected an integer")))
            }
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(tag = "type")]
    enum Tagged {
        N {
            #[serde(with = "super")]
            n: i128,
        },
    }

    #[test]
    fn a_wide_integer_survives_a_buffering_reader() {
        // 7 written plainly, read back through the internally tagged enum's buffer.
        let v = Tagged::N { n: 7 };
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"type":"N","n":7}"#);
        assert_eq!(serde_json::from_str::<Tagged>(&json).unwrap(), v);
        // −2^63 − 1 does not fit 64 bits: written exactly, it comes back as the float
        // −9223372036854775808 (the nearest), a whole number.
        let wide = Tagged::N {
            n: i128::from(i64::MIN) - 1,
        };
        let json = serde_json::to_string(&wide).unwrap();
        assert_eq!(json, r#"{"type":"N","n":-9223372036854775809}"#);
        assert_eq!(
            serde_json::from_str::<Tagged>(&json).unwrap(),
            Tagged::N {
                n: i128::from(i64::MIN)
            }
        );
        // A fraction is no integer.
        let e = serde_json::from_str::<Tagged>(r#"{"type":"N","n":2.5}"#).unwrap_err();
        assert!(e.to_string().contains("2.5: expected an integer"), "{e}");
    }
}
