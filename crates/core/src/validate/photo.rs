//! Profile photos: PNG, JPEG or WebP, at most 5 MiB, and the bytes must be what the type says.

use crate::error::{Code, Error};

/// Largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// The accepted media types.
pub const PHOTO_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];

/// Checks what a browser knows before uploading: the declared type and the size.
pub fn check_photo_meta(content_type: &str, size: usize) -> Result<&'static str, Error> {
    let declared = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some(t) = PHOTO_TYPES.into_iter().find(|t| *t == declared) else {
        return Err(Error::field(Code::UnsupportedMediaType, "photo"));
    };
    if size == 0 || size > MAX_PHOTO_BYTES {
        return Err(Error::field(if size == 0 { Code::InvalidPhoto } else { Code::PayloadTooLarge }, "photo"));
    }
    Ok(t)
}

/// Checks an uploaded photo: type and size, then the file signature against the type.
pub fn check_photo(content_type: &str, bytes: &[u8]) -> Result<&'static str, Error> {
    let declared = check_photo_meta(content_type, bytes.len())?;
    let actual = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    };
    if actual == Some(declared) {
        Ok(declared)
    } else {
        Err(Error::field(Code::InvalidPhoto, "photo"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos() {
        assert_eq!(check_photo("image/png", b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert_eq!(check_photo("image/jpeg; q=1", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert_eq!(check_photo("image/webp", b"RIFF\0\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(check_photo("image/png", b"not an image").map_err(|e| e.code), Err(Code::InvalidPhoto));
        assert_eq!(check_photo("image/gif", b"GIF89a").map_err(|e| e.code), Err(Code::UnsupportedMediaType));
        assert_eq!(check_photo_meta("image/png", MAX_PHOTO_BYTES + 1).map_err(|e| e.code), Err(Code::PayloadTooLarge));
        assert_eq!(check_photo_meta("image/png", 0).map_err(|e| e.code), Err(Code::InvalidPhoto));
    }
}
