//! The offline bundle a phone keeps to check tokens without network.
