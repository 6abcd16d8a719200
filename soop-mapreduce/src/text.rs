//! Cutting one big text into chunks at whitespace, without copying it.

/// Cuts `text` into pieces of about `chunk_len` bytes, each ending just
/// before a whitespace character (or at the end), so no word is split.
pub(crate) fn split_at_whitespace(text: &str, chunk_len: usize) -> Vec<&str> {
    let mut pieces = Vec::with_capacity(text.len() / chunk_len.max(1) + 1);
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + chunk_len.max(1)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        // Move the cut forward to the next whitespace, so the word under it
        // stays whole.
        end = text[end..]
            .find(char::is_whitespace)
            .map_or(text.len(), |offset| end + offset);
        pieces.push(&text[start..end]);
        start = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::split_at_whitespace;

    #[test]
    fn pieces_cover_the_text_and_never_split_a_word() {
        let text = "alpha beta gamma délta epsilon\nzeta  eta theta";
        for chunk_len in 1..text.len() + 2 {
            let pieces = split_at_whitespace(text, chunk_len);
            assert_eq!(pieces.concat(), text, "chunk_len {chunk_len}");
            let words: Vec<&str> = pieces.iter().flat_map(|p| p.split_whitespace()).collect();
            assert_eq!(words, text.split_whitespace().collect::<Vec<_>>());
        }
        assert!(split_at_whitespace("", 4).is_empty());
    }
}
