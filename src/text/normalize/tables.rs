//! Every word list and lookup table of the normalizer, in one place: month
//! and weekday names, the abbreviation table (shared with sentence
//! splitting), units, currencies, symbol names, acronym lists.

// ---------------------------------------------------------------- numbers

/// Number words below twenty.
pub(super) const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
/// Tens (index = tens digit).
pub(super) const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
/// Powers of a thousand, largest first.
pub(super) const MAGNITUDES: [(u64, &str); 5] = [
    (1_000_000_000_000_000, "quadrillion"),
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];

// ---------------------------------------------------------------- calendar

pub(super) const MONTHS: [&str; 12] = [
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

/// Month abbreviations (lower-case, without period) → index into [`MONTHS`].
/// "May" has no abbreviation.
pub(super) const MONTH_ABBREVIATIONS: &[(&str, usize)] = &[
    ("jan", 0),
    ("feb", 1),
    ("mar", 2),
    ("apr", 3),
    ("jun", 5),
    ("jul", 6),
    ("aug", 7),
    ("sep", 8),
    ("sept", 8),
    ("oct", 9),
    ("nov", 10),
    ("dec", 11),
];

pub(super) const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Capitalized weekday abbreviations (without period) → index into [`WEEKDAYS`].
pub(super) const WEEKDAY_ABBREVIATIONS: &[(&str, usize)] = &[
    ("Mon", 0),
    ("Tue", 1),
    ("Tues", 1),
    ("Wed", 2),
    ("Thu", 3),
    ("Thur", 3),
    ("Thurs", 3),
    ("Fri", 4),
    ("Sat", 5),
    ("Sun", 6),
];

// ---------------------------------------------------------------- abbreviations

/// What a period after an abbreviation means to sentence splitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Period {
    /// An ordinary period: it may end the sentence.
    Ends,
    /// Never ends a sentence ("Dr.", "e.g.", "Jan.").
    Holds,
    /// Ends a sentence only before a capitalised word ("etc.", "Inc.").
    EndsBeforeCapital,
}

/// One abbreviation, as written without its final period.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Abbreviation {
    /// Written form; matched exactly for expansion, ignoring case for
    /// sentence splitting (all rows of one lower-case form agree on `period`).
    pub written: &'static str,
    /// Context-free expansion, if any. Context-dependent ones ("Dr" doctor or
    /// Drive, "St", "No", months, weekdays, "p."/"est.") are decided in
    /// `abbreviation.rs` and `date.rs`.
    pub spoken: Option<&'static str>,
    /// The expansion keeps the period when it ends a sentence ("Jr." yes, "Mr." no).
    pub may_end: bool,
    /// What the period means to sentence splitting.
    pub period: Period,
}

const fn abbr(
    written: &'static str,
    spoken: &'static str,
    may_end: bool,
    period: Period,
) -> Abbreviation {
    Abbreviation {
        written,
        spoken: Some(spoken),
        may_end,
        period,
    }
}

/// Only known to sentence splitting (no context-free expansion).
const fn split_only(written: &'static str, period: Period) -> Abbreviation {
    Abbreviation {
        written,
        spoken: None,
        may_end: false,
        period,
    }
}

use Period::{Ends, EndsBeforeCapital as Capital, Holds};

/// The one abbreviation table: normalization ([`Abbreviation::spoken`]) and
/// sentence splitting ([`Abbreviation::period`]) both read it.
pub(crate) const ABBREVIATIONS: &[Abbreviation] = &[
    abbr("Mr", "Mister", false, Holds),
    abbr("Mrs", "Missus", false, Holds),
    abbr("Ms", "Miz", false, Holds),
    abbr("Prof", "Professor", false, Holds),
    abbr("Col", "Colonel", false, Holds),
    abbr("Gen", "General", false, Holds),
    abbr("Capt", "Captain", false, Holds),
    abbr("Lt", "Lieutenant", false, Holds),
    abbr("Sgt", "Sergeant", false, Holds),
    abbr("Rev", "Reverend", false, Holds),
    abbr("Hon", "Honorable", false, Holds),
    abbr("Sen", "Senator", false, Holds),
    abbr("Rep", "Representative", false, Holds),
    abbr("Gov", "Governor", false, Holds),
    abbr("Pres", "President", false, Holds),
    abbr("Mt", "Mount", false, Holds),
    abbr("Jr", "Junior", true, Capital),
    abbr("Sr", "Senior", true, Capital),
    abbr("Ave", "Avenue", true, Holds),
    abbr("Blvd", "Boulevard", true, Holds),
    abbr("Rd", "Road", true, Holds),
    abbr("Ln", "Lane", true, Ends),
    abbr("Hwy", "Highway", true, Ends),
    abbr("Inc", "Incorporated", true, Capital),
    abbr("Ltd", "Limited", true, Capital),
    abbr("Corp", "Corporation", true, Capital),
    abbr("Dept", "Department", true, Holds),
    abbr("dept", "department", true, Holds),
    abbr("Apt", "Apartment", false, Ends),
    abbr("ext", "extension", false, Ends),
    abbr("Ext", "Extension", false, Ends),
    abbr("Univ", "University", true, Holds),
    abbr("vs", "versus", false, Holds),
    abbr("etc", "et cetera", true, Capital),
    abbr("approx", "approximately", false, Holds),
    abbr("Fig", "figure", false, Holds),
    abbr("fig", "figure", false, Holds),
    abbr("Vol", "volume", false, Holds),
    abbr("vol", "volume", false, Holds),
    abbr("Ch", "chapter", false, Holds),
    abbr("ch", "chapter", false, Holds),
    split_only("dr", Holds),
    split_only("st", Holds),
    split_only("ft", Holds),
    split_only("no", Holds),
    split_only("est", Holds),
    split_only("e.g", Holds),
    split_only("i.e", Holds),
    split_only("mx", Holds),
    split_only("cf", Holds),
    split_only("al", Holds),
    split_only("jan", Holds),
    split_only("feb", Holds),
    split_only("mar", Holds),
    split_only("apr", Holds),
    split_only("jun", Holds),
    split_only("jul", Holds),
    split_only("aug", Holds),
    split_only("sep", Holds),
    split_only("sept", Holds),
    split_only("oct", Holds),
    split_only("nov", Holds),
    split_only("dec", Holds),
    split_only("co", Capital),
    split_only("a.m", Capital),
    split_only("p.m", Capital),
    split_only("u.s", Capital),
    split_only("u.k", Capital),
];

/// What a period after `word` (lower-case, without the period) means to
/// sentence splitting.
pub(crate) fn period_after(word: &str) -> Period {
    ABBREVIATIONS
        .iter()
        .find(|a| a.written.eq_ignore_ascii_case(word))
        .map_or(Period::Ends, |a| a.period)
}

/// Context-free expansion of an abbreviation written exactly as `w`
/// (without period): (spoken form, may keep a sentence-final period).
pub(super) fn expansion(w: &str) -> Option<(&'static str, bool)> {
    ABBREVIATIONS
        .iter()
        .find(|a| a.written == w)
        .and_then(|a| Some((a.spoken?, a.may_end)))
}

// ---------------------------------------------------------------- measures

/// Units: (abbreviation, singular, plural).
pub(super) const UNITS: &[(&str, &str, &str)] = &[
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

/// Units that are ambiguous as a separate word ("5 s", "a W"): only read
/// when attached to the number ("5s").
pub(super) const ATTACHED_ONLY_UNITS: &[&str] = &["s", "h", "l", "W", "V", "ha"];

/// Scale words and suffixes: ("5k", "$2.5bn", "$5 million").
pub(super) const SCALE_WORDS: &[(&str, &str)] = &[
    ("k", "thousand"),
    ("K", "thousand"),
    ("thousand", "thousand"),
    ("m", "million"),
    ("M", "million"),
    ("mn", "million"),
    ("million", "million"),
    ("b", "billion"),
    ("B", "billion"),
    ("bn", "billion"),
    ("billion", "billion"),
    ("t", "trillion"),
    ("T", "trillion"),
    ("tn", "trillion"),
    ("trillion", "trillion"),
];

/// A currency: sign, (singular, plural, cent singular, cent plural).
pub(super) struct Currency {
    pub sign: char,
    pub one: &'static str,
    pub many: &'static str,
    pub cent_one: &'static str,
    pub cent_many: &'static str,
}

const fn cur(
    sign: char,
    one: &'static str,
    many: &'static str,
    cent_one: &'static str,
    cent_many: &'static str,
) -> Currency {
    Currency {
        sign,
        one,
        many,
        cent_one,
        cent_many,
    }
}

pub(super) const CURRENCIES: &[Currency] = &[
    cur('$', "dollar", "dollars", "cent", "cents"),
    cur('€', "euro", "euros", "cent", "cents"),
    cur('£', "pound", "pounds", "penny", "pence"),
    cur('¥', "yen", "yen", "", ""),
    cur('₹', "rupee", "rupees", "paisa", "paise"),
];

// ---------------------------------------------------------------- symbols

/// Symbols read aloud inside or between words.
pub(super) const SYMBOL_WORDS: &[(char, &str)] = &[
    ('&', "and"),
    ('+', "plus"),
    ('@', "at"),
    ('=', "equals"),
    ('%', "percent"),
    ('#', "number"),
    ('°', "degrees"),
    ('×', "times"),
    ('÷', "divided by"),
    ('<', "less than"),
    ('>', "greater than"),
    ('~', "about"),
    ('§', "section"),
    ('±', "plus or minus"),
    ('€', "euros"),
    ('$', "dollars"),
    ('£', "pounds"),
    ('¥', "yen"),
    ('/', "slash"),
    ('\\', "backslash"),
    ('^', "caret"),
];

/// Symbols as read inside URLs and e-mail addresses.
pub(super) const URL_SYMBOL_WORDS: &[(char, &str)] = &[
    ('.', "dot"),
    ('/', "slash"),
    ('@', "at"),
    ('-', "dash"),
    ('_', "underscore"),
    (':', "colon"),
    ('?', "question mark"),
    ('=', "equals"),
    ('&', "and"),
    ('#', "hash"),
    ('~', "tilde"),
    ('+', "plus"),
    ('%', "percent"),
];

/// Top-level domains that make "word.tld" a web address.
pub(super) const TLDS: &[&str] = &[
    ".com", ".org", ".net", ".io", ".edu", ".gov", ".dev", ".ai", ".co.uk", ".uk", ".de", ".info",
    ".app",
];

// ---------------------------------------------------------------- words

/// Acronyms read as words rather than spelled out.
pub(super) const PRONOUNCEABLE: &[&str] = &[
    "NASA", "NATO", "UNESCO", "UNICEF", "OPEC", "FIFA", "NAFTA", "AIDS", "LASER", "RADAR", "SCUBA",
    "GIF", "COVID", "PIN", "SIM", "SWAT", "NASDAQ", "IKEA", "LEGO", "ZIP", "OSHA", "FEMA", "DARPA",
    "INTERPOL", "UNIX", "LINUX", "SARS", "ASEAN", "NOAA", "POTUS", "SCOTUS", "WASP", "YOLO",
    "EMOJI", "CAPTCHA", "NIMBY", "CERN", "JPEG", "SONAR", "LIDAR", "UEFA", "NORAD", "MERS",
    "BAFTA", "ANZAC", "RAM", "ROM",
];

/// Short all-caps words that are ordinary words when shouted.
pub(super) const SHOUTED_WORDS: &[&str] = &[
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

pub(super) const CHAPTER_WORDS: &[&str] = &[
    "chapter", "part", "volume", "vol", "book", "act", "scene", "section", "article", "psalm",
    "phase", "stage", "level", "round", "war", "episode", "season", "appendix", "unit", "title",
    "class", "type", "grade", "schedule",
];

/// Roman numeral letters and their values.
pub(super) const ROMAN_DIGITS: &[(char, u64)] = &[
    ('I', 1),
    ('V', 5),
    ('X', 10),
    ('L', 50),
    ('C', 100),
    ('D', 500),
    ('M', 1000),
];

/// Canonical Roman numeral spelling, largest first.
pub(super) const ROMAN_PARTS: &[(u64, &str)] = &[
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
