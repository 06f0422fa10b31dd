mod pdf_417_detector_result;
pub use pdf_417_detector_result::*;

pub mod pdf_417_detector;
