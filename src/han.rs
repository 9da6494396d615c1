//! What counts as a Han character: shared by the library and the build
//! script (which compiles the word-key tables of `dict::words` from it).

/// Han ideographs (unified, extensions, compatibility) and `〇`.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2FFFF | 0x30000..=0x3134F | 0xF900..=0xFAFF | 0x3007)
}
