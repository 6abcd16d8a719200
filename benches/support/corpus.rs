//! A deterministic Zipf-distributed text, shared by the benches and the
//! examples (included with `#[path]`).
#![allow(dead_code)] // each includer uses part of it

/// About `bytes` of text over a `vocabulary` of made-up words, drawn with a
/// Zipf distribution (word `k` has weight 1/k), newline every ~12 words.
pub(crate) fn zipf_text(bytes: usize, vocabulary: usize) -> String {
    let words: Vec<String> = (0..vocabulary).map(word).collect();
    let mut cumulative = Vec::with_capacity(vocabulary);
    let mut total = 0.0f64;
    for k in 1..=vocabulary {
        total += 1.0 / k as f64;
        cumulative.push(total);
    }
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut text = String::with_capacity(bytes + 32);
    let mut on_line = 0;
    while text.len() < bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let target = (state >> 11) as f64 / (1u64 << 53) as f64 * total;
        let index = cumulative
            .partition_point(|&c| c < target)
            .min(vocabulary - 1);
        text.push_str(&words[index]);
        on_line += 1;
        if on_line == 12 {
            text.push('\n');
            on_line = 0;
        } else {
            text.push(' ');
        }
    }
    text
}

/// The `index`-th made-up word: letters from the index, 2 to 9 long.
fn word(index: usize) -> String {
    const LETTERS: &[u8] = b"etaoinshrdlucmfwypvbgkqjxz";
    let mut n = index;
    let mut w = String::new();
    loop {
        w.push(LETTERS[n % 26] as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    if w.len() < 2 {
        w.push('e');
    }
    w
}

/// The text of the file named by the first command-line argument, with its
/// name; or, without one, a generated corpus of about `bytes`. An unreadable
/// file ends the program with a message.
pub(crate) fn text_from_args(bytes: usize) -> (String, String) {
    match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => (path, text),
            Err(err) => {
                eprintln!("cannot read {path}: {err}");
                std::process::exit(2);
            }
        },
        None => {
            println!(
                "generating a {} MB Zipf-distributed corpus (pass a path to use your own text)",
                bytes >> 20
            );
            ("a generated corpus".to_string(), zipf_text(bytes, 50_000))
        }
    }
}
