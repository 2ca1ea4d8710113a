//! The one place where a parameter's path in the Rust module tree differs from its upstream
//! name (piper_train `SynthesizerTrn.state_dict()`, as Piper's ONNX export and the converter keep
//! it). Field names mirror upstream, so every other path *is* the upstream name:
//! `enc_p.encoder.attn_layers.0.conv_q.weight`, `dec.resblocks.4.convs.1.bias`, …
//!
//! The renames exist because upstream's `nn.ModuleList`s hold parameter-free `Flip`s (and, in
//! the duration predictor, a flow the inference pass drops) between the layers with weights;
//! the Rust lists hold only the layers that have them.

/// How a Rust list index becomes an upstream list index.
#[derive(Debug, Clone, Copy)]
enum Index {
    /// A single module that is element `n` of an upstream list.
    Fixed(usize),
    /// Rust element `j` is upstream element `first + step * j`.
    Strided { first: usize, step: usize },
}

/// One rename: the Rust module path, the upstream list it lives in, and the index rule.
struct Rename {
    ours: &'static str,
    upstream: &'static str,
    index: Index,
}

/// The name-mapping table.
const RENAMES: [Rename; 3] = [
    // `StochasticDurationPredictor.flows = [ElementwiseAffine, ConvFlow, Flip, ConvFlow, Flip, …]`
    Rename {
        ours: "dp.elementwise_affine",
        upstream: "dp.flows",
        index: Index::Fixed(0),
    },
    // The reverse pass drops `flows.1` ("a useless vflow"), leaving ConvFlows 3, 5, 7.
    Rename {
        ours: "dp.conv_flows",
        upstream: "dp.flows",
        index: Index::Strided { first: 3, step: 2 },
    },
    // `ResidualCouplingBlock.flows = [ResidualCouplingLayer, Flip, ResidualCouplingLayer, …]`
    Rename {
        ours: "flow.couplings",
        upstream: "flow.flows",
        index: Index::Strided { first: 0, step: 2 },
    },
];

/// The upstream name of the parameter at `path` (module path segments, then the parameter).
pub fn upstream_name(path: &[String]) -> String {
    for r in &RENAMES {
        let ours: Vec<&str> = r.ours.split('.').collect();
        let matches = path.len() > ours.len() && path.iter().zip(&ours).all(|(p, o)| p == o);
        if !matches {
            continue;
        }
        let rest = &path[ours.len()..];
        let (index, rest) = match r.index {
            Index::Fixed(n) => (n, rest),
            Index::Strided { first, step } => {
                // Vec indices are written by burn's `Module` derive: always a plain number.
                let Some(j) = rest.first().and_then(|s| s.parse::<usize>().ok()) else {
                    continue;
                };
                (first + step * j, &rest[1..])
            }
        };
        let mut name = format!("{}.{index}", r.upstream);
        for seg in rest {
            name.push('.');
            name.push_str(seg);
        }
        return name;
    }
    path.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(path: &str) -> String {
        let segs: Vec<String> = path.split('.').map(String::from).collect();
        upstream_name(&segs)
    }

    #[test]
    fn paths_map_to_upstream_names() {
        for (ours, upstream) in [
            // Unchanged: field names mirror upstream.
            (
                "enc_p.encoder.attn_layers.0.conv_q.weight",
                "enc_p.encoder.attn_layers.0.conv_q.weight",
            ),
            ("dec.ups.2.bias", "dec.ups.2.bias"),
            ("dp.convs.norms_1.0.gamma", "dp.convs.norms_1.0.gamma"),
            // Renumbered around upstream's `Flip`s.
            ("dp.elementwise_affine.m", "dp.flows.0.m"),
            ("dp.conv_flows.0.pre.weight", "dp.flows.3.pre.weight"),
            (
                "dp.conv_flows.2.convs.convs_sep.1.bias",
                "dp.flows.7.convs.convs_sep.1.bias",
            ),
            ("flow.couplings.0.post.bias", "flow.flows.0.post.bias"),
            (
                "flow.couplings.3.enc.in_layers.1.weight",
                "flow.flows.6.enc.in_layers.1.weight",
            ),
            // A prefix only matches whole segments.
            ("dp.conv_flowsx.0.w", "dp.conv_flowsx.0.w"),
            ("flow.couplings", "flow.couplings"),
        ] {
            assert_eq!(name(ours), upstream, "{ours}");
        }
    }
}
