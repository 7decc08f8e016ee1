//! Conversions between byte offsets and line/column positions (UTF-8, UTF-16, UTF-32 columns).
