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

/// Φ⁻¹(p) by Wichura's AS 241 (PPND16, 1988; R's `qnorm`): rational approximations good to
/// about 1e-16 relative, with one logarithm and no polishing; for inner loops such as the
/// lattice integration of [`super::maxcombo`], where [`quantile`]'s Newton steps cost more than
/// they give.
#[allow(clippy::excessive_precision)] // the published coefficients, digit for digit
pub fn quantile_as241(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = ((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
            + 45921.953931549871457)
            * r
            + 13731.693765509461125)
            * r
            + 1971.5909503065514427)
            * r
            + 133.14166789178437745)
            * r
            + 3.387132872796366608;
        let den = ((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
            + 21213.794301586595867)
            * r
            + 5394.1960214247511077)
            * r
            + 687.1870074920579083)
            * r
            + 42.313330701600911252)
            * r
            + 1.0;
        return q * num / den;
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-libm::log(tail)).sqrt();
    let value = if r <= 5.0 {
        r -= 1.6;
        let num = ((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734;
        let den = ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966)
            * r
            + 0.14810397642748007459)
            * r
            + 0.68976733498510000455)
            * r
            + 1.6763848301838038494)
            * r
            + 2.05319162663775882187)
            * r
            + 1.0;
        num / den
    } else {
        r -= 5.0;
        let num = ((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772;
        let den = ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5)
            * r
            + 7.868691311456132591e-4)
            * r
            + 0.0148753612908506148525)
            * r
            + 0.13692988092273580531)
            * r
            + 0.59983220655588793769)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 { -value } else { value }
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

    /// AS 241 agrees with the polished quantile across the range, both tails included.
    #[test]
    fn as241_agrees_with_the_polished_quantile() {
        let mut worst = 0.0f64;
        for k in 1..20_000 {
            let p = k as f64 / 20_000.0;
            for q in [p, p * 1e-6, p * 1e-12, p * 1e-100, 1.0 - p * 1e-6] {
                let (a, b) = (quantile_as241(q), quantile(q));
                worst = worst.max((a - b).abs() / b.abs().max(1e-3));
            }
        }
        assert!(worst < 1e-13, "{worst:e}");
    }
}
