//! The email texts: subject and plain-text body per kind, per language in `Lang::ALL`
//! order. `{name}` placeholders are filled in by `compose`.

use super::MailKind;

/// Subject and body lines, per language in `Lang::ALL` order.
pub(super) fn texts(kind: MailKind) -> [(&'static str, &'static str); 5] {
    match kind {
        MailKind::SignupCode => [
            ("Your netid confirmation code", "Your confirmation code is {code}. It is valid for 10 minutes."),
            ("Votre code de confirmation netid", "Votre code de confirmation est {code}. Il est valable 10 minutes."),
            ("Код подтверждения netid", "Ваш код подтверждения: {code}. Он действует 10 минут."),
            ("Mã xác nhận netid của bạn", "Mã xác nhận của bạn là {code}. Mã có hiệu lực trong 10 phút."),
            ("Twój kod potwierdzający netid", "Twój kod potwierdzający to {code}. Jest ważny przez 10 minut."),
        ],
        MailKind::EmailChangeCode => [
            ("Confirm your new email", "Enter {code} to make this your netid email. It is valid for 10 minutes."),
            ("Confirmez votre nouvel e-mail", "Saisissez {code} pour en faire votre e-mail netid. Il est valable 10 minutes."),
            ("Подтвердите новый адрес почты", "Введите {code}, чтобы сделать этот адрес почтой netid. Код действует 10 минут."),
            ("Xác nhận email mới", "Nhập {code} để dùng địa chỉ này làm email netid. Mã có hiệu lực trong 10 phút."),
            ("Potwierdź nowy adres e-mail", "Wpisz {code}, aby ustawić ten adres jako e-mail netid. Kod jest ważny przez 10 minut."),
        ],
        MailKind::PhoneChangeCode => [
            ("netid code", "netid code: {code}"),
            ("Code netid", "Code netid : {code}"),
            ("Код netid", "Код netid: {code}"),
            ("Mã netid", "Mã netid: {code}"),
            ("Kod netid", "Kod netid: {code}"),
        ],
        MailKind::PasswordResetCode => [
            ("Reset your netid password", "Your password reset code is {code}. It is valid for 10 minutes. If you did not ask for it, ignore this message."),
            ("Réinitialisez votre mot de passe netid", "Votre code de réinitialisation est {code}. Il est valable 10 minutes. Si vous ne l'avez pas demandé, ignorez ce message."),
            ("Сброс пароля netid", "Код для сброса пароля: {code}. Он действует 10 минут. Если вы его не запрашивали, проигнорируйте это сообщение."),
            ("Đặt lại mật khẩu netid", "Mã đặt lại mật khẩu của bạn là {code}. Mã có hiệu lực trong 10 phút. Nếu bạn không yêu cầu, hãy bỏ qua tin nhắn này."),
            ("Resetowanie hasła netid", "Twój kod do resetowania hasła to {code}. Jest ważny przez 10 minut. Jeśli o niego nie prosiłeś, zignoruj tę wiadomość."),
        ],
        MailKind::PasswordChanged => [
            ("Your netid password was changed", "Your password was changed and your other sessions were ended. If this was not you, reset your password now."),
            ("Votre mot de passe netid a été modifié", "Votre mot de passe a été modifié et vos autres sessions ont été fermées. Si ce n'était pas vous, réinitialisez-le maintenant."),
            ("Пароль netid изменён", "Ваш пароль изменён, остальные сеансы завершены. Если это были не вы, немедленно сбросьте пароль."),
            ("Mật khẩu netid của bạn đã được thay đổi", "Mật khẩu của bạn đã được thay đổi và các phiên khác đã kết thúc. Nếu không phải bạn, hãy đặt lại mật khẩu ngay."),
            ("Hasło netid zostało zmienione", "Twoje hasło zostało zmienione, a pozostałe sesje zakończone. Jeśli to nie Ty, natychmiast zresetuj hasło."),
        ],
        MailKind::Invitation => [
            ("You are invited to {account}", "You are invited to join {account} on netid. Accept within 7 days: {link}"),
            ("Vous êtes invité à rejoindre {account}", "Vous êtes invité à rejoindre {account} sur netid. Acceptez sous 7 jours : {link}"),
            ("Приглашение в {account}", "Вас пригласили в {account} в netid. Примите приглашение в течение 7 дней: {link}"),
            ("Lời mời tham gia {account}", "Bạn được mời tham gia {account} trên netid. Hãy chấp nhận trong 7 ngày: {link}"),
            ("Zaproszenie do {account}", "Zaproszono Cię do {account} w netid. Przyjmij zaproszenie w ciągu 7 dni: {link}"),
        ],
        MailKind::LoginDetails => [
            ("Your login for {account}", "An administrator of {account} created your netid login: {login}. Confirm that this address is yours with the code {code} (valid 10 minutes; logging in sends a new one). Then log in with the password the administrator gives you: you will choose your own at the first login. Or set one now with Forgot password: {link}"),
            ("Votre identifiant pour {account}", "Un administrateur de {account} a créé votre identifiant netid : {login}. Confirmez que cette adresse est la vôtre avec le code {code} (valable 10 minutes ; une connexion en envoie un nouveau). Connectez-vous ensuite avec le mot de passe que l'administrateur vous donnera : vous choisirez le vôtre à la première connexion. Ou choisissez-le dès maintenant avec Mot de passe oublié : {link}"),
            ("Ваш логин для {account}", "Администратор {account} создал ваш логин netid: {login}. Подтвердите, что этот адрес ваш, кодом {code} (действует 10 минут; при входе придёт новый). Затем войдите с паролем, который сообщит администратор: при первом входе вы зададите свой. Или задайте пароль сейчас через «Забыли пароль?»: {link}"),
            ("Thông tin đăng nhập {account}", "Quản trị viên của {account} đã tạo thông tin đăng nhập netid cho bạn: {login}. Hãy xác nhận địa chỉ này là của bạn bằng mã {code} (hiệu lực 10 phút; đăng nhập sẽ gửi mã mới). Sau đó đăng nhập bằng mật khẩu quản trị viên cung cấp: bạn sẽ đặt mật khẩu riêng ở lần đăng nhập đầu tiên. Hoặc đặt mật khẩu ngay bằng Quên mật khẩu: {link}"),
            ("Twój login do {account}", "Administrator {account} utworzył Twój login netid: {login}. Potwierdź, że ten adres należy do Ciebie, kodem {code} (ważny 10 minut; logowanie wyśle nowy). Następnie zaloguj się hasłem od administratora: przy pierwszym logowaniu ustawisz własne. Możesz też ustawić je teraz przez „Nie pamiętasz hasła?”: {link}"),
        ],
        MailKind::TwoFactorDisabled => [
            ("Two-step authentication was switched off", "Two-step authentication was switched off for your netid profile and your other sessions were ended. If this was not you, change your password and switch it on again now."),
            ("La validation en deux étapes a été désactivée", "La validation en deux étapes de votre profil netid a été désactivée et vos autres sessions ont été fermées. Si ce n'était pas vous, changez votre mot de passe et réactivez-la maintenant."),
            ("Двухэтапная аутентификация отключена", "Для вашего профиля netid отключена двухэтапная аутентификация, остальные сеансы завершены. Если это были не вы, смените пароль и снова включите её."),
            ("Xác thực hai bước đã bị tắt", "Xác thực hai bước của hồ sơ netid đã bị tắt và các phiên khác đã kết thúc. Nếu không phải bạn, hãy đổi mật khẩu và bật lại ngay."),
            ("Uwierzytelnianie dwuetapowe zostało wyłączone", "Uwierzytelnianie dwuetapowe Twojego profilu netid zostało wyłączone, a pozostałe sesje zakończone. Jeśli to nie Ty, zmień hasło i włącz je ponownie."),
        ],
        MailKind::RecoveryCodeUsed => [
            ("A recovery code was used", "Someone logged in to your netid profile with one of your recovery codes; it cannot be used again. If this was not you, change your password and make new recovery codes now."),
            ("Un code de récupération a été utilisé", "Quelqu'un s'est connecté à votre profil netid avec l'un de vos codes de récupération ; il ne pourra plus servir. Si ce n'était pas vous, changez votre mot de passe et générez de nouveaux codes maintenant."),
            ("Использован код восстановления", "Кто-то вошёл в ваш профиль netid с одним из кодов восстановления; повторно он не сработает. Если это были не вы, смените пароль и создайте новые коды."),
            ("Một mã khôi phục đã được dùng", "Ai đó đã đăng nhập hồ sơ netid bằng một mã khôi phục của bạn; mã này không dùng lại được. Nếu không phải bạn, hãy đổi mật khẩu và tạo mã mới ngay."),
            ("Użyto kodu odzyskiwania", "Ktoś zalogował się do Twojego profilu netid jednym z kodów odzyskiwania; nie zadziała on ponownie. Jeśli to nie Ty, zmień hasło i wygeneruj nowe kody."),
        ],
        MailKind::EmailChanged => [
            ("Your netid email was changed", "The email of your netid profile was changed to {email}; this address no longer logs in. If this was not you, reset your password with your phone or contact your administrator now."),
            ("L'e-mail de votre profil netid a été modifié", "L'e-mail de votre profil netid a été remplacé par {email} ; cette adresse ne permet plus de se connecter. Si ce n'était pas vous, réinitialisez votre mot de passe avec votre téléphone ou contactez votre administrateur maintenant."),
            ("Почта профиля netid изменена", "Почта вашего профиля netid изменена на {email}; с этим адресом больше нельзя войти. Если это были не вы, сбросьте пароль через телефон или немедленно обратитесь к администратору."),
            ("Email netid của bạn đã được thay đổi", "Email của hồ sơ netid đã được đổi thành {email}; địa chỉ này không còn dùng để đăng nhập. Nếu không phải bạn, hãy đặt lại mật khẩu bằng điện thoại hoặc liên hệ quản trị viên ngay."),
            ("Adres e-mail netid został zmieniony", "Adres e-mail Twojego profilu netid zmieniono na {email}; tym adresem nie można się już logować. Jeśli to nie Ty, zresetuj hasło przez telefon lub natychmiast skontaktuj się z administratorem."),
        ],
        MailKind::InactivityWarning => [
            ("{account} will be deleted in 7 days", "Nobody has logged in to {account} for 43 days. Free accounts are deleted after 50 days without a login: log in within 7 days to keep it."),
            ("{account} sera supprimé dans 7 jours", "Personne ne s'est connecté à {account} depuis 43 jours. Les comptes gratuits sont supprimés après 50 jours sans connexion : connectez-vous dans les 7 jours pour le conserver."),
            ("{account} будет удалён через 7 дней", "В {account} никто не входил 43 дня. Бесплатные аккаунты удаляются после 50 дней без входа: войдите в течение 7 дней, чтобы сохранить его."),
            ("{account} sẽ bị xóa sau 7 ngày", "Không ai đăng nhập vào {account} trong 43 ngày. Tài khoản miễn phí bị xóa sau 50 ngày không đăng nhập: hãy đăng nhập trong 7 ngày để giữ lại."),
            ("{account} zostanie usunięte za 7 dni", "Nikt nie logował się do {account} od 43 dni. Darmowe konta są usuwane po 50 dniach bez logowania: zaloguj się w ciągu 7 dni, aby je zachować."),
        ],
        MailKind::SocialConnected => [
            ("A {provider} login was connected", "A {provider} account was connected to your netid profile: it can now be used to log in. If this was not you, disconnect it in your profile and change your password now."),
            ("Une connexion {provider} a été associée", "Un compte {provider} a été associé à votre profil netid : il permet désormais de vous connecter. Si ce n'était pas vous, dissociez-le dans votre profil et changez votre mot de passe maintenant."),
            ("Привязан вход через {provider}", "К вашему профилю netid привязан аккаунт {provider}: теперь через него можно войти. Если это были не вы, отвяжите его в профиле и смените пароль."),
            ("Đã liên kết đăng nhập {provider}", "Một tài khoản {provider} đã được liên kết với hồ sơ netid của bạn: giờ có thể dùng nó để đăng nhập. Nếu không phải bạn, hãy hủy liên kết trong hồ sơ và đổi mật khẩu ngay."),
            ("Połączono logowanie przez {provider}", "Do Twojego profilu netid połączono konto {provider}: można nim teraz się logować. Jeśli to nie Ty, odłącz je w profilu i natychmiast zmień hasło."),
        ],
        MailKind::PasskeyAdded => [
            ("A passkey was added", "The passkey \u{201c}{name}\u{201d} was added to your netid profile: it can now be used to log in. If this was not you, remove it under Security and change your password now."),
            ("Une clé d'accès a été ajoutée", "La clé d'accès \u{ab}\u{a0}{name}\u{a0}\u{bb} a été ajoutée à votre profil netid : elle permet désormais de vous connecter. Si ce n'était pas vous, supprimez-la dans Sécurité et changez votre mot de passe maintenant."),
            ("Добавлен ключ доступа", "К вашему профилю netid добавлен ключ доступа \u{ab}{name}\u{bb}: теперь с ним можно войти. Если это были не вы, удалите его в разделе «Безопасность» и смените пароль."),
            ("Đã thêm khóa truy cập", "Khóa truy cập \u{201c}{name}\u{201d} đã được thêm vào hồ sơ netid của bạn: giờ có thể dùng nó để đăng nhập. Nếu không phải bạn, hãy xóa nó trong mục Bảo mật và đổi mật khẩu ngay."),
            ("Dodano klucz dostępu", "Do Twojego profilu netid dodano klucz dostępu \u{201e}{name}\u{201d}: można nim teraz się logować. Jeśli to nie Ty, usuń go w sekcji Bezpieczeństwo i natychmiast zmień hasło."),
        ],
        MailKind::PasskeyRemoved => [
            ("A passkey was removed", "The passkey \u{201c}{name}\u{201d} was removed from your netid profile and can no longer log in. If this was not you, change your password now."),
            ("Une clé d'accès a été supprimée", "La clé d'accès \u{ab}\u{a0}{name}\u{a0}\u{bb} a été supprimée de votre profil netid et ne permet plus de vous connecter. Si ce n'était pas vous, changez votre mot de passe maintenant."),
            ("Ключ доступа удалён", "Ключ доступа \u{ab}{name}\u{bb} удалён из вашего профиля netid, с ним больше нельзя войти. Если это были не вы, смените пароль."),
            ("Đã xóa khóa truy cập", "Khóa truy cập \u{201c}{name}\u{201d} đã bị xóa khỏi hồ sơ netid của bạn và không còn đăng nhập được. Nếu không phải bạn, hãy đổi mật khẩu ngay."),
            ("Usunięto klucz dostępu", "Klucz dostępu \u{201e}{name}\u{201d} usunięto z Twojego profilu netid; nie można nim już się logować. Jeśli to nie Ty, natychmiast zmień hasło."),
        ],
        MailKind::PasskeyCloned => [
            ("A login with a copied passkey was refused", "Someone tried to log in to your netid profile with the passkey \u{201c}{name}\u{201d}, but its counter went back: a copy of it may exist. The login was refused. Remove this passkey under Security and add a new one."),
            ("Une connexion avec une copie de clé d'accès a été refusée", "Quelqu'un a tenté de se connecter à votre profil netid avec la clé d'accès \u{ab}\u{a0}{name}\u{a0}\u{bb}, mais son compteur a reculé : une copie existe peut-être. La connexion a été refusée. Supprimez cette clé dans Sécurité et ajoutez-en une nouvelle."),
            ("Отклонён вход со скопированным ключом доступа", "Кто-то пытался войти в ваш профиль netid с ключом доступа \u{ab}{name}\u{bb}, но его счётчик уменьшился: возможно, существует копия. Вход отклонён. Удалите этот ключ в разделе «Безопасность» и добавьте новый."),
            ("Đã từ chối đăng nhập bằng khóa truy cập bị sao chép", "Ai đó đã thử đăng nhập hồ sơ netid bằng khóa truy cập \u{201c}{name}\u{201d}, nhưng bộ đếm của nó bị lùi: có thể đã có bản sao. Lần đăng nhập đã bị từ chối. Hãy xóa khóa này trong mục Bảo mật và thêm khóa mới."),
            ("Odrzucono logowanie skopiowanym kluczem dostępu", "Ktoś próbował zalogować się do Twojego profilu netid kluczem dostępu \u{201e}{name}\u{201d}, ale jego licznik się cofnął: może istnieć kopia. Logowanie odrzucono. Usuń ten klucz w sekcji Bezpieczeństwo i dodaj nowy."),
        ],
        MailKind::TwoFactorEnabled => [
            ("Two-step authentication was switched on", "Two-step authentication was switched on for your netid profile: logging in now also asks for a code from your authenticator app. If this was not you, change your password and contact your administrator now."),
            ("La validation en deux étapes a été activée", "La validation en deux étapes a été activée pour votre profil netid : la connexion demande désormais aussi un code de votre application d'authentification. Si ce n'était pas vous, changez votre mot de passe et contactez votre administrateur maintenant."),
            ("Двухэтапная аутентификация включена", "Для вашего профиля netid включена двухэтапная аутентификация: теперь при входе нужен ещё и код из приложения-аутентификатора. Если это были не вы, смените пароль и обратитесь к администратору."),
            ("Xác thực hai bước đã được bật", "Xác thực hai bước đã được bật cho hồ sơ netid của bạn: giờ khi đăng nhập cần thêm mã từ ứng dụng xác thực. Nếu không phải bạn, hãy đổi mật khẩu và liên hệ quản trị viên ngay."),
            ("Włączono uwierzytelnianie dwuetapowe", "Dla Twojego profilu netid włączono uwierzytelnianie dwuetapowe: logowanie wymaga teraz także kodu z aplikacji uwierzytelniającej. Jeśli to nie Ty, zmień hasło i natychmiast skontaktuj się z administratorem."),
        ],
        MailKind::RecoveryCodesRenewed => [
            ("New recovery codes were made", "New recovery codes were made for your netid profile; the old ones no longer work. If this was not you, change your password now."),
            ("De nouveaux codes de récupération ont été générés", "De nouveaux codes de récupération ont été générés pour votre profil netid ; les anciens ne fonctionnent plus. Si ce n'était pas vous, changez votre mot de passe maintenant."),
            ("Созданы новые коды восстановления", "Для вашего профиля netid созданы новые коды восстановления; старые больше не действуют. Если это были не вы, смените пароль."),
            ("Đã tạo mã khôi phục mới", "Đã tạo mã khôi phục mới cho hồ sơ netid của bạn; mã cũ không còn dùng được. Nếu không phải bạn, hãy đổi mật khẩu ngay."),
            ("Wygenerowano nowe kody odzyskiwania", "Dla Twojego profilu netid wygenerowano nowe kody odzyskiwania; stare już nie działają. Jeśli to nie Ty, natychmiast zmień hasło."),
        ],
        MailKind::OtpReplayed => [
            ("A used code was tried again", "Someone entered a code from your authenticator app that had already been used, and netid refused it. If this was not you, someone may know your password: change it now."),
            ("Un code déjà utilisé a été réessayé", "Quelqu'un a saisi un code de votre application d'authentification déjà utilisé, et netid l'a refusé. Si ce n'était pas vous, quelqu'un connaît peut-être votre mot de passe : changez-le maintenant."),
            ("Повторно введён использованный код", "Кто-то ввёл уже использованный код из вашего приложения-аутентификатора, и netid его отклонил. Если это были не вы, возможно, кто-то знает ваш пароль: смените его."),
            ("Một mã đã dùng được thử lại", "Ai đó đã nhập một mã đã dùng từ ứng dụng xác thực của bạn và netid đã từ chối. Nếu không phải bạn, có thể ai đó biết mật khẩu của bạn: hãy đổi ngay."),
            ("Ponownie użyto wykorzystanego kodu", "Ktoś wpisał już wykorzystany kod z Twojej aplikacji uwierzytelniającej i netid go odrzucił. Jeśli to nie Ty, ktoś może znać Twoje hasło: natychmiast je zmień."),
        ],
        MailKind::PhoneChanged => [
            ("Your netid phone was changed", "The phone number of your netid profile was changed; this number no longer logs in. If this was not you, reset your password with your email or contact your administrator now."),
            ("Le téléphone de votre profil netid a été modifié", "Le numéro de téléphone de votre profil netid a été modifié ; ce numéro ne permet plus de se connecter. Si ce n'était pas vous, réinitialisez votre mot de passe avec votre e-mail ou contactez votre administrateur maintenant."),
            ("Телефон профиля netid изменён", "Номер телефона вашего профиля netid изменён; с этим номером больше нельзя войти. Если это были не вы, сбросьте пароль через почту или немедленно обратитесь к администратору."),
            ("Số điện thoại netid của bạn đã được thay đổi", "Số điện thoại của hồ sơ netid đã được thay đổi; số này không còn dùng để đăng nhập. Nếu không phải bạn, hãy đặt lại mật khẩu bằng email hoặc liên hệ quản trị viên ngay."),
            ("Numer telefonu netid został zmieniony", "Numer telefonu Twojego profilu netid został zmieniony; tym numerem nie można się już logować. Jeśli to nie Ty, zresetuj hasło przez e-mail lub natychmiast skontaktuj się z administratorem."),
        ],
        MailKind::NewSignIn => [
            ("New sign-in to your netid profile", "Your netid profile was signed in to from a new device or place: {time}, {place}, {device}. If this was you, there is nothing to do. If not, end that session in your sessions list ({link}) and change your password now."),
            ("Nouvelle connexion à votre profil netid", "Votre profil netid a été ouvert depuis un nouvel appareil ou un nouveau lieu : {time}, {place}, {device}. Si c'était vous, il n'y a rien à faire. Sinon, fermez cette session dans la liste de vos sessions ({link}) et changez votre mot de passe maintenant."),
            ("Новый вход в профиль netid", "В ваш профиль netid вошли с нового устройства или из нового места: {time}, {place}, {device}. Если это были вы, ничего делать не нужно. Если нет, завершите этот сеанс в списке сеансов ({link}) и смените пароль."),
            ("Đăng nhập mới vào hồ sơ netid", "Hồ sơ netid của bạn vừa được đăng nhập từ một thiết bị hoặc địa điểm mới: {time}, {place}, {device}. Nếu là bạn thì không cần làm gì. Nếu không, hãy kết thúc phiên đó trong danh sách phiên ({link}) và đổi mật khẩu ngay."),
            ("Nowe logowanie do profilu netid", "Do Twojego profilu netid zalogowano się z nowego urządzenia lub miejsca: {time}, {place}, {device}. Jeśli to Ty, nic nie musisz robić. Jeśli nie, zakończ tę sesję na liście sesji ({link}) i natychmiast zmień hasło."),
        ],
    }
}
