//! Heteronyms: words spelled alike and said two ways depending on how they
//! are used ("read" /ɹˈiːd/ or /ɹˈɛd/, a "record" or to "record").
//!
//! The readings live in `data/heteronyms.tsv` (word, rule, two readings with
//! their phonemes; the first is the default). The choice is a tiny
//! part-of-speech decision from the neighbouring words of the clause: after
//! "to", a modal or a subject pronoun a word is a verb, after a determiner or
//! a preposition it is a noun, and so on (see [`choose`]). User lexicon
//! entries are applied before this and always win.

use std::collections::HashMap;
use std::sync::OnceLock;

static DATA: &str = include_str!("../data/heteronyms.tsv");

/// Which decision picks between the two readings of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Noun (or adjective) first, verb second: the verb when the context
    /// wants a verb.
    NounVerb,
    /// "read": present or past.
    Read,
    /// "lead": the verb (and "the lead") or the metal.
    Lead,
    /// "live": the verb or the adjective ("live music").
    Live,
    /// "lives": the plural noun or the verb.
    Lives,
    /// "close": the verb or the adjective ("close to").
    Close,
    /// "wound": the injury or the past of "wind".
    Wound,
    /// "use": the verb or the noun.
    Use,
    /// "minute": sixty seconds or tiny.
    Minute,
    /// "content": what something holds or satisfied.
    Content,
}

/// One heteronym: its rule and its two readings' phonemes.
#[derive(Debug, Clone, Copy)]
struct Entry {
    rule: Rule,
    first: &'static str,
    second: &'static str,
}

fn table() -> &'static HashMap<&'static str, Entry> {
    static TABLE: OnceLock<HashMap<&'static str, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                let word = f.next()?;
                let rule = match f.next()? {
                    "noun-verb" => Rule::NounVerb,
                    "read" => Rule::Read,
                    "lead" => Rule::Lead,
                    "live" => Rule::Live,
                    "lives" => Rule::Lives,
                    "close" => Rule::Close,
                    "wound" => Rule::Wound,
                    "use" => Rule::Use,
                    "minute" => Rule::Minute,
                    "content" => Rule::Content,
                    _ => return None,
                };
                let (_, first, _, second) = (f.next()?, f.next()?, f.next()?, f.next()?);
                Some((
                    word,
                    Entry {
                        rule,
                        first,
                        second,
                    },
                ))
            })
            .collect()
    })
}

/// The words around a heteronym, lower-case, within its clause (`None`
/// across clause punctuation and at the ends of the sentence).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Context<'a> {
    pub prev2: Option<&'a str>,
    pub prev: Option<&'a str>,
    pub next: Option<&'a str>,
    /// The previous word is capitalized in mid-sentence (a name).
    pub prev_is_name: bool,
    /// The sentence has a word that places it in the past ("yesterday").
    pub past_cue: bool,
}

/// Modals, infinitive "to", "please": a verb follows.
#[rustfmt::skip]
const VERB_BEFORE: &[&str] = &[
    "to", "will", "would", "can", "could", "should", "must", "may", "might", "shall", "do", "does",
    "did", "don't", "doesn't", "didn't", "won't", "can't", "cannot", "couldn't", "wouldn't",
    "shouldn't", "mustn't", "let's", "please", "i'll", "you'll", "we'll", "they'll", "i'd",
    "you'd", "we'd", "they'd",
];

/// Subject pronouns after which a bare form is a verb.
const SUBJECTS: &[&str] = &["i", "you", "we", "they", "who"];

/// Adverbs that stand between a subject and its verb.
#[rustfmt::skip]
const ADVERBS: &[&str] = &[
    "also", "often", "always", "never", "usually", "sometimes", "rarely", "really", "just",
    "still", "strongly", "firmly", "actually", "simply", "certainly", "probably", "generally",
    "regularly", "constantly", "immediately", "carefully", "quickly", "slowly", "gently", "not",
    "seldom", "frequently", "routinely", "further",
];

/// Determiners, possessives, prepositions and quantifiers: a noun follows.
const NOUN_BEFORE: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our",
    "their", "no", "every", "each", "some", "any", "another", "whose", "of", "in", "on", "at",
    "for", "with", "by", "from", "into", "about", "than", "per", "without", "under", "over",
    "much", "more", "most", "few", "several", "one", "first", "last", "next", "such", "what",
    "which", "through", "between", "after", "before", "during", "against", "like",
];

/// Prepositions: a noun phrase follows.
const PREPOSITIONS: &[&str] = &[
    "of", "in", "on", "at", "for", "with", "by", "from", "into", "about", "than", "per", "without",
    "under", "over", "through", "between", "after", "before", "during", "against", "like",
];

/// Forms of "be" (and linking verbs): an adjective or a participle follows.
const BE: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "it's", "he's", "she's", "that's",
    "they're", "we're", "you're", "i'm", "seem", "seems", "seemed", "remain", "remains",
    "remained", "become", "became", "feel", "feels", "felt", "look", "looks", "looked", "stay",
    "stays", "stayed", "appear", "appears", "appeared",
];

/// What can start the object of an imperative verb ("Close the door").
#[rustfmt::skip]
const OBJECT_START: &[&str] = &[
    "the", "a", "an", "my", "your", "his", "her", "our", "their", "its", "this", "that", "these",
    "those", "me", "him", "us", "them", "it", "yourself", "yourselves", "some", "all", "every",
    "each", "any", "both",
];

/// Words ending in "s" that are not plural nouns.
#[rustfmt::skip]
const NOT_PLURAL: &[&str] = &[
    "this", "his", "its", "is", "was", "has", "does", "yes", "thus", "always", "perhaps",
    "sometimes", "plus", "as", "us", "less", "across", "various", "news", "series", "means",
    "whereas", "besides", "unless", "towards", "afterwards", "hers", "ours", "yours", "theirs",
    "lens", "bus", "gas", "physics", "politics", "economics", "mathematics", "species", "its",
    "chaos", "famous", "previous", "serious", "nervous", "dangerous",
];

fn is(word: Option<&str>, list: &[&str]) -> bool {
    word.is_some_and(|w| list.contains(&w))
}

/// A word that looks like a plural noun ("factories", "workers").
fn plural_noun(word: Option<&str>) -> bool {
    const IRREGULAR: &[&str] = &[
        "people", "children", "men", "women", "police", "mice", "feet",
    ];
    word.is_some_and(|w| {
        IRREGULAR.contains(&w)
            || w.len() >= 4
                && w.ends_with('s')
                && !w.ends_with("ss")
                && !w.ends_with("us")
                && !w.ends_with("is")
                && !w.ends_with("'s")
                && !NOT_PLURAL.contains(&w)
    })
}

/// Whether the context wants a verb (an infinitive or a present tense).
fn wants_verb(c: &Context<'_>) -> bool {
    if is(c.prev, VERB_BEFORE) || is(c.prev, SUBJECTS) {
        return true;
    }
    if is(c.prev, ADVERBS) {
        return !is(c.prev2, BE) && !is(c.prev2, NOUN_BEFORE);
    }
    if c.prev.is_none() {
        return is(c.next, OBJECT_START);
    }
    plural_noun(c.prev) && c.next.is_some() && !is(c.prev2, PREPOSITIONS)
}

/// Words that place a sentence in the past.
#[rustfmt::skip]
pub(super) const PAST_CUES: &[&str] = &[
    "yesterday", "ago", "last", "earlier", "previously", "formerly",
];

/// Subjects of a third-person "lives" ("she lives").
#[rustfmt::skip]
const LIVES_SUBJECTS: &[&str] = &[
    "he", "she", "it", "who", "that", "which", "everyone", "someone",
];

/// Words before "wound" as the past of "wind" ("he wound", "had wound").
#[rustfmt::skip]
const WOUND_VERB_PREV: &[&str] = &[
    "he", "she", "they", "we", "i", "it", "who", "had", "has", "have",
];

/// Particles after "wound" as the past of "wind" ("wound up").
#[rustfmt::skip]
const WOUND_VERB_NEXT: &[&str] = &[
    "up", "down", "around", "round", "back", "through", "into", "tightly",
];

/// Adjectives before the noun "use" ("no use", "daily use").
#[rustfmt::skip]
const USE_NOUN_PREV: &[&str] = &["no", "good", "little", "full", "daily", "regular", "common"];

/// Degree words before the adjective "minute" ("very minute").
#[rustfmt::skip]
const MINUTE_DEGREE: &[&str] = &["very", "so", "too", "extremely", "quite", "relatively"];

/// Degree words before the adjective "content" ("perfectly content").
#[rustfmt::skip]
const CONTENT_DEGREE: &[&str] = &["perfectly", "quite", "very", "not", "more", "less"];

/// Nouns after the adjective "minute" ("minute details").
#[rustfmt::skip]
const MINUTE_TINY_NEXT: &[&str] = &[
    "amount", "amounts", "detail", "details", "quantity", "quantities", "particles", "traces",
    "fraction", "difference", "differences", "changes",
];

/// Perfect auxiliaries before the past participle "read".
#[rustfmt::skip]
const HAVE: &[&str] = &[
    "have", "has", "had", "having", "i've", "you've", "we've", "they've",
];

/// Words before "read" in the past tense ("he read", "already read").
#[rustfmt::skip]
const READ_PAST_PREV: &[&str] = &["already", "recently", "once", "he", "she", "it"];

/// Words before "lead" the metal at the end of a clause ("made of lead").
#[rustfmt::skip]
const METAL_PREV: &[&str] = &["of", "with", "contains", "contain", "containing", "from", "pure"];

/// The phonemes of `word` (lower-case) in its context, if it is a heteronym.
pub(super) fn choose(word: &str, c: &Context<'_>) -> Option<&'static str> {
    let e = table().get(word)?;
    let second = match e.rule {
        Rule::NounVerb => !is(c.prev, NOUN_BEFORE) && wants_verb(c),
        Rule::Read => read_is_past(c),
        Rule::Lead => lead_is_metal(c),
        Rule::Live => live_is_adjective(c),
        Rule::Lives => is(c.prev, LIVES_SUBJECTS) || is(c.prev, ADVERBS) || c.prev_is_name,
        Rule::Close => !close_is_verb(c),
        Rule::Wound => {
            !is(c.prev, NOUN_BEFORE)
                && (is(c.prev, WOUND_VERB_PREV)
                    || is(c.prev, BE)
                    || is(c.next, WOUND_VERB_NEXT)
                    || is(c.next, OBJECT_START))
        }
        Rule::Use => is(c.prev, NOUN_BEFORE) || c.next == Some("of") || is(c.prev, USE_NOUN_PREV),
        Rule::Minute => is(c.prev, BE) || is(c.prev, MINUTE_DEGREE) || is(c.next, MINUTE_TINY_NEXT),
        Rule::Content => {
            !is(c.prev, NOUN_BEFORE)
                && (is(c.prev, BE) || is(c.prev, CONTENT_DEGREE) || is(c.next, &["with", "to"]))
        }
    };
    Some(if second { e.second } else { e.first })
}

/// "read": past after "have", "was", "he"/"she" or a name, or with a past
/// time word; present after modals, "to", "I"/"we"/"you"/"they" and as an
/// imperative.
fn read_is_past(c: &Context<'_>) -> bool {
    if is(c.prev, VERB_BEFORE) || c.prev.is_none() || is(c.prev, NOUN_BEFORE) {
        return false;
    }
    if is(c.prev, HAVE) || is(c.prev, BE) || is(c.prev, READ_PAST_PREV) || c.past_cue {
        return true;
    }
    !(is(c.prev, SUBJECTS) || is(c.prev, ADVERBS))
}

/// "lead": the metal before "pipes", "paint"..., or after "of"/"are" at the
/// end of a clause.
fn lead_is_metal(c: &Context<'_>) -> bool {
    #[rustfmt::skip]
    const METAL_NEXT: &[&str] = &[
        "pipe", "pipes", "paint", "poisoning", "weight", "weights", "shot", "bullet", "bullets",
        "crystal", "levels", "level", "exposure", "dust", "sheet", "sheets", "roof", "acid",
        "oxide", "mine", "mines", "ore", "glass", "free", "piping", "apron", "contamination",
        "pencil", "soldier", "soldiers", "balloon",
    ];
    is(c.next, METAL_NEXT)
        || (is(c.prev, METAL_PREV) || is(c.prev, BE))
            && (c.next.is_none() || is(c.next, &["and", "or", "but"]))
}

/// "live": the adjective before a broadcast word, after a determiner, or
/// after "played", "went", "is"...
fn live_is_adjective(c: &Context<'_>) -> bool {
    #[rustfmt::skip]
    const ADJ_AFTER: &[&str] = &[
        "played", "play", "plays", "playing", "broadcast", "broadcasts", "streamed", "stream",
        "streaming", "go", "goes", "going", "went", "gone", "aired", "performed", "perform",
        "performing", "sang", "sing", "sung", "shown", "filmed", "televised", "watch", "watched",
        "watching",
    ];
    #[rustfmt::skip]
    const ADJ_BEFORE: &[&str] = &[
        "music", "broadcast", "broadcasts", "show", "shows", "stream", "streams", "audience",
        "performance", "performances", "wire", "wires", "bait", "ammunition", "recording",
        "recordings", "coverage", "concert", "concerts", "event", "events", "updates", "update",
        "album", "version", "feed", "television", "tv", "radio", "animals", "animal", "action",
        "chat", "demo",
    ];
    if is(c.prev, VERB_BEFORE) || is(c.prev, SUBJECTS) {
        return false;
    }
    is(c.prev, NOUN_BEFORE) && c.next.is_some()
        || is(c.prev, ADJ_AFTER)
        || is(c.prev, BE)
        || is(c.next, ADJ_BEFORE)
}

/// "close": the verb unless something marks the adjective ("close to",
/// "very close", "a close friend").
fn close_is_verb(c: &Context<'_>) -> bool {
    #[rustfmt::skip]
    const ADJ_NEXT: &[&str] = &[
        "to", "together", "by", "enough", "behind", "friend", "friends", "call", "calls", "look",
        "relative", "relatives", "contact", "attention", "second", "race", "range", "shave",
        "family", "ties", "relationship", "match", "game", "vote", "eye",
    ];
    #[rustfmt::skip]
    const ADJ_PREV: &[&str] = &[
        "very", "so", "too", "quite", "pretty", "really", "fairly", "extremely", "rather", "as",
        "get", "gets", "got", "getting", "come", "came", "stand", "stood", "keep", "kept", "hold",
        "held", "a", "an",
    ];
    if is(c.next, ADJ_NEXT) || is(c.prev, ADJ_PREV) || is(c.prev, BE) {
        return false;
    }
    if c.prev == Some("the") {
        // "the close of trading"
        return c.next == Some("of");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(prev: Option<&'a str>, next: Option<&'a str>) -> Context<'a> {
        Context {
            prev,
            next,
            ..Context::default()
        }
    }

    #[test]
    fn table_is_complete() {
        let t = table();
        let rows = DATA
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(t.len(), rows, "every row parses");
        assert!(t.values().all(|e| e.first != e.second));
    }

    #[test]
    fn readings_from_context() {
        let cases: &[(&str, Option<&str>, Option<&str>, &str)] = &[
            ("record", Some("to"), Some("a"), "ɹᵻkˈoːɹd"),
            ("record", Some("world"), Some("in"), "ɹˈɛkɚd"),
            ("record", Some("the"), None, "ɹˈɛkɚd"),
            ("present", Some("will"), Some("her"), "pɹɪzˈɛnt"),
            ("object", Some("i"), Some("to"), "əbdʒˈɛkt"),
            ("excuse", None, Some("me"), "ɛkskjˈuːz"),
            ("house", Some("glass"), None, "hˈaʊs"),
            ("read", None, Some("the"), "ɹˈiːd"),
            ("read", Some("have"), Some("it"), "ɹˈɛd"),
            ("lead", Some("you"), Some("the"), "lˈiːd"),
            ("lead", None, Some("pipes"), "lˈɛd"),
            ("live", Some("they"), Some("here"), "lˈɪv"),
            ("live", Some("a"), Some("show"), "lˈaɪv"),
            ("close", None, Some("the"), "klˈoʊz"),
            ("close", Some("very"), Some("to"), "klˈoʊs"),
            ("wind", Some("the"), Some("blew"), "wˈɪnd"),
            ("wind", Some("to"), Some("the"), "wˈaɪnd"),
            ("use", Some("no"), Some("in"), "jˈuːs"),
            ("use", Some("can"), Some("my"), "jˈuːz"),
        ];
        for (word, prev, next, want) in cases {
            assert_eq!(choose(word, &ctx(*prev, *next)), Some(*want), "{word}");
        }
        assert_eq!(choose("hello", &ctx(None, None)), None);
    }
}
