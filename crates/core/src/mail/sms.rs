//! SMS: the short texts per kind and language, and how many segments a text costs.
//!
//! An SMS segment holds 160 GSM-7 characters (153 each when split) or, as soon as one
//! character is outside GSM-7, 70 UCS-2 code units (67 each when split). The texts are
//! written to fit one segment with their code; Russian, Vietnamese and Polish need UCS-2, so
//! texts carrying a link (~75 characters) take two or three segments there.
//! Account names are never put into an SMS: phones turn anything that looks like a domain
//! into a link, and the invitation page shows the account anyway.

use super::MailKind;

pub(super) fn text(kind: MailKind) -> [&'static str; 5] {
    match kind {
        MailKind::SignupCode => [
            "netid: your confirmation code is {code}. Valid for 10 minutes.",
            "netid : votre code de confirmation est {code}. Valable 10 minutes.",
            "netid: код подтверждения {code}. Действует 10 минут.",
            "netid: mã xác nhận của bạn là {code}. Hiệu lực 10 phút.",
            "netid: Twój kod potwierdzający to {code}. Ważny 10 minut.",
        ],
        MailKind::EmailChangeCode => [
            "netid: code {code} confirms your new email. Valid for 10 minutes.",
            "netid : le code {code} confirme votre nouvel e-mail. Valable 10 minutes.",
            "netid: код {code} подтверждает новую почту. Действует 10 минут.",
            "netid: mã {code} xác nhận email mới. Hiệu lực 10 phút.",
            "netid: kod {code} potwierdza nowy e-mail. Ważny 10 minut.",
        ],
        MailKind::PhoneChangeCode => [
            "netid: code {code} confirms your new phone number. Valid for 10 minutes.",
            "netid : le code {code} confirme votre nouveau téléphone. Valable 10 minutes.",
            "netid: код {code} подтверждает новый телефон. Действует 10 минут.",
            "netid: mã {code} xác nhận số điện thoại mới. Hiệu lực 10 phút.",
            "netid: kod {code} potwierdza nowy numer. Ważny 10 minut.",
        ],
        MailKind::PasswordResetCode => [
            "netid: your password reset code is {code}. Valid for 10 minutes. Not you? Ignore this.",
            "netid : votre code de réinitialisation est {code}. Valable 10 minutes. Pas vous ? Ignorez ce message.",
            "netid: код сброса пароля {code}. Действует 10 минут.",
            "netid: mã đặt lại mật khẩu {code}. Hiệu lực 10 phút.",
            "netid: kod resetowania hasła {code}. Ważny 10 minut.",
        ],
        MailKind::PasswordChanged => [
            "netid: your password was changed and your other sessions ended. Not you? Reset your password now.",
            "netid : votre mot de passe a été modifié. Pas vous ? Réinitialisez-le maintenant.",
            "netid: ваш пароль изменён. Если это не вы, сбросьте его.",
            "netid: mật khẩu đã được đổi. Không phải bạn? Đặt lại ngay.",
            "netid: hasło zostało zmienione. To nie Ty? Zresetuj je.",
        ],
        MailKind::EmailChanged => [
            "netid: your email was changed to {email}. Not you? Reset your password now.",
            "netid : votre e-mail a été remplacé par {email}. Pas vous ? Réinitialisez votre mot de passe.",
            "netid: почта изменена на {email}. Не вы? Сбросьте пароль.",
            "netid: email mới: {email}. Không phải bạn? Đổi mật khẩu.",
            "netid: nowy e-mail to {email}. To nie Ty? Zmień hasło.",
        ],
        MailKind::SocialConnected => [
            "netid: a {provider} login was connected. Not you? Disconnect it and change your password.",
            "netid : connexion {provider} associée. Pas vous ? Dissociez-la et changez de mot de passe.",
            "netid: привязан вход {provider}. Не вы? Отвяжите и смените пароль.",
            "netid: đã liên kết {provider}. Không phải bạn? Hủy và đổi mật khẩu.",
            "netid: połączono {provider}. To nie Ty? Odłącz i zmień hasło.",
        ],
        MailKind::PasskeyAdded => [
            "netid: a passkey was added. Not you? Remove it and change your password.",
            "netid : clé d'accès ajoutée. Pas vous ? Supprimez-la et changez de mot de passe.",
            "netid: добавлен ключ доступа. Не вы? Удалите его и смените пароль.",
            "netid: đã thêm khóa truy cập. Không phải bạn? Xóa và đổi mật khẩu.",
            "netid: dodano klucz dostępu. To nie Ty? Usuń go i zmień hasło.",
        ],
        MailKind::PasskeyRemoved => [
            "netid: a passkey was removed. Not you? Change your password now.",
            "netid : clé d'accès supprimée. Pas vous ? Changez de mot de passe.",
            "netid: ключ доступа удалён. Не вы? Смените пароль.",
            "netid: đã xóa khóa truy cập. Không phải bạn? Đổi mật khẩu ngay.",
            "netid: usunięto klucz dostępu. To nie Ty? Zmień hasło.",
        ],
        MailKind::PasskeyCloned => [
            "netid: a login with a copied passkey was refused. Remove it and add a new one.",
            "netid : connexion avec une clé copiée refusée. Supprimez-la, ajoutez-en une.",
            "netid: отклонён вход с копией ключа. Удалите его и добавьте новый.",
            "netid: từ chối đăng nhập bằng khóa bị sao chép. Xóa và thêm khóa mới.",
            "netid: odrzucono logowanie kopią klucza. Usuń go i dodaj nowy.",
        ],
        MailKind::TwoFactorEnabled => [
            "netid: two-step authentication was switched on. Not you? Change your password.",
            "netid : validation en deux étapes activée. Pas vous ? Changez de mot de passe.",
            "netid: двухэтапная аутентификация включена. Не вы? Смените пароль.",
            "netid: đã bật xác thực hai bước. Không phải bạn? Đổi mật khẩu.",
            "netid: włączono logowanie dwuetapowe. To nie Ty? Zmień hasło.",
        ],
        MailKind::RecoveryCodesRenewed => [
            "netid: new recovery codes were made. Not you? Change your password now.",
            "netid : nouveaux codes de récupération. Pas vous ? Changez de mot de passe.",
            "netid: созданы новые коды восстановления. Не вы? Смените пароль.",
            "netid: đã tạo mã khôi phục mới. Không phải bạn? Đổi mật khẩu.",
            "netid: nowe kody odzyskiwania. To nie Ty? Zmień hasło.",
        ],
        MailKind::OtpReplayed => [
            "netid: a used code was tried again and refused. Not you? Change your password.",
            "netid : un code déjà utilisé a été refusé. Pas vous ? Changez de mot de passe.",
            "netid: отклонён повторный код. Не вы? Смените пароль.",
            "netid: một mã đã dùng bị từ chối. Không phải bạn? Đổi mật khẩu.",
            "netid: odrzucono użyty kod. To nie Ty? Zmień hasło.",
        ],
        MailKind::PhoneChanged => [
            "netid: your phone number was changed; this number no longer logs in. Not you? Reset your password.",
            "netid : votre numéro a été modifié ; ce numéro ne connecte plus. Pas vous ? Réinitialisez le mot de passe.",
            "netid: номер изменён, с ним войти нельзя. Не вы? Сбросьте пароль.",
            "netid: đã đổi số điện thoại. Không phải bạn? Đặt lại mật khẩu.",
            "netid: zmieniono numer telefonu. To nie Ty? Zresetuj hasło.",
        ],
        MailKind::NewSignIn => [
            "netid: new sign-in from {place}. Not you? {link}",
            "netid : nouvelle connexion depuis {place}. Pas vous ? {link}",
            "netid: новый вход, {place}. Не вы? {link}",
            "netid: đăng nhập mới, {place}. Không phải bạn? {link}",
            "netid: nowe logowanie, {place}. To nie Ty? {link}",
        ],
        MailKind::TwoFactorDisabled => [
            "netid: two-step authentication was switched off. Not you? Change your password now.",
            "netid : la validation en deux étapes a été désactivée. Pas vous ? Changez de mot de passe.",
            "netid: двухэтапная проверка отключена. Не вы? Смените пароль.",
            "netid: xác thực hai bước đã tắt. Không phải bạn? Đổi mật khẩu.",
            "netid: wyłączono weryfikację dwuetapową. To nie Ty? Zmień hasło.",
        ],
        MailKind::RecoveryCodeUsed => [
            "netid: a recovery code was used to log in. Not you? Change your password now.",
            "netid : un code de récupération a servi à vous connecter. Pas vous ? Changez de mot de passe.",
            "netid: вход по коду восстановления. Не вы? Смените пароль.",
            "netid: đã đăng nhập bằng mã khôi phục. Không phải bạn? Đổi mật khẩu.",
            "netid: użyto kodu odzyskiwania. To nie Ty? Zmień hasło.",
        ],
        MailKind::Invitation => [
            "netid: you are invited to a workspace. Accept within 7 days: {link}",
            "netid : vous avez une invitation. Acceptez-la sous 7 jours : {link}",
            "netid: вас пригласили. Примите за 7 дней: {link}",
            "netid: bạn được mời. Chấp nhận trong 7 ngày: {link}",
            "netid: zaproszenie. Przyjmij w 7 dni: {link}",
        ],
        MailKind::LoginDetails => [
            "netid: an administrator created your login. Code {code}. Set your password: {link}",
            "netid : votre identifiant a été créé. Code {code}. Mot de passe : {link}",
            "netid: создан ваш логин. Код {code}. Пароль: {link}",
            "netid: tài khoản đã được tạo. Mã {code}. Mật khẩu: {link}",
            "netid: utworzono login. Kod {code}. Hasło: {link}",
        ],
        MailKind::InactivityWarning => [
            "netid: a free workspace you administer will be deleted in 7 days. Log in to keep it.",
            "netid : un espace gratuit que vous administrez sera supprimé dans 7 jours. Connectez-vous pour le garder.",
            "netid: ваше бесплатное пространство удалят через 7 дней. Войдите.",
            "netid: không gian miễn phí sẽ bị xóa sau 7 ngày. Hãy đăng nhập.",
            "netid: darmowe konto zostanie usunięte za 7 dni. Zaloguj się.",
        ],
    }
}

/// The encoding an SMS text needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

/// GSM 03.38's basic character set (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Its extension table (an escape plus one septet: two each).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// The encoding of `text` and the number of segments it is sent in.
pub fn segments(text: &str) -> (SmsEncoding, usize) {
    let mut septets = 0usize;
    let mut gsm = true;
    for c in text.chars() {
        if GSM7_BASIC.contains(c) {
            septets += 1;
        } else if GSM7_EXTENDED.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    if gsm {
        let n = if septets <= 160 { 1 } else { septets.div_ceil(153) };
        return (SmsEncoding::Gsm7, n);
    }
    let units = text.encode_utf16().count();
    let n = if units <= 70 { 1 } else { units.div_ceil(67) };
    (SmsEncoding::Ucs2, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_segments_like_a_carrier() {
        assert_eq!(segments(&"a".repeat(160)), (SmsEncoding::Gsm7, 1));
        assert_eq!(segments(&"a".repeat(161)), (SmsEncoding::Gsm7, 2));
        // Extension characters take two septets.
        assert_eq!(segments(&"€".repeat(80)), (SmsEncoding::Gsm7, 1));
        assert_eq!(segments(&"€".repeat(81)), (SmsEncoding::Gsm7, 2));
        // One character outside GSM-7 switches the whole text to UCS-2.
        assert_eq!(segments(&format!("{}ê", "a".repeat(69))), (SmsEncoding::Ucs2, 1));
        assert_eq!(segments(&format!("{}ê", "a".repeat(70))), (SmsEncoding::Ucs2, 2));
        assert_eq!(segments(&"я".repeat(134)), (SmsEncoding::Ucs2, 2));
        assert_eq!(segments(&"я".repeat(135)), (SmsEncoding::Ucs2, 3));
    }
}
