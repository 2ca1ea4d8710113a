//! Seeded Gaussian noise, identical on every platform (native, wasm), so `--seed` reproduces a
//! run. SplitMix64 (Steele et al., 2014) feeding Box–Muller.

/// A deterministic standard-normal generator.
#[derive(Debug, Clone)]
pub struct Normal {
    state: u64,
    spare: Option<f32>,
}

impl Normal {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed,
            spare: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// One standard-normal sample.
    pub fn sample(&mut self) -> f32 {
        if let Some(s) = self.spare.take() {
            return s;
        }
        let (u1, u2) = (self.uniform(), self.uniform());
        let r = (-2.0 * u1.ln()).sqrt();
        let th = std::f64::consts::TAU * u2;
        self.spare = Some((r * th.sin()) as f32);
        (r * th.cos()) as f32
    }

    /// `n` samples scaled by `scale`; zeros without drawing when `scale == 0` (deterministic).
    pub fn vec(&mut self, n: usize, scale: f32) -> Vec<f32> {
        if scale == 0.0 {
            return vec![0.0; n];
        }
        (0..n).map(|_| self.sample() * scale).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproducible_and_roughly_standard() {
        let a = Normal::new(7).vec(20_000, 1.0);
        assert_eq!(a, Normal::new(7).vec(20_000, 1.0));
        assert_ne!(a, Normal::new(8).vec(20_000, 1.0));
        let mean = a.iter().sum::<f32>() / a.len() as f32;
        let var = a.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / a.len() as f32;
        assert!(mean.abs() < 0.03, "{mean}");
        assert!((var - 1.0).abs() < 0.05, "{var}");
    }
}
