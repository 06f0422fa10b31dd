//! Reed-Solomon error correction over GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1
//! (0x11d) and generator roots α^0 .. α^(n-1): syndromes, Berlekamp-Massey for the error locator,
//! Chien search for the positions and Forney for the values.

/// Exponentials and logarithms of GF(256), built once at compile time.
struct Field {
    exp: [u8; 512],
    log: [u8; 256],
}

const FIELD: Field = {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        exp[i + 255] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11d;
        }
        i += 1;
    }
    // exp[510..512] stay unused: products index at most 254 + 254.
    Field { exp, log }
};

#[inline]
fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        FIELD.exp[usize::from(FIELD.log[usize::from(a)]) + usize::from(FIELD.log[usize::from(b)])]
    }
}

/// `a / b` for a nonzero `b`.
#[inline]
fn div(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        FIELD.exp
            [usize::from(FIELD.log[usize::from(a)]) + 255 - usize::from(FIELD.log[usize::from(b)])]
    }
}

/// α^power.
#[inline]
fn exp(power: usize) -> u8 {
    FIELD.exp[power % 255]
}

/// Evaluates a polynomial with its lowest coefficient first.
fn eval_low_first(poly: &[u8], x: u8) -> u8 {
    poly.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
}

/// Corrects `block` (data then `ec_len` error-correction codewords, highest degree first) in
/// place. Returns the number of corrected codewords, or `None` when the errors are beyond repair.
pub(crate) fn correct(block: &mut [u8], ec_len: usize) -> Option<usize> {
    let n = block.len();
    if ec_len == 0 || ec_len >= n || n > 255 {
        return None;
    }
    let syndromes: Vec<u8> = (0..ec_len)
        .map(|i| {
            let x = exp(i);
            block.iter().fold(0, |acc, &c| mul(acc, x) ^ c)
        })
        .collect();
    if syndromes.iter().all(|&s| s == 0) {
        return Some(0);
    }
    // Berlekamp-Massey: the shortest error locator Λ (lowest degree first) whose recurrence
    // produces the syndromes.
    let mut locator = vec![1u8];
    let mut previous = vec![1u8];
    let (mut errors, mut shift, mut last_discrepancy) = (0usize, 1usize, 1u8);
    for k in 0..ec_len {
        let mut discrepancy = syndromes[k];
        for i in 1..=errors.min(locator.len() - 1) {
            discrepancy ^= mul(locator[i], syndromes[k - i]);
        }
        if discrepancy == 0 {
            shift += 1;
            continue;
        }
        let scale = div(discrepancy, last_discrepancy);
        let mut next = locator.clone();
        if next.len() < previous.len() + shift {
            next.resize(previous.len() + shift, 0);
        }
        for (i, &c) in previous.iter().enumerate() {
            next[i + shift] ^= mul(scale, c);
        }
        if 2 * errors <= k {
            previous = std::mem::replace(&mut locator, next);
            errors = k + 1 - errors;
            last_discrepancy = discrepancy;
            shift = 1;
        } else {
            locator = next;
            shift += 1;
        }
    }
    while locator.len() > 1 && locator.last() == Some(&0) {
        locator.pop();
    }
    if locator.len() - 1 != errors || 2 * errors > ec_len {
        return None;
    }
    // Ω = S·Λ mod x^ec_len, the error evaluator.
    let mut evaluator = vec![0u8; ec_len];
    for (i, &s) in syndromes.iter().enumerate() {
        for (j, &l) in locator.iter().enumerate() {
            if i + j < ec_len {
                evaluator[i + j] ^= mul(s, l);
            }
        }
    }
    // Λ', the formal derivative: only odd powers survive in characteristic 2.
    let derivative: Vec<u8> = locator
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, &c)| if i % 2 == 1 { c } else { 0 })
        .collect();
    let mut fixed = 0;
    for (index, codeword) in block.iter_mut().enumerate() {
        // The codeword at `index` is the coefficient of x^(n - 1 - index): its locator X = α^degree.
        let degree = n - 1 - index;
        let x_inverse = exp(255 - degree % 255);
        if eval_low_first(&locator, x_inverse) != 0 {
            continue;
        }
        let denominator = eval_low_first(&derivative, x_inverse);
        if denominator == 0 {
            return None;
        }
        // Forney with first root α^0: e = X · Ω(X⁻¹) / Λ'(X⁻¹).
        let magnitude = mul(
            exp(degree),
            div(eval_low_first(&evaluator, x_inverse), denominator),
        );
        *codeword ^= magnitude;
        fixed += 1;
    }
    (fixed == errors).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends `ec_len` error-correction codewords to `data` (polynomial division by the
    /// generator), as an encoder would.
    fn encode(data: &[u8], ec_len: usize) -> Vec<u8> {
        let mut generator = vec![1u8];
        for i in 0..ec_len {
            // Multiply by (x - α^i), highest degree first.
            let mut next = vec![0u8; generator.len() + 1];
            for (j, &g) in generator.iter().enumerate() {
                next[j] ^= g;
                next[j + 1] ^= mul(g, exp(i));
            }
            generator = next;
        }
        let mut remainder = data.to_vec();
        remainder.resize(data.len() + ec_len, 0);
        for i in 0..data.len() {
            let factor = remainder[i];
            if factor != 0 {
                for (j, &g) in generator.iter().enumerate() {
                    remainder[i + j] ^= mul(g, factor);
                }
            }
        }
        let mut out = data.to_vec();
        out.extend_from_slice(&remainder[data.len()..]);
        out
    }

    #[test]
    fn corrects_up_to_half_the_ec_codewords() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        let ec_len = 16;
        let clean = encode(&data, ec_len);
        let mut block = clean.clone();
        assert_eq!(correct(&mut block, ec_len), Some(0));
        for errors in 1..=ec_len / 2 {
            let mut block = clean.clone();
            for e in 0..errors {
                block[(e * 7 + 3) % clean.len()] ^= (e as u8).wrapping_mul(29) | 1;
            }
            assert_eq!(correct(&mut block, ec_len), Some(errors), "{errors} errors");
            assert_eq!(block, clean);
        }
    }

    #[test]
    fn refuses_too_many_errors_without_panicking() {
        let clean = encode(b"fieldtoken", 10);
        let mut block = clean.clone();
        for b in block.iter_mut().take(9) {
            *b ^= 0xff;
        }
        assert_ne!(correct(&mut block, 10).map(|_| block.clone()), Some(clean));
    }
}
