//! The VITS text encoder (`enc_p`): phoneme embedding, a relative-position Transformer, and the
//! projection to the prior's mean and log-scale.
//!
//! Port of piper_train `vits/models.py` (`TextEncoder`) and `vits/attentions.py` (`Encoder`,
//! `MultiHeadAttention`, `FFN`), inference only, batch 1 (so every mask is all ones).

use super::config::VitsConfig;
use super::layers::{ChannelNorm, pointwise_conv, same_conv};
use burn::module::{Module, Param};
use burn::nn::conv::Conv1d;
use burn::nn::{Embedding, EmbeddingConfig, Initializer};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::ops::PadMode;
use burn::tensor::{Device, Int, Tensor};

/// Relative-position multi-head self-attention (`attentions.MultiHeadAttention`,
/// `heads_share=True`, `window_size=4`).
#[derive(Module, Debug)]
struct RelativeAttention {
    conv_q: Conv1d,
    conv_k: Conv1d,
    conv_v: Conv1d,
    conv_o: Conv1d,
    emb_rel_k: Param<Tensor<3>>, // [1, 2w+1, kc]
    emb_rel_v: Param<Tensor<3>>, // [1, 2w+1, kc]
    n_heads: usize,
    window: usize,
}

impl RelativeAttention {
    fn init(c: &VitsConfig, device: &Device) -> Self {
        let h = c.hidden_channels;
        let rel = || Initializer::Zeros.init([1, 2 * c.window_size + 1, h / c.n_heads], device);
        Self {
            conv_q: pointwise_conv(h, h).init(device),
            conv_k: pointwise_conv(h, h).init(device),
            conv_v: pointwise_conv(h, h).init(device),
            conv_o: pointwise_conv(h, h).init(device),
            emb_rel_k: rel(),
            emb_rel_v: rel(),
            n_heads: c.n_heads,
            window: c.window_size,
        }
    }

    /// `_get_relative_embeddings`: the `2t-1` embeddings for relative distances `-(t-1)..=t-1`,
    /// zero beyond the window. `[2w+1, kc] -> [2t-1, kc]`
    fn relative_embeddings(&self, emb: &Param<Tensor<3>>, t: usize) -> Tensor<2> {
        let w = self.window;
        let pad = t.saturating_sub(w + 1);
        let start = (w + 1).saturating_sub(t);
        let emb = emb.val();
        let [_, rows, kc] = emb.dims();
        let padded = emb
            .reshape([rows, kc])
            .pad([(pad, pad), (0, 0)], PadMode::Constant(0.0));
        padded.narrow(0, start, 2 * t - 1)
    }

    /// `[1, c, t] -> [1, c, t]`
    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, c, t] = x.dims();
        let (nh, kc) = (self.n_heads, c / self.n_heads);
        // [b, c, t] -> [b, h, t, kc]
        let heads = |y: Tensor<3>| y.reshape([b, nh, kc, t]).swap_dims(2, 3);
        let q = heads(self.conv_q.forward(x.clone())) / (kc as f64).sqrt();
        let k = heads(self.conv_k.forward(x.clone()));
        let v = heads(self.conv_v.forward(x));

        let mut scores = q.clone().matmul(k.swap_dims(2, 3)); // [b, h, t, t]
        let rel_k = self.relative_embeddings(&self.emb_rel_k, t); // [2t-1, kc]
        let rel_logits = q
            .reshape([b * nh * t, kc])
            .matmul(rel_k.transpose())
            .reshape([b, nh, t, 2 * t - 1]);
        scores = scores + relative_to_absolute(rel_logits);
        let p_attn = softmax(scores, 3);

        let mut out = p_attn.clone().matmul(v); // [b, h, t, kc]
        let rel_v = self.relative_embeddings(&self.emb_rel_v, t); // [2t-1, kc]
        let rel_w = absolute_to_relative(p_attn).reshape([b * nh * t, 2 * t - 1]);
        out = out + rel_w.matmul(rel_v).reshape([b, nh, t, kc]);
        let out = out.swap_dims(2, 3).reshape([b, c, t]);
        self.conv_o.forward(out)
    }
}

/// `_relative_position_to_absolute_position`: `[b, h, l, 2l-1] -> [b, h, l, l]`.
fn relative_to_absolute(x: Tensor<4>) -> Tensor<4> {
    let [b, h, l, _] = x.dims();
    let x = x.pad([(0, 0), (0, 1)], PadMode::Constant(0.0)); // [b, h, l, 2l]
    let x = x
        .reshape([b, h, l * 2 * l])
        .pad([(0, 0), (0, l - 1)], PadMode::Constant(0.0));
    x.reshape([b, h, l + 1, 2 * l - 1])
        .narrow(2, 0, l)
        .narrow(3, l - 1, l)
}

/// `_absolute_position_to_relative_position`: `[b, h, l, l] -> [b, h, l, 2l-1]`.
fn absolute_to_relative(x: Tensor<4>) -> Tensor<4> {
    let [b, h, l, _] = x.dims();
    let x = x.pad([(0, 0), (0, l - 1)], PadMode::Constant(0.0)); // [b, h, l, 2l-1]
    let x = x
        .reshape([b, h, l * (2 * l - 1)])
        .pad([(0, 0), (l, 0)], PadMode::Constant(0.0));
    x.reshape([b, h, l, 2 * l]).narrow(3, 1, 2 * l - 1)
}

/// `attentions.FFN` with ReLU and "same" padding.
#[derive(Module, Debug)]
struct Ffn {
    conv_1: Conv1d,
    conv_2: Conv1d,
}

/// `attentions.Encoder`: `n_layers` of attention → add & norm → FFN → add & norm.
#[derive(Module, Debug)]
struct Encoder {
    attn_layers: Vec<RelativeAttention>,
    norm_layers_1: Vec<ChannelNorm>,
    ffn_layers: Vec<Ffn>,
    norm_layers_2: Vec<ChannelNorm>,
}

/// The text encoder.
#[derive(Module, Debug)]
pub struct TextEncoder {
    emb: Embedding, // [n_vocab, h]
    encoder: Encoder,
    proj: Conv1d,
    hidden: usize,
    inter: usize,
}

/// What the encoder hands to the duration predictor and the prior.
pub struct Encoded {
    /// Encoder output `[1, h, t]` (duration predictor input).
    pub x: Tensor<3>,
    /// Prior mean `[1, inter, t]`.
    pub m_p: Tensor<3>,
    /// Prior log-scale `[1, inter, t]`.
    pub logs_p: Tensor<3>,
}

impl TextEncoder {
    /// The `enc_p` architecture of `c` (weights are applied by [`super::load`]).
    pub fn init(c: &VitsConfig, device: &Device) -> Self {
        let (h, f, k) = (c.hidden_channels, c.filter_channels, c.kernel_size);
        let n = c.n_layers;
        Self {
            emb: EmbeddingConfig::new(c.n_vocab, h).init(device),
            encoder: Encoder {
                attn_layers: (0..n).map(|_| RelativeAttention::init(c, device)).collect(),
                norm_layers_1: (0..n).map(|_| ChannelNorm::init(h, device)).collect(),
                ffn_layers: (0..n)
                    .map(|_| Ffn {
                        conv_1: same_conv(h, f, k, 1).init(device),
                        conv_2: same_conv(f, h, k, 1).init(device),
                    })
                    .collect(),
                norm_layers_2: (0..n).map(|_| ChannelNorm::init(h, device)).collect(),
            },
            proj: pointwise_conv(h, 2 * c.inter_channels).init(device),
            hidden: h,
            inter: c.inter_channels,
        }
    }

    /// The device the weights live on.
    pub fn device(&self) -> Device {
        self.emb.weight.val().device()
    }

    /// `ids: [1, t]` (already range-checked) → encoder output and prior statistics.
    pub fn forward(&self, ids: Tensor<2, Int>) -> Encoded {
        let [_, t] = ids.dims();
        // emb(x) * sqrt(h), [1, t, h] -> [1, h, t]
        let x = self.emb.forward(ids) * (self.hidden as f64).sqrt();
        let mut x = x.swap_dims(1, 2);
        let e = &self.encoder;
        for (((attn, norm_1), ffn), norm_2) in e
            .attn_layers
            .iter()
            .zip(&e.norm_layers_1)
            .zip(&e.ffn_layers)
            .zip(&e.norm_layers_2)
        {
            let y = attn.forward(x.clone());
            x = norm_1.forward(x + y);
            let y = ffn.conv_2.forward(relu(ffn.conv_1.forward(x.clone())));
            x = norm_2.forward(x + y);
        }
        let stats = self.proj.forward(x.clone()); // [1, 2*inter, t]
        let m_p = stats.clone().narrow(1, 0, self.inter);
        let logs_p = stats.narrow(1, self.inter, self.inter);
        debug_assert_eq!(m_p.dims()[2], t);
        Encoded { x, m_p, logs_p }
    }
}
