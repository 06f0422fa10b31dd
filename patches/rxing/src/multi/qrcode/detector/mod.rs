mod multi_detector;
pub use multi_detector::*;

mod multi_finder_pattern_finder;
pub use multi_finder_pattern_finder::*;
