//! Reading a sampled grid: format information (the grid transposed when it does not read, for
//! mirrored codes), version information, unmasking, error correction and the bit stream.

use crate::symbol::{self, Grid};

/// What a sampled grid yields.
pub(crate) enum Outcome {
    /// The code's text.
    Text(String),
    /// The version information names another version than the grid was sampled as.
    Version(usize),
    /// The format information reads, the data does not: the grid is nearly in place, and
    /// sampling it a little differently may read.
    Close,
    /// Nothing readable.
    Failed,
}

/// Reads a sampled grid as it is and, failing that, mirrored.
pub(crate) fn read(grid: &Grid) -> Outcome {
    let side = grid.side();
    let Some(version) = side
        .checked_sub(17)
        .map(|s| s / 4)
        .filter(|v| (1..=40).contains(v))
    else {
        return Outcome::Failed;
    };
    let mirrored = grid.transposed();
    let mut outcome = Outcome::Failed;
    for grid in [grid, &mirrored] {
        if version >= 7
            && let Some(v) = symbol::read_version(grid)
            && v != version
        {
            return Outcome::Version(v);
        }
        let Some(format) = symbol::read_format(grid) else {
            crate::trace!("    no format");
            continue;
        };
        let codewords = symbol::codewords(grid, version, format.mask);
        let Some(data) = symbol::correct_data(&codewords, version, format.level) else {
            crate::trace!("    format {format:?}, RS failed");
            outcome = Outcome::Close;
            continue;
        };
        crate::trace!("    data {format:?} {data:02x?}");
        if let Some(text) = crate::bitstream::decode(&data, version) {
            return Outcome::Text(text);
        }
    }
    outcome
}
