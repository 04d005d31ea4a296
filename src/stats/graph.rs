//! Graphical multiple testing procedures (Bretz, Maurer, Brannath & Posch 2009): hypotheses
//! with initial weights wᵢ (Σ ≤ 1) and a transition matrix G (gᵢᵢ = 0, rows summing to at most
//! 1). Hypothesis j is tested at level α·wⱼ; when it is rejected its weight passes along its
//! outgoing edges and the graph is updated (Algorithm 1 of the paper):
//!
//! - wₗ ← wₗ + wⱼ·gⱼₗ for every hypothesis l still in the graph;
//! - gₗₖ ← (gₗₖ + gₗⱼ·gⱼₖ) / (1 − gₗⱼ·gⱼₗ) for l ≠ k (0 when gₗⱼ·gⱼₗ = 1);
//! - j leaves the graph.
//!
//! The weights a set of rejections leaves do not depend on the order in which they were made
//! (the paper's Theorem 1); [`Graph::weights_after`] makes them in index order so that the same
//! set gives the same bits. Group-sequential designs (Maurer & Bretz 2013) use the same
//! weights: each hypothesis is tested at every look against the boundaries of its own spending
//! function at its current local level α·wⱼ (`analyze/looks.rs::family_at_looks`).
//!
//! Bonferroni, Holm, the fixed sequence and the fallback procedure are graphs
//! ([`Graph::bonferroni`], [`Graph::holm`], [`Graph::fixed_sequence`], [`Graph::fallback`]).

/// Weights and transitions of a graphical procedure over m hypotheses.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    pub weights: Vec<f64>,
    /// Row i: the share of i's weight that passes to each hypothesis when i is rejected.
    pub transitions: Vec<Vec<f64>>,
}

impl Graph {
    /// Equal weights 1/m, no transitions.
    pub fn bonferroni(m: usize) -> Graph {
        Graph { weights: vec![1.0 / m as f64; m], transitions: vec![vec![0.0; m]; m] }
    }

    /// Equal weights 1/m, each rejection passing its weight equally to the others.
    pub fn holm(m: usize) -> Graph {
        let share = if m > 1 { 1.0 / (m - 1) as f64 } else { 0.0 };
        let transitions = (0..m).map(|i| (0..m).map(|k| if i == k { 0.0 } else { share }).collect()).collect();
        Graph { weights: vec![1.0 / m as f64; m], transitions }
    }

    /// All the weight on the first hypothesis, each passing it to the next.
    pub fn fixed_sequence(m: usize) -> Graph {
        let mut weights = vec![0.0; m];
        if m > 0 {
            weights[0] = 1.0;
        }
        Graph::fallback(weights)
    }

    /// The fallback procedure (Wiens 2003): hypothesis i tested at α·wᵢ plus the level of
    /// i − 1 when i − 1 was rejected; the last one passes nothing on.
    pub fn fallback(weights: Vec<f64>) -> Graph {
        let m = weights.len();
        let transitions = (0..m).map(|i| (0..m).map(|k| if k == i + 1 { 1.0 } else { 0.0 }).collect()).collect();
        Graph { weights, transitions }
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Removes hypothesis j (rejected) from the graph `open` describes, updating weights and
    /// transitions in place (Algorithm 1, step 2).
    fn reject(weights: &mut [f64], g: &mut [Vec<f64>], open: &mut [bool], j: usize) {
        let m = weights.len();
        open[j] = false;
        let wj = weights[j];
        for l in (0..m).filter(|&l| open[l]) {
            weights[l] += wj * g[j][l];
        }
        let old: Vec<Vec<f64>> = g.to_vec();
        for l in (0..m).filter(|&l| open[l]) {
            for k in (0..m).filter(|&k| open[k]) {
                g[l][k] = if l == k {
                    0.0
                } else {
                    let loop_share = old[l][j] * old[j][l];
                    if loop_share < 1.0 { (old[l][k] + old[l][j] * old[j][k]) / (1.0 - loop_share) } else { 0.0 }
                };
            }
        }
        weights[j] = 0.0;
        g[j].fill(0.0);
        for row in g.iter_mut() {
            row[j] = 0.0;
        }
    }

    /// The weights of the hypotheses not in `rejected` once those in it are removed (0 for the
    /// rejected ones), rejecting in index order.
    pub fn weights_after(&self, rejected: &[bool]) -> Vec<f64> {
        let mut w = self.weights.clone();
        let mut g = self.transitions.clone();
        let mut open = vec![true; self.len()];
        for j in (0..self.len()).filter(|&j| rejected[j]) {
            Graph::reject(&mut w, &mut g, &mut open, j);
        }
        w
    }

    /// The sequentially rejective procedure on one-sided p-values at family level `alpha`:
    /// reject any hypothesis with wⱼ > 0 and pⱼ ≤ α·wⱼ, update, repeat until none is added. A
    /// NaN p-value is never rejected, nor a hypothesis of weight 0 (whatever its p-value: a
    /// p-value of 0 does not open a hypothesis the graph has not given any level).
    pub fn test(&self, p: &[f64], alpha: f64) -> Vec<bool> {
        let m = self.len();
        let mut w = self.weights.clone();
        let mut g = self.transitions.clone();
        let mut open = vec![true; m];
        while let Some(j) = (0..m).find(|&j| open[j] && w[j] > 0.0 && p[j] <= alpha * w[j]) {
            Graph::reject(&mut w, &mut g, &mut open, j);
        }
        open.iter().map(|&o| !o).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The improved parallel gatekeeping graph of Bretz et al. (2009, Figure 6 with ε → 0 as a
    /// graph of four hypotheses): primaries H1, H2 with weight ½; H1 → H3, H2 → H4, H3 → H2,
    /// H4 → H1, each 1. Worked by hand at α = 0.025 with p = (0.01, 0.005, p₃, 0.022):
    /// H1 (0.01 ≤ 0.0125) is rejected: w = (·, ½, ½, 0), H4 → H3 becomes 1 (through H1);
    /// H2 (0.005 ≤ 0.0125): w = (·, ·, ½, ½), H3 ↔ H4 with weight 1. With p₃ = 0.015 > 0.0125
    /// and p₄ = 0.022 > 0.0125 nothing more is rejected; with p₃ = 0.012, H3 is rejected, H4 gets
    /// weight 1 and 0.022 ≤ 0.025 rejects it.
    fn parallel_gatekeeping() -> Graph {
        Graph {
            weights: vec![0.5, 0.5, 0.0, 0.0],
            transitions: vec![
                vec![0.0, 0.0, 1.0, 0.0],
                vec![0.0, 0.0, 0.0, 1.0],
                vec![0.0, 1.0, 0.0, 0.0],
                vec![1.0, 0.0, 0.0, 0.0],
            ],
        }
    }

    #[test]
    fn the_parallel_gatekeeping_example_worked_by_hand() {
        let g = parallel_gatekeeping();
        assert_eq!(g.test(&[0.01, 0.005, 0.015, 0.022], 0.025), vec![true, true, false, false]);
        assert_eq!(g.test(&[0.01, 0.005, 0.012, 0.022], 0.025), vec![true, true, true, true]);
        assert_eq!(g.weights_after(&[true, false, false, false]), vec![0.0, 0.5, 0.5, 0.0]);
        assert_eq!(g.weights_after(&[true, true, false, false]), vec![0.0, 0.0, 0.5, 0.5]);
        assert_eq!(g.weights_after(&[true, true, true, false]), vec![0.0, 0.0, 0.0, 1.0]);
        // Only the secondary of a rejected primary opens: H2 alone gives H4 weight ½ (0.01 ≤
        // 0.0125 rejects it, 0.02 would not); H4 passes it to H1 (weight 1: 0.03 > 0.025), and H3
        // stays at weight 0 whatever its p-value.
        assert_eq!(g.test(&[0.03, 0.005, 0.001, 0.01], 0.025), vec![false, true, false, true]);
        assert_eq!(g.test(&[0.03, 0.005, 0.001, 0.02], 0.025), vec![false, true, false, false]);
        assert_eq!(g.weights_after(&[false, true, false, true]), vec![1.0, 0.0, 0.0, 0.0]);
    }

    /// Holm, Bonferroni and the fixed sequence written directly, against their graphs, on a
    /// grid of p-values (every order of three values around the levels).
    #[test]
    fn classical_procedures_are_graphs() {
        let alpha = 0.025;
        let values = [0.001, 0.0083, 0.0084, 0.0124, 0.0126, 0.02, 0.0249, 0.026, 0.5, f64::NAN];
        for &a in &values {
            for &b in &values {
                for &c in &values {
                    let p = [a, b, c];
                    // Holm: sorted p against α/(m − j).
                    let mut order = [0usize, 1, 2];
                    order.sort_by(|&x, &y| p[x].total_cmp(&p[y]));
                    let mut holm = [false; 3];
                    for (j, &i) in order.iter().enumerate() {
                        if p[i] <= alpha / (3 - j) as f64 {
                            holm[i] = true;
                        } else {
                            break;
                        }
                    }
                    assert_eq!(Graph::holm(3).test(&p, alpha), holm, "Holm {p:?}");
                    let bonferroni: Vec<bool> = p.iter().map(|&x| x <= alpha / 3.0).collect();
                    assert_eq!(Graph::bonferroni(3).test(&p, alpha), bonferroni, "Bonferroni {p:?}");
                    let mut fixed = vec![false; 3];
                    for i in 0..3 {
                        if p[i] <= alpha {
                            fixed[i] = true;
                        } else {
                            break;
                        }
                    }
                    assert_eq!(Graph::fixed_sequence(3).test(&p, alpha), fixed, "fixed sequence {p:?}");
                    // Fallback with weights (½, ¼, ¼): H2 at α/4, or 3α/4 after H1.
                    let fb = Graph::fallback(vec![0.5, 0.25, 0.25]).test(&p, alpha);
                    let r1 = p[0] <= alpha * 0.5;
                    let l2 = alpha * 0.25 + if r1 { alpha * 0.5 } else { 0.0 };
                    let r2 = p[1] <= l2;
                    let r3 = p[2] <= alpha * 0.25 + if r2 { l2 } else { 0.0 };
                    // (H1 can also be rejected after nothing else: the fallback passes forward only.)
                    assert_eq!(fb, vec![r1, r2, r3], "fallback {p:?}");
                }
            }
        }
    }

    /// At interim looks each member is tested at α·wⱼ after the rejections so far: for Holm
    /// that is α/(members left), for Bonferroni α/m, for the fixed sequence α for the first
    /// member not rejected and 0 after it, for every subset of rejections of up to 8 members
    /// (the most a family at looks has), to a few units in the last place.
    #[test]
    fn named_graphs_give_their_methods_levels_after_any_rejections() {
        for m in 1..=8usize {
            for mask in 0u32..(1 << m) {
                let rejected: Vec<bool> = (0..m).map(|j| mask >> j & 1 == 1).collect();
                let open = rejected.iter().filter(|&&r| !r).count();
                let first_open = rejected.iter().position(|&r| !r);
                let (holm, bonferroni, fixed) = (
                    Graph::holm(m).weights_after(&rejected),
                    Graph::bonferroni(m).weights_after(&rejected),
                    Graph::fixed_sequence(m).weights_after(&rejected),
                );
                for j in (0..m).filter(|&j| !rejected[j]) {
                    let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * b;
                    assert!(close(holm[j], 1.0 / open as f64), "Holm m {m} {rejected:?}: {}", holm[j]);
                    assert!(close(bonferroni[j], 1.0 / m as f64), "Bonferroni m {m} {rejected:?}");
                    // Whether the fixed sequence has reached j: all before it rejected.
                    let reached = (0..j).all(|q| rejected[q]);
                    assert_eq!(fixed[j], if reached { 1.0 } else { 0.0 }, "fixed m {m} {rejected:?} {first_open:?}");
                }
            }
        }
    }

    /// Rejections in any order leave the same weights (Theorem 1 of the paper), to rounding.
    #[test]
    fn weights_do_not_depend_on_the_order_of_rejection() {
        let g = Graph {
            weights: vec![0.4, 0.3, 0.2, 0.1],
            transitions: vec![
                vec![0.0, 0.5, 0.25, 0.25],
                vec![0.2, 0.0, 0.4, 0.4],
                vec![0.5, 0.5, 0.0, 0.0],
                vec![0.0, 0.0, 1.0, 0.0],
            ],
        };
        for order in [[0usize, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]] {
            let (mut w, mut t, mut open) = (g.weights.clone(), g.transitions.clone(), vec![true; 4]);
            for &j in &order {
                Graph::reject(&mut w, &mut t, &mut open, j);
            }
            let by_index = g.weights_after(&[true, true, true, false]);
            assert!((w[3] - by_index[3]).abs() < 1e-12, "{order:?}: {} vs {}", w[3], by_index[3]);
            assert!((w[3] - 1.0).abs() < 1e-12);
        }
        // The total weight never exceeds 1.
        let after = g.weights_after(&[true, false, false, false]);
        assert!(after.iter().sum::<f64>() <= 1.0 + 1e-12);
    }
}
