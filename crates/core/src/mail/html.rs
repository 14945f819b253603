//! The HTML part of an email: the plain text, escaped, with the code or the link made
//! prominent. Everything that came from a person (the account name, addresses) is escaped
//! text; the only `href` is the service's own link.

use super::MailKind;
use crate::lang::Lang;

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn button(kind: MailKind, lang: Lang) -> &'static str {
    let i = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    let labels = match kind {
        MailKind::Invitation => [
            "Accept the invitation",
            "Accepter l'invitation",
            "Принять приглашение",
            "Chấp nhận lời mời",
            "Przyjmij zaproszenie",
        ],
        MailKind::LoginDetails => {
            ["Set my password", "Choisir mon mot de passe", "Задать пароль", "Đặt mật khẩu", "Ustaw hasło"]
        }
        _ => ["Open netid", "Ouvrir netid", "Открыть netid", "Mở netid", "Otwórz netid"],
    };
    labels[i]
}

fn footer(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "You receive this message because this address was entered on netid. Never share this code or link.",
        Lang::Fr => "Vous recevez ce message parce que cette adresse a été saisie sur netid. Ne partagez jamais ce code ni ce lien.",
        Lang::Ru => "Вы получили это сообщение, потому что этот адрес указали в netid. Никому не сообщайте этот код и ссылку.",
        Lang::Vi => "Bạn nhận được tin này vì địa chỉ này đã được nhập trên netid. Đừng bao giờ chia sẻ mã hoặc liên kết này.",
        Lang::Pl => "Otrzymujesz tę wiadomość, ponieważ ten adres podano w netid. Nigdy nie udostępniaj tego kodu ani linku.",
    }
}

/// Only the service's own http(s) links become a button.
fn safe_link(link: &str) -> bool {
    (link.starts_with("https://") || link.starts_with("http://"))
        && !link.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

pub(super) fn render(
    kind: MailKind,
    lang: Lang,
    subject: &str,
    text: &str,
    code: Option<&str>,
    link: Option<&str>,
) -> String {
    let mut h = String::with_capacity(2048);
    h.push_str("<!doctype html><html lang=\"");
    h.push_str(lang.tag());
    h.push_str("\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>");
    h.push_str(&escape(subject));
    h.push_str("</title></head><body style=\"margin:0;padding:24px 12px;background:#f3f4f6;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827\">");
    h.push_str("<div style=\"max-width:520px;margin:0 auto;background:#ffffff;border-radius:8px;padding:28px\">");
    h.push_str("<p style=\"margin:0 0 16px;font-weight:700;color:#2563eb\">netid</p>");
    h.push_str("<h1 style=\"margin:0 0 16px;font-size:20px;line-height:1.3\">");
    h.push_str(&escape(subject));
    h.push_str("</h1>");
    if let Some(code) = code.filter(|c| !c.is_empty()) {
        h.push_str("<p style=\"margin:0 0 16px;font-size:32px;font-weight:700;letter-spacing:6px;font-family:Menlo,Consolas,monospace\">");
        h.push_str(&escape(code));
        h.push_str("</p>");
    }
    h.push_str("<p style=\"margin:0 0 16px;font-size:15px;line-height:1.5\">");
    h.push_str(&escape(text));
    h.push_str("</p>");
    if let Some(link) = link.filter(|l| safe_link(l)) {
        h.push_str("<p style=\"margin:0 0 16px\"><a href=\"");
        h.push_str(&escape(link));
        h.push_str("\" style=\"display:inline-block;background:#2563eb;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600\">");
        h.push_str(button(kind, lang));
        h.push_str("</a></p>");
    }
    h.push_str("<p style=\"margin:24px 0 0;font-size:12px;color:#6b7280\">");
    h.push_str(footer(lang));
    h.push_str("</p></div></body></html>");
    h
}
