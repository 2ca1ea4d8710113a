//! Throughput of the CPU convolution kernels on joe-medium's vocoder shapes (GFLOP/s per
//! instruction set). `cargo run --release --example conv_kernels`.
use sotto::model::kernels::{Isa, PackedConv, PackedConvTranspose};
use std::time::Instant;

fn lcg(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            (s >> 8) as f32 / (1 << 24) as f32 - 0.5
        })
        .collect()
}

fn main() {
    let only: Option<usize> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    // (cin, cout, k, dil, t): one 128-frame window of joe-medium (hop 256 = 8·8·4).
    let convs = [
        (128, 128, 3, 1, 1024),
        (128, 128, 7, 12, 1024),
        (64, 64, 3, 1, 8192),
        (64, 64, 7, 12, 8192),
        (32, 32, 3, 1, 32768),
        (32, 32, 3, 1, 2048),
        (32, 32, 7, 12, 32768),
        (192, 384, 5, 1, 128),
    ];
    for isa in Isa::available().into_iter().filter(|&i| i != Isa::Scalar) {
        for (n, &(cin, cout, k, dil, t)) in convs.iter().enumerate() {
            if only.is_some_and(|o| o != n) {
                continue;
            }
            let pad = (k - 1) * dil / 2;
            let w = lcg(cout * cin * k, 1);
            let b = lcg(cout, 2);
            let c = PackedConv::new(&w, Some(&b), cout, cin, k, dil, pad, pad).unwrap();
            let x = lcg(cin * t, 3);
            let r = lcg(cout * t, 4);
            let flop = 2.0 * (cin * cout * k * t) as f64;
            let reps = (4e9 / flop).ceil() as usize;
            let _ = c.forward(isa, &x, t, Some(0.1), None, Some(&r));
            let s = Instant::now();
            for _ in 0..reps {
                std::hint::black_box(c.forward(isa, &x, t, Some(0.1), None, Some(&r)));
            }
            let dt = s.elapsed().as_secs_f64();
            println!(
                "{isa:?} conv cin {cin:3} cout {cout:3} k {k} d {dil:2} t {t:5}: {:6.1} GFLOP/s",
                flop * reps as f64 / dt / 1e9
            );
        }
        for &(cin, cout, k, s_, t) in &[
            (256, 128, 16, 8, 128),
            (128, 64, 16, 8, 1024),
            (64, 32, 8, 4, 8192),
        ] {
            let w = lcg(cout * cin * k, 1);
            let b = lcg(cout, 2);
            let c = PackedConvTranspose::new(&w, Some(&b), cin, cout, k, s_, (k - s_) / 2).unwrap();
            let x = lcg(cin * t, 3);
            let flop = 2.0 * (cin * cout * k * t) as f64;
            let reps = (2e9 / flop).ceil() as usize;
            let s = Instant::now();
            for _ in 0..reps {
                std::hint::black_box(c.forward(isa, &x, t, Some(0.1)));
            }
            let dt = s.elapsed().as_secs_f64();
            println!(
                "{isa:?} up   cin {cin:3} cout {cout:3} k {k:2} s {s_} t {t:5}: {:6.1} GFLOP/s",
                flop * reps as f64 / dt / 1e9
            );
        }
    }
}
