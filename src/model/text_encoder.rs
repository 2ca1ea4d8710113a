//! The VITS text encoder (`enc_p`): phoneme embedding, a relative-position Transformer, and the
//! projection to the prior's mean and log-scale.
//!
//! Port of piper_train `vits/models.py` (`TextEncoder`) and `vits/attentions.py` (`Encoder`,
//! `MultiHeadAttention`, `FFN`), inference only, batch 1 (so every mask is all ones).

use super::config::VitsConfig;
use super::layers::{ChannelNorm, Conv1d, ConvSpec};
use crate::weights::{TensorStore, WeightsError};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::ops::PadMode;
use burn::tensor::{Device, Int, Tensor};

/// Relative-position multi-head self-attention (`attentions.MultiHeadAttention`,
/// `heads_share=True`, `window_size=4`).
#[derive(Debug, Clone)]
struct RelativeAttention {
    conv_q: Conv1d,
    conv_k: Conv1d,
    conv_v: Conv1d,
    conv_o: Conv1d,
    emb_rel_k: Tensor<2>, // [2w+1, kc]
    emb_rel_v: Tensor<2>, // [2w+1, kc]
    n_heads: usize,
    window: usize,
}

impl RelativeAttention {
    fn load(
        store: &mut TensorStore,
        p: &str,
        c: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let h = c.hidden_channels;
        let kc = h / c.n_heads;
        let w = 2 * c.window_size + 1;
        let conv = |store: &mut TensorStore, n: &str| {
            Conv1d::load(store, &format!("{p}.{n}"), ConvSpec::new(h, h, 1), device)
        };
        let rel = |store: &mut TensorStore, n: &str| -> Result<Tensor<2>, WeightsError> {
            Ok(store
                .take::<3>(&format!("{p}.{n}"), [1, w, kc], device)?
                .reshape([w, kc]))
        };
        Ok(Self {
            conv_q: conv(store, "conv_q")?,
            conv_k: conv(store, "conv_k")?,
            conv_v: conv(store, "conv_v")?,
            conv_o: conv(store, "conv_o")?,
            emb_rel_k: rel(store, "emb_rel_k")?,
            emb_rel_v: rel(store, "emb_rel_v")?,
            n_heads: c.n_heads,
            window: c.window_size,
        })
    }

    /// `_get_relative_embeddings`: the `2t-1` embeddings for relative distances `-(t-1)..=t-1`,
    /// zero beyond the window. `[2w+1, kc] -> [2t-1, kc]`
    fn relative_embeddings(&self, emb: &Tensor<2>, t: usize) -> Tensor<2> {
        let w = self.window;
        let pad = t.saturating_sub(w + 1);
        let start = (w + 1).saturating_sub(t);
        let padded = emb
            .clone()
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
#[derive(Debug, Clone)]
struct Ffn {
    conv_1: Conv1d,
    conv_2: Conv1d,
}

/// The text encoder.
#[derive(Debug, Clone)]
pub struct TextEncoder {
    emb: Tensor<2>, // [n_vocab, h]
    attn: Vec<RelativeAttention>,
    norm_1: Vec<ChannelNorm>,
    ffn: Vec<Ffn>,
    norm_2: Vec<ChannelNorm>,
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
    /// Loads `enc_p.*`.
    pub fn load(
        store: &mut TensorStore,
        c: &VitsConfig,
        device: &Device,
    ) -> Result<Self, WeightsError> {
        let (h, f, k) = (c.hidden_channels, c.filter_channels, c.kernel_size);
        let mut s = Self {
            emb: store.take("enc_p.emb.weight", [c.n_vocab, h], device)?,
            attn: Vec::new(),
            norm_1: Vec::new(),
            ffn: Vec::new(),
            norm_2: Vec::new(),
            proj: Conv1d::load(
                store,
                "enc_p.proj",
                ConvSpec::new(h, 2 * c.inter_channels, 1),
                device,
            )?,
            hidden: h,
            inter: c.inter_channels,
        };
        for i in 0..c.n_layers {
            let p = "enc_p.encoder";
            s.attn.push(RelativeAttention::load(
                store,
                &format!("{p}.attn_layers.{i}"),
                c,
                device,
            )?);
            s.norm_1.push(ChannelNorm::load(
                store,
                &format!("{p}.norm_layers_1.{i}"),
                h,
                device,
            )?);
            s.ffn.push(Ffn {
                conv_1: Conv1d::load(
                    store,
                    &format!("{p}.ffn_layers.{i}.conv_1"),
                    ConvSpec::new(h, f, k),
                    device,
                )?,
                conv_2: Conv1d::load(
                    store,
                    &format!("{p}.ffn_layers.{i}.conv_2"),
                    ConvSpec::new(f, h, k),
                    device,
                )?,
            });
            s.norm_2.push(ChannelNorm::load(
                store,
                &format!("{p}.norm_layers_2.{i}"),
                h,
                device,
            )?);
        }
        Ok(s)
    }

    /// `ids: [1, t]` (already range-checked) → encoder output and prior statistics.
    pub fn forward(&self, ids: Tensor<2, Int>) -> Encoded {
        let [_, t] = ids.dims();
        // emb(x) * sqrt(h), [1, t, h] -> [1, h, t]
        let x =
            burn::tensor::module::embedding(self.emb.clone(), ids) * (self.hidden as f64).sqrt();
        let mut x = x.swap_dims(1, 2);
        for i in 0..self.attn.len() {
            let y = self.attn[i].forward(x.clone());
            x = self.norm_1[i].forward(x + y);
            let f = &self.ffn[i];
            let y = f.conv_2.forward(relu(f.conv_1.forward(x.clone())));
            x = self.norm_2[i].forward(x + y);
        }
        let stats = self.proj.forward(x.clone()); // [1, 2*inter, t]
        let m_p = stats.clone().narrow(1, 0, self.inter);
        let logs_p = stats.narrow(1, self.inter, self.inter);
        debug_assert_eq!(m_p.dims()[2], t);
        Encoded { x, m_p, logs_p }
    }
}
