mod aztec_code;
mod binary_shift_token;
mod high_level_encoder;
mod simple_token;
mod state;
mod token;

pub mod aztec_encoder;

pub use aztec_code::*;
pub use binary_shift_token::*;
pub use high_level_encoder::*;
pub use simple_token::*;
pub use state::*;
pub use token::*;
