//! The flow gate's tanh · sigmoid and the vocoder's final tanh, as branch-free f32 code that the
//! compiler vectorizes (SSE2 / SIMD128 lanes), instead of one libm call per element: libm's
//! `tanhf` (through `expm1f`) and `expf` were ~7% of native synthesis time (perf, 10 parity
//! sentences). Accuracy: `exp` within 2 ulp-scale relative error (Cephes' single-precision
//! polynomial after a `2^n` range reduction), tanh and sigmoid within 3e-7 absolute (tests
//! below), far under the kernels' 80 dB budget against burn's ops.

const LOG2E: f32 = std::f32::consts::LOG2_E;
/// ln 2 split in two so that `n · LN2_HI` is exact for the `n` used here (Cephes).
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
/// 1.5 · 2^23: adding and subtracting it rounds an f32 of magnitude < 2^22 to an integer
/// (round half to even) without a `round` call, which SSE2 has no instruction for.
const ROUND: f32 = 12_582_912.0;

/// e^x for finite `x` (clamped to [-87, 88], where e^x stays a normal f32).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_2e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5;
    let e = p * r * r + r + 1.0;
    // 2^n from its exponent bits: n is in [-126, 127] after the clamp.
    e * f32::from_bits(((n as i32 + 127) << 23) as u32)
}

/// tanh(x) = sign(x) · (1 − e^(−2|x|)) / (1 + e^(−2|x|)).
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let t = exp(-2.0 * x.abs());
    ((1.0 - t) / (1.0 + t)).copysign(x)
}

/// 1 / (1 + e^(−x)).
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `out[i] = tanh(a[i]) · sigmoid(b[i])`: WaveNet's gated activation.
pub fn gate(out: &mut [f32], a: &[f32], b: &[f32]) {
    for ((y, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *y = tanh(a) * sigmoid(b);
    }
}

/// `v[i] = tanh(v[i])`.
pub fn tanh_in_place(v: &mut [f32]) {
    for x in v {
        *x = tanh(*x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every 1/1024 from −20 to 20, plus the extremes.
    fn grid() -> impl Iterator<Item = f32> {
        (-20_480..=20_480).map(|i| i as f32 / 1024.0).chain([
            -1e30, -100.0, -87.5, 87.5, 100.0, 1e30, 1e-30, -1e-30, 0.0, -0.0,
        ])
    }

    #[test]
    fn exp_is_within_float_precision() {
        for x in (-87_000..=88_000).map(|i| i as f32 / 1000.0) {
            let (got, want) = (exp(x), f64::from(x).exp());
            let rel = ((f64::from(got) - want) / want).abs();
            assert!(rel < 3e-7, "exp({x}) = {got}, want {want} (rel {rel:e})");
        }
    }

    #[test]
    fn tanh_and_sigmoid_match_std_closely() {
        for x in grid() {
            let t = tanh(x);
            let want = f64::from(x).tanh();
            assert!(
                (f64::from(t) - want).abs() < 3e-7,
                "tanh({x}) = {t}, want {want}"
            );
            let s = sigmoid(x);
            let want = 1.0 / (1.0 + (-f64::from(x)).exp());
            assert!(
                (f64::from(s) - want).abs() < 3e-7,
                "sigmoid({x}) = {s}, want {want}"
            );
        }
        assert_eq!(tanh(0.0), 0.0);
        assert!(tanh(-0.0).is_sign_negative());
        assert!(tanh(f32::NAN).is_nan() && sigmoid(f32::NAN).is_nan());
    }

    #[test]
    fn gate_and_tanh_in_place_apply_elementwise() {
        let a = [-3.0f32, -0.5, 0.0, 0.25, 4.0];
        let b = [2.0f32, -1.0, 0.5, 0.0, -6.0];
        let mut out = [0f32; 5];
        gate(&mut out, &a, &b);
        for i in 0..5 {
            let want = a[i].tanh() / (1.0 + (-b[i]).exp());
            assert!((out[i] - want).abs() < 1e-6, "{i}: {} vs {want}", out[i]);
        }
        let mut v = a;
        tanh_in_place(&mut v);
        for i in 0..5 {
            assert!((v[i] - a[i].tanh()).abs() < 1e-6);
        }
    }
}
