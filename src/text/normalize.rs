//! English text normalization: rewrites numbers, currency, dates, times,
//! units, abbreviations, acronyms, Roman numerals, URLs, e-mail addresses,
//! symbols and markdown into their spoken form.

mod numbers;

use numbers::{
    MAX_CARDINAL_DIGITS, cardinal, cardinal_str, digit_by_digit, fraction_denominator, ordinal,
    phone_group, pluralize_number_words, year,
};

/// Output item: a word or a punctuation mark.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Word(String),
    Punct(char),
}

struct Out {
    items: Vec<Item>,
}

fn punct_strength(c: char) -> u8 {
    match c {
        '.' | '?' | '!' | '…' => 3,
        ';' | ':' => 2,
        _ => 1,
    }
}

impl Out {
    fn word(&mut self, w: &str) {
        for part in w.split_whitespace() {
            if part == "," {
                self.punct(',');
            } else {
                self.items.push(Item::Word(part.to_string()));
            }
        }
    }
    fn punct(&mut self, c: char) {
        match self.items.last_mut() {
            None => {}
            Some(Item::Punct(p)) if punct_strength(c) > punct_strength(*p) => *p = c,
            Some(Item::Punct(_)) => {}
            Some(Item::Word(_)) => self.items.push(Item::Punct(c)),
        }
    }
    fn render(self) -> String {
        let mut s = String::new();
        for it in self.items {
            match it {
                Item::Word(w) => {
                    if !s.is_empty() {
                        s.push(' ');
                    }
                    s.push_str(&w);
                }
                Item::Punct('…') => s.push_str("..."),
                Item::Punct(c) => s.push(c),
            }
        }
        s
    }
}

// ---------------------------------------------------------------- tables

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_abbrev(w: &str) -> Option<&'static str> {
    let i = match w.to_ascii_lowercase().as_str() {
        "jan" => 0,
        "feb" => 1,
        "mar" => 2,
        "apr" => 3,
        "jun" => 5,
        "jul" => 6,
        "aug" => 7,
        "sep" | "sept" => 8,
        "oct" => 9,
        "nov" => 10,
        "dec" => 11,
        _ => return None,
    };
    MONTHS.get(i).copied()
}

fn is_month_word(w: &str) -> bool {
    let t = w.trim_end_matches('.');
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(t)) || month_abbrev(t).is_some()
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Capitalized weekday abbreviation (without period) → full name.
fn weekday_abbrev(w: &str) -> Option<&'static str> {
    let i = match w {
        "Mon" => 0,
        "Tue" | "Tues" => 1,
        "Wed" => 2,
        "Thu" | "Thur" | "Thurs" => 3,
        "Fri" => 4,
        "Sat" => 5,
        "Sun" => 6,
        _ => return None,
    };
    WEEKDAYS.get(i).copied()
}

/// A weekday or month name, full or abbreviated, as a raw token.
fn is_calendar_word(tok: &str) -> bool {
    let c = split_token(tok).0.trim_end_matches('.');
    is_month_word(c)
        || weekday_abbrev(c).is_some()
        || WEEKDAYS.iter().any(|d| d.eq_ignore_ascii_case(c))
}

/// Whether the token after an abbreviation's period continues the sentence:
/// a lowercase word, a number, punctuation, or a month/weekday name ("May"
/// excepted: "… St. May I help?").
fn continues_sentence(next: Option<&str>) -> bool {
    next.is_some_and(|n| !starts_upper(n) || (is_calendar_word(n) && split_token(n).0 != "May"))
}

/// A raw token whose core starts with a digit (or a currency sign and a digit).
fn is_numeric_token(tok: Option<&str>) -> bool {
    tok.is_some_and(|t| {
        let c = split_token(t).0;
        let c = c
            .strip_prefix(|ch: char| currency(ch).is_some())
            .unwrap_or(c);
        c.starts_with(|ch: char| ch.is_ascii_digit())
    })
}

/// Weekday abbreviation in a date or time context: "Mon." (always when it has
/// a period, except "Sun."), "Sat., Mar. 8", "Sun 5pm", "Fri, Jan 3". "the Sun."
/// and "Sun Valley" stay as they are.
fn weekday_in_context(
    bare: &str,
    trail: &str,
    has_dot: bool,
    prev2: Option<&str>,
    prev: Option<&str>,
    next: Option<&str>,
) -> Option<&'static str> {
    let day = weekday_abbrev(bare)?;
    if has_dot && bare != "Sun" {
        return Some(day);
    }
    let prev_core = prev.map(|p| split_token(p).0).unwrap_or("");
    let next_ctx = is_numeric_token(next) || next.is_some_and(is_calendar_word);
    if !has_dot {
        // "Mon 9am", "Fri, Jan 3" but not "Sun Microsystems", "The Sun, a paper".
        return next_ctx.then_some(day);
    }
    let date_ctx = next_ctx
        || trail.contains(',')
        || prev.is_some_and(is_calendar_word)
        || prev_core.ends_with(|c: char| c.is_ascii_digit())
        || ampm(prev_core).is_some();
    let word_ctx = match prev_core.to_ascii_lowercase().as_str() {
        "through" | "thru" | "to" | "until" | "till" | "from" | "on" | "every" | "next"
        | "last" | "this" | "-" => true,
        "and" | "or" => prev2.is_some_and(is_calendar_word),
        _ => false,
    };
    (date_ctx || word_ctx).then_some(day)
}

/// Abbreviations expanded only before a number: "p. 5", "pp. 10-12", "est. 1926".
fn before_number_abbrev(bare: &str, next: Option<&str>) -> Option<&'static str> {
    if !is_numeric_token(next) {
        return None;
    }
    let year_next = next
        .map(|n| split_token(n).0)
        .and_then(parse_u64)
        .is_some_and(|y| (1000..=2099).contains(&y));
    Some(match bare {
        "p" | "pg" => "page",
        "pp" | "pgs" => "pages",
        "apt" => "apartment",
        "est" if year_next => "established",
        "Est" if year_next => "Established",
        "est" => "estimated",
        "Est" => "Estimated",
        _ => return None,
    })
}

/// Abbreviations that always expand the same way: (abbrev without period, expansion,
/// may end a sentence).
fn simple_abbrev(w: &str) -> Option<(&'static str, bool)> {
    Some(match w {
        "Mr" => ("Mister", false),
        "Mrs" => ("Missus", false),
        "Ms" => ("Miz", false),
        "Prof" => ("Professor", false),
        "Col" => ("Colonel", false),
        "Gen" => ("General", false),
        "Capt" => ("Captain", false),
        "Lt" => ("Lieutenant", false),
        "Sgt" => ("Sergeant", false),
        "Rev" => ("Reverend", false),
        "Hon" => ("Honorable", false),
        "Sen" => ("Senator", false),
        "Rep" => ("Representative", false),
        "Gov" => ("Governor", false),
        "Pres" => ("President", false),
        "Mt" => ("Mount", false),
        "Jr" => ("Junior", true),
        "Sr" => ("Senior", true),
        "Ave" => ("Avenue", true),
        "Blvd" => ("Boulevard", true),
        "Rd" => ("Road", true),
        "Ln" => ("Lane", true),
        "Hwy" => ("Highway", true),
        "Inc" => ("Incorporated", true),
        "Ltd" => ("Limited", true),
        "Corp" => ("Corporation", true),
        "Dept" => ("Department", true),
        "dept" => ("department", true),
        "Apt" => ("Apartment", false),
        "ext" => ("extension", false),
        "Ext" => ("Extension", false),
        "Univ" => ("University", true),
        "vs" => ("versus", false),
        "etc" => ("et cetera", true),
        "approx" => ("approximately", false),
        "Fig" | "fig" => ("figure", false),
        "Vol" | "vol" => ("volume", false),
        "Ch" | "ch" => ("chapter", false),
        _ => return None,
    })
}

/// Units: (abbreviation, singular, plural).
const UNITS: &[(&str, &str, &str)] = &[
    ("km", "kilometer", "kilometers"),
    ("m", "meter", "meters"),
    ("cm", "centimeter", "centimeters"),
    ("mm", "millimeter", "millimeters"),
    ("kg", "kilogram", "kilograms"),
    ("g", "gram", "grams"),
    ("mg", "milligram", "milligrams"),
    ("lb", "pound", "pounds"),
    ("lbs", "pound", "pounds"),
    ("oz", "ounce", "ounces"),
    ("ft", "foot", "feet"),
    ("yd", "yard", "yards"),
    ("mi", "mile", "miles"),
    ("mph", "mile per hour", "miles per hour"),
    ("km/h", "kilometer per hour", "kilometers per hour"),
    ("kph", "kilometer per hour", "kilometers per hour"),
    ("m/s", "meter per second", "meters per second"),
    ("l", "liter", "liters"),
    ("L", "liter", "liters"),
    ("ml", "milliliter", "milliliters"),
    ("mL", "milliliter", "milliliters"),
    ("gal", "gallon", "gallons"),
    ("h", "hour", "hours"),
    ("hr", "hour", "hours"),
    ("hrs", "hour", "hours"),
    ("min", "minute", "minutes"),
    ("mins", "minute", "minutes"),
    ("s", "second", "seconds"),
    ("sec", "second", "seconds"),
    ("ms", "millisecond", "milliseconds"),
    ("KB", "kilobyte", "kilobytes"),
    ("kB", "kilobyte", "kilobytes"),
    ("MB", "megabyte", "megabytes"),
    ("GB", "gigabyte", "gigabytes"),
    ("TB", "terabyte", "terabytes"),
    ("kbps", "kilobit per second", "kilobits per second"),
    ("Kbps", "kilobit per second", "kilobits per second"),
    ("Mbps", "megabit per second", "megabits per second"),
    ("Gbps", "gigabit per second", "gigabits per second"),
    ("Tbps", "terabit per second", "terabits per second"),
    ("Mb/s", "megabit per second", "megabits per second"),
    ("Gb/s", "gigabit per second", "gigabits per second"),
    ("MB/s", "megabyte per second", "megabytes per second"),
    ("Hz", "hertz", "hertz"),
    ("kHz", "kilohertz", "kilohertz"),
    ("MHz", "megahertz", "megahertz"),
    ("GHz", "gigahertz", "gigahertz"),
    ("W", "watt", "watts"),
    ("kW", "kilowatt", "kilowatts"),
    ("kWh", "kilowatt hour", "kilowatt hours"),
    ("V", "volt", "volts"),
    ("mAh", "milliamp hour", "milliamp hours"),
    ("dB", "decibel", "decibels"),
    ("ha", "hectare", "hectares"),
    ("px", "pixel", "pixels"),
    ("tsp", "teaspoon", "teaspoons"),
    ("tbsp", "tablespoon", "tablespoons"),
    ("km²", "square kilometer", "square kilometers"),
    ("m²", "square meter", "square meters"),
    ("°C", "degree Celsius", "degrees Celsius"),
    ("°F", "degree Fahrenheit", "degrees Fahrenheit"),
    ("°", "degree", "degrees"),
    ("℃", "degree Celsius", "degrees Celsius"),
    ("℉", "degree Fahrenheit", "degrees Fahrenheit"),
];

/// Units accepted as a separate following token (unambiguous ones only).
fn unit_lookup(s: &str, separate: bool) -> Option<(&'static str, &'static str)> {
    if separate && matches!(s, "s" | "h" | "l" | "W" | "V" | "ha") {
        return None;
    }
    UNITS
        .iter()
        .find(|(a, _, _)| *a == s)
        .map(|(_, sg, pl)| (*sg, *pl))
}

/// Acronyms read as words rather than spelled out.
const PRONOUNCEABLE: &[&str] = &[
    "NASA", "NATO", "UNESCO", "UNICEF", "OPEC", "FIFA", "NAFTA", "AIDS", "LASER", "RADAR", "SCUBA",
    "GIF", "COVID", "PIN", "SIM", "SWAT", "NASDAQ", "IKEA", "LEGO", "ZIP", "OSHA", "FEMA", "DARPA",
    "INTERPOL", "UNIX", "LINUX", "SARS", "ASEAN", "ESA", "NOAA", "POTUS", "SCOTUS", "WASP", "YOLO",
    "EMOJI", "CAPTCHA", "NIMBY",
];

/// Short all-caps words that are ordinary words when shouted.
const SHOUTED_WORDS: &[&str] = &[
    "THE",
    "AND",
    "YOU",
    "FOR",
    "ARE",
    "NOT",
    "BUT",
    "WAS",
    "ALL",
    "CAN",
    "HER",
    "HIS",
    "ONE",
    "OUR",
    "OUT",
    "GET",
    "HAS",
    "HIM",
    "HOW",
    "ITS",
    "MAY",
    "NEW",
    "NOW",
    "OLD",
    "SEE",
    "TWO",
    "WAY",
    "WHO",
    "DID",
    "LET",
    "PUT",
    "SAY",
    "SHE",
    "TOO",
    "USE",
    "YES",
    "NO",
    "GO",
    "OF",
    "TO",
    "IN",
    "ON",
    "AT",
    "BY",
    "OR",
    "IS",
    "BE",
    "DO",
    "WE",
    "HE",
    "ME",
    "MY",
    "SO",
    "UP",
    "STOP",
    "HELP",
    "WHY",
    "BIG",
    "BAD",
    "HOT",
    "FREE",
    "SALE",
    "NOTE",
    "WARNING",
    "ATTENTION",
];

const CHAPTER_WORDS: &[&str] = &[
    "chapter", "part", "volume", "vol", "book", "act", "scene", "section", "article", "psalm",
    "phase", "stage", "level", "round", "war", "episode", "season", "appendix", "unit", "title",
    "class", "type", "grade", "schedule",
];

// ---------------------------------------------------------------- helpers

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '«' | '“' | '‘' | '¿' | '¡'
    )
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '»' | '”' | '’')
}

fn is_trailing_punct(c: char) -> bool {
    is_closer(c) || matches!(c, ',' | ';' | ':' | '!' | '?' | '.' | '…')
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_u64(s: &str) -> Option<u64> {
    if !all_digits(s) || s.len() > MAX_CARDINAL_DIGITS {
        return None;
    }
    s.parse().ok()
}

fn starts_upper(s: &str) -> bool {
    s.trim_start_matches(is_opener)
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

fn is_capitalized_word(s: &str) -> bool {
    let t = s
        .trim_start_matches(is_opener)
        .trim_end_matches(is_trailing_punct);
    let mut cs = t.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(|c| c.is_alphabetic() || c == '\'')
}

/// Splits a raw token into (core, trailing punctuation).
fn split_token(raw: &str) -> (&str, &str) {
    let t = raw.trim_start_matches(is_opener);
    let core = t.trim_end_matches(is_trailing_punct);
    // Keep "%"/"°" etc. in the core; they are not trailing punct.
    let trail = t.get(core.len()..).unwrap_or("");
    (core, trail)
}

/// The punctuation mark to emit for a trailing run (`None` for quotes only).
fn trail_punct(trail: &str) -> Option<char> {
    if trail.contains('?') {
        Some('?')
    } else if trail.contains('!') {
        Some('!')
    } else if trail.contains("..") || trail.contains('…') {
        Some('…')
    } else if trail.contains('.') {
        Some('.')
    } else if trail.contains(';') {
        Some(';')
    } else if trail.contains(':') {
        Some(':')
    } else if trail.contains(',') {
        Some(',')
    } else {
        None
    }
}

fn spell_letters(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| {
            if c.is_ascii_digit() {
                digit_by_digit(&c.to_string(), "zero")
            } else {
                c.to_ascii_uppercase().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- preprocessing

/// Markdown, dashes and parentheses. Linear time.
fn preprocess(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).copied();
    let mut s = String::with_capacity(text.len() + 16);
    let mut i = 0;
    // Look-ahead for "](" closing of markdown links is bounded.
    const LINK_LOOKAHEAD: usize = 300;
    while i < n {
        let Some(c) = at(i) else { break };
        let prev = if i > 0 { at(i - 1) } else { None };
        let next = at(i + 1);
        let at_start = prev.is_none_or(char::is_whitespace);
        match c {
            '!' if next == Some('[') => {
                // image: drop the '!' and let the link rule handle the rest
                i += 1;
                continue;
            }
            '[' => {
                // [text](url) -> text
                let mut j = i + 1;
                let limit = (i + LINK_LOOKAHEAD).min(n);
                while j < limit && at(j) != Some(']') && at(j) != Some('[') {
                    j += 1;
                }
                if at(j) == Some(']') && at(j + 1) == Some('(') {
                    let mut k = j + 2;
                    let limit = (j + 2 + LINK_LOOKAHEAD).min(n);
                    while k < limit && at(k) != Some(')') && !at(k).is_some_and(char::is_whitespace)
                    {
                        k += 1;
                    }
                    if at(k) == Some(')') {
                        s.extend(chars.get(i + 1..j).unwrap_or(&[]));
                        i = k + 1;
                        continue;
                    }
                }
                s.push_str(" , ");
            }
            ']' => s.push_str(" , "),
            '(' => {
                // keep "(555)" area codes
                let area = (1..=3).all(|k| at(i + k).is_some_and(|d| d.is_ascii_digit()))
                    && at(i + 4) == Some(')');
                if area {
                    s.push('(');
                } else {
                    s.push_str(" , ");
                }
            }
            ')' => {
                let area = i >= 4
                    && (1..=3).all(|k| at(i - k).is_some_and(|d| d.is_ascii_digit()))
                    && at(i - 4) == Some('(');
                if area {
                    s.push(')');
                } else {
                    s.push_str(" , ");
                }
            }
            '`' | '*' | '~' => s.push(' '),
            '_' => {
                if at_start || next.is_none_or(|c| c.is_whitespace() || is_trailing_punct(c)) {
                    s.push(' ');
                } else {
                    s.push('_');
                }
            }
            '#' if at_start && matches!(next, Some('#') | Some(' ') | None) => {
                // markdown header marker
                while at(i) == Some('#') {
                    i += 1;
                }
                s.push(' ');
                continue;
            }
            '>' if i == 0 || (at_start && next == Some(' ') && prev.is_none()) => s.push(' '),
            '—' | '―' => s.push_str(" , "),
            '–' => {
                let digits_around = prev.is_some_and(|c| c.is_ascii_digit())
                    && next.is_some_and(|c| c.is_ascii_digit());
                if digits_around {
                    s.push('-');
                } else {
                    s.push_str(" , ");
                }
            }
            '-' => {
                let spaced = at_start && next.is_none_or(char::is_whitespace);
                let double = next == Some('-');
                if double {
                    s.push_str(" , ");
                    while at(i) == Some('-') {
                        i += 1;
                    }
                    continue;
                } else if spaced {
                    // list bullet at the very start or a spaced dash
                    if s.trim().is_empty() {
                        s.push(' ');
                    } else {
                        s.push_str(" , ");
                    }
                } else {
                    s.push('-');
                }
            }
            '|' => s.push_str(" , "),
            _ => s.push(c),
        }
        i += 1;
    }
    s
}

// ---------------------------------------------------------------- numbers

struct Num<'a> {
    neg: bool,
    int: String,
    frac: Option<&'a str>,
    commas: bool,
}

/// Parses a leading number: optional sign, digits with optional thousands
/// separators, optional decimal part. Returns the number and the rest.
fn parse_num(s: &str) -> Option<(Num<'_>, &str)> {
    let (neg, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(b) if b.starts_with(|c: char| c.is_ascii_digit() || c == '.') => (true, b),
        _ => (false, s),
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut int = String::new();
    let mut commas = false;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if b.is_ascii_digit() {
            int.push(b as char);
            i += 1;
        } else if b == b','
            && !int.is_empty()
            && bytes
                .get(i + 1..i + 4)
                .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            commas = true;
            i += 1;
        } else {
            break;
        }
    }
    let mut frac = None;
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        let start = i + 1;
        let mut j = start;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        frac = body.get(start..j);
        i = j;
    }
    if int.is_empty() && frac.is_none() {
        return None;
    }
    let rest = body.get(i..).unwrap_or("");
    Some((
        Num {
            neg,
            int,
            frac,
            commas,
        },
        rest,
    ))
}

fn read_num(n: &Num<'_>) -> String {
    let mut s = String::new();
    if n.neg {
        s.push_str("minus ");
    }
    if n.int.is_empty() {
        s.push_str("zero");
    } else {
        s.push_str(&cardinal_str(&n.int));
    }
    if let Some(f) = n.frac {
        s.push_str(" point ");
        s.push_str(&digit_by_digit(f, "zero"));
    }
    s
}

fn is_one(n: &Num<'_>) -> bool {
    n.int == "1" && n.frac.is_none()
}

fn scale_word(s: &str) -> Option<&'static str> {
    Some(match s {
        "k" | "K" | "thousand" => "thousand",
        "m" | "M" | "mn" | "million" => "million",
        "b" | "B" | "bn" | "billion" => "billion",
        "t" | "T" | "tn" | "trillion" => "trillion",
        _ => return None,
    })
}

/// Currency: symbol → (singular, plural, cent singular, cent plural).
fn currency(sym: char) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match sym {
        '$' => ("dollar", "dollars", "cent", "cents"),
        '€' => ("euro", "euros", "cent", "cents"),
        '£' => ("pound", "pounds", "penny", "pence"),
        '¥' => ("yen", "yen", "", ""),
        '₹' => ("rupee", "rupees", "paisa", "paise"),
        _ => return None,
    })
}

fn read_money(sym: char, amount: &str, next: Option<&str>) -> Option<(String, usize)> {
    let (names_one, names_many, cent_one, cent_many) = currency(sym)?;
    let (num, rest) = parse_num(amount)?;
    // scale suffix attached ("$5m", "$2.5bn") or as next token ("$5 million")
    let (scale, used) = if let Some(sc) = scale_word(rest) {
        (Some(sc), 0)
    } else if let Some(sc) = next
        .map(|n| split_token(n).0)
        .filter(|n| matches!(*n, "thousand" | "million" | "billion" | "trillion"))
        .and_then(scale_word)
    {
        (Some(sc), 1)
    } else {
        (None, 0)
    };
    if !rest.is_empty() && scale.is_none() {
        return None;
    }
    let mut s = String::new();
    if num.neg {
        s.push_str("minus ");
    }
    if let Some(sc) = scale {
        let n = Num {
            neg: false,
            int: num.int.clone(),
            frac: num.frac,
            commas: num.commas,
        };
        s.push_str(&format!("{} {} {}", read_num(&n), sc, names_many));
        return Some((s, used));
    }
    let whole = if num.int.is_empty() {
        "0"
    } else {
        num.int.as_str()
    };
    let cents = num.frac.filter(|f| f.len() == 2 && !cent_one.is_empty());
    match (num.frac, cents) {
        (Some(_), Some(c)) => {
            let c_val = parse_u64(c).unwrap_or(0);
            let w_val = parse_u64(whole);
            if w_val != Some(0) {
                s.push_str(&cardinal_str(whole));
                s.push(' ');
                s.push_str(if w_val == Some(1) {
                    names_one
                } else {
                    names_many
                });
                if c_val > 0 {
                    s.push_str(" and ");
                }
            }
            if c_val > 0 || w_val == Some(0) {
                s.push_str(&cardinal(c_val));
                s.push(' ');
                s.push_str(if c_val == 1 { cent_one } else { cent_many });
            }
        }
        (Some(_), None) => {
            s.push_str(&read_num(&Num {
                neg: false,
                int: whole.to_string(),
                frac: num.frac,
                commas: false,
            }));
            s.push(' ');
            s.push_str(names_many);
        }
        (None, _) => {
            s.push_str(&cardinal_str(whole));
            s.push(' ');
            s.push_str(if whole == "1" { names_one } else { names_many });
        }
    }
    Some((s, used))
}

/// Phone numbers: 555-123-4567, (555) 123-4567, +1 555 123 4567 style groups.
fn read_phone(core: &str, next: Option<&str>) -> Option<(String, usize)> {
    let mut text = core.to_string();
    let mut used = 0;
    // "(555)" + "123-4567"
    if core.len() == 5 && core.starts_with('(') && core.ends_with(')') {
        let nx = next.map(|n| split_token(n).0)?;
        text = format!("{core} {nx}");
        used = 1;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '(' | ')' | ' ' | '+'))
    {
        return None;
    }
    let groups: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let plus = text.starts_with('+');
    let ok = match sizes.as_slice() {
        [3, 3, 4] => text.contains(['-', '(', ')']) || text.matches('.').count() == 2,
        [1, 3, 3, 4] | [2, 3, 3, 4] => true,
        [3, 4] => text.contains('-') && used == 0 && !text.starts_with('0'),
        _ => false,
    };
    if !ok {
        return None;
    }
    // The area code is the first 3-digit group of a 10-digit number.
    let area = match sizes.as_slice() {
        [3, 3, 4] => Some(0),
        [1, 3, 3, 4] | [2, 3, 3, 4] => Some(1),
        _ => None,
    };
    let mut parts: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(k, g)| phone_group(g, area == Some(k)))
        .collect();
    if plus && let Some(first) = parts.first_mut() {
        *first = format!("plus {first}");
    }
    Some((parts.join(" , "), used))
}

fn read_time(h: u64, m: u64, sec: Option<u64>, suffix: Option<&str>) -> Option<String> {
    if h > 24 || m > 59 || sec.is_some_and(|s| s > 59) {
        return None;
    }
    let mut s = if h == 0 && suffix.is_none() {
        "zero".to_string()
    } else if h == 0 {
        "twelve".to_string()
    } else {
        cardinal(h)
    };
    if m == 0 {
        if suffix.is_none() && sec.is_none() {
            if h <= 12 && h > 0 {
                s.push_str(" o'clock");
            } else {
                s.push_str(" hundred");
            }
        }
    } else if m < 10 {
        s.push_str(" oh ");
        s.push_str(&cardinal(m));
    } else {
        s.push(' ');
        s.push_str(&cardinal(m));
    }
    if let Some(sec) = sec {
        s.push_str(" and ");
        s.push_str(&cardinal(sec));
        s.push_str(if sec == 1 { " second" } else { " seconds" });
    }
    if let Some(suf) = suffix {
        s.push(' ');
        s.push_str(suf);
    }
    Some(s)
}

/// "am"/"pm" style suffix → spoken letters.
fn ampm(s: &str) -> Option<&'static str> {
    match s.to_ascii_lowercase().trim_end_matches('.') {
        "am" | "a.m" => Some("A M"),
        "pm" | "p.m" => Some("P M"),
        _ => None,
    }
}

fn read_date(y: u64, m: u64, d: u64) -> Option<String> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let month = MONTHS.get((m - 1) as usize)?;
    Some(format!("{} {} , {}", month, ordinal(d), year(y)))
}

/// Numbers and everything containing digits. Returns words and the number of
/// following tokens consumed.
fn number_token(
    core: &str,
    prev: Option<&str>,
    next: Option<&str>,
    depth: u8,
) -> Option<(String, usize)> {
    if depth > 3 {
        return Some((spell_letters(core), 0));
    }
    // Currency prefix (optionally after a minus sign).
    let (neg_cur, cur_body) = match core.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, core),
    };
    if let Some(sym) = cur_body.chars().next().filter(|c| currency(*c).is_some()) {
        let amount = cur_body.get(sym.len_utf8()..).unwrap_or("");
        if let Some((s, used)) = read_money(sym, amount, next) {
            return Some((if neg_cur { format!("minus {s}") } else { s }, used));
        }
    }
    // Currency suffix ("5€").
    if let Some(sym) = core.chars().last().filter(|c| currency(*c).is_some()) {
        let amount = core.get(..core.len() - sym.len_utf8()).unwrap_or("");
        if let Some((s, used)) = read_money(sym, amount, next) {
            return Some((s, used));
        }
    }
    if let Some(r) = read_phone(core, next) {
        return Some(r);
    }
    // "#1" -> "number one"
    if let Some(rest) = core.strip_prefix('#')
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        let (w, used) = number_token(rest, None, next, depth + 1)?;
        return Some((format!("number {w}"), used));
    }
    // Letters first ("COVID-19", "MP3", "A4"): letters and digits separately.
    if core.starts_with(|c: char| c.is_alphabetic()) {
        let split = core
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(core.len());
        let (head, tail) = core.split_at(split);
        let head_words = word_token(
            head.trim_end_matches(['-', '_', '.']),
            prev,
            None,
            depth + 1,
        );
        let (tail_words, used) = if tail.is_empty() {
            (String::new(), 0)
        } else {
            number_token(tail, None, next, depth + 1)?
        };
        return Some((
            format!("{head_words} {tail_words}").trim().to_string(),
            used,
        ));
    }
    // Cents sign.
    if let Some(amount) = core.strip_suffix('¢')
        && let Some(v) = parse_u64(amount)
    {
        return Some((
            format!("{} {}", cardinal(v), if v == 1 { "cent" } else { "cents" }),
            0,
        ));
    }
    // Ranges of numbers / amounts / times: "5-10", "$5-$10", "9am-5pm".
    if depth < 3
        && let Some((a, b)) = core.split_once(['-', '–'])
        && a.starts_with(|c: char| c.is_ascii_digit() || currency(c).is_some())
        && b.starts_with(|c: char| c.is_ascii_digit() || currency(c).is_some())
        && !all_digits(b)
        && a.chars()
            .any(|c| c.is_ascii_alphabetic() || currency(c).is_some())
    {
        let (wa, _) = number_token(a, prev, None, depth + 1)?;
        let (wb, used) = number_token(b, None, next, depth + 1)?;
        return Some((format!("{wa} to {wb}"), used));
    }
    // ISO date 2024-01-03.
    let dash_parts: Vec<&str> = core.split('-').collect();
    if let [y, m, d] = dash_parts.as_slice()
        && y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && let (Some(y), Some(m), Some(d)) = (parse_u64(y), parse_u64(m), parse_u64(d))
        && let Some(s) = read_date(y, m, d)
    {
        return Some((s, 0));
    }
    // Slashed dates 1/3/2024 (US order; day first when the first part > 12).
    let slash_parts: Vec<&str> = core.split('/').collect();
    if let [a, b, c] = slash_parts.as_slice()
        && let (Some(a), Some(b), Some(c)) = (parse_u64(a), parse_u64(b), parse_u64(c))
    {
        let y = if c < 100 { 2000 + c } else { c };
        let (m, d) = if a > 12 { (b, a) } else { (a, b) };
        if let Some(s) = read_date(y, m, d) {
            return Some((s, 0));
        }
    }
    // Times 7:30, 19:45:10, 7:30pm.
    let colon_parts: Vec<&str> = core.split(':').collect();
    if colon_parts.len() == 2 || colon_parts.len() == 3 {
        let h = colon_parts.first().and_then(|h| parse_u64(h));
        let last = colon_parts.last().copied().unwrap_or("");
        let digits_end = last
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(last.len());
        let (last_digits, suffix) = last.split_at(digits_end);
        let attached = ampm(suffix);
        if let Some(h) = h
            && last_digits.len() == 2
            && (suffix.is_empty() || attached.is_some())
        {
            let m_str = if colon_parts.len() == 2 {
                last_digits
            } else {
                colon_parts.get(1).copied().unwrap_or("")
            };
            let sec = if colon_parts.len() == 3 {
                parse_u64(last_digits)
            } else {
                None
            };
            if let Some(m) = parse_u64(m_str).filter(|_| m_str.len() == 2) {
                let (suf, used) = match attached {
                    Some(a) => (Some(a), 0),
                    None => match next.map(|n| split_token(n).0).and_then(ampm) {
                        Some(a) => (Some(a), 1),
                        None => (None, 0),
                    },
                };
                if let Some(s) = read_time(h, m, sec, suf) {
                    return Some((s, used));
                }
            }
        }
    }
    let (num, rest) = parse_num(core)?;
    let simple_int = !num.neg && num.frac.is_none() && !num.commas;
    let int_val = parse_u64(&num.int);
    let plural = !is_one(&num);
    // Plain number (maybe followed by a unit token, or after a month name).
    if rest.is_empty() {
        if let Some(nx) = next {
            let nx_core = split_token(nx).0;
            if let Some((sg, pl)) = unit_lookup(nx_core, true) {
                return Some((
                    format!("{} {}", read_num(&num), if plural { pl } else { sg }),
                    1,
                ));
            }
            if let (Some(a), true) = (ampm(nx_core), simple_int)
                && let Some(h) = int_val.filter(|h| (1..=12).contains(h))
            {
                return Some((format!("{} {}", cardinal(h), a), 1));
            }
        }
        if simple_int
            && prev.is_some_and(is_month_word)
            && let Some(d) = int_val.filter(|d| (1..=31).contains(d))
        {
            return Some((ordinal(d), 0));
        }
        if simple_int
            && num.int.len() == 4
            && let Some(y) = int_val.filter(|y| (1100..=2099).contains(y))
        {
            return Some((year(y), 0));
        }
        return Some((read_num(&num), 0));
    }
    let lower = rest.to_ascii_lowercase();
    if rest == "%" || rest == "％" {
        return Some((format!("{} percent", read_num(&num)), 0));
    }
    if simple_int
        && matches!(lower.as_str(), "st" | "nd" | "rd" | "th")
        && let Some(v) = int_val
    {
        return Some((ordinal(v), 0));
    }
    // "1st-class", "3rd-party"
    if simple_int
        && let Some(v) = int_val
        && let Some((suffix, tail)) = lower.split_once('-')
        && matches!(suffix, "st" | "nd" | "rd" | "th")
    {
        let tail_orig = rest.get(suffix.len() + 1..).unwrap_or(tail);
        return Some((
            format!(
                "{} {}",
                ordinal(v),
                word_token(tail_orig, None, None, depth + 1)
            ),
            0,
        ));
    }
    if simple_int && matches!(lower.as_str(), "s" | "'s" | "’s") {
        // decades: 1990s, 90s
        if let Some(v) = int_val {
            let words = if num.int.len() == 4 {
                year(v)
            } else {
                cardinal(v)
            };
            return Some((pluralize_number_words(&words), 0));
        }
    }
    if let Some(a) = ampm(rest)
        && let Some(h) = int_val.filter(|h| (1..=12).contains(h) && simple_int)
    {
        return Some((format!("{} {}", cardinal(h), a), 0));
    }
    if let Some((sg, pl)) = unit_lookup(rest, false) {
        return Some((
            format!("{} {}", read_num(&num), if plural { pl } else { sg }),
            0,
        ));
    }
    if let Some(sc) = scale_word(rest).filter(|_| matches!(rest, "k" | "K" | "bn" | "mn" | "tn")) {
        return Some((format!("{} {}", read_num(&num), sc), 0));
    }
    if lower == "x" {
        return Some((format!("{} times", read_num(&num)), 0));
    }
    // Ranges 5-10, 5–10%.
    if let Some(after) = rest.strip_prefix('-')
        && after.starts_with(|c: char| c.is_ascii_digit() || currency(c).is_some())
    {
        let (b, used) = number_token(after, None, next, depth + 1)?;
        return Some((format!("{} to {}", read_num(&num), b), used));
    }
    // Fractions 3/4.
    if let Some(after) = rest.strip_prefix('/')
        && let (Some(a), Some(d)) = (int_val.filter(|_| simple_int), parse_u64(after))
    {
        if a >= d || d == 0 {
            // "24/7", "50/50"
            return Some((format!("{} {}", cardinal(a), cardinal(d)), 0));
        }
        if let Some((sg, pl)) = fraction_denominator(d) {
            return Some((
                format!("{} {}", cardinal(a), if a == 1 { sg } else { pl }),
                0,
            ));
        }
        return Some((format!("{} over {}", cardinal(a), cardinal(d)), 0));
    }
    // Dotted groups (IP addresses, versions): 192.168.0.1
    if rest.starts_with('.') && rest.len() > 1 {
        let groups: Vec<&str> = core.split('.').collect();
        if groups.iter().all(|g| all_digits(g)) {
            return Some((
                groups
                    .iter()
                    .map(|g| cardinal_str(g))
                    .collect::<Vec<_>>()
                    .join(" dot "),
                0,
            ));
        }
    }
    // Ratios / scores 3:2 (not a valid time).
    if let Some(after) = rest.strip_prefix(':')
        && all_digits(after)
    {
        let joiner = if after.len() == 2 { " " } else { " to " };
        return Some((
            format!("{}{}{}", read_num(&num), joiner, cardinal_str(after)),
            0,
        ));
    }
    // Number followed by other stuff ("4G", "3D"): read pieces.
    let head = read_num(&num);
    let tail = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    let skipped = rest.get(..rest.len() - tail.len()).unwrap_or("");
    let sym_words: Vec<&str> = skipped
        .chars()
        .filter(|c| !matches!(c, '-' | '/' | '.' | ',' | '\'' | '’'))
        .filter_map(symbol_word)
        .collect();
    let head = if sym_words.is_empty() {
        head
    } else {
        format!("{head} {}", sym_words.join(" "))
    };
    let (tail_words, used) = if tail.is_empty() {
        (String::new(), 0)
    } else if tail.starts_with(|c: char| c.is_ascii_digit()) {
        number_token(tail, None, next, depth + 1)?
    } else {
        (word_token(tail, None, None, depth + 1), 0)
    };
    Some((format!("{head} {tail_words}").trim().to_string(), used))
}

// ---------------------------------------------------------------- words

fn roman_value(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 {
        return None;
    }
    let val = |c: char| -> Option<u64> {
        Some(match c {
            'I' => 1,
            'V' => 5,
            'X' => 10,
            'L' => 50,
            'C' => 100,
            'D' => 500,
            'M' => 1000,
            _ => return None,
        })
    };
    let vals: Vec<u64> = s.chars().map(val).collect::<Option<Vec<_>>>()?;
    let mut total = 0i64;
    for (i, v) in vals.iter().enumerate() {
        let next = vals.get(i + 1).copied().unwrap_or(0);
        let v = i64::try_from(*v).ok()?;
        if v < i64::try_from(next).ok()? {
            total -= v;
        } else {
            total += v;
        }
    }
    let total = u64::try_from(total).ok()?;
    // canonical check: re-encode
    if to_roman(total).as_deref() == Some(s) {
        Some(total)
    } else {
        None
    }
}

fn to_roman(mut n: u64) -> Option<String> {
    if n == 0 || n > 3999 {
        return None;
    }
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in table {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    Some(s)
}

fn looks_pronounceable(w: &str) -> bool {
    let lower = w.to_ascii_lowercase();
    let vowels = lower.chars().filter(|c| "aeiouy".contains(*c)).count();
    if vowels == 0 || vowels == lower.len() {
        return false;
    }
    // no run of more than 2 consonants, must start with consonant+vowel or vowel
    let mut run = 0;
    for c in lower.chars() {
        if "aeiouy".contains(c) {
            run = 0;
        } else {
            run += 1;
            if run > 2 {
                return false;
            }
        }
    }
    true
}

fn speak_url(core: &str) -> String {
    let mut s = core;
    for p in ["https://", "http://", "HTTPS://", "HTTP://"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r;
        }
    }
    let s = s.trim_end_matches('/');
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            if word.eq_ignore_ascii_case("www") {
                out.push("W W W".to_string());
            } else if word.chars().all(|c| c.is_ascii_digit()) {
                out.push(cardinal_str(word));
            } else {
                out.push(std::mem::take(word));
            }
            word.clear();
        }
    };
    for c in s.chars() {
        let sym = match c {
            '.' => Some("dot"),
            '/' => Some("slash"),
            '@' => Some("at"),
            '-' => Some("dash"),
            '_' => Some("underscore"),
            ':' => Some("colon"),
            '?' => Some("question mark"),
            '=' => Some("equals"),
            '&' => Some("and"),
            '#' => Some("hash"),
            '~' => Some("tilde"),
            '+' => Some("plus"),
            '%' => Some("percent"),
            _ => None,
        };
        if let Some(sym) = sym {
            flush(&mut word, &mut out);
            out.push(sym.to_string());
        } else if c.is_alphanumeric() {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.join(" ")
}

fn is_url(core: &str) -> bool {
    let lower = core.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return true;
    }
    // bare domains: word.tld(/path)
    let host = lower.split('/').next().unwrap_or("");
    let tlds = [
        ".com", ".org", ".net", ".io", ".edu", ".gov", ".dev", ".ai", ".co.uk", ".uk", ".de",
        ".info", ".app",
    ];
    host.contains('.')
        && tlds.iter().any(|t| host.ends_with(t))
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        && host.starts_with(|c: char| c.is_ascii_alphanumeric())
}

fn is_email(core: &str) -> bool {
    let Some((user, host)) = core.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && host.contains('.')
        && !host.ends_with('.')
        && !host.contains('@')
        && user
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}

fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "and",
        '+' => "plus",
        '@' => "at",
        '=' => "equals",
        '%' => "percent",
        '#' => "number",
        '°' => "degrees",
        '×' => "times",
        '÷' => "divided by",
        '<' => "less than",
        '>' => "greater than",
        '~' => "about",
        '§' => "section",
        '±' => "plus or minus",
        '€' => "euros",
        '$' => "dollars",
        '£' => "pounds",
        '¥' => "yen",
        '/' => "slash",
        '\\' => "backslash",
        '^' => "caret",
        _ => return None,
    })
}

/// A core without digits (or the letter part of a mixed token).
fn word_token(core: &str, prev: Option<&str>, next: Option<&str>, depth: u8) -> String {
    if core.is_empty() {
        return String::new();
    }
    if is_email(core) || is_url(core) {
        return speak_url(core);
    }
    // Split on inner symbols like & + / (R&D, C++, and/or).
    if depth < 4 && core.contains(['&', '+', '/', '@', '=', '\\', '_']) {
        let mut out: Vec<String> = Vec::new();
        let mut cur = String::new();
        for c in core.chars() {
            if matches!(c, '&' | '+' | '/' | '@' | '=' | '\\' | '_') {
                if !cur.is_empty() {
                    out.push(word_token(&cur, None, None, depth + 1));
                    cur.clear();
                }
                match c {
                    '/' | '_' | '\\' => {}
                    _ => out.push(symbol_word(c).unwrap_or("").to_string()),
                }
            } else {
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            out.push(word_token(&cur, None, None, depth + 1));
        }
        return out.join(" ");
    }
    if core.chars().all(|c| !c.is_alphanumeric()) {
        return core
            .chars()
            .filter_map(symbol_word)
            .collect::<Vec<_>>()
            .join(" ");
    }
    let letters_only = core
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.'));
    if !letters_only {
        // Drop stray symbols.
        let cleaned: String = core
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '\'' | '’' | '-') {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        return cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    // Roman numerals in context.
    if let Some(v) = roman_value(core) {
        let prev_lower = prev
            .map(|p| split_token(p).0.trim_end_matches('.').to_ascii_lowercase())
            .unwrap_or_default();
        if CHAPTER_WORDS.contains(&prev_lower.as_str()) {
            return cardinal(v);
        }
        let name_ctx = prev.is_some_and(is_capitalized_word)
            && core.len() >= 2
            && core.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
            && v <= 40;
        if name_ctx {
            return format!("the {}", ordinal(v));
        }
    }
    let alpha: String = core.chars().filter(|c| c.is_alphabetic()).collect();
    let alpha_len = alpha.chars().count();
    let all_upper = alpha_len >= 2 && alpha.chars().all(|c| c.is_uppercase());
    // Acronyms with plural s: "CDs", "URLs".
    if alpha_len >= 3
        && core.is_ascii()
        && let Some(stem) = core.strip_suffix('s')
        && stem.len() >= 2
        && stem.chars().all(|c| c.is_ascii_uppercase())
    {
        let spelled = spell_letters(stem);
        return format!("{spelled}'s");
    }
    if all_upper && core.is_ascii() && !core.contains(['-', '\'']) {
        let shouting = [prev, next].iter().any(|t| {
            t.is_some_and(|t| {
                let c = split_token(t).0;
                c.len() >= 2 && c.chars().all(|c| c.is_ascii_uppercase())
            })
        });
        if PRONOUNCEABLE.contains(&core)
            || (SHOUTED_WORDS.contains(&core) && (shouting || alpha_len >= 4))
        {
            return core.to_lowercase();
        }
        if alpha_len >= 4 && looks_pronounceable(core) && (shouting || alpha_len >= 5) {
            return core.to_lowercase();
        }
        return spell_letters(core);
    }
    core.to_string()
}

// ---------------------------------------------------------------- driver

/// Rewrites English text into its spoken form ("Dr. Chen paid $79.99" →
/// "Doctor Chen paid seventy nine dollars and ninety nine cents").
///
/// Runs in time linear in the input; never panics.
pub fn normalize_en(text: &str) -> String {
    let pre = preprocess(text);
    let toks: Vec<&str> = pre.split_whitespace().collect();
    let mut out = Out { items: Vec::new() };
    let mut i = 0;
    while i < toks.len() {
        let raw = toks.get(i).copied().unwrap_or("");
        let prev = if i > 0 {
            toks.get(i - 1).copied()
        } else {
            None
        };
        let next = toks.get(i + 1).copied();
        let prev2 = i.checked_sub(2).and_then(|k| toks.get(k)).copied();
        let area_code = raw.len() == 5
            && raw.starts_with('(')
            && raw.ends_with(')')
            && raw.get(1..4).is_some_and(all_digits);
        let (core, trail) = if area_code {
            (raw, "")
        } else {
            split_token(raw)
        };
        let mut trail = trail.to_string();
        let mut consumed = 0usize;
        let numeric = |t: Option<&str>| {
            t.is_some_and(|t| split_token(t).0.starts_with(|c: char| c.is_ascii_digit()))
        };
        if matches!(core, "x" | "X") && numeric(prev) && numeric(next) {
            out.word("times");
            i += 1;
            continue;
        }
        if core.is_empty() {
            if let Some(p) = trail_punct(&trail) {
                out.punct(p);
            } else {
                let sym: Vec<&str> = raw.chars().filter_map(symbol_word).collect();
                if !sym.is_empty() && raw != "/" {
                    out.word(&sym.join(" "));
                }
            }
            i += 1;
            continue;
        }
        let has_dot = trail.starts_with('.') && !trail.starts_with("..");
        let next_upper = next.is_some_and(starts_upper);
        let next_is_end = next.is_none();
        let words: String;
        let intl_phone = core
            .strip_prefix('+')
            .is_some_and(|c| all_digits(c) && c.len() <= 3)
            && [(1, 3), (2, 3), (3, 4)].iter().all(|(k, len)| {
                toks.get(i + k)
                    .map(|t| split_token(t).0)
                    .is_some_and(|t| all_digits(t) && t.len() == *len)
            });
        if intl_phone {
            let groups: Vec<String> = (0..4)
                .filter_map(|k| toks.get(i + k).map(|t| (k, split_token(t).0)))
                .map(|(k, g)| phone_group(g.trim_start_matches('+'), k == 1))
                .collect();
            words = format!("plus {}", groups.join(" , "));
            consumed = 3;
            trail = toks
                .get(i + 3)
                .map(|t| split_token(t).1)
                .unwrap_or("")
                .to_string();
        } else if is_url(core) || is_email(core) {
            words = speak_url(core);
        } else if core.chars().any(|c| c.is_ascii_digit()) {
            match number_token(core, prev, next, 0) {
                Some((w, used)) => {
                    words = w;
                    consumed = used;
                    if used > 0 {
                        let last = toks.get(i + used).copied().unwrap_or("");
                        let (lc, lt) = split_token(last);
                        let mut t = lt.to_string();
                        // "5 p.m. on", "2 tbsp. of": the period belongs to the
                        // abbreviation unless it also ends the sentence.
                        if (ampm(lc).is_some() || unit_lookup(lc, true).is_some())
                            && !t.starts_with("..")
                            && let Some(r) = t.strip_prefix('.')
                            && continues_sentence(toks.get(i + used + 1).copied())
                        {
                            t = r.to_string();
                        }
                        trail = t;
                    } else if trail.starts_with('.')
                        && !trail.starts_with("..")
                        && continues_sentence(next)
                    {
                        // "3.75lbs. and", "9am. Mon."
                        let suffix = core.trim_start_matches(|c: char| !c.is_alphabetic());
                        if !suffix.is_empty()
                            && (unit_lookup(suffix, false).is_some() || ampm(suffix).is_some())
                        {
                            trail.remove(0);
                        }
                    }
                }
                None => words = spell_letters(core),
            }
        } else {
            let bare = core;
            let lower = bare.to_ascii_lowercase();
            let dotted_letters = bare.contains('.')
                && bare
                    .split('.')
                    .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
            if has_dot || dotted_letters {
                // Abbreviations with a period.
                let prev_cap = prev.is_some_and(|p| {
                    let c = split_token(p).0;
                    is_capitalized_word(p) && !matches!(c, "The" | "A" | "An")
                        || all_digits_ordinal(c)
                });
                let mut keep_dot = false;
                let expansion: Option<String> = match bare {
                    "Dr" | "dr" => {
                        if next_upper && !(prev_cap && next_is_end) {
                            Some("Doctor".into())
                        } else if prev_cap {
                            keep_dot = true;
                            Some("Drive".into())
                        } else {
                            Some("doctor".into())
                        }
                    }
                    "St" | "st" => {
                        if prev_cap || !next_upper {
                            keep_dot = true;
                            Some("Street".into())
                        } else {
                            Some("Saint".into())
                        }
                    }
                    "No" | "no"
                        if next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) =>
                    {
                        Some("number".into())
                    }
                    _ if dotted_letters => match lower.as_str() {
                        "e.g" => Some("for example".into()),
                        "i.e" => Some("that is".into()),
                        "a.m" | "p.m" => {
                            keep_dot = true;
                            Some(spell_letters(bare))
                        }
                        _ => {
                            keep_dot = true;
                            Some(spell_letters(bare))
                        }
                    },
                    _ => {
                        if let Some(d) = weekday_in_context(bare, &trail, true, prev2, prev, next) {
                            keep_dot = true;
                            Some(d.to_string())
                        } else if let Some(e) = before_number_abbrev(bare, next) {
                            Some(e.to_string())
                        } else if bare == "v" && prev_cap && next_upper {
                            // "Roe v. Wade"
                            Some("versus".into())
                        } else if let Some(m) = month_abbrev(bare).filter(|_| {
                            bare.starts_with(char::is_uppercase)
                                && (next
                                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
                                    || prev.is_some_and(|p| {
                                        p.starts_with(|c: char| c.is_ascii_digit())
                                    }))
                        }) {
                            Some(m.to_string())
                        } else if let Some((e, can_end)) = simple_abbrev(bare) {
                            keep_dot = can_end;
                            if matches!(bare, "ext" | "Ext")
                                && prev.is_some_and(|p| p.ends_with(|c: char| c.is_ascii_digit()))
                            {
                                // "555-0199 ext. 42": pause before the extension
                                Some(format!(", {e}"))
                            } else if bare.starts_with(char::is_uppercase) {
                                // "Vol. 2" at a sentence start → "Volume two"
                                let mut cs = e.chars();
                                Some(
                                    cs.next()
                                        .map(|c| c.to_uppercase().chain(cs).collect())
                                        .unwrap_or_default(),
                                )
                            } else {
                                Some(e.to_string())
                            }
                        } else if bare.chars().count() == 1
                            && bare.chars().all(char::is_uppercase)
                            && next_upper
                        {
                            // initial "J. R. R. Tolkien"
                            Some(bare.to_string())
                        } else {
                            None
                        }
                    }
                };
                match expansion {
                    Some(e) => {
                        words = e;
                        let ends = next_is_end || (next_upper && !continues_sentence(next));
                        if !(keep_dot && ends) {
                            // drop the abbreviation's period
                            trail = trail.get(1..).unwrap_or("").to_string();
                        }
                    }
                    None => words = word_token(bare, prev, next, 0),
                }
            } else if let Some((e, _)) = simple_abbrev(bare)
                .filter(|_| matches!(bare, "Mr" | "Mrs" | "Ms" | "Dr" | "Prof") && next_upper)
            {
                words = e.to_string();
            } else if matches!(bare, "Dr") && next_upper {
                words = "Doctor".to_string();
            } else if let Some(d) = weekday_in_context(bare, &trail, false, prev2, prev, next) {
                words = d.to_string();
            } else if let Some((a, b)) = bare
                .split_once('-')
                .and_then(|(a, b)| Some((weekday_abbrev(a)?, weekday_abbrev(b)?)))
            {
                // "Mon-Fri"
                words = format!("{a} to {b}");
            } else if bare == "vs" {
                words = "versus".to_string();
            } else if let Some(e) = before_number_abbrev(bare, next)
                .filter(|_| matches!(bare, "pp" | "pg" | "pgs" | "apt"))
                .or_else(|| {
                    match bare {
                        "Apt" => Some("Apartment"),
                        "ext" => Some("extension"),
                        "Ext" => Some("Extension"),
                        _ => None,
                    }
                    .filter(|_| is_numeric_token(next))
                })
            {
                words = e.to_string();
            } else if let Some(m) = MONTHS
                .iter()
                .find(|m| m.eq_ignore_ascii_case(bare))
                .copied()
                .or_else(|| month_abbrev(bare).filter(|_| bare.starts_with(char::is_uppercase)))
                .filter(|_| next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())))
            {
                words = m.to_string();
            } else {
                words = word_token(bare, prev, next, 0);
            }
        }
        out.word(&words);
        if let Some(p) = trail_punct(&trail) {
            out.punct(p);
        }
        i += 1 + consumed;
    }
    out.render()
}

fn all_digits_ordinal(s: &str) -> bool {
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    all_digits(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_example() {
        assert_eq!(
            normalize_en("Dr. Chen paid $79.99 on Jan. 3rd."),
            "Doctor Chen paid seventy nine dollars and ninety nine cents on January third."
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(normalize_en("I have 3 cats"), "I have three cats");
        assert_eq!(normalize_en("pi is 3.14"), "pi is three point one four");
        assert_eq!(normalize_en("It was -5 today"), "It was minus five today");
        assert_eq!(normalize_en("5-10 people"), "five to ten people");
        assert_eq!(
            normalize_en("1,234 items"),
            "one thousand two hundred thirty four items"
        );
        assert_eq!(normalize_en("3/4 cup"), "three quarters cup");
        assert_eq!(normalize_en("1/2"), "one half");
        assert_eq!(normalize_en("50% off"), "fifty percent off");
        assert_eq!(normalize_en("the 21st century"), "the twenty first century");
        assert_eq!(normalize_en("in 1999"), "in nineteen ninety nine");
        assert_eq!(normalize_en("the 1990s"), "the nineteen nineties");
    }

    #[test]
    fn currency() {
        assert_eq!(normalize_en("$1"), "one dollar");
        assert_eq!(normalize_en("$0.50"), "fifty cents");
        assert_eq!(normalize_en("€20"), "twenty euros");
        assert_eq!(normalize_en("£3.01"), "three pounds and one penny");
        assert_eq!(normalize_en("¥500"), "five hundred yen");
        assert_eq!(normalize_en("$5 million"), "five million dollars");
        assert_eq!(normalize_en("$2.5bn"), "two point five billion dollars");
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(
            normalize_en("2024-01-03"),
            "January third, twenty twenty four"
        );
        assert_eq!(
            normalize_en("1/3/2024"),
            "January third, twenty twenty four"
        );
        assert_eq!(normalize_en("March 5, 2020"), "March fifth, twenty twenty");
        assert_eq!(normalize_en("at 7:05 pm"), "at seven oh five P M");
        assert_eq!(normalize_en("at 3 p.m. today"), "at three P M today");
        assert_eq!(normalize_en("at 18:30"), "at eighteen thirty");
        assert_eq!(normalize_en("at 9:00"), "at nine o'clock");
    }

    #[test]
    fn phones_units() {
        assert_eq!(
            normalize_en("Call 555-123-4567"),
            "Call five five five, one two three, four five six seven"
        );
        assert_eq!(
            normalize_en("(555) 123-4567"),
            "five five five, one two three, four five six seven"
        );
        assert_eq!(normalize_en("5 km"), "five kilometers");
        assert_eq!(normalize_en("1 kg"), "one kilogram");
        assert_eq!(normalize_en("20°C"), "twenty degrees Celsius");
        assert_eq!(normalize_en("60 mph"), "sixty miles per hour");
    }

    #[test]
    fn abbreviations() {
        assert_eq!(
            normalize_en("Mr. Smith met Mrs. Jones."),
            "Mister Smith met Missus Jones."
        );
        assert_eq!(
            normalize_en("He lives on Elm Dr. now"),
            "He lives on Elm Drive now"
        );
        assert_eq!(normalize_en("St. Louis"), "Saint Louis");
        assert_eq!(normalize_en("Main St. is long"), "Main Street is long");
        assert_eq!(
            normalize_en("I live on Main St. It is nice."),
            "I live on Main Street. It is nice."
        );
        assert_eq!(
            normalize_en("Prof. X and Col. Y"),
            "Professor X and Colonel Y"
        );
        assert_eq!(normalize_en("J. R. R. Tolkien"), "J R R Tolkien");
    }

    #[test]
    fn acronyms_roman() {
        assert_eq!(normalize_en("the FBI and NASA"), "the F B I and nasa");
        assert_eq!(normalize_en("Chapter IV"), "Chapter four");
        assert_eq!(normalize_en("Henry VIII"), "Henry the eighth");
        assert_eq!(normalize_en("I went"), "I went");
    }

    #[test]
    fn urls_symbols_markdown() {
        assert_eq!(
            normalize_en("see www.example.com"),
            "see W W W dot example dot com"
        );
        assert_eq!(
            normalize_en("mail john.doe@example.org"),
            "mail john dot doe at example dot org"
        );
        assert_eq!(normalize_en("R&D"), "R and D");
        assert_eq!(normalize_en("you & me"), "you and me");
        assert_eq!(normalize_en("# Title"), "Title");
        assert_eq!(normalize_en("**bold** and `code`"), "bold and code");
        assert_eq!(normalize_en("a [link](http://x.com) here"), "a link here");
        assert_eq!(
            normalize_en("wait — what (really) now"),
            "wait, what, really, now"
        );
    }

    #[test]
    fn mixed_tokens() {
        assert_eq!(normalize_en("ranked #1"), "ranked number one");
        assert_eq!(normalize_en("COVID-19"), "covid nineteen");
        assert_eq!(normalize_en("a 3:2 win"), "a three to two win");
        assert_eq!(normalize_en("in 25:30"), "in twenty five thirty");
        assert_eq!(
            normalize_en("24/7 and 50/50"),
            "twenty four seven and fifty fifty"
        );
        assert_eq!(normalize_en("the WHO said"), "the W H O said");
        assert_eq!(normalize_en("WHO ARE YOU"), "who are you");
        assert_eq!(normalize_en("50¢"), "fifty cents");
        assert_eq!(normalize_en("room 5B"), "room five B");
        assert_eq!(normalize_en("v 1.2.3"), "v one dot two dot three");
        assert_eq!(
            normalize_en("Call +1 555 123 4567."),
            "Call plus one, five five five, one two three, four five six seven."
        );
        assert_eq!(normalize_en("007"), "zero zero seven");
        assert_eq!(normalize_en("9am-5pm"), "nine A M to five P M");
        assert_eq!(normalize_en("$5-$10"), "five dollars to ten dollars");
        assert_eq!(normalize_en("1st-class"), "first class");
        assert_eq!(normalize_en("2+2=4"), "two plus two equals four");
        assert_eq!(normalize_en("10 x 3"), "ten times three");
        assert_eq!(normalize_en("a 3-year-old"), "a three year-old");
    }

    #[test]
    fn abbreviation_period_inside_sentence() {
        assert_eq!(
            normalize_en("The recipe needs 250 g of flour and 2 tbsp. of sugar."),
            "The recipe needs two hundred fifty grams of flour and two tablespoons of sugar."
        );
        assert_eq!(
            normalize_en("The package weighs 3.75 lbs. and costs €12.50."),
            "The package weighs three point seven five pounds and costs twelve euros and fifty cents."
        );
        assert_eq!(
            normalize_en("It weighs 3.75lbs. and more"),
            "It weighs three point seven five pounds and more"
        );
        assert_eq!(
            normalize_en("Prof. Adams teaches at 9 a.m. Mon. through Fri."),
            "Professor Adams teaches at nine A M Monday through Friday."
        );
        assert_eq!(normalize_en("We met at 9 a.m."), "We met at nine A M.");
        assert_eq!(
            normalize_en("We met at 9 a.m. Then we left."),
            "We met at nine A M. Then we left."
        );
        assert_eq!(
            normalize_en("It weighs 5 lbs. The box is light."),
            "It weighs five pounds. The box is light."
        );
        assert_eq!(normalize_en("It weighs 5 lbs."), "It weighs five pounds.");
        assert_eq!(
            normalize_en("cups, etc. and more"),
            "cups, et cetera and more"
        );
    }

    #[test]
    fn weekdays() {
        assert_eq!(
            normalize_en("The train left at 12:05 a.m. on Sat., Mar. 8."),
            "The train left at twelve oh five A M on Saturday, March eighth."
        );
        assert_eq!(
            normalize_en("Open Tues. and Thurs."),
            "Open Tuesday and Thursday."
        );
        assert_eq!(normalize_en("Wed. Jan. 5"), "Wednesday January fifth");
        assert_eq!(normalize_en("Thu. at noon"), "Thursday at noon");
        assert_eq!(
            normalize_en("Mon-Fri 9am-5pm"),
            "Monday to Friday nine A M to five P M"
        );
        assert_eq!(normalize_en("Fri, Jan 3"), "Friday, January third");
        assert_eq!(normalize_en("on Sun., Mar. 8"), "on Sunday, March eighth");
        assert_eq!(normalize_en("Sat. and Sun."), "Saturday and Sunday.");
        assert_eq!(normalize_en("open Sun 10am"), "open Sunday ten A M");
        assert_eq!(
            normalize_en("We saw the sun. It was hot."),
            "We saw the sun. It was hot."
        );
        assert_eq!(
            normalize_en("Look at the Sun. It glows."),
            "Look at the Sun. It glows."
        );
        assert_eq!(normalize_en("The Sun rose"), "The Sun rose");
        assert_eq!(
            normalize_en("In 2020 Sun Microsystems"),
            "In twenty twenty Sun Microsystems"
        );
        assert_eq!(normalize_en("The Sun, a paper"), "The Sun, a paper");
        assert_eq!(
            normalize_en("Go to Main St. May I help?"),
            "Go to Main Street. May I help?"
        );
    }

    #[test]
    fn more_abbreviations() {
        assert_eq!(
            normalize_en("Reach us at (800) 555-0199 ext. 42."),
            "Reach us at eight hundred, five five five, zero one nine nine, extension forty two."
        );
        assert_eq!(normalize_en("dial ext. 7"), "dial extension seven");
        assert_eq!(
            normalize_en("Vol. 2, ch. 14, p. 387 covers it."),
            "Volume two, chapter fourteen, page three hundred eighty seven covers it."
        );
        assert_eq!(normalize_en("see pp. 10-12"), "see pages ten to twelve");
        assert_eq!(normalize_en("a p. in the text"), "a p. in the text");
        assert_eq!(normalize_en("Apt. 4B is here"), "Apartment four B is here");
        assert_eq!(normalize_en("That is apt. Yes."), "That is apt. Yes.");
        assert_eq!(normalize_en("Red vs. blue"), "Red versus blue");
        assert_eq!(normalize_en("red vs blue"), "red versus blue");
        assert_eq!(normalize_en("Roe v. Wade"), "Roe versus Wade");
        assert_eq!(
            normalize_en("approx. 5 km away"),
            "approximately five kilometers away"
        );
        assert_eq!(normalize_en("the dept. head"), "the department head");
        assert_eq!(normalize_en("Dept. of Energy"), "Department of Energy");
        assert_eq!(normalize_en("est. 1926"), "established nineteen twenty six");
        assert_eq!(normalize_en("Est. 1926"), "Established nineteen twenty six");
        assert_eq!(
            normalize_en("est. 500 people"),
            "estimated five hundred people"
        );
        assert_eq!(normalize_en("No. 5 won"), "number five won");
        assert_eq!(normalize_en("no. 5 won"), "number five won");
    }

    #[test]
    fn more_units() {
        assert_eq!(
            normalize_en("The file is 2.4 GB and downloads at 50 Mbps."),
            "The file is two point four gigabytes and downloads at fifty megabits per second."
        );
        assert_eq!(normalize_en("1 Gbps"), "one gigabit per second");
        assert_eq!(normalize_en("56kbps"), "fifty six kilobits per second");
        assert_eq!(normalize_en("1 MB"), "one megabyte");
        assert_eq!(normalize_en("2 TB"), "two terabytes");
        assert_eq!(normalize_en("512 KB"), "five hundred twelve kilobytes");
        assert_eq!(normalize_en("1 lb"), "one pound");
        assert_eq!(normalize_en("2 lb. of beef"), "two pounds of beef");
        assert_eq!(normalize_en("8 oz"), "eight ounces");
        assert_eq!(normalize_en("1 oz"), "one ounce");
        assert_eq!(normalize_en("20 ms"), "twenty milliseconds");
        assert_eq!(normalize_en("3.2 GHz"), "three point two gigahertz");
        assert_eq!(normalize_en("100 MHz"), "one hundred megahertz");
        assert_eq!(normalize_en("44.1 kHz"), "forty four point one kilohertz");
        assert_eq!(normalize_en("60 Hz"), "sixty hertz");
        assert_eq!(normalize_en("250 mL"), "two hundred fifty milliliters");
        assert_eq!(normalize_en("5 ml"), "five milliliters");
        assert_eq!(normalize_en("2 L of water"), "two liters of water");
        assert_eq!(normalize_en("1 L"), "one liter");
        assert_eq!(normalize_en("1.5L"), "one point five liters");
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(
            normalize_en("(800) 555-0199"),
            "eight hundred, five five five, zero one nine nine"
        );
        assert_eq!(
            normalize_en("(415) 555-0199"),
            "four one five, five five five, zero one nine nine"
        );
        assert_eq!(
            normalize_en("800-555-0199"),
            "eight hundred, five five five, zero one nine nine"
        );
        assert_eq!(
            normalize_en("415.555.0199"),
            "four one five, five five five, zero one nine nine"
        );
        assert_eq!(
            normalize_en("Call 555-0142 now"),
            "Call five five five, zero one four two now"
        );
        assert_eq!(
            normalize_en("+1 800 555 0100"),
            "plus one, eight hundred, five five five, zero one zero zero"
        );
        assert_eq!(
            normalize_en("+1-415-555-0199"),
            "plus one, four one five, five five five, zero one nine nine"
        );
    }

    #[test]
    fn huge_inputs_are_bounded() {
        let digits = "9".repeat(5000);
        let s = normalize_en(&digits);
        assert_eq!(s.split(' ').count(), 5000);
        let punct = "!?.,".repeat(2000);
        assert!(normalize_en(&punct).len() < 10);
    }
}
