//! Validated types. Each is built only through validation, so code holding one never
//! re-checks the string. The same functions back the server and the npm package.

mod code;
mod email;
mod login;
mod name;
mod password;
mod phone;

pub use code::ConfirmationCode;
pub use email::Email;
pub use login::Login;
pub use name::Name;
pub use password::{Password, PersonalInfo, Strength};
pub use phone::Phone;
