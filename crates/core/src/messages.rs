//! Localized error messages: one row per code, one column per language (en, fr, ru, vi, pl).
//! A test proves every code has a non-empty message in every language.

use crate::error::Code;
use crate::lang::Lang;

/// The five messages of a code, in `Lang::ALL` order.
fn row(code: Code) -> [&'static str; 5] {
    match code {
        Code::InvalidJson => [
            "The request body is not valid JSON.",
            "Le corps de la requête n'est pas un JSON valide.",
            "Тело запроса не является корректным JSON.",
            "Nội dung yêu cầu không phải là JSON hợp lệ.",
            "Treść żądania nie jest poprawnym JSON-em.",
        ],
        Code::InvalidRequest => [
            "The request is malformed: a field is missing, unknown or of the wrong type.",
            "La requête est mal formée : un champ est manquant, inconnu ou du mauvais type.",
            "Некорректный запрос: поле отсутствует, неизвестно или имеет неверный тип.",
            "Yêu cầu không đúng định dạng: một trường bị thiếu, không xác định hoặc sai kiểu.",
            "Nieprawidłowe żądanie: brakuje pola, jest ono nieznane lub ma zły typ.",
        ],
        Code::PayloadTooLarge => [
            "The request is too large.",
            "La requête est trop volumineuse.",
            "Запрос слишком большой.",
            "Yêu cầu quá lớn.",
            "Żądanie jest zbyt duże.",
        ],
        Code::UnsupportedMediaType => [
            "This content type is not supported.",
            "Ce type de contenu n'est pas pris en charge.",
            "Этот тип содержимого не поддерживается.",
            "Loại nội dung này không được hỗ trợ.",
            "Ten typ zawartości nie jest obsługiwany.",
        ],
        Code::InvalidEmail => [
            "Enter a valid email address, like name@example.com.",
            "Saisissez une adresse e-mail valide, par exemple nom@exemple.com.",
            "Введите корректный адрес электронной почты, например name@example.com.",
            "Nhập địa chỉ email hợp lệ, ví dụ name@example.com.",
            "Wpisz poprawny adres e-mail, np. imie@example.com.",
        ],
        Code::InvalidPhone => [
            "Enter a valid phone number with its country code, like +33 6 12 34 56 78.",
            "Saisissez un numéro de téléphone valide avec l'indicatif du pays, par exemple +33 6 12 34 56 78.",
            "Введите корректный номер телефона с кодом страны, например +7 912 345-67-89.",
            "Nhập số điện thoại hợp lệ kèm mã quốc gia, ví dụ +84 912 345 678.",
            "Wpisz poprawny numer telefonu z kierunkowym kraju, np. +48 512 345 678.",
        ],
        Code::InvalidName => [
            "Enter a name of 1 to 50 letters; spaces, hyphens and apostrophes are allowed.",
            "Saisissez un nom de 1 à 50 lettres ; les espaces, tirets et apostrophes sont autorisés.",
            "Введите имя длиной от 1 до 50 букв; допускаются пробелы, дефисы и апострофы.",
            "Nhập tên từ 1 đến 50 chữ cái; cho phép dấu cách, gạch nối và dấu nháy.",
            "Wpisz imię lub nazwisko od 1 do 50 liter; dozwolone są spacje, łączniki i apostrofy.",
        ],
        Code::PasswordTooShort => [
            "The password must be at least 8 characters long.",
            "Le mot de passe doit contenir au moins 8 caractères.",
            "Пароль должен содержать не менее 8 символов.",
            "Mật khẩu phải có ít nhất 8 ký tự.",
            "Hasło musi mieć co najmniej 8 znaków.",
        ],
        Code::PasswordTooLong => [
            "The password must be at most 128 characters long.",
            "Le mot de passe doit contenir au plus 128 caractères.",
            "Пароль должен содержать не более 128 символов.",
            "Mật khẩu chỉ được có tối đa 128 ký tự.",
            "Hasło może mieć najwyżej 128 znaków.",
        ],
        Code::PasswordCommon => [
            "This password is too common and easy to guess. Choose another one.",
            "Ce mot de passe est trop courant et facile à deviner. Choisissez-en un autre.",
            "Этот пароль слишком распространён и легко угадывается. Выберите другой.",
            "Mật khẩu này quá phổ biến và dễ đoán. Hãy chọn mật khẩu khác.",
            "To hasło jest zbyt popularne i łatwe do odgadnięcia. Wybierz inne.",
        ],
        Code::PasswordPersonal => [
            "The password must not be built from your name, email or phone number.",
            "Le mot de passe ne doit pas reprendre votre nom, votre e-mail ou votre numéro de téléphone.",
            "Пароль не должен состоять из вашего имени, адреса почты или номера телефона.",
            "Mật khẩu không được tạo từ tên, email hoặc số điện thoại của bạn.",
            "Hasło nie może być zbudowane z imienia, adresu e-mail ani numeru telefonu.",
        ],
        Code::InvalidCode => [
            "The code is incorrect.",
            "Le code est incorrect.",
            "Неверный код.",
            "Mã không đúng.",
            "Kod jest nieprawidłowy.",
        ],
        Code::CodeExpired => [
            "The code has expired. Request a new one.",
            "Le code a expiré. Demandez-en un nouveau.",
            "Срок действия кода истёк. Запросите новый.",
            "Mã đã hết hạn. Hãy yêu cầu mã mới.",
            "Kod wygasł. Poproś o nowy.",
        ],
        Code::CodeAttemptsExceeded => [
            "Too many wrong codes. Request a new code.",
            "Trop de codes erronés. Demandez un nouveau code.",
            "Слишком много неверных попыток. Запросите новый код.",
            "Nhập sai mã quá nhiều lần. Hãy yêu cầu mã mới.",
            "Zbyt wiele błędnych kodów. Poproś o nowy kod.",
        ],
        Code::InvalidCredentials => [
            "Incorrect login or password.",
            "Identifiant ou mot de passe incorrect.",
            "Неверный логин или пароль.",
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            "Nieprawidłowy login lub hasło.",
        ],
        Code::EmailUnconfirmed => [
            "Confirm your email first: we have sent you a new code.",
            "Confirmez d'abord votre e-mail : nous vous avons envoyé un nouveau code.",
            "Сначала подтвердите адрес почты: мы отправили вам новый код.",
            "Hãy xác nhận email trước: chúng tôi đã gửi cho bạn mã mới.",
            "Najpierw potwierdź adres e-mail: wysłaliśmy Ci nowy kod.",
        ],
        Code::PhoneUnconfirmed => [
            "Confirm your phone number first: we have sent you a new code.",
            "Confirmez d'abord votre numéro de téléphone : nous vous avons envoyé un nouveau code.",
            "Сначала подтвердите номер телефона: мы отправили вам новый код.",
            "Hãy xác nhận số điện thoại trước: chúng tôi đã gửi cho bạn mã mới.",
            "Najpierw potwierdź numer telefonu: wysłaliśmy Ci nowy kod.",
        ],
        Code::SecondFactorRequired => [
            "Enter the code from your authenticator app.",
            "Saisissez le code de votre application d'authentification.",
            "Введите код из приложения-аутентификатора.",
            "Nhập mã từ ứng dụng xác thực của bạn.",
            "Wpisz kod z aplikacji uwierzytelniającej.",
        ],
        Code::TooManyAttempts => [
            "Too many attempts. Try again later.",
            "Trop de tentatives. Réessayez plus tard.",
            "Слишком много попыток. Повторите позже.",
            "Quá nhiều lần thử. Hãy thử lại sau.",
            "Zbyt wiele prób. Spróbuj ponownie później.",
        ],
        Code::Unauthenticated => [
            "Your session has ended. Log in again.",
            "Votre session a expiré. Reconnectez-vous.",
            "Сеанс завершён. Войдите снова.",
            "Phiên làm việc đã kết thúc. Hãy đăng nhập lại.",
            "Sesja wygasła. Zaloguj się ponownie.",
        ],
        Code::InvalidRefreshToken => [
            "This desktop session can no longer be renewed. Log in again.",
            "Cette session de l'application de bureau ne peut plus être renouvelée. Reconnectez-vous.",
            "Этот сеанс настольного приложения больше нельзя продлить. Войдите снова.",
            "Phiên của ứng dụng máy tính này không thể gia hạn nữa. Hãy đăng nhập lại.",
            "Tej sesji aplikacji desktopowej nie można już odnowić. Zaloguj się ponownie.",
        ],
        Code::Forbidden => [
            "You are not allowed to do this.",
            "Vous n'êtes pas autorisé à effectuer cette action.",
            "У вас нет прав на это действие.",
            "Bạn không có quyền thực hiện thao tác này.",
            "Nie masz uprawnień do tej czynności.",
        ],
        Code::OriginNotAllowed => [
            "This request came from a page netid does not trust.",
            "Cette requête provient d'une page à laquelle netid ne fait pas confiance.",
            "Запрос отправлен со страницы, которой netid не доверяет.",
            "Yêu cầu này đến từ một trang mà netid không tin cậy.",
            "To żądanie pochodzi ze strony, której netid nie ufa.",
        ],
        Code::NotFound => ["Not found.", "Introuvable.", "Не найдено.", "Không tìm thấy.", "Nie znaleziono."],
        Code::MethodNotAllowed => [
            "This method is not allowed here.",
            "Cette méthode n'est pas autorisée ici.",
            "Этот метод здесь не разрешён.",
            "Phương thức này không được phép ở đây.",
            "Ta metoda nie jest tu dozwolona.",
        ],
        Code::EmailTaken => [
            "A user already has this email.",
            "Un utilisateur possède déjà cette adresse e-mail.",
            "Пользователь с таким адресом почты уже существует.",
            "Đã có người dùng sử dụng email này.",
            "Użytkownik z tym adresem e-mail już istnieje.",
        ],
        Code::PhoneTaken => [
            "A user already has this phone number.",
            "Un utilisateur possède déjà ce numéro de téléphone.",
            "Пользователь с таким номером телефона уже существует.",
            "Đã có người dùng sử dụng số điện thoại này.",
            "Użytkownik z tym numerem telefonu już istnieje.",
        ],
        Code::ValueUnchanged => [
            "This is already your current value.",
            "C'est déjà votre valeur actuelle.",
            "Это значение уже установлено.",
            "Đây đã là giá trị hiện tại của bạn.",
            "To już jest Twoja obecna wartość.",
        ],
        Code::ProfileHasAccounts => [
            "Leave or delete all your accounts before deleting your profile.",
            "Quittez ou supprimez tous vos comptes avant de supprimer votre profil.",
            "Перед удалением профиля покиньте или удалите все свои аккаунты.",
            "Hãy rời hoặc xóa tất cả tài khoản trước khi xóa hồ sơ.",
            "Przed usunięciem profilu opuść lub usuń wszystkie swoje konta.",
        ],
        Code::InvalidPhoto => [
            "Upload a PNG, JPEG or WebP image of at most 5 MB and 40 megapixels.",
            "Téléversez une image PNG, JPEG ou WebP de 5 Mo et 40 mégapixels au maximum.",
            "Загрузите изображение PNG, JPEG или WebP размером не более 5 МБ и 40 мегапикселей.",
            "Hãy tải lên ảnh PNG, JPEG hoặc WebP tối đa 5 MB và 40 megapixel.",
            "Prześlij obraz PNG, JPEG lub WebP o rozmiarze do 5 MB i 40 megapikseli.",
        ],
        Code::NotAccountAdmin => [
            "Only an administrator of this account can do this.",
            "Seul un administrateur de ce compte peut effectuer cette action.",
            "Это может сделать только администратор аккаунта.",
            "Chỉ quản trị viên của tài khoản này mới có thể thực hiện.",
            "Tylko administrator tego konta może to zrobić.",
        ],
        Code::AccountLimitReached => [
            "You have already created the maximum of 7 accounts.",
            "Vous avez déjà créé le maximum de 7 comptes.",
            "Вы уже создали максимальное число аккаунтов: 7.",
            "Bạn đã tạo tối đa 7 tài khoản.",
            "Utworzono już maksymalną liczbę 7 kont.",
        ],
        Code::RenameLimitReached => [
            "This account cannot be renamed again. Contact support on a paid plan.",
            "Ce compte ne peut plus être renommé. Contactez le support avec une offre payante.",
            "Этот аккаунт больше нельзя переименовать. На платном тарифе обратитесь в поддержку.",
            "Không thể đổi tên tài khoản này nữa. Hãy liên hệ hỗ trợ nếu dùng gói trả phí.",
            "Tego konta nie można ponownie przemianować. W planie płatnym skontaktuj się z pomocą.",
        ],
        Code::TooManyInvitees => [
            "You can invite at most 5 people at once.",
            "Vous pouvez inviter au maximum 5 personnes à la fois.",
            "За один раз можно пригласить не более 5 человек.",
            "Bạn chỉ có thể mời tối đa 5 người mỗi lần.",
            "Jednorazowo można zaprosić najwyżej 5 osób.",
        ],
        Code::AlreadyMember => [
            "This person is already a member of the account.",
            "Cette personne est déjà membre du compte.",
            "Этот человек уже состоит в аккаунте.",
            "Người này đã là thành viên của tài khoản.",
            "Ta osoba jest już członkiem konta.",
        ],
        Code::AlreadyInvited => [
            "This person has already been invited.",
            "Cette personne a déjà été invitée.",
            "Этот человек уже приглашён.",
            "Người này đã được mời.",
            "Ta osoba została już zaproszona.",
        ],
        Code::InvitationExpired => [
            "This invitation has expired. Ask for a new one.",
            "Cette invitation a expiré. Demandez-en une nouvelle.",
            "Срок действия приглашения истёк. Попросите новое.",
            "Lời mời này đã hết hạn. Hãy yêu cầu lời mời mới.",
            "To zaproszenie wygasło. Poproś o nowe.",
        ],
        Code::ExtranetRequiresExtranetGroup => [
            "Extranet users can only be invited into extranet groups.",
            "Les utilisateurs extranet ne peuvent être invités que dans des groupes extranet.",
            "Пользователей экстранета можно приглашать только в группы экстранета.",
            "Người dùng extranet chỉ có thể được mời vào nhóm extranet.",
            "Użytkowników ekstranetu można zapraszać tylko do grup ekstranetowych.",
        ],
        Code::InvalidAccountName => [
            "Enter an account name of 1 to 100 characters, without invisible or text-direction characters.",
            "Saisissez un nom de compte de 1 à 100 caractères, sans caractère invisible ni de sens d'écriture.",
            "Введите название аккаунта длиной от 1 до 100 символов, без невидимых символов и символов направления текста.",
            "Nhập tên tài khoản từ 1 đến 100 ký tự, không có ký tự ẩn hay ký tự điều khiển hướng chữ.",
            "Wpisz nazwę konta o długości od 1 do 100 znaków, bez znaków niewidocznych i znaków kierunku tekstu.",
        ],
        Code::InvalidUri => [
            "Enter a full https:// address without a user name, password or #fragment; http:// works only for 127.0.0.1, [::1] and localhost, and a back-channel logout address must be on a public host.",
            "Saisissez une adresse https:// complète, sans nom d'utilisateur, mot de passe ni #fragment ; http:// n'est accepté que pour 127.0.0.1, [::1] et localhost, et une adresse de déconnexion back-channel doit être sur un hôte public.",
            "Введите полный адрес https:// без имени пользователя, пароля и #фрагмента; http:// допускается только для 127.0.0.1, [::1] и localhost, а адрес для back-channel logout должен быть на публичном хосте.",
            "Hãy nhập một địa chỉ https:// đầy đủ, không có tên người dùng, mật khẩu hay #phân đoạn; http:// chỉ dùng được cho 127.0.0.1, [::1] và localhost, và địa chỉ đăng xuất back-channel phải nằm trên một máy chủ công khai.",
            "Podaj pełny adres https:// bez nazwy użytkownika, hasła i #fragmentu; http:// działa tylko dla 127.0.0.1, [::1] i localhost, a adres wylogowania back-channel musi być na publicznym hoście.",
        ],
        Code::TwoFactorRequired => [
            "This workspace requires two-step authentication. Switch it on under Security, then open the workspace again.",
            "Cet espace de travail exige la validation en deux étapes. Activez-la dans Sécurité, puis rouvrez l'espace de travail.",
            "В этом рабочем пространстве обязательна двухэтапная аутентификация. Включите её в разделе «Безопасность» и снова откройте пространство.",
            "Không gian làm việc này yêu cầu xác thực hai bước. Hãy bật nó trong mục Bảo mật rồi mở lại không gian làm việc.",
            "Ta przestrzeń robocza wymaga uwierzytelniania dwuetapowego. Włącz je w sekcji Bezpieczeństwo, a potem ponownie otwórz przestrzeń.",
        ],
        Code::TwoFactorRequiredByWorkspace => [
            "A workspace you belong to requires two-step authentication, so it cannot be switched off. An admin of that workspace can reset it for you.",
            "Un espace de travail dont vous êtes membre exige la validation en deux étapes : elle ne peut pas être désactivée. Un administrateur de cet espace peut la réinitialiser pour vous.",
            "Рабочее пространство, в котором вы состоите, требует двухэтапной аутентификации, поэтому её нельзя отключить. Администратор этого пространства может сбросить её для вас.",
            "Một không gian làm việc bạn tham gia yêu cầu xác thực hai bước nên không thể tắt. Quản trị viên của không gian đó có thể đặt lại cho bạn.",
            "Przestrzeń robocza, do której należysz, wymaga uwierzytelniania dwuetapowego, więc nie można go wyłączyć. Administrator tej przestrzeni może je dla Ciebie zresetować.",
        ],
        Code::OperatorSecondFactorRequired => [
            "The operator API needs a session signed in with a second step. Log in again with your authenticator code or a passkey, then try again.",
            "L'API des opérateurs exige une session ouverte avec une deuxième étape. Reconnectez-vous avec le code de votre application d'authentification ou une clé d'accès, puis réessayez.",
            "API операторов требует сеанса, открытого со вторым шагом. Войдите снова с кодом из приложения-аутентификатора или с ключом доступа и повторите попытку.",
            "API dành cho nhân viên vận hành cần một phiên đăng nhập có bước thứ hai. Hãy đăng nhập lại bằng mã từ ứng dụng xác thực hoặc bằng khóa truy cập rồi thử lại.",
            "API operatorów wymaga sesji otwartej z drugim krokiem. Zaloguj się ponownie kodem z aplikacji uwierzytelniającej lub kluczem dostępu i spróbuj jeszcze raz.",
        ],
        Code::InvalidPasskey => [
            "This passkey could not be added: your browser's answer did not check out (it may have expired or come from another site). Try adding it again.",
            "Cette clé d'accès n'a pas pu être ajoutée : la réponse de votre navigateur n'a pas pu être vérifiée (elle a peut-être expiré ou vient d'un autre site). Réessayez de l'ajouter.",
            "Не удалось добавить ключ доступа: ответ браузера не прошёл проверку (возможно, он устарел или пришёл с другого сайта). Попробуйте добавить его ещё раз.",
            "Không thể thêm khóa truy cập này: phản hồi của trình duyệt không hợp lệ (có thể đã hết hạn hoặc đến từ trang khác). Hãy thử thêm lại.",
            "Nie udało się dodać klucza dostępu: odpowiedź przeglądarki nie przeszła weryfikacji (mogła wygasnąć lub pochodzić z innej witryny). Spróbuj dodać go ponownie.",
        ],
        Code::PasskeyLimitReached => [
            "You already have 10 passkeys, the most a profile can have. Remove one you no longer use first.",
            "Vous avez déjà 10 clés d'accès, le maximum pour un profil. Supprimez d'abord celle que vous n'utilisez plus.",
            "У вас уже 10 ключей доступа — это максимум для профиля. Сначала удалите тот, которым больше не пользуетесь.",
            "Bạn đã có 10 khóa truy cập, mức tối đa cho một hồ sơ. Hãy xóa một khóa bạn không còn dùng trước.",
            "Masz już 10 kluczy dostępu, najwięcej, ile może mieć profil. Najpierw usuń ten, którego już nie używasz.",
        ],
        Code::AppLimitReached => [
            "This workspace has registered as many applications as it can (20). Remove one first.",
            "Cet espace de travail a enregistré autant d'applications qu'il le peut (20). Supprimez-en une d'abord.",
            "В этом рабочем пространстве зарегистрировано максимальное число приложений (20). Сначала удалите одно из них.",
            "Không gian làm việc này đã đăng ký số ứng dụng tối đa (20). Hãy xóa một ứng dụng trước.",
            "W tej przestrzeni roboczej zarejestrowano już maksymalną liczbę aplikacji (20). Najpierw usuń jedną z nich.",
        ],
        Code::InvalidAuthorizationRequest => [
            "This sign-in request cannot be answered: the application is unknown or switched off, or it asked to come back to an address it has not registered. Go back to the application and try again.",
            "Cette demande de connexion ne peut pas aboutir : l'application est inconnue ou désactivée, ou elle demande à revenir à une adresse qu'elle n'a pas enregistrée. Retournez dans l'application et réessayez.",
            "На этот запрос входа нельзя ответить: приложение неизвестно или отключено, либо оно просит вернуться на адрес, который не зарегистрировало. Вернитесь в приложение и попробуйте снова.",
            "Không thể xử lý yêu cầu đăng nhập này: ứng dụng không xác định hoặc đã bị tắt, hoặc nó yêu cầu quay lại một địa chỉ chưa đăng ký. Hãy quay lại ứng dụng và thử lại.",
            "Nie można obsłużyć tego żądania logowania: aplikacja jest nieznana lub wyłączona albo prosi o powrót na adres, którego nie zarejestrowała. Wróć do aplikacji i spróbuj ponownie.",
        ],
        Code::NoWorkspaceAccess => [
            "Your profile has no active place in this workspace: you were not invited, your invitation is not accepted yet, or you were dismissed. Ask one of its administrators.",
            "Votre profil n'a pas de place active dans cet espace de travail : vous n'y avez pas été invité, votre invitation n'est pas encore acceptée, ou vous en avez été retiré. Adressez-vous à l'un de ses administrateurs.",
            "У вашего профиля нет активного места в этом рабочем пространстве: вас не приглашали, приглашение ещё не принято или вас исключили. Обратитесь к одному из его администраторов.",
            "Hồ sơ của bạn không có vị trí đang hoạt động trong không gian làm việc này: bạn chưa được mời, lời mời chưa được chấp nhận, hoặc bạn đã bị loại khỏi đó. Hãy liên hệ một quản trị viên của nó.",
            "Twój profil nie ma aktywnego miejsca w tej przestrzeni roboczej: nie zaproszono cię, zaproszenie nie zostało jeszcze przyjęte albo zostałeś z niej usunięty. Zwróć się do jednego z jej administratorów.",
        ],
        Code::InvalidGrant => [
            "This sign-in has expired or was already used. Go back to the application and sign in again.",
            "Cette connexion a expiré ou a déjà été utilisée. Retournez dans l'application et reconnectez-vous.",
            "Срок этого входа истёк, или он уже был использован. Вернитесь в приложение и войдите снова.",
            "Lần đăng nhập này đã hết hạn hoặc đã được sử dụng. Hãy quay lại ứng dụng và đăng nhập lại.",
            "To logowanie wygasło lub zostało już użyte. Wróć do aplikacji i zaloguj się ponownie.",
        ],
        Code::InvalidClient => [
            "The application could not be identified: its client ID or secret is wrong, or it used a way of signing in it may not use.",
            "L'application n'a pas pu être identifiée : son identifiant client ou son secret est incorrect, ou elle a utilisé une méthode qui ne lui est pas permise.",
            "Не удалось опознать приложение: неверный идентификатор клиента или секрет, либо оно использовало недопустимый для него способ.",
            "Không thể xác định ứng dụng: mã khách hàng hoặc khóa bí mật sai, hoặc ứng dụng đã dùng một cách xác thực không được phép.",
            "Nie udało się rozpoznać aplikacji: jej identyfikator klienta lub sekret jest błędny albo użyła metody, z której nie może korzystać.",
        ],
        Code::InvalidText => [
            "Fill in this field with at most 100 characters, without control, invisible or text-direction characters.",
            "Remplissez ce champ avec au plus 100 caractères, sans caractère de contrôle, invisible ni de sens d'écriture.",
            "Заполните это поле: не более 100 символов, без управляющих, невидимых символов и символов направления текста.",
            "Hãy điền trường này với tối đa 100 ký tự, không có ký tự điều khiển, ký tự ẩn hay ký tự điều khiển hướng chữ.",
            "Wypełnij to pole: najwyżej 100 znaków, bez znaków sterujących, niewidocznych i znaków kierunku tekstu.",
        ],
        Code::SendLimitReached => [
            "Too many messages were sent to this address or from this account today. Try again tomorrow.",
            "Trop de messages ont été envoyés aujourd'hui à cette adresse ou depuis ce compte. Réessayez demain.",
            "Сегодня на этот адрес или из этого аккаунта отправлено слишком много сообщений. Повторите завтра.",
            "Hôm nay đã gửi quá nhiều tin nhắn đến địa chỉ này hoặc từ tài khoản này. Hãy thử lại vào ngày mai.",
            "Dziś wysłano zbyt wiele wiadomości na ten adres lub z tego konta. Spróbuj ponownie jutro.",
        ],
        Code::LoginRequired => [
            "Enter your email or your phone number.",
            "Saisissez votre e-mail ou votre numéro de téléphone.",
            "Введите почту или номер телефона.",
            "Nhập email hoặc số điện thoại của bạn.",
            "Wpisz adres e-mail lub numer telefonu.",
        ],
        Code::NameTaken => [
            "This name is already used here: choose another one.",
            "Ce nom est déjà utilisé ici : choisissez-en un autre.",
            "Это название здесь уже занято: выберите другое.",
            "Tên này đã được dùng ở đây: hãy chọn tên khác.",
            "Ta nazwa jest tu już używana: wybierz inną.",
        ],
        Code::MessageNotRetryable => [
            "This message cannot be sent again: it was delivered, or its code or link has expired.",
            "Ce message ne peut pas être renvoyé : il a été remis, ou son code ou son lien a expiré.",
            "Это сообщение нельзя отправить повторно: оно доставлено или срок его кода или ссылки истёк.",
            "Không thể gửi lại tin nhắn này: tin đã được gửi, hoặc mã hay liên kết đã hết hạn.",
            "Tej wiadomości nie można wysłać ponownie: została doręczona albo jej kod lub link wygasł.",
        ],
        Code::LastAdmin => [
            "An account needs at least one administrator.",
            "Un compte doit avoir au moins un administrateur.",
            "В аккаунте должен остаться хотя бы один администратор.",
            "Tài khoản cần có ít nhất một quản trị viên.",
            "Konto musi mieć co najmniej jednego administratora.",
        ],
        Code::TooManyAddresses => [
            "You can invite at most 100 addresses at once.",
            "Vous pouvez inviter au maximum 100 adresses à la fois.",
            "За один раз можно пригласить не более 100 адресов.",
            "Bạn chỉ có thể mời tối đa 100 địa chỉ mỗi lần.",
            "Jednorazowo można zaprosić najwyżej 100 adresów.",
        ],
        Code::PlanRequired => [
            "This is only available on a paid plan.",
            "Cette option n'est disponible qu'avec une offre payante.",
            "Это доступно только на платном тарифе.",
            "Tính năng này chỉ có ở gói trả phí.",
            "Ta opcja jest dostępna tylko w planie płatnym.",
        ],
        Code::PasswordChangeRequired => [
            "Choose your own password before you continue: the one you logged in with was set by an administrator.",
            "Choisissez votre propre mot de passe avant de continuer : celui avec lequel vous vous êtes connecté a été défini par un administrateur.",
            "Прежде чем продолжить, задайте свой пароль: пароль, с которым вы вошли, установил администратор.",
            "Hãy đặt mật khẩu của riêng bạn trước khi tiếp tục: mật khẩu bạn vừa dùng do quản trị viên đặt.",
            "Zanim przejdziesz dalej, ustaw własne hasło: hasło, którym się zalogowano, ustawił administrator.",
        ],
        Code::InvalidOtp | Code::InvalidOtpLogin => [
            "The code from your authenticator app is wrong or was already used. Enter the current code.",
            "Le code de votre application d'authentification est incorrect ou a déjà été utilisé. Saisissez le code actuel.",
            "Код из приложения-аутентификатора неверен или уже использован. Введите текущий код.",
            "Mã từ ứng dụng xác thực không đúng hoặc đã được dùng. Hãy nhập mã hiện tại.",
            "Kod z aplikacji uwierzytelniającej jest błędny lub został już użyty. Wpisz bieżący kod.",
        ],
        Code::InvalidRecoveryCode => [
            "This recovery code is wrong or was already used: each one works once. Enter another of your recovery codes.",
            "Ce code de récupération est incorrect ou a déjà été utilisé : chacun ne sert qu'une fois. Saisissez un autre de vos codes de récupération.",
            "Этот резервный код неверен или уже использован: каждый действует один раз. Введите другой резервный код.",
            "Mã khôi phục này không đúng hoặc đã được dùng: mỗi mã chỉ dùng được một lần. Hãy nhập một mã khôi phục khác.",
            "Ten kod odzyskiwania jest błędny lub został już użyty: każdy działa tylko raz. Wpisz inny kod odzyskiwania.",
        ],
        Code::TwoFactorNotEnabled => [
            "Two-step authentication is not switched on for this profile.",
            "La validation en deux étapes n'est pas activée pour ce profil.",
            "Двухэтапная аутентификация для этого профиля не включена.",
            "Xác thực hai bước chưa được bật cho hồ sơ này.",
            "Uwierzytelnianie dwuetapowe nie jest włączone dla tego profilu.",
        ],
        Code::TwoFactorAlreadyEnabled => [
            "Two-step authentication is already on. Switch it off first to set up a new authenticator.",
            "La validation en deux étapes est déjà activée. Désactivez-la d'abord pour configurer une nouvelle application.",
            "Двухэтапная аутентификация уже включена. Сначала отключите её, чтобы настроить новое приложение.",
            "Xác thực hai bước đã được bật. Hãy tắt trước khi thiết lập ứng dụng xác thực mới.",
            "Uwierzytelnianie dwuetapowe jest już włączone. Najpierw je wyłącz, aby skonfigurować nową aplikację.",
        ],
        Code::SocialNotLinked => [
            "This account is not linked to any netid profile. Log in with your email or phone and connect it in your profile, or sign up with it.",
            "Ce compte n'est lié à aucun profil netid. Connectez-vous avec votre e-mail ou votre téléphone et associez-le dans votre profil, ou inscrivez-vous avec lui.",
            "Этот аккаунт не привязан ни к одному профилю netid. Войдите по email или телефону и привяжите его в профиле или зарегистрируйтесь с ним.",
            "Tài khoản này chưa được liên kết với hồ sơ netid nào. Hãy đăng nhập bằng email hoặc số điện thoại và liên kết nó trong hồ sơ, hoặc đăng ký bằng nó.",
            "To konto nie jest powiązane z żadnym profilem netid. Zaloguj się e-mailem lub telefonem i połącz je w profilu albo zarejestruj się za jego pomocą.",
        ],
        Code::SocialAlreadyLinked => [
            "This account is already linked to another netid profile.",
            "Ce compte est déjà lié à un autre profil netid.",
            "Этот аккаунт уже привязан к другому профилю netid.",
            "Tài khoản này đã được liên kết với một hồ sơ netid khác.",
            "To konto jest już powiązane z innym profilem netid.",
        ],
        Code::LastLoginMethod => [
            "This is your only way to log in. Set a password or connect another account first.",
            "C'est votre seul moyen de connexion. Définissez d'abord un mot de passe ou associez un autre compte.",
            "Это ваш единственный способ входа. Сначала задайте пароль или привяжите другой аккаунт.",
            "Đây là cách đăng nhập duy nhất của bạn. Hãy đặt mật khẩu hoặc liên kết một tài khoản khác trước.",
            "To jedyny sposób logowania. Najpierw ustaw hasło lub połącz inne konto.",
        ],
        Code::SocialStateInvalid => [
            "This sign-in link has expired or was already used. Please start again.",
            "Ce lien de connexion a expiré ou a déjà été utilisé. Veuillez recommencer.",
            "Срок действия этой ссылки для входа истёк, или она уже использована. Начните заново.",
            "Liên kết đăng nhập này đã hết hạn hoặc đã được sử dụng. Vui lòng bắt đầu lại.",
            "Ten link logowania wygasł lub został już użyty. Zacznij od nowa.",
        ],
        Code::SocialTokenInvalid => [
            "We could not verify the answer of the sign-in provider. Please try again.",
            "Nous n'avons pas pu vérifier la réponse du fournisseur de connexion. Veuillez réessayer.",
            "Не удалось проверить ответ сервиса входа. Попробуйте ещё раз.",
            "Chúng tôi không thể xác minh phản hồi của nhà cung cấp đăng nhập. Vui lòng thử lại.",
            "Nie udało się zweryfikować odpowiedzi dostawcy logowania. Spróbuj ponownie.",
        ],
        Code::SocialDenied => [
            "Sign-in was cancelled at the provider. Nothing was changed.",
            "La connexion a été annulée chez le fournisseur. Rien n'a été modifié.",
            "Вход был отменён у провайдера. Ничего не изменено.",
            "Đăng nhập đã bị hủy tại nhà cung cấp. Không có gì thay đổi.",
            "Logowanie zostało anulowane u dostawcy. Nic nie zmieniono.",
        ],
        Code::SocialProviderError => [
            "The sign-in provider is not answering right now. Please try again later.",
            "Le fournisseur de connexion ne répond pas pour le moment. Veuillez réessayer plus tard.",
            "Сервис входа сейчас не отвечает. Попробуйте позже.",
            "Nhà cung cấp đăng nhập hiện không phản hồi. Vui lòng thử lại sau.",
            "Dostawca logowania nie odpowiada. Spróbuj ponownie później.",
        ],
        Code::ReauthenticationRequired => [
            "For your security, log in again before making this change.",
            "Pour votre sécurité, reconnectez-vous avant d'effectuer cette modification.",
            "В целях безопасности войдите заново, прежде чем вносить это изменение.",
            "Vì lý do bảo mật, hãy đăng nhập lại trước khi thực hiện thay đổi này.",
            "Ze względów bezpieczeństwa zaloguj się ponownie przed wprowadzeniem tej zmiany.",
        ],
        Code::Internal => [
            "Something went wrong on our side. Please try again.",
            "Une erreur s'est produite de notre côté. Veuillez réessayer.",
            "На нашей стороне произошла ошибка. Попробуйте ещё раз.",
            "Đã xảy ra lỗi từ phía chúng tôi. Vui lòng thử lại.",
            "Wystąpił błąd po naszej stronie. Spróbuj ponownie.",
        ],
    }
}

/// The message of `code` in `lang`.
pub fn message(code: Code, lang: Lang) -> &'static str {
    let idx = match lang {
        Lang::En => 0,
        Lang::Fr => 1,
        Lang::Ru => 2,
        Lang::Vi => 3,
        Lang::Pl => 4,
    };
    row(code)[idx]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_has_a_message_in_every_language() {
        for code in Code::ALL {
            let en = message(code, Lang::En);
            for lang in Lang::ALL {
                let m = message(code, lang);
                assert!(!m.trim().is_empty(), "{code:?} has no {lang:?} message");
                if lang != Lang::En {
                    assert_ne!(m, en, "{code:?} is not translated to {lang:?}");
                }
            }
        }
    }

    #[test]
    fn all_lists_every_variant_once() {
        let set: HashSet<_> = Code::ALL.iter().collect();
        assert_eq!(set.len(), Code::ALL.len());
        for c in Code::ALL {
            assert_eq!(Code::from_code(c.code()).map(|f| f.code()), Some(c.code()));
        }
    }
}
