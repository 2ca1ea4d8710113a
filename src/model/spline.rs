//! Inverse of the unconstrained rational-quadratic spline with linear tails, computed on the
//! host (it acts on one scalar per frame).
//!
//! Port of piper_train `vits/transforms.py` (`unconstrained_rational_quadratic_spline`,
//! `rational_quadratic_spline`, `searchsorted`) for `inverse=True`, in f32 like the ONNX graph.

/// Smallest bin width (`DEFAULT_MIN_BIN_WIDTH`).
const MIN_BIN_WIDTH: f32 = 1e-3;
/// Smallest bin height (`DEFAULT_MIN_BIN_HEIGHT`).
const MIN_BIN_HEIGHT: f32 = 1e-3;
/// Smallest derivative (`DEFAULT_MIN_DERIVATIVE`).
const MIN_DERIVATIVE: f32 = 1e-3;

fn softmax(v: &[f32]) -> Vec<f32> {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = v.iter().map(|x| (x - max).exp()).collect();
    let s: f32 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}

fn softplus(x: f32) -> f32 {
    // torch: log1p(exp(x)), linear above threshold 20.
    if x > 20.0 { x } else { x.exp().ln_1p() }
}

/// Knot positions from unnormalized bin sizes: `[bins] -> [bins + 1]` from `lo` to `hi`.
fn knots(unnormalized: &[f32], min_size: f32, lo: f32, hi: f32) -> Vec<f32> {
    let n = unnormalized.len() as f32;
    let mut cum = Vec::with_capacity(unnormalized.len() + 1);
    cum.push(0.0f32);
    let mut acc = 0.0f32;
    for s in softmax(unnormalized) {
        acc += min_size + (1.0 - min_size * n) * s;
        cum.push(acc);
    }
    let mut k: Vec<f32> = cum.into_iter().map(|c| (hi - lo) * c + lo).collect();
    k[0] = lo;
    let last = k.len() - 1;
    k[last] = hi;
    k
}

/// Inverts the spline at `y`. `widths`/`heights` have `bins` entries (already divided by
/// `sqrt(filter_channels)`), `derivs` has `bins - 1` (inner knots).
pub fn inverse(y: f32, widths: &[f32], heights: &[f32], derivs: &[f32], tail_bound: f32) -> f32 {
    if !(-tail_bound..=tail_bound).contains(&y) {
        return y; // linear tails: identity outside the interval
    }
    let (lo, hi) = (-tail_bound, tail_bound);
    let cumwidths = knots(widths, MIN_BIN_WIDTH, lo, hi);
    let cumheights = knots(heights, MIN_BIN_HEIGHT, lo, hi);
    // Boundary derivatives are fixed so that min_derivative + softplus(c) == 1.
    let constant = ((1.0 - MIN_DERIVATIVE).exp() - 1.0).ln();
    let d = |i: usize| -> f32 {
        let u = if i == 0 || i == derivs.len() + 1 {
            constant
        } else {
            derivs[i - 1]
        };
        MIN_DERIVATIVE + softplus(u)
    };
    // searchsorted(cumheights, y) with eps on the last knot.
    let bins = widths.len();
    let mut idx = 0usize;
    for (i, &c) in cumheights.iter().enumerate() {
        let c = if i == bins { c + 1e-6 } else { c };
        if y >= c {
            idx = i;
        }
    }
    let idx = idx.min(bins - 1);
    let in_cw = cumwidths[idx];
    let in_w = cumwidths[idx + 1] - cumwidths[idx];
    let in_ch = cumheights[idx];
    let in_h = cumheights[idx + 1] - cumheights[idx];
    let delta = in_h / in_w;
    let (d0, d1) = (d(idx), d(idx + 1));
    let dy = y - in_ch;
    let a = dy * (d0 + d1 - 2.0 * delta) + in_h * (delta - d0);
    let b = in_h * d0 - dy * (d0 + d1 - 2.0 * delta);
    let c = -delta * dy;
    let disc = b * b - 4.0 * a * c;
    let root = (2.0 * c) / (-b - disc.max(0.0).sqrt());
    root * in_w + in_cw
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forward spline (for the test only): maps x to y.
    fn forward(x: f32, w: &[f32], h: &[f32], d: &[f32], tb: f32) -> f32 {
        let cw = knots(w, MIN_BIN_WIDTH, -tb, tb);
        let ch = knots(h, MIN_BIN_HEIGHT, -tb, tb);
        let constant = ((1.0f32 - MIN_DERIVATIVE).exp() - 1.0).ln();
        let der = |i: usize| {
            MIN_DERIVATIVE
                + softplus(if i == 0 || i == d.len() + 1 {
                    constant
                } else {
                    d[i - 1]
                })
        };
        let idx = (0..w.len()).rev().find(|&i| x >= cw[i]).unwrap_or(0);
        let (w_, h_) = (cw[idx + 1] - cw[idx], ch[idx + 1] - ch[idx]);
        let delta = h_ / w_;
        let theta = (x - cw[idx]) / w_;
        let tt = theta * (1.0 - theta);
        let num = h_ * (delta * theta * theta + der(idx) * tt);
        let den = delta + (der(idx) + der(idx + 1) - 2.0 * delta) * tt;
        ch[idx] + num / den
    }

    #[test]
    fn inverse_undoes_forward() {
        let w = [0.3, -1.0, 0.5, 2.0, 0.0, 0.1, -0.4, 1.2, 0.7, -0.2];
        let h = [1.0, 0.2, -0.5, 0.3, 0.9, -1.1, 0.0, 0.4, 0.6, 0.1];
        let d = [0.5, -0.3, 1.0, 0.0, 0.2, -0.8, 0.4, 0.9, -0.1];
        for i in 0..=40 {
            let x = -4.9 + i as f32 * 0.245;
            let y = forward(x, &w, &h, &d, 5.0);
            let back = inverse(y, &w, &h, &d, 5.0);
            assert!((back - x).abs() < 1e-3, "x={x} y={y} back={back}");
        }
    }

    #[test]
    fn identity_outside_tail_bound() {
        let z = [0.0; 10];
        assert_eq!(inverse(7.5, &z, &z, &z[..9], 5.0), 7.5);
        assert_eq!(inverse(-5.5, &z, &z, &z[..9], 5.0), -5.5);
    }
}
