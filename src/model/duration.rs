//! The stochastic duration predictor (`dp`), inference direction: noise → log-durations
//! through the reversed normalizing flow, conditioned on the text encoder output.
//!
//! Port of piper_train `vits/models.py` (`StochasticDurationPredictor.forward(reverse=True)`)
//! and `vits/modules.py` (`DDSConv`, `ConvFlow`, `ElementwiseAffine`, `Flip`). The flow runs on
//! a `[2, t]` latent; its spline step happens on the host ([`super::spline`]), the convolutions
//! on the device.

use super::config::VitsConfig;
use super::layers::{ChannelNorm, Conv1d, ConvSpec};
use super::to_host;
use crate::error::SynthesisError;
use crate::weights::{TensorStore, WeightsError};
use burn::tensor::activation::gelu;
use burn::tensor::{Device, Tensor, TensorData};

/// Dilated depth-separable convolutions (`modules.DDSConv`).
#[derive(Debug, Clone)]
struct DdsConv {
    sep: Vec<Conv1d>,
    one: Vec<Conv1d>,
    norm_1: Vec<ChannelNorm>,
    norm_2: Vec<ChannelNorm>,
}

impl DdsConv {
    fn load(
        store: &mut TensorStore,
        p: &str,
        c: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let (f, k) = (c.dp_filter_channels, c.dp_kernel_size);
        let mut s = Self {
            sep: vec![],
            one: vec![],
            norm_1: vec![],
            norm_2: vec![],
        };
        for i in 0..c.dp_dds_layers {
            let dilation = k.pow(i as u32);
            s.sep.push(Conv1d::load(
                store,
                &format!("{p}.convs_sep.{i}"),
                ConvSpec::new(f, f, k).dilation(dilation).groups(f),
                device,
            )?);
            s.one.push(Conv1d::load(
                store,
                &format!("{p}.convs_1x1.{i}"),
                ConvSpec::new(f, f, 1),
                device,
            )?);
            s.norm_1.push(ChannelNorm::load(
                store,
                &format!("{p}.norms_1.{i}"),
                f,
                device,
            )?);
            s.norm_2.push(ChannelNorm::load(
                store,
                &format!("{p}.norms_2.{i}"),
                f,
                device,
            )?);
        }
        Ok(s)
    }

    fn forward(&self, mut x: Tensor<3>, g: Option<Tensor<3>>) -> Tensor<3> {
        if let Some(g) = g {
            x = x + g;
        }
        for i in 0..self.sep.len() {
            let y = gelu(self.norm_1[i].forward(self.sep[i].forward(x.clone())));
            let y = gelu(self.norm_2[i].forward(self.one[i].forward(y)));
            x = x + y;
        }
        x
    }
}

/// `modules.ConvFlow` (half_channels = 1).
#[derive(Debug, Clone)]
struct ConvFlow {
    pre: Conv1d,
    convs: DdsConv,
    proj: Conv1d,
}

/// The duration predictor.
#[derive(Debug, Clone)]
pub struct DurationPredictor {
    pre: Conv1d,
    convs: DdsConv,
    proj: Conv1d,
    /// `flows.0` (ElementwiseAffine): mean and log-scale per channel.
    ea_m: [f32; 2],
    ea_logs: [f32; 2],
    /// ConvFlows in the order the reverse pass applies them (`flows.7`, `flows.5`, `flows.3`).
    flows: Vec<ConvFlow>,
    bins: usize,
    tail_bound: f32,
    filter: usize,
    device: Device,
}

impl DurationPredictor {
    /// Loads `dp.*`. Only the flows the reverse pass uses exist in the export: `flows.0` and
    /// the ConvFlows at odd indices `3, 5, …` (`flows.1` is "a useless vflow" upstream).
    pub fn load(
        store: &mut TensorStore,
        c: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let (h, f) = (c.hidden_channels, c.dp_filter_channels);
        let m = store.take_host("dp.flows.0.m", &[2, 1])?.data;
        let logs = store.take_host("dp.flows.0.logs", &[2, 1])?.data;
        let mut flows = Vec::new();
        for j in (0..c.dp_conv_flows).rev() {
            let p = format!("dp.flows.{}", 3 + 2 * j);
            flows.push(ConvFlow {
                pre: Conv1d::load(store, &format!("{p}.pre"), ConvSpec::new(1, f, 1), device)?,
                convs: DdsConv::load(store, &format!("{p}.convs"), c, device)?,
                proj: Conv1d::load(
                    store,
                    &format!("{p}.proj"),
                    ConvSpec::new(f, 3 * c.dp_num_bins - 1, 1),
                    device,
                )?,
            });
        }
        Ok(Self {
            pre: Conv1d::load(store, "dp.pre", ConvSpec::new(h, f, 1), device)?,
            convs: DdsConv::load(store, "dp.convs", c, device)?,
            proj: Conv1d::load(store, "dp.proj", ConvSpec::new(f, f, 1), device)?,
            ea_m: [m[0], m[1]],
            ea_logs: [logs[0], logs[1]],
            flows,
            bins: c.dp_num_bins,
            tail_bound: c.dp_tail_bound,
            filter: f,
            device: device.clone(),
        })
    }

    /// Log-durations `logw[t]` for encoder output `x: [1, h, t]`; `noise` is `[2][t]`
    /// (standard normal × noise_w, zeros for a deterministic run).
    pub async fn forward(
        &self,
        x: Tensor<3>,
        noise: [Vec<f32>; 2],
    ) -> Result<Vec<f32>, SynthesisError> {
        let t = x.dims()[2];
        let g = self
            .proj
            .forward(self.convs.forward(self.pre.forward(x), None));
        let [mut z0, mut z1] = noise;
        // Reverse order: Flip, ConvFlow(7), Flip, ConvFlow(5), Flip, ConvFlow(3), Flip, EA(0).
        let scale = (self.filter as f32).sqrt();
        let k = self.bins;
        for flow in &self.flows {
            std::mem::swap(&mut z0, &mut z1); // Flip
            let x0 = Tensor::<3>::from_data(TensorData::new(z0.clone(), [1, 1, t]), &self.device);
            let h = flow
                .proj
                .forward(flow.convs.forward(flow.pre.forward(x0), Some(g.clone())));
            let h = to_host(h).await?; // [3k-1, t], channel-major
            for (i, y) in z1.iter_mut().enumerate() {
                let p: Vec<f32> = (0..3 * k - 1).map(|c| h[c * t + i]).collect();
                let w: Vec<f32> = p[..k].iter().map(|v| v / scale).collect();
                let hh: Vec<f32> = p[k..2 * k].iter().map(|v| v / scale).collect();
                *y = super::spline::inverse(*y, &w, &hh, &p[2 * k..], self.tail_bound);
            }
        }
        std::mem::swap(&mut z0, &mut z1); // Flip (flows.2)
        // ElementwiseAffine reverse: x = (x - m) * exp(-logs); logw is channel 0, so channel 1
        // (z1) is not needed past this point.
        Ok(z0
            .iter()
            .map(|v| (v - self.ea_m[0]) * (-self.ea_logs[0]).exp())
            .collect())
    }
}
