//! Validated types. Each is built only through validation, so code holding one never
//! re-checks the string. The same functions back the server and the npm package.

mod account_name;
#[cfg(feature = "breached-passwords")]
pub mod breached;
mod code;
mod email;
mod invitees;
mod login;
mod name;
mod password;
mod phone;
mod photo;
mod text;

pub use account_name::AccountName;
pub use code::ConfirmationCode;
pub use email::Email;
pub use invitees::{parse_mass, Invitee, MassEntry, MAX_MASS_ADDRESSES};
pub use login::{Login, LoginKind};
pub use name::Name;
pub use password::{Password, PersonalInfo, Strength, CHECKS_BREACHED};
pub use phone::Phone;
pub use photo::{
    check_photo, check_photo_meta, photo_dimensions, strip_photo_metadata, MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS,
    PHOTO_TYPES,
};
pub mod uri;
pub use text::{is_invisible, parse_text, sibling_name, strip_invisible, visible_text, TEXT_MAX};
pub use uri::{app_uri, redirect_matches, UriUse};
