//! bzip2's CRC-32: polynomial 0x04C11DB7, most significant bit first.

const POLY: u32 = 0x04C1_1DB7;

/// `TABLES[k][b]`: the CRC contribution of byte `b` followed by `k` zero
/// bytes, so eight bytes fold in with eight independent look-ups.
static TABLES: [[u32; 256]; 8] = tables();

const fn tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut b = 0;
    while b < 256 {
        let mut c = (b as u32) << 24;
        let mut i = 0;
        while i < 8 {
            c = if c & 0x8000_0000 != 0 {
                (c << 1) ^ POLY
            } else {
                c << 1
            };
            i += 1;
        }
        t[0][b] = c;
        b += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut b = 0;
        while b < 256 {
            let prev = t[k - 1][b];
            t[k][b] = (prev << 8) ^ t[0][(prev >> 24) as usize];
            b += 1;
        }
        k += 1;
    }
    t
}

/// The CRC of `data` as bzip2 stores it for a block.
pub(crate) fn block_crc(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let hi = crc ^ u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        let lo = u32::from_be_bytes([c[4], c[5], c[6], c[7]]);
        crc = TABLES[7][(hi >> 24) as usize]
            ^ TABLES[6][(hi >> 16) as usize & 0xFF]
            ^ TABLES[5][(hi >> 8) as usize & 0xFF]
            ^ TABLES[4][hi as usize & 0xFF]
            ^ TABLES[3][(lo >> 24) as usize]
            ^ TABLES[2][(lo >> 16) as usize & 0xFF]
            ^ TABLES[1][(lo >> 8) as usize & 0xFF]
            ^ TABLES[0][lo as usize & 0xFF];
    }
    for &b in chunks.remainder() {
        crc = (crc << 8) ^ TABLES[0][((crc >> 24) ^ u32::from(b)) as usize];
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit by bit, straight from the definition.
    fn slow(data: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for &b in data {
            crc ^= u32::from(b) << 24;
            for _ in 0..8 {
                crc = if crc & 0x8000_0000 != 0 {
                    (crc << 1) ^ POLY
                } else {
                    crc << 1
                };
            }
        }
        !crc
    }

    #[test]
    fn matches_the_definition_at_every_length() {
        let data: Vec<u8> = (0..100u32).map(|i| (i * 131 + 7) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(block_crc(&data[..len]), slow(&data[..len]), "length {len}");
        }
        // The CRC-32/BZIP2 check value.
        assert_eq!(block_crc(b"123456789"), 0xFC89_1918);
    }
}
