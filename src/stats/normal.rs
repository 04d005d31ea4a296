//! Standard normal and chi-square tail functions (statrs' erfc underneath).

use statrs::function::erf::{erfc, erfc_inv};

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
    -std::f64::consts::SQRT_2 * erfc_inv(2.0 * p)
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
        // statrs' erfc is accurate to about 1e-12 here, far inside the 1e-9 we promise on p-values.
        assert!((cdf(1.959963984540054) - 0.975).abs() < 1e-11);
        assert!((chisq1_upper(3.841458820694124) - 0.05).abs() < 1e-13);
        assert!((upper_tail(8.0) - 6.220960574271785e-16).abs() < 1e-28);
    }
}
