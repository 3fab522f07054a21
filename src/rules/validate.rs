//! Whether grep-regex would build a rule's matcher, answered without building it: the same
//! parse and translation (`(?:pattern)`, ripgrep's flags), the same banned-byte and
//! line-terminator checks with the same messages, and the NFA compiled under the same size
//! limit. What a build adds on top (full DFAs, about half a millisecond a rule) is left for
//! when a file needs the matcher. Knows nothing of files or spans.

use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_syntax::ast::parse::ParserBuilder;
use regex_syntax::hir::translate::TranslatorBuilder;
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange};
use regex_syntax::hir::{Hir, HirKind, Look};

use crate::config::Rule;

/// grep-regex's defaults, which ripgrep keeps: parser nesting and the NFA's heap.
const NEST_LIMIT: u32 = 250;
const SIZE_LIMIT: usize = 100 * (1 << 20);

/// `Err` with grep-regex's message when building `rule`'s matcher would fail.
pub(super) fn check(rule: &Rule) -> Result<(), String> {
    let pattern = rule.pattern.get_ref();
    let terminator = (!rule.multiline).then_some(b'\n');
    let has_terminator = terminator.is_some_and(|t| pattern.as_bytes().contains(&t));
    // grep-regex's shortcut: a pattern that is a plain string becomes a literal unparsed.
    let plain = rule.literal || !pattern.chars().any(regex_syntax::is_meta_character);
    let hir = if plain && !rule.ignore_case && !has_terminator {
        Hir::literal(pattern.as_bytes())
    } else {
        let wrapped = if rule.literal {
            format!("(?:{})", regex_syntax::escape(pattern))
        } else {
            format!("(?:{pattern})")
        };
        let ast = ParserBuilder::new()
            .nest_limit(NEST_LIMIT)
            .octal(false)
            .build()
            .parse(&wrapped)
            .map_err(|err| err.to_string())?;
        let hir = TranslatorBuilder::new()
            .utf8(false)
            .case_insensitive(rule.ignore_case)
            .multi_line(true)
            .dot_matches_new_line(false)
            .unicode(true)
            .build()
            .translate(&wrapped, &ast)
            .map_err(|err| err.to_string())?;
        if banned(&hir, 0) {
            return Err("pattern contains \"\\0\" but it is impossible to match".to_owned());
        }
        match terminator {
            Some(byte) => stripped(hir, byte)?,
            None => hir,
        }
    };
    let hir = if rule.word {
        Hir::concat(vec![
            Hir::look(Look::WordStartHalfUnicode),
            hir,
            Hir::look(Look::WordEndHalfUnicode),
        ])
    } else {
        hir
    };
    // The meta regex grep-regex builds compiles the NFA forwards (with captures) and, for its
    // DFAs, backwards (without): each must fit the limit.
    let forward = thompson::Config::new()
        .utf8(false)
        .shrink(false)
        .nfa_size_limit(Some(SIZE_LIMIT));
    let reverse = forward
        .clone()
        .reverse(true)
        .which_captures(WhichCaptures::None);
    for config in [forward, reverse] {
        thompson::Compiler::new()
            .configure(config)
            .build_from_hir(&hir)
            .map_err(|err| match err.size_limit() {
                Some(limit) => format!("compiled regex exceeds size limit of {limit}"),
                None => err.to_string(),
            })?;
    }
    Ok(())
}

/// Whether `hir` holds `byte` as a literal or as a one-character class: grep-regex refuses
/// such a pattern when binary detection bans the byte from matches.
fn banned(hir: &Hir, byte: u8) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&byte),
        HirKind::Class(Class::Unicode(class)) => {
            let only = class.ranges().iter().map(|r| r.len()).sum::<usize>() == 1;
            only && class
                .ranges()
                .iter()
                .any(|r| r.start() <= char::from(byte) && char::from(byte) <= r.end())
        }
        HirKind::Class(Class::Bytes(class)) => {
            let only = class.ranges().iter().map(|r| r.len()).sum::<usize>() == 1;
            only && class
                .ranges()
                .iter()
                .any(|r| r.start() <= byte && byte <= r.end())
        }
        HirKind::Repetition(rep) => banned(&rep.sub, byte),
        HirKind::Capture(cap) => banned(&cap.sub, byte),
        HirKind::Concat(all) | HirKind::Alternation(all) => all.iter().any(|h| banned(h, byte)),
    }
}

/// `hir` with the line terminator taken out of every class, as grep-regex does so no match
/// spans lines; a literal terminator, or a class of nothing else, is an error.
fn stripped(hir: Hir, byte: u8) -> Result<Hir, String> {
    let refuse = || {
        Err(format!(
            "the literal {:?} is not allowed in a regex",
            char::from(byte).to_string()
        ))
    };
    Ok(match hir.into_kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => {
            if literal.0.contains(&byte) {
                return refuse();
            }
            Hir::literal(literal.0)
        }
        HirKind::Class(Class::Unicode(mut class)) => {
            if class.ranges().is_empty() {
                return Ok(Hir::class(Class::Unicode(class)));
            }
            let ch = char::from(byte);
            class.difference(&ClassUnicode::new([ClassUnicodeRange::new(ch, ch)]));
            if class.ranges().is_empty() {
                return refuse();
            }
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(mut class)) => {
            if class.ranges().is_empty() {
                return Ok(Hir::class(Class::Bytes(class)));
            }
            class.difference(&ClassBytes::new([ClassBytesRange::new(byte, byte)]));
            if class.ranges().is_empty() {
                return refuse();
            }
            Hir::class(Class::Bytes(class))
        }
        HirKind::Look(look) => Hir::look(look),
        HirKind::Repetition(mut rep) => {
            rep.sub = Box::new(stripped(*rep.sub, byte)?);
            Hir::repetition(rep)
        }
        HirKind::Capture(mut cap) => {
            cap.sub = Box::new(stripped(*cap.sub, byte)?);
            Hir::capture(cap)
        }
        HirKind::Concat(all) => Hir::concat(
            all.into_iter()
                .map(|h| stripped(h, byte))
                .collect::<Result<_, _>>()?,
        ),
        HirKind::Alternation(all) => Hir::alternation(
            all.into_iter()
                .map(|h| stripped(h, byte))
                .collect::<Result<_, _>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::check;
    use crate::config::Rule;
    use crate::model::RuleId;
    use crate::rules::matcher_builder;

    fn test_rule(
        pattern: &str,
        literal: bool,
        ignore_case: bool,
        word: bool,
        multiline: bool,
    ) -> Rule {
        Rule {
            id: RuleId::new("m", "r"),
            pattern: toml::Spanned::new(0..0, pattern.to_owned()),
            message: "m".to_owned(),
            severity: Default::default(),
            paths: Vec::new(),
            exclude: Vec::new(),
            replace: None,
            replace_span: None,
            codemod: None,
            docs: None,
            ignore_case,
            word,
            literal,
            multiline,
        }
    }

    /// What grep-regex itself says: the oracle `check` must agree with.
    fn built(rule: &Rule) -> Result<(), String> {
        matcher_builder(rule)
            .build_many(&[rule.pattern.get_ref()])
            .map(|_| ())
            .map_err(|err| err.to_string())
    }

    fn agree(pattern: &str, literal: bool, ignore_case: bool, word: bool, multiline: bool) {
        let rule = test_rule(pattern, literal, ignore_case, word, multiline);
        assert_eq!(
            check(&rule),
            built(&rule),
            "{pattern:?} literal={literal} -i={ignore_case} -w={word} -U={multiline}"
        );
    }

    #[test]
    fn agrees_with_grep_regex_on_every_kind_of_refusal() {
        let patterns = [
            r"\.parse_obj\(",
            r"\.parse_obj(data",
            "a\nb",
            r"a\nb",
            r"[\n]",
            r"[^\n]",
            r"\n",
            r"\x00",
            r"[\x00]",
            r"a[\x00-\x01]",
            "a\u{0}b",
            r"\w{1000}{1000}",
            r"(?-u)\xFF",
            r"\p{Greek}+",
            r"\p{NotAClass}",
            r"(?P<n>a)(?P<n>b)",
            r"a{2,1}",
            r"x*+",
            r"\b\w+\b",
            r"(((((((((((((((((((((a)))))))))))))))))))))",
            r"\1",
            r"(?<!a)b",
            "",
            "(",
            "plain text",
            "UPPER lower",
        ];
        for pattern in patterns {
            for flags in 0..16u8 {
                agree(
                    pattern,
                    flags & 1 != 0,
                    flags & 2 != 0,
                    flags & 4 != 0,
                    flags & 8 != 0,
                );
            }
        }
    }

    /// Near the size limit: `\w{3500}`'s forward NFA fits, its reverse NFA does not, and
    /// grep-regex refuses it; `\w{2000}` fits both ways.
    #[test]
    fn agrees_with_grep_regex_at_the_size_limit() {
        agree(r"\w{2000}", false, false, false, false);
        agree(r"\w{3500}", false, false, false, false);
        assert!(check(&test_rule(r"\w{3500}", false, false, false, false)).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// Random patterns from regex syntax's building blocks: whatever grep-regex refuses,
        /// `check` refuses with the same message, and nothing else.
        #[test]
        fn agrees_with_grep_regex_on_random_patterns(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("\\n"), Just("\n"), Just("\\x00"), Just("["), Just("]"),
                    Just("^"), Just("-"), Just("("), Just(")"), Just("?"), Just("*"),
                    Just("{2}"), Just("{3,1}"), Just("\\w"), Just("\\b"), Just("|"),
                    Just("\\"), Just("."), Just("\\s"), Just("é"), Just("(?i)"), Just("\\p{L}"),
                ],
                0..8,
            ),
            flags in 0..16u8,
        ) {
            let pattern = parts.concat();
            let rule = test_rule(&pattern, flags & 1 != 0, flags & 2 != 0, flags & 4 != 0, flags & 8 != 0);
            prop_assert_eq!(check(&rule), built(&rule), "{:?} flags {}", pattern, flags);
        }
    }
}
