//! Compute backend selection. Native builds compute on burn's pure-Rust `flex` CPU backend;
//! the browser build adds WebGPU (burn-wgpu) and falls back to `flex` (see the wasm bindings).

use burn::tensor::Device;

/// Which backend a voice runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// burn `flex` (pure Rust, SIMD) on the CPU.
    Cpu,
    /// burn-wgpu on WebGPU.
    WebGpu,
}

impl Backend {
    /// The name reported to users: `cpu` or `webgpu`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
            Backend::WebGpu => "webgpu",
        }
    }
}

/// The CPU device.
pub fn cpu() -> Device {
    Device::flex()
}
