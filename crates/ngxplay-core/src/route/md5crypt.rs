//! MD5 and the Apache `$apr1$` password hash, for `auth_basic_user_file` entries.

/// The MD5 digest of `data`.
pub fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23,
        4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32).collect();
    let (mut a0, mut b0, mut c0, mut d0) = (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(&a0.to_le_bytes());
    out[4..8].copy_from_slice(&b0.to_le_bytes());
    out[8..12].copy_from_slice(&c0.to_le_bytes());
    out[12..].copy_from_slice(&d0.to_le_bytes());
    out
}

const ITOA64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Hashes `pass` with the salt of `$apr1$salt$...` in `setting`.
pub fn apr1(pass: &str, setting: &str) -> Option<String> {
    let rest = setting.strip_prefix("$apr1$")?;
    let salt = rest.split('$').next()?;
    let salt = &salt[..salt.len().min(8)];
    let (p, s) = (pass.as_bytes(), salt.as_bytes());
    let alt = md5(&[p, s, p].concat());
    let mut ctx = [p, b"$apr1$", s].concat();
    let mut n = p.len();
    while n > 0 {
        ctx.extend_from_slice(&alt[..n.min(16)]);
        n = n.saturating_sub(16);
    }
    let mut i = p.len();
    while i > 0 {
        ctx.push(if i & 1 == 1 { 0 } else { p[0] });
        i >>= 1;
    }
    let mut fin = md5(&ctx);
    for r in 0..1000 {
        let mut c = Vec::new();
        c.extend_from_slice(if r & 1 == 1 { p } else { &fin });
        if r % 3 != 0 {
            c.extend_from_slice(s);
        }
        if r % 7 != 0 {
            c.extend_from_slice(p);
        }
        c.extend_from_slice(if r & 1 == 1 { &fin } else { p });
        fin = md5(&c);
    }
    let mut out = format!("$apr1${salt}$");
    let mut push = |v: u32, n: usize| {
        let mut v = v;
        for _ in 0..n {
            out.push(ITOA64[(v & 0x3f) as usize] as char);
            v >>= 6;
        }
    };
    let f = |a: usize, b: usize, c: usize| ((fin[a] as u32) << 16) | ((fin[b] as u32) << 8) | fin[c] as u32;
    push(f(0, 6, 12), 4);
    push(f(1, 7, 13), 4);
    push(f(2, 8, 14), 4);
    push(f(3, 9, 15), 4);
    push(f(4, 10, 5), 4);
    push(fin[11] as u32, 2);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_known() {
        let hex: String = md5(b"abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "900150983cd24fb0d6963f7d28e17f72");
    }
}
