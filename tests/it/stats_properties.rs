//! Properties the survival statistics must have on any data.

use peritrial::stats::cox::{self, Cox, Ties};
use peritrial::stats::km::KmCurve;
use peritrial::stats::logrank::{self, Weights};
use peritrial::stats::{Obs, RiskTable, sort_by_stratum_time};
use proptest::prelude::*;

fn trial() -> impl Strategy<Value = Vec<Obs>> {
    // Times on a coarse grid so that ties are common.
    prop::collection::vec((1u32..40, 0u8..2, 0u8..2, 0u16..3), 4..80).prop_map(|rows| {
        rows.into_iter().map(|(t, status, arm, stratum)| Obs { time: t as f64 / 2.0, status, arm, stratum }).collect()
    })
}

fn table(obs: &[Obs], pooled: bool) -> RiskTable {
    let mut v: Vec<Obs> = obs.iter().map(|o| if pooled { Obs { stratum: 0, ..*o } } else { *o }).collect();
    sort_by_stratum_time(&mut v);
    RiskTable::build(&v, pooled)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn km_is_non_increasing_in_unit_interval(obs in trial()) {
        let t = table(&obs, true);
        for arm in [Some(0), Some(1), None] {
            let c = KmCurve::from_rows(&t.rows, arm, 100.0);
            let mut prev = 1.0;
            for &s in &c.surv {
                prop_assert!((0.0..=1.0).contains(&s));
                prop_assert!(s <= prev);
                prev = s;
            }
        }
    }

    #[test]
    fn p_values_lie_in_unit_interval(obs in trial(), rho in 0.0f64..2.0, gamma in 0.0f64..2.0) {
        for pooled in [true, false] {
            let l = logrank::test(&table(&obs, pooled), Weights { rho, gamma });
            prop_assert!((0.0..=1.0).contains(&l.p_value));
            prop_assert!((0.0..=1.0).contains(&l.p_one_sided()));
        }
    }

    #[test]
    fn logrank_is_invariant_to_increasing_maps_of_time(obs in trial()) {
        let warped: Vec<Obs> = obs.iter().map(|o| Obs { time: (o.time * 0.3).exp() + o.time.powi(3), ..*o }).collect();
        let (a, b) = (logrank::test(&table(&obs, true), Weights::LOGRANK), logrank::test(&table(&warped, true), Weights::LOGRANK));
        prop_assert!((a.z - b.z).abs() < 1e-9);
        let (a, b) = (logrank::test(&table(&obs, true), Weights { rho: 1.0, gamma: 0.5 }), logrank::test(&table(&warped, true), Weights { rho: 1.0, gamma: 0.5 }));
        prop_assert!((a.z - b.z).abs() < 1e-9);
    }

    #[test]
    fn swapping_arms_negates_z_and_inverts_the_hazard_ratio(obs in trial()) {
        let swapped: Vec<Obs> = obs.iter().map(|o| Obs { arm: 1 - o.arm, ..*o }).collect();
        for pooled in [true, false] {
            let (a, b) = (logrank::test(&table(&obs, pooled), Weights::LOGRANK), logrank::test(&table(&swapped, pooled), Weights::LOGRANK));
            prop_assert!((a.z + b.z).abs() < 1e-9);
            for ties in [Ties::Efron, Ties::Breslow] {
                match (cox::fit(&table(&obs, pooled), ties), cox::fit(&table(&swapped, pooled), ties)) {
                    (Cox::Estimate { log_hr: x, se: sx, .. }, Cox::Estimate { log_hr: y, se: sy, .. }) => {
                        prop_assert!((x + y).abs() < 1e-7 * (1.0 + x.abs()));
                        prop_assert!((sx - sy).abs() < 1e-7 * sx);
                    }
                    (Cox::NotEstimable, Cox::NotEstimable) => {}
                    (x, y) => prop_assert!(false, "{x:?} vs {y:?}"),
                }
            }
        }
    }

    #[test]
    fn duplicating_every_row_leaves_the_hazard_ratio_unchanged(obs in trial()) {
        let doubled: Vec<Obs> = obs.iter().chain(obs.iter()).copied().collect();
        for ties in [Ties::Efron, Ties::Breslow] {
            match (cox::fit(&table(&obs, true), ties), cox::fit(&table(&doubled, true), ties)) {
                (Cox::Estimate { log_hr: x, .. }, Cox::Estimate { log_hr: y, .. }) if ties == Ties::Breslow => {
                    prop_assert!((x - y).abs() < 1e-7 * (1.0 + x.abs()));
                }
                (Cox::Estimate { .. }, Cox::Estimate { .. }) => {
                    // Efron's correction depends on the size of tied groups, which doubling
                    // changes (R's coxph moves too); without ties Efron is Breslow, tested below.
                }
                (Cox::NotEstimable, Cox::NotEstimable) => {}
                (x, y) => prop_assert!(false, "{x:?} vs {y:?}"),
            }
        }
    }

    #[test]
    fn efron_equals_breslow_without_ties(n in 5usize..60, seed in 0u64..1000) {
        let obs: Vec<Obs> = (0..n).map(|i| {
            let h = (i as u64 * 2654435761 + seed * 97) % 1000;
            Obs { time: 1.0 + i as f64 + h as f64 / 1000.0, status: !h.is_multiple_of(3) as u8, arm: (h % 2) as u8, stratum: 0 }
        }).collect();
        match (cox::fit(&table(&obs, true), Ties::Efron), cox::fit(&table(&obs, true), Ties::Breslow)) {
            (Cox::Estimate { log_hr: x, .. }, Cox::Estimate { log_hr: y, .. }) => prop_assert!((x - y).abs() < 1e-9 * (1.0 + x.abs())),
            (Cox::NotEstimable, Cox::NotEstimable) => {}
            (x, y) => prop_assert!(false, "{x:?} vs {y:?}"),
        }
    }
}
