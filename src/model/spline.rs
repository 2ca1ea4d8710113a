//! Inverse of the unconstrained rational-quadratic spline with linear tails, on the device.
//!
//! Port of piper_train `vits/transforms.py` (`unconstrained_rational_quadratic_spline`,
//! `rational_quadratic_spline`, `searchsorted`) for `inverse=True`, in f32 like the ONNX graph.
//! [`inverse`] acts on every frame at once with tensor ops (softmax, cumsum, a comparison count
//! for `searchsorted`, `gather` for the bin), so the duration predictor's flow never reads its
//! intermediate values back to the host (on WebGPU a read-back stalls the queue). The scalar
//! form it was ported from stays below as the tests' reference.

use burn::tensor::activation::softmax as softmax_t;
use burn::tensor::{Int, Tensor};

/// Smallest bin width (`DEFAULT_MIN_BIN_WIDTH`).
const MIN_BIN_WIDTH: f32 = 1e-3;
/// Smallest bin height (`DEFAULT_MIN_BIN_HEIGHT`).
const MIN_BIN_HEIGHT: f32 = 1e-3;
/// Smallest derivative (`DEFAULT_MIN_DERIVATIVE`).
const MIN_DERIVATIVE: f32 = 1e-3;

#[cfg(test)]
fn softmax(v: &[f32]) -> Vec<f32> {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = v.iter().map(|x| (x - max).exp()).collect();
    let s: f32 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}

#[cfg(test)]
fn softplus(x: f32) -> f32 {
    // torch: log1p(exp(x)), linear above threshold 20.
    if x > 20.0 { x } else { x.exp().ln_1p() }
}

/// Knot positions from unnormalized bin sizes: `[bins] -> [bins + 1]` from `lo` to `hi`.
#[cfg(test)]
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

/// The scalar reference: inverts the spline at `y`. `widths`/`heights` have `bins` entries
/// (already divided by `sqrt(filter_channels)`), `derivs` has `bins - 1` (inner knots).
#[cfg(test)]
fn inverse_scalar(y: f32, widths: &[f32], heights: &[f32], derivs: &[f32], tail_bound: f32) -> f32 {
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

/// `log1p(exp(x))`, linear above 20 (torch's softplus threshold).
fn softplus_t(x: Tensor<2>) -> Tensor<2> {
    let big = x.clone().greater_elem(20.0);
    x.clone().exp().log1p().mask_where(big, x)
}

/// Knot positions per row from unnormalized bin sizes: `[t, bins] -> [t, bins + 1]`, from `lo`
/// to `hi` (the first and last set exactly, as upstream does).
fn knots_t(unnormalized: Tensor<2>, min_size: f32, lo: f32, hi: f32) -> Tensor<2> {
    let [t, bins] = unnormalized.dims();
    let device = unnormalized.device();
    let sizes = softmax_t(unnormalized, 1) * (1.0 - min_size * bins as f32) + min_size;
    let inner = sizes.cumsum(1).narrow(1, 0, bins - 1) * (hi - lo) + lo;
    Tensor::cat(
        vec![
            Tensor::full([t, 1], lo, &device),
            inner,
            Tensor::full([t, 1], hi, &device),
        ],
        1,
    )
}

/// Inverts the spline at every `y: [t, 1]`: row `i` uses `widths[i]`, `heights[i]` (`[t, bins]`,
/// already divided by `sqrt(filter_channels)`) and `derivs[i]` (`[t, bins - 1]`, inner knots).
/// Values outside `±tail_bound` pass unchanged (linear tails). `[t, 1]` out.
pub fn inverse(
    y: Tensor<2>,
    widths: Tensor<2>,
    heights: Tensor<2>,
    derivs: Tensor<2>,
    tail_bound: f32,
) -> Tensor<2> {
    let [t, bins] = widths.dims();
    let device = y.device();
    let (lo, hi) = (-tail_bound, tail_bound);
    let cumwidths = knots_t(widths, MIN_BIN_WIDTH, lo, hi);
    let cumheights = knots_t(heights, MIN_BIN_HEIGHT, lo, hi);
    // Boundary derivatives are fixed so that min_derivative + softplus(c) == 1.
    let constant = ((1.0 - MIN_DERIVATIVE).exp() - 1.0).ln();
    let edge = Tensor::<2>::full([t, 1], constant, &device);
    let derivs = softplus_t(Tensor::cat(vec![edge.clone(), derivs, edge], 1)) + MIN_DERIVATIVE;
    // searchsorted(cumheights, y) with eps on the last knot: (number of knots <= y) - 1, clamped
    // to a bin (values outside the interval are masked out at the end).
    let eps = Tensor::cat(
        vec![
            Tensor::<2>::zeros([t, bins], &device),
            Tensor::full([t, 1], 1e-6, &device),
        ],
        1,
    );
    let locations = cumheights.clone() + eps;
    let idx: Tensor<2, Int> = y
        .clone()
        .expand([t, bins + 1])
        .greater_equal(locations)
        .int()
        .sum_dim(1)
        .sub_scalar(1)
        .clamp(0, bins as i64 - 1);
    let at = |x: Tensor<2>, i: Tensor<2, Int>| x.gather(1, i);
    let bin_widths = cumwidths.clone().narrow(1, 1, bins) - cumwidths.clone().narrow(1, 0, bins);
    let bin_heights = cumheights.clone().narrow(1, 1, bins) - cumheights.clone().narrow(1, 0, bins);
    let in_cw = at(cumwidths, idx.clone());
    let in_w = at(bin_widths, idx.clone());
    let in_ch = at(cumheights, idx.clone());
    let in_h = at(bin_heights, idx.clone());
    let delta = in_h.clone() / in_w.clone();
    let d0 = at(derivs.clone(), idx.clone());
    let d1 = at(derivs, idx.add_scalar(1));
    let dy = y.clone() - in_ch;
    let slope = d0.clone() + d1 - delta.clone() * 2.0;
    let a = dy.clone() * slope.clone() + in_h.clone() * (delta.clone() - d0.clone());
    let b = in_h * d0 - dy.clone() * slope;
    let c = -(delta * dy);
    let disc = b.clone() * b.clone() - a * c.clone() * 4.0;
    let root = (c * 2.0) / (-b - disc.clamp_min(0.0).sqrt());
    let inside = y
        .clone()
        .greater_equal_elem(lo)
        .bool_and(y.clone().lower_equal_elem(hi));
    y.mask_where(inside, root * in_w + in_cw)
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
            let back = inverse_scalar(y, &w, &h, &d, 5.0);
            assert!((back - x).abs() < 1e-3, "x={x} y={y} back={back}");
        }
    }

    #[test]
    fn identity_outside_tail_bound() {
        let z = [0.0; 10];
        assert_eq!(inverse_scalar(7.5, &z, &z, &z[..9], 5.0), 7.5);
        assert_eq!(inverse_scalar(-5.5, &z, &z, &z[..9], 5.0), -5.5);
    }

    /// The tensor form against the scalar reference, frame by frame: random bin parameters
    /// (some large enough to reach softplus's linear branch), values inside the interval, on
    /// its edges and outside it.
    #[test]
    fn tensor_form_matches_the_scalar_reference() {
        use burn::tensor::TensorData;
        let (bins, tb) = (10usize, 5.0f32);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            // xorshift64*: deterministic test values in [-1, 1).
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        };
        let ys: Vec<f32> = [-5.0, 5.0, -6.0, 7.5, 4.999_999, -5.000_001, 0.0]
            .into_iter()
            .chain((0..57).map(|_| next() * 5.5))
            .collect();
        let t = ys.len();
        let mut param =
            |n: usize, scale: f32| -> Vec<f32> { (0..t * n).map(|_| next() * scale).collect() };
        let (w, h, mut d) = (param(bins, 3.0), param(bins, 3.0), param(bins - 1, 4.0));
        d[3] = 25.0; // softplus's linear branch
        let device = crate::backend::cpu();
        let tensor = |v: &[f32], n: usize| {
            Tensor::<2>::from_data(TensorData::new(v.to_vec(), [t, n]), &device)
        };
        let got = inverse(
            tensor(&ys, 1),
            tensor(&w, bins),
            tensor(&h, bins),
            tensor(&d, bins - 1),
            tb,
        )
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
        assert_eq!(got.len(), t);
        for (i, (&y, &g)) in ys.iter().zip(&got).enumerate() {
            let row = |v: &[f32], n: usize| v[i * n..(i + 1) * n].to_vec();
            let want = inverse_scalar(y, &row(&w, bins), &row(&h, bins), &row(&d, bins - 1), tb);
            let tol = 1e-5 * want.abs().max(1.0);
            assert!((g - want).abs() <= tol, "y={y} tensor={g} scalar={want}");
        }
    }
}
