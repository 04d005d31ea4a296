//! The smallest value of a count (sample size, event count) whose Monte Carlo power reaches a
//! target: start from the analytic answer, bracket with few replicates, bisect with more, and
//! settle the last steps with the full count. Every evaluation uses the same seed, so
//! candidates share their virtual patients (common random numbers) and power is a nearly
//! monotone step function of the count.

/// One evaluated candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub value: u64,
    pub replicates: u64,
    pub power: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SizeResult {
    pub value: u64,
    pub power: f64,
    pub power_mcse: f64,
    pub replicates: u64,
    pub evaluations: Vec<Evaluation>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SizeError<E> {
    /// Even the largest allowed value stays below the target.
    Unreachable {
        max: u64,
        power: f64,
    },
    Evaluation(E),
}

/// Searches `min..=max` from `start`; `power_at(value, replicates)` runs the simulation.
pub fn search<E>(
    target: f64,
    start: u64,
    min: u64,
    max: u64,
    replicates: u64,
    mut power_at: impl FnMut(u64, u64) -> Result<f64, E>,
) -> Result<SizeResult, SizeError<E>> {
    let coarse = (replicates / 8).clamp(200.min(replicates), replicates);
    let fine = (replicates / 2).max(coarse);
    let mut evaluations = Vec::new();
    let mut eval = |v: u64, r: u64, evaluations: &mut Vec<Evaluation>| -> Result<f64, SizeError<E>> {
        let p = power_at(v, r).map_err(SizeError::Evaluation)?;
        evaluations.push(Evaluation { value: v, replicates: r, power: p });
        Ok(p)
    };
    // Bracket [lo, hi] with power(lo) < target <= power(hi).
    let v0 = start.clamp(min, max);
    let (mut lo, mut hi);
    let mut step = (v0 / 8).max(1);
    if eval(v0, coarse, &mut evaluations)? >= target {
        hi = v0;
        lo = v0;
        loop {
            if lo == min {
                break;
            }
            lo = lo.saturating_sub(step).max(min);
            if eval(lo, coarse, &mut evaluations)? < target {
                break;
            }
            hi = lo;
            step *= 2;
        }
    } else {
        lo = v0;
        hi = v0;
        loop {
            if hi == max {
                let p = eval(max, replicates, &mut evaluations)?;
                if p < target {
                    return Err(SizeError::Unreachable { max, power: p });
                }
                break;
            }
            hi = (hi + step).min(max);
            if eval(hi, coarse, &mut evaluations)? >= target {
                break;
            }
            lo = hi;
            step *= 2;
        }
    }
    // Bisect with more replicates.
    while hi > lo + 1 {
        let mid = lo + (hi - lo) / 2;
        if eval(mid, fine, &mut evaluations)? >= target { hi = mid } else { lo = mid }
    }
    // Settle with the full count: move down while the value below still reaches the target,
    // up while this one does not.
    let mut power = eval(hi, replicates, &mut evaluations)?;
    for _ in 0..32 {
        if power < target {
            if hi == max {
                return Err(SizeError::Unreachable { max, power });
            }
            hi += 1;
            power = eval(hi, replicates, &mut evaluations)?;
        } else if hi > min {
            let below = eval(hi - 1, replicates, &mut evaluations)?;
            if below >= target {
                hi -= 1;
                power = below;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    let r = replicates as f64;
    Ok(SizeResult { value: hi, power, power_mcse: (power * (1.0 - power) / r).sqrt(), replicates, evaluations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_crossing_of_a_monotone_curve() {
        let curve = |v: u64, _r: u64| -> Result<f64, ()> { Ok(1.0 - (-(v as f64) / 100.0).exp()) };
        // 1 − e^{−v/100} ≥ 0.9 ⇔ v ≥ 230.26.
        for start in [10, 200, 231, 1000] {
            let r = search(0.9, start, 1, 5000, 1000, curve).unwrap();
            assert_eq!(r.value, 231, "from {start}");
        }
        assert!(matches!(search(0.9, 10, 1, 100, 1000, curve), Err(SizeError::Unreachable { .. })));
    }
}
