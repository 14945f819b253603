// The account audit log's events in plain language, in the five languages (the API sends
// the action's code, e.g. `invitation.accepted`; the page shows these).
const ACTIONS = [
  "account_created", "account_renamed", "account_deleted",
  "app_registered", "app_updated", "app_deleted", "app_secret_rotated", "app_disabled", "app_enabled",
  "department_renamed", "department_deleted", "group_renamed", "group_deleted",
  "invitation_sent", "invitation_resent", "invitation_revoked", "invitation_accepted",
  "user_added", "user_dismissed", "user_left", "user_role", "two_factor_disabled_by_admin",
  "operator_plan", "operator_renames", "policy_two_factor", "policy_remember_browsers",
];
const TEXT = {
  en: [
    "Workspace created", "Workspace renamed", "Workspace deleted",
    "App registered", "App changed", "App removed", "App secret replaced", "App switched off by the operator", "App switched on by the operator",
    "Department renamed", "Department deleted", "Group renamed", "Group deleted",
    "Invitation sent", "Invitation sent again", "Invitation revoked", "Invitation accepted",
    "Person added", "Person dismissed", "Person left the workspace", "Role changed", "Two-step authentication switched off by an admin",
    "Plan changed by the operator", "Renames granted by the operator", "Two-step requirement changed", "Remembered browsers rule changed",
  ],
  fr: [
    "Espace créé", "Espace renommé", "Espace supprimé",
    "Application enregistrée", "Application modifiée", "Application retirée", "Secret de l'application remplacé", "Application désactivée par l'opérateur", "Application réactivée par l'opérateur",
    "Service renommé", "Service supprimé", "Groupe renommé", "Groupe supprimé",
    "Invitation envoyée", "Invitation renvoyée", "Invitation révoquée", "Invitation acceptée",
    "Personne ajoutée", "Personne licenciée", "Personne partie de l'espace", "Rôle modifié", "Validation en deux étapes désactivée par un administrateur",
    "Offre changée par l'opérateur", "Renommages accordés par l'opérateur", "Exigence de validation en deux étapes modifiée", "Règle des navigateurs mémorisés modifiée",
  ],
  ru: [
    "Пространство создано", "Пространство переименовано", "Пространство удалено",
    "Приложение зарегистрировано", "Приложение изменено", "Приложение удалено", "Секрет приложения заменён", "Приложение отключено оператором", "Приложение включено оператором",
    "Отдел переименован", "Отдел удалён", "Группа переименована", "Группа удалена",
    "Приглашение отправлено", "Приглашение отправлено повторно", "Приглашение отозвано", "Приглашение принято",
    "Сотрудник добавлен", "Сотрудник уволен", "Сотрудник покинул пространство", "Роль изменена", "Двухэтапная аутентификация отключена администратором",
    "Тариф изменён оператором", "Переименования выданы оператором", "Изменено требование двухэтапной аутентификации", "Изменено правило для запомненных браузеров",
  ],
  vi: [
    "Đã tạo không gian", "Đã đổi tên không gian", "Đã xóa không gian",
    "Đã đăng ký ứng dụng", "Đã sửa ứng dụng", "Đã gỡ ứng dụng", "Đã thay khóa bí mật của ứng dụng", "Nhà vận hành đã tắt ứng dụng", "Nhà vận hành đã bật ứng dụng",
    "Đã đổi tên phòng ban", "Đã xóa phòng ban", "Đã đổi tên nhóm", "Đã xóa nhóm",
    "Đã gửi lời mời", "Đã gửi lại lời mời", "Đã thu hồi lời mời", "Lời mời đã được chấp nhận",
    "Đã thêm thành viên", "Đã cho thành viên nghỉ", "Thành viên đã rời không gian", "Đã đổi vai trò", "Quản trị viên đã tắt xác thực hai bước",
    "Nhà vận hành đã đổi gói", "Nhà vận hành đã cấp thêm lượt đổi tên", "Đã đổi yêu cầu xác thực hai bước", "Đã đổi quy định về trình duyệt được ghi nhớ",
  ],
  pl: [
    "Utworzono przestrzeń", "Zmieniono nazwę przestrzeni", "Usunięto przestrzeń",
    "Zarejestrowano aplikację", "Zmieniono aplikację", "Usunięto aplikację", "Wymieniono sekret aplikacji", "Operator wyłączył aplikację", "Operator włączył aplikację",
    "Zmieniono nazwę działu", "Usunięto dział", "Zmieniono nazwę grupy", "Usunięto grupę",
    "Wysłano zaproszenie", "Ponownie wysłano zaproszenie", "Odwołano zaproszenie", "Przyjęto zaproszenie",
    "Dodano osobę", "Zwolniono osobę", "Osoba opuściła przestrzeń", "Zmieniono rolę", "Administrator wyłączył uwierzytelnianie dwuetapowe",
    "Operator zmienił plan", "Operator przyznał zmiany nazwy", "Zmieniono wymóg uwierzytelniania dwuetapowego", "Zmieniono zasadę zapamiętanych przeglądarek",
  ],
};
export const AUDIT_LABELS = Object.fromEntries(Object.entries(TEXT).map(([lang, texts]) => [lang, Object.fromEntries(ACTIONS.map((a, i) => [`audit_${a}`, texts[i]]))]));
export const AUDIT_ACTIONS = ACTIONS;
