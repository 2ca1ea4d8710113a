//! Money: "$79.99", "-$5", "5€", "£3.01", "$5 million", "$2.5bn", "50¢".

use super::numbers::{Num, cardinal, cardinal_str, parse_num, read_num, scale_word};
use super::tables::{CURRENCIES, Currency};
use super::token::{parse_u64, split_token};

fn currency(sign: char) -> Option<&'static Currency> {
    CURRENCIES.iter().find(|c| c.sign == sign)
}

/// A currency sign ("$", "€", "£", "¥", "₹").
pub(super) fn is_currency(c: char) -> bool {
    currency(c).is_some()
}

/// An amount with a currency sign before (optionally after a minus) or
/// after it: (words, following tokens used, for "$5 million").
pub(super) fn money_token(core: &str, next: Option<&str>) -> Option<(String, usize)> {
    // Currency prefix (optionally after a minus sign).
    let (neg_cur, cur_body) = match core.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, core),
    };
    if let Some(sym) = cur_body.chars().next().filter(|c| is_currency(*c)) {
        let amount = cur_body.get(sym.len_utf8()..).unwrap_or("");
        if let Some((s, used)) = read_money(sym, amount, next) {
            return Some((if neg_cur { format!("minus {s}") } else { s }, used));
        }
    }
    // Currency suffix ("5€").
    if let Some(sym) = core.chars().last().filter(|c| is_currency(*c)) {
        let amount = core.get(..core.len() - sym.len_utf8()).unwrap_or("");
        if let Some((s, used)) = read_money(sym, amount, next) {
            return Some((s, used));
        }
    }
    None
}

/// "50¢" → "fifty cents".
pub(super) fn cents_token(core: &str) -> Option<String> {
    let v = parse_u64(core.strip_suffix('¢')?)?;
    Some(format!(
        "{} {}",
        cardinal(v),
        if v == 1 { "cent" } else { "cents" }
    ))
}

fn read_money(sym: char, amount: &str, next: Option<&str>) -> Option<(String, usize)> {
    let cur = currency(sym)?;
    let (names_one, names_many, cent_one, cent_many) =
        (cur.one, cur.many, cur.cent_one, cur.cent_many);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let m = |s: &str, n: Option<&str>| money_token(s, n).map(|(w, _)| w);
        assert_eq!(m("$1.00", None).as_deref(), Some("one dollar"));
        assert_eq!(m("$0.01", None).as_deref(), Some("one cent"));
        assert_eq!(m("-$5", None).as_deref(), Some("minus five dollars"));
        assert_eq!(m("5€", None).as_deref(), Some("five euros"));
        assert_eq!(m("¥1.50", None).as_deref(), Some("one point five zero yen"));
        assert_eq!(
            m("£2.01", None).as_deref(),
            Some("two pounds and one penny")
        );
        assert_eq!(
            money_token("$5", Some("million,")),
            Some(("five million dollars".into(), 1))
        );
        assert_eq!(m("$5x", None), None);
        assert_eq!(cents_token("1¢").as_deref(), Some("one cent"));
        assert!(is_currency('₹') && !is_currency('¢'));
    }
}
