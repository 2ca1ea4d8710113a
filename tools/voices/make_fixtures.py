"""Random-weight Piper voices for every quality preset, single- and multi-speaker (test fixtures).

Piper's own training code (PyPI `piper-tts==1.8.0`, GPL: imported and called here as an oracle,
never copied) builds `piper.train.vits.models.SynthesizerTrn` with each preset's architecture;
the weights are random (fixed seeds), then calibrated so the voice is well-behaved (a few frames
per phoneme, audible but unclipped audio); the model is exported to ONNX the way
`piper.train.export_onnx` does it, with a `.onnx.json` shaped like a real Piper voice config.

Run by hand, never in CI (PyTorch is a multi-GB install); see tools/voices/README.md.

usage: python tools/voices/make_fixtures.py [OUT_DIR [TEMPLATE.onnx.json [NAME...]]]
       defaults: tests/fixtures/voices, voices/.src/en_US-joe-medium/en_US-joe-medium.onnx.json
       (the real voice's config, fetched by models/fetch-voice.sh: its symbol table and language
       are reused so the fixtures take the same phoneme ids as the real voice);
       NAMEs (e.g. high-4spk) limit the run to those fixtures
"""
import copy
import json
import math
import os
import sys

import numpy as np
import torch
from piper.train.vits.models import SynthesizerTrn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OPSET_VERSION = 15  # piper.train.export_onnx.OPSET_VERSION
SPEAKER_COUNTS = (1, 4)

# Piper's defaults (piper.train.vits.lightning.VitsModel.__init__, the "medium" model).
BASE = dict(
    num_symbols=256,
    filter_length=1024,
    hop_length=256,
    segment_size=8192,
    inter_channels=192,
    hidden_channels=192,
    filter_channels=768,
    n_heads=2,
    n_layers=6,
    kernel_size=3,
    p_dropout=0.1,
    resblock="2",
    resblock_kernel_sizes=(3, 5, 7),
    resblock_dilation_sizes=((1, 2), (2, 6), (3, 12)),
    upsample_rates=(8, 8, 4),
    upsample_initial_channel=256,
    upsample_kernel_sizes=(16, 16, 8),
    gin_channels_multi=512,  # VitsModel's default gin_channels when num_speakers > 1
    use_sdp=True,
)

# What each quality changes (rhasspy/piper `piper_train/__main__.py --quality`, whose "high"
# values piper-tts 1.8.0 keeps as `ModelAudioConfig.high_quality()`; "low" is the medium model at
# 16 kHz, as the published *-low voices are).
QUALITY = {
    "x_low": dict(sample_rate=16000, hidden_channels=96, inter_channels=96, filter_channels=384),
    "low": dict(sample_rate=16000),
    "medium": dict(sample_rate=22050),
    "high": dict(
        sample_rate=22050,
        resblock="1",
        resblock_kernel_sizes=(3, 7, 11),
        resblock_dilation_sizes=((1, 3, 5), (1, 3, 5), (1, 3, 5)),
        upsample_rates=(8, 8, 2, 2),
        upsample_initial_channel=512,
        upsample_kernel_sizes=(16, 16, 4, 4),
    ),
}

# Widths are divided by these to keep the fixtures small (a few MB in all). Every layer count,
# kernel, dilation, stride, resblock type, head count and the symbol table stay as the preset
# has them; ratios between widths (and between presets: x_low is half as wide as medium, high's
# vocoder twice as wide) are kept, so every shape rule of the architecture is exercised.
WIDTH_DIVISOR = {
    "hidden_channels": 16,
    "inter_channels": 16,
    "filter_channels": 16,
    "gin_channels_multi": 16,
    "upsample_initial_channel": 16,
}


def architecture(quality):
    a = copy.deepcopy(BASE)
    a.update(QUALITY[quality])
    for k, div in WIDTH_DIVISOR.items():
        a[k] //= div
    return a


def build(a, n_speakers):
    """SynthesizerTrn exactly as piper's VitsModel builds it, with architecture `a`."""
    return SynthesizerTrn(
        n_vocab=a["num_symbols"],
        spec_channels=a["filter_length"] // 2 + 1,
        segment_size=a["segment_size"] // a["hop_length"],
        inter_channels=a["inter_channels"],
        hidden_channels=a["hidden_channels"],
        filter_channels=a["filter_channels"],
        n_heads=a["n_heads"],
        n_layers=a["n_layers"],
        kernel_size=a["kernel_size"],
        p_dropout=a["p_dropout"],
        resblock=a["resblock"],
        resblock_kernel_sizes=a["resblock_kernel_sizes"],
        resblock_dilation_sizes=a["resblock_dilation_sizes"],
        upsample_rates=a["upsample_rates"],
        upsample_initial_channel=a["upsample_initial_channel"],
        upsample_kernel_sizes=a["upsample_kernel_sizes"],
        n_speakers=n_speakers,
        gin_channels=a["gin_channels_multi"] if n_speakers > 1 else 0,
        use_sdp=a["use_sdp"],
    )


def randomize_constants(model, gen):
    """VITS initializes some parameters to constants so training starts from identity maps: the
    coupling layers' `post` and the spline flows' `proj` are zero (the flows would do nothing),
    LayerNorm gammas are 1 and betas 0, ElementwiseAffine m/logs are 0. Give them small random
    values so every operator of the inference graph does real work in the fixture."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            flat = p.detach().reshape(-1)
            if flat.numel() == 0 or not bool(torch.all(flat == flat[0])):
                continue
            noise = torch.randn(p.shape, generator=gen)
            if name.endswith(".post.weight") or name.endswith(".proj.weight"):
                p.copy_(noise * 0.3 / math.sqrt(p.shape[1]))
            else:
                p.copy_(flat[0] + 0.1 * noise)


def encode(model, ids, sid):
    x = torch.tensor([ids], dtype=torch.long)
    x_len = torch.tensor([len(ids)], dtype=torch.long)
    x, m_p, logs_p, x_mask = model.enc_p(x, x_len)
    g = model.emb_g(torch.tensor([sid])).unsqueeze(-1) if model.n_speakers > 1 else None
    return x, x_mask, g


def calibrate(model, calib_ids, n_speakers, frames_per_phoneme=4.0):
    """Sets durations and loudness from what the random network does on `calib_ids`:
    - the duration predictor's last reverse step is ElementwiseAffine (`dp.flows.0`):
      logw = (z - m) * exp(-logs); m is chosen so logw has mean log(frames), and logs so its
      spread is at most 0.35 (about 3..6 frames a phoneme) -- never amplified, since the
      same affine scales the duration noise (noise_w) that the export's dummy input uses;
    - the vocoder's `conv_post` (linear, no bias) is scaled so tanh's input has an RMS of 0.35.
    At noise 0 (as the fixtures are tested) the whole graph is deterministic."""
    aff = model.dp.flows[0]
    with torch.no_grad():
        aff.m.zero_()
        aff.logs.zero_()
        zs = []
        for ids in calib_ids:
            for sid in range(n_speakers):
                x, x_mask, g = encode(model, ids, sid)
                zs.append(model.dp(x, x_mask, g=g, reverse=True, noise_scale=0.0).reshape(-1))
        z = torch.cat(zs)
        # Before calibration the affine is the identity, so z is the flows' raw output.
        spread = float(z.std()) if float(z.std()) > 0 else 1.0
        target_std, target_mean = 0.35, math.log(frames_per_phoneme)
        logs = max(0.0, math.log(spread / target_std))
        aff.logs.fill_(logs)
        aff.m.fill_(float(z.mean()) - target_mean * math.exp(logs))

        pre = []
        for ids in calib_ids:
            for sid in range(n_speakers):
                pre.append(pre_tanh(model, ids, sid))
        rms = float(torch.sqrt(torch.mean(torch.cat(pre) ** 2)))
        model.dec.conv_post.weight.mul_(0.35 / rms)


def pre_tanh(model, ids, sid):
    """The vocoder's output before its final tanh, at noise 0 (SynthesizerTrn.infer's path)."""
    dec = model.dec
    captured = []
    handle = dec.conv_post.register_forward_hook(lambda m, i, o: captured.append(o.detach()))
    try:
        x = torch.tensor([ids], dtype=torch.long)
        sid_t = torch.tensor([sid]) if model.n_speakers > 1 else None
        model.infer(x, torch.tensor([len(ids)]), sid=sid_t, noise_scale=0.0, length_scale=1.0,
                    noise_scale_w=0.0)
    finally:
        handle.remove()
    return captured[0].reshape(-1)


def export(model, path):
    """What piper.train.export_onnx.main does after loading its checkpoint."""
    model.eval()
    with torch.no_grad():
        model.dec.remove_weight_norm()

    def infer_forward(text, text_lengths, scales, sid=None):
        return model.infer(text, text_lengths, noise_scale=scales[0], length_scale=scales[1],
                           noise_scale_w=scales[2], sid=sid)[0].unsqueeze(1)

    model.forward = infer_forward
    torch.manual_seed(1234)  # export_onnx seeds this before building its dummy input
    sequences = torch.randint(low=0, high=model.n_vocab, size=(1, 50), dtype=torch.long)
    lengths = torch.LongTensor([sequences.size(1)])
    sid = torch.LongTensor([0]) if model.n_speakers > 1 else None
    scales = torch.FloatTensor([0.667, 1.0, 0.8])
    torch.onnx.export(
        model=model,
        args=(sequences, lengths, scales, sid),
        f=path,
        verbose=False,
        opset_version=OPSET_VERSION,
        input_names=["input", "input_lengths", "scales", "sid"],
        output_names=["output"],
        dynamic_axes={
            "input": {0: "batch_size", 1: "phonemes"},
            "input_lengths": {0: "batch_size"},
            "output": {0: "batch_size", 2: "time"},
        },
    )


def voice_config(quality, a, n_speakers, template):
    """A `.onnx.json` shaped like a real Piper voice's (en_US-joe-medium's symbol table)."""
    names = {f"fixture_speaker_{i}": i for i in range(n_speakers)} if n_speakers > 1 else {}
    return {
        "audio": {"sample_rate": a["sample_rate"], "quality": quality},
        "espeak": {"voice": "en-us"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": template["phoneme_id_map"],
        "num_symbols": a["num_symbols"],
        "num_speakers": n_speakers,
        "speaker_id_map": names,
        "piper_version": "1.8.0",
        "language": template["language"],
        "dataset": f"random-weights-{quality}-{n_speakers}spk",
    }


def calibration_ids(id_map, gen):
    """Phoneme-like id sequences (^ _ p _ p ... _ $) over the voice's symbols."""
    symbols = sorted({v[0] for k, v in id_map.items() if k not in "^$_"})
    seqs = []
    for n in (12, 30, 60):
        picks = torch.randint(0, len(symbols), (n,), generator=gen).tolist()
        ids = id_map["^"] + id_map["_"]
        for p in picks:
            ids += [symbols[p]] + id_map["_"]
        seqs.append(ids + id_map["$"])
    return seqs


def main():
    out_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fixtures", "voices")
    template_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        ROOT, "voices", ".src", "en_US-joe-medium", "en_US-joe-medium.onnx.json")
    template = json.load(open(template_path, encoding="utf-8"))
    only = set(sys.argv[3:])
    torch.set_num_threads(1)  # deterministic reductions
    for qi, quality in enumerate(QUALITY):
        a = architecture(quality)
        for n_speakers in SPEAKER_COUNTS:
            name = f"{quality}-{n_speakers}spk"
            if only and name not in only:
                continue
            seed = 1000 + 10 * qi + n_speakers
            torch.manual_seed(seed)
            gen = torch.Generator().manual_seed(seed)
            model = build(a, n_speakers)
            randomize_constants(model, gen)
            model.eval()
            calibrate(model, calibration_ids(template["phoneme_id_map"], gen), n_speakers)
            d = os.path.join(out_root, name)
            os.makedirs(d, exist_ok=True)
            onnx_path = os.path.join(d, f"{name}.onnx")
            export(model, onnx_path)
            with open(onnx_path + ".json", "w", encoding="utf-8") as f:
                json.dump(voice_config(quality, a, n_speakers, template), f, indent=2, ensure_ascii=False)
                f.write("\n")
            print(f"{name}: seed {seed}, {os.path.getsize(onnx_path)} bytes", flush=True)


if __name__ == "__main__":
    main()
