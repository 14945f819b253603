// Labels of passkeys (the Security section, the login page, the second step). Merged into
// LABELS by i18n.js; the i18n test checks every language has every key.
export const PASSKEY_LABELS = {
  en: {
    pk_title: "Passkeys", pk_lead: "Log in with your fingerprint, face or screen lock instead of your password. A passkey also counts as your second step.",
    pk_add: "Add a passkey", pk_none: "No passkeys yet.", pk_synced: "Synced", pk_device: "This device only", pk_added_on: "added", pk_used: "last used",
    pk_never: "not used yet", pk_rename: "Rename", pk_remove: "Remove", pk_name: "Name", pk_added: "Passkey added.", pk_removed: "Passkey removed.",
    pk_renamed: "Passkey renamed.", pk_use: "Use a passkey", pk_cancelled: "The passkey request was cancelled or timed out. Try again.",
    pk_need_name: "Passkeys need the service's name in the address bar, not a number. Open", pk_unsupported: "This browser cannot use passkeys.",
  },
  fr: {
    pk_title: "Clés d'accès", pk_lead: "Connectez-vous avec votre empreinte, votre visage ou le verrouillage de l'écran au lieu du mot de passe. Une clé d'accès vaut aussi deuxième étape.",
    pk_add: "Ajouter une clé d'accès", pk_none: "Aucune clé d'accès pour l'instant.", pk_synced: "Synchronisée", pk_device: "Cet appareil seulement", pk_added_on: "ajoutée le", pk_used: "dernière utilisation",
    pk_never: "pas encore utilisée", pk_rename: "Renommer", pk_remove: "Supprimer", pk_name: "Nom", pk_added: "Clé d'accès ajoutée.", pk_removed: "Clé d'accès supprimée.",
    pk_renamed: "Clé d'accès renommée.", pk_use: "Utiliser une clé d'accès", pk_cancelled: "La demande de clé d'accès a été annulée ou a expiré. Réessayez.",
    pk_need_name: "Les clés d'accès demandent le nom du service dans la barre d'adresse, pas un numéro. Ouvrez", pk_unsupported: "Ce navigateur ne peut pas utiliser de clés d'accès.",
  },
  ru: {
    pk_title: "Ключи доступа", pk_lead: "Входите по отпечатку пальца, лицу или блокировке экрана вместо пароля. Ключ доступа также засчитывается как второй этап.",
    pk_add: "Добавить ключ доступа", pk_none: "Ключей доступа пока нет.", pk_synced: "Синхронизируется", pk_device: "Только это устройство", pk_added_on: "добавлен", pk_used: "последнее использование",
    pk_never: "ещё не использовался", pk_rename: "Переименовать", pk_remove: "Удалить", pk_name: "Название", pk_added: "Ключ доступа добавлен.", pk_removed: "Ключ доступа удалён.",
    pk_renamed: "Ключ доступа переименован.", pk_use: "Войти с ключом доступа", pk_cancelled: "Запрос ключа доступа отменён или истёк. Попробуйте ещё раз.",
    pk_need_name: "Для ключей доступа в адресной строке нужно имя сервиса, а не IP-адрес. Откройте", pk_unsupported: "Этот браузер не поддерживает ключи доступа.",
  },
  vi: {
    pk_title: "Khóa truy cập", pk_lead: "Đăng nhập bằng vân tay, khuôn mặt hoặc khóa màn hình thay cho mật khẩu. Khóa truy cập cũng được tính là bước thứ hai.",
    pk_add: "Thêm khóa truy cập", pk_none: "Chưa có khóa truy cập nào.", pk_synced: "Đã đồng bộ", pk_device: "Chỉ thiết bị này", pk_added_on: "đã thêm", pk_used: "dùng lần cuối",
    pk_never: "chưa dùng", pk_rename: "Đổi tên", pk_remove: "Xóa", pk_name: "Tên", pk_added: "Đã thêm khóa truy cập.", pk_removed: "Đã xóa khóa truy cập.",
    pk_renamed: "Đã đổi tên khóa truy cập.", pk_use: "Dùng khóa truy cập", pk_cancelled: "Yêu cầu khóa truy cập đã bị hủy hoặc hết hạn. Hãy thử lại.",
    pk_need_name: "Khóa truy cập cần tên của dịch vụ trên thanh địa chỉ, không phải một dãy số. Hãy mở", pk_unsupported: "Trình duyệt này không dùng được khóa truy cập.",
  },
  pl: {
    pk_title: "Klucze dostępu", pk_lead: "Loguj się odciskiem palca, twarzą lub blokadą ekranu zamiast hasła. Klucz dostępu liczy się też jako drugi etap.",
    pk_add: "Dodaj klucz dostępu", pk_none: "Nie masz jeszcze kluczy dostępu.", pk_synced: "Synchronizowany", pk_device: "Tylko to urządzenie", pk_added_on: "dodano", pk_used: "ostatnio użyty",
    pk_never: "jeszcze nieużyty", pk_rename: "Zmień nazwę", pk_remove: "Usuń", pk_name: "Nazwa", pk_added: "Dodano klucz dostępu.", pk_removed: "Usunięto klucz dostępu.",
    pk_renamed: "Zmieniono nazwę klucza dostępu.", pk_use: "Użyj klucza dostępu", pk_cancelled: "Żądanie klucza dostępu anulowano lub wygasło. Spróbuj ponownie.",
    pk_need_name: "Klucze dostępu wymagają nazwy usługi w pasku adresu, a nie numeru. Otwórz", pk_unsupported: "Ta przeglądarka nie obsługuje kluczy dostępu.",
  },
};
