//! Fargate task sizes (aws-behaviour.md §5).

/// The valid memory values (MiB) for a Fargate task CPU size, or None when the CPU size itself
/// is not a Fargate size.
///
/// ```
/// use ecsim::catalogue::fargate::valid_memory;
/// // 256 CPU units: 512 MiB, 1 GB, 2 GB.
/// assert_eq!(valid_memory(256), Some(vec![512, 1024, 2048]));
/// assert_eq!(valid_memory(300), None);
/// ```
pub fn valid_memory(cpu: u32) -> Option<Vec<u32>> {
    let gb = |from: u32, to: u32, step: u32| {
        (from..=to)
            .step_by(step as usize)
            .map(|g| g * 1024)
            .collect()
    };
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => gb(1, 4, 1),
        1024 => gb(2, 8, 1),
        2048 => gb(4, 16, 1),
        4096 => gb(8, 30, 1),
        8192 => gb(16, 60, 4),
        16384 => gb(32, 120, 8),
        _ => return None,
    })
}

/// The Fargate CPU sizes.
pub const CPU_SIZES: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// Checks a (CPU, memory) pair; the error says what is valid.
pub fn check_size(cpu: u32, memory: u32) -> Result<(), String> {
    let Some(valid) = valid_memory(cpu) else {
        return Err(format!(
            "{cpu} CPU units is not a Fargate size: valid CPU values are {}",
            CPU_SIZES.map(|c| c.to_string()).join(", ")
        ));
    };
    if valid.contains(&memory) {
        return Ok(());
    }
    Err(format!(
        "{memory} MiB is not a valid Fargate memory size for {cpu} CPU units: valid values are {}",
        describe(&valid)
    ))
}

fn describe(valid: &[u32]) -> String {
    if valid.len() <= 4 {
        return valid
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join(", ")
            + " MiB";
    }
    let step = valid[1] - valid[0];
    format!(
        "{} to {} MiB in steps of {} MiB ({} GB to {} GB in {} GB steps)",
        valid[0],
        valid[valid.len() - 1],
        step,
        valid[0] / 1024,
        valid[valid.len() - 1] / 1024,
        step / 1024
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_edges() {
        // 4096 CPU: 8–30 GB in 1 GB steps → 23 values, 8,192 to 30,720 MiB.
        let v = valid_memory(4096).unwrap();
        assert_eq!((v.len(), v[0], *v.last().unwrap()), (23, 8192, 30_720));
        // 16384 CPU: 32–120 GB in 8 GB steps → (120 − 32) / 8 + 1 = 12 values.
        assert_eq!(valid_memory(16384).unwrap().len(), 12);
        // 8192 CPU: 16–60 GB in 4 GB steps → 12 values; 20 GB valid, 18 GB not.
        assert!(check_size(8192, 20 * 1024).is_ok());
        assert!(check_size(8192, 18 * 1024).is_err());
    }

    #[test]
    fn messages_say_what_is_valid() {
        assert_eq!(
            check_size(256, 4096).unwrap_err(),
            "4096 MiB is not a valid Fargate memory size for 256 CPU units: valid values are 512, 1024, 2048 MiB"
        );
        assert_eq!(
            check_size(1024, 1024).unwrap_err(),
            "1024 MiB is not a valid Fargate memory size for 1024 CPU units: valid values are 2048 to 8192 MiB in steps of 1024 MiB (2 GB to 8 GB in 1 GB steps)"
        );
        assert!(
            check_size(3000, 4096)
                .unwrap_err()
                .contains("valid CPU values are 256, 512")
        );
    }
}
