//! Preset tests (being written).
