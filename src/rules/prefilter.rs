//! One pass that tells which rules can match a file at all: literals every match of a rule must
//! contain (a prefix or suffix set extracted from the rule's pattern, as regex engines do for
//! their own prefilters) go into Aho-Corasick automata, and a file is searched only with
//! the rules whose literals occur in it. Rules without a usable literal are always searched.
//! Never changes a count: a rule is skipped only when no match of it can exist in the bytes.

use std::io::{self, Read};

use std::collections::{BTreeSet, HashMap};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind, Span, packed};
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};

use crate::config::Rule;

/// Shortest literal worth filtering on: shorter ones occur in nearly every file.
const MIN_LITERAL: usize = 3;

/// The literal sets of every rule, in a few SIMD-searchable automata.
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// The distinct literals in groups of at most `GROUP`, each searched leftmost-longest.
    groups: Vec<Group>,
    /// Per automaton, per pattern: the rules of every literal it contains (itself included).
    /// Leftmost-longest reports only the longest literal at each start, and a literal inside a
    /// found one occurs in the text as well.
    owners: Vec<Vec<Vec<usize>>>,
    /// Per rule: whether it has literals (otherwise it always runs).
    filtered: Vec<bool>,
    /// Length of the longest literal, in bytes.
    longest: usize,
}

/// Literals per Teddy searcher: its limit (it refuses more), and where it is fastest per
/// literal (measured on the kernel tree with 32, 64, 96 and 127).
const GROUP: usize = 64;

/// The most Teddy passes over a file before one automaton pass is cheaper.
const TEDDY_GROUPS: usize = 2;

/// The most literals for which the automaton is a full DFA (its table grows with them; past
/// this aho-corasick chooses, with a smaller table and its own prefilter).
const DFA_LITERALS: usize = 1_000;

impl Prefilter {
    /// Builds the prefilter for `rules` (config order, as compiled). `None` when no rule has
    /// usable literals.
    pub fn new<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Option<Self> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut direct: Vec<Vec<usize>> = Vec::new();
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut filtered = Vec::new();
        for (index, rule) in rules.into_iter().enumerate() {
            let set = required_literals(rule);
            filtered.push(set.is_some());
            for literal in set.unwrap_or_default() {
                let at = *seen.entry(literal.clone()).or_insert_with(|| {
                    literals.push(literal);
                    direct.push(Vec::new());
                    direct.len() - 1
                });
                if let Some(o) = direct.get_mut(at) {
                    o.push(index);
                }
            }
        }
        if literals.is_empty() {
            return None;
        }
        // Which literals each literal contains: one overlapping pass over the literals.
        let all = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .ok()?;
        let closed: Vec<Vec<usize>> = literals
            .iter()
            .map(|literal| {
                let mut rules = BTreeSet::new();
                for found in all.find_overlapping_iter(literal) {
                    rules.extend(direct.get(found.pattern().as_usize()).into_iter().flatten());
                }
                rules.into_iter().collect()
            })
            .collect();
        // Teddy in groups while that takes at most `TEDDY_GROUPS` passes; past that one pass
        // of the automaton's DFA costs less (measured: 200 literals over 100 MB of C, 4 Teddy
        // passes 406 ms, the DFA 275 ms).
        let groups = if literals.len() <= GROUP * TEDDY_GROUPS {
            literals
                .chunks(GROUP)
                .map(Group::new)
                .collect::<Option<Vec<_>>>()?
        } else {
            vec![Group::automaton(&literals)?]
        };
        let longest = literals.iter().map(Vec::len).max().unwrap_or(0);
        let owners = if groups.len() == 1 {
            vec![closed]
        } else {
            closed.chunks(GROUP).map(<[_]>::to_vec).collect()
        };
        Some(Self {
            groups,
            owners,
            filtered,
            longest,
        })
    }

    /// Which rules can match `bytes`: `wanted[i]` stays true for a rule without literals and
    /// for one whose literals occur. `bytes` are the raw file: a UTF-16 file (transcoded by
    /// the searcher) must not be given here.
    pub fn candidates(&self, bytes: &[u8], wanted: &mut Vec<bool>) {
        let mut left = self.reset(wanted);
        self.mark(bytes, wanted, &mut left);
    }

    /// As `candidates`, for a file read in chunks rather than held in memory: each chunk is
    /// searched together with the last `longest - 1` bytes of the one before, so a literal
    /// across a boundary is still found. `buffer` is scratch space.
    pub fn candidates_streamed(
        &self,
        mut reader: impl Read,
        wanted: &mut Vec<bool>,
        buffer: &mut Vec<u8>,
    ) -> io::Result<()> {
        let mut left = self.reset(wanted);
        let keep = self.longest.saturating_sub(1);
        buffer.clear();
        loop {
            let carried = buffer.len();
            buffer.resize(carried + CHUNK, 0);
            let read = reader.read(buffer.get_mut(carried..).unwrap_or_default());
            buffer.truncate(carried + *read.as_ref().unwrap_or(&0));
            match read {
                // End of input: the carried tail was searched with the chunk it came from.
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            }
            self.mark(buffer, wanted, &mut left);
            if left == 0 {
                return Ok(());
            }
            let tail = buffer.len().saturating_sub(keep);
            buffer.drain(..tail);
        }
    }

    /// Every rule without literals is wanted, the others not yet; returns how many may still
    /// turn up.
    fn reset(&self, wanted: &mut Vec<bool>) -> usize {
        wanted.clear();
        wanted.extend(self.filtered.iter().map(|f| !f));
        self.filtered.iter().filter(|f| **f).count()
    }

    fn mark(&self, bytes: &[u8], wanted: &mut [bool], left: &mut usize) {
        for (group, owners) in self.groups.iter().zip(&self.owners) {
            // Every start of a literal is visited: the search returns the leftmost one at or
            // after `at` (its longest literal; shorter ones are covered by `owners`), and the
            // next search starts one byte after it.
            let mut at = 0;
            while *left > 0 && at < bytes.len() {
                let Some((pattern, start)) = group.find_at(bytes, at) else {
                    break;
                };
                for &rule in owners.get(pattern).into_iter().flatten() {
                    if let Some(slot) = wanted.get_mut(rule)
                        && !*slot
                    {
                        *slot = true;
                        *left -= 1;
                    }
                }
                at = start + 1;
            }
        }
    }
}

/// One group of literals and its searcher.
#[derive(Debug, Clone)]
enum Group {
    /// Teddy (SIMD), where the machine has it: memory speed for a few dozen literals.
    Teddy(packed::Searcher),
    /// The automaton otherwise (left to choose its own prefilter).
    Automaton(AhoCorasick),
}

impl Group {
    fn new(literals: &[Vec<u8>]) -> Option<Self> {
        let teddy = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .only_teddy(true)
            .builder()
            .extend(literals)
            .build();
        match teddy {
            Some(teddy) => Some(Self::Teddy(teddy)),
            None => Self::automaton(literals),
        }
    }

    fn automaton(literals: &[Vec<u8>]) -> Option<Self> {
        let kind = (literals.len() <= DFA_LITERALS).then_some(AhoCorasickKind::DFA);
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(kind)
            .build(literals)
            .ok()
            .map(Self::Automaton)
    }

    /// The leftmost match starting at or after `at` (its longest literal): `(pattern, start)`.
    fn find_at(&self, bytes: &[u8], at: usize) -> Option<(usize, usize)> {
        let span = at..bytes.len();
        let found = match self {
            Self::Teddy(searcher) => searcher.find_in(bytes, Span::from(span))?,
            Self::Automaton(automaton) => automaton
                .try_find(Input::new(bytes).span(span))
                .ok()
                .flatten()?,
        };
        Some((found.pattern().as_usize(), found.start()))
    }
}

/// Bytes read per step when a file is filtered in chunks.
const CHUNK: usize = 256 * 1024;

/// Literals one of which every match of `rule` contains, or `None` when the pattern has no
/// usable set (it can match without any literal of at least `MIN_LITERAL` bytes).
fn required_literals(rule: &Rule) -> Option<Vec<Vec<u8>>> {
    let pattern = rule.pattern.get_ref();
    let escaped;
    let pattern = if rule.literal {
        escaped = regex_syntax::escape(pattern);
        &escaped
    } else {
        pattern
    };
    // The matcher's flags that change which texts match; the line-terminator and NUL rules of
    // grep-regex only remove matches, so literals of this language cover them.
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(rule.ignore_case)
        .multi_line(true)
        .unicode(true)
        .octal(false)
        .build()
        .parse(pattern)
        .ok()?;
    let mut best: Option<Vec<Vec<u8>>> = None;
    for prefix in [true, false] {
        let kind = if prefix {
            ExtractKind::Prefix
        } else {
            ExtractKind::Suffix
        };
        let mut seq = Extractor::new().kind(kind).extract(&hir);
        if prefix {
            seq.optimize_for_prefix_by_preference();
        } else {
            seq.optimize_for_suffix_by_preference();
        }
        let Some(set) = usable(&seq) else {
            continue;
        };
        let shortest = |s: &Vec<Vec<u8>>| s.iter().map(Vec::len).min().unwrap_or(0);
        if best.as_ref().is_none_or(|b| shortest(&set) > shortest(b)) {
            best = Some(set);
        }
    }
    best
}

fn usable(seq: &Seq) -> Option<Vec<Vec<u8>>> {
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > 64 {
        return None;
    }
    let set: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
    set.iter().all(|l| l.len() >= MIN_LITERAL).then_some(set)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use grep_matcher::Matcher;
    use proptest::prelude::*;

    use super::*;

    fn config(rules: &[(&str, &str)]) -> crate::config::Config {
        let mut text = String::new();
        for (i, (pattern, flags)) in rules.iter().enumerate() {
            text.push_str(&format!(
                "[migrations.m.rules.r{i}]\npattern = '''{pattern}'''\nmessage = 'm'\n{flags}\n"
            ));
        }
        crate::config::parse(Path::new("/r/longtail.toml"), "longtail.toml", &text)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn literal_sets(rules: &[(&str, &str)]) -> Vec<Option<Vec<Vec<u8>>>> {
        config(rules)
            .rules()
            .map(|(_, r)| required_literals(r))
            .collect()
    }

    #[test]
    fn prefixes_suffixes_or_nothing() {
        let sets = literal_sets(&[
            (r"\bstrcpy\(", ""),
            (r"\w\[0\];", ""),
            (r"\w+", ""),
            ("a.parse_obj(", "literal = true"),
            (r"x|y", ""),
        ]);
        assert_eq!(sets[0], Some(vec![b"strcpy(".to_vec()]));
        assert_eq!(sets[1], Some(vec![b"[0];".to_vec()]));
        assert_eq!(sets[2], None);
        assert_eq!(sets[3], Some(vec![b"a.parse_obj(".to_vec()]));
        // One-byte literals are no filter.
        assert_eq!(sets[4], None);
    }

    #[test]
    fn case_insensitive_rules_keep_unicode_folds() {
        // (?i)k also matches the Kelvin sign, which ASCII case folding would miss.
        let config = config(&[("kelvin", "ignore_case = true")]);
        let rules = crate::rules::compile(&config).unwrap();
        let prefilter = rules.prefilter.as_ref();
        let text = "\u{212A}ELVIN".as_bytes();
        assert!(
            rules.rules[0]
                .matcher
                .get()
                .unwrap()
                .is_match(text)
                .unwrap()
        );
        let mut wanted = Vec::new();
        if let Some(p) = prefilter {
            p.candidates(text, &mut wanted);
            assert_eq!(wanted, [true]);
        }
    }

    /// A literal is found wherever it sits relative to the chunk boundaries, including across
    /// one, and a streamed file gives the same verdict as the whole file in memory.
    #[test]
    fn streamed_candidates_see_literals_across_chunk_boundaries() {
        let rules = crate::rules::compile(&config(&[
            (r"\bstrcpy\(", ""),
            ("never_here", ""),
            (r"\w\[0\];", ""),
        ]))
        .unwrap();
        let prefilter = rules.prefilter.as_ref().unwrap();
        for at in [
            0,
            CHUNK - 7,
            CHUNK - 3,
            CHUNK - 1,
            CHUNK,
            2 * CHUNK - 4,
            3 * CHUNK - 1,
        ] {
            let mut text = vec![b'.'; at];
            text.extend_from_slice(b" strcpy(");
            text.extend(std::iter::repeat_n(b'.', 100));
            let (mut whole, mut streamed, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
            prefilter.candidates(&text, &mut whole);
            prefilter
                .candidates_streamed(&text[..], &mut streamed, &mut scratch)
                .unwrap();
            assert_eq!(whole, [true, false, false], "at {at}");
            assert_eq!(streamed, whole, "at {at}");
        }
    }

    const PATTERNS: &[(&str, &str)] = &[
        (r"\bfoo\(", ""),
        ("bar", "word = true"),
        ("Baz", "ignore_case = true"),
        (r"qu+x\d", ""),
        (r"[ab]c[de]f", ""),
        ("x.y", "literal = true"),
        (r"end\n\s*begin", "multiline = true"),
        (r"\w\[0\];", ""),
        (r"(foo|bar)baz", ""),
        (r"\d+", ""),
    ];

    /// Pieces that make texts near the patterns' literals.
    const FRAGMENTS: &[&str] = &[
        "foo", "(", "bar", "baz", "BAZ", "bAz", "qu", "u", "x", "1", "a", "c", "d", "f", "x.y",
        "x-y", "end", "\n", "  ", "begin", "w", "[0];", "[0]", "K", "\u{212A}", "_", " ",
    ];

    fn compiled() -> &'static crate::rules::CompiledRules {
        static RULES: std::sync::OnceLock<crate::rules::CompiledRules> = std::sync::OnceLock::new();
        RULES.get_or_init(|| crate::rules::compile(&config(PATTERNS)).unwrap())
    }

    proptest! {
        /// The prefilter never drops a rule that matches: every rule with a match in the text
        /// is a candidate.
        #[test]
        fn never_drops_a_matching_rule(
            pieces in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..14)
        ) {
            let text = pieces.concat();
            let rules = compiled();
            let mut wanted = Vec::new();
            if let Some(p) = &rules.prefilter {
                p.candidates(text.as_bytes(), &mut wanted);
            }
            for (i, rule) in rules.rules.iter().enumerate() {
                let matches = rule.matcher.get().unwrap().is_match(text.as_bytes()).unwrap();
                prop_assert!(!matches || wanted.get(i) != Some(&false), "rule {i} on {text:?}");
            }
        }
    }
}
