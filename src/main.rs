//! The `sotto` command line: convert a Piper voice, speak text, phonemes or ids, show what the
//! text front-end makes of a line, and time synthesis for the benchmark.
//!
//! ```text
//! sotto convert VOICE.onnx VOICE.onnx.json --out DIR [--dtype f32|f16] [--keep-f32 PART]... [--sign KEYFILE]
//! sotto speak --voice DIR --out FILE.wav|FILE.f32|- [--text "…" | --text-file F | --phonemes "IPA" | --ids 1,0,20,...]
//!             [--lexicon F] [--length-scale X] [--noise-scale X] [--noise-w X] [--speaker S] [--seed N]
//!             [--public-key KEY] [--manifest-digest sha256-…]
//! sotto normalize                  (stdin lines → spoken-form text, one line per line)
//! sotto phonemize [--lexicon F] [--lts]   (stdin lines → Piper phoneme text)
//! sotto bench --voice DIR --ids-file FILE [--runs N]
//! sotto keygen --out FILE          (FILE: secret key, FILE.pub: public key, also printed)
//! sotto catalog DIR... [--quality x_low|low|medium|high]   (prints catalog.json for the voice dirs)
//! ```
//! The grammar is in `cli/args.rs`; `sotto --help` and `sotto COMMAND --help` print it.
//! User text is never printed or logged. Exit status: 0 done, 1 refused, 2 usage.

mod cli;

use clap::Parser;
use cli::Failure;
use cli::args::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and --version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let result = match cli.command {
        Command::Convert(a) => cli::convert(a),
        Command::Speak(a) => cli::speak::run(*a),
        Command::Normalize => cli::lines::run(cli::lines::Mode::Normalize, None),
        Command::Phonemize(a) => {
            let mode = if a.lts {
                cli::lines::Mode::LetterToSound
            } else {
                cli::lines::Mode::Phonemize
            };
            cli::lines::run(mode, a.lexicon)
        }
        Command::Bench(a) => cli::bench::run(a),
        Command::Keygen(a) => cli::keygen(a),
        Command::Catalog(a) => cli::catalog(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
