//! Reading a line of bounded length: a line-based reader never holds more
//! than its cap (plus the line end), however long the line in the file is.

use std::io::{self, BufRead, Read};

/// What [`read_capped_line`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CappedLine {
    /// The end of the input: nothing was read.
    End,
    /// A line, in the buffer with its `\n` (or `\r\n`) when it had one.
    Line,
    /// A line longer than the cap; the buffer holds its first bytes only
    /// and the rest is still unread.
    TooLong,
}

/// Reads the next line of `input` into `buf` (cleared first), reading at
/// most `max + 2` bytes (the cap and a `\r\n`): a line whose content,
/// without its line end, is longer than `max` bytes is [`CappedLine::TooLong`].
pub(crate) fn read_capped_line<R: BufRead + ?Sized>(
    input: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<CappedLine> {
    buf.clear();
    let limit = max as u64 + 2;
    let read = input.take(limit).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(CappedLine::End);
    }
    let mut content = buf.as_slice();
    if let Some(rest) = content.strip_suffix(b"\n") {
        content = rest.strip_suffix(b"\r").unwrap_or(rest);
    }
    Ok(if content.len() > max {
        CappedLine::TooLong
    } else {
        CappedLine::Line
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(CappedLine, Vec<u8>)> {
        let mut input = input;
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let found = read_capped_line(&mut input, &mut buf, max).unwrap();
            out.push((found, buf.clone()));
            if found != CappedLine::Line {
                return out;
            }
        }
    }

    #[test]
    fn a_line_of_exactly_the_cap_is_read_one_byte_more_is_not() {
        use CappedLine::*;
        assert_eq!(
            lines(b"abcd\nab\r\nabcd\r\nx", 4),
            vec![
                (Line, b"abcd\n".to_vec()),
                (Line, b"ab\r\n".to_vec()),
                (Line, b"abcd\r\n".to_vec()),
                (Line, b"x".to_vec()),
                (End, Vec::new()),
            ]
        );
        assert_eq!(lines(b"abcde\n", 4)[0].0, TooLong);
        assert_eq!(lines(b"abcde", 4)[0].0, TooLong);
        assert_eq!(lines(b"abcd\r\r\n", 4)[0].0, TooLong);
    }

    #[test]
    fn an_endless_line_is_cut_at_the_cap() {
        let mut input = io::BufReader::new(io::repeat(b'a'));
        let mut buf = Vec::new();
        let found = read_capped_line(&mut input, &mut buf, 1000).unwrap();
        assert_eq!((found, buf.len()), (CappedLine::TooLong, 1002));
    }
}
