use super::*;

const CODE: &str = "482916";
/// A link as the invitation flow builds it: origin, route, a 43-character token.
const LINK: &str = "https://netid.example.com/#/invite/Q2hhbmdlIG1lOiB0aGlzIGlzIGEgdG9rZW4gb2YgNDMgY2g";
const ACCOUNT: &str = "<b>Acme</b> pay.example.com";

fn vars() -> Vec<(&'static str, &'static str)> {
    vec![
        ("code", CODE),
        ("link", LINK),
        ("account", ACCOUNT),
        ("login", "olga@example.com"),
        ("email", "m***@example.org"),
        ("provider", "Google"),
        ("name", "Work laptop"),
        ("time", "2026-12-07 17:05 UTC"),
        ("place", "Lyon, FR"),
        ("device", "Firefox on Linux"),
    ]
}

fn carries_code(kind: MailKind) -> bool {
    matches!(
        kind,
        MailKind::SignupCode
            | MailKind::EmailChangeCode
            | MailKind::PhoneChangeCode
            | MailKind::PasswordResetCode
            | MailKind::LoginDetails
    )
}

fn carries_link(kind: MailKind) -> bool {
    matches!(kind, MailKind::Invitation | MailKind::LoginDetails | MailKind::NewSignIn)
}

#[test]
fn every_kind_is_written_in_every_language_for_both_channels() {
    for kind in MailKind::ALL {
        assert_eq!(MailKind::from_name(kind.as_str()), Some(kind));
        for lang in Lang::ALL {
            for channel in [Channel::Email, Channel::Sms] {
                let m = compose(kind, lang, channel, &vars());
                let all = format!("{}{}{}", m.subject, m.text, m.html);
                assert!(!m.subject.is_empty() && !m.text.is_empty(), "{kind:?} {lang:?} {channel:?}");
                assert!(!all.contains('{') && !all.contains('}'), "a placeholder left in {kind:?} {lang:?}: {all}");
                if carries_code(kind) {
                    assert!(m.text.contains(CODE), "{kind:?} {lang:?} {channel:?} lacks the code");
                }
                if carries_link(kind) {
                    assert!(m.text.contains(LINK), "{kind:?} {lang:?} {channel:?} lacks the link");
                }
            }
        }
    }
}

#[test]
fn html_shows_the_code_and_the_link_prominently() {
    for kind in MailKind::ALL {
        for lang in Lang::ALL {
            let m = compose(kind, lang, Channel::Email, &vars());
            assert!(m.html.starts_with("<!doctype html>"));
            assert!(m.html.contains(&format!("<html lang=\"{}\">", lang.tag())));
            if carries_code(kind) {
                assert!(m
                    .html
                    .contains(&format!("letter-spacing:6px;font-family:Menlo,Consolas,monospace\">{CODE}</p>")));
            }
            let hrefs = m.html.matches("href=").count();
            if carries_link(kind) {
                assert_eq!(hrefs, 1, "{kind:?} {lang:?}");
                assert!(m.html.contains(&format!("<a href=\"{LINK}\"")));
            } else {
                assert_eq!(hrefs, 0, "{kind:?} {lang:?}: a link in a message that has none");
            }
        }
    }
}

#[test]
fn an_account_name_is_data_never_markup_or_a_link() {
    for kind in [MailKind::Invitation, MailKind::LoginDetails, MailKind::InactivityWarning] {
        for lang in Lang::ALL {
            let m = compose(kind, lang, Channel::Email, &vars());
            assert!(!m.html.contains("<b>"), "{kind:?} {lang:?}: markup from an account name");
            assert!(m.html.contains("&lt;b&gt;Acme&lt;/"));
            for part in [&m.subject, &m.text, &m.html] {
                assert!(!part.contains("pay.example.com"), "{kind:?} {lang:?}: a clickable domain in {part}");
                assert!(part.contains("pay.\u{200B}example.\u{200B}com"));
            }
            let sms = compose(kind, lang, Channel::Sms, &vars());
            assert!(!sms.text.contains("Acme"), "{kind:?} {lang:?}: an account name in an SMS");
        }
    }
}

#[test]
fn an_unsafe_link_is_never_a_button() {
    let m =
        compose(MailKind::Invitation, Lang::En, Channel::Email, &[("link", "javascript:alert(1)"), ("account", "A")]);
    assert_eq!(m.html.matches("href=").count(), 0);
    let m = compose(
        MailKind::Invitation,
        Lang::En,
        Channel::Email,
        &[("link", "https://x/\"onmouseover=1"), ("account", "A")],
    );
    assert_eq!(m.html.matches("href=").count(), 0);
}

#[test]
fn an_sms_fits_one_segment_where_the_language_allows() {
    for kind in MailKind::ALL {
        for lang in Lang::ALL {
            let m = compose(kind, lang, Channel::Sms, &vars());
            let (enc, n) = sms_segments(&m.text);
            if matches!(lang, Lang::En | Lang::Fr) {
                assert_eq!(enc, SmsEncoding::Gsm7, "{kind:?} {lang:?} left GSM-7: {}", m.text);
            }
            if carries_link(kind) && enc == SmsEncoding::Ucs2 {
                // A 75-character link does not fit 70 UCS-2 units: two segments at most.
                assert!(n <= 2, "{kind:?} {lang:?}: {n} segments: {}", m.text);
            } else {
                assert_eq!(n, 1, "{kind:?} {lang:?}: {n} segments ({enc:?}): {}", m.text);
            }
        }
    }
}
