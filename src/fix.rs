//! Applying rules' `replace` to one file: exactly at the sites the scan counts, rule after rule
//! in config order, every other byte kept (line endings, byte-order mark, UTF-16). The result is
//! scanned again and refused unless every replaced site is gone and no count rose.
//! Knows nothing of walking, units, the lock or the command line.

use std::borrow::Cow;

use crate::model::RepoPath;
use crate::rules::CompiledRules;
use crate::scan::{Edit, FileSearcher};

/// A file rewritten by [`fix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The new content, encoded as the old.
    pub bytes: Vec<u8>,
    /// What a diff shows as before: the file's bytes, or for UTF-16 its text as UTF-8.
    pub before: Vec<u8>,
    /// What a diff shows as after.
    pub after: Vec<u8>,
    /// Whether `before`/`after` are decoded text rather than the file's bytes (UTF-16): such a
    /// diff is for reading, `git apply` cannot apply it to the file.
    pub decoded: bool,
    /// `(rule index, sites replaced)` for each rule that changed the file, in config order.
    pub replaced: Vec<(usize, u64)>,
    /// `(rule index, sites gone)` for each rule whose count dropped, in config order: what the
    /// ratchet sees. Larger than `replaced` where one rule's replacement also removed another
    /// rule's sites (two rules matching the same text).
    pub removed: Vec<(usize, u64)>,
}

/// Why a file was not rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// After the rewrite, rule `rule` counts `after` sites where it counted `before` and
    /// `replaced` were replaced: the replacement leaves or creates matches (of its own pattern,
    /// or of another rule's when `rule` was not fixed).
    NotRemoved {
        /// The rule whose count did not drop as it should.
        rule: usize,
        /// Its sites before.
        before: u64,
        /// How many of them were replaced.
        replaced: u64,
        /// Its sites after.
        after: u64,
    },
    /// A UTF-16 file with malformed data cannot be rewritten without losing bytes.
    Undecodable,
    /// The file could not be searched (a rule's matcher could not be built).
    Unsearchable(String),
}

/// How a file's bytes map to the text the searcher sees, and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    /// Bytes as they are (UTF-8 or any ASCII-compatible encoding), with or without a UTF-8 BOM.
    Bytes { bom: bool },
    /// UTF-16 with a byte-order mark, transcoded as the searcher transcodes it.
    Utf16 { big_endian: bool },
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl Codec {
    /// Splits off the byte-order mark the way the searcher's BOM sniffing does.
    fn decode(bytes: &[u8]) -> Result<(Self, Cow<'_, [u8]>), Refusal> {
        let utf16 = |big_endian: bool, rest: &[u8]| {
            let encoding = if big_endian {
                encoding_rs::UTF_16BE
            } else {
                encoding_rs::UTF_16LE
            };
            encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|text| {
                    (
                        Codec::Utf16 { big_endian },
                        Cow::Owned(text.into_owned().into()),
                    )
                })
                .ok_or(Refusal::Undecodable)
        };
        match bytes {
            [0xFF, 0xFE, rest @ ..] => utf16(false, rest),
            [0xFE, 0xFF, rest @ ..] => utf16(true, rest),
            _ => match bytes.strip_prefix(UTF8_BOM) {
                Some(rest) => Ok((Codec::Bytes { bom: true }, Cow::Borrowed(rest))),
                None => Ok((Codec::Bytes { bom: false }, Cow::Borrowed(bytes))),
            },
        }
    }

    fn encode(self, text: &[u8]) -> Vec<u8> {
        match self {
            Codec::Bytes { bom } => {
                let prefix: &[u8] = if bom { UTF8_BOM } else { b"" };
                [prefix, text].concat()
            }
            Codec::Utf16 { big_endian } => {
                // Decoded UTF-16 plus UTF-8 replacements is valid UTF-8.
                let text = String::from_utf8_lossy(text);
                let units = std::iter::once('\u{FEFF}' as u16).chain(text.encode_utf16());
                if big_endian {
                    units.flat_map(u16::to_be_bytes).collect()
                } else {
                    units.flat_map(u16::to_le_bytes).collect()
                }
            }
        }
    }
}

/// Rewrites `bytes` (the content of `path`) with the replacements of the `selected` rules
/// (indices into `rules.rules`; rules without `replace` are ignored). `Ok(None)` when nothing
/// changes: no selected rule has a site, or the file is binary (it counts zero, as in `rg`).
pub fn fix(
    searcher: &mut FileSearcher,
    rules: &CompiledRules,
    selected: &[usize],
    path: &RepoPath,
    bytes: &[u8],
) -> Result<Option<Fixed>, Refusal> {
    let before = searcher
        .search(rules, path, bytes)
        .map_err(|e| Refusal::Unsearchable(e.to_string()))?;
    let count_of = |found: &crate::scan::FileFindings, index: usize| {
        found
            .sites
            .iter()
            .find(|(i, _)| *i == index)
            .map_or(0, |(_, sites)| sites.count)
    };
    let fixable = |&&index: &&usize| {
        rules
            .rules
            .get(index)
            .is_some_and(|r| r.replace.is_some() && r.admits(path))
            && count_of(&before, index) > 0
    };
    if before.binary || !selected.iter().any(|i| fixable(&i)) {
        return Ok(None);
    }
    let (codec, original) = Codec::decode(bytes)?;
    let mut text = original.to_vec();
    let mut replaced = Vec::new();
    for &index in selected.iter().filter(|i| fixable(i)) {
        let Some(rule) = rules.rules.get(index) else {
            continue;
        };
        let (count, edits) = searcher.edits(rule, &text);
        if count == 0 {
            // An earlier rule's replacement already rewrote these sites.
            continue;
        }
        let made = edits.len() as u64;
        text = apply(&text, &edits);
        let (left, _) = searcher.edits(rule, &text);
        if made != count || left != 0 {
            return Err(Refusal::NotRemoved {
                rule: index,
                before: count,
                replaced: made,
                after: left,
            });
        }
        replaced.push((index, made));
    }
    let new_bytes = codec.encode(&text);
    let after = searcher
        .search(rules, path, &new_bytes)
        .map_err(|e| Refusal::Unsearchable(e.to_string()))?;
    // The ratchet's view of the result: each fixed rule down by what it replaced, no rule up.
    let mut removed = Vec::new();
    for index in 0..rules.rules.len() {
        let made = replaced
            .iter()
            .find(|(i, _)| *i == index)
            .map_or(0, |(_, n)| *n);
        let (was, now) = (count_of(&before, index), count_of(&after, index));
        if now > was.saturating_sub(made) || after.binary {
            return Err(Refusal::NotRemoved {
                rule: index,
                before: was,
                replaced: made,
                after: now,
            });
        }
        if now < was {
            removed.push((index, was - now));
        }
    }
    if replaced.is_empty() || new_bytes == bytes {
        return Ok(None);
    }
    let (before, after, decoded) = match codec {
        Codec::Bytes { .. } => (bytes.to_vec(), new_bytes.clone(), false),
        Codec::Utf16 { .. } => (original.into_owned(), text, true),
    };
    Ok(Some(Fixed {
        before,
        after,
        decoded,
        bytes: new_bytes,
        replaced,
        removed,
    }))
}

/// `text` with each edit's range replaced; edits are in order and do not overlap (one
/// non-overlapping match iteration), and one that would is left out, so the count check fails.
fn apply(text: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        if edit.start < at || edit.end < edit.start || edit.end > text.len() {
            continue;
        }
        out.extend_from_slice(text.get(at..edit.start).unwrap_or_default());
        out.extend_from_slice(&edit.with);
        at = edit.end;
    }
    out.extend_from_slice(text.get(at..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn rules(toml: &str) -> CompiledRules {
        let config = crate::config::parse(Path::new("/r/longtail.toml"), "longtail.toml", toml)
            .unwrap_or_else(|e| panic!("{e:?}"));
        crate::rules::compile(&config).unwrap()
    }

    fn run(rules: &CompiledRules, bytes: &[u8]) -> Result<Option<Fixed>, Refusal> {
        let all: Vec<usize> = (0..rules.rules.len()).collect();
        fix(
            &mut FileSearcher::new(),
            rules,
            &all,
            &RepoPath::new("a/b.py"),
            bytes,
        )
    }

    const PARSE_OBJ: &str = "[migrations.p.rules.parse]\npattern = '\\.parse_obj\\('\n\
                             message = 'm'\nreplace = '.model_validate('\n";

    #[test]
    fn replaces_every_site_and_keeps_every_other_byte() {
        let rules = rules(PARSE_OBJ);
        // CRLF, a UTF-8 BOM, a Latin-1 byte that is not UTF-8, two sites on one line.
        let bytes =
            b"\xEF\xBB\xBFa = A.parse_obj(x)\r\n# caf\xE9\r\nb = B.parse_obj(A.parse_obj(y))\r\n";
        let fixed = run(&rules, bytes).unwrap().unwrap();
        assert_eq!(
            fixed.bytes,
            b"\xEF\xBB\xBFa = A.model_validate(x)\r\n# caf\xE9\r\nb = B.model_validate(A.model_validate(y))\r\n"
        );
        assert_eq!(fixed.replaced, [(0, 3)]);
        assert_eq!(
            (&fixed.before[..], &fixed.after),
            (&bytes[..], &fixed.bytes)
        );
    }

    #[test]
    fn utf16_files_stay_utf16_with_their_byte_order() {
        let rules = rules(PARSE_OBJ);
        for big_endian in [false, true] {
            let encode = |text: &str| -> Vec<u8> {
                std::iter::once(0xFEFF_u16)
                    .chain(text.encode_utf16())
                    .flat_map(|u| {
                        if big_endian {
                            u.to_be_bytes()
                        } else {
                            u.to_le_bytes()
                        }
                    })
                    .collect()
            };
            let fixed = run(&rules, &encode("x = M.parse_obj(d) # é\n"))
                .unwrap()
                .unwrap();
            assert_eq!(fixed.bytes, encode("x = M.model_validate(d) # é\n"));
        }
        // An odd byte count is malformed UTF-16: refused rather than rewritten lossily.
        let mut odd = vec![0xFF, 0xFE];
        odd.extend("M.parse_obj(".encode_utf16().flat_map(u16::to_le_bytes));
        odd.push(b'x');
        assert_eq!(run(&rules, &odd), Err(Refusal::Undecodable));
    }

    #[test]
    fn capture_groups_expand_as_rg_replace_does() {
        let rules = rules(
            "[migrations.t.rules.list]\npattern = '\\bList\\[(\\w+)\\]'\nmessage = 'm'\n\
             replace = 'list[$1]'\n",
        );
        let fixed = run(&rules, b"def f(a: List[int]) -> List[str]: ...\n")
            .unwrap()
            .unwrap();
        assert_eq!(fixed.bytes, b"def f(a: list[int]) -> list[str]: ...\n");
    }

    #[test]
    fn multi_line_rules_are_fixed_across_lines() {
        let rules = rules(
            "[migrations.f.rules.on-event]\npattern = '@app\\.on_event\\(\"startup\"\\)\\n(\\s*)async def'\n\
             multiline = true\nmessage = 'm'\nreplace = \"@app.on_start()\\n${1}async def\"\n",
        );
        let fixed = run(
            &rules,
            b"@app.on_event(\"startup\")\n    async def go(): ...\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(fixed.bytes, b"@app.on_start()\n    async def go(): ...\n");
    }

    #[test]
    fn a_replacement_that_matches_again_is_refused() {
        let rules = rules(
            "[migrations.m.rules.dict]\npattern = '\\.dict\\('\nmessage = 'm'\n\
             replace = '.dict(exclude=None, '\n",
        );
        assert_eq!(
            run(&rules, b"a.dict()\nb.dict()\n"),
            Err(Refusal::NotRemoved {
                rule: 0,
                before: 2,
                replaced: 2,
                after: 2
            })
        );
    }

    #[test]
    fn a_replacement_that_adds_another_rules_sites_is_refused() {
        let rules = rules(
            "[migrations.m.rules.old]\npattern = 'old_call'\nmessage = 'm'\nreplace = 'new_call'\n\
             [migrations.m.rules.new]\npattern = 'new_call'\nmessage = 'm'\n",
        );
        assert_eq!(
            run(&rules, b"old_call()\nnew_call()\n"),
            Err(Refusal::NotRemoved {
                rule: 1,
                before: 1,
                replaced: 0,
                after: 2
            })
        );
    }

    #[test]
    fn binary_files_and_files_without_sites_are_left_alone() {
        let rules = rules(PARSE_OBJ);
        assert_eq!(run(&rules, b"A.parse_obj(x)\n\0\x01"), Ok(None));
        assert_eq!(run(&rules, b"A.model_validate(x)\n"), Ok(None));
        let unfixable = self::rules("[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\n");
        assert_eq!(run(&unfixable, b"x\n"), Ok(None));
    }

    #[test]
    fn overlapping_rules_apply_in_config_order() {
        // Both rewrite `.parse_obj(`; the first wins, the second finds nothing left.
        let rules = rules(&format!(
            "{PARSE_OBJ}[migrations.p.rules.other]\npattern = 'parse_obj'\nmessage = 'm'\n\
             replace = 'validate'\n"
        ));
        let fixed = run(&rules, b"A.parse_obj(x)\n").unwrap().unwrap();
        assert_eq!(fixed.bytes, b"A.model_validate(x)\n");
        assert_eq!(fixed.replaced, [(0, 1)]);
        // The second rule's site went with the first rule's replacement.
        assert_eq!(fixed.removed, [(0, 1), (1, 1)]);
    }
}
