use crate::error::{Code, Error};

/// A 6-digit confirmation code as typed by a person (spaces and dashes ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationCode(String);

impl ConfirmationCode {
    pub fn parse(input: &str) -> Result<ConfirmationCode, Error> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{a0}')).collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(ConfirmationCode(digits))
        } else {
            Err(Error::field(Code::InvalidCode, "code"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
