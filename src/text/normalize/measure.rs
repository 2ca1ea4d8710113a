//! Measures: a number with a unit, attached ("5km", "20°C") or as the next
//! word ("5 km", "2 tbsp.").

use super::tables::{ATTACHED_ONLY_UNITS, UNITS};

/// Unit abbreviation → (singular, plural). `separate`: the unit is its own
/// token, where ambiguous ones ("s", "h", "W", …) are not units.
pub(super) fn unit_lookup(s: &str, separate: bool) -> Option<(&'static str, &'static str)> {
    if separate && ATTACHED_ONLY_UNITS.contains(&s) {
        return None;
    }
    UNITS
        .iter()
        .find(|(a, _, _)| *a == s)
        .map(|(_, sg, pl)| (*sg, *pl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(unit_lookup("km", true), Some(("kilometer", "kilometers")));
        assert_eq!(unit_lookup("s", false), Some(("second", "seconds")));
        assert_eq!(unit_lookup("s", true), None);
        assert_eq!(unit_lookup("KM", false), None);
    }
}
