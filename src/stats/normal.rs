//! Standard normal and chi-square tail functions. `erfc` is libm's (musl's, accurate to an
//! ulp or so: statrs' is only good to about 1e-12 relative); the quantile starts from statrs'
//! inverse and is polished by Newton steps on that accurate cdf.

use libm::erfc;
use statrs::function::erf::erfc_inv;

/// Φ(x).
pub fn cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// 1 − Φ(x), accurate in the upper tail.
pub fn upper_tail(x: f64) -> f64 {
    0.5 * erfc(x / std::f64::consts::SQRT_2)
}

/// Φ⁻¹(p).
pub fn quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let mut x = -std::f64::consts::SQRT_2 * erfc_inv(2.0 * p);
    for _ in 0..2 {
        // Newton on whichever tail is small, for relative accuracy.
        let step = if x < 0.0 { (cdf(x) - p) / pdf(x) } else { (p - 1.0 + upper_tail(x)) / pdf(x) };
        if step.is_finite() {
            x -= step;
        }
    }
    x
}

/// The standard normal density.
pub fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// P(χ²₁ > x), as R's `pchisq(x, 1, lower.tail = FALSE)`.
pub fn chisq1_upper(x: f64) -> f64 {
    if x <= 0.0 { 1.0 } else { erfc((x / 2.0).sqrt()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((quantile(0.975) - 1.959963984540054).abs() < 1e-12);
        assert!((cdf(1.959963984540054) - 0.975).abs() < 1e-15);
        assert!((quantile(1e-10) + 6.361340902404056).abs() < 1e-12);
        assert!((chisq1_upper(3.841458820694124) - 0.05).abs() < 1e-13);
        assert!((upper_tail(8.0) - 6.220960574271785e-16).abs() < 1e-28);
    }
}
