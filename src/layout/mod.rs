//! Judgements about a line that more than one pass needs, or that belong
//! to the page rather than to one pass: page-jump markers, photo credits
//! and caption markers, running heads and feet (`furniture`), web chrome
//! lines, list items and news leads, body text, name lists and table rows.
//! Word lists live in `data/patterns/`.
//!
//! A pass imports `text` and `layout`, never another pass. The rules here
//! were the private rules of `caption` and `chrome`; `pinyin`, `dedup` and
//! `rejoin` asked them through those passes. Now each rule has one home,
//! and a pass that needs another's judgement asks it here.
//!
//! # Why later passes ask earlier passes' rules (idempotence)
//!
//! Cleaning clean output again must change nothing. So when a pass could
//! make text that an *earlier* pass would treat differently on a second
//! run, it asks that earlier pass's rule first:
//!
//! | rule | asked by | because of | test |
//! |---|---|---|---|
//! | [`marks::jump_at_start`] | `pinyin` | a `(上接01版)` group must not be read as an annotation; `caption` removes it later | `pinyin::tests` |
//! | [`marks::strip_jump_markers`] | `chrome` | `caption` removes the markers later: chrome judges the line without them | `chrome::tests` |
//! | [`credit::caption_removes_line`] | `dedup` | what a cut repeat leaves of a line, `caption` would remove on a second run | `tests/hostile.rs` |
//! | [`chrome::removes_line`] | `dedup` | likewise for a chrome line left by a cut repeat | `tests/hostile.rs` |
//! | [`pinyin::annotations_at_start`] | `dedup` | what a cut repeat leaves may open with an annotation `pinyin` removes at a line's start | `props::dedup_takes_an_annotation_left_by_a_repeat` |
//! | [`body::is_name_list`] | `rejoin`, `punct` | a line of names joined to nothing stays a list, and keeps its spaces | `tests/layout_eval.rs` |
//! | [`body::starts_mid_clause`] | `dedup` | a repeat cut from a line's start must not leave a word's tail `rejoin` joins on a second run | `props::dedup_leaves_no_word_tail_rejoin_would_join` |
//! | [`chrome::pattern_across`] | `rejoin` | a join must not make a chrome pattern across the break (`版权所有` / `：…`) | `rejoin::tests` |

pub(crate) mod body;
pub(crate) mod chrome;
pub(crate) mod credit;
pub(crate) mod furniture;
pub(crate) mod leads;
pub(crate) mod marks;
pub(crate) mod patterns;
pub(crate) mod pinyin;
