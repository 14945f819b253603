//! The five languages netid speaks, and how a request picks one.

use serde::{Deserialize, Serialize};

/// A language netid has messages for. English is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
    Ru,
    Vi,
    Pl,
}

impl Lang {
    /// Every supported language, in a stable order.
    pub const ALL: [Lang; 5] = [Lang::En, Lang::Fr, Lang::Ru, Lang::Vi, Lang::Pl];

    /// The BCP 47 primary tag (`en`, `fr`, ...).
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ru => "ru",
            Lang::Vi => "vi",
            Lang::Pl => "pl",
        }
    }

    /// Parses one language tag such as `fr`, `fr-CA` or `PL`; `None` when unsupported.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// Picks the best supported language from an `Accept-Language` header value,
    /// honouring q-values; English when nothing matches.
    pub fn negotiate(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, part) in header.split(',').enumerate().take(32) {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let mut q = 1.0f32;
            for p in pieces {
                if let Some(v) = p.trim().strip_prefix("q=") {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
            if q <= 0.0 {
                continue;
            }
            if let Some(lang) = Lang::from_tag(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
                };
                if better {
                    best = Some((q, pos, lang));
                }
            }
        }
        best.map(|b| b.2).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_with_q_values() {
        assert_eq!(Lang::negotiate("fr-CA,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(Lang::negotiate("de-DE, pl;q=0.5, ru;q=0.7"), Lang::Ru);
        assert_eq!(Lang::negotiate("vi"), Lang::Vi);
        assert_eq!(Lang::negotiate("de, ja"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Lang::negotiate("pl;q=0, fr;q=0.1"), Lang::Fr);
        assert_eq!(Lang::negotiate(";;;,,,q=abc"), Lang::En);
    }

    #[test]
    fn tags_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_tag(l.tag()), Some(l));
        }
        assert_eq!(Lang::from_tag("PL-pl"), Some(Lang::Pl));
        assert_eq!(Lang::from_tag("xx"), None);
    }
}
