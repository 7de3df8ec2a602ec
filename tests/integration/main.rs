//! Integration tests for shenpi, one module per area.
