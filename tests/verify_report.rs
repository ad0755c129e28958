//! (tests being written)
mod common;
