//! The four example records of `data/examples/` (see its SOURCE.md), built into the binary so
//! that a fresh install has something to show and tests share one copy.

/// The example files, in order: file name and bytes in the seed text format.
pub const FILES: [(&str, &[u8]); 4] = [
    (
        "000_539f00f589d4a362.txt",
        include_bytes!("../../../data/examples/000_539f00f589d4a362.txt"),
    ),
    (
        "001_327a9cf11ad9e4a1.txt",
        include_bytes!("../../../data/examples/001_327a9cf11ad9e4a1.txt"),
    ),
    (
        "002_2adcaa1ea715119c.txt",
        include_bytes!("../../../data/examples/002_2adcaa1ea715119c.txt"),
    ),
    (
        "003_872480d8329dbb3f.txt",
        include_bytes!("../../../data/examples/003_872480d8329dbb3f.txt"),
    ),
];
